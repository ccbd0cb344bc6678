package io.berth.perf.replay.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.berth.perf.replay.ReplayReport;
import io.berth.perf.replay.ReplayResult;

/**
 * The replay report as one self-contained HTML file, readable offline: nothing is fetched, there is no URL in the
 * page outside the inlined library's own text. The charts are drawn in the browser by Apache ECharts, inlined once
 * ({@link ChartLibrary}); each figure holds its ECharts {@code option} as JSON ({@link ChartOptions}) in a
 * {@code <script type="application/json" class="chart-option">} next to its chart's {@code div}, and a small script
 * at the end draws them all (SVG renderer, tooltips, legends, zoom on the time charts). Charts: allocation of cpu,
 * memory and GPU over time, GPU fragmentation over time, pending and running pods over time, the scheduling latency
 * histogram, unschedulable reasons, and a per-profile comparison; then the measures as tables, which also serve
 * readers without JavaScript. The file is well-formed XML (XHTML syntax, the scripts in CDATA sections), so tools
 * can parse it. No Java2D: rendering is string and JSON building, cheap in a cold JVM.
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

    /** The {@code id} of the {@code <script>} that holds the charting library. */
    public static final String LIBRARY_SCRIPT_ID = "echarts-library";
    /** The {@code class} of each figure's {@code <script type="application/json">} holding its ECharts option. */
    public static final String OPTION_CLASS = "chart-option";
    /** The suffix of a chart container's {@code id}: figure {@code chart-cpu} draws into {@code chart-cpu-plot}. */
    public static final String PLOT_SUFFIX = "-plot";

    static final int WIDTH = 900;
    static final int HEIGHT = 380;

    private static final String NO_SCRIPT = "This chart is drawn by JavaScript (inlined in this file, nothing is " +
        "fetched); without it, the tables hold the numbers.";

    /** Draws every figure: JSON options to ECharts, SVG renderer; a chart that fails shows why in its place. */
    private static final String DRAW_SCRIPT = """
        (function () {
          'use strict';
          var charts = [];
          function formatter(unit) {
            return function format(v) {
              if (Array.isArray(v) && v.length > 0) { return format(v[v.length - 1]); }
              if (typeof v !== 'number') { return v; }
              return (Math.round(v * 1000) / 1000).toLocaleString('en-US') + (unit ? ' ' + unit : '');
            };
          }
          var sources = document.querySelectorAll('script.chart-option');
          for (var i = 0; i < sources.length; i++) {
            var box = document.getElementById(sources[i].getAttribute('data-plot'));
            try {
              var option = JSON.parse(sources[i].textContent);
              option.tooltip.valueFormatter = formatter(sources[i].getAttribute('data-unit'));
              var chart = echarts.init(box, null, { renderer: 'svg' });
              chart.setOption(option);
              charts.push(chart);
            } catch (e) {
              box.textContent = 'chart not drawn: ' + e;
            }
          }
          window.addEventListener('resize', function () {
            for (var j = 0; j < charts.length; j++) { charts[j].resize(); }
          });
        })();
        """;

    private HtmlReport()
    {
    }

    /** Writes the report to {@code file}, replacing it: the page's text as UTF-8, the library's bytes as they are. */
    public static void write(final ReplayReport report, final Path file)
    {
        final Page page = page(report);
        try (OutputStream out = Files.newOutputStream(file))
        {
            out.write(page.head().getBytes(StandardCharsets.UTF_8));
            out.write(ChartLibrary.utf8());
            out.write(page.tail().getBytes(StandardCharsets.UTF_8));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": " + ex.getMessage(), ex);
        }
    }

    /** The whole page, as {@link #write} writes it; the same report always gives the same text. */
    public static String render(final ReplayReport report)
    {
        final Page page = page(report);
        return page.head() + ChartLibrary.text() + page.tail();
    }

    /** The page around the library: {@code head} ends inside the library's script element, {@code tail} ends it. */
    private record Page(String head, String tail)
    {
    }

    private static Page page(final ReplayReport report)
    {
        final List<ReplayResult> results = report.results();
        final StringBuilder html = new StringBuilder(256 << 10);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>Berth replay: ")
            .append(escape(report.trace())).append("</title>\n<style>\n")
            .append("body { font-family: sans-serif; margin: 2em; color: #222; }\n")
            .append("table { border-collapse: collapse; margin: 1em 0; }\n")
            .append("th, td { border: 1px solid #bbb; padding: 0.25em 0.6em; text-align: right; }\n")
            .append("th:first-child, td:first-child { text-align: left; }\n")
            .append("figure { margin: 1.5em 0; }\nfigcaption { font-weight: bold; margin-bottom: 0.3em; }\n")
            .append(".chart { width: 100%; max-width: ").append(WIDTH).append("px; }\n")
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
        final String unit = ChartOptions.timeUnit(results);
        final int pct = ChartOptions.PERCENT_DECIMALS;
        figure(html, CPU, "CPU allocation (requested / allocatable)", HEIGHT, "%",
            ChartOptions.timeChart("CPU allocation", unit, "%", results, ChartOptions.Line.CPU, 100, pct));
        figure(html, MEMORY, "Memory allocation (requested / allocatable)", HEIGHT, "%",
            ChartOptions.timeChart("Memory allocation", unit, "%", results, ChartOptions.Line.MEMORY, 100, pct));
        boolean gpu = false;
        boolean devices = false;
        for (final ReplayResult r : results)
        {
            gpu |= r.series().gpu() != null;
            devices |= r.series().gpuFragmentationMilli() != null;
        }
        if (gpu)
        {
            figure(html, GPU, "GPU allocation (requested / allocatable)", HEIGHT, "%",
                ChartOptions.timeChart("GPU allocation", unit, "%", results, ChartOptions.Line.GPU, 100, pct));
        }
        if (devices)
        {
            figure(html, GPU_FRAGMENTATION, "GPU fragmentation: free GPU milli stranded on partly used devices", HEIGHT,
                "GPU milli", ChartOptions.timeChart("GPU fragmentation", unit, "GPU milli", results,
                    ChartOptions.Line.GPU_FRAGMENTATION, 1, 0));
        }

        html.append("<h2>Queue</h2>\n");
        figure(html, PENDING, "Pending pods", HEIGHT, "pods",
            ChartOptions.timeChart("Pending pods", unit, "pods", results, ChartOptions.Line.PENDING, 1, 0));
        figure(html, RUNNING, "Running pods", HEIGHT, "pods",
            ChartOptions.timeChart("Running pods", unit, "pods", results, ChartOptions.Line.RUNNING, 1, 0));

        html.append("<h2>Scheduling latency</h2>\n");
        figure(html, LATENCY, "Scheduling latency (wall time per scheduling call, HdrHistogram)", HEIGHT, "calls",
            ChartOptions.latencyChart(results));
        latencyTable(html, results);

        html.append("<h2>Unschedulable reasons</h2>\n");
        final List<String> top = ChartOptions.topReasons(results);
        figure(html, REASONS, "Unschedulable reasons (pods whose first failed attempt gave each)",
            reasonsHeight(top.size(), results.size()), "pods", ChartOptions.reasonsChart(results, top));
        reasonsTable(html, results);

        html.append("<h2>Comparison</h2>\n");
        figure(html, COMPARISON, "Per-profile comparison", HEIGHT, "%", ChartOptions.comparisonChart(results));

        if (!report.errors().isEmpty())
        {
            html.append("<h2>Trace errors</h2>\n<ul>\n");
            for (final String e : report.errors())
            {
                html.append("<li>").append(escape(e)).append("</li>\n");
            }
            html.append("</ul>\n");
        }
        html.append("<script id=\"").append(LIBRARY_SCRIPT_ID).append("\">//<![CDATA[\n");
        final String head = html.toString();
        html.setLength(0);
        html.append("\n//]]></script>\n<script>//<![CDATA[\n").append(DRAW_SCRIPT).append("//]]></script>\n")
            .append("</body>\n</html>\n");
        return new Page(head, html.toString());
    }

    /** Room for every reason's bars (one per profile) and a wrapped label, at least {@link #HEIGHT}. */
    static int reasonsHeight(final int reasons, final int profiles)
    {
        return Math.max(HEIGHT, 130 + Math.max(1, reasons) * (24 + 16 * profiles));
    }

    /**
     * A figure: caption, the chart's container, a note for readers without JavaScript, and the chart's ECharts
     * option (JSON escaped by {@link ChartOptions}: no {@code <} or {@code &} in it, so it needs no CDATA).
     */
    private static void figure(final StringBuilder html, final String id, final String caption, final int heightPx,
        final String unit, final String optionJson)
    {
        html.append("<figure id=\"").append(id).append("\">\n<figcaption>").append(escape(caption))
            .append("</figcaption>\n<div class=\"chart\" id=\"").append(id).append(PLOT_SUFFIX)
            .append("\" style=\"height: ").append(heightPx).append("px\"></div>\n<noscript><p>").append(escape(NO_SCRIPT))
            .append("</p></noscript>\n<script type=\"application/json\" class=\"").append(OPTION_CLASS)
            .append("\" data-plot=\"").append(id).append(PLOT_SUFFIX).append("\" data-unit=\"").append(escape(unit))
            .append("\">").append(optionJson).append("</script>\n</figure>\n");
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
            for (final String reason : r.pendingReasons().keySet())
            {
                all.putIfAbsent(reason, 0L);
            }
            for (final Map.Entry<String, Long> e : all.entrySet())
            {
                html.append("<tr><td>").append(escape(r.profile())).append("</td><td>").append(escape(e.getKey()))
                    .append("</td><td>").append(Measures.count(e.getValue())).append("</td><td>")
                    .append(Measures.count(r.pendingReasons().getOrDefault(e.getKey(), 0L))).append("</td></tr>\n");
            }
        }
        html.append("</table>\n");
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

    /** Text for XML content or a quoted attribute; characters XML cannot hold become U+FFFD. */
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
                default ->
                {
                    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' || c == 0xFFFE || c == 0xFFFF)
                    {
                        sb.append('\uFFFD');
                    }
                    else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1)))
                    {
                        sb.append(c).append(s.charAt(++i));
                    }
                    else if (Character.isSurrogate(c))
                    {
                        sb.append('\uFFFD');
                    }
                    else
                    {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
