package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.mirror.source.EmbeddedStore;
import io.berth.perf.replay.report.HtmlReport;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.openb.OpenbTraceReader;

class AotTrainingTest
{
    @Test
    void generatedOpenbTraceReadsWithOnlyItsOneBadLine()
    {
        final Trace trace = new OpenbTraceReader().readStrings("training",
            AotTraining.nodeCsv(AotTraining.NODES, AotTraining.SEED), AotTraining.podCsv(AotTraining.PODS, AotTraining.SEED));
        assertThat(trace.nodes()).hasSize(AotTraining.NODES);
        assertThat(trace.events()).hasSize(AotTraining.PODS);
        assertThat(trace.errors()).singleElement().asString().contains("not-a-number");
        assertThat(trace.nodes()).anyMatch(n -> n.labels().containsKey("alibabacloud.com/gpu-card-model"));
    }

    @Test
    void sameSeedSameTrace()
    {
        assertThat(AotTraining.podCsv(50, 9)).isEqualTo(AotTraining.podCsv(50, 9)).isNotEqualTo(AotTraining.podCsv(50, 10));
        assertThat(AotTraining.nodeCsv(50, 9)).isEqualTo(AotTraining.nodeCsv(50, 9));
    }

    @Test
    void trainingRunsEveryCommandAndWritesTheReports(@TempDir final Path dir) throws Exception
    {
        AotTraining.train(dir);
        for (final String page : new String[] { "default.html", "two.html" })
        {
            assertThat(Files.readString(dir.resolve(page))).as(page)
                .contains("id=\"" + HtmlReport.GPU_FRAGMENTATION + "\"", "class=\"" + HtmlReport.OPTION_CLASS + "\"",
                    "<script id=\"" + HtmlReport.LIBRARY_SCRIPT_ID + "\">");
        }
        assertThat(Files.readString(dir.resolve("two.html"))).contains("profiles/gpu-packing", "profiles/gpu-fragmentation");
    }

    @Test
    void schedulerTrainingBindsFromAListThenRestartsFromTheCheckpoint(@TempDir final Path dir)
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final String[] status = AotTraining.schedulerRestart(store, dir.resolve("scheduler.checkpoint"));
            assertThat(status[0]).startsWith("status: pending ").doesNotContain("bound 0,").endsWith("started from a list");
            assertThat(status[1]).contains("bound 0,", "errors 0").endsWith("started from the checkpoint");
        }
        assertThat(dir.resolve("scheduler.checkpoint")).isNotEmptyFile();
    }
}
