package io.berth.perf.replay;

import org.agrona.concurrent.NanoClock;

/**
 * Scaled real time: virtual nanoseconds since {@link #start()} = wall nanoseconds since then × speed, on an injected
 * {@link ReplayClock}. The trace feeder paces its writes on it and the scheduler's queue (backoff, flushes) runs on
 * it, so both see the same virtual time. Any thread may read it.
 */
final class VirtualClock implements NanoClock
{
    private final ReplayClock wall;
    private final double speed;
    private volatile long wallStartNs;

    VirtualClock(final ReplayClock wall, final double speed)
    {
        if (!(speed > 0) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("virtual clock: speed must be a positive factor: " + speed);
        }
        this.wall = wall;
        this.speed = speed;
        this.wallStartNs = wall.nanoTime();
    }

    /** Virtual time 0 is now. */
    void start()
    {
        wallStartNs = wall.nanoTime();
    }

    long wallStartNs()
    {
        return wallStartNs;
    }

    /** The wall clock read for the virtual time at which a virtual {@code virtualNs} is reached. */
    long wallDeadlineNs(final long virtualNs)
    {
        return wallStartNs + (long)Math.ceil(virtualNs / speed);
    }

    /** Virtual nanoseconds since {@link #start()} (negative before it). */
    @Override
    public long nanoTime()
    {
        return (long)((wall.nanoTime() - wallStartNs) * speed);
    }

    ReplayClock wall()
    {
        return wall;
    }
}
