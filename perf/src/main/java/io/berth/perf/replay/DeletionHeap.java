package io.berth.perf.replay;

import java.util.Arrays;

/**
 * Deletions scheduled in virtual time: a binary min-heap of (time, pod id) in parallel primitive arrays, ordered by
 * time then pod id. Allocates only to grow.
 */
final class DeletionHeap
{
    private long[] times;
    private int[] ids;
    private int size;

    DeletionHeap(final int initialCapacity)
    {
        times = new long[Math.max(16, initialCapacity)];
        ids = new int[times.length];
    }

    int size()
    {
        return size;
    }

    /** The earliest time, or {@code Long.MAX_VALUE} when empty. */
    long peekTime()
    {
        return size == 0 ? Long.MAX_VALUE : times[0];
    }

    int peekId()
    {
        return ids[0];
    }

    void push(final long timeNs, final int id)
    {
        if (size == times.length)
        {
            times = Arrays.copyOf(times, size * 2);
            ids = Arrays.copyOf(ids, size * 2);
        }
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            if (!less(timeNs, id, times[parent], ids[parent]))
            {
                break;
            }
            times[i] = times[parent];
            ids[i] = ids[parent];
            i = parent;
        }
        times[i] = timeNs;
        ids[i] = id;
    }

    /** Removes the head. */
    void pop()
    {
        final int last = --size;
        if (last == 0)
        {
            return;
        }
        final long t = times[last];
        final int id = ids[last];
        int i = 0;
        final int half = last >>> 1;
        while (i < half)
        {
            int child = 2 * i + 1;
            if (child + 1 < last && less(times[child + 1], ids[child + 1], times[child], ids[child]))
            {
                child++;
            }
            if (!less(times[child], ids[child], t, id))
            {
                break;
            }
            times[i] = times[child];
            ids[i] = ids[child];
            i = child;
        }
        times[i] = t;
        ids[i] = id;
    }

    private static boolean less(final long t1, final int id1, final long t2, final int id2)
    {
        return t1 < t2 || (t1 == t2 && id1 < id2);
    }
}
