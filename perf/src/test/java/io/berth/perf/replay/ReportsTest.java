package io.berth.perf.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
            "neverPlaced", "neverPlacedShare", "pendingAtEnd", "scheduleAttempts", "failedAttempts", "nodesExamined", "podsCompleted",
            "podsDeletedByTrace", "podsLostWithNodes", "duplicateCreates", "virtualEndMs", "wallNs", "placedPerSecond",
            "latency", "unschedulableReasons", "pendingReasons", "endAllocation", "peakAllocation", "gpuFragmentationMilli", "series");
        assertThat(root.get("results").get(1).get("profile").asText()).isEqualTo("most-allocated");
    }

    @Test
    void htmlIsOneOfflineFileWithEveryChart(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("report.html");
        HtmlReport.write(report, file);
        final String html = Files.readString(file);

        assertThat(html).doesNotContain("http://", "https://", "<script", "<link", "@import");
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        final Document doc = factory.newDocumentBuilder()
            .parse(new ByteArrayInputStream(html.getBytes(StandardCharsets.UTF_8)));
        final NodeList figures = doc.getElementsByTagName("figure");
        final List<String> ids = new ArrayList<>();
        for (int i = 0; i < figures.getLength(); i++)
        {
            final Element figure = (Element)figures.item(i);
            ids.add(figure.getAttribute("id"));
            assertThat(figure.getElementsByTagName("svg").getLength()).as(figure.getAttribute("id")).isEqualTo(1);
            // drawn: paths for axes, lines or bars
            assertThat(figure.getElementsByTagName("path").getLength() + figure.getElementsByTagName("rect").getLength())
                .as(figure.getAttribute("id")).isGreaterThan(5);
        }
        assertThat(ids).containsExactly(HtmlReport.CPU, HtmlReport.MEMORY, HtmlReport.GPU, HtmlReport.PENDING,
            HtmlReport.RUNNING, HtmlReport.LATENCY, HtmlReport.REASONS, HtmlReport.COMPARISON);
        assertThat(doc.getElementById("measures")).isNull(); // no DTD: ids are plain attributes
        assertThat(html).contains("<table id=\"measures\">", "<table id=\"latency\">", "<table id=\"reasons\">",
            "most-allocated", "Insufficient cpu");
    }

    @Test
    void chartsPaintedOnSeveralThreadsGiveTheSamePage()
    {
        final String oneThread = HtmlReport.render(report, 1);
        assertThat(oneThread).contains("<svg").doesNotContain("data:image/png");
        for (int round = 0; round < 2; round++)
        {
            assertThat(HtmlReport.render(report, 4)).isEqualTo(oneThread);
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
