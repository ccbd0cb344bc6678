package io.berth.sched.plugins.podtopologyspread;

import java.util.Arrays;

import io.berth.sched.table.NodeTable;

/**
 * Matching pods per topology domain of one selector and one topology key, over every live node, kept up to date
 * on each pod accounted or forgotten ({@link SpreadCounters}) so that PodTopologySpread's PreFilter and PreScore
 * read a pod's domain counts in O(domains) instead of folding the per-node column over every node. The domains are
 * the key's {@link DomainIndex}, shared by every selector: this holds one sum per domain. Built from the per-node
 * column when first asked for and again whenever the node table's epoch moved (the domains of the slots may have
 * changed); a stale instance is never read.
 */
final class DomainSums
{
    final DomainIndex index;
    private long builtEpoch = -1;
    private int builtLimit = -1;
    /** Matching pods per compact domain index (0: the live nodes lacking the key). */
    private long[] sum = new long[1];

    DomainSums(final DomainIndex index)
    {
        this.index = index;
    }

    boolean isCurrent(final NodeTable table)
    {
        return builtEpoch == table.epoch() && builtLimit == table.slotLimit();
    }

    /** Rebuilds the sums from the selector's per-node counts; the index must be current. */
    void rebuild(final NodeTable table, final long[] perNode)
    {
        final int limit = table.slotLimit();
        final int size = index.size;
        if (sum.length < size)
        {
            sum = new long[size + (size >> 1)];
        }
        else
        {
            Arrays.fill(sum, 0, size, 0L);
        }
        final int[] indexOfSlot = index.indexOfSlot;
        for (int slot = 0; slot < limit; slot++)
        {
            final int i = indexOfSlot[slot];
            if (i >= 0)
            {
                sum[i] += perNode[slot];
            }
        }
        builtEpoch = table.epoch();
        builtLimit = limit;
    }

    /**
     * A matching pod accounted ({@code delta} 1) or forgotten (-1) on {@code slot}. When the index was rebuilt for a
     * newer epoch than these sums, what this writes is thrown away by their rebuild before they are read.
     */
    void add(final int slot, final long delta)
    {
        final int[] indexOfSlot = index.indexOfSlot;
        if (slot < indexOfSlot.length)
        {
            final int i = indexOfSlot[slot];
            if (i >= 0 && i < sum.length)
            {
                sum[i] += delta;
            }
        }
    }

    /** Domains with at least one live node. */
    int presentCount()
    {
        return index.size - 1;
    }

    /** The label value id + 1 of present domain {@code i} ({@code 0 <= i < presentCount()}). */
    int presentValueIndex(final int i)
    {
        return index.valueIndex[i + 1];
    }

    /** The matching pods of present domain {@code i}. */
    long presentSum(final int i)
    {
        return sum[i + 1];
    }

    /** The matching pods of the domain of label value id + 1 {@code value}; 0 when no live node has it. */
    long sumOfValue(final int value)
    {
        final int i = index.compactOf(value);
        return i < 0 ? 0 : sum[i];
    }

    /** Live nodes lacking the key. */
    int nodesLackingKey()
    {
        return index.nodes[0];
    }

    /** Matching pods on live nodes lacking the key. */
    long sumLackingKey()
    {
        return sum[0];
    }
}
