package io.berth.perf.replay;

import java.util.List;

/**
 * A trace replayed under one or more profiles. Field names are the JSON report's and stay stable.
 *
 * @param trace       the trace's name.
 * @param nodes       nodes present at time 0.
 * @param events      trace events (after the nodes at time 0).
 * @param pods        pod creations in the trace.
 * @param traceErrors lines of the trace that were skipped.
 * @param errors      the first of them ({@link #MAX_LISTED_ERRORS} at most), as {@code file:line: message}.
 * @param speed       0 for virtual time as fast as possible, else the factor of scaled real time.
 * @param results     one per profile, in the order given.
 */
public record ReplayReport(String trace, int nodes, int events, int pods, int traceErrors, List<String> errors,
    double speed, List<ReplayResult> results)
{
    /** The most trace errors a report lists. */
    public static final int MAX_LISTED_ERRORS = 20;
}
