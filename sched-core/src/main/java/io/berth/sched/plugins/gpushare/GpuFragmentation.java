package io.berth.sched.plugins.gpushare;

import java.lang.foreign.MemorySegment;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * Fragmentation-aware GPU score (opt-in), after FGD ("Beware of Fragmentation", Weng et al., ATC '23): prefer the
 * node where placing the pod increases stranded GPU milli the least. FGD measures fragmentation against the
 * expected workload; here the workload is the pod itself (the next pods are most likely like it), and stranded
 * milli is the free milli of partly used devices, the measure the replay reports. Exact integer formula:
 * <ul>
 *   <li>fractional pod of {@code m} milli, placed on its best-fit device with {@code f} free, leaving
 *       {@code r = f - m}: {@code cost = (f == 1000 ? 1000 - m : -m) + (0 < r < m ? r : 0)}: the change in free
 *       milli on partly used devices (opening a fresh device strands its rest, filling a shared one un-strands
 *       {@code m}), plus the leftover too small for another pod like it. {@code cost} lies in [-999, 999];
 *       {@code score = (999 - cost) * 100 / 1998}, in [0, 100];</li>
 *   <li>pod of {@code k} whole devices on a node with {@code w} wholly free devices: nothing partly used changes;
 *       {@code cost = w - k}, the whole devices left that a later multi-device pod would have to be split across;
 *       {@code score = 100 - 12 * cost}, in [16, 100] (best fit on free devices keeps empty nodes for big pods).</li>
 * </ul>
 * No normalization. Skips (0 everywhere) for pods that ask for no GPU. CPU and memory left on the node are not
 * considered (FGD also counts GPUs stranded by a node's exhausted CPU).
 */
public final class GpuFragmentation implements ScorePlugin
{
    public static final String NAME = "GpuFragmentation";

    private static final long COST_RANGE = 1998;

    private boolean fractional;
    private long milli;
    private long count;

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
        final GpuRequest gpu = pod.gpuRequest();
        if (!gpu.wantsGpu())
        {
            return false;
        }
        fractional = gpu.isFractional();
        milli = gpu.milliPerDevice();
        count = gpu.count();
        return true;
    }

    /** The cost of a fractional pod of {@code milli} on a device with {@code bestFit} free (see the class comment). */
    static long fractionalCost(final long milli, final long bestFit)
    {
        final long rest = bestFit - milli;
        return (bestFit == NodeTable.GPU_DEVICE_MILLI ? NodeTable.GPU_DEVICE_MILLI - milli : -milli) +
            (rest > 0 && rest < milli ? rest : 0);
    }

    /** The score of one node for a fractional pod. */
    static long fractionalScore(final long milli, final long bestFit)
    {
        return (999 - fractionalCost(milli, bestFit)) * 100 / COST_RANGE;
    }

    /** The score of one node for a pod of {@code count} whole devices where {@code wholeFree} are free. */
    static long wholeScore(final long count, final long wholeFree)
    {
        return 100 - 12 * Math.max(0, wholeFree - count);
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        if (fractional)
        {
            final long m = milli;
            final LongVector range = LongVector.broadcast(Kernels.LONGS, COST_RANGE);
            final DoubleVector inverse = DoubleVector.broadcast(Kernels.DOUBLES, 1.0 / COST_RANGE);
            for (int slot = from; slot < to; slot += Kernels.LANES)
            {
                final LongVector fit = GpuDevices.bestFitLanes(table, slot, m);
                final LongVector rest = fit.sub(m);
                final LongVector opened = LongVector.broadcast(Kernels.LONGS, NodeTable.GPU_DEVICE_MILLI - m)
                    .blend(-m, fit.compare(VectorOperators.NE, NodeTable.GPU_DEVICE_MILLI));
                final VectorMask<Long> small = rest.compare(VectorOperators.GT, 0L).and(rest.compare(VectorOperators.LT, m));
                final LongVector cost = Kernels.addWhere(opened, rest, small);
                final LongVector a = LongVector.broadcast(Kernels.LONGS, 999L).sub(cost).max(0L).mul(100L);
                // floorDiv(a, range, inverse), written out (see Kernels)
                LongVector q = (LongVector)((DoubleVector)a.convert(VectorOperators.L2D, 0)).mul(inverse)
                    .convert(VectorOperators.D2L, 0);
                q = q.add((LongVector)q.mul(range).compare(VectorOperators.GT, a).toVector());
                q = q.sub((LongVector)q.add(1L).mul(range).compare(VectorOperators.LE, a).toVector());
                q.intoArray(scores, slot);
            }
            return;
        }
        final MemorySegment wholeCol = table.gpuWholeFreeColumn().segment();
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            LongVector.broadcast(Kernels.LONGS, 100L)
                .sub(Kernels.load(wholeCol, slot).sub(count).max(0L).mul(12L)).intoArray(scores, slot);
        }
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            scores[slot] = fractional ?
                Math.max(0, fractionalScore(milli, GpuDevices.bestFit(table, slot, milli))) :
                wholeScore(count, table.gpuWholeFreeColumn().get(slot));
        }
    }
}
