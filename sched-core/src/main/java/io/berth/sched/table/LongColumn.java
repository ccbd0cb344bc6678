package io.berth.sched.table;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One off-heap column of 64-bit values indexed by node slot, contiguous so that vector passes can load
 * {@code SPECIES.length()} slots at a time. Growth copies into a larger segment; the old one is released by
 * the GC (automatic arena). Written only by the table's owner thread.
 */
public final class LongColumn
{
    private static final ValueLayout.OfLong LAYOUT = ValueLayout.JAVA_LONG;

    private final String name;
    private final long fill;
    private final UnsafeBuffer buffer = new UnsafeBuffer(0, 0);
    private MemorySegment segment;
    private int capacity;

    public LongColumn(final String name, final int capacity, final long fill)
    {
        this.name = name;
        this.fill = fill;
        this.segment = Arena.ofAuto().allocate((long)capacity * Long.BYTES, 64);
        this.capacity = capacity;
        buffer.wrap(segment.address(), capacity * Long.BYTES);
        if (fill != 0)
        {
            fill(0, capacity, fill);
        }
    }

    public String name()
    {
        return name;
    }

    /** The backing segment; re-read it after any call that may grow the table. */
    public MemorySegment segment()
    {
        return segment;
    }

    public int capacity()
    {
        return capacity;
    }

    public long get(final int slot)
    {
        return buffer.getLong(slot << 3);
    }

    public void set(final int slot, final long value)
    {
        buffer.putLong(slot << 3, value);
    }

    public void add(final int slot, final long delta)
    {
        final int index = slot << 3;
        buffer.putLong(index, buffer.getLong(index) + delta);
    }

    void fill(final int from, final int to, final long value)
    {
        for (int i = from; i < to; i++)
        {
            segment.setAtIndex(LAYOUT, i, value);
        }
    }

    void grow(final int newCapacity)
    {
        if (newCapacity <= capacity)
        {
            return;
        }
        final MemorySegment bigger = Arena.ofAuto().allocate((long)newCapacity * Long.BYTES, 64);
        MemorySegment.copy(segment, 0, bigger, 0, (long)capacity * Long.BYTES);
        final int old = capacity;
        segment = bigger;
        capacity = newCapacity;
        buffer.wrap(bigger.address(), newCapacity * Long.BYTES);
        if (fill != 0)
        {
            fill(old, newCapacity, fill);
        }
    }
}
