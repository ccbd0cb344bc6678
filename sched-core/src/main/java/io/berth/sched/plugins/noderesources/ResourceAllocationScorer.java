package io.berth.sched.plugins.noderesources;

import java.lang.foreign.MemorySegment;
import java.util.List;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;
import io.berth.sched.table.SegmentArray;

/**
 * kube's {@code resourceAllocationScorer} for NodeResourcesFit's strategies: per configured resource the node's
 * allocatable and (requested + pod request), resources a node lacks skipped, scored by LeastAllocated,
 * MostAllocated or RequestedToCapacityRatio and averaged by weight with integer arithmetic.
 */
final class ResourceAllocationScorer
{
    private static final long MAX_UTILIZATION = 100;

    private final ScoringStrategy.Type type;
    private final String[] names;
    private final long[] weights;
    private final long[] shapeUtilization;
    private final long[] shapeScore;
    private final boolean useRequested;

    // per pod, compiled in prepare()
    private final int[] resourceIds;
    private final long[] podRequest;
    private final boolean[] active;
    private final SegmentArray allocSegments;
    private final SegmentArray reqSegments;
    private final SegmentArray inverseSegments;
    private long[] nodeScore = new long[0];
    private long[] weightSum = new long[0];

    ResourceAllocationScorer(final ScoringStrategy strategy, final boolean useRequested)
    {
        this.type = strategy.type();
        final List<ScoringStrategy.ResourceWeight> rs = strategy.resources();
        this.names = new String[rs.size()];
        this.weights = new long[rs.size()];
        for (int i = 0; i < rs.size(); i++)
        {
            names[i] = rs.get(i).name();
            weights[i] = rs.get(i).weight();
        }
        final List<ScoringStrategy.ShapePoint> shape = strategy.shape();
        shapeUtilization = new long[shape.size()];
        shapeScore = new long[shape.size()];
        for (int i = 0; i < shape.size(); i++)
        {
            shapeUtilization[i] = shape.get(i).utilization();
            // MaxCustomPriorityScore (10) scaled to MaxNodeScore (100)
            shapeScore[i] = shape.get(i).score() * (Kernels.MAX_NODE_SCORE / 10);
        }
        this.useRequested = useRequested;
        this.resourceIds = new int[names.length];
        this.podRequest = new long[names.length];
        this.active = new boolean[names.length];
        this.allocSegments = new SegmentArray(names.length);
        this.reqSegments = new SegmentArray(names.length);
        this.inverseSegments = new SegmentArray(names.length);
    }

    /** PreScore: resolves resources and the pod's requests for them. */
    void prepare(final PodRequests requests, final NodeTable table)
    {
        for (int i = 0; i < names.length; i++)
        {
            final int r = table.resources().find(names[i]);
            resourceIds[i] = r;
            final long req = r < 0 ? 0 : requests.scoringRequest(r, useRequested);
            podRequest[i] = req;
            // an extended (scalar) resource the pod does not request is bypassed; unknown names score nothing
            active[i] = r >= 0 && r != Resources.PODS && !(req == 0 && r >= Resources.FIRST_SCALAR);
            if (active[i])
            {
                allocSegments.set(i, table.allocatable(r).segment());
                reqSegments.set(i, requestedColumn(table, r).segment());
                inverseSegments.set(i, table.allocatableInverse(r).segment());
            }
        }
    }

    private io.berth.sched.table.LongColumn requestedColumn(final NodeTable table, final int r)
    {
        if (!useRequested)
        {
            if (r == Resources.CPU)
            {
                return table.nonZeroRequestedMilliCpu();
            }
            if (r == Resources.MEMORY)
            {
                return table.nonZeroRequestedMemory();
            }
        }
        return table.requested(r);
    }

    void scoreScalar(final NodeTable table, final long[] out, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            long nodeScore = 0;
            long weightSum = 0;
            for (int i = 0; i < names.length; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                final int r = resourceIds[i];
                final long alloc = table.allocatable(r).get(slot);
                if (alloc == 0)
                {
                    continue;
                }
                final long req = requestedColumn(table, r).get(slot) + podRequest[i];
                switch (type)
                {
                    case LeastAllocated ->
                    {
                        nodeScore += leastRequestedScore(req, alloc) * weights[i];
                        weightSum += weights[i];
                    }
                    case MostAllocated ->
                    {
                        nodeScore += mostRequestedScore(req, alloc) * weights[i];
                        weightSum += weights[i];
                    }
                    case RequestedToCapacityRatio ->
                    {
                        final long s = alloc == 0 || req > alloc ? brokenLinear(MAX_UTILIZATION) :
                            brokenLinear(req * MAX_UTILIZATION / alloc);
                        if (s > 0)
                        {
                            nodeScore += s * weights[i];
                            weightSum += weights[i];
                        }
                    }
                }
            }
            if (weightSum == 0)
            {
                out[slot] = 0;
            }
            else if (type == ScoringStrategy.Type.RequestedToCapacityRatio)
            {
                out[slot] = Math.round((double)nodeScore / (double)weightSum);
            }
            else
            {
                out[slot] = nodeScore / weightSum;
            }
        }
    }

    static long leastRequestedScore(final long requested, final long capacity)
    {
        if (capacity == 0 || requested > capacity)
        {
            return 0;
        }
        return (capacity - requested) * Kernels.MAX_NODE_SCORE / capacity;
    }

    static long mostRequestedScore(final long requested, final long capacity)
    {
        if (capacity == 0)
        {
            return 0;
        }
        return Math.min(requested, capacity) * Kernels.MAX_NODE_SCORE / capacity;
    }

    /** kube's {@code helper.BuildBrokenLinearFunction}. */
    long brokenLinear(final long p)
    {
        for (int i = 0; i < shapeUtilization.length; i++)
        {
            if (p <= shapeUtilization[i])
            {
                if (i == 0)
                {
                    return shapeScore[0];
                }
                return shapeScore[i - 1] + (shapeScore[i] - shapeScore[i - 1]) * (p - shapeUtilization[i - 1]) /
                    (shapeUtilization[i] - shapeUtilization[i - 1]);
            }
        }
        return shapeScore[shapeScore.length - 1];
    }

    /**
     * Vector pass: one sub-pass per resource accumulating {@code score * weight} and {@code weight} into scratch
     * columns (no vector value lives across the resource loop, so C2 keeps every lane in registers), then one
     * pass for the weighted average.
     */
    void score(final long[] out, final int from, final int to)
    {
        if (nodeScore.length < to)
        {
            nodeScore = new long[out.length];
            weightSum = new long[out.length];
        }
        java.util.Arrays.fill(nodeScore, from, to, 0);
        java.util.Arrays.fill(weightSum, from, to, 0);
        long allWeights = 0;
        for (int i = 0; i < names.length; i++)
        {
            if (!active[i])
            {
                continue;
            }
            allWeights += weights[i];
            switch (type)
            {
                case LeastAllocated ->
                    leastAllocatedPass(allocSegments.get(i), reqSegments.get(i), inverseSegments.get(i), podRequest[i], weights[i], from, to);
                case MostAllocated ->
                    mostAllocatedPass(allocSegments.get(i), reqSegments.get(i), inverseSegments.get(i), podRequest[i], weights[i], from, to);
                case RequestedToCapacityRatio ->
                    requestedToCapacityPass(allocSegments.get(i), reqSegments.get(i), podRequest[i], weights[i], from, to);
            }
        }
        average(out, from, to, allWeights);
    }

    /**
     * The weighted average {@code nodeScore / weightSum} into {@code out}.
     * <p>
     * This loop and the LeastAllocated and MostAllocated sub-passes call only Vector API methods (which C2 always
     * inlines) and scalar helpers: {@link Kernels#floorDiv(LongVector, LongVector, DoubleVector)}, the column loads
     * and the accumulate step are written out in place. Compiled as part of {@link NodeResourcesFit#score}, which inlines the sub-passes
     * too, the compilation can pass C2's node-count inlining cutoff; a helper taking or returning vectors is then
     * left a call and every vector crossing it is boxed: two allocations per chunk of lanes, 120 KB per pod at
     * 5,000 nodes and 1.2 MB at 50,000, seen in some JIT runs and not others.
     */
    private void average(final long[] out, final int from, final int to, final long allWeights)
    {
        final boolean round = type == ScoringStrategy.Type.RequestedToCapacityRatio;
        // Where a node has every resource its weight sum is the pod-wide constant: divide by its inverse.
        final long w = Math.max(1, allWeights);
        final LongVector divisor = LongVector.broadcast(Kernels.LONGS, round ? 2 * w : w);
        final DoubleVector inverse = DoubleVector.broadcast(Kernels.DOUBLES, 1.0 / (round ? 2 * w : w));
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector sum = LongVector.fromArray(Kernels.LONGS, weightSum, slot);
            final LongVector n = LongVector.fromArray(Kernels.LONGS, nodeScore, slot);
            final VectorMask<Long> none = sum.compare(VectorOperators.EQ, 0L);
            // RequestedToCapacityRatio rounds half away from zero: for n, w >= 0, floor((2n + w) / 2w)
            final LongVector numerator = round ? n.mul(2L).add(sum) : n;
            // Kernels.floorDiv(numerator, divisor, inverse), in place
            LongVector q = (LongVector)((DoubleVector)numerator.convert(VectorOperators.L2D, 0)).mul(inverse)
                .convert(VectorOperators.D2L, 0);
            q = q.add((LongVector)q.mul(divisor).compare(VectorOperators.GT, numerator).toVector());
            q = q.sub((LongVector)q.add(1L).mul(divisor).compare(VectorOperators.LE, numerator).toVector());
            q.blend(0L, none).intoArray(out, slot);
            if (sum.compare(VectorOperators.NE, w).and(none.not()).anyTrue())
            {
                exactAverage(out, slot, w, round);
            }
        }
    }

    /**
     * Rewrites the lanes of {@code [slot, slot + LANES)} whose weight sum is neither 0 nor the pod-wide {@code w}
     * (a node lacking some of the resources) with the exact weighted average, in scalar code: no vector value lives
     * across this rarely taken call, which C2 would otherwise box (an allocation per chunk).
     */
    private void exactAverage(final long[] out, final int slot, final long w, final boolean round)
    {
        for (int i = slot, end = slot + Kernels.LANES; i < end; i++)
        {
            final long sum = weightSum[i];
            if (sum != 0 && sum != w)
            {
                // n, sum >= 0: integer division is the floor, as Kernels.floorDiv computes it
                out[i] = round ? (2 * nodeScore[i] + sum) / (2 * sum) : nodeScore[i] / sum;
            }
        }
    }

    private void leastAllocatedPass(final MemorySegment allocSeg, final MemorySegment reqSeg, final MemorySegment inverseSeg,
        final long podReq, final long w, final int from, final int to)
    {
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final long offset = (long)slot << 3;
            final LongVector alloc = LongVector.fromMemorySegment(Kernels.LONGS, allocSeg, offset, Kernels.ORDER);
            final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
            final LongVector req = LongVector.fromMemorySegment(Kernels.LONGS, reqSeg, offset, Kernels.ORDER).add(podReq);
            final LongVector free = alloc.sub(req).max(0L);
            // Kernels.floorDiv(free * 100, alloc or 1, 1 / alloc), in place
            final LongVector a = free.mul(Kernels.MAX_NODE_SCORE);
            final LongVector b = alloc.blend(1L, has.not());
            final DoubleVector inverseB = DoubleVector.fromMemorySegment(Kernels.DOUBLES, inverseSeg, offset, Kernels.ORDER);
            LongVector s = (LongVector)((DoubleVector)a.convert(VectorOperators.L2D, 0)).mul(inverseB)
                .convert(VectorOperators.D2L, 0);
            s = s.add((LongVector)s.mul(b).compare(VectorOperators.GT, a).toVector());
            s = s.sub((LongVector)s.add(1L).mul(b).compare(VectorOperators.LE, a).toVector());
            // accumulate(slot, s.mul(w), has, w), in place
            final LongVector m = (LongVector)has.toVector();
            LongVector.fromArray(Kernels.LONGS, nodeScore, slot).add(s.mul(w).and(m)).intoArray(nodeScore, slot);
            LongVector.fromArray(Kernels.LONGS, weightSum, slot).add(m.and(w)).intoArray(weightSum, slot);
        }
    }

    private void mostAllocatedPass(final MemorySegment allocSeg, final MemorySegment reqSeg, final MemorySegment inverseSeg,
        final long podReq, final long w, final int from, final int to)
    {
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final long offset = (long)slot << 3;
            final LongVector alloc = LongVector.fromMemorySegment(Kernels.LONGS, allocSeg, offset, Kernels.ORDER);
            final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
            final LongVector used = LongVector.fromMemorySegment(Kernels.LONGS, reqSeg, offset, Kernels.ORDER).add(podReq)
                .min(alloc).max(0L);
            // Kernels.floorDiv(used * 100, alloc or 1, 1 / alloc), in place
            final LongVector a = used.mul(Kernels.MAX_NODE_SCORE);
            final LongVector b = alloc.blend(1L, has.not());
            final DoubleVector inverseB = DoubleVector.fromMemorySegment(Kernels.DOUBLES, inverseSeg, offset, Kernels.ORDER);
            LongVector s = (LongVector)((DoubleVector)a.convert(VectorOperators.L2D, 0)).mul(inverseB)
                .convert(VectorOperators.D2L, 0);
            s = s.add((LongVector)s.mul(b).compare(VectorOperators.GT, a).toVector());
            s = s.sub((LongVector)s.add(1L).mul(b).compare(VectorOperators.LE, a).toVector());
            // accumulate(slot, s.mul(w), has, w), in place
            final LongVector m = (LongVector)has.toVector();
            LongVector.fromArray(Kernels.LONGS, nodeScore, slot).add(s.mul(w).and(m)).intoArray(nodeScore, slot);
            LongVector.fromArray(Kernels.LONGS, weightSum, slot).add(m.and(w)).intoArray(weightSum, slot);
        }
    }

    private void requestedToCapacityPass(
        final MemorySegment allocSeg, final MemorySegment reqSeg, final long podReq, final long w, final int from, final int to)
    {
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector alloc = Kernels.load(allocSeg, slot);
            final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
            final LongVector req = Kernels.load(reqSeg, slot).add(podReq);
            final VectorMask<Long> over = req.compare(VectorOperators.GT, alloc);
            final LongVector util = Kernels.floorDiv(req.max(0L).mul(MAX_UTILIZATION), alloc.blend(1L, has.not()))
                .blend(MAX_UTILIZATION, over);
            final LongVector s = brokenLinear(util);
            accumulate(slot, s.mul(w), has.and(s.compare(VectorOperators.GT, 0L)), w);
        }
    }

    private void accumulate(final int slot, final LongVector weighted, final VectorMask<Long> counts, final long w)
    {
        final LongVector m = (LongVector)counts.toVector();
        LongVector.fromArray(Kernels.LONGS, nodeScore, slot).add(weighted.and(m)).intoArray(nodeScore, slot);
        LongVector.fromArray(Kernels.LONGS, weightSum, slot).add(m.and(w)).intoArray(weightSum, slot);
    }

    private LongVector brokenLinear(final LongVector p)
    {
        final int n = shapeUtilization.length;
        LongVector result = LongVector.broadcast(Kernels.LONGS, shapeScore[n - 1]);
        VectorMask<Long> done = Kernels.LONGS.maskAll(false);
        for (int i = 0; i < n; i++)
        {
            final VectorMask<Long> here = p.compare(VectorOperators.LE, shapeUtilization[i]).andNot(done);
            if (here.anyTrue())
            {
                final LongVector v;
                if (i == 0)
                {
                    v = LongVector.broadcast(Kernels.LONGS, shapeScore[0]);
                }
                else
                {
                    final long du = shapeUtilization[i] - shapeUtilization[i - 1];
                    final long ds = shapeScore[i] - shapeScore[i - 1];
                    // (ds * (p - u0)) / du with Go's truncating division; ds may be negative
                    final LongVector num = p.sub(shapeUtilization[i - 1]).mul(ds);
                    final VectorMask<Long> neg = num.compare(VectorOperators.LT, 0L);
                    final LongVector q = Kernels.floorDiv(num.abs(), LongVector.broadcast(Kernels.LONGS, du));
                    v = q.neg().blend(q, neg.not()).add(shapeScore[i - 1]);
                }
                result = result.blend(v, here);
                done = done.or(here);
            }
        }
        return result;
    }
}
