package io.berth.perf.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a JMH JSON result file ({@code -rf json}) into the Markdown table docs/PERFORMANCE.md keeps, and writes it
 * between the markers of its section there, so that {@code scripts/bench} leaves the document in step with the run.
 * <p>
 * One row per benchmark and parameter set: the <b>median</b> of the measurement iterations (JMH's 50th percentile;
 * for sample-time benchmarks the median and p99 of the samples), the smallest and largest iteration, the unit, and
 * the bytes allocated per operation when the run had {@code -prof gc}. A section is the text between
 * {@code <!-- bench:NAME begin -->} and {@code <!-- bench:NAME end -->}; a missing section is appended under the
 * heading {@value #APPENDIX_HEADING}.
 * <pre>
 * JmhTables RESULT.json [--section NAME] [--command TEXT] [--build TEXT] [--machine TEXT] [--write DOC.md]
 * </pre>
 * Without {@code --write} the section is printed on standard output only.
 */
public final class JmhTables
{
    /** Heading under which new sections are appended. */
    public static final String APPENDIX_HEADING = "## JMH tables written by scripts/bench";

    /** JMH 1.37's name of the gc profiler's bytes per operation (older versions prefixed it with a dot). */
    private static final String GC_NORM = "gc.alloc.rate.norm";

    private JmhTables()
    {
    }

    /**
     * The Markdown table of a JMH JSON result.
     *
     * @throws IllegalArgumentException when the text is not a JMH result array, naming what is missing.
     */
    public static String table(final String jmhJson) throws IOException
    {
        final JsonNode root = new ObjectMapper().readTree(jmhJson);
        if (root == null || !root.isArray())
        {
            throw new IllegalArgumentException("not a JMH JSON result (expected an array of benchmarks)");
        }
        final Set<String> paramNames = new LinkedHashSet<>();
        for (final JsonNode b : root)
        {
            final JsonNode params = b.path("params");
            for (Iterator<String> it = params.fieldNames(); it.hasNext(); )
            {
                paramNames.add(it.next());
            }
        }
        final StringBuilder sb = new StringBuilder();
        sb.append("| benchmark |");
        for (final String p : paramNames)
        {
            sb.append(' ').append(p).append(" |");
        }
        sb.append(" JMH mode | median | min - max (iterations) | unit | B/op |\n|---|");
        for (int i = 0; i < paramNames.size(); i++)
        {
            sb.append("---|");
        }
        sb.append("---|---:|---:|---|---:|\n");
        int row = 0;
        for (final JsonNode b : root)
        {
            row++;
            final String benchmark = text(b, "benchmark", row);
            final JsonNode metric = b.path("primaryMetric");
            if (!metric.isObject())
            {
                throw new IllegalArgumentException("benchmark " + benchmark + ": no primaryMetric");
            }
            final String mode = b.path("mode").asText("?");
            final JsonNode percentiles = metric.path("scorePercentiles");
            sb.append("| ").append(shortName(benchmark)).append(" |");
            for (final String p : paramNames)
            {
                sb.append(' ').append(b.path("params").path(p).asText("")).append(" |");
            }
            sb.append(' ').append(mode).append(" | ");
            if ("sample".equals(mode))
            {
                sb.append(number(percentiles.path("50.0").asDouble(Double.NaN))).append(" (p99 ")
                    .append(number(percentiles.path("99.0").asDouble(Double.NaN))).append(')');
            }
            else
            {
                sb.append("**").append(number(percentiles.path("50.0").asDouble(Double.NaN))).append("**");
            }
            sb.append(" | ").append(iterationRange(metric)).append(" | ")
                .append(metric.path("scoreUnit").asText("?")).append(" | ");
            JsonNode gc = b.path("secondaryMetrics").path(GC_NORM);
            if (!gc.isObject())
            {
                gc = b.path("secondaryMetrics").path("\u00b7" + GC_NORM);
            }
            sb.append(gc.isObject() ? number(gc.path("score").asDouble(Double.NaN)) : "").append(" |\n");
        }
        return sb.toString();
    }

    /** The section's text: a line saying how it was made, then the table. */
    public static String section(
        final String table, final String command, final String build, final String machine)
    {
        return "Written by `scripts/bench` on " + java.time.Instant.now().toString().substring(0, 16) + "Z: `" +
            command + "`; code " + build + "; " + machine + ". Median of the measurement iterations.\n\n" + table;
    }

    /**
     * {@code doc} with the section {@code name} replaced by {@code body} (markers kept), or with the section
     * appended under {@link #APPENDIX_HEADING} when the document has none of that name.
     */
    public static String replaceSection(final String doc, final String name, final String body)
    {
        final String begin = "<!-- bench:" + name + " begin -->";
        final String end = "<!-- bench:" + name + " end -->";
        final String block = begin + "\n" + body + end;
        final int from = doc.indexOf(begin);
        if (from >= 0)
        {
            final int to = doc.indexOf(end, from);
            if (to < 0)
            {
                throw new IllegalArgumentException("section " + name + " has a begin marker and no end marker");
            }
            return doc.substring(0, from) + block + doc.substring(to + end.length());
        }
        final StringBuilder sb = new StringBuilder(doc);
        if (!doc.endsWith("\n"))
        {
            sb.append('\n');
        }
        if (!doc.contains(APPENDIX_HEADING))
        {
            sb.append('\n').append(APPENDIX_HEADING).append("\n");
        }
        return sb.append("\n### ").append(name).append("\n").append(block).append('\n').toString();
    }

    /** Command line: see the class comment. Exit status 2 on a bad file or arguments. */
    public static void main(final String[] args)
    {
        System.exit(run(args, System.out, System.err));
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        if (args.length == 0 || args[0].startsWith("-"))
        {
            err.println("usage: JmhTables RESULT.json [--section NAME] [--command TEXT] [--build TEXT] " +
                "[--machine TEXT] [--write DOC.md]");
            return 2;
        }
        final Path result = Path.of(args[0]);
        String name = result.getFileName().toString().replaceFirst("\\.json$", "");
        String command = "scripts/bench";
        String build = "?";
        String machine = "";
        Path write = null;
        for (int i = 1; i < args.length; i++)
        {
            if (i + 1 >= args.length)
            {
                err.println("JmhTables: " + args[i] + " needs a value");
                return 2;
            }
            final String v = args[++i];
            switch (args[i - 1])
            {
                case "--section" -> name = v;
                case "--command" -> command = v;
                case "--build" -> build = v;
                case "--machine" -> machine = v;
                case "--write" -> write = Path.of(v);
                default ->
                {
                    err.println("JmhTables: unknown option " + args[i - 1]);
                    return 2;
                }
            }
        }
        try
        {
            final String body = section(table(Files.readString(result, StandardCharsets.UTF_8)), command, build,
                machine);
            out.print(body);
            if (write != null)
            {
                final String doc = Files.exists(write) ? Files.readString(write, StandardCharsets.UTF_8) : "";
                Files.writeString(write, replaceSection(doc, name, body), StandardCharsets.UTF_8);
                err.println("JmhTables: wrote section " + name + " of " + write);
            }
            return 0;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            err.println("JmhTables: " + result + ": " + ex.getMessage());
            return 2;
        }
    }

    private static String iterationRange(final JsonNode metric)
    {
        final JsonNode raw = metric.path("rawData");
        final List<Double> values = new ArrayList<>();
        for (final JsonNode fork : raw)
        {
            for (final JsonNode v : fork)
            {
                values.add(v.asDouble());
            }
        }
        if (values.isEmpty())
        {
            final JsonNode p = metric.path("scorePercentiles");
            return number(p.path("0.0").asDouble(Double.NaN)) + " - " + number(p.path("100.0").asDouble(Double.NaN));
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (final double v : values)
        {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        return number(min) + " - " + number(max) + " (" + values.size() + ")";
    }

    private static String text(final JsonNode b, final String field, final int row)
    {
        final JsonNode v = b.get(field);
        if (v == null || !v.isTextual())
        {
            throw new IllegalArgumentException("benchmark #" + row + ": no " + field);
        }
        return v.asText();
    }

    /** {@code io.berth.perf.engine.ScheduleOneBenchmark.schedule} -> {@code ScheduleOneBenchmark.schedule}. */
    static String shortName(final String benchmark)
    {
        final int method = benchmark.lastIndexOf('.');
        final int type = method <= 0 ? -1 : benchmark.lastIndexOf('.', method - 1);
        return type < 0 ? benchmark : benchmark.substring(type + 1);
    }

    static String number(final double v)
    {
        if (Double.isNaN(v))
        {
            return "?";
        }
        if (Math.abs(v) >= 100)
        {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%,.3g", v);
    }
}
