package io.berth.sched.table;

import java.util.ArrayList;
import java.util.List;

/**
 * Host ports in use per node slot, kube's {@code HostPortInfo} (a set of (ip, protocol, port) per node) as columns
 * created when a (protocol, port) is first used: one 0/1 column per specific (protocol, port, ip) entry,
 * {@code wildcard} (0/1) for the 0.0.0.0 entry, and {@code any}, the number of IPs holding the pair. Set semantics
 * are kept by the caller ({@code PodTable}): an entry already present is not added twice and removing it clears
 * it, exactly as kube's cache does. This answers {@code HostPortInfo.CheckConflict} with column reads.
 */
public final class HostPortIndex
{
    public static final String WILDCARD_IP = "0.0.0.0";

    private final NodeTable table;
    private final Interner protocolPorts = new Interner();
    private final Interner protocolPortIps = new Interner();
    private final List<LongColumn> any = new ArrayList<>();
    private final List<LongColumn> wildcard = new ArrayList<>();
    private final List<LongColumn> perIp = new ArrayList<>();

    HostPortIndex(final NodeTable table)
    {
        this.table = table;
    }

    public static String protocolPortKey(final String protocol, final int port)
    {
        return protocol + '/' + port;
    }

    public static String protocolPortIpKey(final String protocol, final int port, final String ip)
    {
        return protocol + '/' + port + '/' + ip;
    }

    /** Id of a (protocol, port) pair, or -1 if no pod ever used it. */
    public int findProtocolPort(final String protocol, final int port)
    {
        return protocolPorts.find(protocolPortKey(protocol, port));
    }

    public int findProtocolPortIp(final String protocol, final int port, final String ip)
    {
        return protocolPortIps.find(protocolPortIpKey(protocol, port, ip));
    }

    public LongColumn anyIp(final int protocolPortId)
    {
        return any.get(protocolPortId);
    }

    public LongColumn wildcardIp(final int protocolPortId)
    {
        return wildcard.get(protocolPortId);
    }

    public LongColumn specificIp(final int protocolPortIpId)
    {
        return perIp.get(protocolPortIpId);
    }

    /** Adds ({@code delta} 1) or removes ({@code -1}) one (ip, protocol, port) entry of a slot's set. */
    public void add(final int slot, final String protocol, final int port, final String ip, final long delta)
    {
        table.touch(slot);
        final int before = protocolPorts.size();
        final int pp = protocolPorts.intern(protocolPortKey(protocol, port));
        if (pp == before)
        {
            any.add(new LongColumn("hostPort.any[" + protocolPorts.name(pp) + "]", table.capacity(), 0));
            wildcard.add(new LongColumn("hostPort.0.0.0.0[" + protocolPorts.name(pp) + "]", table.capacity(), 0));
        }
        any.get(pp).add(slot, delta);
        if (WILDCARD_IP.equals(ip))
        {
            wildcard.get(pp).add(slot, delta);
        }
        else
        {
            final int beforeIp = protocolPortIps.size();
            final int ppi = protocolPortIps.intern(protocolPortIpKey(protocol, port, ip));
            if (ppi == beforeIp)
            {
                perIp.add(new LongColumn("hostPort[" + protocolPortIps.name(ppi) + "]", table.capacity(), 0));
            }
            perIp.get(ppi).add(slot, delta);
        }
    }

    /** kube's {@code HostPortInfo.CheckConflict} for one slot. */
    public boolean conflicts(final int slot, final String protocol, final int port, final String ip)
    {
        if (port <= 0)
        {
            return false;
        }
        final int pp = findProtocolPort(protocol, port);
        if (pp < 0)
        {
            return false;
        }
        if (WILDCARD_IP.equals(ip))
        {
            return any.get(pp).get(slot) > 0;
        }
        if (wildcard.get(pp).get(slot) > 0)
        {
            return true;
        }
        final int ppi = findProtocolPortIp(protocol, port, ip);
        return ppi >= 0 && perIp.get(ppi).get(slot) > 0;
    }

    void clearSlot(final int slot)
    {
        for (final LongColumn c : columns())
        {
            c.set(slot, 0);
        }
    }

    List<LongColumn> columns()
    {
        final List<LongColumn> all = new ArrayList<>(any);
        all.addAll(wildcard);
        all.addAll(perIp);
        return all;
    }
}
