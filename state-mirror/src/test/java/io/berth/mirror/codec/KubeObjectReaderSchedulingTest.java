package io.berth.mirror.codec;

import io.berth.sched.model.IntOrString;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** The pod fields and object kinds that priorities, preemption, pod affinity and topology spreading read. */
class KubeObjectReaderSchedulingTest
{
    private final KubeObjectReader reader = new KubeObjectReader();

    @Test
    void mapsPriorityPreemptionGatesAndStatusOfPods()
    {
        final ReadResult result = reader.readString("pods.yaml", """
            apiVersion: v1
            kind: Pod
            metadata:
              name: p
              namespace: shop
              deletionTimestamp: "2024-05-01T10:05:00Z"
            spec:
              priorityClassName: high
              priority: 1000
              preemptionPolicy: Never
              schedulingGates: [{name: example.com/quota}, {name: other}]
            status:
              nominatedNodeName: n7
              startTime: "2024-05-01T10:00:00Z"
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: zero}
            spec: {priority: 0}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: bare}
            """);

        assertThat(result.errors()).isEmpty();
        final PodObject p = result.pods().getFirst();
        assertThat(p.priorityClassName()).isEqualTo("high");
        assertThat(p.priority()).isEqualTo(1000);
        assertThat(p.hasPriority()).isTrue();
        assertThat(p.preemptionPolicy()).isEqualTo("Never");
        assertThat(p.schedulingGates()).containsExactly("example.com/quota", "other");
        assertThat(p.nominatedNodeName()).isEqualTo("n7");
        assertThat(p.startTimeMs()).isEqualTo(Instant.parse("2024-05-01T10:00:00Z").toEpochMilli());
        assertThat(p.deletionTimestampMs()).isEqualTo(Instant.parse("2024-05-01T10:05:00Z").toEpochMilli());
        assertThat(p.isTerminating()).isTrue();

        final PodObject zero = result.pods().get(1);
        assertThat(zero.hasPriority()).as("spec.priority: 0 is present").isTrue();
        assertThat(zero.priority()).isZero();

        final PodObject bare = result.pods().get(2);
        assertThat(bare.hasPriority()).isFalse();
        assertThat(bare.priorityClassName()).isEmpty();
        assertThat(bare.preemptionPolicy()).isEmpty();
        assertThat(bare.schedulingGates()).isEmpty();
        assertThat(bare.podAffinity()).isSameAs(PodAffinity.NONE);
        assertThat(bare.podAntiAffinity()).isSameAs(PodAffinity.NONE);
        assertThat(bare.topologySpreadConstraints()).isEmpty();
        assertThat(bare.nominatedNodeName()).isEmpty();
        assertThat(bare.startTimeMs()).isZero();
        assertThat(bare.isTerminating()).isFalse();
    }

    @Test
    void mapsPodAffinityAndAntiAffinity()
    {
        final ReadResult result = reader.readString("affinity.yaml", """
            apiVersion: v1
            kind: Pod
            metadata: {name: web}
            spec:
              affinity:
                nodeAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: Exists}]}]
                podAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    - labelSelector:
                        matchLabels: {app: db, tier: 1}
                        matchExpressions:
                          - {key: env, operator: In, values: [prod, staging]}
                          - {key: canary, operator: DoesNotExist}
                      namespaces: [data, shop]
                      topologyKey: topology.kubernetes.io/zone
                      namespaceSelector: {}
                      matchLabelKeys: [pod-template-hash]
                      mismatchLabelKeys: [tenant]
                    - topologyKey: kubernetes.io/hostname
                  preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 40
                      podAffinityTerm:
                        labelSelector: {}
                        topologyKey: kubernetes.io/hostname
                        namespaceSelector: {matchLabels: {team: a}}
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 100
                      podAffinityTerm:
                        labelSelector: {matchLabels: {app: web}}
                        topologyKey: kubernetes.io/hostname
            """);

        assertThat(result.errors()).isEmpty();
        final PodObject web = result.pods().getFirst();
        assertThat(web.nodeAffinity().requiredTerms()).hasSize(1);

        final PodAffinity affinity = web.podAffinity();
        assertThat(affinity.required()).hasSize(2);
        assertThat(affinity.required().getFirst()).isEqualTo(new PodAffinityTerm(
            new LabelSelector(Map.of("app", "db", "tier", "1"), List.of(
                new LabelSelectorRequirement("env", "In", List.of("prod", "staging")),
                new LabelSelectorRequirement("canary", "DoesNotExist", List.of()))),
            List.of("data", "shop"),
            "topology.kubernetes.io/zone",
            LabelSelector.EMPTY,
            List.of("pod-template-hash"),
            List.of("tenant")));
        final PodAffinityTerm bare = affinity.required().get(1);
        assertThat(bare.labelSelector()).as("an absent selector is null: it matches no pod").isNull();
        assertThat(bare.namespaceSelector()).as("absent: the pod's own namespace").isNull();
        assertThat(bare.namespaces()).isEmpty();
        assertThat(bare.topologyKey()).isEqualTo("kubernetes.io/hostname");

        assertThat(affinity.preferred()).containsExactly(new WeightedPodAffinityTerm(40, new PodAffinityTerm(
            LabelSelector.EMPTY, List.of(), "kubernetes.io/hostname",
            new LabelSelector(Map.of("team", "a"), List.of()), List.of(), List.of())));
        assertThat(affinity.preferred().getFirst().term().labelSelector().isEmpty()).isTrue();

        assertThat(web.podAntiAffinity().required()).isEmpty();
        assertThat(web.podAntiAffinity().preferred()).containsExactly(new WeightedPodAffinityTerm(100,
            new PodAffinityTerm(new LabelSelector(Map.of("app", "web"), List.of()), List.of(),
                "kubernetes.io/hostname", null, List.of(), List.of())));
    }

    @Test
    void mapsTopologySpreadConstraints()
    {
        final ReadResult result = reader.readString("spread.json", """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "s"},
             "spec": {"topologySpreadConstraints": [
               {"maxSkew": 2, "topologyKey": "topology.kubernetes.io/zone", "whenUnsatisfiable": "DoNotSchedule",
                "labelSelector": {"matchExpressions": [{"key": "app", "operator": "NotIn", "values": ["x"]}]},
                "minDomains": 3, "nodeAffinityPolicy": "Ignore", "nodeTaintsPolicy": "Honor",
                "matchLabelKeys": ["pod-template-hash"]},
               {"maxSkew": 1, "topologyKey": "kubernetes.io/hostname", "whenUnsatisfiable": "ScheduleAnyway"}
             ]}}
            """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.pods().getFirst().topologySpreadConstraints()).containsExactly(
            new TopologySpreadConstraint(2, "topology.kubernetes.io/zone", "DoNotSchedule",
                new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement("app", "NotIn", List.of("x")))),
                3, "Ignore", "Honor", List.of("pod-template-hash")),
            new TopologySpreadConstraint(1, "kubernetes.io/hostname", "ScheduleAnyway", null, null, "", "", List.of()));
    }

    @Test
    void mapsPriorityClassesNamespacesAndDisruptionBudgets()
    {
        final ReadResult result = reader.readString("policy.yaml", """
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: high}
            value: 1000000
            globalDefault: true
            preemptionPolicy: Never
            description: ignored
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClassList
            items:
              - metadata: {name: low}
                value: -5
            ---
            apiVersion: scheduling.k8s.io/v1beta1
            kind: PriorityClass
            metadata: {name: old}
            value: 7
            ---
            apiVersion: example.com/v1
            kind: PriorityClass
            metadata: {name: custom}
            value: "not ours to judge"
            ---
            apiVersion: v1
            kind: Namespace
            metadata:
              name: shop
              labels: {team: a, kubernetes.io/metadata.name: shop}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: web, namespace: shop}
            spec:
              minAvailable: 2
              selector: {matchLabels: {app: web}}
            status:
              disruptionsAllowed: 1
              disruptedPods: {web-1: "2024-05-01T10:00:00Z"}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: half}
            spec:
              maxUnavailable: 50%
            """);

        assertThat(result.errors()).isEmpty();
        assertThat(result.priorityClasses()).containsExactly(
            new PriorityClass("high", 1_000_000, true, "Never"),
            new PriorityClass("low", -5, false, ""),
            new PriorityClass("old", 7, false, ""));
        assertThat(result.others()).extracting(OtherObject::kind, OtherObject::name)
            .containsExactly(tuple("PriorityClass", "custom"));
        assertThat(result.namespaces()).containsExactly(
            new NamespaceObject("shop", Map.of("team", "a", "kubernetes.io/metadata.name", "shop")));
        assertThat(result.podDisruptionBudgets()).containsExactly(
            new PodDisruptionBudget("shop", "web", new LabelSelector(Map.of("app", "web"), List.of()),
                IntOrString.ofInt(2), null, 1, Set.of("web-1")),
            new PodDisruptionBudget("default", "half", null, null, IntOrString.ofString("50%"), 0, Set.of()));
        assertThat(result.podDisruptionBudgets().get(1).maxUnavailable().isString()).isTrue();
    }

    @Test
    void skipsAndReportsMalformedSchedulingFields()
    {
        final ReadResult result = reader.readString("bad.yaml", """
            kind: Pod
            metadata: {name: gates-text}
            spec: {schedulingGates: "quota"}
            ---
            kind: Pod
            metadata: {name: gate-name, namespace: ns}
            spec: {schedulingGates: [{name: 5}]}
            ---
            kind: Pod
            metadata: {name: selector-list}
            spec:
              affinity:
                podAffinity:
                  requiredDuringSchedulingIgnoredDuringExecution:
                    - labelSelector: {matchLabels: [app, web]}
                      topologyKey: zone
            ---
            kind: Pod
            metadata: {name: weight-text}
            spec:
              affinity:
                podAntiAffinity:
                  preferredDuringSchedulingIgnoredDuringExecution: [{weight: heavy, podAffinityTerm: {}}]
            ---
            kind: Pod
            metadata: {name: skew-text}
            spec:
              topologySpreadConstraints: [{maxSkew: one, topologyKey: zone}]
            ---
            kind: Pod
            metadata: {name: min-domains-float}
            spec:
              topologySpreadConstraints: [{maxSkew: 1, topologyKey: zone, minDomains: 1.5}]
            ---
            kind: Pod
            metadata: {name: policy-list}
            spec: {preemptionPolicy: [Never]}
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: value-text}
            value: high
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: default-text}
            value: 1
            globalDefault: "yes"
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            value: 1
            ---
            kind: Namespace
            metadata: {name: labels-list, labels: [a]}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: min-bool, namespace: ns}
            spec: {minAvailable: true}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: allowed-text}
            status: {disruptionsAllowed: many}
            ---
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: expressions-object}
            spec: {selector: {matchExpressions: {key: app}}}
            ---
            kind: Pod
            metadata: {name: ok}
            """);

        assertThat(result.pods()).extracting(PodObject::name).containsExactly("ok");
        assertThat(result.priorityClasses()).isEmpty();
        assertThat(result.namespaces()).isEmpty();
        assertThat(result.podDisruptionBudgets()).isEmpty();
        assertThat(result.errors()).extracting(Object::toString).containsExactly(
            "bad.yaml: Pod default/gates-text: spec.schedulingGates: expected a list, got a string \"quota\"",
            "bad.yaml: Pod ns/gate-name: spec.schedulingGates[0].name: expected a string, got a number 5",
            "bad.yaml: Pod default/selector-list: spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0]"
                + ".labelSelector.matchLabels: expected an object, got a list",
            "bad.yaml: Pod default/weight-text: spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0]"
                + ".weight: expected an integer, got a string \"heavy\"",
            "bad.yaml: Pod default/skew-text: spec.topologySpreadConstraints[0].maxSkew: expected an integer, got a string \"one\"",
            "bad.yaml: Pod default/min-domains-float: spec.topologySpreadConstraints[0].minDomains: expected an integer, got a number 1.5",
            "bad.yaml: Pod default/policy-list: spec.preemptionPolicy: expected a string, got a list",
            "bad.yaml: PriorityClass value-text: value: expected an integer, got a string \"high\"",
            "bad.yaml: PriorityClass default-text: globalDefault: expected a boolean, got a string \"yes\"",
            "bad.yaml: PriorityClass <unnamed #10>: metadata.name: missing name",
            "bad.yaml: Namespace labels-list: metadata.labels: expected an object, got a list",
            "bad.yaml: PodDisruptionBudget ns/min-bool: spec.minAvailable: expected an integer or a string, got a boolean true",
            "bad.yaml: PodDisruptionBudget default/allowed-text: status.disruptionsAllowed: expected an integer, got a string \"many\"",
            "bad.yaml: PodDisruptionBudget default/expressions-object: spec.selector.matchExpressions: expected a list, got an object");
    }

    @Test
    void concatenatesEveryListAndKeepsTheShortConstructor()
    {
        final ReadResult a = reader.readString("a.yaml", """
            kind: Namespace
            metadata: {name: a}
            ---
            apiVersion: scheduling.k8s.io/v1
            kind: PriorityClass
            metadata: {name: pa}
            value: 1
            """);
        final ReadResult b = reader.readString("b.yaml", """
            apiVersion: policy/v1
            kind: PodDisruptionBudget
            metadata: {name: pdb}
            ---
            kind: Namespace
            metadata: {name: b}
            """);
        final ReadResult all = ReadResult.EMPTY.plus(a).plus(b);
        assertThat(all.namespaces()).extracting(NamespaceObject::name).containsExactly("a", "b");
        assertThat(all.priorityClasses()).extracting(PriorityClass::name).containsExactly("pa");
        assertThat(all.podDisruptionBudgets()).extracting(PodDisruptionBudget::name).containsExactly("pdb");

        final ReadResult shortForm = new ReadResult(List.of(), List.of(), List.of(), List.of());
        assertThat(shortForm.priorityClasses()).isEmpty();
        assertThat(shortForm.namespaces()).isEmpty();
        assertThat(shortForm.podDisruptionBudgets()).isEmpty();
        assertThat(shortForm).isEqualTo(ReadResult.EMPTY);
    }
}
