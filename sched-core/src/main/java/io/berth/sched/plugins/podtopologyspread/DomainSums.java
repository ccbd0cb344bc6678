package io.berth.sched.plugins.podtopologyspread;

import java.util.Arrays;

import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;

/**
 * Matching pods per topology domain of one selector and one topology key, over every live node, kept up to date
 * on each pod accounted or forgotten ({@link SpreadCounters}) so that PodTopologySpread's PreFilter and PreScore
 * read a pod's domain counts in O(domains) instead of folding the per-node column over every node. Index
 * {@code value id + 1} holds a domain; index 0 the live nodes lacking the key. Built from the per-node column
 * when first asked for and again whenever the node table's epoch moved (nodes added, changed or removed: the
 * domains of the slots may have changed); a stale instance is never read.
 */
final class DomainSums
{
    final LongColumn column;
    private long builtEpoch = -1;
    private int builtLimit = -1;
    /** Per node slot: -1 not live, 0 lacks the key, else value id + 1. */
    private int[] indexOfSlot = new int[0];
    /** Matching pods per index. */
    long[] sum = new long[0];
    /** Live nodes per index. */
    int[] nodes = new int[0];
    /** The indexes >= 1 having at least one live node, and how many. */
    int[] present = new int[0];
    int presentCount;

    DomainSums(final LongColumn column)
    {
        this.column = column;
    }

    boolean isCurrent(final NodeTable table)
    {
        return builtEpoch == table.epoch() && builtLimit == table.slotLimit();
    }

    /** Rebuilds the sums from the selector's per-node counts over the table's live nodes. */
    void rebuild(final NodeTable table, final long[] perNode)
    {
        final int limit = table.slotLimit();
        final int size = table.labelValues().size() + 2;
        if (indexOfSlot.length < table.capacity())
        {
            indexOfSlot = new int[table.capacity()];
        }
        if (sum.length < size)
        {
            sum = new long[size + (size >> 1)];
            nodes = new int[sum.length];
            present = new int[sum.length];
        }
        else
        {
            Arrays.fill(sum, 0L);
            Arrays.fill(nodes, 0);
        }
        Arrays.fill(indexOfSlot, -1);
        for (int slot = 0; slot < limit; slot++)
        {
            if (!table.isLive(slot))
            {
                continue;
            }
            final long value = column == null ? NodeTable.ABSENT : column.get(slot);
            final int index = value == NodeTable.ABSENT ? 0 : (int)value + 1;
            indexOfSlot[slot] = index;
            sum[index] += perNode[slot];
            nodes[index]++;
        }
        presentCount = 0;
        for (int i = 1; i < size; i++)
        {
            if (nodes[i] > 0)
            {
                present[presentCount++] = i;
            }
        }
        builtEpoch = table.epoch();
        builtLimit = limit;
    }

    /** A matching pod accounted ({@code delta} 1) or forgotten (-1) on {@code slot}. */
    void add(final int slot, final long delta)
    {
        if (slot < indexOfSlot.length)
        {
            final int index = indexOfSlot[slot];
            if (index >= 0)
            {
                sum[index] += delta;
            }
        }
    }
}
