package io.berth.mirror;

import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.checkpoint.CheckpointRecord;
import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.codec.RandomObjects;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.PodObject;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static io.berth.mirror.MirrorTest.LAYOUT;
import static io.berth.mirror.MirrorTest.WRITER;
import static io.berth.mirror.MirrorTest.catchUp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random clusters (every pod field: node and pod affinity, spread constraints, GPU-share annotations; corrupt values,
 * other kinds) through a cold sync that writes the checkpoint, changes while the mirror is down, then a warm restart
 * from the binary records: its tables equal a cold sync's at the same revision, and a fresh list's.
 */
class MirrorCheckpointProperties
{
    @Property(tries = 6)
    void aWarmRestartFromBinaryRecordsEqualsAColdSyncAtTheSameRevision(@ForAll final long seed) throws IOException
    {
        final Path dir = Files.createTempDirectory("berth-checkpoint-property");
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final MirrorTest.Workload workload = new MirrorTest.Workload(store, seed);
            workload.run(400);
            putGpuPods(store, seed, 30);
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.warmStart()).isFalse();
            }
            assertNodesAndPodsAreBinaryUnlessCorrupt(store, file);

            workload.run(100); // while the mirror is down
            putGpuPods(store, seed + 1, 10);
            final long revision = store.currentRevision();
            try (Mirror warm = new Mirror(context(store, file, errors)).start();
                 Mirror cold = new Mirror(new MirrorContext().source(store).ringSizeEvents(256).decoderThreads(2)
                     .errorHandler(errors::add)).start())
            {
                catchUp(warm, revision);
                catchUp(cold, revision);
                assertThat(warm.warmStart()).isTrue();
                assertThat(warm.relists()).isZero();
                assertSameTables(warm.tables(), cold.tables());
                new FreshList(store, LAYOUT).assertSameAs(warm.tables());
            }
        }
        finally
        {
            try (Stream<Path> paths = Files.walk(dir))
            {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        assertThat(errors).isEmpty();
    }

    private static MirrorContext context(final EmbeddedStore store, final Path file, final List<Throwable> errors)
    {
        return new MirrorContext().source(store).checkpointFile(file).checkpointMaxEntries(20_000)
            .checkpointAverageValueBytes(512).ringSizeEvents(256).decoderThreads(2).errorHandler(errors::add);
    }

    /** Pods asking for GPU shares (annotations injected into the stored JSON, as kube-apiserver would hold them). */
    private static void putGpuPods(final EmbeddedStore store, final long seed, final int count)
    {
        final Random random = new Random(seed);
        final RandomObjects objects = new RandomObjects(seed ^ 0x9E3779B97F4A7C15L);
        for (int i = 0; i < count; i++)
        {
            final String ns = "gpu" + random.nextInt(2);
            final String name = "gpu-pod-" + random.nextInt(40);
            final PodObject pod = objects.pod(ns, name);
            final String annotations = random.nextBoolean() ?
                "{\"" + GpuSharing.GPU_MILLI + "\":\"" + (1 + random.nextInt(999)) + "\"}" :
                "{\"" + GpuSharing.GPU_COUNT + "\":\"" + (1 + random.nextInt(4)) + "\",\"" + GpuSharing.GPU_CARD_MODEL +
                    "\":\"A100|V100\"}";
            final String json = new String(WRITER.pod(pod), StandardCharsets.UTF_8)
                .replaceFirst("\"metadata\":\\{", "\"metadata\":{\"annotations\":" +
                    java.util.regex.Matcher.quoteReplacement(annotations) + ",");
            store.put(LAYOUT.pod(ns, name), json.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every node and pod the decoder can read is stored as its binary record; only unreadable ones as JSON. */
    private static void assertNodesAndPodsAreBinaryUnlessCorrupt(final EmbeddedStore store, final Path file)
    {
        final CheckpointFile.Opened opened = CheckpointFile.open(file);
        assertThat(opened.problem()).isNull();
        final KeyClassifier classifier = new KeyClassifier(LAYOUT);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final int[] binary = new int[2];
        try (CheckpointFile checkpoint = opened.file())
        {
            checkpoint.forEach((key, record, modRevision) ->
            {
                final KubeKind kind = classifier.kindOf(key);
                if (kind != KubeKind.NODE && kind != KubeKind.POD)
                {
                    assertThat(record[0]).isEqualTo(CheckpointRecord.TYPE_JSON);
                    return;
                }
                final String keyText = new String(key, StandardCharsets.UTF_8);
                if (record[0] == CheckpointRecord.TYPE_JSON)
                {
                    final Object decoded = decoder.decode(kind, store.get(keyText).value());
                    final String name = classifier.nameOf(key);
                    assertThat(decoded == null || !name.equals(decoded instanceof PodObject p ? p.key() :
                        ((io.berth.sched.model.NodeObject)decoded).name())).as("%s stored as JSON", keyText).isTrue();
                }
                else
                {
                    assertThat(record[0]).isEqualTo(kind == KubeKind.NODE ? CheckpointRecord.TYPE_NODE :
                        CheckpointRecord.TYPE_POD);
                    binary[kind == KubeKind.NODE ? 0 : 1]++;
                }
            });
        }
        assertThat(binary[0]).as("binary node records").isPositive();
        assertThat(binary[1]).as("binary pod records").isPositive();
    }

    private static void assertSameTables(final MirrorTables warm, final MirrorTables cold)
    {
        assertThat(warm.revision()).isEqualTo(cold.revision());
        assertThat(FreshList.describe(warm.engine())).isEqualTo(FreshList.describe(cold.engine()));
        assertThat(warm.pendingPods()).isEqualTo(cold.pendingPods());
        assertThat(warm.namespaces()).isEqualTo(cold.namespaces());
        assertThat(warm.priorityClasses()).isEqualTo(cold.priorityClasses());
        assertThat(warm.podDisruptionBudgets()).isEqualTo(cold.podDisruptionBudgets());
        assertThat(warm.keyCount()).isEqualTo(cold.keyCount());
    }
}
