package io.berth.perf.replay.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.regex.Pattern;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.intermediate.CommandSequence;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import io.berth.perf.replay.ReplayReport;
import io.berth.perf.replay.ReplayResult;

/**
 * The replay report as one self-contained HTML file, readable offline: no script, no stylesheet or font fetched,
 * no URL at all. Charts are drawn by XChart and inlined as SVG (painted onto VectorGraphics2D as XChart's
 * {@code VectorGraphicsEncoder} does, several charts at once; PNG in a data URI if that fails): allocation of cpu,
 * memory and GPU over time, pending and running pods over time, the scheduling latency histogram, unschedulable
 * reasons, and a per-profile comparison; then the measures as tables. The file is well-formed XML (XHTML syntax),
 * so tools can parse it.
 */
public final class HtmlReport
{
    /** The {@code id} of each chart's {@code figure}, in page order (GPU ones only when the trace has GPUs). */
    public static final String CPU = "chart-cpu";
    public static final String MEMORY = "chart-memory";
    public static final String GPU = "chart-gpu";
    public static final String GPU_FRAGMENTATION = "chart-gpu-fragmentation";
    public static final String PENDING = "chart-pending";
    public static final String RUNNING = "chart-running";
    public static final String LATENCY = "chart-latency";
    public static final String REASONS = "chart-reasons";
    public static final String COMPARISON = "chart-comparison";

    static final int WIDTH = 900;
    static final int HEIGHT = 380;
    static final int TOP_REASONS = 8;
    static final int REASON_LABEL_CHARS = 48;
    /** Most threads drawing charts at once. */
    static final int DRAWING_THREADS = 4;

    private static final Pattern XML_PROLOG = Pattern.compile("<\\?xml[^>]*\\?>|<!DOCTYPE[^>]*>");
    /** Held while VectorGraphics2D writes SVG: it formats numbers with one shared, unsynchronized DecimalFormat. */
    private static final Object SVG_WRITER = new Object();
    private static final Pattern NAMESPACES = Pattern.compile("\\s+xmlns(:\\w+)?=\"[^\"]*\"");

    static
    {
        if (System.getProperty("java.awt.headless") == null)
        {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private HtmlReport()
    {
    }

    /** Writes the report to {@code file}, replacing it. */
    public static void write(final ReplayReport report, final Path file)
    {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            out.write(render(report));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Draws two small throw-away charts (a time series and a bar chart, as the report draws them) to load and
     * compile what drawing needs: Java2D, fonts, XChart, the SVG writer. A cold JVM spends over a second on that for
     * the first report; {@code berth replay --html} runs this on a side thread while the trace is read and replayed,
     * so the report itself starts warm. Never throws: a failure here only means the report pays the cost itself.
     */
    public static void warmUp()
    {
        try
        {
            final XYChart xy = new XYChartBuilder().width(WIDTH).height(HEIGHT).title("warm-up")
                .xAxisTitle("virtual time (hours)").yAxisTitle("%").build();
            style(xy.getStyler());
            xy.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
            xy.getStyler().setXAxisDecimalPattern("#,##0.##");
            final double[] x = new double[64];
            final double[] y = new double[64];
            for (int i = 0; i < x.length; i++)
            {
                x[i] = i * 1.5;
                y[i] = (i * 37 % 100) / 3.0;
            }
            xy.addSeries("a", x, y).setMarker(SeriesMarkers.NONE);
            xy.addSeries("b", x, x).setMarker(SeriesMarkers.NONE);
            final CategoryChart bars = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title("warm-up")
                .xAxisTitle("bucket").yAxisTitle("pods").build();
            style(bars.getStyler());
            bars.addSeries("a", List.of("1", "2", "3"), List.of(3, 1, 2));
            drawAll(List.of(xy, bars), 1);
        }
        catch (final RuntimeException | LinkageError ex)
        {
            // nothing to do: the report draws without the warm-up
        }
    }

    /** The whole page, the charts drawn on as many threads as there are cores (at most {@value #DRAWING_THREADS}). */
    public static String render(final ReplayReport report)
    {
        return render(report, Math.min(DRAWING_THREADS, Runtime.getRuntime().availableProcessors()));
    }

    /** The whole page, the charts painted on up to {@code drawingThreads} threads (1: all on this one). */
    public static String render(final ReplayReport report, final int drawingThreads)
    {
        final List<ReplayResult> results = report.results();
        final StringBuilder html = new StringBuilder(64 << 10);
        final List<PlacedChart> charts = new ArrayList<>();
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Berth replay: ")
            .append(escape(report.trace())).append("</title>\n<style>\n")
            .append("body { font-family: sans-serif; margin: 2em; color: #222; }\n")
            .append("table { border-collapse: collapse; margin: 1em 0; }\n")
            .append("th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }\n")
            .append("th:first-child, td:first-child { text-align: left; }\n")
            .append("figure { margin: 1.5em 0; }\nfigcaption { font-weight: bold; margin-bottom: 0.3em; }\n")
            .append("svg, img { max-width: 100%; height: auto; }\n")
            .append("</style>\n</head>\n<body>\n");
        html.append("<h1>Berth replay: ").append(escape(report.trace())).append("</h1>\n<p>")
            .append(String.format(Locale.ROOT, "%,d nodes at start, %,d events, %,d pods, %,d trace lines skipped; ",
                report.nodes(), report.events(), report.pods(), report.traceErrors()))
            .append(report.speed() == 0 ? "virtual time as fast as possible" : "speed " + report.speed() + "x")
            .append("; profiles: ");
        for (int i = 0; i < results.size(); i++)
        {
            html.append(i == 0 ? "" : ", ").append(escape(results.get(i).profile()));
        }
        html.append(".</p>\n");

        html.append("<h2>Measures</h2>\n");
        measuresTable(html, results);

        html.append("<h2>Allocation over time</h2>\n");
        final String unit = timeUnit(results);
        figure(html, charts, CPU, "CPU allocation (requested / allocatable)",
            timeChart("CPU allocation", unit, "%", results, s -> s.cpu(), 100));
        figure(html, charts, MEMORY, "Memory allocation (requested / allocatable)",
            timeChart("Memory allocation", unit, "%", results, s -> s.memory(), 100));
        if (results.stream().anyMatch(r -> r.series().gpu() != null))
        {
            figure(html, charts, GPU, "GPU allocation (requested / allocatable)",
                timeChart("GPU allocation", unit, "%", results, s -> s.gpu(), 100));
        }
        if (results.stream().anyMatch(r -> r.series().gpuFragmentationMilli() != null))
        {
            figure(html, charts, GPU_FRAGMENTATION, "GPU fragmentation: free GPU milli stranded on partly used devices",
                timeChart("GPU fragmentation", unit, "GPU milli", results, s -> s.gpuFragmentationMilli(), 1));
        }

        html.append("<h2>Queue</h2>\n");
        figure(html, charts, PENDING, "Pending pods", timeChart("Pending pods", unit, "pods", results, s -> s.pending(), 1));
        figure(html, charts, RUNNING, "Running pods", timeChart("Running pods", unit, "pods", results, s -> s.bound(), 1));

        html.append("<h2>Scheduling latency</h2>\n");
        figure(html, charts, LATENCY, "Scheduling latency (wall time per scheduling call, HdrHistogram)", latencyChart(results));
        latencyTable(html, results);

        html.append("<h2>Unschedulable reasons</h2>\n");
        figure(html, charts, REASONS, "Unschedulable reasons (pods whose first failed attempt gave each)", reasonsChart(results));
        reasonsTable(html, results);

        html.append("<h2>Comparison</h2>\n");
        figure(html, charts, COMPARISON, "Per-profile comparison", comparisonChart(results));

        if (!report.errors().isEmpty())
        {
            html.append("<h2>Trace errors</h2>\n<ul>\n");
            for (final String e : report.errors())
            {
                html.append("<li>").append(escape(e)).append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("</body>\n</html>\n");
        return withCharts(html, charts, drawingThreads);
    }

    // ---------------------------------------------------------------- charts

    /** Hours, days or minutes, whichever suits the longest replay. */
    private static String timeUnit(final List<ReplayResult> results)
    {
        long maxMs = 0;
        for (final ReplayResult r : results)
        {
            final List<Long> t = r.series().timeMs();
            if (!t.isEmpty())
            {
                maxMs = Math.max(maxMs, t.getLast());
            }
        }
        if (maxMs >= 3L * 86_400_000)
        {
            return "days";
        }
        if (maxMs >= 3L * 3_600_000)
        {
            return "hours";
        }
        if (maxMs >= 3L * 60_000)
        {
            return "minutes";
        }
        return "seconds";
    }

    private static double msPer(final String unit)
    {
        return switch (unit)
        {
            case "days" -> 86_400_000.0;
            case "hours" -> 3_600_000.0;
            case "minutes" -> 60_000.0;
            default -> 1000.0;
        };
    }

    private static XYChart timeChart(final String title, final String unit, final String yTitle,
        final List<ReplayResult> results, final Function<ReplayResult.Series, List<? extends Number>> values,
        final double scale)
    {
        final XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
            .xAxisTitle("virtual time (" + unit + ")").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisDecimalPattern("#,##0.##");
        final double per = msPer(unit);
        for (final ReplayResult r : results)
        {
            final List<? extends Number> ys = values.apply(r.series());
            if (ys == null || ys.isEmpty())
            {
                continue;
            }
            final double[] x = new double[ys.size()];
            final double[] y = new double[ys.size()];
            for (int i = 0; i < ys.size(); i++)
            {
                x[i] = r.series().timeMs().get(i) / per;
                y[i] = ys.get(i).doubleValue() * scale;
            }
            chart.addSeries(r.profile(), x, y).setMarker(SeriesMarkers.NONE);
        }
        return chart;
    }

    private static CategoryChart latencyChart(final List<ReplayResult> results)
    {
        final TreeMap<Long, long[]> buckets = new TreeMap<>();
        for (int p = 0; p < results.size(); p++)
        {
            for (final ReplayResult.Bucket b : results.get(p).latency().buckets())
            {
                buckets.computeIfAbsent(b.upToNs(), k -> new long[results.size()])[p] += b.count();
            }
        }
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Scheduling latency").xAxisTitle("at most").yAxisTitle("calls").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLabelRotation(45);
        final List<String> labels = new ArrayList<>();
        for (final long bound : buckets.keySet())
        {
            labels.add(nanos(bound + 1)); // HdrHistogram's bounds are 2^k - 1
        }
        if (labels.isEmpty())
        {
            labels.add("none");
        }
        for (int p = 0; p < results.size(); p++)
        {
            final List<Long> counts = new ArrayList<>();
            for (final long[] c : buckets.values())
            {
                counts.add(c[p]);
            }
            if (counts.isEmpty())
            {
                counts.add(0L);
            }
            chart.addSeries(results.get(p).profile(), labels, counts);
        }
        return chart;
    }

    private static CategoryChart reasonsChart(final List<ReplayResult> results)
    {
        final Map<String, Long> totals = new LinkedHashMap<>();
        for (final ReplayResult r : results)
        {
            r.unschedulableReasons().forEach((k, v) -> totals.merge(k, v, Long::sum));
        }
        final List<String> top = totals.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(TOP_REASONS)
            .map(Map.Entry::getKey).toList();
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT + 120)
            .title("Unschedulable reasons").xAxisTitle("reason").yAxisTitle("pods").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLabelRotation(20);
        final List<String> labels = new ArrayList<>();
        for (final String reason : top)
        {
            labels.add(reason.length() > REASON_LABEL_CHARS ? reason.substring(0, REASON_LABEL_CHARS - 1) + "…" : reason);
        }
        if (labels.isEmpty())
        {
            labels.add("no pod was ever unschedulable");
        }
        for (final ReplayResult r : results)
        {
            final List<Long> counts = new ArrayList<>();
            for (final String reason : top)
            {
                counts.add(r.unschedulableReasons().getOrDefault(reason, 0L));
            }
            if (counts.isEmpty())
            {
                counts.add(0L);
            }
            chart.addSeries(r.profile(), labels, counts);
        }
        return chart;
    }

    private static CategoryChart comparisonChart(final List<ReplayResult> results)
    {
        final boolean gpu = results.stream().anyMatch(r -> r.endAllocation().gpu() != null);
        final List<String> labels = new ArrayList<>(List.of("pods placed", "never placed", "placed before 1st failure",
            "cpu at end", "memory at end", "peak cpu"));
        if (gpu)
        {
            labels.add("gpu at end");
            labels.add("peak gpu");
        }
        final CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
            .title("Per-profile comparison").xAxisTitle("measure").yAxisTitle("% (of pods created, or of allocatable)").build();
        style(chart.getStyler());
        for (final ReplayResult r : results)
        {
            final double created = Math.max(1, r.podsCreated());
            final List<Double> values = new ArrayList<>(List.of(100 * r.podsPlaced() / created,
                100 * r.neverPlacedShare(), 100 * r.placedBeforeFirstFailure() / created,
                100 * r.endAllocation().cpu(), 100 * r.endAllocation().memory(), 100 * r.peakAllocation().cpu()));
            if (gpu)
            {
                values.add(100 * orZero(r.endAllocation().gpu()));
                values.add(100 * orZero(r.peakAllocation().gpu()));
            }
            chart.addSeries(r.profile(), labels, values);
        }
        return chart;
    }

    private static double orZero(final Double v)
    {
        return v == null ? 0 : v;
    }

    private static void style(final AxesChartStyler styler)
    {
        // solid grid lines: a dashed stroke becomes one SVG rectangle per dash
        styler.setPlotGridLinesStroke(new BasicStroke(0.5f));
        styler.setPlotGridLinesColor(new Color(220, 220, 220));
        styler.setAxisTickMarksStroke(new BasicStroke(1f));
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setLegendVisible(true);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
    }

    // ---------------------------------------------------------------- tables

    private static void measuresTable(final StringBuilder html, final List<ReplayResult> results)
    {
        html.append("<table id=\"measures\">\n<tr><th>measure</th>");
        for (final ReplayResult r : results)
        {
            html.append("<th>").append(escape(r.profile())).append("</th>");
        }
        html.append("</tr>\n");
        for (final Measures.Row row : Measures.rows())
        {
            html.append("<tr><td>").append(escape(row.label())).append("</td>");
            for (final ReplayResult r : results)
            {
                html.append("<td>").append(escape(row.value().apply(r))).append("</td>");
            }
            html.append("</tr>\n");
        }
        html.append("</table>\n");
    }

    private static void latencyTable(final StringBuilder html, final List<ReplayResult> results)
    {
        html.append("<table id=\"latency\">\n<tr><th>profile</th><th>calls</th><th>p50</th><th>p99</th>")
            .append("<th>p99.9</th><th>max</th><th>mean</th></tr>\n");
        for (final ReplayResult r : results)
        {
            final ReplayResult.Latency l = r.latency();
            html.append("<tr><td>").append(escape(r.profile())).append("</td><td>").append(Measures.count(l.count()))
                .append("</td><td>").append(nanos(l.p50Ns())).append("</td><td>").append(nanos(l.p99Ns()))
                .append("</td><td>").append(nanos(l.p999Ns())).append("</td><td>").append(nanos(l.maxNs()))
                .append("</td><td>").append(nanos(Math.round(l.meanNs()))).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static void reasonsTable(final StringBuilder html, final List<ReplayResult> results)
    {
        html.append("<table id=\"reasons\">\n<tr><th>profile</th><th>reason</th><th>pods at first failure</th>")
            .append("<th>pods pending at end</th></tr>\n");
        for (final ReplayResult r : results)
        {
            final Map<String, Long> all = new LinkedHashMap<>(r.unschedulableReasons());
            r.pendingReasons().keySet().forEach(k -> all.putIfAbsent(k, 0L));
            for (final Map.Entry<String, Long> e : all.entrySet())
            {
                html.append("<tr><td>").append(escape(r.profile())).append("</td><td>").append(escape(e.getKey()))
                    .append("</td><td>").append(Measures.count(e.getValue())).append("</td><td>")
                    .append(Measures.count(r.pendingReasons().getOrDefault(e.getKey(), 0L))).append("</td></tr>\n");
            }
        }
        html.append("</table>\n");
    }

    // ---------------------------------------------------------------- embedding

    /** A chart to draw and insert at {@code offset} of the page text. */
    private record PlacedChart(int offset, Chart<?, ?> chart)
    {
    }

    /** Appends a figure whose chart is drawn later with the others ({@link #withCharts}). */
    private static void figure(final StringBuilder html, final List<PlacedChart> charts, final String id,
        final String caption, final Chart<?, ?> chart)
    {
        html.append("<figure id=\"").append(id).append("\">\n<figcaption>").append(escape(caption))
            .append("</figcaption>\n");
        charts.add(new PlacedChart(html.length(), chart));
        html.append("\n</figure>\n");
    }

    /** The page with every chart drawn (most of the work: XChart through Java2D) and inserted at its place. */
    private static String withCharts(final StringBuilder html, final List<PlacedChart> placed, final int threads)
    {
        final List<Chart<?, ?>> charts = new ArrayList<>(placed.size());
        for (final PlacedChart p : placed)
        {
            charts.add(p.chart());
        }
        final String[] drawn = drawAll(charts, threads);
        int length = html.length();
        for (final String svg : drawn)
        {
            length += svg.length();
        }
        final StringBuilder out = new StringBuilder(length);
        int from = 0;
        for (int i = 0; i < drawn.length; i++)
        {
            out.append(html, from, placed.get(i).offset()).append(drawn[i]);
            from = placed.get(i).offset();
        }
        return out.append(html, from, html.length()).toString();
    }

    /**
     * Each chart {@link #inline inlined}, in order. The painting (Java2D: text layout with fonts, shapes; most of
     * the work) runs on up to {@code drawingThreads} threads; the SVG text is written on this thread, one
     * chart after the other ({@link #SVG_WRITER}).
     */
    static String[] drawAll(final List<Chart<?, ?>> charts, final int drawingThreads)
    {
        final CommandSequence[] painted = new CommandSequence[charts.size()];
        final int threads = Math.min(drawingThreads, charts.size());
        if (threads <= 1)
        {
            for (int i = 0; i < painted.length; i++)
            {
                painted[i] = paintOrNull(charts.get(i));
            }
        }
        else
        {
            paintInParallel(charts, painted, threads);
        }
        final String[] drawn = new String[painted.length];
        for (int i = 0; i < drawn.length; i++)
        {
            drawn[i] = inline(charts.get(i), painted[i]);
        }
        return drawn;
    }

    private static void paintInParallel(final List<Chart<?, ?>> charts, final CommandSequence[] painted, final int threads)
    {
        final ExecutorService pool = Executors.newFixedThreadPool(threads, r ->
        {
            final Thread t = new Thread(r, "berth-html-chart");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<CommandSequence>> futures = new ArrayList<>(charts.size());
            for (final Chart<?, ?> chart : charts)
            {
                futures.add(pool.submit(() -> paintOrNull(chart)));
            }
            for (int i = 0; i < painted.length; i++)
            {
                painted[i] = futures.get(i).get();
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while drawing the charts", ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException re)
            {
                throw re;
            }
            if (ex.getCause() instanceof Error e)
            {
                throw e;
            }
            throw new IllegalStateException("cannot draw a chart: " + ex.getCause(), ex.getCause());
        }
        finally
        {
            pool.shutdownNow();
        }
    }

    /** The chart as inline SVG without XML prolog or namespace declarations, or as a PNG data URI. */
    static String inline(final Chart<?, ?> chart)
    {
        return inline(chart, paintOrNull(chart));
    }

    /** The chart painted as VectorGraphics2D commands (thread-safe: all state is the chart's), or null on failure. */
    private static CommandSequence paintOrNull(final Chart<?, ?> chart)
    {
        try
        {
            final VectorGraphics2D g = new VectorGraphics2D();
            chart.paint(g, chart.getWidth(), chart.getHeight());
            return g.getCommands();
        }
        catch (final LinkageError ex)
        {
            return null;
        }
    }

    /** The painted commands as SVG (one thread at a time, any thread), or the chart as a PNG when they are null or fail. */
    private static String inline(final Chart<?, ?> chart, final CommandSequence painted)
    {
        if (painted != null)
        {
            try
            {
                final ByteArrayOutputStream svg = new ByteArrayOutputStream(64 << 10);
                synchronized (SVG_WRITER)
                {
                    new SVGProcessor().getDocument(painted, new PageSize(0, 0, chart.getWidth(), chart.getHeight()))
                        .writeTo(svg);
                }
                String text = svg.toString(StandardCharsets.UTF_8);
                text = XML_PROLOG.matcher(text).replaceAll("");
                text = NAMESPACES.matcher(text).replaceAll("");
                return text.strip();
            }
            catch (final IOException | LinkageError ex)
            {
                // the PNG below
            }
        }
        try
        {
            final byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            return "<img alt=\"chart\" src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(png) + "\"/>";
        }
        catch (final IOException png)
        {
            throw new UncheckedIOException("cannot draw chart " + chart.getTitle() + ": " + png.getMessage(), png);
        }
    }

    static String nanos(final long ns)
    {
        if (ns < 10_000)
        {
            return ns + " ns";
        }
        if (ns < 10_000_000)
        {
            return String.format(Locale.ROOT, "%.1f µs", ns / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f ms", ns / 1e6);
    }

    static String escape(final String s)
    {
        final StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++)
        {
            final char c = s.charAt(i);
            switch (c)
            {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
