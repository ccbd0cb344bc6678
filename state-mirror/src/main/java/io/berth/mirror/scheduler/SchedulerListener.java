package io.berth.mirror.scheduler;

import io.berth.sched.model.PodObject;

/** Told by the {@link SchedulerAgent}, on its thread, what it wrote to the store. */
public interface SchedulerListener
{
    /** Hears nothing. */
    SchedulerListener NONE = new SchedulerListener()
    {
    };

    /**
     * One scheduling cycle ran for {@code pod}: {@code nodeSlot} is the node it was assumed on, or -1 when no node
     * fits (the engine's {@code unschedulableReasons()} then explain why, until the next cycle); {@code cycleNs} is
     * the cycle's time on {@link SchedulerContext#cycleClock()}. Told before the binding or preemption that follows.
     */
    default void onAttempt(final PodObject pod, final int nodeSlot, final long cycleNs)
    {
    }

    /** {@code podKey} ({@code namespace/name}) was bound to {@code nodeName}; the pod's new mod revision. */
    default void onBound(final String podKey, final String nodeName, final long modRevision)
    {
    }

    /** {@code victimKey} on {@code nodeName} was deleted from the store to make room for {@code preemptorKey}. */
    default void onPreempted(final String victimKey, final String nodeName, final String preemptorKey)
    {
    }
}
