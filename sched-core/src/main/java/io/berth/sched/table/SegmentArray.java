package io.berth.sched.table;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * An array of column segments that a PreFilter or PreScore fills once per pod and its pass reads, kept as an
 * {@code Object[]}. C2 (JDK 25) compiles a store into a {@code MemorySegment[]}, an array of an interface type, with a
 * guess about the array's class that does not hold, so the store traps ({@code array_check}) and throws the compiled
 * method away, four times over before C2 stops guessing: in a 150,000-pod replay a dozen PreFilter, PreScore and
 * pass methods were recompiled that way, and ran interpreted in between. A store into an {@code Object[]} needs no
 * check at all; a read casts, which the JIT checks against the one class it has seen.
 */
public final class SegmentArray
{
    private Object[] segments;

    public SegmentArray(final int capacity)
    {
        segments = new Object[Math.max(1, capacity)];
    }

    /** Room for at least {@code n} segments; those held are kept. */
    public void ensureCapacity(final int n)
    {
        if (segments.length < n)
        {
            segments = Arrays.copyOf(segments, Math.max(n, 2 * segments.length));
        }
    }

    public int capacity()
    {
        return segments.length;
    }

    public void set(final int i, final MemorySegment segment)
    {
        segments[i] = segment;
    }

    public MemorySegment get(final int i)
    {
        return (MemorySegment)segments[i];
    }
}
