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
    private final MemorySegment[] allocSegments;
    private final MemorySegment[] reqSegments;
    private final double[] fractions;

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
        allocSegments = new MemorySegment[n];
        reqSegments = new MemorySegment[n];
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
                allocSegments[i] = table.allocatable(r).segment();
                reqSegments[i] = table.requested(r).segment();
            }
        }
        return any; // best-effort pods are skipped (kubernetes#129138)
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int limit)
    {
        for (int slot = 0; slot < limit; slot++)
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

    public void score(final NodeTable table, final long[] scores, final int limit)
    {
        final int n = names.length;
        final int lanes = Kernels.LANES;
        final DoubleVector one = DoubleVector.broadcast(Kernels.DOUBLES, 1.0);
        // fractions per included resource, compacted per lane so that the first two included are f0, f1
        for (int slot = 0; slot < limit; slot += lanes)
        {
            LongVector count = LongVector.zero(Kernels.LONGS);
            DoubleVector total = DoubleVector.zero(Kernels.DOUBLES);
            DoubleVector first = DoubleVector.zero(Kernels.DOUBLES);
            DoubleVector second = DoubleVector.zero(Kernels.DOUBLES);
            for (int i = 0; i < n; i++)
            {
                if (!active[i])
                {
                    continue;
                }
                final LongVector alloc = Kernels.load(allocSegments[i], slot);
                final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
                final LongVector req = Kernels.load(reqSegments[i], slot).add(podRequest[i]);
                final DoubleVector f = ((DoubleVector)req.convert(VectorOperators.L2D, 0))
                    .div((DoubleVector)alloc.blend(1L, has.not()).convert(VectorOperators.L2D, 0)).min(one);
                final VectorMask<Double> hasD = has.cast(Kernels.DOUBLES);
                total = total.add(f, hasD);
                first = first.blend(f, count.compare(VectorOperators.EQ, 0L).and(has).cast(Kernels.DOUBLES));
                second = second.blend(f, count.compare(VectorOperators.EQ, 1L).and(has).cast(Kernels.DOUBLES));
                count = count.add(1L, has);
            }
            final VectorMask<Long> two = count.compare(VectorOperators.EQ, 2L);
            final VectorMask<Long> more = count.compare(VectorOperators.GT, 2L);
            DoubleVector std = first.sub(second).div(2.0).abs().blend(0.0, two.not().cast(Kernels.DOUBLES));
            if (more.anyTrue())
            {
                std = std.blend(stdMany(slot, total, count), more.cast(Kernels.DOUBLES));
            }
            final LongVector s = (LongVector)one.sub(std).mul((double)Kernels.MAX_NODE_SCORE).convert(VectorOperators.D2L, 0);
            s.intoArray(scores, slot);
        }
    }

    /** Population standard deviation for lanes with more than two included resources, in kube's operation order. */
    private DoubleVector stdMany(final int slot, final DoubleVector total, final LongVector count)
    {
        final DoubleVector countD = (DoubleVector)count.convert(VectorOperators.L2D, 0);
        final DoubleVector mean = total.div(countD);
        final DoubleVector one = DoubleVector.broadcast(Kernels.DOUBLES, 1.0);
        DoubleVector sum = DoubleVector.zero(Kernels.DOUBLES);
        for (int i = 0; i < names.length; i++)
        {
            if (!active[i])
            {
                continue;
            }
            final LongVector alloc = Kernels.load(allocSegments[i], slot);
            final VectorMask<Long> has = alloc.compare(VectorOperators.NE, 0L);
            final LongVector req = Kernels.load(reqSegments[i], slot).add(podRequest[i]);
            final DoubleVector f = ((DoubleVector)req.convert(VectorOperators.L2D, 0))
                .div((DoubleVector)alloc.blend(1L, has.not()).convert(VectorOperators.L2D, 0)).min(one);
            final DoubleVector d = f.sub(mean);
            sum = sum.add(d.mul(d), has.cast(Kernels.DOUBLES));
        }
        return sum.div(countD).sqrt();
    }
}
