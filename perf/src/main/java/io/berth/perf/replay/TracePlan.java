package io.berth.perf.replay;

import java.util.List;

import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;

/**
 * A trace compiled once for every profile's replay, read-only afterwards: the events as an array with their times
 * in nanoseconds, each pod creation numbered (a pod id), each pod deletion resolved to the id of the latest
 * creation of that key before it (-1 when none), and the span over which the time series are sampled.
 */
final class TracePlan
{
    static final long NS_PER_MS = 1_000_000L;

    final Trace trace;
    final TraceEvent[] events;
    final long[] timeNs;
    /** Per event: the pod id of a creation or deletion, else -1. */
    final int[] podIdOfEvent;
    /** Per pod id: how long it runs once bound, in ns, or -1 for ever. */
    final long[] runNs;
    final String[] podKeys;
    final int podCount;
    /** Latest arrival, or arrival plus run time, or event time: the span the samples cover. */
    final long spanNs;
    /** The last event's time: the span when pods are kept for ever. */
    final long eventSpanNs;

    TracePlan(final Trace trace)
    {
        this.trace = trace;
        final List<TraceEvent> list = trace.events();
        final int n = list.size();
        events = list.toArray(new TraceEvent[0]);
        timeNs = new long[n];
        podIdOfEvent = new int[n];
        int pods = 0;
        for (final TraceEvent e : events)
        {
            if (e.kind() == TraceEvent.Kind.POD_CREATE)
            {
                pods++;
            }
        }
        podCount = pods;
        runNs = new long[pods];
        podKeys = new String[pods];
        final ObjectIntHashMap<String> latest = new ObjectIntHashMap<>(Math.max(16, pods));
        long previous = 0;
        long span = 0;
        long eventSpan = 0;
        int id = 0;
        for (int i = 0; i < n; i++)
        {
            final TraceEvent e = events[i];
            if (e.timeMs() < previous)
            {
                throw new IllegalArgumentException("trace " + trace.name() + ": event " + i + " at " + e.timeMs() +
                    " ms comes before the one at " + previous + " ms (events must be in time order)");
            }
            if (e.timeMs() > Long.MAX_VALUE / (4 * NS_PER_MS))
            {
                throw new IllegalArgumentException("trace " + trace.name() + ": event " + i + " time out of range: " + e.timeMs() + " ms");
            }
            previous = e.timeMs();
            timeNs[i] = e.timeMs() * NS_PER_MS;
            span = Math.max(span, timeNs[i]);
            eventSpan = timeNs[i];
            podIdOfEvent[i] = -1;
            switch (e.kind())
            {
                case POD_CREATE ->
                {
                    podIdOfEvent[i] = id;
                    podKeys[id] = e.pod().key();
                    final long run = e.runMs();
                    runNs[id] = run < 0 ? -1 : Math.multiplyExact(Math.min(run, Long.MAX_VALUE / (4 * NS_PER_MS)), NS_PER_MS);
                    if (runNs[id] >= 0)
                    {
                        span = Math.max(span, timeNs[i] + runNs[id]);
                    }
                    latest.put(podKeys[id], id);
                    id++;
                }
                case POD_DELETE -> podIdOfEvent[i] = latest.getIfAbsent(e.pod().key(), -1);
                default ->
                {
                }
            }
        }
        spanNs = Math.max(span, NS_PER_MS);
        eventSpanNs = Math.max(eventSpan, NS_PER_MS);
    }
}
