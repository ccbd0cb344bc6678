package io.berth.sched.plugins.nodeports;

import java.util.Arrays;
import java.util.List;

import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.HostPortIndex;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.SegmentArray;

/**
 * kube's NodePorts filter. The pod's wanted host ports are those with {@code hostPort > 0} of its restartable init
 * containers (sidecars) and app containers, as kube's {@code util.GetHostPorts}. A node fails when any wanted
 * (hostIP, protocol, hostPort) conflicts with the ports used on it per kube's {@code HostPortInfo.CheckConflict}:
 * a wanted 0.0.0.0 conflicts with the same (protocol, port) on any IP, a wanted specific IP with the same IP or
 * 0.0.0.0. As in kube, the pod's own ports are not checked against each other. PreFilter compiles the wanted
 * ports into the list of {@link HostPortIndex} count columns to test; the pass ORs "column > 0" over them.
 */
public final class NodePorts implements FilterPlugin
{
    public static final String NAME = "NodePorts";
    /** kube's {@code nodeports.ErrReason}. */
    public static final String REASON = "node(s) didn't have free ports for the requested pod ports";

    private int columnCount;
    private LongColumn[] columns = new LongColumn[8];
    private final SegmentArray segments = new SegmentArray(8);

    public String name()
    {
        return NAME;
    }

    /**
     * Collects the columns to test. Skips when the pod wants no host port (kube's Skip) or when none of its
     * (protocol, port) pairs was ever used on any node, since then no node can conflict.
     */
    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        columnCount = 0;
        final HostPortIndex index = table.hostPorts();
        final List<Container> inits = pod.initContainers();
        for (int c = 0, n = inits.size(); c < n; c++)
        {
            final Container init = inits.get(c);
            if (init.restartPolicyAlways())
            {
                addPorts(index, init.ports());
            }
        }
        final List<Container> containers = pod.containers();
        for (int c = 0, n = containers.size(); c < n; c++)
        {
            addPorts(index, containers.get(c).ports());
        }
        for (int i = 0; i < columnCount; i++)
        {
            segments.set(i, columns[i].segment());
        }
        return columnCount > 0;
    }

    private void addPorts(final HostPortIndex index, final List<ContainerPort> ports)
    {
        for (int p = 0, n = ports.size(); p < n; p++)
        {
            final ContainerPort port = ports.get(p);
            if (port.hostPort() <= 0)
            {
                continue;
            }
            final int pp = index.findProtocolPort(port.protocol(), port.hostPort());
            if (pp < 0)
            {
                continue; // no pod ever used this (protocol, port): no conflict possible
            }
            if (HostPortIndex.WILDCARD_IP.equals(port.hostIP()))
            {
                addColumn(index.anyIp(pp));
            }
            else
            {
                addColumn(index.wildcardIp(pp));
                final int ppi = index.findProtocolPortIp(port.protocol(), port.hostPort(), port.hostIP());
                if (ppi >= 0)
                {
                    addColumn(index.specificIp(ppi));
                }
            }
        }
    }

    private void addColumn(final LongColumn column)
    {
        for (int i = 0; i < columnCount; i++)
        {
            if (columns[i] == column)
            {
                return;
            }
        }
        if (columnCount == columns.length)
        {
            columns = Arrays.copyOf(columns, columnCount * 2);
            segments.ensureCapacity(columnCount * 2);
        }
        columns[columnCount++] = column;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final int n = columnCount;
        final SegmentArray segs = segments;
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            VectorMask<Long> fail = Kernels.load(segs.get(0), slot).compare(VectorOperators.GT, 0L);
            for (int i = 1; i < n; i++)
            {
                fail = fail.or(Kernels.load(segs.get(i), slot).compare(VectorOperators.GT, 0L));
            }
            Kernels.orBits(failBits, slot, fail, failBit);
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            for (int i = 0; i < columnCount; i++)
            {
                if (columns[i].get(slot) > 0)
                {
                    failBits[slot] |= failBit;
                    break;
                }
            }
        }
    }

    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        out.add(REASON);
    }

    /** kube: the port conflict is {@code Unschedulable}, so preemption may free the port. */
    @Override
    public boolean preemptionMayHelp(final NodeTable table, final int slot)
    {
        return true;
    }
}
