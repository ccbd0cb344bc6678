package io.berth.perf.trace;

import java.util.List;

/**
 * A workload to replay: the nodes present at time 0, then events ordered by {@link TraceEvent#timeMs} (ties keep
 * file order), and the lines that were skipped. Produced by the trace readers (Alibaba openb CSV, Berth's recorded
 * event log) and the synthetic trace generator.
 */
public record Trace(String name, List<io.berth.sched.model.NodeObject> nodes, List<TraceEvent> events,
    List<TraceError> errors)
{
}
