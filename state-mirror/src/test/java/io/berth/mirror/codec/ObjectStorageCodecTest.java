package io.berth.mirror.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.mirror.codec.ObjectStorageCodec.CorruptValueException;
import io.berth.mirror.codec.ObjectStorageCodec.FileObject;
import io.berth.mirror.codec.ObjectStorageCodec.FileObjects;
import io.berth.mirror.codec.ObjectStorageCodec.Kind;
import io.berth.mirror.source.KeyLayout;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectStorageCodecTest
{
    private static final Instant NOW = Instant.parse("2026-11-28T10:15:30.123Z");
    private final AtomicLong uidCounter = new AtomicLong();
    private final ObjectStorageCodec codec = new ObjectStorageCodec(KeyLayout.DEFAULT,
        Clock.fixed(NOW, ZoneOffset.UTC), () -> new UUID(0, uidCounter.incrementAndGet()));

    @Test
    void readsTheExampleClusterIntoKubeApiserverKeys()
    {
        final FileObjects read = codec.read(Path.of("../docs/examples/cluster.yaml"));
        assertThat(read.errors()).isEmpty();
        assertThat(read.objects()).extracting(FileObject::key).contains(
            "/registry/minions/node-a", "/registry/minions/node-d");
        assertThat(read.objects()).filteredOn(o -> o.kind() == Kind.POD).isNotEmpty()
            .allSatisfy(o -> assertThat(o.key()).startsWith("/registry/pods/" + o.namespace() + "/"));
    }

    @Test
    void normalizesKindVersionNamespaceAndDropsResourceVersion()
    {
        final FileObjects read = codec.read("pods.yaml", """
            kind: PodList
            items:
              - metadata: {name: web-1, resourceVersion: "77", labels: {app: web}}
                spec: {containers: [{name: c, image: nginx}]}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: shop}
            spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high, namespace: ignored}
            value: 1000
            """);
        assertThat(read.errors()).isEmpty();
        assertThat(read.objects()).extracting(FileObject::displayName)
            .containsExactly("pod/default/web-1", "poddisruptionbudget/shop/web", "priorityclass/high");
        assertThat(read.objects()).extracting(FileObject::key).containsExactly(
            "/registry/pods/default/web-1", "/registry/poddisruptionbudgets/shop/web", "/registry/priorityclasses/high");
        final ObjectNode pod = read.objects().get(0).object();
        assertThat(pod.path("apiVersion").asText()).isEqualTo("v1");
        assertThat(pod.path("kind").asText()).isEqualTo("Pod");
        assertThat(pod.path("metadata").has("resourceVersion")).isFalse();
        assertThat(pod.path("metadata").path("namespace").asText()).isEqualTo("default");
        assertThat(read.objects().get(2).object().path("metadata").has("namespace")).isFalse();
    }

    @Test
    void reportsEachBadObjectByNameAndKeepsTheOthers()
    {
        final FileObjects read = codec.read("mixed.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: Bad/Name}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p1}
            spec: {containers: [{name: c, resources: {requests: {cpu: 12x}}}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: shop}
            spec: {ports: [{port: 80}]}
            ---
            apiVersion: apps/v1
            kind: Pod
            metadata: {name: p2}
            """);
        assertThat(read.objects()).extracting(FileObject::displayName).containsExactly("service/shop/web");
        assertThat(read.errors()).extracting(ObjectError::toString).satisfiesExactly(
            e -> assertThat(e).startsWith("mixed.yaml: ConfigMap settings: kind ConfigMap of v1 is not stored by berth"),
            e -> assertThat(e).startsWith("mixed.yaml: Node Bad/Name: metadata.name: not a DNS-1123 subdomain"),
            e -> assertThat(e).startsWith("mixed.yaml: Pod default/p1: spec.containers[0].resources.requests.cpu"),
            e -> assertThat(e).startsWith("mixed.yaml: Pod p2: kind Pod of apps/v1 is not stored"));
    }

    @Test
    void invalidYamlEndsTheFileWithOneErrorAndKeepsTheObjectsBefore()
    {
        final FileObjects read = codec.read("broken.yaml", """
            kind: Namespace
            metadata: {name: a}
            ---
            kind: Namespace
            metadata: {name: [unclosed
            """);
        assertThat(read.objects()).extracting(FileObject::displayName).containsExactly("namespace/a");
        assertThat(read.errors()).singleElement().asString().startsWith("broken.yaml: invalid YAML at line");
    }

    @Test
    void createStampsTimeAndUidOnlyWhenAbsent()
    {
        final FileObjects read = codec.read("ns.yaml", """
            kind: Namespace
            metadata: {name: a}
            ---
            kind: Namespace
            metadata: {name: b, uid: given, creationTimestamp: "2020-01-01T00:00:00Z"}
            """);
        final ObjectNode a = codec.forCreate(read.objects().get(0));
        assertThat(a.path("metadata").path("creationTimestamp").asText()).isEqualTo("2026-11-28T10:15:30Z");
        assertThat(a.path("metadata").path("uid").asText()).isEqualTo(new UUID(0, 1).toString());
        final ObjectNode b = codec.forCreate(read.objects().get(1));
        assertThat(b.path("metadata").path("uid").asText()).isEqualTo("given");
        assertThat(b.path("metadata").path("creationTimestamp").asText()).isEqualTo("2020-01-01T00:00:00Z");
        assertThat(read.objects().get(0).object().path("metadata").has("uid")).as("the file object is untouched").isFalse();
    }

    @Test
    void updateKeepsWhatTheClusterSet() throws CorruptValueException
    {
        final FileObject first = codec.read("p.yaml", """
            kind: Pod
            metadata: {name: web}
            spec: {containers: [{name: c, image: nginx}]}
            """).objects().getFirst();
        final ObjectNode stored = codec.forCreate(first);
        ((ObjectNode)stored.get("spec")).put("nodeName", "node-a");
        stored.putObject("status").put("phase", "Running");
        final ObjectNode storedBack = codec.decode(first.key(), codec.encode(stored), 9);

        final ObjectNode same = codec.forUpdate(first, storedBack);
        storedBack.with("metadata").remove("resourceVersion");
        assertThat(same).as("re-applying the same file changes nothing").isEqualTo(storedBack);

        final FileObject changed = codec.read("p.yaml", """
            kind: Pod
            metadata: {name: web, labels: {v: "2"}}
            spec: {containers: [{name: c, image: nginx:2}]}
            """).objects().getFirst();
        final ObjectNode updated = codec.forUpdate(changed, storedBack);
        assertThat(updated.path("metadata").path("uid").asText()).isEqualTo(stored.path("metadata").path("uid").asText());
        assertThat(updated.path("spec").path("nodeName").asText()).isEqualTo("node-a");
        assertThat(updated.path("spec").path("containers").get(0).path("image").asText()).isEqualTo("nginx:2");
        assertThat(updated.path("status").path("phase").asText()).isEqualTo("Running");
    }

    @Test
    void decodeSetsResourceVersionToTheModRevision() throws CorruptValueException
    {
        final byte[] value = "{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"}}"
            .getBytes(StandardCharsets.UTF_8);
        final ObjectNode node = codec.decode("/registry/minions/n1", value, 42);
        assertThat(node.path("metadata").path("resourceVersion").asText()).isEqualTo("42");
    }

    @Test
    void corruptValuesAreRejectedNamingTheKey()
    {
        assertCorrupt("/registry/minions/n1", "{not json", "/registry/minions/n1: not JSON");
        assertCorrupt("/registry/minions/n1", "[1,2]", "/registry/minions/n1: expected a JSON object");
        assertCorrupt("/registry/minions/n1", "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"n1\"}}",
            "/registry/minions/n1: expected kind Node");
        assertCorrupt("/registry/minions/n1", "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n2\"}}",
            "does not match the key");
        assertCorrupt("/registry/minions/n1",
            "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"},\"status\":{\"allocatable\":{\"cpu\":\"-4\"}}}",
            "/registry/minions/n1: status.allocatable.cpu");
        assertCorrupt("/registry/configmaps/x", "{}", "not under a known prefix");
    }

    private void assertCorrupt(final String key, final String value, final String message)
    {
        assertThatThrownBy(() -> codec.decode(key, value.getBytes(StandardCharsets.UTF_8), 1))
            .isInstanceOf(CorruptValueException.class).hasMessageContaining(message);
    }

    @Property(tries = 200)
    void storedObjectsDecodeToWhatWasStored(
        @ForAll @AlphaChars @StringLength(min = 1, max = 20) final String rawName,
        @ForAll @AlphaChars @StringLength(min = 1, max = 10) final String rawNamespace,
        @ForAll @IntRange(min = 0, max = 64_000) final int cpuMilli,
        @ForAll @AlphaChars @StringLength(max = 30) final String labelValue,
        @ForAll @IntRange(min = 1, max = 1_000_000) final int modRevision) throws CorruptValueException
    {
        final String name = rawName.toLowerCase(Locale.ROOT);
        final String namespace = rawNamespace.toLowerCase(Locale.ROOT);
        final String yaml = "kind: Pod\nmetadata: {name: " + name + ", namespace: " + namespace +
            ", labels: {l: \"" + labelValue + "\"}, resourceVersion: \"3\"}\n" +
            "spec: {containers: [{name: c, resources: {requests: {cpu: " + cpuMilli + "m}}}]}\n";
        final FileObjects read = codec.read("gen.yaml", yaml);
        assertThat(read.errors()).isEmpty();
        final FileObject object = read.objects().getFirst();
        assertThat(object.key()).isEqualTo("/registry/pods/" + namespace + "/" + name);
        final ObjectNode stored = codec.forCreate(object);
        final ObjectNode decoded = codec.decode(object.key(), codec.encode(stored), modRevision);
        assertThat(decoded.path("metadata").path("resourceVersion").asText()).isEqualTo(Integer.toString(modRevision));
        decoded.with("metadata").remove("resourceVersion");
        assertThat(decoded).isEqualTo(stored);
    }
}
