package io.berth.perf.replay;

import java.util.ArrayList;
import java.util.List;

/** A wall clock advanced by hand: waiting moves it to the deadline and records the deadline. */
final class ManualClock implements ReplayClock
{
    long nowNs;
    final List<Long> waits = new ArrayList<>();

    ManualClock(final long startNs)
    {
        nowNs = startNs;
    }

    public long nanoTime()
    {
        return nowNs;
    }

    public void waitUntil(final long deadlineNs)
    {
        waits.add(deadlineNs);
        nowNs = Math.max(nowNs, deadlineNs);
    }
}
