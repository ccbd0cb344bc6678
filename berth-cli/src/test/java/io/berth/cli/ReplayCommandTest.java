package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.perf.replay.ReplayReport;
import io.berth.perf.replay.report.HtmlReport;
import io.berth.perf.replay.report.JsonReport;

class ReplayCommandTest
{
    private static final String CLUSTER = "../docs/examples/cluster.yaml";
    private static final String MOST = "../docs/examples/profile-mostallocated.yaml";
    private static final String GPU = "../docs/examples/profile-gpu-fragmentation.yaml";
    private static final String NODES = "sn,cpu_milli,memory_mib,gpu,model\nn1,32000,131072,2,V100\nn2,16000,65536,0,\n";
    private static final String PODS_HEADER =
        "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n";

    record Run(int exit, String out, String err)
    {
    }

    private static Run berth(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = BerthCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void clusterFileReplaysUnderEveryProfileAsJson() throws Exception
    {
        final Run run = berth("replay", "--trace", CLUSTER, "--profile", MOST, "--profile", GPU, "--json",
            "--no-progress");
        assertThat(run.exit()).as(run.err()).isZero();
        final ReplayReport report = JsonReport.read(run.out());
        assertThat(report.results()).extracting(r -> r.profile())
            .as("a file with several profiles gives each, named file/schedulerName")
            .containsExactly("profile-mostallocated", "profile-gpu-fragmentation/gpu-packing",
                "profile-gpu-fragmentation/gpu-fragmentation");
        assertThat(report.pods()).isPositive();
        for (final var r : report.results())
        {
            assertThat(r.podsPlaced() + r.neverPlaced()).isEqualTo(r.podsCreated());
        }
        final JsonNode root = new ObjectMapper().readTree(run.out());
        final List<String> names = new ArrayList<>();
        root.fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactly("trace", "nodes", "events", "pods", "traceErrors", "errors", "speed", "results");
    }

    @Test
    void openbTraceWithABadLineReportsItAndReplaysTheRest(@TempDir final Path dir) throws Exception
    {
        final Path nodes = Files.writeString(dir.resolve("nodes.csv"), NODES);
        final Path pods = Files.writeString(dir.resolve("pods.csv"), PODS_HEADER +
            "p1,1000,1024,1,300,,LS,Running,0,100,0\n" +
            "p2,lots,1024,0,0,,LS,Running,5,100,5\n" +
            "p3,2000,2048,0,0,,BE,Running,10,60,10\n");
        final Path html = dir.resolve("report.html");
        final Run run = berth("replay", "--trace", "openb:" + nodes + "," + pods, "--html", html.toString(),
            "--no-progress");

        assertThat(run.exit()).as("lines were skipped").isEqualTo(1);
        assertThat(run.err()).contains("pods.csv:3:", "berth: 1 trace line skipped, see above; replaying the rest");
        assertThat(run.out()).contains("trace openb:pods: 2 nodes, 2 events, 2 pods, 1 trace errors", "default",
            "pods placed", "HTML report: " + html);
        final String page = Files.readString(html);
        assertThat(page).contains("id=\"" + HtmlReport.CPU + "\"", "id=\"" + HtmlReport.GPU + "\"",
            "id=\"" + HtmlReport.GPU_FRAGMENTATION + "\"", "pods.csv:3:");
        // offline: no URL outside the inlined charting library's own text
        final int library = page.indexOf("<script id=\"" + HtmlReport.LIBRARY_SCRIPT_ID + "\">");
        assertThat(library).isPositive();
        final String rest = page.substring(0, library) + page.substring(page.indexOf("</script>", library));
        assertThat(rest).doesNotContain("http:", "https:", "//cdn");
    }

    @Test
    void syntheticTracesReplayInScaledTimeToo()
    {
        final Run run = berth("replay", "--trace", "synthetic:nodes=20,pods=100,seed=3,ratePerS=1000,meanRunMs=1000",
            "--speed", "1000", "--json", "--no-progress", "--parallel", "--profile", MOST, "--profile", MOST);
        assertThat(run.exit()).as(run.err()).isZero();
        final ReplayReport report = JsonReport.read(run.out());
        assertThat(report.speed()).isEqualTo(1000);
        assertThat(report.results()).extracting(r -> r.profile())
            .containsExactly("profile-mostallocated", "profile-mostallocated#2");
        assertThat(report.results().get(0).podsPlaced()).isEqualTo(report.results().get(1).podsPlaced());
    }

    @Test
    void badOptionsAreOneLineErrors()
    {
        final Run speed = berth("replay", "--trace", CLUSTER, "--speed", "fast");
        assertThat(speed.exit()).isEqualTo(1);
        assertThat(speed.err()).startsWith("berth: --speed: expected max or a positive number, got \"fast\"");
        final Run openb = berth("replay", "--trace", "openb:only-one.csv");
        assertThat(openb.exit()).isEqualTo(1);
        assertThat(openb.err()).contains("expected openb:NODES.csv,PODS.csv");
        final Run missing = berth("replay", "--trace", "no-such-file.yaml");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("berth: no-such-file.yaml: no such file");
    }
}
