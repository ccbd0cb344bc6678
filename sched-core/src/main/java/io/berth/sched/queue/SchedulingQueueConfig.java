package io.berth.sched.queue;

/**
 * The scheduling queue's timings, in nanoseconds, with kube-scheduler's defaults and validation.
 *
 * @param initialBackoffNs     a pod's first backoff ({@code podInitialBackoffSeconds}, 1 s); each further attempt
 *                             doubles it.
 * @param maxBackoffNs         the longest backoff ({@code podMaxBackoffSeconds}, 10 s).
 * @param maxInUnschedulableNs how long a pod may wait in unschedulablePods before it is flushed back for another
 *                             attempt ({@code podMaxInUnschedulablePodsDuration}, 5 min).
 * @param popFromBackoffQ      kube's {@code SchedulerPopFromBackoffQ} feature (beta and on since v1.33): when
 *                             activeQ is empty, pop the head of backoffQ before its backoff is over, and align
 *                             backoff expiries to whole seconds.
 * @param queueingHints        kube's {@code SchedulerQueueingHints} (on since v1.32): an assigned pod's deletion
 *                             or placement moves only the unschedulable pods it may help (see
 *                             {@link SchedulingQueue#onAssignedPodDelete}); takes effect with popFromBackoffQ and
 *                             an engine given to {@link SchedulingQueue#queueingHints}. Off: every event moves
 *                             every unschedulable pod (the exhaustive reference the hints are tested against).
 */
public record SchedulingQueueConfig(
    long initialBackoffNs, long maxBackoffNs, long maxInUnschedulableNs, boolean popFromBackoffQ, boolean queueingHints)
{
    /** Nanoseconds in a second. */
    public static final long SECOND_NS = 1_000_000_000L;

    /** kube-scheduler v1.33/v1.34's defaults: 1 s, 10 s, 5 min, popFromBackoffQ and queueing hints on. */
    public static final SchedulingQueueConfig DEFAULT =
        new SchedulingQueueConfig(SECOND_NS, 10 * SECOND_NS, 300 * SECOND_NS, true, true);

    /** With queueing hints on. */
    public SchedulingQueueConfig(
        final long initialBackoffNs, final long maxBackoffNs, final long maxInUnschedulableNs, final boolean popFromBackoffQ)
    {
        this(initialBackoffNs, maxBackoffNs, maxInUnschedulableNs, popFromBackoffQ, true);
    }

    /**
     * @throws IllegalArgumentException as kube's configuration validation does: the initial backoff must be
     *                                  positive, the maximum no less than it, and the unschedulable limit positive.
     */
    public SchedulingQueueConfig
    {
        if (initialBackoffNs <= 0)
        {
            throw new IllegalArgumentException("initialBackoffNs must be greater than 0: " + initialBackoffNs);
        }
        if (maxBackoffNs < initialBackoffNs)
        {
            throw new IllegalArgumentException(
                "maxBackoffNs " + maxBackoffNs + " must not be less than initialBackoffNs " + initialBackoffNs);
        }
        if (maxInUnschedulableNs <= 0)
        {
            throw new IllegalArgumentException("maxInUnschedulableNs must be greater than 0: " + maxInUnschedulableNs);
        }
    }

    public SchedulingQueueConfig withInitialBackoffNs(final long v)
    {
        return new SchedulingQueueConfig(v, maxBackoffNs, maxInUnschedulableNs, popFromBackoffQ, queueingHints);
    }

    public SchedulingQueueConfig withMaxBackoffNs(final long v)
    {
        return new SchedulingQueueConfig(initialBackoffNs, v, maxInUnschedulableNs, popFromBackoffQ, queueingHints);
    }

    public SchedulingQueueConfig withMaxInUnschedulableNs(final long v)
    {
        return new SchedulingQueueConfig(initialBackoffNs, maxBackoffNs, v, popFromBackoffQ, queueingHints);
    }

    public SchedulingQueueConfig withPopFromBackoffQ(final boolean v)
    {
        return new SchedulingQueueConfig(initialBackoffNs, maxBackoffNs, maxInUnschedulableNs, v, queueingHints);
    }

    public SchedulingQueueConfig withQueueingHints(final boolean v)
    {
        return new SchedulingQueueConfig(initialBackoffNs, maxBackoffNs, maxInUnschedulableNs, popFromBackoffQ, v);
    }

    /**
     * kube's {@code calculateBackoffDuration}: 0 before any attempt, else {@code initial * 2^(attempts-1)} capped
     * at the maximum, doubled by addition so that it cannot overflow.
     */
    public long backoffNs(final int attempts)
    {
        if (attempts <= 0)
        {
            return 0;
        }
        long duration = initialBackoffNs;
        for (int i = 1; i < attempts; i++)
        {
            if (duration > maxBackoffNs - duration)
            {
                return maxBackoffNs;
            }
            duration += duration;
        }
        return duration;
    }
}
