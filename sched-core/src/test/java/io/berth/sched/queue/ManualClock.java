package io.berth.sched.queue;

import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when a test advances it. */
final class ManualClock implements LongSupplier
{
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final long MINUTE = 60 * SECOND;

    private long nowNs;

    ManualClock(final long startNs)
    {
        nowNs = startNs;
    }

    public long getAsLong()
    {
        return nowNs;
    }

    void advance(final long ns)
    {
        nowNs += ns;
    }

    void set(final long ns)
    {
        nowNs = ns;
    }
}
