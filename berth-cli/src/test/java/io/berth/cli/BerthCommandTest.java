package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.sched.model.PodObject;

class BerthCommandTest
{
    private static final String CLUSTER = "../docs/examples/cluster.yaml";
    private static final String POD = "../docs/examples/pod.yaml";
    private static final String PODS = "../docs/examples/pods.yaml";
    private static final String PROFILE = "../docs/examples/profile-mostallocated.yaml";
    private static final String MALFORMED = "src/test/resources/malformed-pods.yaml";
    private static final String HUGE = "src/test/resources/huge-pod.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err)
    {
    }

    private static Run berth(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        // as main builds it: only the subcommand named first
        final int exit = BerthCommand.newCommandLine(args.length == 0 ? null : args[0]).setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void aStartBuildsOnlyTheSubcommandItNamesAndAnythingElseGetsThemAll()
    {
        assertThat(BerthCommand.newCommandLine("replay").getSubcommands()).containsOnlyKeys("replay", "help");
        assertThat(BerthCommand.newCommandLine("help").getSubcommands()).hasSize(BerthCommand.SUBCOMMANDS.size());
        assertThat(BerthCommand.newCommandLine("--help").getSubcommands()).hasSize(BerthCommand.SUBCOMMANDS.size());
        assertThat(BerthCommand.newCommandLine("replya").getSubcommands()).hasSize(BerthCommand.SUBCOMMANDS.size());
        assertThat(BerthCommand.newCommandLine(null).getSubcommands()).containsKeys("explain", "schedule", "replay",
            "record", "apply", "get", "delete", "scheduler", "help");
        final Run help = berth("help", "replay");
        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).contains("--trace");
        final Run typo = berth("replya");
        assertThat(typo.exit()).isEqualTo(BerthCommand.EXIT_INPUT_ERROR);
        assertThat(typo.err()).contains("replya");
    }

    private static List<String> fieldNames(final JsonNode node)
    {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // ---------------------------------------------------------------- explain

    @Test
    void explainPrintsKubesDecisionAsJson() throws Exception
    {
        final Run run = berth("explain", "--cluster", CLUSTER, "--pod", POD, "--output", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(1);
        final JsonNode root = JSON.readTree(run.out());
        assertThat(fieldNames(root)).containsExactly("pod", "selected", "nodes");
        assertThat(root.get("pod").asText()).isEqualTo("default/web-1");
        // node-b is the only node in the preferred zone, and the pod tolerates its taint
        assertThat(root.get("selected").asText()).isEqualTo("node-b");

        final JsonNode nodes = root.get("nodes");
        assertThat(nodes).hasSize(4);
        long previous = Long.MAX_VALUE;
        final List<String> names = new ArrayList<>();
        for (final JsonNode n : nodes)
        {
            assertThat(fieldNames(n)).containsExactly("name", "feasible", "reasons", "scores", "total");
            names.add(n.get("name").asText());
            if (n.get("feasible").asBoolean())
            {
                assertThat(n.get("reasons")).isEmpty();
                assertThat(fieldNames(n.get("scores"))).containsExactly("TaintToleration", "NodeAffinity",
                    "NodeResourcesFit", "PodTopologySpread", "InterPodAffinity", "NodeResourcesBalancedAllocation",
                    "ImageLocality");
                final long total = n.get("total").asLong();
                assertThat(total).isLessThanOrEqualTo(previous);
                previous = total;
            }
        }
        assertThat(names.get(0)).isEqualTo("node-b");
        final JsonNode cordoned = nodes.get(3);
        assertThat(cordoned.get("name").asText()).isEqualTo("node-d");
        assertThat(cordoned.get("feasible").asBoolean()).isFalse();
        assertThat(cordoned.get("reasons").get(0).asText()).isEqualTo("node(s) were unschedulable");
        assertThat(cordoned.get("scores")).isEmpty();
        assertThat(cordoned.get("total").isNull()).isTrue();
    }

    @Test
    void thePodToPodProfileSpellsOutTheDefault()
    {
        final Run run = berth("explain", "--cluster", CLUSTER, "--pod", POD, "--profile", "../docs/examples/profile-pod-to-pod.yaml");
        assertThat(run.exit()).as(run.err()).isZero();
        final List<String> lines = run.out().lines().toList();
        assertThat(lines.get(2)).matches("NODE +FEASIBLE +TOTAL +TAINT +AFFINITY +FIT +SPREAD +INTERPOD +BALANCED +IMAGE +REASONS");
    }

    @Test
    void explainPrintsATable()
    {
        final Run run = berth("explain", "--cluster", CLUSTER, "--pod", POD);
        assertThat(run.exit()).as(run.err()).isZero();
        final List<String> lines = run.out().lines().toList();
        assertThat(lines.get(0)).isEqualTo("pod default/web-1 selected node-b (3/4 feasible)");
        assertThat(lines.get(1)).startsWith("weights: TAINT=TaintToleration x3, AFFINITY=NodeAffinity x2");
        assertThat(lines.get(2)).matches("NODE +FEASIBLE +TOTAL +TAINT +AFFINITY +FIT +SPREAD +INTERPOD +BALANCED +IMAGE +REASONS");
        assertThat(lines.get(3)).startsWith("node-b  yes");
        assertThat(lines.get(6)).startsWith("node-d  no").endsWith("node(s) were unschedulable");
        assertThat(lines).hasSize(7);
        // aligned: every row's REASONS column starts where the header's does
        assertThat(lines.get(6).indexOf("node(s)")).isEqualTo(lines.get(2).indexOf("REASONS"));
    }

    @Test
    void explainExplainsEveryPodOfTheFile()
    {
        final Run run = berth("explain", "--cluster", CLUSTER, "--pod", PODS, "-o", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(10);
        final Run table = berth("explain", "--cluster", CLUSTER, "--pod", PODS);
        assertThat(table.out().lines().filter(l -> l.startsWith("pod "))).hasSize(10);

        // a pod that fits nowhere gets kube's FitError line, its reasons sorted as kube sorts the strings
        final Run huge = berth("explain", "--cluster", CLUSTER, "--pod", HUGE);
        assertThat(huge.exit()).isZero();
        assertThat(huge.out().lines().limit(2)).containsExactly(
            "pod batch/huge selected none (0/4 feasible)",
            "0/4 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable, " +
                "2 Insufficient cpu.");
        final Run hugeJson = berth("explain", "--cluster", CLUSTER, "--pod", HUGE, "-o", "json");
        assertThat(hugeJson.out()).startsWith("{\"pod\":\"batch/huge\",\"selected\":null,\"nodes\":[");
    }

    @Test
    void aMissingFileIsAOneLineInputError()
    {
        final Run run = berth("explain", "--cluster", "no-such-cluster.yaml", "--pod", POD);
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).isEqualTo("berth: no-such-cluster.yaml: no such file" + System.lineSeparator());

        final Run pod = berth("explain", "--cluster", CLUSTER, "--pod", "no-such-pod.yaml");
        assertThat(pod.exit()).isEqualTo(1);
        assertThat(pod.err()).startsWith("berth: no-such-pod.yaml: no such file");

        final Run verbose = berth("explain", "--cluster", "no-such-cluster.yaml", "--pod", POD, "--verbose");
        assertThat(verbose.exit()).isEqualTo(1);
        assertThat(verbose.err()).contains("IllegalArgumentException").contains("\tat io.berth.cli.");
    }

    @Test
    void aMalformedPodIsReportedAndTheOthersAreStillUsed() throws Exception
    {
        final Run run = berth("explain", "--cluster", CLUSTER, "--pod", MALFORMED, "-o", "json");
        assertThat(run.exit()).isEqualTo(1);
        final List<String> err = run.err().lines().toList();
        assertThat(err).hasSize(2);
        assertThat(err.get(0)).contains("Pod default/bad").contains("spec.containers[0].resources.requests.cpu")
            .contains("12x");
        assertThat(err.get(1)).isEqualTo("berth: 1 object skipped, see above");
        final JsonNode good = JSON.readTree(run.out());
        assertThat(good.get("pod").asText()).isEqualTo("default/good");
        assertThat(good.get("selected").isNull()).isFalse();
    }

    @Test
    void usageErrorsExitWithOne()
    {
        final Run missing = berth("explain", "--cluster", CLUSTER);
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).startsWith("berth: Missing required option: '--pod=POD.yaml'").contains("berth explain --help");
        assertThat(missing.err().lines()).hasSize(1);

        final Run format = berth("explain", "--cluster", CLUSTER, "--pod", POD, "--output", "xml");
        assertThat(format.exit()).isEqualTo(1);
        assertThat(format.err()).contains("--output");

        final Run nothing = berth("schedule");
        assertThat(nothing.exit()).isEqualTo(1);
        assertThat(nothing.err()).startsWith("berth: give --cluster, --generate or both");

        final Run bare = berth();
        assertThat(bare.exit()).isEqualTo(1);
        assertThat(bare.err()).contains("explain").contains("schedule");

        final Run badSpec = berth("schedule", "--generate", "nodes=10,colour=blue");
        assertThat(badSpec.exit()).isEqualTo(1);
        assertThat(badSpec.err()).startsWith("berth: generator: unknown key \"colour\"");
        assertThat(badSpec.err().lines()).hasSize(1);

        final Run version = berth("--version");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("berth 0.1.0");
    }

    // ---------------------------------------------------------------- schedule

    private static long number(final String summary, final String label)
    {
        final Matcher m = Pattern.compile("(?m)^" + label + " +([0-9,]+)").matcher(summary);
        assertThat(m.find()).as("%s in %s", label, summary).isTrue();
        return Long.parseLong(m.group(1).replace(",", ""));
    }

    @Test
    void scheduleAGeneratedCluster()
    {
        final Run run = berth("schedule", "--generate", "nodes=200,pods=2000,seed=3");
        assertThat(run.exit()).as(run.err()).isZero();
        final String out = run.out();
        assertThat(out.lines().findFirst().orElseThrow())
            .isEqualTo("Berth schedule: 200 nodes, 2000 pending pods, profile default-scheduler (vector passes)");
        final long placed = number(out, "placed");
        final long unschedulable = number(out, "unschedulable");
        assertThat(placed + unschedulable).isEqualTo(2000);
        assertThat(placed).isGreaterThan(1500);
        assertThat(number(out, "throughput")).isPositive();
        assertThat(out).containsPattern("(?m)^latency +p50 [0-9.]+ (ns|µs|ms|s)  p90 .*  p99 .*  p99\\.9 .*  max ");
        assertThat(out).containsPattern("(?m)^utilization +cpu [0-9.]+%  memory [0-9.]+%  ephemeral-storage [0-9.]+%  pods [0-9.]+%");
    }

    @Test
    void priorityClassesOrderTheQueueAndGatedPodsWait(@TempDir final Path dir) throws Exception
    {
        final Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, """
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high}
            value: 1000
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: only}
            status: {allocatable: {cpu: "1", memory: 4Gi, pods: "10"}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: early-low, namespace: default, creationTimestamp: "2025-01-01T00:00:00Z"}
            spec: {containers: [{name: c, image: i, resources: {requests: {cpu: "1"}}}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: late-high, namespace: default, creationTimestamp: "2025-01-01T00:00:05Z"}
            spec: {priorityClassName: high, containers: [{name: c, image: i, resources: {requests: {cpu: "1"}}}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: gated, namespace: default}
            spec: {schedulingGates: [{name: example.com/wait}], containers: [{name: c, image: i}]}
            """);
        final Path placements = dir.resolve("placements.json");
        final Run run = berth("schedule", "--cluster", cluster.toString(), "--json", "--output", placements.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        final JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("pendingPods").asInt()).isEqualTo(2);
        assertThat(summary.get("placed").asInt()).isEqualTo(1);
        assertThat(summary.get("gated").asInt()).isEqualTo(1);
        final JsonNode list = JSON.readTree(placements.toFile());
        // the PriorityClass makes the later pod first in the queue: it takes the only cpu
        assertThat(list.get(0).get("pod").asText()).isEqualTo("default/late-high");
        assertThat(list.get(0).get("node").asText()).isEqualTo("only");
        assertThat(list.get(1).get("pod").asText()).isEqualTo("default/early-low");
        assertThat(list.get(1).get("node").isNull()).isTrue();
    }

    @Test
    void aHighPriorityPodPreemptsALowerPriorityOne(@TempDir final Path dir) throws Exception
    {
        final Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, """
            apiVersion: v1
            kind: Node
            metadata: {name: only}
            status: {allocatable: {cpu: "1", memory: 4Gi, pods: "10"}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: running-low, namespace: default}
            spec: {nodeName: only, priority: 10, containers: [{name: c, image: i, resources: {requests: {cpu: 800m}}}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: urgent, namespace: default}
            spec: {priority: 1000, containers: [{name: c, image: i, resources: {requests: {cpu: 500m}}}]}
            """);
        final Run run = berth("schedule", "--cluster", cluster.toString(), "--json");
        assertThat(run.exit()).as(run.err()).isZero();
        final JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("placed").asInt()).isEqualTo(1);
        assertThat(summary.get("preempted")).hasSize(1);
        assertThat(summary.get("preempted").get(0).get("victim").asText()).isEqualTo("default/running-low");
        assertThat(summary.get("preempted").get(0).get("preemptor").asText()).isEqualTo("default/urgent");

        final Run without = berth("schedule", "--cluster", cluster.toString(), "--json", "--no-preemption");
        final JsonNode plain = JSON.readTree(without.out());
        assertThat(plain.get("placed").asInt()).isZero();
        assertThat(plain.get("preempted")).isEmpty();
    }

    @Test
    void explainCountsAPendingPodNominatedToANode(@TempDir final Path dir) throws Exception
    {
        final Path cluster = dir.resolve("cluster.yaml");
        Files.writeString(cluster, """
            apiVersion: v1
            kind: Node
            metadata: {name: free, labels: {kubernetes.io/hostname: free}}
            status: {allocatable: {cpu: "4", memory: 4Gi, pods: "10"}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: busy, labels: {kubernetes.io/hostname: busy}}
            status: {allocatable: {cpu: "4", memory: 4Gi, pods: "10"}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: running, namespace: default}
            spec: {nodeName: busy, containers: [{name: c, image: i, resources: {requests: {cpu: "1"}}}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: preemptor, namespace: default}
            spec: {priority: 100, containers: [{name: c, image: i, resources: {requests: {cpu: "3"}}}]}
            status: {nominatedNodeName: free}
            """);
        final Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, """
            apiVersion: v1
            kind: Pod
            metadata: {name: q, namespace: default}
            spec: {containers: [{name: c, image: i, resources: {requests: {cpu: "2"}}}]}
            """);
        final Run run = berth("explain", "--cluster", cluster.toString(), "--pod", pod.toString(), "-o", "json");
        assertThat(run.exit()).as(run.err()).isZero();
        final JsonNode root = JSON.readTree(run.out());
        assertThat(root.get("selected").asText()).as("free is emptier, but its room is the preemptor's").isEqualTo("busy");
        final JsonNode free = root.get("nodes").get(1);
        assertThat(free.get("name").asText()).isEqualTo("free");
        assertThat(free.get("feasible").asBoolean()).isFalse();
        assertThat(free.get("reasons").toString()).isEqualTo(
            "[\"Insufficient cpu\",\"counting the pods nominated to this node: default/preemptor\"]");
    }

    @Test
    void scheduleSummaryAsJsonAndPlacementsFile(@TempDir final Path dir) throws Exception
    {
        final Path placements = dir.resolve("placements.json");
        final Run run = berth("schedule", "--generate", "nodes=200,pods=2000,seed=3", "--json", "--output", placements.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        final JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("nodes").asInt()).isEqualTo(200);
        assertThat(summary.get("pendingPods").asInt()).isEqualTo(2000);
        final int placed = summary.get("placed").asInt();
        assertThat(placed + summary.get("unschedulable").asInt()).isEqualTo(2000);
        assertThat(summary.get("latencyNanos").get("p50").asLong()).isPositive();
        assertThat(summary.get("utilization").get("cpu").asDouble()).isBetween(0.0, 1.0);
        assertThat(summary.get("passes").asText()).isEqualTo("vector");

        final JsonNode list = JSON.readTree(placements.toFile());
        assertThat(list).hasSize(2000);
        int placedInFile = 0;
        for (final JsonNode p : list)
        {
            assertThat(p.get("pod").asText()).contains("/");
            if (p.get("node").isNull())
            {
                assertThat(fieldNames(p)).containsExactly("pod", "node", "reasons");
                assertThat(p.get("reasons").size()).isPositive();
            }
            else
            {
                assertThat(fieldNames(p)).containsExactly("pod", "node");
                placedInFile++;
            }
        }
        assertThat(placedInFile).isEqualTo(placed);
        assertThat(Files.readAllLines(placements)).hasSize(2002); // "[", one line per pod, "]"
    }

    @Test
    void scalarPassesPlaceEveryPodWhereTheVectorPassesDo(@TempDir final Path dir) throws Exception
    {
        final Path vector = dir.resolve("vector.json");
        final Path scalar = dir.resolve("scalar.json");
        assertThat(berth("schedule", "--generate", "nodes=150,pods=1500,existing=1000,seed=4", "--output", vector.toString()).exit()).isZero();
        final Run run = berth("schedule", "--generate", "nodes=150,pods=1500,existing=1000,seed=4", "--output", scalar.toString(), "--scalar");
        assertThat(run.exit()).isZero();
        assertThat(run.out()).contains("(scalar passes)");
        assertThat(Files.readString(scalar)).isEqualTo(Files.readString(vector));
    }

    @Test
    void scheduleFilesWithAProfile()
    {
        final Run run = berth("schedule", "--cluster", CLUSTER, "--pods", PODS, "--profile", PROFILE);
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Berth schedule: 4 nodes, 10 pending pods, profile bin-packing (vector passes)");
        assertThat(number(run.out(), "placed") + number(run.out(), "unschedulable")).isEqualTo(10);

        final Run wrongName = berth("schedule", "--cluster", CLUSTER, "--profile", PROFILE, "--scheduler-name", "other");
        assertThat(wrongName.exit()).isEqualTo(1);
        assertThat(wrongName.err()).contains("no profile has schedulerName \"other\" (profiles: bin-packing)");
    }

    @Test
    void generatedNodesJoinTheFilesNodes()
    {
        final Run run = berth("schedule", "--cluster", CLUSTER, "--generate", "nodes=50,pods=100,seed=2");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).startsWith("Berth schedule: 54 nodes, 100 pending pods");
    }

    // ---------------------------------------------------------------- helpers

    @Test
    void fitErrorMessagesAreSortedAsKubeSortsThem()
    {
        final Map<String, Integer> reasons = new LinkedHashMap<>();
        reasons.put("Insufficient cpu", 3);
        reasons.put("node(s) had untolerated taint {a: b}", 2);
        reasons.put("node(s) were unschedulable", 10);
        // kube's sort.Strings over "count reason": "10 ..." sorts before "2 ..."
        assertThat(FitErrors.message(15, reasons)).isEqualTo(
            "0/15 nodes are available: 10 node(s) were unschedulable, 2 node(s) had untolerated taint {a: b}, 3 Insufficient cpu.");
        assertThat(FitErrors.message(0, Map.of())).isEqualTo("no nodes available to schedule pods");
    }

    @Test
    void theQueueServesHigherPriorityFirstAndRetriesAfterPreemption(@TempDir final Path dir) throws Exception
    {
        // one node with room for one 600m pod: the high-priority pod created last is served first; the low one
        // then fits nowhere and cannot preempt a higher-priority pod
        final Path cluster = dir.resolve("c.yaml");
        Files.writeString(cluster, """
            apiVersion: v1
            kind: Node
            metadata: {name: only}
            status: {allocatable: {cpu: "1", memory: 1Gi, pods: "10"}}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: early-low, namespace: default, creationTimestamp: "2024-01-01T00:00:00Z"}
            spec: {priority: 1, containers: [{name: c, image: i, resources: {requests: {cpu: 600m}}}]}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: late-high, namespace: default, creationTimestamp: "2024-01-02T00:00:00Z"}
            spec: {priority: 100, containers: [{name: c, image: i, resources: {requests: {cpu: 600m}}}]}
            """);
        final Path out = dir.resolve("placements.json");
        final Run run = berth("schedule", "--cluster", cluster.toString(), "--json", "--output", out.toString());
        assertThat(run.exit()).as(run.err()).isZero();
        final JsonNode summary = JSON.readTree(run.out());
        assertThat(summary.get("placed").asInt()).isEqualTo(1);
        assertThat(summary.get("preempted")).isEmpty();
        assertThat(summary.get("podsPerReason").get("Insufficient cpu").asInt()).isEqualTo(1);
        final JsonNode placements = JSON.readTree(out.toFile());
        assertThat(placements.get(0).get("pod").asText()).isEqualTo("default/late-high");
        assertThat(placements.get(0).get("node").asText()).isEqualTo("only");
        assertThat(placements.get(1).get("pod").asText()).isEqualTo("default/early-low");
        assertThat(placements.get(1).get("node").isNull()).isTrue();
    }

    @Test
    void durationsPickAUnit()
    {
        assertThat(ScheduleCommand.duration(950)).isEqualTo("950 ns");
        assertThat(ScheduleCommand.duration(6_100)).isEqualTo("6.1 µs");
        assertThat(ScheduleCommand.duration(12_500_000)).isEqualTo("12.5 ms");
        assertThat(ScheduleCommand.duration(2_000_000_000)).isEqualTo("2.00 s");
    }
}
