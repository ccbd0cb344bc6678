package io.berth.perf.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.xml.parsers.DocumentBuilderFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import io.berth.perf.replay.report.HtmlReport;
import io.berth.perf.replay.report.JsonReport;
import io.berth.perf.replay.report.TerminalReport;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.ScoringStrategy;

class ReportsTest
{
    private static ReplayReport report;

    @BeforeAll
    static void replay()
    {
        // GPU nodes and pods, more work than fits at once: failures, reasons and waiting pods in every chart
        final var trace = Traces.generated(
            "nodes=30,pods=1500,seed=5,gpuNodeFraction=0.3,gpuPodFraction=0.2,rollout=4", 20, 600_000);
        report = new ReplayDriver(new ReplayContext().samples(50)).replay(trace, List.of(
            ReplayProfile.defaultProfile(),
            new ReplayProfile("most-allocated", Profile.builder().fitStrategy(
                new ScoringStrategy(ScoringStrategy.Type.MostAllocated, null, null)).build())));
        assertThat(report.results().getFirst().failedAttempts()).isPositive();
        assertThat(report.results().getFirst().series().gpu()).isNotNull();
    }

    @Test
    void jsonRoundTripsWithStableFieldNames() throws Exception
    {
        final String json = JsonReport.toJson(report);
        assertThat(JsonReport.read(json)).isEqualTo(report);

        final JsonNode root = new ObjectMapper().readTree(json);
        final List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("trace", "nodes", "events", "pods", "traceErrors", "errors", "speed", "results");
        final List<String> resultNames = new ArrayList<>();
        root.get("results").get(0).fieldNames().forEachRemaining(resultNames::add);
        assertThat(resultNames).containsExactly("profile", "podsCreated", "podsPlaced", "placedBeforeFirstFailure",
            "neverPlaced", "neverPlacedShare", "pendingAtEnd", "scheduleAttempts", "failedAttempts", "failedAttemptNs", "nodesExamined", "podsCompleted",
            "podsDeletedByTrace", "podsLostWithNodes", "duplicateCreates", "virtualEndMs", "wallNs", "placedPerSecond",
            "latency", "unschedulableReasons", "pendingReasons", "endAllocation", "peakAllocation", "gpuFragmentationMilli", "series");
        assertThat(root.get("results").get(1).get("profile").asText()).isEqualTo("most-allocated");
    }

    @Test
    void htmlIsOneOfflineFileWithEveryChartAndItsNumbers(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("report.html");
        HtmlReport.write(report, file);
        final String html = Files.readString(file);
        final Document doc = parse(html);

        // the library once, and no URL anywhere else
        final String library = libraryText(doc);
        assertThat(library).contains("echarts").hasSizeGreaterThan(500_000);
        assertThat(count(html, library.substring(100, 5000))).isEqualTo(1);
        final String withoutLibrary = withoutLibrary(html);
        assertThat(withoutLibrary).doesNotContain("http:", "https:", "//cdn", "<link", "@import", " src=");

        final NodeList figures = doc.getElementsByTagName("figure");
        final List<String> ids = new ArrayList<>();
        final Map<String, JsonNode> options = new LinkedHashMap<>();
        for (int i = 0; i < figures.getLength(); i++)
        {
            final Element figure = (Element)figures.item(i);
            final String id = figure.getAttribute("id");
            ids.add(id);
            final List<Element> plots = children(figure, "div");
            assertThat(plots).as(id).hasSize(1);
            assertThat(plots.getFirst().getAttribute("id")).isEqualTo(id + HtmlReport.PLOT_SUFFIX);
            assertThat(children(figure, "noscript")).as(id).hasSize(1);
            final List<Element> scripts = children(figure, "script");
            assertThat(scripts).as(id).hasSize(1);
            assertThat(scripts.getFirst().getAttribute("type")).isEqualTo("application/json");
            assertThat(scripts.getFirst().getAttribute("class")).isEqualTo(HtmlReport.OPTION_CLASS);
            assertThat(scripts.getFirst().getAttribute("data-plot")).isEqualTo(id + HtmlReport.PLOT_SUFFIX);
            options.put(id, MAPPER.readTree(scripts.getFirst().getTextContent()));
        }
        assertThat(ids).containsExactly(HtmlReport.CPU, HtmlReport.MEMORY, HtmlReport.GPU, HtmlReport.PENDING,
            HtmlReport.RUNNING, HtmlReport.LATENCY, HtmlReport.REASONS, HtmlReport.COMPARISON);
        for (final JsonNode option : options.values())
        {
            assertThat(option.get("tooltip").isObject()).isTrue();
            assertThat(option.get("legend").isObject()).isTrue();
            assertThat(option.get("series").size()).isEqualTo(report.results().size());
        }

        final ReplayResult first = report.results().getFirst();
        final ReplayResult second = report.results().get(1);
        assertTimeSeries(options.get(HtmlReport.CPU), first.series().cpu(), 100, 0.0005);
        assertTimeSeries(options.get(HtmlReport.MEMORY), first.series().memory(), 100, 0.0005);
        assertTimeSeries(options.get(HtmlReport.GPU), first.series().gpu(), 100, 0.0005);
        assertTimeSeries(options.get(HtmlReport.PENDING), first.series().pending(), 1, 0);
        assertTimeSeries(options.get(HtmlReport.RUNNING), first.series().bound(), 1, 0);
        assertThat(options.get(HtmlReport.CPU).get("series").get(1).get("name").asText()).isEqualTo("most-allocated");
        assertThat(options.get(HtmlReport.CPU).get("dataZoom").size()).isPositive();
        final JsonNode running = options.get(HtmlReport.RUNNING).get("series").get(1).get("data");
        for (int i = 0; i < running.size(); i++)
        {
            assertThat(running.get(i).get(1).asInt()).isEqualTo(second.series().bound().get(i));
        }

        // latency: one bar per log2 bucket; each profile's bars add up to its calls
        final JsonNode latency = options.get(HtmlReport.LATENCY);
        assertThat(latency.get("xAxis").get("type").asText()).isEqualTo("category");
        for (int p = 0; p < report.results().size(); p++)
        {
            long calls = 0;
            for (final JsonNode bar : latency.get("series").get(p).get("data"))
            {
                calls += bar.asLong();
            }
            assertThat(calls).isEqualTo(report.results().get(p).latency().count());
            assertThat(latency.get("series").get(p).get("data").size()).isEqualTo(latency.get("xAxis").get("data").size());
        }

        // reasons: horizontal bars, the categories the most frequent reasons, the values each profile's counts
        final JsonNode reasons = options.get(HtmlReport.REASONS);
        assertThat(reasons.get("yAxis").get("type").asText()).isEqualTo("category");
        assertThat(reasons.get("xAxis").get("type").asText()).isEqualTo("value");
        final List<String> categories = new ArrayList<>();
        reasons.get("yAxis").get("data").forEach(n -> categories.add(n.asText()));
        final Map<String, Long> totals = new LinkedHashMap<>();
        report.results().forEach(r -> r.unschedulableReasons().forEach((k, v) -> totals.merge(k, v, Long::sum)));
        final List<String> byPods = new ArrayList<>(totals.keySet());
        byPods.sort(Comparator.comparing((String k) -> -totals.get(k)).thenComparing(Comparator.naturalOrder()));
        assertThat(categories).contains("Insufficient cpu").isEqualTo(byPods.subList(0, Math.min(8, byPods.size())));
        for (int p = 0; p < report.results().size(); p++)
        {
            final JsonNode bars = reasons.get("series").get(p).get("data");
            for (int c = 0; c < categories.size(); c++)
            {
                assertThat(bars.get(c).asLong()).as(categories.get(c))
                    .isEqualTo(report.results().get(p).unschedulableReasons().getOrDefault(categories.get(c), 0L));
            }
        }

        // comparison: one bar group per profile, one bar per measure
        final JsonNode comparison = options.get(HtmlReport.COMPARISON);
        assertThat(comparison.get("xAxis").get("data")).hasSize(8); // with the two GPU measures
        for (int p = 0; p < report.results().size(); p++)
        {
            final ReplayResult r = report.results().get(p);
            final JsonNode bars = comparison.get("series").get(p);
            assertThat(bars.get("name").asText()).isEqualTo(r.profile());
            assertThat(bars.get("data").get(0).asDouble())
                .isCloseTo(100.0 * r.podsPlaced() / r.podsCreated(), within(0.0005));
            assertThat(bars.get("data").get(3).asDouble()).isCloseTo(100 * r.endAllocation().cpu(), within(0.0005));
        }

        assertThat(doc.getElementById("measures")).isNull(); // no DTD: ids are plain attributes
        assertThat(html).contains("<table id=\"measures\">", "<table id=\"latency\">", "<table id=\"reasons\">",
            "most-allocated", "Insufficient cpu");
    }

    @Test
    void aHostileProfileNameOrReasonStaysTextInTheJsonAndTheMarkup() throws Exception
    {
        final String hostile = "</script><script>alert(1)</script>]]><!-- \"quoted\" 'single' & \\ \u2028 \u00e9 \uD83D\uDE80";
        final ReplayResult r = report.results().getFirst();
        final Map<String, Long> reasons = new LinkedHashMap<>(r.unschedulableReasons());
        reasons.put(hostile, 1_000_000L); // the most frequent: charted first
        final ReplayResult renamed = new ReplayResult(hostile, r.podsCreated(), r.podsPlaced(),
            r.placedBeforeFirstFailure(), r.neverPlaced(), r.neverPlacedShare(), r.pendingAtEnd(), r.scheduleAttempts(),
            r.failedAttempts(), r.failedAttemptNs(), r.nodesExamined(), r.podsCompleted(), r.podsDeletedByTrace(), r.podsLostWithNodes(),
            r.duplicateCreates(), r.virtualEndMs(), r.wallNs(), r.placedPerSecond(), r.latency(), reasons,
            r.pendingReasons(), r.endAllocation(), r.peakAllocation(), r.gpuFragmentationMilli(), r.series());
        final ReplayReport hostileReport = new ReplayReport(hostile, report.nodes(), report.events(), report.pods(),
            report.traceErrors(), List.of(hostile), report.speed(), List.of(renamed));

        final String html = HtmlReport.render(hostileReport);
        final Document doc = parse(html); // still well-formed
        assertThat(count(html, "<script")).isEqualTo(count(render(report), "<script"));
        assertThat(withoutLibrary(html)).doesNotContain("alert(1)</script>", "]]><!--");
        assertThat(html).contains("\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)");
        final NodeList scripts = doc.getElementsByTagName("script");
        int options = 0;
        for (int i = 0; i < scripts.getLength(); i++)
        {
            final Element script = (Element)scripts.item(i);
            if (!HtmlReport.OPTION_CLASS.equals(script.getAttribute("class")))
            {
                continue;
            }
            options++;
            final JsonNode option = MAPPER.readTree(script.getTextContent());
            assertThat(option.get("series").get(0).get("name").asText()).isEqualTo(hostile);
            if (script.getAttribute("data-plot").startsWith(HtmlReport.REASONS))
            {
                assertThat(option.get("yAxis").get("data").get(0).asText()).isEqualTo(hostile);
                assertThat(option.get("series").get(0).get("data").get(0).asLong()).isEqualTo(1_000_000L);
            }
        }
        assertThat(options).isEqualTo(8);
        assertThat(doc.getElementsByTagName("title").item(0).getTextContent()).isEqualTo("Berth replay: " + hostile);
        assertThat(doc.getElementsByTagName("li").item(0).getTextContent()).isEqualTo(hostile);
    }

    @Test
    void renderingTwiceGivesTheSamePage()
    {
        final String page = HtmlReport.render(report);
        assertThat(HtmlReport.render(report)).isEqualTo(page);
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String render(final ReplayReport r)
    {
        return HtmlReport.render(r);
    }

    private static Document parse(final String html) throws Exception
    {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
    }

    /** The text of the one script with the library's id (CDATA markers gone, as a browser's parser sees it). */
    private static String libraryText(final Document doc)
    {
        final NodeList scripts = doc.getElementsByTagName("script");
        String library = null;
        for (int i = 0; i < scripts.getLength(); i++)
        {
            final Element script = (Element)scripts.item(i);
            if (HtmlReport.LIBRARY_SCRIPT_ID.equals(script.getAttribute("id")))
            {
                assertThat(library).as("one library script").isNull();
                library = script.getTextContent();
            }
        }
        assertThat(library).isNotNull();
        return library;
    }

    /** The page without the library's script element. */
    static String withoutLibrary(final String html)
    {
        final int from = html.indexOf("<script id=\"" + HtmlReport.LIBRARY_SCRIPT_ID + "\">");
        assertThat(from).isNotNegative();
        final int to = html.indexOf("</script>", from);
        return html.substring(0, from) + html.substring(to + "</script>".length());
    }

    private static int count(final String text, final String part)
    {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1))
        {
            n++;
        }
        return n;
    }

    private static List<Element> children(final Element parent, final String tag)
    {
        final List<Element> found = new ArrayList<>();
        for (org.w3c.dom.Node n = parent.getFirstChild(); n != null; n = n.getNextSibling())
        {
            if (n instanceof Element e && e.getTagName().equals(tag))
            {
                found.add(e);
            }
        }
        return found;
    }

    /** The first profile's line: one point per sample, x the sample time in order, y the value times scale. */
    private static void assertTimeSeries(final JsonNode option, final List<? extends Number> values, final double scale,
        final double tolerance)
    {
        final JsonNode data = option.get("series").get(0).get("data");
        assertThat(data.size()).isEqualTo(values.size()).isGreaterThan(10);
        double lastX = -1;
        for (int i = 0; i < data.size(); i++)
        {
            assertThat(data.get(i).get(1).asDouble()).as("point %d", i)
                .isCloseTo(values.get(i).doubleValue() * scale, within(tolerance));
            assertThat(data.get(i).get(0).asDouble()).isGreaterThanOrEqualTo(lastX);
            lastX = data.get(i).get(0).asDouble();
        }
    }

    @Test
    void terminalSummaryIsOneAlignedColumnPerProfile()
    {
        final StringWriter out = new StringWriter();
        TerminalReport.write(report, new PrintWriter(out));
        final List<String> lines = out.toString().lines().toList();
        assertThat(lines.getFirst()).startsWith("trace generated:");
        assertThat(lines.get(1).strip()).matches("default\\s+most-allocated");
        final int width = lines.get(1).length();
        int rows = 0;
        for (final String line : lines.subList(1, lines.size()))
        {
            if (line.startsWith("unschedulable reasons"))
            {
                break;
            }
            assertThat(line).hasSize(width);
            rows++;
        }
        assertThat(rows).isGreaterThan(15);
        assertThat(out.toString()).contains("placed before first failure", "never placed", "latency p50 / p99");
    }
}
