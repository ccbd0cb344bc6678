package io.berth.sched.plugins.nodeports;

import java.util.List;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/** TEMPORARY placeholder: being implemented now (kube's NodePorts). */
public final class NodePorts implements FilterPlugin
{
    public static final String NAME = "NodePorts";

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
        return false;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int limit)
    {
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int limit)
    {
    }

    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
    }

    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        return false;
    }

    public void score(final NodeTable table, final long[] scores, final int limit)
    {
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int limit)
    {
    }
}
