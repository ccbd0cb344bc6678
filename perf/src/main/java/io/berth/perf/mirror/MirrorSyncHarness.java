package io.berth.perf.mirror;

import io.berth.mirror.Mirror;
import io.berth.mirror.MirrorContext;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.KeyValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 4's sync targets against a real local etcd ({@code scripts/etcd start}): cold sync of a generated cluster
 * (list through the ring into the tables; target ≤ 5 s for 5,000 nodes and 150,000 pods) against a warm restart
 * from the Chronicle Map checkpoint the cold run left (target ≤ 1 s and ≥ 5× faster), in the same run.
 * <pre>
 * java @perf/target/jvm.flags -cp 'perf/target/berth-perf-0.1.0-SNAPSHOT.jar:perf/target/lib/*' \
 *   io.berth.perf.mirror.MirrorSyncHarness [--etcd URL] [--nodes N] [--pods N] [--decoders N] [--dir DIR]
 *   [--page KEYS] [--list-only] [--warm-only] [--cold-only] [--repeat N] [--warm-up EVENTS]
 * </pre>
 * (The protobuf 3 jar first: fenzo's protobuf-java 2.5.0 in perf/target/lib shadows jetcd's, prepend
 * {@code ~/.m2/repository/com/google/protobuf/protobuf-java/3.25.5/protobuf-java-3.25.5.jar}.)
 * The cluster is loaded once under the prefix {@code /berth-perf-<nodes>-<pods>} (64 writes in flight) and reused by
 * later runs (a marker key says it is complete). {@code --list-only} times {@code EtcdSource.list} alone, three times; {@code --warm-only} restarts from the checkpoint
 * an earlier run left, in this fresh JVM (what a restarted scheduler pays: Chronicle's and the decoder's first use).
 * {@code --cold-only} stops after the first cold sync (the one that pays the JIT's warm-up).
 * {@code --warm-up EVENTS} sets the mirror's decoder warm-up ({@link MirrorContext#decoderWarmUpEvents}; 0: none).
 * {@code --repeat N} runs the warm restart N times (the first of {@code --warm-only} in a fresh JVM, the later ones
 * with the JIT warm) and prints their median; each run's tables are collected before the next starts. Each run
 * prints its wall and CPU seconds, the part spent opening and verifying the checkpoint, and the load average.
 * Everything a sync allocates stays live, so size the young generation for it ({@code -Xms4g -Xmn2g} for this
 * cluster): with a small initial heap G1 evacuates the growing tables again at every young collection
 * (docs/PERFORMANCE.md, issue 4).
 */
public final class MirrorSyncHarness
{
    /** Process CPU time: on a shared machine it says how much work a run took when wall time only says who else ran. */
    private static final com.sun.management.OperatingSystemMXBean CPU =
        (com.sun.management.OperatingSystemMXBean)java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** The decoder warm-up of every mirror this run starts ({@code --warm-up}). */
    private static int warmUpEvents = MirrorContext.DECODER_WARM_UP_EVENTS_DEFAULT;

    private MirrorSyncHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        String endpoint = EtcdSource.Context.ENDPOINT_DEFAULT;
        int nodes = 5_000;
        int pods = 150_000;
        int decoders = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() - 1));
        Path dir = Path.of("build", "mirror-harness");
        int pageSize = EtcdSource.Context.LIST_PAGE_SIZE_DEFAULT;
        boolean listOnly = false;
        boolean warmOnly = false;
        boolean coldOnly = false;
        int repeat = 1;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--etcd" -> endpoint = args[++i];
                case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                case "--pods" -> pods = Integer.parseInt(args[++i]);
                case "--decoders" -> decoders = Integer.parseInt(args[++i]);
                case "--dir" -> dir = Path.of(args[++i]);
                case "--page" -> pageSize = Integer.parseInt(args[++i]);
                case "--list-only" -> listOnly = true;
                case "--warm-only" -> warmOnly = true;
                case "--cold-only" -> coldOnly = true;
                case "--repeat" -> repeat = Integer.parseInt(args[++i]);
                case "--warm-up" -> warmUpEvents = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] +
                     " (--etcd URL, --nodes N, --pods N, --decoders N, --dir DIR, --page KEYS, --list-only, --warm-only, " +
                    "--cold-only, --repeat N, --warm-up EVENTS)");
            }
        }
        final KeyLayout layout = new KeyLayout("/berth-perf-" + nodes + "-" + pods);
        Files.createDirectories(dir);
        final Path checkpoint = dir.resolve("mirror-" + nodes + "-" + pods + ".cm");
        if (!warmOnly)
        {
            Files.deleteIfExists(checkpoint);
        }
        else if (!Files.exists(checkpoint))
        {
            throw new IllegalStateException("--warm-only needs the checkpoint an earlier run left: " + checkpoint);
        }

        try (EtcdSource source = new EtcdSource(new EtcdSource.Context().endpoint(endpoint).listPageSize(pageSize)))
        {
            load(source, layout, nodes, pods);
            if (listOnly)
            {
                for (int run = 0; run < 3; run++)
                {
                    final long[] counts = new long[2];
                    final long start = System.nanoTime();
                    source.list(layout.root(), (key, value, modRevision) ->
                    {
                        counts[0]++;
                        counts[1] += value.length;
                    });
                    System.out.printf("list of %d keys (%.1f MB) in pages of %d: %.3f s%n", counts[0], counts[1] / 1e6,
                        pageSize, (System.nanoTime() - start) / 1e9);
                }
                return;
            }
            final long revision = source.currentRevision();
            if (warmOnly)
            {
                final double warmS = sync(source, layout, checkpoint, decoders, revision,
                    "warm, fresh JVM", nodes, pods);
                System.out.printf("%d nodes + %d pods, %d decoders: warm restart in a fresh JVM %.2f s; target <= 1 s%n",
                    nodes, pods, decoders, warmS);
                if (repeat > 1)
                {
                    final double medianS = warmRepeats(source, layout, checkpoint, decoders, revision, nodes, pods,
                        repeat - 1);
                    System.out.printf("warm restart, JIT warm: median %.3f s of %d%n", medianS, repeat - 1);
                }
                return;
            }

            final double coldNoCheckpointS = sync(source, layout, null, decoders, revision, "cold, no checkpoint", nodes, pods);
            if (coldOnly)
            {
                return;
            }
            final double coldS = sync(source, layout, checkpoint, decoders, revision, "cold, writing the checkpoint", nodes, pods);
            final double warmS = repeat > 1 ?
                warmRepeats(source, layout, checkpoint, decoders, revision, nodes, pods, repeat) :
                sync(source, layout, checkpoint, decoders, revision, "warm, from the checkpoint", nodes, pods);
            System.out.printf("%d nodes + %d pods, %d decoders, decoder warm-up %d: cold %.2f s (%.2f s without " +
                "checkpoint), warm %.2f s, %.1fx faster; targets: cold <= 5 s, warm <= 1 s and >= 5x%n",
                nodes, pods, decoders, warmUpEvents, coldS, coldNoCheckpointS, warmS, coldS / warmS);
        }
    }

    /** The median wall seconds of {@code runs} warm restarts. */
    private static double warmRepeats(
        final EtcdSource source, final KeyLayout layout, final Path checkpoint, final int decoders, final long revision,
        final int nodes, final int pods, final int runs)
    {
        final double[] seconds = new double[runs];
        for (int run = 0; run < runs; run++)
        {
            seconds[run] = sync(source, layout, checkpoint, decoders, revision, "warm, from the checkpoint", nodes, pods);
        }
        java.util.Arrays.sort(seconds);
        return runs % 2 == 1 ? seconds[runs / 2] : (seconds[runs / 2 - 1] + seconds[runs / 2]) / 2;
    }

    private static double sync(
        final EtcdSource source, final KeyLayout layout, final Path checkpoint, final int decoders, final long revision,
        final String label, final int nodes, final int pods)
    {
        System.gc(); // the previous run's tables are garbage: not this run's to collect
        final long start = System.nanoTime();
        final long cpuStart = CPU.getProcessCpuTime();
        final MirrorContext context = new MirrorContext().source(source).layout(layout).decoderThreads(decoders)
            .initialNodeCapacity(8192).checkpointFile(checkpoint).decoderWarmUpEvents(warmUpEvents)
            .checkpointMaxEntries((long)((nodes + pods) * 1.3)).checkpointAverageValueBytes(300); // binary records: 285 B on average here
        try (Mirror mirror = new Mirror(context).start())
        {
            final double startS = (System.nanoTime() - start) / 1e9;
            final double startCpuS = (CPU.getProcessCpuTime() - cpuStart) / 1e9;
            while (!mirror.isSynced() || mirror.revision() < revision)
            {
                if (mirror.poll(4096) == 0)
                {
                    LockSupport.parkNanos(20_000);
                }
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            final double cpuS = (CPU.getProcessCpuTime() - cpuStart) / 1e9;
            System.out.printf("%-32s %.3f s (start %.3f s; %.2f s of CPU, %.2f s of it in start; load %.1f): %d nodes " +
                "live, %d pods bound, %d pending, warm start %s, %d corrupt%n",
                label, seconds, startS, cpuS, startCpuS, CPU.getSystemLoadAverage(),
                mirror.tables().engine().table().liveCount(),
                mirror.tables().engine().pods().count(), mirror.tables().pendingPods().size(), mirror.warmStart(),
                mirror.corruptValues());
            return seconds;
        }
    }

    private static void load(final EtcdSource source, final KeyLayout layout, final int nodes, final int pods)
        throws Exception
    {
        final String marker = layout.root() + "loaded";
        final KeyValue done = source.get(marker);
        if (done != null)
        {
            System.out.println("cluster already loaded under " + layout.prefix());
            return;
        }
        final long start = System.nanoTime();
        final RecordedStream stream = new RecordedStream(nodes, pods, layout);
        final ExecutorService pool = Executors.newFixedThreadPool(64);
        try
        {
            final List<Future<?>> futures = new ArrayList<>();
            final int total = stream.nodeKeys.length + stream.podKeys.length;
            final int chunk = (total + 63) / 64;
            for (int t = 0; t < 64; t++)
            {
                final int from = t * chunk;
                final int to = Math.min(total, from + chunk);
                futures.add(pool.submit(() ->
                {
                    for (int i = from; i < to; i++)
                    {
                        final boolean node = i < stream.nodeKeys.length;
                        final int k = node ? i : i - stream.nodeKeys.length;
                        source.put(new String(node ? stream.nodeKeys[k] : stream.podKeys[k], StandardCharsets.UTF_8),
                            node ? stream.nodeValues[k] : stream.podValues[k]);
                    }
                }));
            }
            for (final Future<?> f : futures)
            {
                f.get();
            }
        }
        finally
        {
            pool.shutdown();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
        source.put(marker, "done".getBytes(StandardCharsets.UTF_8));
        System.out.printf("loaded %d nodes + %d pods (%.1f MB of JSON) in %.1f s%n", stream.nodeKeys.length,
            stream.podKeys.length, stream.bytes / 1e6, (System.nanoTime() - start) / 1e9);
    }
}
