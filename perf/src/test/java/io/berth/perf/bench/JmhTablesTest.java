package io.berth.perf.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JmhTablesTest
{
    private static String resource(final String name) throws IOException
    {
        try (InputStream in = JmhTablesTest.class.getResourceAsStream("/jmh/" + name))
        {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void throughputRowsShowTheMedianIterationTheRangeAndTheParameters() throws IOException
    {
        // three iterations 7873.16, 5318.36, 2103.42 ops/s: the median is the middle one, not JMH's mean (5098)
        final String table = JmhTables.table(resource("podtopod-thrpt.json"));
        assertThat(table).startsWith("| benchmark | existing | nodes | workload | JMH mode | median |");
        assertThat(table).contains("| PodToPodBenchmark.scheduleOne | 1000 | 5000 | antiAffinity | thrpt | **5,318** | " +
            "2,103 - 7,873 (3) | ops/s |  |");
        assertThat(table).doesNotContain("5,098");
    }

    @Test
    void sampleTimeRowsShowMedianAndP99() throws IOException
    {
        final String table = JmhTables.table(resource("preemption-sample.json"));
        assertThat(table).contains("| sample | 1,303 (p99 19,019) |");
    }

    @Test
    void gcProfilerBytesPerOperationAreShown() throws IOException
    {
        final String table = JmhTables.table(resource("scheduleone-gc.json"));
        assertThat(table).contains("| cache | mode | nodes | seed |");
        final String firstRow = table.lines().skip(2).findFirst().orElseThrow();
        assertThat(firstRow).startsWith("| ScheduleOneBenchmark.").contains("| off | vector | 1000 | 1 | thrpt |");
        assertThat(firstRow).matches(".*\\| ops/s \\| [0-9.,]+ \\|$");
    }

    @Test
    void replacesItsSectionAndKeepsTheRestOfTheDocument()
    {
        final String doc = "# Perf\nintro\n<!-- bench:Passes begin -->\nold table\n<!-- bench:Passes end -->\ntail\n";
        final String out = JmhTables.replaceSection(doc, "Passes", "new table\n");
        assertThat(out).isEqualTo("# Perf\nintro\n<!-- bench:Passes begin -->\nnew table\n<!-- bench:Passes end -->\ntail\n");
        // a new section is appended once under the appendix heading
        final String appended = JmhTables.replaceSection(out, "ScheduleOne", "t1\n");
        final String again = JmhTables.replaceSection(appended, "PodToPod", "t2\n");
        assertThat(again).contains("<!-- bench:Passes begin -->\nnew table\n");
        assertThat(again.split(JmhTables.APPENDIX_HEADING, -1)).hasSize(2);
        assertThat(again).contains("### ScheduleOne\n<!-- bench:ScheduleOne begin -->\nt1\n<!-- bench:ScheduleOne end -->");
        assertThat(again).endsWith("### PodToPod\n<!-- bench:PodToPod begin -->\nt2\n<!-- bench:PodToPod end -->\n");
        assertThatThrownBy(() -> JmhTables.replaceSection("<!-- bench:X begin -->\n", "X", "t"))
            .hasMessageContaining("no end marker");
    }

    @Test
    void commandLineWritesTheDocumentAndRejectsABadFileWithItsName() throws IOException
    {
        final Path dir = Files.createTempDirectory("jmh-tables");
        final Path result = dir.resolve("PodToPod.json");
        Files.writeString(result, resource("podtopod-thrpt.json"));
        final Path doc = dir.resolve("PERFORMANCE.md");
        Files.writeString(doc, "# Perf\n");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = JmhTables.run(new String[] {result.toString(), "--command", "scripts/bench PodToPod",
            "--build", "abc123", "--machine", "2 vCPUs", "--write", doc.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        final String written = Files.readString(doc);
        assertThat(written).contains("<!-- bench:PodToPod begin -->\nWritten by `scripts/bench` on ")
            .contains("`scripts/bench PodToPod`; code abc123; 2 vCPUs.").contains("**5,318**");

        final Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"not\": \"an array\"}");
        final ByteArrayOutputStream err2 = new ByteArrayOutputStream();
        assertThat(JmhTables.run(new String[] {bad.toString()}, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err2, true, StandardCharsets.UTF_8))).isEqualTo(2);
        assertThat(err2.toString(StandardCharsets.UTF_8)).contains("bad.json").contains("not a JMH JSON result");
    }
}
