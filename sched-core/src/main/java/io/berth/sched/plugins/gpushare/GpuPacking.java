package io.berth.sched.plugins.gpushare;

import java.lang.foreign.MemorySegment;

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
 * GPU packing score (opt-in): fill shared devices first, then partly used nodes, then empty ones, in three tiers
 * like the FGD simulator's packing policy. For a pod on a node with {@code devices} devices, {@code wholeFree}
 * of them entirely free, and (fractional pods) {@code f} the free milli of the best-fit device:
 * <ul>
 *   <li>fractional pod on a partly used device ({@code f < 1000}): {@code 100 - (f - milli) / 20}, in [51, 100]:
 *       the tighter the fit, the higher;</li>
 *   <li>the pod takes wholly free devices ({@code count} of them; 1 for a fractional pod opening a device) on a node
 *       where some device is in use ({@code wholeFree < devices}): {@code 50 - count}, in [42, 49];</li>
 *   <li>the same on an entirely free node: {@code 33 - devices}, in [25, 32] (smaller nodes first).</li>
 * </ul>
 * No normalization. Skips (0 everywhere) for pods that ask for no GPU.
 */
public final class GpuPacking implements ScorePlugin
{
    public static final String NAME = "GpuPacking";

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
        count = fractional ? 1 : gpu.count();
        return true;
    }

    /** The score of one node (see the class comment); {@code bestFit} is ignored for pods of whole devices. */
    static long score(final boolean fractional, final long milli, final long count, final long bestFit,
        final long devices, final long wholeFree)
    {
        if (fractional && bestFit < NodeTable.GPU_DEVICE_MILLI)
        {
            return 100 - (bestFit - milli) / 20;
        }
        return wholeFree < devices ? 50 - count : 33 - devices;
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final MemorySegment devicesCol = table.gpuDeviceColumn().segment();
        final MemorySegment wholeCol = table.gpuWholeFreeColumn().segment();
        final long partlyUsedTier = 50 - count;
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector devices = Kernels.load(devicesCol, slot);
            final LongVector whole = Kernels.load(wholeCol, slot);
            final LongVector emptyTier = LongVector.broadcast(Kernels.LONGS, 33L).sub(devices);
            LongVector s = emptyTier.blend(partlyUsedTier, whole.compare(VectorOperators.LT, devices));
            if (fractional)
            {
                final LongVector fit = GpuDevices.bestFitLanes(table, slot, milli);
                final VectorMask<Long> shared = fit.compare(VectorOperators.LT, NodeTable.GPU_DEVICE_MILLI);
                // (fit - milli) / 20 for 0 <= fit - milli < 1000: multiply by ceil(2^16 / 20), shift; exact here
                final LongVector tight = LongVector.broadcast(Kernels.LONGS, 100L)
                    .sub(fit.sub(milli).max(0L).mul(3277L).lanewise(VectorOperators.ASHR, 16));
                s = s.blend(tight, shared);
            }
            s.intoArray(scores, slot);
        }
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            final long fit = fractional ? GpuDevices.bestFit(table, slot, milli) : GpuDevices.NO_FIT;
            scores[slot] = score(fractional, milli, count, fit, table.gpuDevices(slot), table.gpuWholeFreeColumn().get(slot));
        }
    }
}
