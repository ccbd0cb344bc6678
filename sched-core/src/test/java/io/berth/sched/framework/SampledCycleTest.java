package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * percentageOfNodesToScore: the sampled cycle against kube's findNodesThatPassFilters written out the slow way (a
 * full engine that is told which nodes kube would have examined), and kube's numFeasibleNodesToFind.
 */
class SampledCycleTest
{
    @Test
    void feasibleNodesToFindIsKubesNumFeasibleNodesToFind()
    {
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 0)).isZero();
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 99)).isEqualTo(99);
        assertThat(SchedulingEngine.feasibleNodesToFind(10, 99)).isEqualTo(99);
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 100)).isEqualTo(100); // 50% of 100, raised to 100
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 1000)).isEqualTo(420); // 50 - 1000/125 = 42%
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 5000)).isEqualTo(500); // 10%
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 6000)).isEqualTo(300); // 50 - 48 = 2%, floor 5%
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 20_000)).isEqualTo(1000);
        assertThat(SchedulingEngine.feasibleNodesToFind(30, 1000)).isEqualTo(300);
        assertThat(SchedulingEngine.feasibleNodesToFind(1, 5000)).isEqualTo(100);
        assertThat(SchedulingEngine.feasibleNodesToFind(100, 5000)).isEqualTo(5000);
    }

    @Test
    void percentageIsValidated()
    {
        assertThatThrownBy(() -> Profile.builder().percentageOfNodesToScore(101))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 100]");
        assertThatThrownBy(() -> new SchedulingEngine(new NodeTable(8), PluginRegistry.build(Profile.defaultProfile()), 1)
            .percentageOfNodesToScore(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new SchedulingEngine(new NodeTable(8),
            PluginRegistry.build(Profile.builder().percentageOfNodesToScore(40).build()), 1).percentageOfNodesToScore()).isEqualTo(40);
    }

    /** Passes only the slots kube would have examined and found feasible: set per pod by the test. */
    private static final class ExaminedOnly implements FilterPlugin
    {
        boolean[] allowed = new boolean[0];

        public String name()
        {
            return "ExaminedOnly";
        }

        public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
        {
            return true;
        }

        public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
        {
            filterScalar(table, failBits, failBit, from, to);
        }

        public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
        {
            for (int i = from; i < to; i++)
            {
                if (i >= allowed.length || !allowed[i])
                {
                    failBits[i] |= failBit;
                }
            }
        }

        public void reasons(final NodeTable table, final int slot, final List<String> out)
        {
            out.add("not examined");
        }
    }

    @Test
    void aSampledCycleChoosesWhatKubeChoosesAmongTheNodesItWouldExamine()
    {
        int sampledCycles = 0;
        for (int seed = 0; seed < 24; seed++)
        {
            final boolean vector = seed % 2 == 0;
            final int percentage = new int[] {0, 1, 30, 70}[seed % 4];
            final RandomCluster rc = new RandomCluster(seed);
            final Random rnd = new Random(seed);
            final Plugins built = PluginRegistry.build(Profile.builder().percentageOfNodesToScore(percentage).build());
            final SchedulingEngine sampled = new SchedulingEngine(new NodeTable(64), built, seed).vector(vector);
            final Plugins full = PluginRegistry.build(Profile.defaultProfile());
            final ExaminedOnly examined = new ExaminedOnly();
            final List<FilterPlugin> filters = new ArrayList<>(full.filters());
            filters.add(examined);
            final SchedulingEngine reference = new SchedulingEngine(new NodeTable(64),
                new Plugins(filters, full.scores(), full.weights(), 100), seed).vector(vector).cache(false); // ExaminedOnly changes per pod

            final int nodes = 210 + rnd.nextInt(200);
            final List<String> names = new ArrayList<>();
            for (int i = 0; i < nodes; i++)
            {
                final NodeObject n = withZone(rnd.nextInt(3) == 0 ? rc.node("n" + i) : plainNode("n" + i, rnd), rnd);
                sampled.upsertNode(n);
                reference.upsertNode(n);
                names.add(n.name());
            }
            final List<PodObject> earlier = new ArrayList<>();
            for (int step = 0; step < 80; step++)
            {
                if (rnd.nextInt(20) == 0 && names.size() > 205)
                {
                    final String gone = names.remove(rnd.nextInt(names.size())); // leaves a hole in the slots
                    sampled.removeNode(gone);
                    reference.removeNode(gone);
                }
                // a third are copies of an earlier pod: same class, so the engine's per-class cache takes part
                final PodObject pod = !earlier.isEmpty() && rnd.nextInt(3) == 0 ?
                    earlier.get(rnd.nextInt(earlier.size())).toBuilder().name("p" + step).build() :
                    withPodToPod(rnd.nextInt(3) == 0 ? rc.pod("p" + step, null) : plainPod("p" + step, rnd), rnd);
                earlier.add(pod);
                final NodeTable table = reference.table();
                assertThat(sampled.table().slotLimit()).isEqualTo(table.slotLimit());
                final int live = table.liveCount();
                final int toFind = SchedulingEngine.feasibleNodesToFind(percentage, live);

                // kube: examine nodes from nextStartNodeIndex on, wrapping once, until toFind are feasible
                examined.allowed = new boolean[table.capacity()];
                java.util.Arrays.fill(examined.allowed, true);
                final int slots = table.slotLimit();
                final int start = sampled.nextStartSlot() < slots ? sampled.nextStartSlot() : 0;
                final boolean[] allowed = new boolean[table.capacity()];
                int found = 0;
                int examinedLive = 0;
                int next = start;
                for (int k = 0; k < slots && found < toFind; k++)
                {
                    final int slot = (start + k) % slots;
                    examinedLive += table.isLive(slot) ? 1 : 0;
                    if (table.isLive(slot) && reference.fitsOn(pod, slot))
                    {
                        allowed[slot] = true;
                        if (++found == toFind)
                        {
                            next = slot + 1;
                        }
                    }
                }
                examined.allowed = allowed;
                sampledCycles += toFind < live && found == toFind ? 1 : 0; // stopped before the end

                final int want = reference.schedule(pod);
                final long examinedBefore = sampled.nodesExamined();
                final int got = sampled.schedule(pod);
                assertThat(sampled.nodesExamined() - examinedBefore).as("kube's EvaluatedNodes, seed %d step %d", seed, step)
                    .isEqualTo(pod.nominatedNodeName() == null || pod.nominatedNodeName().isEmpty() ? examinedLive : 1);
                assertThat(got).as("seed %d step %d (%d live, %d to find)", seed, step, live, toFind).isEqualTo(want);
                assertThat(sampled.lastFeasibleCount()).as("seed %d step %d", seed, step).isEqualTo(found);
                if (toFind < live)
                {
                    assertThat(sampled.nextStartSlot()).as("seed %d step %d", seed, step).isEqualTo(found == toFind ? next : start);
                }
            }
        }
        assertThat(sampledCycles).as("cycles that stopped before the last node").isGreaterThan(24 * 80 / 4);
    }

    @Test
    void aCachedClassWithExactlyEnoughFeasibleNodesIsStillSampled()
    {
        final NodeTable table = new NodeTable(256);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        for (int i = 0; i < 200; i++)
        {
            engine.upsertNode(NodeObject.builder("n" + i).allocatable(io.berth.sched.model.ResourceList.ofMilli(
                "cpu", 4000L, "memory", (16L << 30) * 1000, "pods", 110_000L)).build());
            if (i < 50 || i >= 149)
            {
                assertThat(engine.addBoundPod(cpuPod("filler-" + i, 4000).toBuilder().nodeName("n" + i).build())).isTrue();
            }
        }
        assertThat(SchedulingEngine.feasibleNodesToFind(0, 200)).isEqualTo(100);
        // 99 feasible nodes: a full circle, whose bits the class keeps; the next cycle starts where this one did
        assertThat(engine.schedule(cpuPod("x1", 1000))).isBetween(50, 148);
        assertThat(engine.lastFeasibleCount()).isEqualTo(99);
        assertThat(engine.nextStartSlot()).isZero();
        // one more node frees up: 100 feasible, exactly enough, so kube stops at the 100th and moves its start on
        assertThat(engine.removePod("default/filler-0")).isTrue();
        assertThat(engine.schedule(cpuPod("x2", 1000))).isNotNegative();
        assertThat(engine.lastFeasibleCount()).isEqualTo(100);
        assertThat(engine.nextStartSlot()).isEqualTo(149);
    }

    private static PodObject cpuPod(final String name, final long milliCpu)
    {
        return PodObject.builder("default", name).containers(List.of(new io.berth.sched.model.Container("c", "img",
            io.berth.sched.model.ResourceList.ofMilli("cpu", milliCpu)))).build();
    }

    @Test
    void aFailedSampledCycleExaminedEveryNodeAndExplainsEachOne()
    {
        final NodeTable table = new NodeTable(256);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        final RandomCluster rc = new RandomCluster(3);
        for (int i = 0; i < 200; i++)
        {
            engine.upsertNode(rc.node("n" + i));
        }
        final PodObject huge = PodObject.builder("default", "huge").containers(List.of(new io.berth.sched.model.Container(
            "c", "img", io.berth.sched.model.ResourceList.ofMilli("cpu", 1_000_000_000L)))).build();
        assertThat(engine.schedule(huge)).isEqualTo(-1);
        assertThat(engine.unschedulableReasons()).containsKey("Insufficient cpu");
        final long[] bits = engine.lastFailBits();
        for (int s = 0; s < table.slotLimit(); s++)
        {
            assertThat(bits[s] & SchedulingEngine.NOT_EXAMINED).isZero();
        }
        final PodObject small = rc.pod("small", null);
        final int start = engine.nextStartSlot();
        final Explanation e = engine.explain(small);
        assertThat(engine.nextStartSlot()).as("explaining is not a cycle").isEqualTo(start);
        assertThat(e.nodes()).hasSize(200);
        final long notExamined = e.nodes().stream().filter(n -> !n.feasible() && n.failedPlugin() == null).count();
        final long feasible = e.nodes().stream().filter(Explanation.NodeResult::feasible).count();
        assertThat(feasible).isLessThanOrEqualTo(100); // 50% of 200 nodes
        if (feasible == 100)
        {
            assertThat(notExamined).isPositive();
        }
    }

    private static NodeObject plainNode(final String name, final Random rnd)
    {
        return NodeObject.builder(name).allocatable(io.berth.sched.model.ResourceList.ofMilli(
            "cpu", (4 + rnd.nextInt(60)) * 1000L, "memory", ((8L + rnd.nextInt(120)) << 30) * 1000, "pods", 110_000L)).build();
    }

    private static PodObject plainPod(final String name, final Random rnd)
    {
        return PodObject.builder("default", name).containers(List.of(new io.berth.sched.model.Container("c", "img",
            io.berth.sched.model.ResourceList.ofMilli("cpu", 100L + rnd.nextInt(4000), "memory", ((64L + rnd.nextInt(4096)) << 20) * 1000))))
            .build();
    }

    private static NodeObject withZone(final NodeObject n, final Random rnd)
    {
        final Map<String, String> labels = new java.util.HashMap<>(n.labels());
        labels.put("topology.kubernetes.io/zone", "z" + rnd.nextInt(5));
        labels.put("kubernetes.io/hostname", n.name());
        return n.toBuilder().labels(labels).build();
    }

    private static PodObject withPodToPod(final PodObject p, final Random rnd)
    {
        final Map<String, String> labels = Map.of("app", "a" + rnd.nextInt(3));
        final PodObject.Builder b = p.toBuilder().labels(labels);
        final LabelSelector same = new LabelSelector(labels, List.of());
        switch (rnd.nextInt(4))
        {
            case 0 -> b.topologySpreadConstraints(List.of(new TopologySpreadConstraint(1, "topology.kubernetes.io/zone",
                "ScheduleAnyway", same, null, null, null, null)));
            case 1 -> b.topologySpreadConstraints(List.of(new TopologySpreadConstraint(2, "topology.kubernetes.io/zone",
                "DoNotSchedule", same, null, null, null, null)));
            case 2 -> b.podAntiAffinity(new PodAffinity(List.of(), List.of(new WeightedPodAffinityTerm(50,
                new PodAffinityTerm(same, null, "kubernetes.io/hostname", null, null, null)))));
            default ->
            {
            }
        }
        return b.build();
    }
}
