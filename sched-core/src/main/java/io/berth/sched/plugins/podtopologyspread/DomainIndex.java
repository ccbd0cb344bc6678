package io.berth.sched.plugins.podtopologyspread;

import java.util.Arrays;

import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;

/**
 * The domains of one topology key over the live nodes, shared by every selector's {@link DomainSums} of that key:
 * per node slot its domain as a compact index ({@code 1..size - 1} in increasing label value id; 0 for a live node
 * lacking the key), and per domain its label value and live nodes. Rebuilt when the node table's epoch moved
 * (nodes added, changed or removed), before any sums of the key are read. Compact, so that a selector's sums take
 * one slot per domain of the key rather than one per label value of the whole cluster.
 */
final class DomainIndex
{
    final LongColumn column;
    private long builtEpoch = -1;
    private int builtLimit = -1;
    /** Per node slot: -1 not live, 0 lacks the key, else the compact index of its value. */
    int[] indexOfSlot = new int[0];
    /** Per compact index: the label value id + 1 (0: the nodes lacking the key). */
    int[] valueIndex = new int[1];
    /** Per compact index: live nodes. */
    int[] nodes = new int[1];
    /** Compact indexes in use, the one of nodes lacking the key included. */
    int size = 1;
    /** Per label value id + 1: its compact index, or -1 when no live node has the value. */
    private int[] compactOfValue = new int[0];

    DomainIndex(final LongColumn column)
    {
        this.column = column;
    }

    boolean isCurrent(final NodeTable table)
    {
        return builtEpoch == table.epoch() && builtLimit == table.slotLimit();
    }

    void rebuild(final NodeTable table)
    {
        final int limit = table.slotLimit();
        final int values = table.labelValues().size() + 1;
        if (indexOfSlot.length < table.capacity())
        {
            indexOfSlot = new int[table.capacity()];
        }
        if (compactOfValue.length < values)
        {
            compactOfValue = new int[values + (values >> 1)];
        }
        Arrays.fill(compactOfValue, -1);
        // the values present, then their compact indexes in increasing value order
        for (int slot = 0; slot < limit; slot++)
        {
            if (table.isLive(slot))
            {
                compactOfValue[valueIndexOf(slot)] = 0;
            }
        }
        size = 1;
        for (int v = 1; v < compactOfValue.length; v++)
        {
            if (compactOfValue[v] == 0)
            {
                compactOfValue[v] = size++;
            }
        }
        compactOfValue[0] = 0;
        if (valueIndex.length < size)
        {
            valueIndex = new int[size + (size >> 1)];
            nodes = new int[valueIndex.length];
        }
        else
        {
            Arrays.fill(nodes, 0);
        }
        for (int v = 0; v < compactOfValue.length; v++)
        {
            if (compactOfValue[v] >= 0)
            {
                valueIndex[compactOfValue[v]] = v;
            }
        }
        Arrays.fill(indexOfSlot, -1);
        for (int slot = 0; slot < limit; slot++)
        {
            if (table.isLive(slot))
            {
                final int index = compactOfValue[valueIndexOf(slot)];
                indexOfSlot[slot] = index;
                nodes[index]++;
            }
        }
        builtEpoch = table.epoch();
        builtLimit = limit;
    }

    /** The compact index of label value id + 1 {@code value}, or -1 when no live node has it. */
    int compactOf(final int value)
    {
        return value >= 0 && value < compactOfValue.length ? compactOfValue[value] : -1;
    }

    private int valueIndexOf(final int slot)
    {
        final long value = column == null ? NodeTable.ABSENT : column.get(slot);
        return value == NodeTable.ABSENT ? 0 : (int)value + 1;
    }
}
