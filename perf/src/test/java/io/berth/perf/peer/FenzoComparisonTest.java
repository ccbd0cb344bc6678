package io.berth.perf.peer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.berth.sched.model.PodObject;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Both engines on small generated workloads: each places everything that fits, no node ends over capacity, no group
 * shares a node under anti-affinity, and no pod is left out that some node could still take. The checks are
 * recomputed from the workload's own requests ({@link PlacementQuality}), not read from either engine.
 */
class FenzoComparisonTest
{
    private static final long SEED = 7;
    private static PeerWorkload roomy;
    private static PeerWorkload roomyAntiAffinity;
    private static PeerWorkload crowded;
    private static PeerWorkload crowdedAntiAffinity;

    @BeforeAll
    static void generate()
    {
        roomy = PeerWorkload.generate(PeerWorkload.Kind.RESOURCES, 200, 2_000, SEED);
        roomyAntiAffinity = PeerWorkload.generate(PeerWorkload.Kind.ANTI_AFFINITY, 200, 2_000, SEED);
        // 20 nodes cannot take 2,000 pods: about half fit
        crowded = PeerWorkload.generate(PeerWorkload.Kind.RESOURCES, 20, 2_000, SEED);
        crowdedAntiAffinity = PeerWorkload.generate(PeerWorkload.Kind.ANTI_AFFINITY, 20, 2_000, SEED);
    }

    private static List<RunResult> allEngines(final PeerWorkload w, final int... fenzoBatches)
    {
        final PodObject[] pods = w.berthPods();
        final List<RunResult> runs = new ArrayList<>();
        for (final BerthRunner.BerthProfile p : BerthRunner.BerthProfile.values())
        {
            runs.add(BerthRunner.run(w, pods, p, SEED));
        }
        for (final int batch : fenzoBatches)
        {
            runs.add(FenzoRunner.run(w, batch));
        }
        return runs;
    }

    @Test
    void bothEnginesPlaceEveryPodOfARoomyWorkload()
    {
        for (final PeerWorkload w : List.of(roomy, roomyAntiAffinity))
        {
            for (final RunResult run : allEngines(w, 100, 1_000, 5_000))
            {
                final PlacementQuality q = PlacementQuality.of(w, run.nodeOfPod());
                assertThat(q.placed()).as("%s batch %d on %s", run.engine(), run.batchSize(), w.kind).isEqualTo(2_000);
                assertThat(q.overCapacityNodes()).as("%s over capacity", run.engine()).isZero();
                assertThat(q.groupConflicts()).as("%s group conflicts", run.engine()).isZero();
                assertThat(run.scheduleCalls()).isPositive();
            }
        }
    }

    @Test
    void onACrowdedWorkloadNeitherEngineOverfillsANodeNorLeavesOutAPodThatFits()
    {
        for (final PeerWorkload w : List.of(crowded, crowdedAntiAffinity))
        {
            int berthBinpack = -1;
            int fenzoMax = 0;
            // batch 1 and one batch of everything: the extremes of Fenzo's bookkeeping within and across calls
            for (final RunResult run : allEngines(w, 1, 100, 5_000))
            {
                final PlacementQuality q = PlacementQuality.of(w, run.nodeOfPod());
                final String what = run.engine() + " batch " + run.batchSize() + " on " + w.kind.label;
                assertThat(q.placed()).as(what).isBetween(1, 1_999);
                assertThat(q.overCapacityNodes()).as(what + ": nodes over capacity").isZero();
                assertThat(q.groupConflicts()).as(what + ": pods of a group sharing a node").isZero();
                assertThat(q.unplacedThatFit()).as(what + ": unplaced pods that fit").isZero();
                assertThat(q.valid()).isTrue();
                if (run.engine().equals("berth-binpack"))
                {
                    berthBinpack = q.placed();
                }
                if (run.engine().equals("fenzo"))
                {
                    fenzoMax = Math.max(fenzoMax, q.placed());
                }
            }
            // the same bin-packing fitness on the same queue: counts within a few percent of each other
            assertThat((double)berthBinpack).as("berth-binpack vs fenzo placed on %s", w.kind.label)
                .isBetween(fenzoMax * 0.95, fenzoMax * 1.05);
        }
    }

    @Test
    void fenzoHonoursThePodCapAndHostUniquenessAsBerthDoes()
    {
        // one huge node, 150 tiny pods: the pods resource stops both at 110
        final long[] one = { 1_000_000 };
        final long[] oneMemory = { 1L << 40 };
        final long[] tinyCpu = new long[150];
        final long[] tinyMemory = new long[150];
        Arrays.fill(tinyCpu, 10);
        Arrays.fill(tinyMemory, 1L << 20);
        final PeerWorkload capped = PeerWorkload.of(PeerWorkload.Kind.RESOURCES, one, oneMemory, tinyCpu, tinyMemory, new int[150]);
        assertThat(FenzoRunner.run(capped, 50).placed()).isEqualTo(PeerWorkload.MAX_PODS_PER_NODE);
        assertThat(BerthRunner.run(capped, capped.berthPods(), BerthRunner.BerthProfile.BINPACK, 1).placed())
            .isEqualTo(PeerWorkload.MAX_PODS_PER_NODE);

        // three nodes, five pods of group 0 and two of group 1: three of group 0 and both of group 1 fit
        final long[] cpu3 = { 8_000, 8_000, 8_000 };
        final long[] memory3 = { 32L << 30, 32L << 30, 32L << 30 };
        final long[] podCpu = { 100, 100, 100, 100, 100, 100, 100 };
        final long[] podMemory = { 1L << 28, 1L << 28, 1L << 28, 1L << 28, 1L << 28, 1L << 28, 1L << 28 };
        final int[] groups = { 0, 0, 0, 0, 0, 1, 1 };
        final PeerWorkload unique = PeerWorkload.of(PeerWorkload.Kind.ANTI_AFFINITY, cpu3, memory3, podCpu, podMemory, groups);
        for (final RunResult run : List.of(FenzoRunner.run(unique, 7), FenzoRunner.run(unique, 1),
            BerthRunner.run(unique, unique.berthPods(), BerthRunner.BerthProfile.BINPACK, 1),
            BerthRunner.run(unique, unique.berthPods(), BerthRunner.BerthProfile.DEFAULT, 1)))
        {
            final PlacementQuality q = PlacementQuality.of(unique, run.nodeOfPod());
            assertThat(q.placed()).as(run.engine() + " batch " + run.batchSize()).isEqualTo(5);
            assertThat(q.groupConflicts()).isZero();
            assertThat(q.unplacedThatFit()).isZero();
            assertThat(run.nodeOfPod()[3]).isEqualTo(-1);
            assertThat(run.nodeOfPod()[4]).isEqualTo(-1);
        }
    }

    @Test
    void theChecksCatchOverfilledNodesSharedHostsAndPodsLeftOutThatFit()
    {
        final long[] cpu = { 1_000, 1_000 };
        final long[] memory = { 1L << 30, 1L << 30 };
        final long[] podCpu = { 600, 600, 100 };
        final long[] podMemory = { 1L << 20, 1L << 20, 1L << 20 };
        final int[] groups = { 0, 0, 1 };
        final PeerWorkload resources = PeerWorkload.of(PeerWorkload.Kind.RESOURCES, cpu, memory, podCpu, podMemory, groups);

        final PlacementQuality overfilled = PlacementQuality.of(resources, new int[] { 0, 0, 1 });
        assertThat(overfilled.overCapacityNodes()).isEqualTo(1);
        assertThat(overfilled.valid()).isFalse();

        final PlacementQuality leftOut = PlacementQuality.of(resources, new int[] { 0, -1, 1 });
        assertThat(leftOut.unplacedThatFit()).isEqualTo(1);
        assertThat(leftOut.placedBeforeFirstFailure()).isEqualTo(1);
        assertThat(leftOut.valid()).isFalse();

        final PlacementQuality good = PlacementQuality.of(resources, new int[] { 0, 1, 1 });
        assertThat(good.valid()).isTrue();
        assertThat(good.placed()).isEqualTo(3);
        assertThat(good.nodesUsed()).isEqualTo(2);
        assertThat(good.cpuAllocated()).isEqualTo(1_300 / 2_000.0);

        final PeerWorkload constrained = PeerWorkload.of(PeerWorkload.Kind.ANTI_AFFINITY, new long[] { 4_000, 4_000 },
            memory, podCpu, podMemory, groups);
        assertThat(PlacementQuality.of(constrained, new int[] { 0, 0, 1 }).groupConflicts()).isEqualTo(1);
        // the second pod of group 0 fits node 1 (no pod of its group there): leaving it out is wrong
        assertThat(PlacementQuality.of(constrained, new int[] { 0, -1, 0 }).unplacedThatFit()).isEqualTo(1);
        // ... but not once node 1 is full
        final PeerWorkload full = PeerWorkload.of(PeerWorkload.Kind.ANTI_AFFINITY, new long[] { 4_000, 100 },
            memory, podCpu, podMemory, groups);
        assertThat(PlacementQuality.of(full, new int[] { 0, -1, 1 }).valid()).isTrue();
    }

    @Test
    void berthPodsCarryTheGroupAntiAffinityOnlyInTheConstrainedWorkload()
    {
        final PodObject plain = roomy.berthPods()[0];
        final PodObject constrained = roomyAntiAffinity.berthPods()[0];
        assertThat(plain.podAntiAffinity().isEmpty()).isTrue();
        assertThat(constrained.podAntiAffinity().required()).singleElement().satisfies(term -> {
            assertThat(term.topologyKey()).isEqualTo("kubernetes.io/hostname");
            assertThat(term.labelSelector().matchLabels()).isEqualTo(constrained.labels());
        });
        assertThat(constrained.labels()).containsEntry(PeerWorkload.GROUP_LABEL, roomyAntiAffinity.groupNames[roomyAntiAffinity.podGroup[0]]);
        assertThat(FenzoRunner.tasks(roomyAntiAffinity).get(0).getHardConstraints()).hasSize(1);
        assertThat(FenzoRunner.tasks(roomy).get(0).getHardConstraints()).isEmpty();
    }

    @Test
    void configRejectsBadOptionsByName()
    {
        final ComparisonConfig defaults = ComparisonConfig.parse(new String[0]);
        assertThat(defaults.nodes()).isEqualTo(5_000);
        assertThat(defaults.pods()).isEqualTo(150_000);
        assertThat(defaults.batchSizes()).containsExactly(100, 1_000, 10_000);
        final ComparisonConfig custom = ComparisonConfig.parse(new String[] { "--nodes", "10", "--batches", "5,50",
            "--workloads", "anti-affinity", "--engines", "fenzo", "--json", "x.json" });
        assertThat(custom.batchSizes()).containsExactly(5, 50);
        assertThat(custom.workloads()).containsExactly(PeerWorkload.Kind.ANTI_AFFINITY);
        assertThat(custom.engines()).containsExactly("fenzo");
        assertThat(custom.jsonFile()).hasFileName("x.json");
        final String[][] bad = {
            { "--nodes", "0", "--nodes" }, { "--batches", "10,x", "\"x\"" }, { "--workloads", "gpu", "gpu" },
            { "--engines", "kube", "kube" }, { "--runs", null, "--runs needs a value" }, { "--frobnicate", "1", "--frobnicate" } };
        for (final String[] c : bad)
        {
            final String[] args = c[1] == null ? new String[] { c[0] } : new String[] { c[0], c[1] };
            assertThatIllegalArgumentException().isThrownBy(() -> ComparisonConfig.parse(args)).withMessageContaining(c[2]);
        }
    }
}
