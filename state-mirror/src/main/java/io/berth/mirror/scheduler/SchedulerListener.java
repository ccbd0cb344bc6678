package io.berth.mirror.scheduler;

/** Told by the {@link SchedulerAgent}, on its thread, what it wrote to the store. */
public interface SchedulerListener
{
    /** Hears nothing. */
    SchedulerListener NONE = new SchedulerListener()
    {
    };

    /** {@code podKey} ({@code namespace/name}) was bound to {@code nodeName}; the pod's new mod revision. */
    default void onBound(final String podKey, final String nodeName, final long modRevision)
    {
    }

    /** {@code victimKey} on {@code nodeName} was deleted from the store to make room for {@code preemptorKey}. */
    default void onPreempted(final String victimKey, final String nodeName, final String preemptorKey)
    {
    }
}
