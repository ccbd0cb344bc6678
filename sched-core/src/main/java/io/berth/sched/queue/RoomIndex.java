package io.berth.sched.queue;

import java.util.Arrays;

import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * The largest free cpu, memory, GPU share and whole GPU devices of any live node, as max segment trees over the
 * node slots: a necessary condition of a pod fitting anywhere ({@link #mayFitAnywhere}), answered in O(1) after
 * O(log nodes) per changed slot. The trees follow the table's touch log ({@link NodeTable#touchCount}), so every
 * change of a slot's requests or GPU use is seen however it was made; they are rebuilt when the node table's
 * epoch moved or more touches passed than the log keeps. Owned by the queue's thread.
 */
final class RoomIndex
{
    private final NodeTable table;
    private final boolean resources;
    private final boolean gpu;
    private int leaves;
    private long[] cpu = new long[0];
    private long[] memory = new long[0];
    private long[] gpuMilli = new long[0];
    private long[] gpuWhole = new long[0];
    private long seenEpoch = -1;
    private long seenTouches;
    private int seenLimit = -1;

    RoomIndex(final NodeTable table, final boolean resources, final boolean gpu)
    {
        this.table = table;
        this.resources = resources;
        this.gpu = gpu;
    }

    /**
     * False when no live node has the free cpu and memory (with NodeResourcesFit) or the GPU share / whole devices
     * (with GpuShare) the requests ask for, each taken alone; true otherwise (the pod may fit somewhere).
     */
    boolean mayFitAnywhere(final long cpuMilli, final long memoryBytes, final long gpuMilliPerDevice, final long gpuDevices)
    {
        refresh();
        return (!resources || cpuMilli <= cpu[1] && memoryBytes <= memory[1]) &&
            (!gpu || gpuMilliPerDevice <= gpuMilli[1] && gpuDevices <= gpuWhole[1]);
    }

    private void refresh()
    {
        final long touches = table.touchCount();
        if (seenEpoch != table.epoch() || seenLimit != table.slotLimit() || leaves < table.capacity() ||
            touches - seenTouches > NodeTable.TOUCH_LOG_SIZE)
        {
            rebuild();
            return;
        }
        for (long t = seenTouches; t < touches; t++)
        {
            final int slot = table.touchedSlot(t);
            leaf(slot);
            for (int i = (slot + leaves) >> 1; i >= 1; i >>= 1)
            {
                up(i);
            }
        }
        seenTouches = touches;
    }

    private void rebuild()
    {
        int n = 1;
        while (n < Math.max(2, table.capacity()))
        {
            n <<= 1;
        }
        if (n != leaves)
        {
            leaves = n;
            cpu = new long[2 * n];
            memory = new long[2 * n];
            gpuMilli = new long[2 * n];
            gpuWhole = new long[2 * n];
        }
        Arrays.fill(cpu, Long.MIN_VALUE);
        Arrays.fill(memory, Long.MIN_VALUE);
        Arrays.fill(gpuMilli, Long.MIN_VALUE);
        Arrays.fill(gpuWhole, Long.MIN_VALUE);
        for (int slot = 0, limit = table.slotLimit(); slot < limit; slot++)
        {
            leaf(slot);
        }
        for (int i = leaves - 1; i >= 1; i--)
        {
            up(i);
        }
        seenEpoch = table.epoch();
        seenLimit = table.slotLimit();
        seenTouches = table.touchCount();
    }

    private void leaf(final int slot)
    {
        final int i = slot + leaves;
        if (slot >= table.slotLimit() || !table.isLive(slot))
        {
            cpu[i] = Long.MIN_VALUE;
            memory[i] = Long.MIN_VALUE;
            gpuMilli[i] = Long.MIN_VALUE;
            gpuWhole[i] = Long.MIN_VALUE;
            return;
        }
        if (resources)
        {
            cpu[i] = table.free(Resources.CPU, slot);
            memory[i] = table.free(Resources.MEMORY, slot);
        }
        if (gpu)
        {
            gpuMilli[i] = table.gpuMaxFreeColumn().get(slot);
            gpuWhole[i] = table.gpuWholeFreeColumn().get(slot);
        }
    }

    private void up(final int i)
    {
        final int l = 2 * i;
        cpu[i] = Math.max(cpu[l], cpu[l + 1]);
        memory[i] = Math.max(memory[l], memory[l + 1]);
        gpuMilli[i] = Math.max(gpuMilli[l], gpuMilli[l + 1]);
        gpuWhole[i] = Math.max(gpuWhole[l], gpuWhole[l + 1]);
    }
}
