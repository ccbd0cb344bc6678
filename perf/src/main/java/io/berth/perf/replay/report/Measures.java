package io.berth.perf.replay.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import io.berth.perf.replay.ReplayResult;

/** The quality and speed measures every report shows, one row each, formatted for people. */
final class Measures
{
    /** One row: a label and how to format a result's value. */
    record Row(String label, Function<ReplayResult, String> value)
    {
    }

    private Measures()
    {
    }

    static List<Row> rows()
    {
        final List<Row> rows = new ArrayList<>();
        rows.add(new Row("pods created", r -> count(r.podsCreated())));
        rows.add(new Row("pods placed", r -> count(r.podsPlaced())));
        rows.add(new Row("placed before first failure", r -> count(r.placedBeforeFirstFailure())));
        rows.add(new Row("never placed", r -> count(r.neverPlaced()) + " (" + percent(r.neverPlacedShare()) + ")"));
        rows.add(new Row("pending at end", r -> count(r.pendingAtEnd())));
        rows.add(new Row("schedule attempts", r -> count(r.scheduleAttempts())));
        rows.add(new Row("failed attempts", r -> count(r.failedAttempts())));
        rows.add(new Row("time in failed / all attempts", r -> seconds(r.failedAttemptNs()) + " / " +
            seconds(Math.round(r.latency().meanNs() * r.latency().count()))));
        rows.add(new Row("nodes examined per attempt", r -> r.scheduleAttempts() == 0 ? "-" :
            count(Math.round((double)r.nodesExamined() / r.scheduleAttempts()))));
        rows.add(new Row("pods completed / deleted / lost", r -> count(r.podsCompleted()) + " / " +
            count(r.podsDeletedByTrace()) + " / " + count(r.podsLostWithNodes())));
        rows.add(new Row("cpu allocation at end", r -> percent(r.endAllocation().cpu())));
        rows.add(new Row("memory allocation at end", r -> percent(r.endAllocation().memory())));
        rows.add(new Row("gpu allocation at end", r -> percent(r.endAllocation().gpu())));
        rows.add(new Row("peak cpu / memory / gpu", r -> percent(r.peakAllocation().cpu()) + " / " +
            percent(r.peakAllocation().memory()) + " / " + percent(r.peakAllocation().gpu())));
        rows.add(new Row("gpu fragmentation (milli)", r -> r.gpuFragmentationMilli() == null ? "-" :
            count(r.gpuFragmentationMilli())));
        rows.add(new Row("latency p50 / p99 (µs)", r -> micros(r.latency().p50Ns()) + " / " + micros(r.latency().p99Ns())));
        rows.add(new Row("latency p99.9 / max (µs)", r -> micros(r.latency().p999Ns()) + " / " + micros(r.latency().maxNs())));
        rows.add(new Row("placed per second", r -> count(Math.round(r.placedPerSecond()))));
        rows.add(new Row("virtual time", r -> duration(r.virtualEndMs())));
        rows.add(new Row("wall time", r -> seconds(r.wallNs())));
        return rows;
    }

    static String count(final long v)
    {
        return String.format(Locale.ROOT, "%,d", v);
    }

    static String percent(final Double share)
    {
        return share == null ? "-" : String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    static String seconds(final long ns)
    {
        return String.format(Locale.ROOT, "%.3f s", ns / 1e9);
    }

    static String micros(final long ns)
    {
        return String.format(Locale.ROOT, "%.1f", ns / 1e3);
    }

    /** Virtual time as days, hours, minutes and seconds. */
    static String duration(final long ms)
    {
        final long s = ms / 1000;
        final long d = s / 86_400;
        final long h = s / 3600 % 24;
        final long m = s / 60 % 60;
        final double sec = (ms % 60_000) / 1000.0;
        if (d > 0)
        {
            return String.format(Locale.ROOT, "%dd %02dh %02dm", d, h, m);
        }
        if (h > 0)
        {
            return String.format(Locale.ROOT, "%dh %02dm %02.0fs", h, m, sec);
        }
        return String.format(Locale.ROOT, "%dm %06.3fs", m, sec);
    }
}
