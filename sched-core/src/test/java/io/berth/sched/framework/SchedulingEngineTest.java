package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

class SchedulingEngineTest
{
    private static final long GI = 1024L * 1024 * 1024;

    private static NodeObject node(final String name, final long milliCpu, final long memBytes, final long pods)
    {
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name))
            .allocatable(ResourceList.ofMilli("cpu", milliCpu, "memory", memBytes * 1000, "pods", pods * 1000)).build();
    }

    private static PodObject pod(final String name, final long milliCpu, final long memBytes)
    {
        return PodObject.builder("default", name)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", memBytes * 1000)))).build();
    }

    private static SchedulingEngine engine(final NodeTable table, final long seed)
    {
        return new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), seed);
    }

    /** Column name to its values; columns created later (new resources, host ports) must read all zero. */
    private static Map<String, List<Long>> snapshot(final NodeTable table, final Map<String, List<Long>> before)
    {
        final Map<String, List<Long>> all = new java.util.TreeMap<>();
        for (final LongColumn c : table.columns())
        {
            if (c.name().equals("slotVersion"))
            {
                continue; // a change counter, not state: it only ever grows
            }
            final List<Long> values = new java.util.ArrayList<>();
            for (int s = 0; s < table.slotLimit(); s++)
            {
                values.add(c.get(s));
            }
            if (before == null || before.containsKey(c.name()))
            {
                all.put(c.name(), values);
            }
            else
            {
                assertThat(values).as("new column %s", c.name()).containsOnly(0L);
            }
        }
        return all;
    }

    @Test
    void assumeThenForgetRestoresEveryColumnExactly()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        for (int i = 0; i < 20; i++)
        {
            engine.upsertNode(node("n" + i, 4000, 16 * GI, 110));
        }
        engine.addBoundPod(pod("existing", 1000, GI).withNodeName("n3"));
        final Map<String, List<Long>> before = snapshot(table, null);
        final RandomCluster rc = new RandomCluster(7);
        for (int i = 0; i < 200; i++)
        {
            final PodObject p = rc.pod("p" + i, "");
            if (engine.schedule(p) >= 0)
            {
                assertThat(engine.removePod(p.key())).isTrue();
            }
        }
        assertThat(snapshot(table, before)).isEqualTo(before);
    }

    @Test
    void cachedClassRecomputesOnlyTheChunkThatChanged()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        for (int i = 0; i < 100; i++)
        {
            engine.upsertNode(node("n" + i, 4000, 16 * GI, 110));
        }
        engine.schedule(pod("a", 100, 1));
        assertThat(engine.lastDirtyChunks()).isEqualTo(-1);
        engine.schedule(pod("b", 100, 1));
        assertThat(engine.lastDirtyChunks()).isEqualTo(1); // only the chunk of the node "a" went to
        engine.upsertNode(node("n7", 8000, 16 * GI, 110));
        engine.schedule(pod("c", 100, 1));
        assertThat(engine.lastDirtyChunks()).as("a node change recomputes everything").isEqualTo(-1);
        engine.schedule(pod("other-class", 200, 1));
        assertThat(engine.lastDirtyChunks()).isEqualTo(-1);
    }

    @Test
    void leastAllocatedSpreadsAndCapacityIsNeverExceeded()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        engine.upsertNode(node("small", 2000, 4 * GI, 110));
        engine.upsertNode(node("big", 8000, 32 * GI, 110));
        int placed = 0;
        for (int i = 0; i < 100; i++)
        {
            if (engine.schedule(pod("p" + i, 500, GI / 2)) >= 0)
            {
                placed++;
            }
        }
        assertThat(placed).isEqualTo(20); // 4 on small + 16 on big by cpu
        for (final String n : List.of("small", "big"))
        {
            final int s = table.slotOf(n);
            assertThat(table.requested(Resources.CPU).get(s)).isLessThanOrEqualTo(table.allocatable(Resources.CPU).get(s));
        }
        assertThat(engine.schedule(pod("late", 500, 1))).isEqualTo(-1);
        assertThat(engine.unschedulableReasons()).containsEntry("Insufficient cpu", 2);
    }

    @Test
    void podCountLimitGivesTooManyPods()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        engine.upsertNode(node("n", 64000, 64 * GI, 2));
        assertThat(engine.schedule(pod("a", 1, 1))).isGreaterThanOrEqualTo(0);
        assertThat(engine.schedule(pod("b", 1, 1))).isGreaterThanOrEqualTo(0);
        assertThat(engine.schedule(pod("c", 1, 1))).isEqualTo(-1);
        assertThat(engine.unschedulableReasons()).containsOnlyKeys("Too many pods");
    }

    @Test
    void podsBoundToAnUnknownNodeWaitInAGhostSlotUntilTheNodeArrives()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        engine.addBoundPod(pod("early", 3000, GI).withNodeName("late-node"));
        assertThat(table.liveCount()).isZero();
        assertThat(engine.schedule(pod("x", 1, 1))).isEqualTo(-1);
        engine.upsertNode(node("late-node", 4000, 8 * GI, 110));
        final int slot = table.slotOf("late-node");
        assertThat(table.requested(Resources.CPU).get(slot)).isEqualTo(3000);
        assertThat(engine.schedule(pod("y", 2000, 1))).isEqualTo(-1);
        assertThat(engine.schedule(pod("z", 1000, 1))).isEqualTo(slot);
    }

    @Test
    void removedNodeSlotIsReusedOnlyAfterItsPodsAreGone()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        engine.upsertNode(node("a", 4000, 8 * GI, 110));
        engine.addBoundPod(pod("on-a", 1000, GI).withNodeName("a"));
        final int slotA = table.slotOf("a");
        engine.removeNode("a");
        assertThat(table.isLive(slotA)).isFalse();
        engine.upsertNode(node("b", 4000, 8 * GI, 110));
        assertThat(table.slotOf("b")).isNotEqualTo(slotA);
        engine.removePod("default/on-a");
        assertThat(table.slotOf("a")).isEqualTo(-1);
        engine.upsertNode(node("c", 4000, 8 * GI, 110));
        assertThat(table.slotOf("c")).isEqualTo(slotA);
        assertThat(table.requested(Resources.CPU).get(slotA)).isZero();
    }

    @Test
    void terminalPodsHoldNoResources()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        engine.upsertNode(node("a", 1000, GI, 110));
        final PodObject done = pod("done", 1000, 1).toBuilder().nodeName("a").phase("Succeeded").build();
        assertThat(engine.addBoundPod(done)).isFalse();
        assertThat(engine.schedule(pod("new", 1000, 1))).isEqualTo(table.slotOf("a"));
    }

    @Test
    void tieBreaksAreSeededAndReproducible()
    {
        final int[] first = placements(42);
        assertThat(placements(42)).containsExactly(first);
        assertThat(placements(43)).isNotEqualTo(first);
    }

    private static int[] placements(final long seed)
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, seed);
        for (int i = 0; i < 50; i++)
        {
            engine.upsertNode(node("n" + i, 4000, 16 * GI, 110));
        }
        final int[] out = new int[20];
        for (int i = 0; i < out.length; i++)
        {
            out[i] = engine.schedule(pod("p" + i, 100, 1));
        }
        return out;
    }

    @Test
    void explainScoresEvenASingleFeasibleNodeAndDoesNotAssume()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = engine(table, 1);
        engine.upsertNode(node("fits", 4000, 8 * GI, 110));
        engine.upsertNode(node("tiny", 100, 8 * GI, 110));
        final Explanation e = engine.explain(pod("p", 1000, GI));
        assertThat(e.selected()).isEqualTo("fits");
        assertThat(e.nodes()).hasSize(2);
        final Explanation.NodeResult fits = e.nodes().stream().filter(n -> n.name().equals("fits")).findFirst().orElseThrow();
        // LeastAllocated: cpu (4000-1000)*100/4000 = 75, memory (8-1)*100/8 = 87 -> (75+87)/2 = 81
        assertThat(fits.scores()).containsEntry("NodeResourcesFit", 81L);
        // Balanced: |0.25 - 0.125| / 2 = 0.0625 -> (1 - 0.0625) * 100 = 93
        assertThat(fits.scores()).containsEntry("NodeResourcesBalancedAllocation", 93L);
        final Explanation.NodeResult tiny = e.nodes().stream().filter(n -> n.name().equals("tiny")).findFirst().orElseThrow();
        assertThat(tiny.feasible()).isFalse();
        assertThat(tiny.reasons()).containsExactly("Insufficient cpu");
        assertThat(engine.pods().count()).isZero();
    }
}
