package io.berth.sched.plugins.nodeunschedulable;

import java.lang.foreign.MemorySegment;
import java.util.List;

import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.table.NodeTable;

/**
 * kube's NodeUnschedulable: rejects nodes with {@code spec.unschedulable} unless the pod tolerates the
 * {@code node.kubernetes.io/unschedulable:NoSchedule} taint.
 */
public final class NodeUnschedulable implements FilterPlugin
{
    public static final String NAME = "NodeUnschedulable";
    public static final String TAINT_KEY = "node.kubernetes.io/unschedulable";
    public static final String REASON = "node(s) were unschedulable";

    public String name()
    {
        return NAME;
    }

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final List<Toleration> tolerations = pod.tolerations();
        for (int i = 0, n = tolerations.size(); i < n; i++)
        {
            if (tolerations.get(i).tolerates(TAINT_KEY, "", Taint.NO_SCHEDULE))
            {
                return false;
            }
        }
        return true;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final MemorySegment flags = table.flags().segment();
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final VectorMask<Long> fail = Kernels.load(flags, slot).and(NodeTable.FLAG_UNSCHEDULABLE).compare(VectorOperators.NE, 0L);
            Kernels.orBits(failBits, slot, fail, failBit);
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            if ((table.flags().get(slot) & NodeTable.FLAG_UNSCHEDULABLE) != 0)
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
