package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.berth.mirror.record.EventLogReader;
import io.berth.mirror.record.EventType;
import io.berth.mirror.source.EtcdServer;
import io.berth.mirror.source.EtcdSource;
import io.berth.perf.replay.ReplayContext;
import io.berth.perf.replay.ReplayDriver;
import io.berth.perf.replay.ReplayProfile;
import io.berth.perf.replay.ReplayResult;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.perf.trace.TraceSource;

/** berth record against a real etcd, and its log replayed with berth replay's trace source. */
class RecordCommandTest
{
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    private static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(60);

    private EtcdSource direct;
    private String prefix;

    record Change(boolean delete, String key, long revision)
    {
    }

    @BeforeEach
    void connect()
    {
        direct = new EtcdSource(new EtcdSource.Context().endpoint(ETCD.endpoint()));
        prefix = "/rec" + System.nanoTime() + "/registry";
    }

    @AfterEach
    void close()
    {
        direct.close();
    }

    private static byte[] node(final String name, final boolean unschedulable)
    {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"" + name + "\"}," +
            "\"spec\":{\"unschedulable\":" + unschedulable + "}," +
            "\"status\":{\"allocatable\":{\"cpu\":\"4\",\"memory\":\"8Gi\",\"pods\":\"110\"}}}")
            .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pod(final String name, final String cpu, final String nodeName)
    {
        return ("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name +
            "\",\"namespace\":\"default\"},\"spec\":{" +
            (nodeName == null ? "" : "\"nodeName\":\"" + nodeName + "\",") +
            "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\",\"resources\":{\"requests\":{\"cpu\":\"" + cpu +
            "\",\"memory\":\"256Mi\"}}}]}}").getBytes(StandardCharsets.UTF_8);
    }

    private Change put(final String key, final byte[] value)
    {
        return new Change(false, prefix + key, direct.put(prefix + key, value));
    }

    private Change delete(final String key)
    {
        return new Change(true, prefix + key, direct.delete(prefix + key));
    }

    @Test
    void recordsTheListThenEveryChangeInRevisionOrderAndReplaysIt(@TempDir final Path dir) throws Exception
    {
        put("/minions/n1", node("n1", false));
        put("/minions/n2", node("n2", false));
        put("/minions/n3", node("n3", true));
        put("/pods/default/p1", pod("p1", "500m", null));
        put("/pods/default/p2", pod("p2", "500m", "n1"));
        put("/pods/default/huge", pod("huge", "100", null));
        final int events = 8;

        final Path log = dir.resolve("cluster.berthlog");
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CompletableFuture<Integer> recording = CompletableFuture.supplyAsync(() ->
            BerthCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(
                "record", "-o", log.toString(), "--events", Integer.toString(events), "--duration", "120",
                "--etcd", ETCD.endpoint(), "--etcd-prefix", prefix));
        final long deadline = System.nanoTime() + DEADLINE_NS;
        while (!err.toString().contains("recording every change") && !recording.isDone())
        {
            assertThat(System.nanoTime()).as("recording started; stderr: %s", err).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }

        final List<Change> changes = new ArrayList<>();
        changes.add(put("/minions/n4", node("n4", false)));
        changes.add(put("/pods/default/p3", pod("p3", "500m", null)));
        changes.add(put("/pods/default/p4", pod("p4", "1", null)));
        changes.add(put("/pods/default/p5", pod("p5", "1", "n2")));
        changes.add(put("/pods/default/p3", pod("p3", "500m", "n4")));
        changes.add(delete("/pods/default/huge"));
        changes.add(delete("/minions/n3"));
        changes.add(put("/pods/default/bad", "{not json".getBytes(StandardCharsets.UTF_8)));
        assertThat(changes).hasSize(events);

        assertThat(recording.get(DEADLINE_NS, TimeUnit.NANOSECONDS)).as("exit; stderr: %s", err).isZero();
        assertThat(out.toString()).startsWith("recorded 6 objects and 8 events (6 puts, 2 deletes) to " + log);

        final List<Change> listed = new ArrayList<>();
        final List<Change> watched = new ArrayList<>();
        final EventLogReader.Result result = EventLogReader.read(log, (number, type, nanos, rev, key, value) ->
        {
            final Change c = new Change(type == EventType.DELETE, new String(key, StandardCharsets.UTF_8), rev);
            (type == EventType.LIST_ENTRY ? listed : watched).add(c);
            if (type == EventType.LIST_ENTRY)
            {
                assertThat(nanos).isZero();
            }
        });
        assertThat(result.clean()).isTrue();
        assertThat(result.header().prefix()).isEqualTo(prefix);
        assertThat(listed).extracting(Change::key).containsExactly(prefix + "/minions/n1", prefix + "/minions/n2",
            prefix + "/minions/n3", prefix + "/pods/default/huge", prefix + "/pods/default/p1",
            prefix + "/pods/default/p2");
        assertThat(watched).isEqualTo(changes);

        final Trace trace = TraceSource.open(TraceSource.RECORD + log);
        assertThat(trace.nodes()).extracting(n -> n.name()).containsExactly("n1", "n2", "n3");
        assertThat(trace.events()).extracting(TraceEvent::kind).containsExactly(
            TraceEvent.Kind.POD_CREATE, TraceEvent.Kind.POD_CREATE, TraceEvent.Kind.POD_CREATE, // huge, p1, p2
            TraceEvent.Kind.NODE_UPSERT, TraceEvent.Kind.POD_CREATE, TraceEvent.Kind.POD_CREATE,
            TraceEvent.Kind.POD_CREATE, TraceEvent.Kind.POD_DELETE, TraceEvent.Kind.NODE_DELETE);
        assertThat(trace.events()).filteredOn(e -> e.pod() != null).allMatch(e -> e.pod().nodeName().isEmpty());
        assertThat(trace.errors()).hasSize(1);
        assertThat(trace.errors().getFirst().line()).isEqualTo(14);
        assertThat(trace.errors().getFirst().source()).isEqualTo(log.toString());
        assertThat(trace.errors().getFirst().message()).startsWith(prefix + "/pods/default/bad: ");

        final ReplayResult r = new ReplayDriver(new ReplayContext()).replay(trace, ReplayProfile.defaultProfile());
        assertThat(r.podsCreated()).isEqualTo(6);
        assertThat(r.podsPlaced()).isEqualTo(5); // all but "huge" (100 CPUs), deleted while pending
        assertThat(r.neverPlaced()).isEqualTo(1);
    }

    @Test
    void withoutEtcdItSaysSoAndExitsTwo(@TempDir final Path dir)
    {
        final StringWriter err = new StringWriter();
        final int exit = BerthCommand.newCommandLine().setOut(new PrintWriter(new StringWriter()))
            .setErr(new PrintWriter(err)).execute("record", "-o", dir.resolve("x.log").toString(),
                "--etcd", "http://127.0.0.1:1");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("no etcd at http://127.0.0.1:1");
    }
}
