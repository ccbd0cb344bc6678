package io.berth.perf.replay;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Live counters of one profile's replay: written by its replay thread with opaque stores (no fences on the hot
 * path), read by a progress display from another thread, which may see them a little late.
 */
public final class ReplayCounters
{
    private static final VarHandle EVENTS;
    private static final VarHandle PLACED;
    private static final VarHandle PENDING;
    private static final VarHandle VIRTUAL_MS;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            EVENTS = lookup.findVarHandle(ReplayCounters.class, "events", long.class);
            PLACED = lookup.findVarHandle(ReplayCounters.class, "placed", long.class);
            PENDING = lookup.findVarHandle(ReplayCounters.class, "pending", long.class);
            VIRTUAL_MS = lookup.findVarHandle(ReplayCounters.class, "virtualMs", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final String profile;
    @SuppressWarnings("unused") private long events;
    @SuppressWarnings("unused") private long placed;
    @SuppressWarnings("unused") private long pending;
    @SuppressWarnings("unused") private long virtualMs;

    ReplayCounters(final String profile)
    {
        this.profile = profile;
    }

    public String profile()
    {
        return profile;
    }

    /** Trace events applied so far. */
    public long events()
    {
        return (long)EVENTS.getOpaque(this);
    }

    /** Pods placed so far. */
    public long placed()
    {
        return (long)PLACED.getOpaque(this);
    }

    /** Pods waiting in the scheduling queue now. */
    public long pending()
    {
        return (long)PENDING.getOpaque(this);
    }

    /** Virtual time reached, in milliseconds from the trace's start. */
    public long virtualMs()
    {
        return (long)VIRTUAL_MS.getOpaque(this);
    }

    void update(final long eventsDone, final long podsPlaced, final long podsPending, final long virtualTimeMs)
    {
        EVENTS.setOpaque(this, eventsDone);
        PLACED.setOpaque(this, podsPlaced);
        PENDING.setOpaque(this, podsPending);
        VIRTUAL_MS.setOpaque(this, virtualTimeMs);
    }
}
