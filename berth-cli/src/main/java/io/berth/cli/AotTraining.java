package io.berth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import picocli.CommandLine;

/**
 * The training run of the JVM's AOT cache (JEP 483/514/515) that {@code scripts/berth} creates once per build: the
 * launcher runs this class with {@code -XX:AOTCacheOutput=FILE}, the same class path and the same JVM flags as every
 * {@code berth} run, and the JVM stores the classes it loaded and linked and the method profiles it gathered, so
 * later runs start with them instead of loading, linking and profiling again.
 * <p>
 * It runs, in this JVM, what a user runs most: {@code berth replay} of a small generated trace in the openb CSV
 * format (one unreadable line included, so the error path is trained) under the default profile and under a
 * profile file with two GPU-sharing profiles, with the progress bar, the terminal summary, the JSON report and the
 * HTML report; then {@code berth schedule --generate}, a scheduler's cold start and warm restart from its checkpoint
 * (on an embedded store: {@link #schedulerRestart}) and {@code berth explain}. Their output is discarded.
 * Usage: {@code AotTraining WORK_DIR} (created if missing; the files written there are left for the caller to
 * delete).
 */
final class AotTraining
{
    /** Nodes of the generated openb trace. */
    static final int NODES = 60;
    /**
     * Pods of the generated openb trace: enough to go through every path of the replay (waits, retries, deletions),
     * few enough to keep the training short. Only the classes count: with {@code jdk.incubator.vector} on the
     * command line the JVM archives no full module graph, hence no AOT class linking and no method profiles
     * (JDK 25 stores training data only with AOT class linking), so replaying more would only take longer.
     */
    static final int PODS = 800;
    static final long SEED = 5;
    /** Nodes and existing (and as many pending) pods of the scheduler's generated cluster. */
    static final int SCHEDULER_NODES = 40;
    static final int SCHEDULER_PODS = 400;

    private static final String[] MODELS = { "V100M16", "T4", "A10", "P100" };
    private static final String PROFILES = """
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        profiles:
          - schedulerName: gpu-packing
            plugins:
              score:
                enabled:
                  - name: GpuPacking
                    weight: 5
          - schedulerName: gpu-fragmentation
            plugins:
              score:
                enabled:
                  - name: GpuFragmentation
                    weight: 5
                disabled:
                  - name: ImageLocality
            pluginConfig:
              - name: NodeResourcesFit
                args:
                  scoringStrategy:
                    type: MostAllocated
        """;
    private static final String CLUSTER = """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Node
            metadata:
              name: n1
              labels: {kubernetes.io/hostname: n1, topology.kubernetes.io/zone: a}
            status:
              allocatable: {cpu: "8", memory: 32Gi, pods: "110"}
          - apiVersion: v1
            kind: Node
            metadata:
              name: n2
              labels: {kubernetes.io/hostname: n2, topology.kubernetes.io/zone: b}
            spec:
              taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
            status:
              allocatable: {cpu: "16", memory: 64Gi, pods: "110"}
        """;
    private static final String POD = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          namespace: default
          labels: {app: web}
        spec:
          containers:
            - name: app
              image: nginx:1.27
              resources:
                requests: {cpu: 500m, memory: 1Gi}
        """;

    private AotTraining()
    {
    }

    /** Runs the training commands in {@code WORK_DIR}; exit status 0 when each ran, 2 for a usage error. */
    public static void main(final String[] args) throws IOException
    {
        if (args.length != 1)
        {
            System.err.println("usage: AotTraining WORK_DIR");
            System.exit(2);
        }
        train(Path.of(args[0]));
        System.exit(0);
    }

    /**
     * Writes the training inputs to {@code dir} (created if missing) and runs the commands on them.
     *
     * @throws IllegalStateException when a command fails otherwise than by reporting bad input (its status 1)
     */
    static void train(final Path dir) throws IOException
    {
        Files.createDirectories(dir);
        final Path nodes = Files.writeString(dir.resolve("nodes.csv"), nodeCsv(NODES, SEED));
        final Path pods = Files.writeString(dir.resolve("pods.csv"), podCsv(PODS, SEED));
        final Path profiles = Files.writeString(dir.resolve("profiles.yaml"), PROFILES);
        final Path cluster = Files.writeString(dir.resolve("cluster.yaml"), CLUSTER);
        final Path pod = Files.writeString(dir.resolve("pod.yaml"), POD);
        final String trace = "openb:" + nodes + "," + pods;

        run("replay", "--trace", trace, "--html", dir.resolve("default.html").toString(), "--progress");
        run("replay", "--trace", trace, "--profile", profiles.toString(), "--html", dir.resolve("two.html").toString(),
            "--no-progress");
        run("replay", "--trace", trace, "--profile", profiles.toString(), "--json", "--no-progress", "--parallel");
        run("schedule", "--generate", "nodes=100,pods=600,seed=1");
        try (EmbeddedStore store = new EmbeddedStore())
        {
            schedulerRestart(store, dir.resolve("scheduler.checkpoint"));
        }
        run("explain", "--cluster", cluster.toString(), "--pod", pod.toString());
        run("replay", "--help");
    }

    /**
     * {@code berth scheduler --once --checkpoint FILE} twice on one embedded store holding a generated cluster (the
     * command's etcd replaced by the store, whose list/watch/compare-and-swap contract is etcd's): a cold start that
     * lists, binds the pending pods and writes the checkpoint, then a warm restart from it, so that a restarted
     * scheduler finds the mirror's, the ring's and Chronicle Map's classes in the cache. Returns each start's last
     * status line.
     */
    static String[] schedulerRestart(final EmbeddedStore store, final Path checkpoint)
    {
        final KeyLayout layout = KeyLayout.DEFAULT;
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse(
            "nodes=" + SCHEDULER_NODES + ",existing=" + SCHEDULER_PODS + ",pods=" + SCHEDULER_PODS + ",seed=" + SEED));
        final KubeJsonWriter json = new KubeJsonWriter();
        for (final NodeObject node : cluster.nodes())
        {
            store.put(layout.node(node.name()), json.node(node));
        }
        for (final List<PodObject> pods : List.of(cluster.boundPods(), cluster.pendingPods()))
        {
            for (final PodObject pod : pods)
            {
                store.put(layout.pod(pod.namespace(), pod.name()), json.pod(pod));
            }
        }
        final String[] lastLines = new String[2];
        for (int start = 0; start < 2; start++)
        {
            final StringWriter out = new StringWriter();
            final PrintWriter outWriter = new PrintWriter(out);
            final PrintWriter sink = new PrintWriter(Writer.nullWriter());
            final CommandLine line = new CommandLine(new SchedulerCommand()).setOut(outWriter).setErr(sink);
            line.parseArgs("--once", "--checkpoint", checkpoint.toString());
            final SchedulerCommand command = line.getCommand();
            final int status = command.run(store, layout, command.options.loadProfile(sink), null, outWriter, sink);
            if (status != 0)
            {
                throw new IllegalStateException("training run 'berth scheduler --once' (start " + (start + 1) +
                    ") exited " + status);
            }
            final List<String> lines = out.toString().lines().toList();
            lastLines[start] = lines.isEmpty() ? "" : lines.getLast();
        }
        return lastLines;
    }

    private static void run(final String... args)
    {
        final PrintWriter sink = new PrintWriter(Writer.nullWriter());
        final int status = BerthCommand.newCommandLine().setOut(sink).setErr(sink).execute(args);
        if (status > BerthCommand.EXIT_INPUT_ERROR)
        {
            throw new IllegalStateException("training run 'berth " + String.join(" ", args) + "' exited " + status);
        }
    }

    /** {@code sn,cpu_milli,memory_mib,gpu,model}: a third of the nodes without GPUs, the others with 1 to 8. */
    static String nodeCsv(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StringBuilder csv = new StringBuilder(count * 40).append("sn,cpu_milli,memory_mib,gpu,model\n");
        for (int i = 0; i < count; i++)
        {
            final boolean gpu = i % 3 != 0;
            csv.append(String.format(Locale.ROOT, "train-node-%04d,%d,%d,%d,%s%n", i, 16_000 << random.nextInt(3),
                65_536 << random.nextInt(3), gpu ? 1 << random.nextInt(4) : 0, gpu ? MODELS[i % MODELS.length] : ""));
        }
        return csv.toString();
    }

    /**
     * {@code name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,
     * scheduled_time}: cpu-only pods, GPU shares, whole GPUs and a card model now and then, arriving over a few
     * hours and running minutes to hours; one line with a bad number.
     */
    static String podCsv(final int count, final long seed)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final StringBuilder csv = new StringBuilder(count * 80)
            .append("name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,")
            .append("scheduled_time\n");
        long created = 0;
        for (int i = 0; i < count; i++)
        {
            created += random.nextInt(8);
            final int kind = random.nextInt(4);
            final int gpus = kind == 0 ? 0 : kind == 3 ? 1 << random.nextInt(3) : 1;
            final int milli = kind == 0 ? 0 : kind == 3 ? 1000 : 50 * (1 + random.nextInt(19));
            final String spec = kind != 0 && random.nextInt(5) == 0 ? MODELS[random.nextInt(MODELS.length)] : "";
            final long scheduled = created + random.nextInt(3);
            final String deleted = random.nextInt(10) == 0 ? "" : Long.toString(scheduled + 60 + random.nextInt(7_200));
            csv.append(String.format(Locale.ROOT, "train-pod-%05d,%d,%d,%d,%d,%s,%s,Running,%d,%s,%d%n", i,
                500 * (1 + random.nextInt(16)), 1024 * (1 + random.nextInt(32)), gpus, milli, spec,
                random.nextBoolean() ? "LS" : "BE", created, deleted, scheduled));
        }
        csv.append("train-pod-bad,not-a-number,1024,0,0,,LS,Running,0,10,0\n");
        return csv.toString();
    }
}
