package io.berth.sched.plugins.gpushare;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.Kernels;
import io.berth.sched.table.NodeTable;

/** Per-node device facts the GPU scores share: the best-fit device's free milli, as a vector and a scalar. */
final class GpuDevices
{
    /** Best fit of a node where no device fits. */
    static final long NO_FIT = 1 << 20;

    private GpuDevices()
    {
    }

    /** The least free milli among the slot's devices with at least {@code milli} free; {@link #NO_FIT} when none. */
    static long bestFit(final NodeTable table, final int slot, final long milli)
    {
        long best = NO_FIT;
        for (int d = 0; d < NodeTable.MAX_GPU_DEVICES; d++)
        {
            final long free = table.gpuFreeMilli(slot, d);
            if (free >= milli && free < best)
            {
                best = free;
            }
        }
        return best;
    }

    /** {@link #bestFit} for lanes {@code [slot, slot + LANES)}; absent devices have 0 free and {@code milli >= 1}. */
    static LongVector bestFitLanes(final NodeTable table, final int slot, final long milli)
    {
        LongVector best = LongVector.broadcast(Kernels.LONGS, NO_FIT);
        for (int d = 0; d < NodeTable.MAX_GPU_DEVICES; d++)
        {
            final LongVector free = Kernels.load(table.gpuFreeColumn(d).segment(), slot);
            best = best.min(free.blend(NO_FIT, free.compare(VectorOperators.LT, milli)));
        }
        return best;
    }
}
