package io.berth.sched.plugins.podtopologyspread;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Taint;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's podtopologyspread tests: TestPodTopologySpreadScore (scoring_test.go) cases with their expected scores;
 * filter cases built on the clusters of TestPreFilterState (filtering_test.go), whose expected verdicts follow
 * from the critical paths kube's table states; plus vector == scalar on random clusters and a property test
 * through the engine against a literal port of kube's PreFilter/Filter, checking the incremental counters.
 */
final class PodTopologySpreadTest
{
    private static final String HOST = PodTopologySpread.HOSTNAME;
    private static final String DNS = "DoNotSchedule";
    private static final String SA = "ScheduleAnyway";
    private static final String NOT_MATCH = PodTopologySpread.REASON;
    private static final String MISSING = PodTopologySpread.REASON_MISSING_LABEL;
    private static final LabelSelector FOO = exists("foo");
    private static final LabelSelector BAR = exists("bar");

    // ---------------------------------------------------------------- builders

    private static LabelSelector exists(final String key)
    {
        return new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement(key, "Exists", List.of())));
    }

    private static TopologySpreadConstraint spread(final int maxSkew, final String key, final String action, final LabelSelector sel)
    {
        return new TopologySpreadConstraint(maxSkew, key, action, sel, null, "", "", List.of());
    }

    private static NodeObject node(final String name, final String... labels)
    {
        final Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2)
        {
            m.put(labels[i], labels[i + 1]);
        }
        return NodeObject.builder(name).labels(m).build();
    }

    private static NodeObject zoned(final String name, final String zone)
    {
        return node(name, "zone", zone, "node", name);
    }

    private static NodeObject zonedHost(final String name, final String zone)
    {
        return node(name, "zone", zone, HOST, name);
    }

    private static PodObject.Builder pod(final String name, final String... labels)
    {
        final Map<String, String> m = new LinkedHashMap<>();
        for (final String l : labels)
        {
            m.put(l, "");
        }
        return PodObject.builder("default", name).labels(m);
    }

    private static PodObject on(final String name, final String node, final String... labels)
    {
        return pod(name, labels).nodeName(node).build();
    }

    private static PodObject incoming(final String labels, final TopologySpreadConstraint... cs)
    {
        return pod("p", labels.isEmpty() ? new String[0] : labels.split(",")).topologySpreadConstraints(List.of(cs)).build();
    }

    private static List<PodObject> spreadAs(final String label, final Object... nodeAndCount)
    {
        final List<PodObject> pods = new ArrayList<>();
        for (int i = 0; i < nodeAndCount.length; i += 2)
        {
            for (int k = 0; k < (Integer)nodeAndCount[i + 1]; k++)
            {
                pods.add(on("p-" + nodeAndCount[i] + k, (String)nodeAndCount[i], label));
            }
        }
        return pods;
    }

    // ---------------------------------------------------------------- harness

    private static int padded(final NodeTable t)
    {
        return (t.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
    }

    private static PodTopologySpread setUp(final NodeTable t, final List<NodeObject> nodes, final List<NodeObject> failed,
        final List<PodObject> existing)
    {
        for (final NodeObject n : nodes)
        {
            t.upsert(n);
        }
        for (final NodeObject n : failed)
        {
            t.upsert(n);
        }
        final PodTopologySpread p = new PodTopologySpread();
        int podSlot = 0;
        for (final PodObject e : existing)
        {
            p.podAdded(e, podSlot++, t.slotForPod(e.nodeName()), t);
        }
        return p;
    }

    /** Filter verdict per node: null when it passes, else kube's reason; "<skip>" when PreFilter skips. */
    private static Map<String, String> filter(final PodObject pod, final List<NodeObject> nodes, final List<PodObject> existing)
    {
        Map<String, String> first = null;
        for (final boolean vector : new boolean[] {true, false})
        {
            final NodeTable t = new NodeTable(64);
            final PodTopologySpread p = setUp(t, nodes, List.of(), existing);
            final Map<String, String> out = new LinkedHashMap<>();
            if (!p.preFilter(pod, null, t))
            {
                nodes.forEach(n -> out.put(n.name(), "<skip>"));
            }
            else
            {
                final int limit = padded(t);
                final long[] bits = new long[t.capacity()];
                if (vector)
                {
                    p.filter(t, bits, 2, 0, limit);
                }
                else
                {
                    p.filterScalar(t, bits, 2, 0, limit);
                }
                for (final NodeObject n : nodes)
                {
                    final int slot = t.slotOf(n.name());
                    final List<String> reasons = new ArrayList<>();
                    p.reasons(t, slot, reasons);
                    assertThat(bits[slot] != 0).isEqualTo(!reasons.isEmpty());
                    out.put(n.name(), reasons.isEmpty() ? null : reasons.get(0));
                }
            }
            if (first == null)
            {
                first = out;
            }
            else
            {
                assertThat(out).isEqualTo(first);
            }
        }
        return first;
    }

    /** Normalized scores of the feasible nodes ({@code nodes}); {@code failed} are in the cluster but infeasible. */
    private static Map<String, Long> score(final PodObject pod, final List<NodeObject> nodes, final List<NodeObject> failed,
        final List<PodObject> existing)
    {
        Map<String, Long> first = null;
        for (final boolean vector : new boolean[] {true, false})
        {
            final NodeTable t = new NodeTable(64);
            final PodTopologySpread p = setUp(t, nodes, failed, existing);
            final int limit = padded(t);
            final long[] bits = new long[t.capacity()];
            for (int s = 0; s < limit; s++)
            {
                bits[s] = t.isLive(s) ? 0 : 1;
            }
            for (final NodeObject n : failed)
            {
                bits[t.slotOf(n.name())] |= 2;
            }
            final Map<String, Long> out = new LinkedHashMap<>();
            if (!p.preScore(pod, null, t))
            {
                nodes.forEach(n -> out.put(n.name(), -1L));
            }
            else
            {
                final long[] scores = new long[t.capacity()];
                Arrays.fill(scores, 77);
                if (vector)
                {
                    p.score(t, scores, 0, limit);
                    p.normalize(scores, bits, limit);
                }
                else
                {
                    p.scoreScalar(t, scores, 0, limit);
                    p.normalizeScalar(scores, bits, limit);
                }
                nodes.forEach(n -> out.put(n.name(), scores[t.slotOf(n.name())]));
            }
            if (first == null)
            {
                first = out;
            }
            else
            {
                assertThat(out).isEqualTo(first);
            }
        }
        return first;
    }

    private static Map<String, Long> scores(final Object... nameAndScore)
    {
        final Map<String, Long> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndScore.length; i += 2)
        {
            m.put((String)nameAndScore[i], ((Integer)nameAndScore[i + 1]).longValue());
        }
        return m;
    }

    private static Map<String, String> verdicts(final Object... nameAndReason)
    {
        final Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameAndReason.length; i += 2)
        {
            m.put((String)nameAndReason[i], (String)nameAndReason[i + 1]);
        }
        return m;
    }

    private static final List<NodeObject> FOUR = List.of(zoned("node-a", "zone1"), zoned("node-b", "zone1"),
        zoned("node-x", "zone2"), zoned("node-y", "zone2"));

    // ---------------------------------------------------------------- filter (clusters of kube's TestPreFilterState)

    @Test
    void filterCleanCluster()
    {
        // "clean cluster with one spreadConstraint": critical paths zone1 0, zone2 0; the pod does not match its selector
        final PodObject p = incoming("foo", new TopologySpreadConstraint(5, "zone", DNS,
            new LabelSelector(Map.of("foo", "bar"), List.of()), null, "", "", List.of()));
        assertThat(filter(p, FOUR, List.of())).isEqualTo(verdicts("node-a", null, "node-b", null, "node-x", null, "node-y", null));
    }

    @Test
    void filterNormalCaseOneConstraint()
    {
        // "normal case with one spreadConstraint": zone1 3, zone2 2, min 2, maxSkew 1, self match
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2);
        final PodObject p = incoming("foo", spread(1, "zone", DNS, FOO));
        assertThat(filter(p, FOUR, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterNullSelector()
    {
        // "normal case with null label selector": nothing matches, not even the pod itself
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2);
        final PodObject p = incoming("foo", spread(1, "zone", DNS, null));
        assertThat(filter(p, FOUR, existing)).isEqualTo(verdicts("node-a", null, "node-b", null, "node-x", null, "node-y", null));
    }

    @Test
    void filterThreeZones()
    {
        // "normal case with one spreadConstraint, on a 3-zone cluster": zone3 holds the minimum 0
        final List<NodeObject> nodes = new ArrayList<>(FOUR);
        nodes.add(zoned("node-o", "zone3"));
        nodes.add(zoned("node-p", "zone3"));
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2);
        assertThat(filter(incoming("foo", spread(1, "zone", DNS, FOO)), nodes, existing)).isEqualTo(verdicts(
            "node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", NOT_MATCH, "node-y", NOT_MATCH, "node-o", null, "node-p", null));
    }

    @Test
    void filterNamespaceMismatch()
    {
        // "namespace mismatch doesn't count": zone1 2, zone2 1
        final List<PodObject> existing = List.of(on("p-a1", "node-a", "foo"),
            pod("p-a2", "foo").namespace("ns1").nodeName("node-a").build(), on("p-b1", "node-b", "foo"),
            pod("p-y1", "foo").namespace("ns2").nodeName("node-y").build(), on("p-y2", "node-y", "foo"));
        assertThat(filter(incoming("foo", spread(1, "zone", DNS, FOO)), FOUR, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterTwoConstraints()
    {
        // "normal case with two spreadConstraints": zone 3/4 (min 3), node 2/1/0/4 (min 0)
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 4);
        final PodObject p = incoming("foo", spread(1, "zone", DNS, FOO), spread(1, "node", DNS, FOO));
        assertThat(filter(p, FOUR, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", NOT_MATCH, "node-y", NOT_MATCH));
        // the same with maxSkew 2 on node: only node-b passes both (zone1 3+1-3 <= 1... and 1+1-0 <= 2)
        final PodObject q = incoming("foo", spread(1, "zone", DNS, FOO), spread(2, "node", DNS, FOO));
        assertThat(filter(q, FOUR, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", null, "node-x", NOT_MATCH, "node-y", NOT_MATCH));
    }

    @Test
    void filterSoftConstraintsBypassed()
    {
        // "soft spreadConstraints should be bypassed": only the DoNotSchedule ones count
        final List<NodeObject> nodes = List.of(zoned("node-a", "zone1"), zoned("node-b", "zone1"), zoned("node-y", "zone2"));
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 4);
        final PodObject p = incoming("foo", spread(1, "zone", SA, FOO), spread(1, "zone", DNS, FOO),
            spread(1, "node", SA, FOO), spread(1, "node", DNS, FOO));
        // zone 3/4 min 3; node 2/1/4 min 1: node-b 1+1-1 = 1 passes
        assertThat(filter(p, nodes, existing)).isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", null, "node-y", NOT_MATCH));
        assertThat(filter(incoming("foo", spread(1, "zone", SA, FOO)), nodes, existing).values()).containsOnly("<skip>");
    }

    @Test
    void filterMissingLabel()
    {
        // kube's Filter: a node without the topology key is UnschedulableAndUnresolvable, and it is no domain
        final List<NodeObject> nodes = new ArrayList<>(FOUR);
        nodes.add(node("node-n", "node", "node-n"));
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2, "node-n", 5);
        assertThat(filter(incoming("foo", spread(1, "zone", DNS, FOO)), nodes, existing)).isEqualTo(verdicts(
            "node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null, "node-n", MISSING));
        // a key no node has: every node misses it
        assertThat(filter(incoming("foo", spread(1, "rack", DNS, FOO)), nodes, existing).values()).containsOnly(MISSING);
    }

    @Test
    void filterMinDomains()
    {
        // minDomains greater than the number of domains: the global minimum is 0 (zone2 2+1-0 > 1)
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2);
        final PodObject p = incoming("foo", new TopologySpreadConstraint(1, "zone", DNS, FOO, 3, "", "", List.of()));
        assertThat(filter(p, FOUR, existing).values()).containsOnly(NOT_MATCH);
        final PodObject q = incoming("foo", new TopologySpreadConstraint(1, "zone", DNS, FOO, 2, "", "", List.of()));
        assertThat(filter(q, FOUR, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterNodeAffinityPolicy()
    {
        // nodeAffinityPolicy Honor (default): only zone1 nodes match the nodeSelector, so zone1 is the only
        // domain (min 3): zone1 3+1-3 passes; zone2 is no domain, its count reads 0
        final List<NodeObject> nodes = List.of(node("node-a", "zone", "zone1", "pool", "a"),
            node("node-b", "zone", "zone1", "pool", "a"), node("node-x", "zone", "zone2"), node("node-y", "zone", "zone2"));
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2);
        final PodObject honor = pod("p", "foo").nodeSelector(Map.of("pool", "a"))
            .topologySpreadConstraints(List.of(spread(1, "zone", DNS, FOO))).build();
        assertThat(filter(honor, nodes, existing).values()).containsOnlyNulls();
        final PodObject ignore = pod("p", "foo").nodeSelector(Map.of("pool", "a")).topologySpreadConstraints(List.of(
            new TopologySpreadConstraint(1, "zone", DNS, FOO, null, "Ignore", "", List.of()))).build();
        assertThat(filter(ignore, nodes, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterNodeTaintsPolicy()
    {
        // nodeTaintsPolicy Honor: zone2's nodes carry an untolerated NoSchedule taint and are no domain
        final Taint taint = new Taint("node.kubernetes.io/unschedulable", "", Taint.NO_SCHEDULE);
        final List<NodeObject> nodes = List.of(zoned("node-a", "zone1"), zoned("node-b", "zone1"),
            zoned("node-x", "zone2").toBuilder().taints(List.of(taint)).build(),
            zoned("node-y", "zone2").toBuilder().taints(List.of(taint)).build());
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-y", 2);
        final PodObject honor = incoming("foo", new TopologySpreadConstraint(1, "zone", DNS, FOO, null, "", "Honor", List.of()));
        assertThat(filter(honor, nodes, existing).values()).containsOnlyNulls();
        assertThat(filter(incoming("foo", spread(1, "zone", DNS, FOO)), nodes, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterMatchLabelKeys()
    {
        // matchLabelKeys: the pod's "version" value is AND-ed into the selector; v2 pods are counted only
        final List<PodObject> existing = new ArrayList<>();
        existing.add(pod("a1", "foo").labels(Map.of("foo", "", "version", "v1")).nodeName("node-a").build());
        existing.add(pod("a2", "foo").labels(Map.of("foo", "", "version", "v1")).nodeName("node-a").build());
        existing.add(pod("x1", "foo").labels(Map.of("foo", "", "version", "v2")).nodeName("node-x").build());
        final PodObject p = pod("p").labels(Map.of("foo", "", "version", "v2")).topologySpreadConstraints(List.of(
            new TopologySpreadConstraint(1, "zone", DNS, FOO, null, "", "", List.of("version")))).build();
        assertThat(filter(p, FOUR, existing)).isEqualTo(verdicts("node-a", null, "node-b", null, "node-x", NOT_MATCH, "node-y", NOT_MATCH));
        // null selector + matchLabelKeys: kube's merge keeps only the pairs
        final PodObject q = pod("q").labels(Map.of("foo", "", "version", "v1")).topologySpreadConstraints(List.of(
            new TopologySpreadConstraint(1, "zone", DNS, null, null, "", "", List.of("version")))).build();
        assertThat(filter(q, FOUR, existing)).isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterTerminatingPodsDoNotCount()
    {
        // countPodsMatchSelector bypasses terminating pods (#87621)
        final List<PodObject> existing = new ArrayList<>(spreadAs("foo", "node-a", 1));
        existing.add(pod("gone", "foo").nodeName("node-x").deletionTimestampMs(5).build());
        assertThat(filter(incoming("foo", spread(1, "zone", DNS, FOO)), FOUR, existing))
            .isEqualTo(verdicts("node-a", NOT_MATCH, "node-b", NOT_MATCH, "node-x", null, "node-y", null));
    }

    @Test
    void filterNoConstraintsSkips()
    {
        assertThat(filter(pod("p", "foo").build(), FOUR, List.of()).values()).containsOnly("<skip>");
    }

    // ---------------------------------------------------------------- score (kube TestPodTopologySpreadScore)

    private static final List<NodeObject> HOSTS4 = List.of(node("node-a", HOST, "node-a"), node("node-b", HOST, "node-b"),
        node("node-c", HOST, "node-c"), node("node-d", HOST, "node-d"));

    @Test
    void scoreHostnameMaxSkew3()
    {
        // "one constraint on node, all 4 nodes are candidates, maxSkew=3"
        final List<PodObject> existing = spreadAs("foo", "node-a", 4, "node-b", 3, "node-c", 2, "node-d", 1);
        assertThat(score(incoming("foo", spread(3, HOST, SA, FOO)), HOSTS4, List.of(), existing))
            .isEqualTo(scores("node-a", 44, "node-b", 66, "node-c", 77, "node-d", 100));
    }

    @Test
    void scoreSystemDefaulting()
    {
        // "system defaulting, nodes don't have zone, pods match service" (selector: the pod's labels, see deviation)
        final List<PodObject> existing = spreadAs("foo", "node-a", 4, "node-b", 3, "node-c", 2, "node-d", 1);
        assertThat(score(pod("p", "foo").build(), HOSTS4, List.of(), existing))
            .isEqualTo(scores("node-a", 44, "node-b", 66, "node-c", 77, "node-d", 100));
    }

    @Test
    void scoreThreeOfFourCandidates()
    {
        // "one constraint on node, 3 out of 4 nodes are candidates"
        final List<PodObject> existing = spreadAs("foo", "node-a", 4, "node-b", 2, "node-x", 1, "node-y", 3);
        final List<NodeObject> nodes = List.of(node("node-a", HOST, "node-a"), node("node-b", HOST, "node-b"), node("node-x", HOST, "node-x"));
        assertThat(score(incoming("foo", spread(1, HOST, SA, FOO)), nodes, List.of(node("node-y", HOST, "node-y")), existing))
            .isEqualTo(scores("node-a", 33, "node-b", 83, "node-x", 100));
    }

    @Test
    void scoreNodeMissingTopologyKey()
    {
        // "one constraint on node, 3 out of 4 nodes are candidates, one node doesn't match topology key"
        final List<PodObject> existing = spreadAs("foo", "node-a", 4, "node-b", 2, "node-x", 1, "node-y", 3);
        final List<NodeObject> nodes = List.of(node("node-a", HOST, "node-a"), node("node-b", "n", "node-b"), node("node-x", HOST, "node-x"));
        assertThat(score(incoming("foo", spread(1, HOST, SA, FOO)), nodes, List.of(node("node-y", HOST, "node-y")), existing))
            .isEqualTo(scores("node-a", 16, "node-b", 0, "node-x", 100));
    }

    @Test
    void scoreZoneThreeOfFour()
    {
        // "one constraint on zone, 3 out of 4 nodes are candidates"
        final List<PodObject> existing = spreadAs("foo", "node-a", 4, "node-b", 2, "node-x", 1, "node-y", 3);
        final List<NodeObject> nodes = List.of(zonedHost("node-a", "zone1"), zonedHost("node-b", "zone1"), zonedHost("node-x", "zone2"));
        assertThat(score(incoming("foo", spread(1, "zone", SA, FOO)), nodes, List.of(zonedHost("node-y", "zone2")), existing))
            .isEqualTo(scores("node-a", 75, "node-b", 75, "node-x", 100));
    }

    @Test
    void scoreZoneAndNodeTwoOfFour()
    {
        // "two Constraints on zone and node, 2 out of 4 nodes are candidates"
        final List<PodObject> existing = spreadAs("foo", "node-a", 2, "node-b", 1, "node-x", 2, "node-y", 4);
        final PodObject p = incoming("foo", spread(1, "zone", SA, FOO), spread(1, HOST, SA, FOO));
        assertThat(score(p, List.of(zonedHost("node-a", "zone1"), zonedHost("node-x", "zone2")),
            List.of(zonedHost("node-b", "zone1"), zonedHost("node-y", "zone2")), existing))
            .isEqualTo(scores("node-a", 100, "node-x", 63));
    }

    @Test
    void scoreTwoConstraintsOnZone()
    {
        // "two Constraints on zone, 2 out of 4 nodes are candidates"
        final List<PodObject> existing = List.of(on("p-a1", "node-a", "foo", "bar"), on("p-a2", "node-a", "foo"),
            on("p-b1", "node-b", "foo", "bar"), on("p-y1", "node-y", "foo"), on("p-y2", "node-y", "foo", "bar"),
            on("p-y3", "node-y", "foo"));
        final PodObject p = incoming("foo,bar", spread(1, "zone", SA, FOO), spread(1, "zone", SA, BAR));
        assertThat(score(p, List.of(node("node-a", "zone", "zone1"), node("node-x", "zone", "zone2")),
            List.of(node("node-b", "zone", "zone1"), node("node-y", "zone", "zone2")), existing))
            .isEqualTo(scores("node-a", 85, "node-x", 100));
    }

    private static final List<NodeObject> ZH4 = List.of(zonedHost("node-a", "zone1"), zonedHost("node-b", "zone1"),
        zonedHost("node-x", "zone2"), zonedHost("node-y", "zone2"));

    @Test
    void scoreDifferentSelectors()
    {
        // "two Constraints on zone and node, with different labelSelectors"
        final List<PodObject> existing = List.of(on("p-a1", "node-a", "foo"), on("p-b1", "node-b", "foo", "bar"),
            on("p-y1", "node-y", "foo"), on("p-y2", "node-y", "bar"));
        final PodObject p = incoming("foo,bar", spread(1, "zone", SA, FOO), spread(1, HOST, SA, BAR));
        assertThat(score(p, ZH4, List.of(), existing)).isEqualTo(scores("node-a", 60, "node-b", 20, "node-x", 100, "node-y", 60));
    }

    @Test
    void scoreDifferentSelectorsSomeNodesEmpty()
    {
        // "two Constraints on zone and node, with different labelSelectors, some nodes have 0 pods"
        final List<PodObject> existing = List.of(on("p-b1", "node-b", "bar"), on("p-x1", "node-x", "foo"),
            on("p-y1", "node-y", "foo", "bar"));
        final PodObject p = incoming("foo,bar", spread(1, "zone", SA, FOO), spread(1, HOST, SA, BAR));
        assertThat(score(p, ZH4, List.of(), existing)).isEqualTo(scores("node-a", 100, "node-b", 60, "node-x", 40, "node-y", 0));
    }

    @Test
    void scoreDifferentSelectorsThreeOfFour()
    {
        // "two Constraints on zone and node, with different labelSelectors, 3 out of 4 nodes are candidates"
        final List<PodObject> existing = List.of(on("p-a1", "node-a", "foo"), on("p-b1", "node-b", "foo", "bar"),
            on("p-y1", "node-y", "foo"), on("p-y2", "node-y", "bar"));
        final PodObject p = incoming("foo,bar", spread(1, "zone", SA, FOO), spread(1, HOST, SA, BAR));
        assertThat(score(p, ZH4.subList(0, 3), List.of(ZH4.get(3)), existing))
            .isEqualTo(scores("node-a", 50, "node-b", 25, "node-x", 100));
    }

    @Test
    void scoreNoSoftConstraintsSkips()
    {
        assertThat(score(incoming("foo", spread(1, "zone", DNS, FOO)), ZH4, List.of(), List.of()).values()).containsOnly(-1L);
        assertThat(score(pod("p").build(), ZH4, List.of(), List.of()).values()).containsOnly(-1L);
    }

    @Test
    void goLogIsWithinOneUlp()
    {
        // the port follows Go's operation order (log_amd64.s); it stays within one ulp of the correctly rounded log
        // (Go's math.Log(3) is one ulp below it, which is why Math.log is not used)
        for (int i = 1; i < 100000; i++)
        {
            assertThat(Math.abs(GoMath.log(i) - StrictMath.log(i))).isLessThanOrEqualTo(Math.ulp(StrictMath.log(i)));
        }
    }

    // ---------------------------------------------------------------- random: vector == scalar

    private static final String[] ZONES = {"z1", "z2", "z3", "z4"};

    private static NodeObject randomNode(final Random rnd, final String name)
    {
        final Map<String, String> labels = new HashMap<>();
        if (rnd.nextInt(10) > 0)
        {
            labels.put(HOST, name);
        }
        if (rnd.nextInt(8) > 0)
        {
            labels.put(PodTopologySpread.ZONE, ZONES[rnd.nextInt(ZONES.length)]);
        }
        if (rnd.nextInt(6) > 0)
        {
            labels.put("rack", "r" + rnd.nextInt(6));
        }
        if (rnd.nextBoolean())
        {
            labels.put("pool", rnd.nextBoolean() ? "a" : "b");
        }
        final List<Taint> taints = rnd.nextInt(5) == 0 ? List.of(new Taint("t", "", Taint.NO_SCHEDULE)) : List.of();
        return NodeObject.builder(name).labels(labels).taints(taints).build();
    }

    private static Map<String, String> randomPodLabels(final Random rnd)
    {
        final Map<String, String> labels = new HashMap<>();
        labels.put("app", "a" + rnd.nextInt(3));
        if (rnd.nextBoolean())
        {
            labels.put("tier", rnd.nextBoolean() ? "web" : "db");
        }
        return labels;
    }

    private static TopologySpreadConstraint randomConstraint(final Random rnd)
    {
        final String[] keys = {HOST, PodTopologySpread.ZONE, "rack"};
        final LabelSelector sel = switch (rnd.nextInt(4))
        {
            case 0 -> new LabelSelector(Map.of("app", "a" + rnd.nextInt(3)), List.of());
            case 1 -> exists("tier");
            case 2 -> new LabelSelector(Map.of(), List.of(new LabelSelectorRequirement("app", "NotIn", List.of("a0"))));
            default -> rnd.nextBoolean() ? null : LabelSelector.EMPTY;
        };
        return new TopologySpreadConstraint(1 + rnd.nextInt(3), keys[rnd.nextInt(keys.length)],
            rnd.nextBoolean() ? DNS : SA, sel, rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(5) : null,
            rnd.nextInt(4) == 0 ? "Ignore" : "", rnd.nextInt(4) == 0 ? "Honor" : "",
            rnd.nextInt(4) == 0 ? List.of("tier") : List.of());
    }

    private static PodObject randomPod(final Random rnd, final String name)
    {
        final PodObject.Builder b = PodObject.builder(rnd.nextInt(8) == 0 ? "other" : "default", name).labels(randomPodLabels(rnd));
        final int n = rnd.nextInt(4) == 0 ? 0 : 1 + rnd.nextInt(3);
        final List<TopologySpreadConstraint> cs = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            cs.add(randomConstraint(rnd));
        }
        if (rnd.nextInt(4) == 0)
        {
            b.nodeSelector(Map.of("pool", "a"));
        }
        return b.topologySpreadConstraints(cs).build();
    }

    @Test
    void vectorAndScalarAgreeOnRandomClusters()
    {
        final Random rnd = new Random(0x5EED5L);
        for (int round = 0; round < 2000; round++)
        {
            final NodeTable t = new NodeTable(64);
            final int nodes = 1 + rnd.nextInt(300);
            for (int i = 0; i < nodes; i++)
            {
                t.upsert(randomNode(rnd, "n" + i));
            }
            for (int i = 0, removed = rnd.nextInt(4); i < removed; i++)
            {
                t.remove("n" + rnd.nextInt(nodes)); // freed slots stay in the scanned range
            }
            final PodTopologySpread p = new PodTopologySpread();
            for (int i = 0, pods = rnd.nextInt(3 * nodes); i < pods; i++)
            {
                final PodObject e = randomPod(rnd, "e" + i).toBuilder().deletionTimestampMs(rnd.nextInt(20) == 0 ? 1 : 0).build();
                final int slot = t.slotOf("n" + rnd.nextInt(nodes));
                if (slot >= 0 && t.isLive(slot))
                {
                    p.podAdded(e, i, slot, t);
                }
            }
            final PodObject pod = randomPod(rnd, "incoming");
            final int limit = padded(t);
            final long[] base = new long[t.capacity()];
            for (int s = 0; s < limit; s++)
            {
                base[s] = !t.isLive(s) ? 1 : rnd.nextInt(6) == 0 ? 4 : 0;
            }
            if (p.preFilter(pod, null, t))
            {
                final long[] v = base.clone();
                final long[] s = base.clone();
                p.filter(t, v, 2, 0, limit);
                p.filterScalar(t, s, 2, 0, limit);
                assertThat(v).as("filter round %d", round).isEqualTo(s);
            }
            if (p.preScore(pod, null, t))
            {
                final long[] v = new long[t.capacity()];
                final long[] s = new long[t.capacity()];
                p.score(t, v, 0, limit);
                p.scoreScalar(t, s, 0, limit);
                assertThat(v).as("raw round %d", round).isEqualTo(s);
                p.normalize(v, base, limit);
                p.normalizeScalar(s, base, limit);
                for (int i = 0; i < limit; i++)
                {
                    if (base[i] == 0)
                    {
                        assertThat(v[i]).as("score round %d slot %d", round, i).isEqualTo(s[i]).isBetween(0L, 100L);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- property: engine vs a literal port of kube

    /** kube's calPreFilterState + Filter, literally, over the engine's accounted pods; true where a node passes. */
    private static boolean[] kubeFilter(final PodObject pod, final NodeTable t, final PodTable pods, final int limit)
    {
        final List<TopologySpreadConstraint> hard = new ArrayList<>();
        for (final TopologySpreadConstraint c : pod.topologySpreadConstraints())
        {
            if (DNS.equals(c.whenUnsatisfiable()))
            {
                hard.add(c);
            }
        }
        final List<Map<String, Long>> tp = new ArrayList<>();
        final List<PodSelector> sels = new ArrayList<>();
        for (final TopologySpreadConstraint c : hard)
        {
            final SelectorKey k = new SelectorKey();
            k.reset(pod.namespace(), c.labelSelector());
            for (final String key : c.matchLabelKeys())
            {
                if (pod.labels().containsKey(key))
                {
                    k.merge(key, pod.labels().get(key));
                }
            }
            sels.add(PodSelector.compile(k));
            tp.add(new HashMap<>());
        }
        for (int slot = 0; slot < limit; slot++)
        {
            final NodeObject n = t.object(slot);
            if (n == null || !hard.stream().allMatch(c -> n.labels().containsKey(c.topologyKey())))
            {
                continue;
            }
            for (int i = 0; i < hard.size(); i++)
            {
                final TopologySpreadConstraint c = hard.get(i);
                if (!"Ignore".equals(c.nodeAffinityPolicy()) && !NodeInclusion.matchesAffinity(pod, n))
                {
                    continue;
                }
                if ("Honor".equals(c.nodeTaintsPolicy()) && !NodeInclusion.toleratesTaints(pod, n))
                {
                    continue;
                }
                final int fs = slot;
                final int fi = i;
                final long[] count = {0};
                pods.forEach((e, s) ->
                {
                    if (s == fs && !e.isTerminating() && e.namespace().equals(pod.namespace()) && sels.get(fi).matches(e.labels()))
                    {
                        count[0]++;
                    }
                });
                tp.get(i).merge(n.labels().get(c.topologyKey()), count[0], Long::sum);
            }
        }
        final boolean[] ok = new boolean[limit];
        for (int slot = 0; slot < limit; slot++)
        {
            final NodeObject n = t.object(slot);
            ok[slot] = n != null;
            for (int i = 0; i < hard.size() && ok[slot]; i++)
            {
                final TopologySpreadConstraint c = hard.get(i);
                final String v = n.labels().get(c.topologyKey());
                if (v == null)
                {
                    ok[slot] = false;
                    break;
                }
                long min = tp.get(i).values().stream().mapToLong(Long::longValue).min().orElse(Integer.MAX_VALUE);
                if (tp.get(i).size() < (c.minDomains() == null ? 1 : c.minDomains()))
                {
                    min = 0;
                }
                final long self = sels.get(i).matches(pod.labels()) ? 1 : 0;
                ok[slot] = tp.get(i).getOrDefault(v, 0L) + self - min <= c.maxSkew();
            }
        }
        return ok;
    }

    @Test
    void engineNeverViolatesHardConstraintsAndCountersStayExact()
    {
        final Random rnd = new Random(0xC0FFEEL);
        for (int round = 0; round < 30; round++)
        {
            final boolean vector = round % 2 == 0;
            final NodeTable t = new NodeTable(64);
            final SchedulingEngine engine = new SchedulingEngine(t, PluginRegistry.build(Profile.builder()
                .disableFilter("*").enableFilter(PodTopologySpread.NAME).disableScore("*")
                .scoreWeight(PodTopologySpread.NAME, 2).build()), round).vector(vector);
            final int nodes = 1 + rnd.nextInt(120);
            for (int i = 0; i < nodes; i++)
            {
                engine.upsertNode(randomNode(rnd, "n" + i));
            }
            final PodTopologySpread plugin = (PodTopologySpread)engine.filterPlugins()[0];
            final List<String> placed = new ArrayList<>();
            for (int step = 0; step < 200; step++)
            {
                if (!placed.isEmpty() && rnd.nextInt(4) == 0)
                {
                    engine.removePod(placed.remove(rnd.nextInt(placed.size())));
                    continue;
                }
                if (rnd.nextInt(30) == 0)
                {
                    engine.upsertNode(randomNode(rnd, "n" + rnd.nextInt(nodes))); // relabel a node
                }
                final PodObject pod = randomPod(rnd, "p" + step);
                final int limit = padded(t);
                final boolean[] expected = kubeFilter(pod, t, engine.pods(), limit);
                final int slot = engine.schedule(pod);
                final long[] bits = engine.lastFailBits();
                final boolean hasHard = pod.topologySpreadConstraints().stream().anyMatch(c -> DNS.equals(c.whenUnsatisfiable()));
                for (int s = 0; s < limit; s++)
                {
                    // a sampled cycle (over 100 nodes) leaves slots it stopped before with NOT_EXAMINED alone
                    if (t.isLive(s) && bits[s] != SchedulingEngine.NOT_EXAMINED)
                    {
                        assertThat((bits[s] & ~SchedulingEngine.NOT_EXAMINED) == 0).as("round %d step %d slot %d", round, step, s)
                            .isEqualTo(!hasHard || expected[s]);
                    }
                }
                if (slot >= 0)
                {
                    assertThat(!hasHard || expected[slot]).isTrue();
                    placed.add(pod.key());
                }
                checkCounters(plugin.counters(), engine.pods(), t);
            }
        }
    }

    @Test
    void keptDomainSumsEqualAFoldOverEveryNodeAcrossPlacementsRemovalsAndNodeChanges()
    {
        final Random rnd = new Random(0xD0D0L);
        for (int round = 0; round < 40; round++)
        {
            final NodeTable t = new NodeTable(64);
            final SchedulingEngine engine = new SchedulingEngine(t, PluginRegistry.build(Profile.builder()
                .disableFilter("*").enableFilter(PodTopologySpread.NAME).disableScore("*")
                .scoreWeight(PodTopologySpread.NAME, 2).build()), round);
            final int nodes = 1 + rnd.nextInt(120);
            for (int i = 0; i < nodes; i++)
            {
                engine.upsertNode(randomNode(rnd, "n" + i));
            }
            final PodTopologySpread plugin = (PodTopologySpread)engine.filterPlugins()[0];
            final List<String> placed = new ArrayList<>();
            for (int step = 0; step < 150; step++)
            {
                if (!placed.isEmpty() && rnd.nextInt(4) == 0)
                {
                    engine.removePod(placed.remove(rnd.nextInt(placed.size())));
                }
                if (rnd.nextInt(25) == 0)
                {
                    engine.upsertNode(randomNode(rnd, "n" + rnd.nextInt(nodes))); // relabel a node
                }
                if (rnd.nextInt(40) == 0)
                {
                    engine.removeNode("n" + rnd.nextInt(nodes));
                }
                final PodObject pod = randomPod(rnd, "p" + step);
                final int limit = padded(t);
                final long[][] results = new long[2][];
                for (int mode = 0; mode < 2; mode++)
                {
                    plugin.useDomainSums(mode == 0);
                    final long[] out = new long[3 * t.capacity() + 4];
                    if (plugin.preFilter(pod, null, t))
                    {
                        final long[] bits = new long[t.capacity()];
                        plugin.filterScalar(t, bits, 2, 0, limit);
                        System.arraycopy(bits, 0, out, 0, limit);
                        for (int c = 0; c < pod.topologySpreadConstraints().size() && c < 2; c++)
                        {
                            out[3 * t.capacity() + 2 * c] = plugin.hardGlobalMin(c);
                            out[3 * t.capacity() + 2 * c + 1] = plugin.hardDomains(c);
                        }
                    }
                    if (plugin.preScore(pod, null, t))
                    {
                        final long[] raw = new long[t.capacity()];
                        plugin.scoreScalar(t, raw, 0, limit);
                        System.arraycopy(raw, 0, out, t.capacity(), limit);
                        final long[] base = new long[t.capacity()];
                        plugin.normalizeScalar(raw, base, limit);
                        System.arraycopy(raw, 0, out, 2 * t.capacity(), limit);
                    }
                    results[mode] = out;
                }
                plugin.useDomainSums(true);
                assertThat(results[0]).as("round %d step %d", round, step).isEqualTo(results[1]);
                final int slot = engine.schedule(pod);
                if (slot >= 0)
                {
                    placed.add(pod.key());
                }
            }
        }
    }

    private static void checkCounters(final SpreadCounters counters, final PodTable pods, final NodeTable t)
    {
        for (int sel = 0; sel < counters.selectorCount(); sel++)
        {
            final long[] expected = new long[t.capacity()];
            final int s = sel;
            pods.forEach((e, slot) ->
            {
                if (counters.counts(s, e))
                {
                    expected[slot]++;
                }
            });
            assertThat(Arrays.copyOf(counters.perNode(sel), t.capacity())).isEqualTo(expected);
        }
    }
}
