package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.berth.mirror.source.EtcdServer;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyValue;

/** berth apply / get / delete against a real etcd. */
class EtcdCommandsTest
{
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    private static final String CLUSTER = "../docs/examples/cluster.yaml";
    private static final String PODS = "../docs/examples/pods.yaml";
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private String prefix;
    private EtcdSource direct;

    record Run(int exit, String out, String err)
    {
    }

    @BeforeEach
    void isolate()
    {
        prefix = "/cli" + PREFIXES.incrementAndGet() + "/registry";
        direct = new EtcdSource(new EtcdSource.Context().endpoint(ETCD.endpoint()));
        GetCommand.clock = Clock.fixed(Instant.parse("2024-05-02T09:00:01Z"), ZoneOffset.UTC);
    }

    @AfterEach
    void close()
    {
        direct.close();
        GetCommand.clock = Clock.systemUTC();
    }

    private Run berth(final String... args)
    {
        final String[] all = new String[args.length + 4];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--etcd";
        all[args.length + 1] = ETCD.endpoint();
        all[args.length + 2] = "--etcd-prefix";
        all[args.length + 3] = prefix;
        return berthRaw(all);
    }

    private static Run berthRaw(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int exit = BerthCommand.newCommandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
            .execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void applyCreatesThenLeavesUnchangedThenConfigures(@TempDir final Path dir) throws Exception
    {
        final Run created = berth("apply", "-f", CLUSTER);
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out().lines()).containsExactly(
            "node/node-a created", "node/node-b created", "node/node-c created", "node/node-d created",
            "pod/cache/redis-0 created", "pod/ml/trainer-7d9f created", "pod/db/postgres-0 created");

        final KeyValue node = direct.get(prefix + "/minions/node-a");
        final JsonNode stored = new ObjectMapper().readTree(node.value());
        assertThat(stored.path("kind").asText()).isEqualTo("Node");
        assertThat(stored.path("metadata").has("resourceVersion")).isFalse();
        assertThat(stored.path("metadata").path("uid").asText()).isNotEmpty();

        final Run again = berth("apply", "-f", CLUSTER);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out().lines()).hasSize(7).allSatisfy(line -> assertThat(line).endsWith(" unchanged"));
        assertThat(direct.get(prefix + "/minions/node-a").modRevision()).isEqualTo(node.modRevision());

        final Path changed = dir.resolve("node-a.yaml");
        Files.writeString(changed, """
            apiVersion: v1
            kind: Node
            metadata: {name: node-a, labels: {tier: gold}}
            status: {allocatable: {cpu: "4", memory: 8Gi, pods: "110"}}
            """);
        final Run configured = berth("apply", "-f", changed.toString());
        assertThat(configured.out()).isEqualTo("node/node-a configured\n");
        final JsonNode updated = new ObjectMapper().readTree(direct.get(prefix + "/minions/node-a").value());
        assertThat(updated.path("metadata").path("uid").asText()).isEqualTo(stored.path("metadata").path("uid").asText());
        assertThat(updated.path("metadata").path("labels").path("tier").asText()).isEqualTo("gold");
    }

    @Test
    void getPodsWideShowsNodeStatusAndAge()
    {
        assertThat(berth("apply", "-f", CLUSTER, "-f", PODS).exit()).isZero();
        final Run wide = berth("get", "pods", "-A", "-o", "wide");
        assertThat(wide.exit()).as(wide.err()).isZero();
        final List<String> lines = wide.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("NAMESPACE").contains("NAME", "READY", "STATUS", "AGE", "NODE");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("cache").contains("redis-0", "node-a"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("default").contains("tiny", "Pending", "<none>"));
        // tiny was created at 08:00:01, the clock reads 09:00:01
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("tiny").containsPattern("\\s60m\\s"));

        final Run defaultNamespace = berth("get", "pods");
        assertThat(defaultNamespace.out().lines().toList().getFirst()).startsWith("NAME");
        assertThat(defaultNamespace.out()).contains("tiny").doesNotContain("redis-0");

        final Run empty = berth("get", "pods", "-n", "nothing-here");
        assertThat(empty.exit()).isZero();
        assertThat(empty.err()).contains("No resources found in nothing-here namespace.");
    }

    @Test
    void getAsJsonAndYamlCarriesTheModRevisionAsResourceVersion() throws Exception
    {
        assertThat(berth("apply", "-f", CLUSTER).exit()).isZero();
        final long modRevision = direct.get(prefix + "/minions/node-b").modRevision();
        final Run json = berth("get", "nodes", "-o", "json");
        assertThat(json.exit()).as(json.err()).isZero();
        final JsonNode list = new ObjectMapper().readTree(json.out());
        assertThat(list.path("kind").asText()).isEqualTo("List");
        assertThat(list.path("items")).hasSize(4);
        assertThat(list.path("items").get(1).path("metadata").path("name").asText()).isEqualTo("node-b");
        assertThat(list.path("items").get(1).path("metadata").path("resourceVersion").asText())
            .isEqualTo(Long.toString(modRevision));

        final Run yaml = berth("get", "node", "node-b", "-o", "yaml");
        assertThat(yaml.exit()).as(yaml.err()).isZero();
        final JsonNode one = new ObjectMapper(new YAMLFactory()).readTree(yaml.out());
        assertThat(one.path("metadata").path("resourceVersion").asText()).isEqualTo(Long.toString(modRevision));

        final Run table = berth("get", "nodes");
        assertThat(table.out().lines().toList().getFirst()).startsWith("NAME").contains("STATUS", "ROLES", "AGE");
        assertThat(table.out()).containsPattern("node-d\\s+\\S*SchedulingDisabled");
    }

    @Test
    void corruptValuesAreReportedByKeyCountedAndSkipped()
    {
        assertThat(berth("apply", "-f", CLUSTER).exit()).isZero();
        direct.put(prefix + "/minions/broken", "{not json".getBytes(StandardCharsets.UTF_8));
        direct.put(prefix + "/minions/liar", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"liar\"}}".getBytes(StandardCharsets.UTF_8));
        direct.put(prefix + "/minions/negative",
            "{\"kind\":\"Node\",\"metadata\":{\"name\":\"negative\"},\"status\":{\"allocatable\":{\"cpu\":\"-1\"}}}"
                .getBytes(StandardCharsets.UTF_8));
        final Run run = berth("get", "nodes");
        assertThat(run.exit()).isEqualTo(BerthCommand.EXIT_INPUT_ERROR);
        assertThat(run.out().lines()).hasSize(5);
        assertThat(run.err()).contains(
            "berth: skipped " + prefix + "/minions/broken: not JSON",
            "berth: skipped " + prefix + "/minions/liar: expected kind Node",
            "berth: skipped " + prefix + "/minions/negative: status.allocatable.cpu",
            "berth: 3 values could not be read and were skipped");
    }

    @Test
    void deleteByNameAndByFile()
    {
        assertThat(berth("apply", "-f", CLUSTER, "-f", PODS).exit()).isZero();
        final Run one = berth("delete", "pod", "redis-0", "-n", "cache");
        assertThat(one.exit()).as(one.err()).isZero();
        assertThat(one.out()).isEqualTo("pod/cache/redis-0 deleted\n");
        assertThat(direct.get(prefix + "/pods/cache/redis-0")).isNull();

        final Run missing = berth("delete", "pod", "redis-0", "-n", "cache");
        assertThat(missing.exit()).isEqualTo(BerthCommand.EXIT_INPUT_ERROR);
        assertThat(missing.err()).contains("pod/cache/redis-0 not found");

        final Run file = berth("delete", "-f", PODS);
        assertThat(file.exit()).as(file.err()).isZero();
        assertThat(file.out().lines()).hasSize(10).allSatisfy(l -> assertThat(l).startsWith("pod/").endsWith(" deleted"));
        final Run left = berth("get", "pods", "-A");
        assertThat(left.out()).contains("trainer-7d9f", "postgres-0").doesNotContain("tiny");
    }

    @Test
    void applyReportsObjectsItCannotStoreAndAppliesTheRest(@TempDir final Path dir) throws Exception
    {
        final Path file = dir.resolve("mixed.yaml");
        Files.writeString(file, """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: broken, namespace: shop}
            spec: {containers: [{name: c, resources: {requests: {memory: lots}}}]}
            """);
        final Run run = berth("apply", "-f", file.toString());
        assertThat(run.exit()).isEqualTo(BerthCommand.EXIT_INPUT_ERROR);
        assertThat(run.out()).isEqualTo("namespace/shop created\n");
        assertThat(run.err()).contains("ConfigMap settings: kind ConfigMap of v1 is not stored",
            "Pod shop/broken: spec.containers[0].resources.requests.memory", "2 objects not applied");
    }

    @Test
    void noEtcdIsAClearMessageAndExitTwo() throws Exception
    {
        final int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        final Run run = berthRaw("get", "pods", "--etcd", "http://127.0.0.1:" + port);
        assertThat(run.exit()).isEqualTo(EtcdOptions.EXIT_NO_ETCD);
        assertThat(run.err()).startsWith("berth: no etcd at http://127.0.0.1:" + port +
            " \u2014 start one with scripts/etcd start; the single-process commands (berth schedule --cluster FILE) " +
            "use the embedded store");
        assertThat(run.out()).isEmpty();

        final Run scheduler = berthRaw("scheduler", "--once", "--etcd", "http://127.0.0.1:" + port);
        assertThat(scheduler.exit()).isEqualTo(EtcdOptions.EXIT_NO_ETCD);
        assertThat(scheduler.err()).startsWith("berth: no etcd at http://127.0.0.1:" + port);
    }

    @Test
    void schedulerOnceBindsThePendingPodsThatFitAndGetShowsTheirNodes(@TempDir final Path dir) throws Exception
    {
        assertThat(berth("apply", "-f", CLUSTER, "-f", PODS).exit()).isZero();
        final String checkpoint = dir.resolve("scheduler.cm").toString();
        final Run scheduled = berth("scheduler", "--once", "--checkpoint", checkpoint);
        assertThat(scheduled.exit()).as(scheduled.err()).isZero();
        final List<String> bound = scheduled.out().lines().filter(l -> l.contains(" -> ")).toList();
        assertThat(bound).contains("default/tiny -> " + nodeOf("tiny")).allMatch(l -> l.matches("\\S+/\\S+ -> node-[a-d]"));
        assertThat(scheduled.out().lines().toList().getLast()).startsWith("status: ").contains("bound " + bound.size());

        // as many as the single-process scheduler places from the same files
        final Run offline = berthRaw("schedule", "--cluster", CLUSTER, "--pods", PODS, "--json");
        assertThat(offline.exit()).as(offline.err()).isZero();
        assertThat(bound).hasSize(new ObjectMapper().readTree(offline.out()).path("placed").asInt());

        final Run wide = berth("get", "pods", "-A", "-o", "wide");
        assertThat(wide.exit()).as(wide.err()).isZero();
        for (final String line : bound)
        {
            final String pod = line.substring(line.indexOf('/') + 1, line.indexOf(' '));
            final String node = line.substring(line.indexOf("-> ") + 3);
            assertThat(wide.out().lines()).anySatisfy(l -> assertThat(l.split("\\s+")).contains(pod, node));
        }

        // restarted on the checkpoint: nothing left to bind, and it says so
        final Run again = berth("scheduler", "--once", "--checkpoint", checkpoint);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).doesNotContain(" -> ").contains("bound 0").contains("started from the checkpoint");
        assertThat(scheduled.out()).contains("started from a list");
    }

    private String nodeOf(final String pod)
    {
        final KeyValue kv = direct.get(prefix + "/pods/default/" + pod);
        try
        {
            return new ObjectMapper().readTree(kv.value()).path("spec").path("nodeName").asText();
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    @Test
    void unknownResourceIsAUsageError()
    {
        final Run run = berth("get", "deployments");
        assertThat(run.exit()).isEqualTo(BerthCommand.EXIT_INPUT_ERROR);
        assertThat(run.err()).contains("unknown resource \"deployments\"");
    }
}
