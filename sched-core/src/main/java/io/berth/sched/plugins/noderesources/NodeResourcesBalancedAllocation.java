package io.berth.sched.plugins.noderesources;

import java.lang.foreign.MemorySegment;
import java.util.List;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;
import io.berth.sched.table.SegmentArray;

/**
 * kube's NodeResourcesBalancedAllocation: {@code (1 - std(requested/allocatable)) * 100} over the configured
 * resources (cpu and memory by default), with the node's actual requests (not the non-zero defaults), fractions
 * capped at 1, in float64 exactly as kube computes it. Skipped for pods that request nothing (best effort).
 */
public final class NodeResourcesBalancedAllocation implements ScorePlugin
{
    public static final String NAME = "NodeResourcesBalancedAllocation";

    private final String[] names;
    private final int[] resourceIds;
    private final long[] podRequest;
    private final boolean[] active;
    private final SegmentArray allocSegments;
    private final SegmentArray reqSegments;
    private final double[] fractions;
    private long[] count = new long[0];
    private double[] total = new double[0];
    private double[] first = new double[0];
    private double[] second = new double[0];
    private double[] sumSquares = new double[0];

    public NodeResourcesBalancedAllocation(final List<ScoringStrategy.ResourceWeight> resources)
    {
        final int n = resources.size();
        names = new String[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = resources.get(i).name();
        }
        resourceIds = new int[n];
        podRequest = new long[n];
        active = new boolean[n];
        allocSegments = new SegmentArray(n);
        reqSegments = new SegmentArray(n);
        fractions = new double[n];
    }

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 1;
    }

    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        boolean any = false;
        for (int i = 0; i < names.length; i++)
        {
            final int r = table.resources().find(names[i]);
            resourceIds[i] = r;
            final long req = r < 0 ? 0 : requests.scoringRequest(r, true);
            podRequest[i] = req;
            any |= req != 0;
            active[i] = r >= 0 && r != Resources.PODS && !(req == 0 && r >= Resources.FIRST_SCALAR);
            if (active[i])
            {
                allocSegments.set(i, table.allocatable(r).segment());
                reqSegments.set(i, table.requested(r).segment());
            }
        }
        return any; // best-effort pods are skipped (kubernetes#129138)
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            int count = 0;
            double totalFraction = 0;
            for (int i = 0; i < names.length; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                final long alloc = table.allocatable(resourceIds[i]).get(slot);
                if (alloc == 0)
                {
                    continue;
                }
                final long req = table.requested(resourceIds[i]).get(slot) + podRequest[i];
                double fraction = (double)req / (double)alloc;
                if (fraction > 1)
                {
                    fraction = 1;
                }
                totalFraction += fraction;
                fractions[count++] = fraction;
            }
            double std = 0;
            if (count == 2)
            {
                std = Math.abs((fractions[0] - fractions[1]) / 2);
            }
            else if (count > 2)
            {
                final double mean = totalFraction / count;
                double sum = 0;
                for (int k = 0; k < count; k++)
                {
                    sum = sum + (fractions[k] - mean) * (fractions[k] - mean);
                }
                std = Math.sqrt(sum / count);
            }
            scores[slot] = (long)((1 - std) * Kernels.MAX_NODE_SCORE);
        }
    }

    /**
     * Vector pass. Per resource, one sub-pass stores the capped fraction (exact IEEE division, as Go's float64)
     * and whether the node has the resource; a final pass combines them with kube's operation order. The default
     * two-resource profile runs as one fused pass.
     */
    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        int activeCount = 0;
        int a0 = -1;
        int a1 = -1;
        for (int i = 0; i < names.length; i++)
        {
            if (active[i])
            {
                if (activeCount == 0)
                {
                    a0 = i;
                }
                else if (activeCount == 1)
                {
                    a1 = i;
                }
                activeCount++;
            }
        }
        if (activeCount == 2)
        {
            twoResources(allocSegments.get(a0), reqSegments.get(a0), podRequest[a0], allocSegments.get(a1), reqSegments.get(a1),
                podRequest[a1], scores, from, to);
            return;
        }
        ensureScratch(scores.length);
        java.util.Arrays.fill(count, from, to, 0);
        java.util.Arrays.fill(total, from, to, 0.0);
        java.util.Arrays.fill(first, from, to, 0.0);
        java.util.Arrays.fill(second, from, to, 0.0);
        for (int i = 0; i < names.length; i++)
        {
            if (active[i])
            {
                fractionPass(allocSegments.get(i), reqSegments.get(i), podRequest[i], from, to);
            }
        }
        java.util.Arrays.fill(sumSquares, from, to, 0.0);
        boolean anyMany = false;
        for (int slot = from; slot < to && !anyMany; slot++)
        {
            anyMany = count[slot] > 2;
        }
        if (anyMany)
        {
            for (int i = 0; i < names.length; i++)
            {
                if (active[i])
                {
                    squaresPass(allocSegments.get(i), reqSegments.get(i), podRequest[i], from, to);
                }
            }
        }
        final DoubleVector one = DoubleVector.broadcast(Kernels.DOUBLES, 1.0);
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector n = LongVector.fromArray(Kernels.LONGS, count, slot);
            final DoubleVector f0 = DoubleVector.fromArray(Kernels.DOUBLES, first, slot);
            final DoubleVector f1 = DoubleVector.fromArray(Kernels.DOUBLES, second, slot);
            DoubleVector std = f0.sub(f1).div(2.0).abs().blend(0.0, n.compare(VectorOperators.NE, 2L).cast(Kernels.DOUBLES));
            final VectorMask<Long> many = n.compare(VectorOperators.GT, 2L);
            final DoubleVector nd = (DoubleVector)n.max(1L).convert(VectorOperators.L2D, 0);
            final DoubleVector manyStd = DoubleVector.fromArray(Kernels.DOUBLES, sumSquares, slot).div(nd).sqrt();
            std = std.blend(manyStd, many.cast(Kernels.DOUBLES));
            ((LongVector)one.sub(std).mul((double)Kernels.MAX_NODE_SCORE).convert(VectorOperators.D2L, 0)).intoArray(scores, slot);
        }
    }

    private static void twoResources(
        final MemorySegment alloc0Seg, final MemorySegment req0Seg, final long pod0,
        final MemorySegment alloc1Seg, final MemorySegment req1Seg, final long pod1,
        final long[] scores, final int from, final int to)
    {
        final DoubleVector one = DoubleVector.broadcast(Kernels.DOUBLES, 1.0);
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector alloc0 = LongVector.fromMemorySegment(Kernels.LONGS, alloc0Seg, (long)slot << 3, Kernels.ORDER);
            final LongVector alloc1 = LongVector.fromMemorySegment(Kernels.LONGS, alloc1Seg, (long)slot << 3, Kernels.ORDER);
            final VectorMask<Long> has0 = alloc0.compare(VectorOperators.NE, 0L);
            final VectorMask<Long> has1 = alloc1.compare(VectorOperators.NE, 0L);
            final DoubleVector f0 = ((DoubleVector)(LongVector.fromMemorySegment(Kernels.LONGS, req0Seg, (long)slot << 3, Kernels.ORDER).add(pod0)).convert(VectorOperators.L2D, 0))
                .div((DoubleVector)alloc0.blend(1L, has0.not()).convert(VectorOperators.L2D, 0)).min(1.0);
            final DoubleVector f1 = ((DoubleVector)(LongVector.fromMemorySegment(Kernels.LONGS, req1Seg, (long)slot << 3, Kernels.ORDER).add(pod1)).convert(VectorOperators.L2D, 0))
                .div((DoubleVector)alloc1.blend(1L, has1.not()).convert(VectorOperators.L2D, 0)).min(1.0);
            // std = |f0 - f1| / 2 when both are present, else 0 (one or no fraction)
            final DoubleVector std = f0.sub(f1).div(2.0).abs().blend(0.0, has0.and(has1).not().cast(Kernels.DOUBLES));
            ((LongVector)one.sub(std).mul((double)Kernels.MAX_NODE_SCORE).convert(VectorOperators.D2L, 0)).intoArray(scores, slot);
        }
    }

    private void fractionPass(final MemorySegment allocSeg, final MemorySegment reqSeg, final long podReq, final int from, final int to)
    {
        final DoubleVector one = DoubleVector.broadcast(Kernels.DOUBLES, 1.0);
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector alloc = LongVector.fromMemorySegment(Kernels.LONGS, allocSeg, (long)slot << 3, Kernels.ORDER);
            final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
            final VectorMask<Double> hasD = has.cast(Kernels.DOUBLES);
            final DoubleVector f = ((DoubleVector)(LongVector.fromMemorySegment(Kernels.LONGS, reqSeg, (long)slot << 3, Kernels.ORDER).add(podReq)).convert(VectorOperators.L2D, 0))
                .div((DoubleVector)alloc.blend(1L, has.not()).convert(VectorOperators.L2D, 0)).min(1.0);
            final LongVector n = LongVector.fromArray(Kernels.LONGS, count, slot);
            final DoubleVector t = DoubleVector.fromArray(Kernels.DOUBLES, total, slot);
            t.add(f.blend(0.0, hasD.not())).intoArray(total, slot);
            final VectorMask<Double> isFirst = n.compare(VectorOperators.EQ, 0L).and(has).cast(Kernels.DOUBLES);
            final VectorMask<Double> isSecond = n.compare(VectorOperators.EQ, 1L).and(has).cast(Kernels.DOUBLES);
            DoubleVector.fromArray(Kernels.DOUBLES, first, slot).blend(f, isFirst).intoArray(first, slot);
            DoubleVector.fromArray(Kernels.DOUBLES, second, slot).blend(f, isSecond).intoArray(second, slot);
            n.sub((LongVector)has.toVector()).intoArray(count, slot);
        }
    }

    private void squaresPass(final MemorySegment allocSeg, final MemorySegment reqSeg, final long podReq, final int from, final int to)
    {
        final DoubleVector one = DoubleVector.broadcast(Kernels.DOUBLES, 1.0);
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector alloc = LongVector.fromMemorySegment(Kernels.LONGS, allocSeg, (long)slot << 3, Kernels.ORDER);
            final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
            final DoubleVector f = ((DoubleVector)(LongVector.fromMemorySegment(Kernels.LONGS, reqSeg, (long)slot << 3, Kernels.ORDER).add(podReq)).convert(VectorOperators.L2D, 0))
                .div((DoubleVector)alloc.blend(1L, has.not()).convert(VectorOperators.L2D, 0)).min(1.0);
            final LongVector n = LongVector.fromArray(Kernels.LONGS, count, slot);
            final DoubleVector mean = DoubleVector.fromArray(Kernels.DOUBLES, total, slot)
                .div((DoubleVector)n.max(1L).convert(VectorOperators.L2D, 0));
            final DoubleVector d = f.sub(mean);
            final DoubleVector sq = d.mul(d).blend(0.0, has.not().cast(Kernels.DOUBLES));
            DoubleVector.fromArray(Kernels.DOUBLES, sumSquares, slot).add(sq).intoArray(sumSquares, slot);
        }
    }

    private void ensureScratch(final int size)
    {
        if (count.length < size)
        {
            count = new long[size];
            total = new double[size];
            first = new double[size];
            second = new double[size];
            sumSquares = new double[size];
        }
    }
}
