package io.berth.sched.plugins.gpushare;

import java.lang.foreign.MemorySegment;
import java.util.List;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * GPU sharing filter, as open-gpu-share's filter: a fractional pod needs one device with at least its milli free
 * (the node table's derived max-free column), a pod of whole devices needs that many entirely free devices (the
 * whole-free column), and a pod listing GPU models ({@code alibabacloud.com/gpu-card-model}, {@code |}-separated)
 * needs a node labelled with one of them. Skips (no pass at all) for pods that ask for no GPU, so it is on by
 * default at no cost to other pods.
 */
public final class GpuShare implements FilterPlugin
{
    public static final String NAME = "GpuShare";
    public static final String REASON_SHARE = "Insufficient GPU milli on any one device";
    public static final String REASON_WHOLE = "Insufficient free GPU devices";
    public static final String REASON_MODEL = "node(s) didn't match the pod's GPU card model";

    /** Model id that no node has (a model no node was ever labelled with). */
    private static final long NO_SUCH_MODEL = -2;

    private boolean fractional;
    private long need;
    private int modelCount;
    private long[] modelIds = new long[4];

    public String name()
    {
        return NAME;
    }

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final GpuRequest gpu = pod.gpuRequest();
        if (!gpu.wantsGpu())
        {
            return false;
        }
        fractional = gpu.isFractional();
        need = fractional ? gpu.milliPerDevice() : gpu.count();
        final List<String> models = gpu.models();
        modelCount = models.size();
        if (modelCount > modelIds.length)
        {
            modelIds = new long[Math.max(modelCount, modelIds.length * 2)];
        }
        for (int i = 0; i < modelCount; i++)
        {
            final int id = table.labelValues().find(models.get(i));
            modelIds[i] = id < 0 ? NO_SUCH_MODEL : id;
        }
        return true;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final MemorySegment devices = (fractional ? table.gpuMaxFreeColumn() : table.gpuWholeFreeColumn()).segment();
        final MemorySegment models = table.labelValueColumn(table.gpuModelKey()).segment();
        final long n = need;
        final int m = modelCount;
        final long[] ids = modelIds;
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            VectorMask<Long> fail = Kernels.load(devices, slot).compare(VectorOperators.LT, n);
            if (m > 0)
            {
                final LongVector model = Kernels.load(models, slot);
                VectorMask<Long> match = model.compare(VectorOperators.EQ, ids[0]);
                for (int i = 1; i < m; i++)
                {
                    match = match.or(model.compare(VectorOperators.EQ, ids[i]));
                }
                fail = fail.or(match.not());
            }
            Kernels.orBits(failBits, slot, fail, failBit);
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            if (!fitsDevices(table, slot) || !modelMatches(table, slot))
            {
                failBits[slot] |= failBit;
            }
        }
    }

    private boolean fitsDevices(final NodeTable table, final int slot)
    {
        return (fractional ? table.gpuMaxFreeColumn() : table.gpuWholeFreeColumn()).get(slot) >= need;
    }

    private boolean modelMatches(final NodeTable table, final int slot)
    {
        if (modelCount == 0)
        {
            return true;
        }
        final long model = table.labelValueColumn(table.gpuModelKey()).get(slot);
        for (int i = 0; i < modelCount; i++)
        {
            if (modelIds[i] == model)
            {
                return true;
            }
        }
        return false;
    }

    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        if (!modelMatches(table, slot))
        {
            out.add(REASON_MODEL);
        }
        if (!fitsDevices(table, slot))
        {
            out.add(fractional ? REASON_SHARE : REASON_WHOLE);
        }
    }
}
