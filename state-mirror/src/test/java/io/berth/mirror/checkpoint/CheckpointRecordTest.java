package io.berth.mirror.checkpoint;

import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.codec.RandomObjects;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.TopologySpreadConstraint;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The binary checkpoint records: exact round trips of every model field, and damage always reported, never thrown. */
class CheckpointRecordTest
{
    private static final byte[] NO_JSON = new byte[0];

    private final RecordEncoder encoder = new RecordEncoder();
    private final RecordDecoder decoder = new RecordDecoder();
    private final JsonObjectDecoder json = new JsonObjectDecoder();

    private byte[] encode(final Object object)
    {
        final int length = encoder.encode(object, NO_JSON);
        final byte[] record = new byte[length];
        encoder.buffer().getBytes(0, record);
        return record;
    }

    /** A random pod with every field RandomObjects fills, plus GPU-share annotations and a spread with minDomains. */
    private static PodObject pod(final RandomObjects objects, final Random random, final int i)
    {
        final PodObject pod = objects.pod("ns-" + random.nextInt(4), "pod-" + i);
        final Map<String, String> annotations = new LinkedHashMap<>();
        switch (random.nextInt(4))
        {
            case 0 -> annotations.put(GpuSharing.GPU_MILLI, String.valueOf(1 + random.nextInt(1000)));
            case 1 ->
            {
                annotations.put(GpuSharing.GPU_COUNT, String.valueOf(1 + random.nextInt(8)));
                annotations.put(GpuSharing.GPU_CARD_MODEL, "V100|A100");
            }
            case 2 -> annotations.put("example.com/note", "é ünïcode ✓");
            default -> { }
        }
        final PodObject.Builder b = pod.toBuilder().annotations(annotations);
        if (random.nextInt(4) == 0)
        {
            b.topologySpreadConstraints(List.of(new TopologySpreadConstraint(1 + random.nextInt(3), "zone",
                "DoNotSchedule", null, random.nextBoolean() ? null : random.nextInt(5), "Honor", "", List.of("app"))));
        }
        return b.build();
    }

    @Property(tries = 200)
    void nodesAndPodsComeBackEqualFieldForField(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final RandomObjects objects = new RandomObjects(seed);
        for (int i = 0; i < 5; i++)
        {
            final NodeObject node = objects.node(random.nextBoolean() ? "node-" + i : "nœud-" + i);
            final Object decodedNode = decoder.decode(KubeKind.NODE, encode(node), json);
            assertThat(decoder.error()).isNull();
            assertThat(decodedNode).isEqualTo(node);
            assertThat(decodedNode.toString()).isEqualTo(node.toString()); // maps keep their order

            final PodObject pod = pod(objects, random, i);
            final Object decodedPod = decoder.decode(KubeKind.POD, encode(pod), json);
            assertThat(decoder.error()).isNull();
            assertThat(decodedPod).isEqualTo(pod);
            final PodObject p = (PodObject)decodedPod;
            assertThat(p.gpuRequest()).isEqualTo(pod.gpuRequest());
            assertThat(p.labels().toString()).isEqualTo(pod.labels().toString());
            assertThat(p.nodeAffinity()).isEqualTo(pod.nodeAffinity());
            assertThat(p.nodeAffinity().requiredTerms() == null).isEqualTo(pod.nodeAffinity().requiredTerms() == null);
        }
    }

    @Property(tries = 100)
    void everyTruncationIsAnErrorNamingTheOffset(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final byte[] record = encode(pod(new RandomObjects(seed), random, 0));
        for (int length = 0; length < record.length; length++)
        {
            assertThat(decoder.decode(KubeKind.POD, Arrays.copyOf(record, length), json)).as("length %d", length).isNull();
            assertThat(decoder.error()).startsWith("checkpoint record");
        }
    }

    @Property(tries = 300)
    void damagedRecordsAreReportedNeverThrown(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 8) final int flips)
    {
        final Random random = new Random(seed);
        final RandomObjects objects = new RandomObjects(seed);
        final boolean node = random.nextBoolean();
        final byte[] record = encode(node ? objects.node("n") : pod(objects, random, 1));
        for (int i = 0; i < flips; i++)
        {
            final int at = 2 + random.nextInt(record.length - 2);
            record[at] = (byte)(random.nextInt(4) == 0 ? 0xFF : record[at] ^ (1 << random.nextInt(8)));
        }
        final Object decoded = decoder.decode(node ? KubeKind.NODE : KubeKind.POD, record, json);
        if (decoded == null)
        {
            assertThat(decoder.error()).startsWith("checkpoint record");
        }
        else
        {
            assertThat(decoded).isInstanceOf(node ? NodeObject.class : PodObject.class);
        }
    }

    @Test
    void hostileCountsAndLengthsAreRejectedWithoutAllocatingThem()
    {
        // a pod record whose namespace claims 2^31-1 bytes, and one whose labels claim 2^28 entries
        final byte[] hugeString = {CheckpointRecord.TYPE_POD, CheckpointRecord.LAYOUT_VERSION,
            (byte)0xFF, (byte)0xFF, (byte)0xFF, (byte)0xFF, 0x07, 'x'};
        assertThat(decoder.decode(KubeKind.POD, hugeString, json)).isNull();
        assertThat(decoder.error()).contains("string of 2147483647 bytes at offset 2 runs past the 8-byte record");
        final byte[] hugeCount = {CheckpointRecord.TYPE_NODE, CheckpointRecord.LAYOUT_VERSION,
            1, 'a', (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, 0x01};
        assertThat(decoder.decode(KubeKind.NODE, hugeCount, json)).isNull();
        assertThat(decoder.error()).contains("count 268435456 at offset 4");
        final byte[] longVarint = {CheckpointRecord.TYPE_NODE, CheckpointRecord.LAYOUT_VERSION,
            (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80, (byte)0x80};
        assertThat(decoder.decode(KubeKind.NODE, longVarint, json)).isNull();
        assertThat(decoder.error()).contains("varint longer than 5 bytes");
    }

    @Test
    void aRecordOfAnotherVersionOrKindOrWithTrailingBytesIsAnError()
    {
        final byte[] node = encode(NodeObject.builder("a").build());
        assertThat(decoder.decode(KubeKind.POD, node, json)).isNull();
        assertThat(decoder.error()).contains("record type 2 under a key of kind POD");

        final byte[] otherVersion = node.clone();
        otherVersion[1] = CheckpointRecord.LAYOUT_VERSION + 1;
        assertThat(decoder.decode(KubeKind.NODE, otherVersion, json)).isNull();
        assertThat(decoder.error()).contains("layout version 2, expected 1");

        final byte[] trailing = Arrays.copyOf(node, node.length + 3);
        assertThat(decoder.decode(KubeKind.NODE, trailing, json)).isNull();
        assertThat(decoder.error()).contains("3 bytes after the Node");

        assertThat(decoder.decode(KubeKind.NODE, new byte[] {CheckpointRecord.TYPE_NODE}, json)).isNull();
        assertThat(decoder.error()).contains("truncated");
    }

    @Test
    void otherKindsAndUndecodableValuesAreStoredAsTheirJsonAndDecodedAgain()
    {
        final byte[] namespaceJson = new KubeJsonWriter().namespace(new NamespaceObject("team-a", Map.of("x", "y")));
        final byte[] record = Arrays.copyOf(new byte[0], encoder.encode(null, namespaceJson));
        encoder.buffer().getBytes(0, record);
        assertThat(record[0]).isEqualTo(CheckpointRecord.TYPE_JSON);
        assertThat(Arrays.copyOfRange(record, 2, record.length)).isEqualTo(namespaceJson);
        assertThat(decoder.decode(KubeKind.NAMESPACE, record, json))
            .isEqualTo(new NamespaceObject("team-a", Map.of("x", "y")));

        final byte[] garbage = "{\"kind\":\"Pod\",".getBytes(StandardCharsets.UTF_8);
        final byte[] bad = new byte[encoder.encode(null, garbage)];
        encoder.buffer().getBytes(0, bad);
        assertThat(decoder.decode(KubeKind.POD, bad, json)).isNull();
        assertThat(decoder.error()).isNotBlank();
    }

    @Test
    void aRecordIsReadInPlaceFromAnyBufferAtAnyOffset()
    {
        final RandomObjects objects = new RandomObjects(3);
        final PodObject pod = objects.pod("ns", "in-place");
        final int length = encoder.encode(pod, NO_JSON);
        assertThat(decoder.decode(KubeKind.POD, encoder.buffer(), 0, length)).isEqualTo(pod);
        final org.agrona.concurrent.UnsafeBuffer offHeap =
            new org.agrona.concurrent.UnsafeBuffer(java.nio.ByteBuffer.allocateDirect(length + 100));
        offHeap.putBytes(37, encoder.buffer(), 0, length);
        assertThat(decoder.decode(KubeKind.POD, offHeap, 37, length)).isEqualTo(pod);
        assertThat(decoder.decode(KubeKind.POD, offHeap, 37, length - 1)).isNull();
        assertThat(decoder.error()).startsWith("checkpoint record: truncated");
    }

    @Test
    void repeatedStringsAreOneInstanceAndNamesAreNotCached()
    {
        final RandomObjects objects = new RandomObjects(7);
        final PodObject a = objects.pod("shared-ns", "a").toBuilder().nodeName("node-1").build();
        final PodObject b = objects.pod("shared-ns", "b").toBuilder().nodeName("node-1").build();
        final PodObject da = (PodObject)decoder.decode(KubeKind.POD, encode(a), json);
        final PodObject db = (PodObject)decoder.decode(KubeKind.POD, encode(b), json);
        assertThat(da.namespace()).isSameAs(db.namespace());
        assertThat(da.nodeName()).isSameAs(db.nodeName());
        assertThat(da).isEqualTo(a);
        assertThat(db).isEqualTo(b);
    }

    @Test
    void mapsLongAndShortComeBackInOrderAndARepeatedKeyIsAnError()
    {
        for (final int entries : new int[] {1, 16, 17, 300})
        {
            final Map<String, String> labels = new LinkedHashMap<>();
            for (int i = entries; i > 0; i--)
            {
                labels.put("k" + i, "v" + i);
            }
            final PodObject pod = new RandomObjects(5).pod("ns", "p" + entries).toBuilder().labels(labels).build();
            final byte[] record = encode(pod);
            final PodObject decoded = (PodObject)decoder.decode(KubeKind.POD, record, json);
            assertThat(decoded).isEqualTo(pod);
            assertThat(List.copyOf(decoded.labels().keySet())).isEqualTo(List.copyOf(labels.keySet()));

            // rename the last key, k1, to k2 (same length): a map with a key twice
            if (entries > 1)
            {
                final int at = lastIndexOf(record, "k1".getBytes(StandardCharsets.UTF_8));
                record[at + 1] = '2';
                assertThat(decoder.decode(KubeKind.POD, record, json)).as("%d entries", entries).isNull();
                assertThat(decoder.error()).contains("map key \"k2\" repeated");
            }
        }
    }

    /**
     * A warm restart hands the applier objects from records, a cold sync objects from JSON: their maps must be of
     * the same classes, or the applier's compiled code, which has seen one, traps at the other (StringMaps).
     */
    @Test
    void recordsGiveTheMapClassesTheJsonDecoderGives()
    {
        final KubeJsonWriter writer = new KubeJsonWriter();
        final RandomObjects objects = new RandomObjects(11);
        for (final int entries : new int[] {0, 1, 2, 16, 17, 40})
        {
            final Map<String, String> map = new LinkedHashMap<>();
            final Map<String, String> annotations = new LinkedHashMap<>(); // the JSON decoder keeps the GPU ones
            for (int i = 0; i < entries; i++)
            {
                map.put("example.com/k" + i, "v" + i);
                annotations.put("alibabacloud.com/gpu-k" + i, "v" + i);
            }
            final PodObject pod = objects.pod("ns", "p" + entries).toBuilder().labels(map).annotations(annotations)
                .nodeSelector(map).build();
            // a cold sync decodes the JSON and checkpoints the object; a warm restart decodes that record
            final PodObject fromJson = (PodObject)json.decode(KubeKind.POD, writer.pod(pod));
            assertThat(fromJson.annotations()).hasSize(entries);
            final PodObject fromRecord = (PodObject)decoder.decode(KubeKind.POD, encode(fromJson), json);
            assertThat(fromRecord).isEqualTo(fromJson);
            assertThat(fromRecord.labels().getClass()).as("labels, %d entries", entries).isSameAs(fromJson.labels().getClass());
            assertThat(fromRecord.annotations().getClass()).as("annotations, %d", entries).isSameAs(fromJson.annotations().getClass());
            assertThat(fromRecord.nodeSelector().getClass()).as("node selector, %d", entries).isSameAs(fromJson.nodeSelector().getClass());

            final NodeObject node = objects.node("n" + entries).toBuilder().labels(map).build();
            final NodeObject nodeFromJson = (NodeObject)json.decode(KubeKind.NODE, writer.node(node));
            final NodeObject nodeFromRecord = (NodeObject)decoder.decode(KubeKind.NODE, encode(nodeFromJson), json);
            assertThat(nodeFromRecord).isEqualTo(nodeFromJson);
            assertThat(nodeFromRecord.labels().getClass()).as("node labels, %d", entries).isSameAs(nodeFromJson.labels().getClass());
        }
    }

    private static int lastIndexOf(final byte[] haystack, final byte[] needle)
    {
        for (int i = haystack.length - needle.length; i >= 0; i--)
        {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length))
            {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
