package io.berth.perf.trace.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.mirror.record.EventLogWriter;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.perf.trace.TraceSource;

class RecordedTraceReaderTest
{
    private static byte[] b(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] node(final String name)
    {
        return b("{\"metadata\":{\"name\":\"" + name + "\"},\"status\":{\"allocatable\":{\"cpu\":\"4\"," +
            "\"memory\":\"8Gi\",\"pods\":\"110\"}}}");
    }

    private static byte[] pod(final String name, final String nodeName)
    {
        return b("{\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"ns\"},\"spec\":{" +
            (nodeName == null ? "" : "\"nodeName\":\"" + nodeName + "\",") +
            "\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"1\"}}}]}}");
    }

    @Test
    void eventsAtTheirRecordedTimesAndErrorsByRecordNumber(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("a.log");
        final long[] now = {0};
        try (EventLogWriter w = EventLogWriter.create(file, "/x", 0, () -> now[0]))
        {
            w.listEntry(b("/x/minions/n1"), node("n1"), 2);                  // 1
            w.listEntry(b("/x/namespaces/ns"), b("{}"), 3);                  // 2: ignored kind
            w.listEntry(b("/x/pods/ns/a"), pod("a", "n1"), 4);               // 3
            now[0] = 1_500_000;
            w.put(b("/x/minions/n2"), node("n2"), 5);                        // 4
            now[0] = 2_000_000;
            w.put(b("/x/pods/ns/b"), pod("b", null), 6);                     // 5
            w.put(b("/x/pods/ns/b"), pod("b", "n2"), 7);                     // 6: a later put, ignored
            w.put(b("/x/pods/ns/c"), b("[1,2"), 8);                          // 7: undecodable
            now[0] = 3_000_000;
            w.delete(b("/x/pods/ns/a"), 9);                                  // 8
            w.delete(b("/x/pods/ns/zz"), 10);                                // 9: never recorded
            w.delete(b("/x/minions/n1"), 11);                                // 10
            w.put(b("/x/pods/ns/d"), pod("d", null), 12);                    // 11: cut below
        }
        final byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 3));

        final Trace trace = TraceSource.open("record:" + file);
        assertThat(trace.nodes()).extracting(n -> n.name()).containsExactly("n1");
        assertThat(trace.events()).extracting(e -> e.timeMs() + " " + e.kind() + " " +
            (e.pod() != null ? e.pod().key() + "@" + e.pod().nodeName() : e.node().name())).containsExactly(
            "0 POD_CREATE ns/a@", "1 NODE_UPSERT n2", "2 POD_CREATE ns/b@", "3 POD_DELETE ns/a@",
            "3 NODE_DELETE n1");
        assertThat(trace.events()).filteredOn(e -> e.kind() == TraceEvent.Kind.POD_CREATE)
            .allMatch(e -> e.runMs() == TraceEvent.RUNS_FOREVER);
        assertThat(trace.errors()).extracting(e -> e.line()).containsExactly(7L, 9L, 11L);
        assertThat(trace.errors()).allMatch(e -> e.source().equals(file.toString()));
        assertThat(trace.errors().get(0).message()).startsWith("/x/pods/ns/c: ");
        assertThat(trace.errors().get(1).message()).isEqualTo("/x/pods/ns/zz: delete of a pod never recorded");
        assertThat(trace.errors().get(2).message()).contains("truncated").contains("10 records before it");
    }

    @Test
    void aFileThatIsNotALogIsRefusedInOneLine(@TempDir final Path dir) throws Exception
    {
        final Path file = Files.writeString(dir.resolve("n.log"), "apiVersion: v1\n");
        assertThatThrownBy(() -> TraceSource.open("record:" + file)).isInstanceOf(IllegalArgumentException.class)
            .hasMessage(file + ": not a Berth event log (bad magic)");
        assertThatThrownBy(() -> TraceSource.open("record:")).hasMessageContaining("expected record:FILE");
        assertThatThrownBy(() -> TraceSource.open("record:" + dir.resolve("none")))
            .hasMessageContaining("no such file");
    }
}
