package io.berth.sched.plugins.noderesources;

import java.lang.foreign.MemorySegment;
import java.util.List;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;
import io.berth.sched.table.SegmentArray;

/**
 * kube's NodeResourcesFit. Filter: the node must have room for every resource the pod requests
 * ({@code request <= allocatable - requested}) and for one more pod. Score: the configured strategy
 * (LeastAllocated by default) over cpu and memory with kube's non-zero default requests.
 */
public final class NodeResourcesFit implements FilterPlugin, ScorePlugin
{
    public static final String NAME = "NodeResourcesFit";

    private final ResourceAllocationScorer scorer;

    // per pod
    private int requestCount;
    private int[] resourceIds = new int[8];
    private long[] amounts = new long[8];
    private final SegmentArray allocSegments = new SegmentArray(8);
    private final SegmentArray reqSegments = new SegmentArray(8);

    public NodeResourcesFit(final ScoringStrategy strategy)
    {
        this.scorer = new ResourceAllocationScorer(strategy, false);
    }

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 1;
    }

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final int n = requests.resourceCount();
        if (n > resourceIds.length)
        {
            resourceIds = new int[n];
            amounts = new long[n];
            allocSegments.ensureCapacity(n);
            reqSegments.ensureCapacity(n);
        }
        requestCount = n;
        for (int i = 0; i < n; i++)
        {
            final int r = requests.resourceId(i);
            resourceIds[i] = r;
            amounts[i] = requests.request(r);
            allocSegments.set(i, table.allocatable(r).segment());
            reqSegments.set(i, table.requested(r).segment());
        }
        return true; // the pod-count check always applies
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        // len(pods) + 1 > allowedPodNumber
        final MemorySegment allowedPods = table.allocatable(Resources.PODS).segment();
        final MemorySegment podCount = table.requested(Resources.PODS).segment();
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final VectorMask<Long> fail = Kernels.load(podCount, slot).add(1L).compare(VectorOperators.GT, Kernels.load(allowedPods, slot));
            Kernels.orBits(failBits, slot, fail, failBit);
        }
        // one sub-pass per requested resource: request > allocatable - requested
        for (int i = 0; i < requestCount; i++)
        {
            insufficientPass(allocSegments.get(i), reqSegments.get(i), amounts[i], failBits, failBit, from, to);
        }
    }

    private static void insufficientPass(
        final MemorySegment allocSeg, final MemorySegment reqSeg, final long amount, final long[] failBits, final long failBit,
        final int from, final int to)
    {
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector free = Kernels.load(allocSeg, slot).sub(Kernels.load(reqSeg, slot));
            Kernels.orBits(failBits, slot, free.compare(VectorOperators.LT, amount), failBit);
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            if (!fits(table, slot))
            {
                failBits[slot] |= failBit;
            }
        }
    }

    private boolean fits(final NodeTable table, final int slot)
    {
        if (table.requested(Resources.PODS).get(slot) + 1 > table.allocatable(Resources.PODS).get(slot))
        {
            return false;
        }
        for (int i = 0; i < requestCount; i++)
        {
            final int r = resourceIds[i];
            if (amounts[i] > table.allocatable(r).get(slot) - table.requested(r).get(slot))
            {
                return false;
            }
        }
        return true;
    }

    private String[] insufficientReasons = new String[0];

    /** kube's "Insufficient <resource>", built once per resource. */
    private String insufficient(final NodeTable table, final int resourceId)
    {
        if (resourceId >= insufficientReasons.length)
        {
            insufficientReasons = java.util.Arrays.copyOf(insufficientReasons, Math.max(resourceId + 1, insufficientReasons.length * 2));
        }
        String reason = insufficientReasons[resourceId];
        if (reason == null)
        {
            reason = "Insufficient " + table.resources().name(resourceId);
            insufficientReasons[resourceId] = reason;
        }
        return reason;
    }

    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        if (table.requested(Resources.PODS).get(slot) + 1 > table.allocatable(Resources.PODS).get(slot))
        {
            out.add("Too many pods");
        }
        for (int i = 0; i < requestCount; i++)
        {
            final int r = resourceIds[i];
            if (amounts[i] > table.allocatable(r).get(slot) - table.requested(r).get(slot))
            {
                out.add(insufficient(table, r));
            }
        }
    }

    /**
     * kube: insufficient resources are {@code Unschedulable}, except a request above the node's whole allocatable
     * ({@code InsufficientResource.Unresolvable}), which no eviction can cure.
     */
    @Override
    public boolean preemptionMayHelp(final NodeTable table, final int slot)
    {
        if (table.allocatable(Resources.PODS).get(slot) < 1)
        {
            return false;
        }
        for (int i = 0; i < requestCount; i++)
        {
            if (amounts[i] > table.allocatable(resourceIds[i]).get(slot))
            {
                return false;
            }
        }
        return true;
    }

    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        scorer.prepare(requests, table);
        return true;
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        scorer.score(scores, from, to);
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        scorer.scoreScalar(table, scores, from, to);
    }
}
