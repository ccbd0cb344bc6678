package io.berth.perf.replay.report;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.berth.perf.replay.ReplayReport;
import io.berth.perf.replay.ReplayResult;

/** The summary for a terminal: one aligned table, a column per profile, then each profile's top reasons. */
public final class TerminalReport
{
    /** Reasons listed per profile. */
    static final int TOP_REASONS = 5;

    private TerminalReport()
    {
    }

    public static void write(final ReplayReport report, final PrintWriter out)
    {
        out.printf(Locale.ROOT, "trace %s: %,d nodes, %,d events, %,d pods, %,d trace errors; speed %s%n",
            report.trace(), report.nodes(), report.events(), report.pods(), report.traceErrors(),
            report.speed() == 0 ? "max (virtual time)" : report.speed() + "x");
        final List<ReplayResult> results = report.results();
        final List<Measures.Row> rows = Measures.rows();
        final List<String[]> table = new ArrayList<>();
        final String[] header = new String[results.size() + 1];
        header[0] = "";
        for (int i = 0; i < results.size(); i++)
        {
            header[i + 1] = results.get(i).profile();
        }
        table.add(header);
        for (final Measures.Row row : rows)
        {
            final String[] line = new String[results.size() + 1];
            line[0] = row.label();
            for (int i = 0; i < results.size(); i++)
            {
                line[i + 1] = row.value().apply(results.get(i));
            }
            table.add(line);
        }
        final int[] widths = new int[header.length];
        for (final String[] line : table)
        {
            for (int c = 0; c < line.length; c++)
            {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        for (final String[] line : table)
        {
            final StringBuilder sb = new StringBuilder();
            sb.append(line[0]).append(" ".repeat(widths[0] - line[0].length()));
            for (int c = 1; c < line.length; c++)
            {
                sb.append("  ").append(" ".repeat(widths[c] - line[c].length())).append(line[c]);
            }
            out.println(sb);
        }
        for (final ReplayResult r : results)
        {
            reasons(out, "unschedulable reasons (" + r.profile() + "), pods at their first failure:", r.unschedulableReasons());
            reasons(out, "still pending (" + r.profile() + "), pods by reason:", r.pendingReasons());
        }
        out.flush();
    }

    private static void reasons(final PrintWriter out, final String title, final Map<String, Long> reasons)
    {
        if (reasons.isEmpty())
        {
            return;
        }
        out.println(title);
        int listed = 0;
        for (final Map.Entry<String, Long> e : reasons.entrySet())
        {
            if (listed++ == TOP_REASONS)
            {
                out.printf(Locale.ROOT, "  ... %d more%n", reasons.size() - TOP_REASONS);
                break;
            }
            out.printf(Locale.ROOT, "  %,12d  %s%n", e.getValue(), e.getKey());
        }
    }
}
