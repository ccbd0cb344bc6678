package io.berth.sched.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

class RoomIndexTest
{
    private static final long MI = 1024L * 1024;

    @Test
    void answersAsAScanOfEveryLiveNodeThroughPlacementsRemovalsAndNodeChanges()
    {
        final Random rnd = new Random(0x500DL);
        for (int round = 0; round < 20; round++)
        {
            final NodeTable table = new NodeTable(64);
            final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), round);
            final RoomIndex index = new RoomIndex(table, true, true);
            final int nodes = 1 + rnd.nextInt(150);
            for (int i = 0; i < nodes; i++)
            {
                engine.upsertNode(node(rnd, "n" + i));
            }
            final List<String> placed = new ArrayList<>();
            // bursts of placements longer than the touch log now and then: the index must rescan, not miss slots
            for (int step = 0; step < 600; step++)
            {
                final int op = rnd.nextInt(20);
                if (op < 12)
                {
                    final PodObject pod = pod(rnd, "p" + round + "-" + step);
                    if (engine.schedule(pod) >= 0)
                    {
                        placed.add(pod.key());
                    }
                }
                else if (op < 17 && !placed.isEmpty())
                {
                    engine.removePod(placed.remove(rnd.nextInt(placed.size())));
                }
                else if (op == 17)
                {
                    engine.upsertNode(node(rnd, "n" + rnd.nextInt(nodes)));
                }
                else if (op == 18)
                {
                    engine.removeNode("n" + rnd.nextInt(nodes));
                }
                else
                {
                    for (int k = 0; k < NodeTable.TOUCH_LOG_SIZE / 2; k++)
                    {
                        final int slot = rnd.nextInt(table.slotLimit());
                        table.addRequested(slot, Resources.CPU, 1);
                        table.addRequested(slot, Resources.CPU, -1);
                    }
                }
                if (rnd.nextInt(3) == 0)
                {
                    continue; // let changes pile up between questions
                }
                for (int q = 0; q < 5; q++)
                {
                    final long cpu = rnd.nextInt(20_000);
                    final long memory = rnd.nextInt(40_000) * MI * 1000;
                    final long gpuMilli = rnd.nextInt(3) == 0 ? 100 + rnd.nextInt(900) : 0;
                    final long gpuWhole = gpuMilli == 0 && rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 0;
                    assertThat(index.mayFitAnywhere(cpu, memory, gpuMilli, gpuWhole))
                        .as("round %d step %d cpu %d memory %d gpu %d/%d", round, step, cpu, memory, gpuMilli, gpuWhole)
                        .isEqualTo(scan(table, cpu, memory, gpuMilli, gpuWhole));
                }
            }
        }
    }

    /** Per resource alone: some live node has that much free. */
    private static boolean scan(final NodeTable t, final long cpu, final long memory, final long gpuMilli, final long gpuWhole)
    {
        boolean c = false;
        boolean m = false;
        boolean g = false;
        boolean w = false;
        for (int slot = 0; slot < t.slotLimit(); slot++)
        {
            if (!t.isLive(slot))
            {
                continue;
            }
            c |= cpu <= t.allocatable(Resources.CPU).get(slot) - t.requested(Resources.CPU).get(slot);
            m |= memory <= t.allocatable(Resources.MEMORY).get(slot) - t.requested(Resources.MEMORY).get(slot);
            g |= gpuMilli <= t.gpuMaxFreeColumn().get(slot);
            w |= gpuWhole <= t.gpuWholeFreeColumn().get(slot);
        }
        return c && m && g && w;
    }

    private static NodeObject node(final Random rnd, final String name)
    {
        final long cpu = 1_000L * (2 + rnd.nextInt(30));
        final int gpus = rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(4) : 0;
        final ResourceList allocatable = gpus == 0
            ? ResourceList.ofMilli("cpu", cpu, "memory", 4 * cpu * MI * 1000, "pods", 110_000)
            : ResourceList.ofMilli("cpu", cpu, "memory", 4 * cpu * MI * 1000, "pods", 110_000,
                GpuSharing.GPU_COUNT, gpus * 1000L);
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name)).allocatable(allocatable).build();
    }

    private static PodObject pod(final Random rnd, final String name)
    {
        final PodObject.Builder b = PodObject.builder("default", name)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", 100L + rnd.nextInt(4_000),
                "memory", (64L + rnd.nextInt(8_000)) * MI * 1000))));
        if (rnd.nextInt(4) == 0)
        {
            b.annotations(rnd.nextBoolean()
                ? Map.of(GpuSharing.GPU_MILLI, Long.toString(100 + 10L * rnd.nextInt(81)), GpuSharing.GPU_COUNT, "1")
                : Map.of(GpuSharing.GPU_MILLI, "1000", GpuSharing.GPU_COUNT, Integer.toString(1 + rnd.nextInt(2))));
        }
        return b.build();
    }
}
