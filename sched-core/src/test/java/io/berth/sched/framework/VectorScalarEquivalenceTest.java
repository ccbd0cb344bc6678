package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * The property that makes the vector passes trustworthy: on thousands of random clusters and pods, the Vector API
 * passes and the scalar reference passes give identical feasibility (per plugin), per-plugin scores, totals and
 * choice, for every scoring strategy, while pods are assumed, nodes removed and slots reused.
 */
class VectorScalarEquivalenceTest
{
    private static final List<Profile> PROFILES = List.of(
        Profile.defaultProfile(),
        Profile.builder().fitStrategy(new ScoringStrategy(ScoringStrategy.Type.MostAllocated,
            List.of(new ScoringStrategy.ResourceWeight("cpu", 2), new ScoringStrategy.ResourceWeight("memory", 1),
                new ScoringStrategy.ResourceWeight("nvidia.com/gpu", 3)), null)).build(),
        Profile.builder().fitStrategy(new ScoringStrategy(ScoringStrategy.Type.RequestedToCapacityRatio,
            List.of(new ScoringStrategy.ResourceWeight("cpu", 1), new ScoringStrategy.ResourceWeight("memory", 1),
                new ScoringStrategy.ResourceWeight("ephemeral-storage", 2)),
            List.of(new ScoringStrategy.ShapePoint(0, 10), new ScoringStrategy.ShapePoint(40, 3), new ScoringStrategy.ShapePoint(100, 0))))
            .balancedResources(List.of(new ScoringStrategy.ResourceWeight("cpu", 1), new ScoringStrategy.ResourceWeight("memory", 1),
                new ScoringStrategy.ResourceWeight("example.com/foo", 1)))
            .build(),
        Profile.builder().scoreWeight("GpuPacking", 3).scoreWeight("GpuFragmentation", 2).build());

    @Test
    void vectorAndScalarPassesAgreeOnRandomClustersWithAndWithoutTheCache()
    {
        int cycles = 0;
        for (long seed = 1; seed <= 60; seed++)
        {
            final Profile profile = PROFILES.get((int)(seed % PROFILES.size()));
            cycles += runCluster(seed, profile);
        }
        assertThat(cycles).isGreaterThan(2000);
    }

    private int runCluster(final long seed, final Profile profile)
    {
        // odd seeds (the MostAllocated and the GPU-score profiles) get GPU nodes and pods
        final RandomCluster rc = seed % 2 == 1 ? new RandomCluster(seed).withGpus() : new RandomCluster(seed);
        final NodeTable table = new NodeTable(rc.random().nextBoolean() ? 16 : 300);
        final SchedulingEngine vector = new SchedulingEngine(table, PluginRegistry.build(profile), seed);
        final SchedulingEngine scalar = new SchedulingEngine(table, PluginRegistry.build(profile), seed).vector(false).cache(false);
        final SchedulingEngine scalarCached = new SchedulingEngine(table, PluginRegistry.build(profile), seed).vector(false);
        final List<PodObject> recent = new ArrayList<>();
        final int nodes = 1 + rc.random().nextInt(300);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            final NodeObject n = rc.node("n" + i);
            vector.upsertNode(n);
            names.add(n.name());
        }
        for (int i = 0; i < nodes / 2; i++)
        {
            vector.addBoundPod(rc.pod("bound-" + i, names.get(rc.random().nextInt(names.size()))));
        }
        int cycles = 0;
        for (int i = 0; i < 60; i++)
        {
            final int action = rc.random().nextInt(10);
            if (action == 0 && !names.isEmpty())
            {
                vector.removeNode(names.remove(rc.random().nextInt(names.size())));
            }
            else if (action == 1)
            {
                final NodeObject n = rc.node("late-" + seed + "-" + i);
                vector.upsertNode(n);
                names.add(n.name());
            }
            // half of the pods repeat an earlier pod's spec, so the per-class cache is exercised
            final PodObject pod = !recent.isEmpty() && rc.random().nextBoolean() ?
                recent.get(rc.random().nextInt(recent.size())).toBuilder().name("p" + i).build() : rc.pod("p" + i, "");
            recent.add(pod);
            final int v = vector.selectHost(pod);
            final long[] vFail = vector.lastFailBits();
            final long[] vTotal = vector.lastTotals();
            final int s = scalar.selectHost(pod);
            assertThat(scalarCached.selectHost(pod)).as("cached scalar choice, seed %d pod %d", seed, i).isEqualTo(s);
            assertThat(scalarCached.lastFailBits()).containsExactly(vFail);
            assertThat(scalar.lastFailBits()).as("fail bits, seed %d pod %d", seed, i).containsExactly(vFail);
            assertThat(scalar.lastFeasibleCount()).isEqualTo(vector.lastFeasibleCount());
            if (vector.lastFeasibleCount() > 1)
            {
                for (int k = 0; k < vector.scorePlugins().length; k++)
                {
                    final long[] vs = vector.lastScores(k);
                    final long[] ss = scalar.lastScores(k);
                    for (int slot = 0; slot < vs.length; slot++)
                    {
                        if (vFail[slot] == 0)
                        {
                            assertThat(ss[slot]).as("%s score slot %d seed %d pod %d", vector.scorePlugins()[k].name(), slot, seed, i)
                                .isEqualTo(vs[slot]);
                            assertThat(vs[slot]).isBetween(0L, 100L);
                        }
                    }
                }
                final long[] sTotal = scalar.lastTotals();
                for (int slot = 0; slot < vTotal.length; slot++)
                {
                    if (vFail[slot] == 0)
                    {
                        assertThat(sTotal[slot]).isEqualTo(vTotal[slot]);
                    }
                }
            }
            assertThat(s).as("choice, seed %d pod %d", seed, i).isEqualTo(v);
            if (v >= 0 && rc.random().nextBoolean())
            {
                vector.pods().add(pod, requestsOf(table, pod), v);
            }
            cycles++;
        }
        return cycles;
    }

    private static PodRequests requestsOf(final NodeTable table, final PodObject pod)
    {
        final PodRequests r = new PodRequests(table);
        r.compile(pod);
        return r;
    }
}
