package io.berth.sched.queue;

import io.berth.sched.model.PodObject;

/**
 * A snapshot of one pod's place in the {@link SchedulingQueue}, like kube's {@code QueuedPodInfo}.
 *
 * @param pod                       the pod as admitted (priority and preemption policy resolved).
 * @param queue                     where it is now.
 * @param priority                  its resolved priority.
 * @param timestampNs               when it was added, or when its last attempt failed: activeQ orders pods of
 *                                  equal priority by it, and backoff counts from it.
 * @param initialAttemptTimestampNs when it first entered activeQ, or {@link #NO_TIME} when it never did.
 * @param attempts                  how many times it was popped for scheduling.
 * @param backoffExpiryNs           when its backoff ends (aligned to a second with popFromBackoffQ), or
 *                                  {@link #NO_TIME} before any attempt.
 * @param unknownPriorityClass      whether it named a PriorityClass that does not exist (given priority 0).
 */
public record QueuedPodInfo(
    PodObject pod,
    Queue queue,
    int priority,
    long timestampNs,
    long initialAttemptTimestampNs,
    int attempts,
    long backoffExpiryNs,
    boolean unknownPriorityClass)
{
    /** Stands for an absent time. */
    public static final long NO_TIME = Long.MIN_VALUE;

    /** The sub-queue a pod is in. */
    public enum Queue
    {
        /** activeQ: ready, ordered by priority then timestamp. */
        ACTIVE,
        /** backoffQ: failed with unschedulable status, waiting out its backoff. */
        BACKOFF,
        /** The error backoffQ: failed with an error, waiting out its backoff; never popped early. */
        ERROR_BACKOFF,
        /** unschedulablePods: failed, waiting for a cluster event or the periodic flush. */
        UNSCHEDULABLE,
        /** Held by scheduling gates (kube keeps these in unschedulablePods too) until an update removes them. */
        GATED,
        /** Popped and being scheduled, until {@code done} or a requeue. */
        IN_FLIGHT
    }
}
