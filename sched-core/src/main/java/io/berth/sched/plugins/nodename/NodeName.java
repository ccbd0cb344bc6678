package io.berth.sched.plugins.nodename;

import java.util.List;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * kube's NodeName: a pod that names a node ({@code spec.nodeName}) fits only there. The pass is a single
 * slot lookup: every slot but that one fails.
 */
public final class NodeName implements FilterPlugin
{
    public static final String NAME = "NodeName";
    public static final String REASON = "node(s) didn't match the requested node name";

    private int wantedSlot;

    public String name()
    {
        return NAME;
    }

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        if (pod.nodeName().isEmpty())
        {
            return false;
        }
        wantedSlot = table.slotOf(pod.nodeName());
        return true;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final LongVector lanes = LongVector.zero(Kernels.LONGS).addIndex(1);
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final VectorMask<Long> fail = lanes.add(slot).compare(VectorOperators.NE, wantedSlot);
            Kernels.orBits(failBits, slot, fail, failBit);
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            if (slot != wantedSlot)
            {
                failBits[slot] |= failBit;
            }
        }
    }

    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        out.add(REASON);
    }
}
