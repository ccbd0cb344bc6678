package io.berth.perf.peer;

import java.util.Arrays;
import java.util.List;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.plugins.interpodaffinity.InterPodAffinity;
import io.berth.sched.plugins.noderesources.NodeResourcesFit;
import io.berth.sched.table.NodeTable;

/**
 * Schedules a {@link PeerWorkload} through Berth's {@link SchedulingEngine}, one pod per cycle in queue order, every
 * node filtered and scored, each pod tried once (nothing leaves the cluster, so a pod that fits no node when its
 * turn comes fits none later either).
 */
final class BerthRunner
{
    /** The Berth profiles of the comparison. */
    enum BerthProfile
    {
        /**
         * Bin packing, the fitness comparable to Fenzo's {@code cpuMemBinPacker}: NodeResourcesFit with the
         * MostAllocated strategy (cpu and memory, weight 1 each: the mean of the two utilizations the pod would
         * leave, on kube's 0-100 scale) as the only score; kube's default filters.
         */
        BINPACK("berth-binpack"),
        /** kube's default profile (LeastAllocated, BalancedAllocation, ...): spreads, for reference. */
        DEFAULT("berth-default");

        final String label;

        BerthProfile(final String label)
        {
            this.label = label;
        }

        /** The profile; with a constrained workload, InterPodAffinity (opt-in in Berth) is enabled. */
        Profile profile(final boolean constrained)
        {
            // every node filtered and scored, as Fenzo evaluates every host (not kube's adaptive sample)
            final Profile.Builder b = Profile.builder().percentageOfNodesToScore(100);
            if (this == BINPACK)
            {
                b.disableScore(PluginRegistry.ALL)
                    .scoreWeight(NodeResourcesFit.NAME, 1)
                    .fitStrategy(new ScoringStrategy(ScoringStrategy.Type.MostAllocated, ScoringStrategy.DEFAULT_RESOURCES, List.of()));
            }
            if (constrained)
            {
                b.enableFilter(InterPodAffinity.NAME);
                if (this == DEFAULT)
                {
                    b.scoreWeight(InterPodAffinity.NAME, PluginRegistry.DEFAULT_SCORE_WEIGHTS.get(InterPodAffinity.NAME));
                }
            }
            return b.build();
        }
    }

    private BerthRunner()
    {
    }

    /**
     * Builds an engine for the workload's nodes (not timed), then schedules every pod (timed).
     *
     * @param pods the workload's pods as {@link PeerWorkload#berthPods()} builds them (built once, reused across runs)
     */
    static RunResult run(final PeerWorkload workload, final PodObject[] pods, final BerthProfile profile, final long seed)
    {
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(workload.nodeCount()),
            PluginRegistry.build(profile.profile(workload.constrained())), seed);
        final List<NodeObject> nodes = workload.berthNodes();
        int maxSlot = 0;
        final int[] slots = new int[nodes.size()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = engine.upsertNode(nodes.get(i));
            maxSlot = Math.max(maxSlot, slots[i]);
        }
        final int[] nodeOfSlot = new int[maxSlot + 1];
        Arrays.fill(nodeOfSlot, -1);
        for (int i = 0; i < slots.length; i++)
        {
            nodeOfSlot[slots[i]] = i;
        }

        final int[] slotOfPod = new int[pods.length];
        final long start = System.nanoTime();
        for (int i = 0; i < pods.length; i++)
        {
            slotOfPod[i] = engine.schedule(pods[i]);
        }
        final long wallNs = System.nanoTime() - start;

        final int[] nodeOfPod = new int[pods.length];
        for (int i = 0; i < pods.length; i++)
        {
            nodeOfPod[i] = slotOfPod[i] < 0 ? -1 : nodeOfSlot[slotOfPod[i]];
        }
        return new RunResult(profile.label, 1, wallNs, pods.length, nodeOfPod);
    }
}
