package io.berth.mirror.codec;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.PriorityClass;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

class KubeObjectReaderTest
{
    private static final Path EXAMPLES = Path.of("..", "docs", "examples");

    private final KubeObjectReader reader = new KubeObjectReader();

    @Test
    void readsMultiDocumentYamlWithNodesAndPods()
    {
        final ReadResult result = reader.readString("cluster.yaml", """
            apiVersion: v1
            kind: Node
            metadata:
              name: n1
              labels:
                kubernetes.io/hostname: n1
                topology.kubernetes.io/zone: z1
            status:
              allocatable:
                cpu: "4"
                memory: 16Gi
                pods: "110"
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: web-1
              namespace: shop
              labels: {app: web}
              creationTimestamp: "2024-05-01T10:00:00Z"
            spec:
              nodeName: n1
              priority: 1000
              containers:
                - name: web
                  image: nginx:1.25
                  resources:
                    requests: {cpu: 250m, memory: 64Mi}
            status:
              phase: Running
            ---
            # an empty document is skipped
            ---
            apiVersion: v1
            kind: Pod
            metadata:
              name: pending
            spec:
              containers:
                - name: c
                  image: busybox
            """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.nodes()).hasSize(1);
        final NodeObject node = result.nodes().getFirst();
        assertThat(node.name()).isEqualTo("n1");
        assertThat(node.labels()).containsExactly(
            Map.entry("kubernetes.io/hostname", "n1"), Map.entry("topology.kubernetes.io/zone", "z1"));
        assertThat(node.unschedulable()).isFalse();
        assertThat(node.allocatable()).isEqualTo(ResourceList.ofMilli(
            "cpu", 4_000L, "memory", 16L * 1024 * 1024 * 1024 * 1000, "pods", 110_000L));

        assertThat(result.pods()).hasSize(2);
        final PodObject web = result.pods().getFirst();
        assertThat(web.key()).isEqualTo("shop/web-1");
        assertThat(web.labels()).containsExactly(Map.entry("app", "web"));
        assertThat(web.creationTimestampMs()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli());
        assertThat(web.priority()).isEqualTo(1000);
        assertThat(web.nodeName()).isEqualTo("n1");
        assertThat(web.isBound()).isTrue();
        assertThat(web.phase()).isEqualTo("Running");
        assertThat(web.containers()).containsExactly(new Container(
            "web", "nginx:1.25", ResourceList.ofMilli("cpu", 250L, "memory", 64L * 1024 * 1024 * 1000)));
        assertThat(web.nodeAffinity()).isEqualTo(NodeAffinity.NONE);

        final PodObject pending = result.pods().get(1);
        assertThat(pending.key()).isEqualTo("default/pending");
        assertThat(pending.isBound()).isFalse();
        assertThat(pending.creationTimestampMs()).isZero();
        assertThat(pending.priority()).isZero();
        assertThat(pending.containers().getFirst().requests()).isEqualTo(ResourceList.EMPTY);
    }

    @Test
    void readsJsonListWithOtherKinds()
    {
        final ReadResult result = reader.readString("all.json", """
            {
              "apiVersion": "v1",
              "items": [
                {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
                {"apiVersion": "v1", "kind": "Node", "metadata": {"name": "n1"},
                 "status": {"allocatable": {"cpu": "2", "memory": "8Gi"}}},
                {"apiVersion": "scheduling.k8s.io/v1", "kind": "PriorityClass", "metadata": {"name": "high"},
                 "value": 100000},
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "shop"},
                 "spec": {"containers": [{"name": "c", "image": "i", "resources": {"requests": {"cpu": "1"}}}]}},
                {"apiVersion": "v1", "kind": "List", "items": [
                  {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "pdb"}}]},
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}
              ],
              "kind": "List",
              "metadata": {"resourceVersion": ""}
            }
            """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("n1");
        assertThat(result.pods()).extracting(PodObject::key).containsExactly("shop/p");
        assertThat(result.namespaces()).extracting(NamespaceObject::name).containsExactly("shop");
        assertThat(result.priorityClasses()).containsExactly(new PriorityClass("high", 100000, false, ""));
        assertThat(result.podDisruptionBudgets()).extracting(PodDisruptionBudget::namespace, PodDisruptionBudget::name)
            .containsExactly(tuple("default", "pdb"));
        assertThat(result.others()).extracting(OtherObject::kind, OtherObject::name).containsExactly(tuple("Service", "web"));
        assertThat(result.others().getFirst().object().get("spec").get("ports").get(0).get("port").asInt()).isEqualTo(80);
    }

    @Test
    void mapsOnlyCoreGroupNodesAndPods()
    {
        final ReadResult result = reader.readString("groups.yaml", """
            apiVersion: example.com/v1alpha1
            kind: Pod
            metadata: {name: custom}
            spec: {containers: "not ours to judge"}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: core}
            """);
        assertThat(result.errors()).isEmpty();
        assertThat(result.pods()).extracting(PodObject::name).containsExactly("core");
        assertThat(result.others()).extracting(OtherObject::kind, OtherObject::name).containsExactly(tuple("Pod", "custom"));
    }

    @Test
    void readsTypedListsWhoseItemsOmitTheirKind()
    {
        final ReadResult result = reader.readString("nodes.yaml", """
            apiVersion: v1
            kind: NodeList
            items:
              - metadata: {name: a}
              - metadata: {name: b}
                spec: {unschedulable: true}
            ---
            apiVersion: v1
            kind: PodList
            items:
              - metadata: {name: p1}
              - kind: Pod
                metadata: {name: p2}
            """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("a", "b");
        assertThat(result.nodes()).extracting(NodeObject::unschedulable).containsExactly(false, true);
        assertThat(result.pods()).extracting(PodObject::name).containsExactly("p1", "p2");
    }

    @Test
    void readsAJsonArrayOfObjectsAndConcatenatedObjects()
    {
        final ReadResult array = reader.readString("array.json",
            "[{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}, {\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}]");
        assertThat(array.errors()).isEmpty();
        assertThat(array.nodes()).hasSize(1);
        assertThat(array.pods()).hasSize(1);

        final ReadResult stream = reader.readString("stream.json",
            "{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}\n{\"kind\":\"Node\",\"metadata\":{\"name\":\"b\"}}");
        assertThat(stream.errors()).isEmpty();
        assertThat(stream.nodes()).extracting(NodeObject::name).containsExactly("a", "b");
    }

    @Test
    void readsQuantitiesInEveryForm()
    {
        final ReadResult yaml = reader.readString("q.yaml", """
            kind: Node
            metadata: {name: n}
            status:
              allocatable:
                int: 2
                float: 0.5
                trailingZero: 1.50
                string: "100m"
                binary: 1.5Gi
                decimalSi: 2G
                exponent: 1e3
                upperExponent: 1E3
                negativeExponent: 1.5e-3
                nano: 1n
                padded: " 3 "
                zero: 0
                nothing: null
                nvidia.com/gpu: "2"
            """);
        assertThat(yaml.errors()).isEmpty();
        assertThat(yaml.nodes().getFirst().allocatable()).isEqualTo(ResourceList.ofMilli(
            "int", 2_000L,
            "float", 500L,
            "trailingZero", 1_500L,
            "string", 100L,
            "binary", 1_610_612_736_000L,
            "decimalSi", 2_000_000_000_000L,
            "exponent", 1_000_000L,
            "upperExponent", 1_000_000L,
            "negativeExponent", 2L,
            "nano", 1L,
            "padded", 3_000L,
            "zero", 0L,
            "nothing", 0L,
            "nvidia.com/gpu", 2_000L));

        final ReadResult json = reader.readString("q.json", """
            {"kind": "Node", "metadata": {"name": "n"},
             "status": {"allocatable": {"a": 0.5, "b": 1e3, "c": 1234567890123456, "d": 2.5E-1, "e": 100.0}}}
            """);
        assertThat(json.errors()).isEmpty();
        assertThat(json.nodes().getFirst().allocatable()).isEqualTo(ResourceList.ofMilli(
            "a", 500L, "b", 1_000_000L, "c", 1_234_567_890_123_456_000L, "d", 250L, "e", 100_000L));
    }

    @Test
    void reportsAQuantityTooLargeForMilliUnits()
    {
        final ReadResult result = reader.readString("big.json", """
            {"kind": "Node", "metadata": {"name": "n"}, "status": {"allocatable": {"c": 12345678901234567890}}}
            """);
        assertThat(result.nodes()).isEmpty();
        assertThat(result.errors()).singleElement().satisfies(e ->
        {
            assertThat(e.field()).isEqualTo("status.allocatable.c");
            assertThat(e.message()).contains("out of range").contains("12345678901234567890");
        });
    }

    @Test
    void mapsContainersInitContainersPortsAndOverhead()
    {
        final ReadResult result = reader.readString("pod.yaml", """
            kind: Pod
            metadata: {name: p}
            spec:
              overhead: {cpu: 250m, memory: 120Mi}
              initContainers:
                - name: init
                  image: migrate:1
                  resources: {requests: {cpu: "1"}}
                - name: sidecar
                  image: proxy:2
                  restartPolicy: Always
                  resources: {requests: {cpu: 100m}}
              containers:
                - name: app
                  image: app:3
                  restartPolicy: Always
                  ports:
                    - containerPort: 8080
                      hostPort: 80
                      protocol: UDP
                      hostIP: 10.0.0.1
                    - containerPort: 9090
                  resources:
                    requests: {cpu: 500m}
                    limits: {cpu: "1", memory: 1Gi}
            """);

        assertThat(result.errors()).isEmpty();
        final PodObject pod = result.pods().getFirst();
        assertThat(pod.overhead()).isEqualTo(ResourceList.ofMilli("cpu", 250L, "memory", 120L * 1024 * 1024 * 1000));
        assertThat(pod.initContainers()).containsExactly(
            new Container("init", "migrate:1", ResourceList.ofMilli("cpu", 1_000L), List.of(), false),
            new Container("sidecar", "proxy:2", ResourceList.ofMilli("cpu", 100L), List.of(), true));
        final Container app = pod.containers().getFirst();
        assertThat(app.restartPolicyAlways()).as("only init containers are sidecars").isFalse();
        assertThat(app.ports()).containsExactly(
            new ContainerPort(8080, 80, "UDP", "10.0.0.1"),
            new ContainerPort(9090, 0, "TCP", "0.0.0.0"));
        assertThat(app.requests()).as("a resource limited but not requested is requested at its limit")
            .isEqualTo(ResourceList.ofMilli("cpu", 500L, "memory", 1024L * 1024 * 1024 * 1000));
    }

    @Test
    void defaultsHostPortsWithHostNetwork()
    {
        final ReadResult result = reader.readString("pod.yaml", """
            kind: Pod
            metadata: {name: p}
            spec:
              hostNetwork: true
              containers:
                - name: c
                  ports: [{containerPort: 53, protocol: UDP}, {containerPort: 8080, hostPort: 8081}]
            """);
        assertThat(result.pods().getFirst().containers().getFirst().ports()).containsExactly(
            new ContainerPort(53, 53, "UDP", ""), new ContainerPort(8080, 8081, "TCP", ""));
    }

    @Test
    void mapsAffinityTolerationsAndTaints()
    {
        final ReadResult result = reader.readString("affinity.yaml", """
            kind: Node
            metadata: {name: gpu-1}
            spec:
              taints:
                - {key: dedicated, value: gpu, effect: NoSchedule}
                - {key: node.kubernetes.io/unschedulable, effect: NoSchedule, timeAdded: "2024-01-01T00:00:00Z"}
            status:
              images:
                - names: [docker.io/library/nginx:1.25, "nginx@sha256:abc"]
                  sizeBytes: 187495678
                - names: [big]
                  sizeBytes: 4000000000
            ---
            kind: Pod
            metadata: {name: p}
            spec:
              nodeSelector: {kubernetes.io/os: linux, disk: ssd}
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms:
                      - matchExpressions:
                          - {key: zone, operator: In, values: [a, b]}
                          - {key: gpu, operator: Exists}
                      - matchFields:
                          - {key: metadata.name, operator: NotIn, values: [gpu-2]}
                  preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 50
                      preference:
                        matchExpressions:
                          - {key: cores, operator: Gt, values: ["8"]}
                    - weight: 1
                      preference: {}
                podAntiAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution: []
              tolerations:
                - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}
                - {operator: Exists}
                - {key: flag, value: true, tolerationSeconds: 30}
            ---
            kind: Pod
            metadata: {name: empty-required}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution: {}
            ---
            kind: Pod
            metadata: {name: empty-terms}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms: []
            """);

        assertThat(result.errors()).isEmpty();
        final NodeObject node = result.nodes().getFirst();
        assertThat(node.taints()).containsExactly(
            new Taint("dedicated", "gpu", Taint.NO_SCHEDULE),
            new Taint("node.kubernetes.io/unschedulable", "", Taint.NO_SCHEDULE));
        assertThat(node.images()).containsExactly(
            new ContainerImage(List.of("docker.io/library/nginx:1.25", "nginx@sha256:abc"), 187_495_678L),
            new ContainerImage(List.of("big"), 4_000_000_000L));

        final PodObject pod = result.pods().getFirst();
        assertThat(pod.nodeSelector()).containsExactly(Map.entry("kubernetes.io/os", "linux"), Map.entry("disk", "ssd"));
        assertThat(pod.nodeAffinity().requiredTerms()).containsExactly(
            new NodeSelectorTerm(List.of(
                new NodeSelectorRequirement("zone", "In", List.of("a", "b")),
                new NodeSelectorRequirement("gpu", "Exists", List.of())), List.of()),
            new NodeSelectorTerm(List.of(),
                List.of(new NodeSelectorRequirement("metadata.name", "NotIn", List.of("gpu-2")))));
        assertThat(pod.nodeAffinity().preferredTerms()).containsExactly(
            new PreferredSchedulingTerm(50, new NodeSelectorTerm(
                List.of(new NodeSelectorRequirement("cores", "Gt", List.of("8"))), List.of())),
            new PreferredSchedulingTerm(1, new NodeSelectorTerm(List.of(), List.of())));
        assertThat(pod.tolerations()).containsExactly(
            new Toleration("dedicated", "Equal", "gpu", "NoSchedule"),
            new Toleration("", "Exists", "", ""),
            new Toleration("flag", "", "true", ""));

        assertThat(result.pods().get(1).nodeAffinity().requiredTerms())
            .as("required present without terms matches no node").isEmpty();
        assertThat(result.pods().get(2).nodeAffinity().requiredTerms()).isEmpty();
    }

    @Test
    void skipsOnlyThePodWithABadQuantity()
    {
        final ReadResult result = reader.readString("cluster.yaml", """
            kind: Pod
            metadata: {name: good-1}
            spec:
              containers: [{name: c, resources: {requests: {cpu: 100m}}}]
            ---
            kind: Pod
            metadata: {name: web-1, namespace: default}
            spec:
              containers:
                - name: c
                  resources:
                    requests:
                      cpu: 12x
            ---
            kind: Pod
            metadata: {name: good-2}
            spec:
              containers: [{name: c, resources: {requests: {cpu: "2"}}}]
            """);

        assertThat(result.pods()).extracting(PodObject::name).containsExactly("good-1", "good-2");
        assertThat(result.errors()).singleElement().satisfies(e ->
        {
            assertThat(e.source()).isEqualTo("cluster.yaml");
            assertThat(e.kind()).isEqualTo("Pod");
            assertThat(e.name()).isEqualTo("default/web-1");
            assertThat(e.field()).isEqualTo("spec.containers[0].resources.requests.cpu");
            assertThat(e.message()).isEqualTo("cannot parse quantity \"12x\"");
            assertThat(e).hasToString(
                "cluster.yaml: Pod default/web-1: spec.containers[0].resources.requests.cpu: cannot parse quantity \"12x\"");
        });
    }

    @Test
    void reportsNegativeAndRepeatedQuantities()
    {
        final ReadResult result = reader.readString("q.json", """
            [{"kind": "Node", "metadata": {"name": "neg"}, "status": {"allocatable": {"cpu": "-1"}}},
             {"kind": "Node", "metadata": {"name": "twice"},
              "status": {"allocatable": {"cpu": "1", "nvidia.com/gpu": "1", "nvidia.com/gpu": "2"}}},
             {"kind": "Node", "metadata": {"name": "bool"}, "status": {"allocatable": {"cpu": true}}},
             {"kind": "Node", "metadata": {"name": "ok", "labels": {"a": "1", "a": "2"}}}]
            """);

        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("ok");
        assertThat(result.nodes().getFirst().labels()).as("a repeated label keeps the last, as Go does")
            .containsExactly(Map.entry("a", "2"));
        assertThat(result.errors()).extracting(Object::toString).containsExactly(
            "q.json: Node neg: status.allocatable.cpu: negative quantity \"-1\"",
            "q.json: Node twice: status.allocatable[\"nvidia.com/gpu\"]: resource \"nvidia.com/gpu\" is listed more than once",
            "q.json: Node bool: status.allocatable.cpu: expected a quantity, got a boolean true");
    }

    @Test
    void reportsFieldsOfTheWrongType()
    {
        final ReadResult result = reader.readString("types.yaml", """
            kind: Pod
            metadata: {name: containers-string}
            spec:
              containers: "nginx"
            ---
            kind: Node
            metadata:
              name: labels-list
              labels: [a, b]
            ---
            kind: Pod
            metadata: {name: port-text, namespace: ns}
            spec:
              containers:
                - name: c
                  ports: [{containerPort: 80, hostPort: abc}]
            ---
            kind: Pod
            metadata: {name: priority-float}
            spec: {priority: 1.5}
            ---
            kind: Node
            metadata: {name: unschedulable-text}
            spec: {unschedulable: "yes please"}
            ---
            kind: Pod
            metadata: {name: bad-time, creationTimestamp: yesterday}
            ---
            kind: Node
            metadata: {name: label-object, labels: {a: {b: c}}}
            ---
            kind: Pod
            metadata: {name: big-port}
            spec:
              containers: [{name: c, ports: [{containerPort: 99999999999}]}]
            ---
            kind: Pod
            metadata: {name: ok}
            """);

        assertThat(result.pods()).extracting(PodObject::name).containsExactly("ok");
        assertThat(result.errors()).extracting(Object::toString).containsExactly(
            "types.yaml: Pod default/containers-string: spec.containers: expected a list, got a string \"nginx\"",
            "types.yaml: Node labels-list: metadata.labels: expected an object, got a list",
            "types.yaml: Pod ns/port-text: spec.containers[0].ports[0].hostPort: expected an integer, got a string \"abc\"",
            "types.yaml: Pod default/priority-float: spec.priority: expected an integer, got a number 1.5",
            "types.yaml: Node unschedulable-text: spec.unschedulable: expected a boolean, got a string \"yes please\"",
            "types.yaml: Pod default/bad-time: metadata.creationTimestamp: cannot parse RFC 3339 time \"yesterday\"",
            "types.yaml: Node label-object: metadata.labels.a: expected a string, got an object",
            "types.yaml: Pod default/big-port: spec.containers[0].ports[0].containerPort: integer 99999999999 does not fit in 32 bits");
    }

    @Test
    void reportsMissingNamesAndKinds()
    {
        final ReadResult result = reader.readString("names.yaml", """
            kind: Pod
            metadata: {namespace: x}
            ---
            kind: Node
            metadata: {name: ok}
            ---
            kind: Node
            ---
            apiVersion: v1
            metadata: {name: kindless}
            ---
            kind: 7
            metadata: {name: numeric-kind}
            ---
            just some text
            """);

        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("ok");
        assertThat(result.errors()).extracting(Object::toString).containsExactly(
            "names.yaml: Pod <unnamed #1>: metadata.name: missing name",
            "names.yaml: Node <unnamed #3>: metadata.name: missing name",
            "names.yaml: kindless: kind: missing kind",
            "names.yaml: numeric-kind: kind: expected a string, got a number 7",
            "names.yaml: <unnamed #6>: expected a Kubernetes object, got a string \"just some text\"");
    }

    @Test
    void keepsObjectsBeforeTextThatIsNotYaml()
    {
        final ReadResult result = reader.readString("broken.yaml", """
            kind: Node
            metadata: {name: before}
            ---
            kind: Node
            metadata: {name: [unclosed
            ---
            kind: Node
            metadata: {name: after}
            """);

        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("before");
        assertThat(result.errors()).singleElement().satisfies(e ->
        {
            assertThat(e.source()).isEqualTo("broken.yaml");
            assertThat(e.kind()).isEmpty();
            assertThat(e.message()).startsWith("invalid YAML at line ");
            assertThat(e.toString()).startsWith("broken.yaml: invalid YAML at line ");
        });
    }

    @Test
    void keepsArrayElementsBeforeTextThatIsNotJson()
    {
        final ReadResult result = reader.readString("broken.json", """
            [{"kind": "Node", "metadata": {"name": "a"}},
             {"kind": "Node", "metadata": {"name": "b"}},
             {"kind": "Node", "metadata": {"name": "c"} oops
            """);

        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("a", "b");
        assertThat(result.errors()).singleElement().satisfies(e ->
            assertThat(e.toString()).startsWith("broken.json: invalid JSON at line 3, column "));
    }

    @Test
    void reportsGarbage()
    {
        assertThat(reader.readString("garbage.json", "{{{{ not json at all").errors()).singleElement()
            .satisfies(e -> assertThat(e.message()).startsWith("invalid JSON at line 1"));
        assertThat(reader.readString("garbage.yaml", "key: value: other: [\n  - {").errors()).singleElement()
            .satisfies(e -> assertThat(e.message()).startsWith("invalid YAML"));
        assertThat(reader.readString("binary", "\u0000\u0001\u0002").errors()).hasSize(1);
        assertThat(reader.readString("empty", "").errors()).isEmpty();
        assertThat(reader.readString("blank", "  \n# only a comment\n").errors()).isEmpty();
    }

    @Test
    void expandsYamlAnchorsAliasesAndMergeKeys()
    {
        final ReadResult result = reader.readString("anchors.yaml", """
            kind: Pod
            metadata:
              name: p
              labels: &labels {app: web, tier: frontend}
            spec:
              nodeSelector: *labels
              containers:
                - name: a
                  image: &image nginx:1.25
                  resources: {requests: &small {cpu: 100m, memory: 64Mi}}
                - name: b
                  image: *image
                  resources:
                    requests:
                      <<: *small
                      cpu: "2"
            ---
            kind: Node
            metadata: {name: *undefined-in-this-document}
            """);

        final PodObject pod = result.pods().getFirst();
        assertThat(pod.nodeSelector()).isEqualTo(pod.labels()).containsEntry("tier", "frontend");
        assertThat(pod.containers()).extracting(Container::image).containsExactly("nginx:1.25", "nginx:1.25");
        assertThat(pod.containers().get(1).requests())
            .as("keys of the mapping win over merged ones, merged ones keep their place after them")
            .isEqualTo(ResourceList.ofMilli("cpu", 2_000L, "memory", 64L * 1024 * 1024 * 1000));
        assertThat(result.errors()).singleElement().satisfies(e ->
            assertThat(e.message()).startsWith("invalid YAML at line 19").contains("unknown YAML alias"));
    }

    @Test
    void limitsWhatYamlAliasesExpandTo()
    {
        final StringBuilder laughs = new StringBuilder("kind: Node\nmetadata: {name: n}\nlol0: &lol0 [a, b, c, d, e, f, g, h, i, j]\n");
        for (int i = 1; i < 10; i++)
        {
            laughs.append("lol").append(i).append(": &lol").append(i).append(" [");
            for (int j = 0; j < 10; j++)
            {
                laughs.append(j == 0 ? "" : ", ").append("*lol").append(i - 1);
            }
            laughs.append("]\n");
        }
        final ReadResult result = reader.readString("laughs.yaml", laughs.toString());
        assertThat(result.nodes()).isEmpty();
        assertThat(result.errors()).singleElement()
            .satisfies(e -> assertThat(e.message()).contains("YAML aliases expand to more than 1000000 nodes"));

        final StringBuilder deep = new StringBuilder();
        for (int i = 0; i < 1100; i++)
        {
            deep.append("  ".repeat(i)).append("a:\n");
        }
        assertThat(reader.readString("deep.yaml", deep.toString()).errors()).singleElement()
            .satisfies(e -> assertThat(e.message()).startsWith("invalid YAML").containsIgnoringCase("nesting depth"));
    }

    @Test
    void keepsAYamlFloatJacksonCannotReadAsText()
    {
        final ReadResult result = reader.readString("inf.yaml", """
            kind: Node
            metadata: {name: inf, labels: {x: .inf}}
            status: {allocatable: {cpu: .inf}}
            ---
            kind: Node
            metadata: {name: ok}
            """);
        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("ok");
        assertThat(result.errors()).extracting(Object::toString)
            .containsExactly("inf.yaml: Node inf: status.allocatable.cpu: cannot parse quantity \".inf\"");
    }

    @Test
    void ignoresUnknownFields()
    {
        final ReadResult result = reader.readString("unknown.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              uid: 1234
              annotations: {a: b}
              ownerReferences: [{kind: ReplicaSet, name: rs}]
              managedFields: [{manager: kubectl}]
            spec:
              schedulerName: default-scheduler
              volumes: [{name: v, emptyDir: {}}]
              futureField: {nested: [1, 2, 3]}
              containers:
                - name: c
                  image: i
                  env: [{name: A, value: "1"}]
                  livenessProbe: {httpGet: {path: /, port: 80}}
                  resources:
                    claims: [{name: gpu}]
            status:
              conditions: [{type: PodScheduled, status: "False"}]
              qosClass: BestEffort
            """);
        assertThat(result.errors()).isEmpty();
        assertThat(result.pods()).extracting(PodObject::name).containsExactly("p");
    }

    @Test
    void convertsScalarLabelValuesToText()
    {
        final ReadResult result = reader.readString("labels.yaml", """
            kind: Node
            metadata:
              name: n
              labels:
                tier: 1
                gpu: true
                version: 1.10
                empty:
                quoted: "007"
                weird value: "!!! not a valid label value !!!"
            """);
        assertThat(result.errors()).isEmpty();
        assertThat(result.nodes().getFirst().labels()).containsExactly(
            Map.entry("tier", "1"),
            Map.entry("gpu", "true"),
            Map.entry("version", "1.10"),
            Map.entry("empty", ""),
            Map.entry("quoted", "007"),
            Map.entry("weird value", "!!! not a valid label value !!!"));
    }

    @Test
    void rejectsHugeStringsAndLabelSets()
    {
        final StringBuilder labels = new StringBuilder();
        for (int i = 0; i <= ObjectDecoder.MAX_ENTRIES; i++)
        {
            labels.append(i == 0 ? "" : ",").append("\"l").append(i).append("\":\"v\"");
        }
        final String hugeName = "x".repeat(ObjectDecoder.MAX_STRING_CHARS + 1);
        final ReadResult result = reader.readString("hostile.json",
            "[{\"kind\":\"Node\",\"metadata\":{\"name\":\"many\",\"labels\":{" + labels + "}}}," +
            "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"image\":\"" + hugeName + "\"}]}}," +
            "{\"kind\":\"Node\",\"metadata\":{\"name\":\"ok\"}}]");

        assertThat(result.nodes()).extracting(NodeObject::name).containsExactly("ok");
        assertThat(result.errors()).extracting(Object::toString).containsExactly(
            "hostile.json: Node many: metadata.labels: 10001 entries are more than the limit of 10000",
            "hostile.json: Pod default/p: spec.containers[0].image: string of 1048577 characters is longer than the limit of 1048576");
    }

    @Test
    void readsKubectlGetNodesJson()
    {
        final ReadResult result = reader.readString("kubectl-get-nodes.json", """
            {
                "apiVersion": "v1",
                "items": [
                    {
                        "apiVersion": "v1",
                        "kind": "Node",
                        "metadata": {
                            "annotations": {
                                "node.alpha.kubernetes.io/ttl": "0",
                                "volumes.kubernetes.io/controller-managed-attach-detach": "true"
                            },
                            "creationTimestamp": "2024-03-11T09:14:27Z",
                            "labels": {
                                "beta.kubernetes.io/arch": "amd64",
                                "beta.kubernetes.io/os": "linux",
                                "kubernetes.io/arch": "amd64",
                                "kubernetes.io/hostname": "kind-control-plane",
                                "kubernetes.io/os": "linux",
                                "node-role.kubernetes.io/control-plane": "",
                                "node.kubernetes.io/exclude-from-external-load-balancers": ""
                            },
                            "name": "kind-control-plane",
                            "resourceVersion": "123456",
                            "uid": "5f0c2a4e-3f1b-4a53-9a51-6f1f0e1d2c3b"
                        },
                        "spec": {
                            "podCIDR": "10.244.0.0/24",
                            "podCIDRs": ["10.244.0.0/24"],
                            "providerID": "kind://docker/kind/kind-control-plane",
                            "taints": [
                                {"effect": "NoSchedule", "key": "node-role.kubernetes.io/control-plane"}
                            ]
                        },
                        "status": {
                            "addresses": [
                                {"address": "172.18.0.2", "type": "InternalIP"},
                                {"address": "kind-control-plane", "type": "Hostname"}
                            ],
                            "allocatable": {
                                "cpu": "8",
                                "ephemeral-storage": "490617784Ki",
                                "hugepages-1Gi": "0",
                                "hugepages-2Mi": "0",
                                "memory": "32579396Ki",
                                "pods": "110"
                            },
                            "capacity": {
                                "cpu": "8",
                                "ephemeral-storage": "490617784Ki",
                                "hugepages-1Gi": "0",
                                "hugepages-2Mi": "0",
                                "memory": "32579396Ki",
                                "pods": "110"
                            },
                            "conditions": [
                                {
                                    "lastHeartbeatTime": "2024-03-12T10:00:00Z",
                                    "lastTransitionTime": "2024-03-11T09:14:50Z",
                                    "message": "kubelet is posting ready status",
                                    "reason": "KubeletReady",
                                    "status": "True",
                                    "type": "Ready"
                                }
                            ],
                            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
                            "images": [
                                {
                                    "names": [
                                        "registry.k8s.io/etcd@sha256:44a8e24dcbba3470ee1fee21d5e88d128c936e9b55d4bc51fbef8086f8ed123b",
                                        "registry.k8s.io/etcd:3.5.12-0"
                                    ],
                                    "sizeBytes": 57236178
                                },
                                {
                                    "names": ["docker.io/kindest/kindnetd:v20240202-8f1494ea"],
                                    "sizeBytes": 27755257
                                }
                            ],
                            "nodeInfo": {
                                "architecture": "amd64",
                                "containerRuntimeVersion": "containerd://1.7.13",
                                "kernelVersion": "6.5.0-21-generic",
                                "kubeProxyVersion": "v1.29.2",
                                "kubeletVersion": "v1.29.2",
                                "operatingSystem": "linux",
                                "osImage": "Debian GNU/Linux 12 (bookworm)"
                            }
                        }
                    }
                ],
                "kind": "List",
                "metadata": {
                    "resourceVersion": ""
                }
            }
            """);

        assertThat(result.errors()).isEmpty();
        final NodeObject node = result.nodes().getFirst();
        assertThat(node.name()).isEqualTo("kind-control-plane");
        assertThat(node.labels()).hasSize(7).containsEntry("node-role.kubernetes.io/control-plane", "");
        assertThat(node.taints()).containsExactly(new Taint("node-role.kubernetes.io/control-plane", "", "NoSchedule"));
        assertThat(node.allocatable().milliValue("cpu")).isEqualTo(8_000);
        assertThat(node.allocatable().milliValue("memory")).isEqualTo(32_579_396L * 1024 * 1000);
        assertThat(node.allocatable().milliValue("ephemeral-storage")).isEqualTo(490_617_784L * 1024 * 1000);
        assertThat(node.allocatable().contains("hugepages-2Mi")).isTrue();
        assertThat(node.images()).extracting(ContainerImage::sizeBytes).containsExactly(57_236_178L, 27_755_257L);
    }

    @Test
    void readsStreamsAndFiles(@TempDir final Path dir) throws Exception
    {
        final byte[] json = ("\uFEFF  \n[{\"kind\":\"Node\",\"metadata\":{\"name\":\"a\"}}]").getBytes(StandardCharsets.UTF_8);
        final ReadResult fromStream = reader.read("stdin", new ByteArrayInputStream(json));
        assertThat(fromStream.errors()).isEmpty();
        assertThat(fromStream.nodes()).extracting(NodeObject::name).containsExactly("a");

        final Path file = dir.resolve("nodes.yaml");
        Files.writeString(file, "\uFEFFkind: Node\nmetadata: {name: b}\nstatus: {allocatable: {cpu: 2}\n");
        final ReadResult fromFile = reader.read(file);
        assertThat(fromFile.nodes()).isEmpty();
        assertThat(fromFile.errors()).singleElement()
            .satisfies(e -> assertThat(e.source()).isEqualTo(file.toString()));

        Files.writeString(file, "\uFEFFkind: Node\nmetadata: {name: b}\nstatus: {allocatable: {cpu: 2}}\n");
        assertThat(reader.read(file).nodes()).extracting(NodeObject::name).containsExactly("b");

        final Path missing = dir.resolve("missing.yaml");
        assertThatThrownBy(() -> reader.read(missing))
            .isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining(missing.toString());
    }

    @Test
    void readsTheExamples()
    {
        final ReadResult cluster = reader.read(EXAMPLES.resolve("cluster.yaml"));
        assertThat(cluster.errors()).isEmpty();
        assertThat(cluster.nodes()).extracting(NodeObject::name).containsExactly("node-a", "node-b", "node-c", "node-d");
        assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.labels()).containsEntry("kubernetes.io/os", "linux"));
        assertThat(cluster.nodes().get(1).allocatable().milliValue("nvidia.com/gpu")).isEqualTo(2_000);
        assertThat(cluster.nodes().get(1).taints()).contains(new Taint("dedicated", "gpu", Taint.NO_SCHEDULE));
        assertThat(cluster.nodes().get(2).taints()).extracting(Taint::effect).containsExactly(Taint.PREFER_NO_SCHEDULE);
        assertThat(cluster.nodes().get(2).allocatable().milliValue("memory")).isEqualTo(14_495_514_624_000L);
        assertThat(cluster.nodes().get(3).unschedulable()).isTrue();
        assertThat(cluster.nodes().get(3).allocatable().milliValue("cpu")).isEqualTo(3_920);
        assertThat(cluster.nodes()).filteredOn(n -> !n.images().isEmpty()).hasSize(2);
        assertThat(cluster.pods()).hasSize(3).allSatisfy(p -> assertThat(p.isBound()).isTrue());

        final ReadResult pod = reader.read(EXAMPLES.resolve("pod.yaml"));
        assertThat(pod.errors()).isEmpty();
        final PodObject web = pod.pods().getFirst();
        assertThat(web.isBound()).isFalse();
        assertThat(web.containers().getFirst().requests())
            .isEqualTo(ResourceList.ofMilli("cpu", 500L, "memory", 512L * 1024 * 1024 * 1000));
        assertThat(web.nodeSelector()).containsExactly(Map.entry("kubernetes.io/os", "linux"));
        assertThat(web.tolerations()).containsExactly(new Toleration("dedicated", "Equal", "gpu", "NoSchedule"));
        assertThat(web.nodeAffinity().requiredTerms()).isNull();
        assertThat(web.nodeAffinity().preferredTerms()).hasSize(1);

        final ReadResult pods = reader.read(EXAMPLES.resolve("pods.yaml"));
        assertThat(pods.errors()).isEmpty();
        assertThat(pods.pods()).hasSize(10).noneMatch(PodObject::isBound);
        assertThat(pods.pods()).extracting(PodObject::key).doesNotHaveDuplicates();
        assertThat(pods.pods()).filteredOn(p -> p.name().equals("gpu-job")).singleElement()
            .satisfies(p -> assertThat(p.containers().getFirst().requests().milliValue("nvidia.com/gpu")).isEqualTo(1_000));
    }

    @Test
    void mergesResults()
    {
        final ReadResult a = reader.readString("a", "kind: Node\nmetadata: {name: a}");
        final ReadResult b = reader.readString("b", "kind: Pod\nmetadata: {}");
        final ReadResult both = a.plus(b);
        assertThat(both.nodes()).hasSize(1);
        assertThat(both.errors()).hasSize(1);
        assertThat(both.hasErrors()).isTrue();
        assertThat(a.hasErrors()).isFalse();
    }
}
