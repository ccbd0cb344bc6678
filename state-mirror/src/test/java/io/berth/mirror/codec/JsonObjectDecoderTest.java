package io.berth.mirror.codec;

import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class JsonObjectDecoderTest
{
    private final KubeJsonWriter writer = new KubeJsonWriter();
    private final KubeObjectReader reader = new KubeObjectReader();

    @Property(tries = 200)
    void randomPodsDecodeLikeTheTreeDecoderAndRoundTrip(@ForAll final long seed)
    {
        final RandomObjects random = new RandomObjects(seed);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        for (int i = 0; i < 5; i++)
        {
            final PodObject pod = random.pod("ns" + i, "pod-" + i);
            final byte[] json = writer.pod(pod);
            final PodObject streamed = decoder.decodePod(json, 0, json.length);
            assertThat(decoder.error()).isEmpty();
            final ReadResult tree = reader.readString("pod", new String(json, StandardCharsets.UTF_8));
            assertThat(tree.errors()).isEmpty();
            assertThat(streamed).isEqualTo(tree.pods().get(0)).isEqualTo(pod);
        }
    }

    @Property(tries = 200)
    void randomNodesDecodeLikeTheTreeDecoderAndRoundTrip(@ForAll final long seed)
    {
        final RandomObjects random = new RandomObjects(seed);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        for (int i = 0; i < 5; i++)
        {
            final NodeObject node = random.node("node-" + i);
            final byte[] json = writer.node(node);
            final NodeObject streamed = decoder.decodeNode(json, 0, json.length);
            assertThat(decoder.error()).isEmpty();
            final ReadResult tree = reader.readString("node", new String(json, StandardCharsets.UTF_8));
            assertThat(tree.errors()).isEmpty();
            assertThat(streamed).isEqualTo(tree.nodes().get(0)).isEqualTo(node);
        }
    }

    @Property(tries = 10)
    void generatedClustersRoundTrip(@ForAll @IntRange(min = 1, max = 1_000_000) final int seed)
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(
            GeneratorSpec.parse("nodes=30,pods=60,existing=60,seed=" + seed + ",gpuNodeFraction=0.2,taintedFraction=0.3"));
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        for (final NodeObject node : cluster.nodes())
        {
            final byte[] json = writer.node(node);
            assertThat(decoder.decodeNode(json, 0, json.length)).isEqualTo(node);
        }
        for (final PodObject pod : cluster.boundPods())
        {
            final byte[] json = writer.pod(pod);
            assertThat(decoder.decodePod(json, 0, json.length)).isEqualTo(pod);
        }
        for (final PodObject pod : cluster.pendingPods())
        {
            final byte[] json = writer.pod(pod);
            assertThat(decoder.decodePod(json, 0, json.length)).isEqualTo(pod);
        }
    }

    /** Mutated bytes of valid values: the decoder never throws, and whatever both decoders accept they agree on. */
    @Property(tries = 500)
    void hostileBytesNeverThrowAndAgreeWithTheTreeDecoder(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final RandomObjects objects = new RandomObjects(seed);
        final boolean pod = random.nextBoolean();
        final byte[] json = mutate(pod ? writer.pod(objects.pod("ns", "p")) : writer.node(objects.node("n")), random);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final Object streamed = pod ? decoder.decodePod(json, 0, json.length) : decoder.decodeNode(json, 0, json.length);
        if (streamed == null)
        {
            assertThat(decoder.errorMessage()).isNotEmpty();
            return;
        }
        assertThat(decoder.error()).isEmpty();
        final ReadResult tree = reader.readString("x", new String(json, StandardCharsets.UTF_8));
        if (tree.errors().isEmpty() && tree.pods().size() + tree.nodes().size() == 1)
        {
            assertThat(streamed).isEqualTo(pod ? tree.pods().get(0) : tree.nodes().get(0));
        }
    }

    private static byte[] mutate(final byte[] json, final Random random)
    {
        final byte[] out = json.clone();
        final int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++)
        {
            final int at = random.nextInt(out.length);
            switch (random.nextInt(4))
            {
                case 0 -> out[at] = (byte)random.nextInt(256);
                case 1 -> out[at] = (byte)"{}[]\":,0-9.eE\\ntf".charAt(random.nextInt(17));
                case 2 ->
                {
                    return java.util.Arrays.copyOf(out, at);
                }
                default ->
                {
                    // swap a number and a string: a quote in place of a digit or the other way round
                    out[at] = out[at] == '"' ? (byte)'7' : (byte)'"';
                }
            }
        }
        return out;
    }

    /** The fast timestamp path agrees with java.time's RFC 3339 parser wherever it answers. */
    @Property(tries = 2000)
    void fastTimestampsAgreeWithTheFormatter(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final StringBuilder sb = new StringBuilder();
        sb.append(String.format("%04d-%02d-%02dT%02d:%02d:%02d", random.nextInt(10000), random.nextInt(14),
            random.nextInt(33), random.nextInt(25), random.nextInt(61), random.nextInt(61)));
        if (random.nextBoolean())
        {
            sb.append('.').append(String.valueOf(Math.abs(random.nextLong())), 0, 1 + random.nextInt(10));
        }
        sb.append(switch (random.nextInt(4))
        {
            case 0 -> "Z";
            case 1 -> String.format("+%02d:%02d", random.nextInt(20), random.nextInt(61));
            case 2 -> String.format("-%02d:%02d", random.nextInt(20), random.nextInt(61));
            default -> "z";
        });
        final String text = sb.toString();
        final long fast = JsonObjectDecoder.fastRfc3339Millis(text);
        Long reference;
        try
        {
            reference = java.time.OffsetDateTime.parse(text, java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                .toInstant().toEpochMilli();
        }
        catch (final java.time.format.DateTimeParseException ex)
        {
            reference = null;
        }
        if (fast != Long.MIN_VALUE)
        {
            assertThat(reference).as(text).isEqualTo(fast);
        }
    }

    @Test
    void namesTheFieldOfEachKindOfBadValue()
    {
        assertError(pod("\"spec\":{\"containers\":[{\"name\":\"c\",\"resources\":{\"requests\":{\"cpu\":\"-1\"}}}]}"),
            "spec.containers[0].resources.requests.cpu", "negative quantity \"-1\"");
        assertError(pod("\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"memory\":\"1e100\"}}}]}"),
            "spec.containers[0].resources.requests.memory", "out of range");
        assertError(pod("\"spec\":{\"containers\":[{\"resources\":{\"requests\":{\"cpu\":\"12x\"}}}]}"),
            "spec.containers[0].resources.requests.cpu", "12x");
        assertError(pod("\"spec\":{\"overhead\":{\"cpu\":\"1\",\"cpu\":\"2\"}}"),
            "spec.overhead.cpu", "listed more than once");
        assertError(pod("\"spec\":{\"priority\":4294967296}"), "spec.priority", "does not fit in 32 bits");
        assertError(pod("\"spec\":{\"nodeName\":7}"), "spec.nodeName", "expected a string, got a number 7");
        assertError(pod("\"spec\":{\"tolerations\":{}}"), "spec.tolerations", "expected a list, got an object");
        assertError(pod("\"spec\":{\"affinity\":{\"nodeAffinity\":{\"preferredDuringSchedulingIgnoredDuringExecution\":" +
                "[{\"weight\":\"x\"}]}}}"),
            "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight",
            "expected an integer, got a string \"x\"");
        assertError(pod("\"metadata\":{\"name\":\"p\",\"labels\":{\"app\":\"" + "v".repeat(64) + "\"}}"),
            "metadata.labels.app", "label value of 64 characters");
        final String longKey = "k".repeat(318);
        assertError(pod("\"metadata\":{\"name\":\"p\",\"labels\":{\"" + longKey + "\":\"v\"}}"),
            "metadata.labels[\"" + longKey.substring(0, 64) + "...\" (318 chars)]", "label key of 318 characters");
        assertError(pod("\"metadata\":{\"name\":\"p\",\"creationTimestamp\":\"yesterday\"}"),
            "metadata.creationTimestamp", "cannot parse RFC 3339 time");
        assertError(bytes("{\"kind\":\"Pod\",\"metadata\":{}}"), "metadata.name", "missing name");
        assertError(bytes("{\"kind\":\"Node\",\"metadata\":{\"name\":\"n\"}}"), "kind", "expected Pod, got \"Node\"");
        assertError(bytes("{\"kind\":\"Pod\",\"apiVersion\":\"v2\",\"metadata\":{\"name\":\"n\"}}"), "apiVersion",
            "not an API version of Pod");
        assertError(bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}"), "", "invalid JSON");
        assertError(bytes("[1,2]"), "", "expected a JSON object, got a list");
        assertError(bytes(""), "", "expected a JSON object, got nothing");
        assertError(bytes("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}} {}"), "", "unexpected content after");
    }

    @Test
    void rejectsOversizedValuesAndHostileShapes()
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final byte[] huge = pod("\"spec\":{\"x\":\"" + "a".repeat(JsonObjectDecoder.MAX_VALUE_BYTES) + "\"}");
        assertThat(decoder.decodePod(huge, 0, huge.length)).isNull();
        assertThat(decoder.errorMessage()).contains("larger than the limit of 1572864");

        final byte[] deep = pod("\"spec\":{\"unknown\":" + "[".repeat(5000) + "]".repeat(5000) + "}");
        assertThat(decoder.decodePod(deep, 0, deep.length)).isNull();
        assertThat(decoder.errorMessage()).contains("invalid JSON");

        final StringBuilder many = new StringBuilder("\"metadata\":{\"name\":\"p\",\"labels\":{");
        for (int i = 0; i <= 10_000; i++)
        {
            many.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
        }
        final byte[] manyLabels = pod(many.append("}}").toString());
        assertThat(decoder.decodePod(manyLabels, 0, manyLabels.length)).isNull();
        assertThat(decoder.error()).startsWith("metadata.labels").contains("more than the limit of 10000 entries");

        // unknown fields of any shape are skipped, and the decoder is reusable after errors
        final byte[] fine = pod("\"spec\":{\"weird\":{\"a\":[1,{\"b\":null}],\"c\":1.5e300},\"nodeName\":\"n1\"}");
        final PodObject p = decoder.decodePod(fine, 0, fine.length);
        assertThat(p).isNotNull();
        assertThat(p.nodeName()).isEqualTo("n1");
        assertThat(decoder.error()).isEmpty();
    }

    @Test
    void appliesHostNetworkPortDefaultingWhereverTheFieldComes()
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final String containers = "\"containers\":[{\"name\":\"c\",\"ports\":[{\"containerPort\":80},{\"containerPort\":81,\"hostPort\":9}]}]";
        for (final String spec : new String[] {"{\"hostNetwork\":true," + containers + "}", "{" + containers + ",\"hostNetwork\":true}"})
        {
            final byte[] json = pod("\"spec\":" + spec);
            final PodObject pod = decoder.decodePod(json, 0, json.length);
            assertThat(pod.containers().get(0).ports()).extracting(port -> port.hostPort()).containsExactly(80, 9);
            final ReadResult tree = reader.readString("x", new String(json, StandardCharsets.UTF_8));
            assertThat(pod).isEqualTo(tree.pods().get(0));
        }
    }

    @Test
    void decodesTheOtherKindsThroughTheTree()
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final PriorityClass pc = new PriorityClass("high", 1000, true, "Never");
        assertThat(decoder.decode(KubeKind.PRIORITY_CLASS, writer.priorityClass(pc))).isEqualTo(pc);
        final NamespaceObject ns = new NamespaceObject("team-a", Map.of("env", "prod"));
        assertThat(decoder.decode(KubeKind.NAMESPACE, writer.namespace(ns))).isEqualTo(ns);
        assertThat(decoder.decode(KubeKind.NAMESPACE, writer.priorityClass(pc))).isNull();
        assertThat(decoder.error()).isEqualTo("kind: expected Namespace, got a string \"PriorityClass\"");
        assertThat(decoder.decode(KubeKind.POD_DISRUPTION_BUDGET, bytes("{\"kind\":\"PodDisruptionBudget\"," +
            "\"apiVersion\":\"policy/v1\",\"metadata\":{\"name\":\"b\",\"namespace\":\"x\"},\"spec\":{\"minAvailable\":2}}")))
            .isNotNull();
        assertThat(decoder.decode(KubeKind.PRIORITY_CLASS, bytes("nope"))).isNull();
        assertThat(decoder.errorMessage()).startsWith("invalid JSON");
    }

    @Test
    void gpuSharingAnnotationsRoundTripAndOtherAnnotationsAreSkipped()
    {
        final PodObject pod = PodObject.builder("ns", "gpu")
            .annotations(Map.of("alibabacloud.com/gpu-milli", "300", "alibabacloud.com/gpu-card-model", "V100"))
            .build();
        final byte[] json = writer.pod(pod);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final PodObject decoded = decoder.decodePod(json, 0, json.length);
        assertThat(decoder.error()).isEmpty();
        assertThat(decoded).isEqualTo(pod);
        assertThat(decoded.gpuRequest().milliPerDevice()).isEqualTo(300);

        final byte[] large = pod("\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"annotations\":" +
            "{\"kubectl.kubernetes.io/last-applied-configuration\":\"" + "x".repeat(300_000) + "\"," +
            "\"alibabacloud.com/gpu-milli\":\"500\"}}");
        final PodObject kept = decoder.decodePod(large, 0, large.length);
        assertThat(decoder.error()).isEmpty();
        assertThat(kept.annotations()).containsOnlyKeys("alibabacloud.com/gpu-milli");
        assertThat(kept.gpuRequest().milliPerDevice()).isEqualTo(500);

        assertError(pod("\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"annotations\":" +
            "{\"alibabacloud.com/gpu-milli\":\"lots\"}}"), "metadata.annotations", "gpu-milli");
    }

    private static void assertError(final byte[] json, final String field, final String message)
    {
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        assertThat(decoder.decodePod(json, 0, json.length)).as(new String(json, StandardCharsets.UTF_8)).isNull();
        assertThat(decoder.errorField()).isEqualTo(field);
        assertThat(decoder.errorMessage()).contains(message);
        // the same error with every document read through Jackson
        final JsonObjectDecoder reference = new JsonObjectDecoder(false);
        assertThat(reference.decodePod(json, 0, json.length)).isNull();
        assertThat(reference.errorField()).isEqualTo(decoder.errorField());
        assertThat(reference.errorMessage()).isEqualTo(decoder.errorMessage());
    }

    private static byte[] pod(final String fields)
    {
        final String metadata = fields.startsWith("\"metadata\"") ? "" : "\"metadata\":{\"name\":\"p\",\"namespace\":\"d\"},";
        return bytes("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"," + metadata + fields + "}");
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
