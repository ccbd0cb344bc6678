package io.berth.perf.replay;

import java.util.concurrent.locks.LockSupport;

/**
 * The wall clock a replay reads (scheduling latency, {@code --speed} pacing) and waits on. Tests pass a clock they
 * advance by hand, whose {@link #waitUntil} moves it instead of sleeping.
 */
public interface ReplayClock
{
    /** Monotonic nanoseconds. */
    long nanoTime();

    /** Returns no earlier than {@link #nanoTime()} reads {@code deadlineNs}. */
    void waitUntil(long deadlineNs);

    /** {@link System#nanoTime()}, parking the thread to wait. */
    ReplayClock SYSTEM = new ReplayClock()
    {
        public long nanoTime()
        {
            return System.nanoTime();
        }

        public void waitUntil(final long deadlineNs)
        {
            long left;
            while ((left = deadlineNs - System.nanoTime()) > 0)
            {
                LockSupport.parkNanos(left);
            }
        }
    };
}
