package io.berth.perf.trace;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/**
 * One event of a trace at virtual time {@code timeMs} (milliseconds from the trace's start). A pod arrival carries
 * how long the pod runs once placed ({@code runMs}, {@link #RUNS_FOREVER} when the trace never deletes it): the
 * replay deletes it {@code runMs} after it is bound, so a pod that waited in the queue still runs its full time.
 */
public record TraceEvent(long timeMs, Kind kind, NodeObject node, PodObject pod, long runMs)
{
    /** {@link #runMs} of a pod that is never deleted. */
    public static final long RUNS_FOREVER = -1;

    /** What happens. */
    public enum Kind
    {
        /** A node joins (or changes, when its name exists). */
        NODE_UPSERT,
        /** A node leaves; its pods are gone with it. */
        NODE_DELETE,
        /** A pod is created pending. */
        POD_CREATE,
        /** A pod is deleted by the trace (whether placed or still pending). */
        POD_DELETE
    }

    public static TraceEvent nodeUpsert(final long timeMs, final NodeObject node)
    {
        return new TraceEvent(timeMs, Kind.NODE_UPSERT, node, null, RUNS_FOREVER);
    }

    public static TraceEvent nodeDelete(final long timeMs, final NodeObject node)
    {
        return new TraceEvent(timeMs, Kind.NODE_DELETE, node, null, RUNS_FOREVER);
    }

    public static TraceEvent podCreate(final long timeMs, final PodObject pod, final long runMs)
    {
        return new TraceEvent(timeMs, Kind.POD_CREATE, null, pod, runMs);
    }

    public static TraceEvent podDelete(final long timeMs, final PodObject pod)
    {
        return new TraceEvent(timeMs, Kind.POD_DELETE, null, pod, RUNS_FOREVER);
    }
}
