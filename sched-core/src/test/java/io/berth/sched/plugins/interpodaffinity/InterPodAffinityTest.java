package io.berth.sched.plugins.interpodaffinity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Explanation;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.Plugins;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.WeightedPodAffinityTerm;
import io.berth.sched.table.NodeTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's filtering_test.go (TestRequiredAffinitySingleNode) and scoring_test.go (TestPreferredAffinity) cases
 * Berth can represent, each run with the vector and the scalar passes; vector == scalar on random clusters; and a
 * property test of random placements and deletions: required anti-affinity (both ways) is never violated and the
 * incremental counters equal counters rebuilt from scratch.
 */
final class InterPodAffinityTest
{
    private static final String OK = "<ok>";
    private static final Map<String, String> POD_LABEL = Map.of("service", "securityscan");
    private static final Map<String, String> POD_LABEL2 = Map.of("security", "S1");
    private static final Map<String, String> LABELS1 = Map.of("region", "r1", "zone", "z11");

    // ---------------------------------------------------------------- helpers

    private static LabelSelectorRequirement req(final String key, final String op, final String... values)
    {
        return new LabelSelectorRequirement(key, op, List.of(values));
    }

    private static LabelSelector exprs(final LabelSelectorRequirement... reqs)
    {
        return new LabelSelector(Map.of(), List.of(reqs));
    }

    private static PodAffinityTerm term(final LabelSelector selector, final String topologyKey)
    {
        return new PodAffinityTerm(selector, List.of(), topologyKey, null, List.of(), List.of());
    }

    private static PodAffinityTerm term(
        final LabelSelector selector, final String topologyKey, final List<String> namespaces, final LabelSelector nsSelector)
    {
        return new PodAffinityTerm(selector, namespaces, topologyKey, nsSelector, List.of(), List.of());
    }

    private static WeightedPodAffinityTerm weighted(final int weight, final PodAffinityTerm t)
    {
        return new WeightedPodAffinityTerm(weight, t);
    }

    private static int podSeq;

    private static PodObject pod(
        final String ns, final String node, final Map<String, String> labels, final PodAffinity aff, final PodAffinity anti)
    {
        return PodObject.builder(ns, "p" + podSeq++).nodeName(node).labels(labels).podAffinity(aff).podAntiAffinity(anti)
            .build();
    }

    private static PodAffinity required(final PodAffinityTerm... terms)
    {
        return new PodAffinity(List.of(terms), List.of());
    }

    private static PodAffinity preferred(final WeightedPodAffinityTerm... terms)
    {
        return new PodAffinity(List.of(), List.of(terms));
    }

    private static NodeObject node(final String name, final Map<String, String> labels)
    {
        return NodeObject.builder(name).labels(labels).build();
    }

    private static SchedulingEngine engine(final InterPodAffinity p, final boolean vector)
    {
        return new SchedulingEngine(new NodeTable(64), new Plugins(List.of(p), List.of(p), new int[] {1}), 7).vector(vector);
    }

    private static Explanation explain(
        final boolean vector, final List<NamespaceObject> namespaces, final PodObject incoming, final List<PodObject> pods,
        final NodeObject... nodes)
    {
        final InterPodAffinity p = new InterPodAffinity();
        p.setNamespaces(namespaces);
        final SchedulingEngine e = engine(p, vector);
        for (final NodeObject n : nodes)
        {
            e.upsertNode(n);
        }
        for (final PodObject pod : pods)
        {
            e.addBoundPod(pod);
        }
        return e.explain(incoming);
    }

    /** One node, as kube's TestRequiredAffinitySingleNode: the reason, or OK. */
    private static void assertFilter(final PodObject incoming, final List<PodObject> pods, final String expected)
    {
        for (final boolean vector : new boolean[] {true, false})
        {
            final Explanation x = explain(vector, List.of(), incoming, pods, node("machine1", LABELS1));
            final Explanation.NodeResult r = x.nodes().stream().filter(n -> n.name().equals("machine1")).findFirst().orElseThrow();
            assertThat(r.feasible() ? OK : String.join(",", r.reasons())).as("vector=" + vector).isEqualTo(expected);
        }
    }

    /** Normalized InterPodAffinity scores per node, as kube's TestPreferredAffinity. */
    private static void assertScores(
        final List<NamespaceObject> namespaces, final PodObject incoming, final List<PodObject> pods, final List<NodeObject> nodes,
        final long... expected)
    {
        for (final boolean vector : new boolean[] {true, false})
        {
            final Explanation x = explain(vector, namespaces, incoming, pods, nodes.toArray(new NodeObject[0]));
            final long[] got = new long[nodes.size()];
            for (int i = 0; i < nodes.size(); i++)
            {
                final String name = nodes.get(i).name();
                final Explanation.NodeResult r = x.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
                got[i] = r.scores().get(InterPodAffinity.NAME);
            }
            assertThat(got).as("vector=" + vector).containsExactly(expected);
        }
    }

    // ---------------------------------------------------------------- kube TestRequiredAffinitySingleNode

    @Test
    void noRequiredRulesNoExistingPods()
    {
        // "A pod that has no required pod affinity scheduling rules can schedule onto a node with no existing pods"
        assertFilter(pod("default", "", Map.of(), PodAffinity.NONE, PodAffinity.NONE), List.of(), OK);
    }

    @Test
    void affinityInMatchesExistingPod()
    {
        // "satisfies with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using In operator that matches the existing pod"
        final PodObject p = pod("default", "", POD_LABEL2,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "region")), PodAffinity.NONE);
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)), OK);
    }

    @Test
    void affinityNotInMatchesExistingPod()
    {
        // "satisfies the pod with requiredDuringSchedulingIgnoredDuringExecution in PodAffinity using not in operator in labelSelector that matches the existing pod"
        final PodObject p = pod("default", "", POD_LABEL2,
            required(term(exprs(req("service", "NotIn", "securityscan3", "value3")), "region")), PodAffinity.NONE);
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)), OK);
    }

    @Test
    void affinityDiffNamespace()
    {
        // "Does not satisfy the PodAffinity with labelSelector because of diff Namespace"
        final PodObject p = pod("default", "", POD_LABEL2,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "", List.of("DiffNameSpace"), null)),
            PodAffinity.NONE);
        assertFilter(p, List.of(pod("ns", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)),
            InterPodAffinity.REASON_AFFINITY);
    }

    @Test
    void affinityUnmatchingSelector()
    {
        // "Doesn't satisfy the PodAffinity because of unmatching labelSelector with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL,
            required(term(exprs(req("service", "In", "antivirusscan", "value2")), "")), PodAffinity.NONE);
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)),
            InterPodAffinity.REASON_AFFINITY);
    }

    @Test
    void affinityMultipleTermsSatisfied()
    {
        // "satisfies the PodAffinity with different label Operators in multiple RequiredDuringSchedulingIgnoredDuringExecution "
        final PodObject p = pod("default", "", POD_LABEL2, required(
            term(exprs(req("service", "Exists"), req("wrongkey", "DoesNotExist")), "region"),
            term(exprs(req("service", "In", "securityscan"), req("service", "NotIn", "WrongValue")), "region")),
            PodAffinity.NONE);
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)), OK);
    }

    @Test
    void affinityRequirementsAnded()
    {
        // "The labelSelector requirements(items of matchExpressions) are ANDed, the pod cannot schedule onto the node because one of the matchExpression item don't match."
        final PodObject p = pod("default", "", POD_LABEL2, required(
            term(exprs(req("service", "Exists"), req("wrongkey", "DoesNotExist")), "region"),
            term(exprs(req("service", "In", "securityscan2"), req("service", "NotIn", "WrongValue")), "region")),
            PodAffinity.NONE);
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)),
            InterPodAffinity.REASON_AFFINITY);
    }

    @Test
    void affinityAndAntiAffinitySatisfied()
    {
        // "satisfies the PodAffinity and PodAntiAffinity with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL2,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "region")),
            required(term(exprs(req("service", "In", "antivirusscan", "value2")), "node")));
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)), OK);
    }

    @Test
    void affinityAndAntiAffinityAndSymmetrySatisfied()
    {
        // "satisfies the PodAffinity and PodAntiAffinity and PodAntiAffinity symmetry with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL2,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "region")),
            required(term(exprs(req("service", "In", "antivirusscan", "value2")), "node")));
        final PodObject existing = pod("default", "machine1", POD_LABEL, PodAffinity.NONE,
            required(term(exprs(req("service", "In", "antivirusscan", "value2")), "node")));
        assertFilter(p, List.of(existing), OK);
    }

    @Test
    void antiAffinityNotSatisfied()
    {
        // "satisfies the PodAffinity but doesn't satisfy the PodAntiAffinity with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL2,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "region")),
            required(term(exprs(req("service", "In", "securityscan", "value2")), "zone")));
        assertFilter(p, List.of(pod("default", "machine1", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)),
            InterPodAffinity.REASON_ANTI_AFFINITY);
    }

    @Test
    void symmetryNotSatisfied()
    {
        // "satisfies the PodAffinity and PodAntiAffinity but doesn't satisfy PodAntiAffinity symmetry with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "region")),
            required(term(exprs(req("service", "In", "antivirusscan", "value2")), "node")));
        final PodObject existing = pod("default", "machine1", POD_LABEL, PodAffinity.NONE,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "zone")));
        assertFilter(p, List.of(existing), InterPodAffinity.REASON_EXISTING_ANTI_AFFINITY);
    }

    @Test
    void ownLabelNotMatchingOwnTerm()
    {
        // "pod matches its own Label in PodAffinity and that matches the existing pod Labels" (existing pod on machine2,
        // a node not in the cluster)
        final PodObject p = pod("default", "", POD_LABEL,
            required(term(exprs(req("service", "NotIn", "securityscan", "value2")), "region")), PodAffinity.NONE);
        assertFilter(p, List.of(pod("default", "machine2", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE)),
            InterPodAffinity.REASON_AFFINITY);
    }

    @Test
    void existingAntiAffinityWithoutOwnConstraints()
    {
        // "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. doesn't satisfy PodAntiAffinity symmetry with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE);
        final PodObject existing = pod("default", "machine1", POD_LABEL, PodAffinity.NONE,
            required(term(exprs(req("service", "In", "securityscan", "value2")), "zone")));
        assertFilter(p, List.of(existing), InterPodAffinity.REASON_EXISTING_ANTI_AFFINITY);
    }

    @Test
    void existingAntiAffinityNotMatching()
    {
        // "verify that PodAntiAffinity from existing pod is respected when pod has no AntiAffinity constraints. satisfy PodAntiAffinity symmetry with the existing pod"
        final PodObject p = pod("default", "", POD_LABEL, PodAffinity.NONE, PodAffinity.NONE);
        final PodObject existing = pod("default", "machine1", POD_LABEL, PodAffinity.NONE,
            required(term(exprs(req("service", "NotIn", "securityscan", "value2")), "zone")));
        assertFilter(p, List.of(existing), OK);
    }

    @Test
    void antiAffinityBeforeSymmetry()
    {
        // "satisfies the PodAntiAffinity with existing pod but doesn't satisfy PodAntiAffinity symmetry with incoming pod"
        final PodObject p = pod("default", "", POD_LABEL, PodAffinity.NONE, required(
            term(exprs(req("service", "Exists")), "region"), term(exprs(req("security", "Exists")), "region")));
        final PodObject existing = pod("default", "machine1", POD_LABEL2, PodAffinity.NONE,
            required(term(exprs(req("security", "Exists")), "zone")));
        assertFilter(p, List.of(existing), InterPodAffinity.REASON_ANTI_AFFINITY);
    }

    @Test
    void symmetryPartialMatch()
    {
        // "PodAntiAffinity symmetry check a1: incoming pod and existing pod partially match each other on AffinityTerms"
        final PodObject p = pod("default", "", POD_LABEL, PodAffinity.NONE, required(
            term(exprs(req("service", "Exists")), "zone"), term(exprs(req("security", "Exists")), "zone")));
        final PodObject existing = pod("default", "machine1", POD_LABEL2, PodAffinity.NONE,
            required(term(exprs(req("security", "Exists")), "zone")));
        assertFilter(p, List.of(existing), InterPodAffinity.REASON_ANTI_AFFINITY);
    }

    @Test
    void firstPodOfGroup()
    {
        // the "first pod of a group" rule (satisfyPodAffinity): no pod matches anywhere, the pod matches its own terms
        final PodObject p = pod("default", "", POD_LABEL,
            required(term(exprs(req("service", "In", "securityscan")), "region")), PodAffinity.NONE);
        assertFilter(p, List.of(), OK);
        // ... but the node must still have the topology key
        final PodObject q = pod("default", "", POD_LABEL,
            required(term(exprs(req("service", "In", "securityscan")), "rack")), PodAffinity.NONE);
        assertFilter(q, List.of(), InterPodAffinity.REASON_AFFINITY);
    }

    @Test
    void matchLabelKeysMergedIntoSelector()
    {
        // kube-apiserver merges matchLabelKeys into the selector: the existing pod of another version does not match
        final PodAffinityTerm t = new PodAffinityTerm(exprs(req("service", "Exists")), List.of(), "region", null,
            List.of("version"), List.of());
        final PodObject p = pod("default", "", Map.of("service", "s", "version", "v1"), required(t), PodAffinity.NONE);
        final PodObject other = pod("default", "machine1", Map.of("service", "s", "version", "v0"), PodAffinity.NONE,
            PodAffinity.NONE);
        // no pod matches service Exists + version In (v1), the pod matches itself: first of its group
        assertFilter(p, List.of(other), OK);
        final PodAffinityTerm m = new PodAffinityTerm(exprs(req("service", "Exists")), List.of(), "region", null,
            List.of(), List.of("version"));
        final PodObject q = pod("default", "", Map.of("service", "s", "version", "v0"), PodAffinity.NONE, required(m));
        assertFilter(q, List.of(other), OK);
    }

    // ---------------------------------------------------------------- kube TestPreferredAffinity

    private static final Map<String, String> RG_CHINA = Map.of("region", "China");
    private static final Map<String, String> RG_INDIA = Map.of("region", "India");
    private static final Map<String, String> AZ1 = Map.of("az", "az1");
    private static final Map<String, String> AZ2 = Map.of("az", "az2");
    private static final Map<String, String> RG_CHINA_AZ1 = Map.of("region", "China", "az", "az1");
    private static final Map<String, String> S1 = Map.of("security", "S1");
    private static final Map<String, String> S2 = Map.of("security", "S2");
    private static final PodAffinity STAY_WITH_S1_IN_REGION =
        preferred(weighted(5, term(exprs(req("security", "In", "S1")), "region")));
    private static final PodAffinity STAY_WITH_S2_IN_REGION =
        preferred(weighted(6, term(exprs(req("security", "In", "S2")), "region")));
    private static final PodAffinity AFFINITY3 = preferred(
        weighted(8, term(exprs(req("security", "NotIn", "S1"), req("security", "In", "S2")), "region")),
        weighted(2, term(exprs(req("security", "Exists"), req("wrongkey", "DoesNotExist")), "region")));
    private static final PodAffinity HARD_AFFINITY = required(
        term(exprs(req("security", "In", "S1", "value2")), "region"),
        term(exprs(req("security", "Exists"), req("wrongkey", "DoesNotExist")), "region"));
    private static final PodAffinity AWAY_FROM_S1_IN_AZ = preferred(weighted(5, term(exprs(req("security", "In", "S1")), "az")));
    private static final PodAffinity AWAY_FROM_S2_IN_AZ = preferred(weighted(5, term(exprs(req("security", "In", "S2")), "az")));
    private static final PodAffinity STAY_WITH_S1_IN_REGION_PART =
        preferred(weighted(8, term(exprs(req("security", "In", "S1")), "region")));
    private static final PodAffinity NS_SELECTOR_AFFINITY = preferred(weighted(5, term(exprs(req("security", "In", "S1")),
        "region", List.of("subteam2.team2"), exprs(req("team", "In", "team1")))));
    private static final List<NamespaceObject> NAMESPACES = List.of(
        new NamespaceObject("subteam1.team1", Map.of("team", "team1")),
        new NamespaceObject("subteam2.team1", Map.of("team", "team1")),
        new NamespaceObject("subteam1.team2", Map.of("team", "team2")),
        new NamespaceObject("subteam2.team2", Map.of("team", "team2")));

    private static PodObject bound(final String node, final Map<String, String> labels)
    {
        return pod("default", node, labels, PodAffinity.NONE, PodAffinity.NONE);
    }

    private static PodObject bound(final String node, final Map<String, String> labels, final PodAffinity aff, final PodAffinity anti)
    {
        return pod("default", node, labels, aff, anti);
    }

    @Test
    void scoreAffinityNil()
    {
        // "all nodes are same priority as Affinity is nil"
        assertScores(List.of(), pod("default", "", S1, PodAffinity.NONE, PodAffinity.NONE), List.of(),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 0, 0, 0);
    }

    @Test
    void scoreAffinityTopologyAndPods()
    {
        // "Affinity: pod that matches topology key & pods in nodes will get high score comparing to others..."
        assertScores(List.of(), pod("default", "", S1, STAY_WITH_S1_IN_REGION, PodAffinity.NONE),
            List.of(bound("node1", S1), bound("node2", S2), bound("node3", S1)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 100, 0, 0);
    }

    @Test
    void scoreSameDomainSameScore()
    {
        // "All the nodes that have the same topology key & label value with one of them has an existing pod that match the affinity rules, have the same score"
        assertScores(List.of(), pod("default", "", Map.of(), STAY_WITH_S1_IN_REGION, PodAffinity.NONE),
            List.of(bound("node1", S1)),
            List.of(node("node1", RG_CHINA), node("node2", RG_CHINA_AZ1), node("node3", RG_INDIA)), 100, 100, 0);
    }

    @Test
    void scoreRegionWithMoreMatches()
    {
        // "Affinity: nodes in one region has more matching pods comparing to other region, so the region which has more matches will get high score"
        assertScores(List.of(), pod("default", "", S1, STAY_WITH_S2_IN_REGION, PodAffinity.NONE),
            List.of(bound("node1", S2), bound("node1", S2), bound("node2", S2), bound("node3", S2), bound("node4", S2),
                bound("node5", S2)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", RG_CHINA), node("node4", RG_CHINA),
                node("node5", RG_INDIA)), 100, 0, 100, 100, 0);
    }

    @Test
    void scoreOperators()
    {
        // "Affinity: different Label operators and values for pod affinity scheduling preference, including some match failures "
        assertScores(List.of(), pod("default", "", S1, AFFINITY3, PodAffinity.NONE),
            List.of(bound("node1", S1), bound("node2", S2), bound("node3", S1)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 20, 100, 0);
    }

    @Test
    void scoreAffinitySymmetryPreferred()
    {
        // "Affinity symmetry: considered only the preferredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry"
        assertScores(List.of(), pod("default", "", S2, PodAffinity.NONE, PodAffinity.NONE),
            List.of(bound("node1", S1, STAY_WITH_S1_IN_REGION, PodAffinity.NONE),
                bound("node2", S2, STAY_WITH_S2_IN_REGION, PodAffinity.NONE)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 0, 100, 0);
    }

    @Test
    void scoreAffinitySymmetryNamespaceSelector()
    {
        // "Affinity symmetry with namespace selector"
        assertScores(NAMESPACES, pod("subteam1.team1", "", S1, PodAffinity.NONE, PodAffinity.NONE),
            List.of(bound("node1", S1, NS_SELECTOR_AFFINITY, PodAffinity.NONE),
                bound("node2", S2, STAY_WITH_S2_IN_REGION, PodAffinity.NONE)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 100, 0, 0);
    }

    @Test
    void scoreAntiAffinitySymmetryNamespaceSelector()
    {
        // "AntiAffinity symmetry with namespace selector"
        final PodAffinity anti = NS_SELECTOR_AFFINITY;
        assertScores(NAMESPACES, pod("subteam1.team1", "", S1, PodAffinity.NONE, PodAffinity.NONE),
            List.of(bound("node1", S1, PodAffinity.NONE, anti),
                bound("node2", S2, STAY_WITH_S2_IN_REGION, PodAffinity.NONE)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 0, 100, 100);
    }

    @Test
    void scoreHardAffinitySymmetry()
    {
        // "Affinity symmetry: considered RequiredDuringSchedulingIgnoredDuringExecution in pod affinity symmetry"
        assertScores(List.of(), pod("default", "", S1, PodAffinity.NONE, PodAffinity.NONE),
            List.of(bound("node1", S1, HARD_AFFINITY, PodAffinity.NONE), bound("node2", S2, HARD_AFFINITY, PodAffinity.NONE)),
            List.of(node("node1", RG_CHINA), node("node2", RG_INDIA), node("node3", AZ1)), 100, 100, 0);
    }

    @Test
    void scoreAntiAffinity()
    {
        // "Anti Affinity: pod that does not match existing pods in node will get high score "
        assertScores(List.of(), pod("default", "", S1, PodAffinity.NONE, AWAY_FROM_S1_IN_AZ),
            List.of(bound("node1", S1), bound("node2", S2)), List.of(node("node1", AZ1), node("node2", RG_CHINA)), 0, 100);
        // "Anti Affinity: pod that does not match topology key & match the pods in nodes will get higher score comparing to others "
        assertScores(List.of(), pod("default", "", S1, PodAffinity.NONE, AWAY_FROM_S1_IN_AZ),
            List.of(bound("node1", S1), bound("node2", S1)), List.of(node("node1", AZ1), node("node2", RG_CHINA)), 0, 100);
        // "Anti Affinity: one node has more matching pods comparing to other node, so the node which has more unmatches will get high score"
        assertScores(List.of(), pod("default", "", S1, PodAffinity.NONE, AWAY_FROM_S1_IN_AZ),
            List.of(bound("node1", S1), bound("node1", S1), bound("node2", S2)),
            List.of(node("node1", AZ1), node("node2", RG_INDIA)), 0, 100);
    }

    @Test
    void scoreAntiAffinitySymmetry()
    {
        // "Anti Affinity symmetry: the existing pods in node which has anti affinity match will get high score"
        assertScores(List.of(), pod("default", "", S2, PodAffinity.NONE, PodAffinity.NONE),
            List.of(bound("node1", S1, PodAffinity.NONE, AWAY_FROM_S2_IN_AZ), bound("node2", S2, PodAffinity.NONE, AWAY_FROM_S1_IN_AZ)),
            List.of(node("node1", AZ1), node("node2", AZ2)), 0, 100);
    }

    @Test
    void scoreAffinityAndAntiAffinity()
    {
        // "Affinity and Anti Affinity: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity"
        final PodObject p = pod("default", "", S1, STAY_WITH_S1_IN_REGION_PART, AWAY_FROM_S2_IN_AZ);
        assertScores(List.of(), p, List.of(bound("node1", S1), bound("node2", S1)),
            List.of(node("node1", RG_CHINA), node("node2", AZ1)), 100, 0);
        // "Affinity and Anti Affinity: considering both affinity and anti-affinity, the pod to schedule and existing pods have the same labels"
        assertScores(List.of(), p,
            List.of(bound("node1", S1), bound("node1", S1), bound("node2", S1), bound("node3", S1), bound("node3", S1),
                bound("node4", S1), bound("node5", S1)),
            List.of(node("node1", RG_CHINA_AZ1), node("node2", RG_INDIA), node("node3", RG_CHINA), node("node4", RG_CHINA),
                node("node5", RG_INDIA)), 100, 0, 100, 100, 0);
        // "Affinity and Anti Affinity and symmetry: considered only preferredDuringSchedulingIgnoredDuringExecution in both pod affinity & anti affinity & symmetry"
        assertScores(List.of(), p,
            List.of(bound("node1", S1), bound("node2", S2), bound("node3", Map.of(), STAY_WITH_S1_IN_REGION_PART, AWAY_FROM_S2_IN_AZ),
                bound("node4", Map.of(), PodAffinity.NONE, AWAY_FROM_S1_IN_AZ)),
            List.of(node("node1", RG_CHINA), node("node2", AZ1), node("node3", RG_INDIA), node("node4", AZ2)), 100, 0, 100, 0);
        // "Avoid panic when partial nodes in a topology don't have pods with affinity"
        assertScores(List.of(), pod("default", "", S1, PodAffinity.NONE, PodAffinity.NONE),
            List.of(bound("node1", S1), bound("node2", Map.of(), STAY_WITH_S1_IN_REGION_PART, AWAY_FROM_S2_IN_AZ)),
            List.of(node("node1", RG_CHINA), node("node2", RG_CHINA)), 0, 0);
    }

    @Test
    void normalizeMinMax()
    {
        // kube's NormalizeScore: 100 * (s - min) / (max - min) in float64, truncated; infeasible slots ignored
        final InterPodAffinity p = new InterPodAffinity();
        final int n = 2 * Kernels.LANES;
        final long[] raw = new long[n];
        final long[] fail = new long[n];
        for (int i = 0; i < n; i++)
        {
            raw[i] = i * 7 - 20;
        }
        fail[1] = 1;
        raw[1] = 1_000_000;
        final long[] v = raw.clone();
        final long[] s = raw.clone();
        p.normalize(v, fail, n);
        p.normalizeScalar(s, fail, n);
        final long min = -20;
        final long max = (n - 1) * 7 - 20;
        for (int i = 0; i < n; i++)
        {
            if (fail[i] == 0)
            {
                assertThat(s[i]).isEqualTo((long)(100.0 * ((double)(raw[i] - min) / (double)(max - min))));
                assertThat(v[i]).isEqualTo(s[i]);
            }
        }
    }

    // ---------------------------------------------------------------- random

    private static final String[] TOPOLOGY_KEYS = {"zone", "kubernetes.io/hostname", "region", "rack"};
    private static final String[] NAMESPACE_NAMES = {"default", "team-a", "team-b"};

    private static Map<String, String> randomLabels(final Random r)
    {
        final Map<String, String> m = new HashMap<>();
        if (r.nextInt(4) != 0)
        {
            m.put("app", "a" + r.nextInt(3));
        }
        if (r.nextBoolean())
        {
            m.put("tier", "t" + r.nextInt(2));
        }
        return m;
    }

    private static LabelSelector randomSelector(final Random r)
    {
        if (r.nextInt(15) == 0)
        {
            return null;
        }
        final List<LabelSelectorRequirement> exprs = new ArrayList<>();
        final Map<String, String> ml = new HashMap<>();
        final int n = r.nextInt(3);
        for (int i = 0; i < n; i++)
        {
            final String key = r.nextBoolean() ? "app" : "tier";
            final String value = key.equals("app") ? "a" + r.nextInt(3) : "t" + r.nextInt(2);
            switch (r.nextInt(5))
            {
                case 0 -> ml.put(key, value);
                case 1 -> exprs.add(req(key, "In", value));
                case 2 -> exprs.add(req(key, "NotIn", value));
                case 3 -> exprs.add(req(key, "Exists"));
                default -> exprs.add(req(key, "DoesNotExist"));
            }
        }
        return new LabelSelector(ml, exprs);
    }

    private static PodAffinityTerm randomTerm(final Random r)
    {
        final List<String> ns = r.nextInt(4) == 0 ? List.of(NAMESPACE_NAMES[r.nextInt(3)]) : List.of();
        final LabelSelector nsSel = switch (r.nextInt(6))
        {
            case 0 -> LabelSelector.EMPTY;
            case 1 -> exprs(req("team", "In", "x"));
            default -> null;
        };
        final List<String> mlk = r.nextInt(6) == 0 ? List.of("tier") : List.of();
        final List<String> mmlk = r.nextInt(8) == 0 ? List.of("app") : List.of();
        return new PodAffinityTerm(randomSelector(r), ns, TOPOLOGY_KEYS[r.nextInt(TOPOLOGY_KEYS.length)], nsSel, mlk, mmlk);
    }

    private static PodAffinity randomAffinity(final Random r, final boolean allowRequired)
    {
        if (r.nextInt(3) == 0)
        {
            return PodAffinity.NONE;
        }
        final List<PodAffinityTerm> req = new ArrayList<>();
        final List<WeightedPodAffinityTerm> pref = new ArrayList<>();
        if (allowRequired && r.nextInt(3) == 0)
        {
            for (int i = 0, n = 1 + r.nextInt(2); i < n; i++)
            {
                req.add(randomTerm(r));
            }
        }
        for (int i = 0, n = r.nextInt(3); i < n; i++)
        {
            pref.add(new WeightedPodAffinityTerm(1 + r.nextInt(100), randomTerm(r)));
        }
        return new PodAffinity(req, pref);
    }

    private static PodObject randomPod(final Random r, final String node)
    {
        return PodObject.builder(NAMESPACE_NAMES[r.nextInt(3)], "r" + podSeq++).nodeName(node).labels(randomLabels(r))
            .podAffinity(randomAffinity(r, true)).podAntiAffinity(randomAffinity(r, true)).build();
    }

    private static NodeObject randomNode(final Random r, final int i)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/hostname", "n" + i);
        if (r.nextInt(6) != 0)
        {
            labels.put("zone", "z" + r.nextInt(4));
        }
        if (r.nextInt(3) != 0)
        {
            labels.put("region", "r" + r.nextInt(2));
        }
        return node("n" + i, labels);
    }

    private static List<NamespaceObject> randomNamespaces(final Random r)
    {
        final List<NamespaceObject> list = new ArrayList<>();
        for (final String name : NAMESPACE_NAMES)
        {
            if (r.nextInt(4) != 0)
            {
                list.add(new NamespaceObject(name, r.nextBoolean() ? Map.of("team", "x") : Map.of()));
            }
        }
        return list;
    }

    @Test
    void vectorEqualsScalarOnRandomClusters()
    {
        final Random r = new Random(20240611);
        for (int round = 0; round < 300; round++)
        {
            final InterPodAffinity p = new InterPodAffinity();
            p.setNamespaces(randomNamespaces(r));
            final SchedulingEngine e = engine(p, true);
            final NodeTable table = e.table();
            final int nodes = 1 + r.nextInt(300);
            for (int i = 0; i < nodes; i++)
            {
                e.upsertNode(randomNode(r, i));
            }
            for (int i = 0, n = r.nextInt(2 * nodes + 1); i < n; i++)
            {
                e.addBoundPod(randomPod(r, "n" + r.nextInt(nodes + 2)));
            }
            for (int i = nodes / 3; i < nodes / 2; i++)
            {
                if (r.nextInt(4) == 0)
                {
                    e.removeNode("n" + i);
                }
            }
            final int limit = (table.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
            for (int c = 0; c < 10; c++)
            {
                final PodObject pod = randomPod(r, "");
                final long[] fv = new long[limit];
                final long[] fs = new long[limit];
                final boolean active = p.preFilter(pod, null, table);
                if (active)
                {
                    p.filter(table, fv, 2, 0, limit);
                    p.filterScalar(table, fs, 2, 0, limit);
                }
                assertThat(fv).isEqualTo(fs);
                final long[] sv = new long[limit];
                final long[] ss = new long[limit];
                if (p.preScore(pod, null, table))
                {
                    p.score(table, sv, 0, limit);
                    p.scoreScalar(table, ss, 0, limit);
                    assertThat(sv).isEqualTo(ss);
                    for (int i = 0; i < limit; i++)
                    {
                        fv[i] |= table.isLive(i) ? 0 : 1;
                    }
                    p.normalize(sv, fv, limit);
                    p.normalizeScalar(ss, fv, limit);
                    for (int i = 0; i < limit; i++)
                    {
                        if (fv[i] == 0)
                        {
                            assertThat(sv[i]).isBetween(0L, 100L);
                            assertThat(sv[i]).isEqualTo(ss[i]);
                        }
                    }
                }
            }
        }
    }

    @Test
    void placementsNeverViolateAntiAffinityAndCountersMatchRebuild()
    {
        final Random r = new Random(99);
        for (int round = 0; round < 40; round++)
        {
            final boolean vector = round % 2 == 0;
            // nodes relabelled after placements may break anti-affinity (IgnoredDuringExecution): those rounds check
            // the counters only
            final boolean relabel = round % 4 >= 2;
            final InterPodAffinity p = new InterPodAffinity();
            final List<NamespaceObject> namespaces = randomNamespaces(r);
            p.setNamespaces(namespaces);
            final Map<String, Map<String, String>> nsLabels = new HashMap<>();
            for (final NamespaceObject ns : namespaces)
            {
                nsLabels.put(ns.name(), ns.labels());
            }
            final SchedulingEngine e = engine(p, vector);
            final int nodes = 1 + r.nextInt(40);
            for (int i = 0; i < nodes; i++)
            {
                e.upsertNode(randomNode(r, i));
            }
            final List<PodObject> placed = new ArrayList<>();
            for (int step = 0; step < 120; step++)
            {
                final int op = r.nextInt(10);
                if (op < 7 || placed.isEmpty())
                {
                    final PodObject pod = randomPod(r, "");
                    final int slot = e.schedule(pod);
                    if (slot >= 0)
                    {
                        placed.add(pod.withNodeName(e.table().name(slot)));
                    }
                }
                else if (op < 9 || !relabel)
                {
                    final PodObject gone = placed.remove(r.nextInt(placed.size()));
                    assertThat(e.removePod(gone.key())).isTrue();
                }
                else
                {
                    final int i = r.nextInt(nodes);
                    e.upsertNode(randomNode(r, i));
                }
                if (!relabel)
                {
                    assertNoAntiAffinityViolation(e.table(), placed, nsLabels, step);
                }
                final String incremental = p.countersSnapshot(e.table());
                p.invalidate();
                assertThat(p.countersSnapshot(e.table())).as("round %d step %d", round, step).isEqualTo(incremental);
                // the label indexes of counters and pods against a scan of every counter and every pod
                assertThat(p.countersRebuiltByScan(e.table())).as("scan, round %d step %d", round, step)
                    .isEqualTo(incremental);
            }
        }
    }

    /** kube's semantics, by brute force: no placed pod's required anti-affinity term matches a pod in its domain. */
    private static void assertNoAntiAffinityViolation(
        final NodeTable table, final List<PodObject> placed, final Map<String, Map<String, String>> nsLabels, final int step)
    {
        for (final PodObject a : placed)
        {
            for (final PodAffinityTerm t : a.podAntiAffinity().required())
            {
                final String va = label(table, a.nodeName(), t.topologyKey());
                if (va == null)
                {
                    continue;
                }
                for (final PodObject b : placed)
                {
                    if (a == b)
                    {
                        continue;
                    }
                    final String vb = label(table, b.nodeName(), t.topologyKey());
                    assertThat(va.equals(vb) && bruteMatches(a, t, b, nsLabels))
                        .as("step %d: %s anti-affinity %s violated by %s", step, a.key(), t, b.key()).isFalse();
                }
            }
        }
    }

    private static String label(final NodeTable table, final String node, final String key)
    {
        final int slot = table.slotOf(node);
        return slot < 0 || table.object(slot) == null ? null : table.object(slot).labels().get(key);
    }

    private static boolean bruteMatches(
        final PodObject owner, final PodAffinityTerm t, final PodObject target, final Map<String, Map<String, String>> nsLabels)
    {
        try
        {
            final LabelMatcher selector = LabelMatcher.compile(InterPodAffinity.mergeLabelKeys(t, owner.labels()));
            final LabelMatcher nsSelector = LabelMatcher.compile(t.namespaceSelector());
            final boolean nsOk = t.namespaces().isEmpty() && t.namespaceSelector() == null ?
                owner.namespace().equals(target.namespace()) :
                t.namespaces().contains(target.namespace()) || nsSelector.matches(nsLabels.get(target.namespace()));
            return nsOk && selector.matches(target.labels());
        }
        catch (final LabelMatcher.InvalidSelectorException ex)
        {
            return false;
        }
    }

    @Test
    void readsOtherNodesFollowsPodsWithTerms()
    {
        final InterPodAffinity p = new InterPodAffinity();
        final SchedulingEngine e = engine(p, true);
        e.upsertNode(node("n1", Map.of("zone", "a")));
        final PodObject plain = pod("default", "", Map.of(), PodAffinity.NONE, PodAffinity.NONE);
        assertThat(p.readsOtherNodes(plain)).isFalse();
        final PodObject withTerms = pod("default", "n1", Map.of(), PodAffinity.NONE,
            required(term(exprs(req("app", "Exists")), "zone")));
        e.addBoundPod(withTerms);
        assertThat(p.readsOtherNodes(plain)).isTrue();
        e.removePod(withTerms.key());
        assertThat(p.readsOtherNodes(plain)).isFalse();
        assertThat(p.podsWithTerms()).isZero();
    }
}
