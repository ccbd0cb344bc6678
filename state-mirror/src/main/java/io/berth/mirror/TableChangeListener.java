package io.berth.mirror;

import io.berth.sched.model.PodObject;

/**
 * Told by {@link MirrorTables} on the applier's thread, right after each change is in the tables, what a scheduling
 * queue needs to hear. No objects are made to report a change; implementations must not call back into the tables'
 * writing methods.
 */
public interface TableChangeListener
{
    /** Does nothing; the tables' default. */
    TableChangeListener NONE = new TableChangeListener()
    {
    };

    /** A pod without a node that is not terminal appeared or changed ({@code pod.key()} is {@code namespace/name}). */
    default void onPendingPod(final PodObject pod)
    {
    }

    /** A pending pod is pending no more: deleted, corrupt, bound (by anyone) or terminal. */
    default void onPendingPodGone(final String podKey)
    {
    }

    /**
     * A pod accounted on a node (bound, or assumed by the scheduler) was deleted, became corrupt or terminal, or was
     * replaced by a version bound elsewhere or not at all: its node has room again.
     */
    default void onAssignedPodGone(final String podKey)
    {
    }

    /**
     * A pod bound to a node was applied: the watch (or a list) brought a version with {@code spec.nodeName} set, the
     * scheduler's own binding included. Told after the pod is accounted, and after {@link #onPendingPodGone} when it
     * was pending.
     */
    default void onBoundPod(final PodObject pod)
    {
    }

    /** A node was added ({@code added}) or changed. */
    default void onNode(final String nodeName, final boolean added)
    {
    }

    /** A priority class was added, changed or deleted. */
    default void onPriorityClassesChanged()
    {
    }
}
