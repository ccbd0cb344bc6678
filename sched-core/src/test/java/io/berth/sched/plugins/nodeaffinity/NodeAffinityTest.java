package io.berth.sched.plugins.nodeaffinity;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's node_affinity_test.go (TestNodeAffinity for the filter, TestNodeAffinityPriority for the score; the
 * AddedAffinity cases are left out, Berth has no NodeAffinityArgs), edge cases of kube's selector parsing, and
 * vector == scalar == a literal port of kube's per-node code on random clusters.
 */
final class NodeAffinityTest
{
    private static final long FAIL_BIT = 2;
    private static final String REASON = "node(s) didn't match Pod's node affinity/selector";
    private static final String NOT_IN_RESULT = "node(s) didn't satisfy plugin(s) [NodeAffinity]";
    private static final String CONFLICT = "pod affinity terms conflict";
    /** Expected outcome of a filter case: the plugin skips the pod (kube's PreFilter Skip). */
    private static final String SKIP = "<skip>";
    private static final String NAME = "metadata.name";

    // ---------------------------------------------------------------- kube TestNodeAffinity

    @Test
    void filterMissingLabels()
    {
        // "missing labels"
        assertFilter(selectorPod(Map.of("foo", "bar")), "node", Map.of(), REASON);
    }

    @Test
    void filterSameLabels()
    {
        // "same labels"
        assertFilter(selectorPod(Map.of("foo", "bar")), "node", Map.of("foo", "bar"), null);
    }

    @Test
    void filterNodeLabelsSuperset()
    {
        // "node labels are superset"; also "Matches node selector correctly even if PreFilter is not called"
        assertFilter(selectorPod(Map.of("foo", "bar")), "node", Map.of("foo", "bar", "baz", "blah"), null);
    }

    @Test
    void filterNodeLabelsSubset()
    {
        // "node labels are subset"
        assertFilter(selectorPod(Map.of("foo", "bar", "baz", "blah")), "node", Map.of("foo", "bar"), REASON);
    }

    @Test
    void filterInMatches()
    {
        // "Pod with matchExpressions using In operator that matches the existing node"
        assertFilter(requiredPod(exprs(req("foo", "In", "bar", "value2"))), "node", Map.of("foo", "bar"), null);
    }

    @Test
    void filterGtMatches()
    {
        // "Pod with matchExpressions using Gt operator that matches the existing node"
        assertFilter(requiredPod(exprs(req("kernel-version", "Gt", "0204"))), "node", Map.of("kernel-version", "0206"), null);
    }

    @Test
    void filterNotInMatches()
    {
        // "Pod with matchExpressions using NotIn operator that matches the existing node"
        assertFilter(requiredPod(exprs(req("mem-type", "NotIn", "DDR", "DDR2"))), "node", Map.of("mem-type", "DDR3"), null);
    }

    @Test
    void filterExistsMatches()
    {
        // "Pod with matchExpressions using Exists operator that matches the existing node"
        assertFilter(requiredPod(exprs(req("GPU", "Exists"))), "node", Map.of("GPU", "NVIDIA-GRID-K1"), null);
    }

    @Test
    void filterInDoesNotMatch()
    {
        // "Pod with affinity that don't match node's labels won't schedule onto the node"
        assertFilter(requiredPod(exprs(req("foo", "In", "value1", "value2"))), "node", Map.of("foo", "bar"), REASON);
    }

    @Test
    void filterEmptyMatchExpressionsMatchesNothing()
    {
        // "Pod with empty MatchExpressions is not a valid value will match no objects and won't schedule onto the node"
        assertFilter(requiredPod(term(List.of(), List.of())), "node", Map.of("foo", "bar"), REASON);
    }

    @Test
    void filterNoAffinitySkips()
    {
        // "Pod with no Affinity will schedule onto a node"
        assertFilter(PodObject.builder("default", "p").build(), "node", Map.of("foo", "bar"), SKIP);
    }

    @Test
    void filterNilRequiredSkips()
    {
        // "Pod with Affinity but nil NodeSelector will schedule onto a node"
        final PodObject pod = PodObject.builder("default", "p")
            .nodeAffinity(new io.berth.sched.model.NodeAffinity(null, List.of())).build();
        assertFilter(pod, "node", Map.of("foo", "bar"), SKIP);
    }

    @Test
    void filterAndedExpressionsMatch()
    {
        // "Pod with multiple matchExpressions ANDed that matches the existing node";
        // also "Matches node affinity correctly even if PreFilter is not called"
        assertFilter(requiredPod(exprs(req("GPU", "Exists"), req("GPU", "NotIn", "AMD", "INTER"))), "node",
            Map.of("GPU", "NVIDIA-GRID-K1"), null);
    }

    @Test
    void filterAndedExpressionsDoNotMatch()
    {
        // "Pod with multiple matchExpressions ANDed that doesn't match the existing node"
        assertFilter(requiredPod(exprs(req("GPU", "Exists"), req("GPU", "In", "AMD", "INTER"))), "node",
            Map.of("GPU", "NVIDIA-GRID-K1"), REASON);
    }

    @Test
    void filterTermsOred()
    {
        // "Pod with multiple NodeSelectorTerms ORed in affinity, matches the node's labels and will schedule onto the node"
        assertFilter(requiredPod(exprs(req("foo", "In", "bar", "value2")), exprs(req("diffkey", "In", "wrong", "value2"))),
            "node", Map.of("foo", "bar"), null);
    }

    @Test
    void filterAffinityAndNodeSelectorBothSatisfied()
    {
        // "Pod with an Affinity and a PodSpec.NodeSelector(the old thing that we are deprecating) both are satisfied, ..."
        assertFilter(pod(Map.of("foo", "bar"), List.of(exprs(req("foo", "Exists"))), List.of()), "node", Map.of("foo", "bar"), null);
    }

    @Test
    void filterAffinityMatchesButNodeSelectorDoesNot()
    {
        // "Pod with an Affinity matches node's labels but the PodSpec.NodeSelector(...) is not satisfied, won't schedule ..."
        assertFilter(pod(Map.of("foo", "bar"), List.of(exprs(req("foo", "Exists"))), List.of()), "node",
            Map.of("foo", "barrrrrr"), REASON);
    }

    @Test
    void filterInvalidValueMatchesNothing()
    {
        // "Pod with an invalid value in Affinity term won't be scheduled onto the node"
        assertFilter(requiredPod(exprs(req("foo", "NotIn", "invalid value: ___@#$%^"))), "node", Map.of("foo", "bar"), REASON);
    }

    @Test
    void filterMatchFieldsInMatches()
    {
        // "Pod with matchFields using In operator that matches the existing node" (PreFilterResult {node1})
        assertFilter(requiredPod(fields(req(NAME, "In", "node1"))), "node1", Map.of(), null);
    }

    @Test
    void filterMatchFieldsInDoesNotMatch()
    {
        // "Pod with matchFields using In operator that does not match the existing node": kube's Filter says
        // ErrReasonPod, but its PreFilterResult {node1} keeps the framework from filtering node2 at all, which
        // then reports "didn't satisfy plugin(s) [NodeAffinity]"
        assertFilter(requiredPod(fields(req(NAME, "In", "node1"))), "node2", Map.of(), NOT_IN_RESULT);
    }

    @Test
    void filterFieldsTermFailsExpressionsTermMatches()
    {
        // "Pod with two terms: matchFields does not match, but matchExpressions matches"
        assertFilter(requiredPod(fields(req(NAME, "In", "node1"), req(NAME, "In", "node2")), exprs(req("foo", "In", "bar"))),
            "node2", Map.of("foo", "bar"), null);
    }

    @Test
    void filterOneTermFieldsFailExpressionsMatch()
    {
        // "Pod with one term: matchFields does not match, but matchExpressions matches" (PreFilterResult {node1})
        assertFilter(requiredPod(term(List.of(req("foo", "In", "bar")), List.of(req(NAME, "In", "node1")))),
            "node2", Map.of("foo", "bar"), NOT_IN_RESULT);
    }

    @Test
    void filterOneTermFieldsAndExpressionsMatch()
    {
        // "Pod with one term: both matchFields and matchExpressions match"
        assertFilter(requiredPod(term(List.of(req("foo", "In", "bar")), List.of(req(NAME, "In", "node1")))),
            "node1", Map.of("foo", "bar"), null);
    }

    @Test
    void filterTwoTermsNeitherMatches()
    {
        // "Pod with two terms: both matchFields and matchExpressions do not match" (no PreFilterResult)
        assertFilter(requiredPod(fields(req(NAME, "In", "node1")), exprs(req("foo", "In", "not-match-to-bar"))),
            "node2", Map.of("foo", "bar"), REASON);
    }

    @Test
    void filterTwoNameTerms()
    {
        // "Pod with two terms of node.Name affinity" (PreFilterResult {node1, node2})
        assertFilter(requiredPod(fields(req(NAME, "In", "node1")), fields(req(NAME, "In", "node2"))), "node2", Map.of(), null);
    }

    @Test
    void filterConflictingNameRequirements()
    {
        // "Pod with two conflicting mach field requirements": PreFilter is UnschedulableAndUnresolvable with errReasonConflict
        assertFilter(requiredPod(fields(req(NAME, "In", "node1"), req(NAME, "In", "node2"))), "node2", Map.of("foo", "bar"),
            CONFLICT);
    }

    // ---------------------------------------------------------------- edge cases of kube's selector parsing

    @Test
    void filterEmptyTermListMatchesNothing()
    {
        // requiredDuringScheduling present with no terms: kube matches no node (and does not skip)
        assertFilter(pod(Map.of(), List.of(), List.of()), "node", Map.of("foo", "bar"), REASON);
    }

    @Test
    void filterInvalidRequirementsMakeTheirTermNeverMatch()
    {
        final Map<String, String> labels = Map.of("foo", "bar", "n", "5", "example.com/zone", "a");
        // each invalid term alone matches nothing; ORed with a valid term, the valid term decides
        final NodeSelectorTerm[] invalid = {
            exprs(req("foo", "In")),                           // In without values
            exprs(req("foo", "NotIn")),                        // NotIn without values
            exprs(req("foo", "Exists", "bar")),                // Exists with values
            exprs(req("zzz", "DoesNotExist", "x")),            // DoesNotExist with values
            exprs(req("n", "Gt", "1", "2")),                   // Gt with two values
            exprs(req("n", "Gt")),                             // Gt without value
            exprs(req("n", "Lt", "abc")),                      // Lt with a non-integer
            exprs(req("n", "Lt", "-1")),                       // an integer, but not a valid label value
            exprs(req("n", "Gt", "99999999999999999999")),     // out of int64
            exprs(req("foo", "Equals", "bar")),                // not a v1 NodeSelectorOperator
            exprs(req("foo", "in", "bar")),                    // operators are case-sensitive
            exprs(req("foo bar", "DoesNotExist")),             // invalid key
            exprs(req("", "DoesNotExist")),                    // empty key
            exprs(req("Example.com/zone", "Exists")),          // prefix must be a lowercase DNS subdomain
            exprs(req("a/b/c", "DoesNotExist")),               // two slashes
            exprs(req("foo", "NotIn", "x".repeat(64))),        // value longer than 63
            exprs(req("foo", "In", "bar"), req("foo", "In")),  // one bad requirement poisons the whole term
            fields(req(NAME, "In", "node", "other")),          // field In needs exactly one value
            fields(req(NAME, "NotIn")),                        // field NotIn needs exactly one value
            fields(req(NAME, "Exists")),                       // fields support only In and NotIn
            term(List.of(req("foo", "In", "bar")), List.of(req(NAME, "Gt", "1"))),
        };
        for (final NodeSelectorTerm t : invalid)
        {
            assertFilter(requiredPod(t), "node", labels, REASON);
            assertFilter(requiredPod(t, exprs(req("foo", "In", "bar"))), "node", labels, null);
            assertFilter(requiredPod(t, exprs(req("foo", "In", "other"))), "node", labels, REASON);
        }
        // valid spellings of the same requirements
        assertFilter(requiredPod(exprs(req("example.com/zone", "In", "a"))), "node", labels, null);
        assertFilter(requiredPod(exprs(req("foo", "NotIn", ""))), "node", labels, null);
        assertFilter(requiredPod(exprs(req("n", "Lt", "6"))), "node", labels, null);
    }

    @Test
    void filterGtLtOnNonIntegerAndMissingLabels()
    {
        // Requirement.Matches: Gt/Lt need the key and a label that ParseInt accepts, then compare strictly
        assertFilter(requiredPod(exprs(req("n", "Gt", "1"))), "node", Map.of("n", "abc"), REASON);
        assertFilter(requiredPod(exprs(req("n", "Lt", "1"))), "node", Map.of("n", "abc"), REASON);
        assertFilter(requiredPod(exprs(req("n", "Lt", "1"))), "node", Map.of("m", "0"), REASON);
        assertFilter(requiredPod(exprs(req("n", "Gt", "5"))), "node", Map.of("n", "5"), REASON);
        assertFilter(requiredPod(exprs(req("n", "Lt", "5"))), "node", Map.of("n", "5"), REASON);
        assertFilter(requiredPod(exprs(req("n", "Gt", "4"))), "node", Map.of("n", "5"), null);
        assertFilter(requiredPod(exprs(req("n", "Lt", "0"))), "node", Map.of("n", "-3"), null);
        assertFilter(requiredPod(exprs(req("n", "Gt", "2"))), "node", Map.of("n", "+3"), null);
        assertFilter(requiredPod(exprs(req("n", "Gt", "0"))), "node", Map.of("n", "9223372036854775807"), null);
        assertFilter(requiredPod(exprs(req("n", "Gt", "0"))), "node", Map.of("n", "9223372036854775808"), REASON);
        assertFilter(requiredPod(exprs(req("n", "Lt", "0"))), "node", Map.of("n", "-9223372036854775808"), null);
    }

    @Test
    void filterUnknownKeysAndValues()
    {
        final Map<String, String> labels = Map.of("foo", "bar");
        // a key no node has: In and Exists match nothing, NotIn and DoesNotExist match everything
        assertFilter(requiredPod(exprs(req("nokey", "In", "bar"))), "node", labels, REASON);
        assertFilter(requiredPod(exprs(req("nokey", "Exists"))), "node", labels, REASON);
        assertFilter(requiredPod(exprs(req("nokey", "Gt", "1"))), "node", labels, REASON);
        assertFilter(requiredPod(exprs(req("nokey", "NotIn", "bar"))), "node", labels, null);
        assertFilter(requiredPod(exprs(req("nokey", "DoesNotExist"))), "node", labels, null);
        // a value no node has
        assertFilter(requiredPod(exprs(req("foo", "In", "never"))), "node", labels, REASON);
        assertFilter(requiredPod(exprs(req("foo", "NotIn", "never"))), "node", labels, null);
        assertFilter(requiredPod(exprs(req("foo", "In", "never", "bar"))), "node", labels, null);
        assertFilter(requiredPod(exprs(req("foo", "NotIn", "never", "bar"))), "node", labels, REASON);
        assertFilter(requiredPod(exprs(req("foo", "DoesNotExist"))), "node", labels, REASON);
        // nodeSelector with an unknown key or value
        assertFilter(selectorPod(Map.of("nokey", "bar")), "node", labels, REASON);
        assertFilter(selectorPod(Map.of("foo", "never")), "node", labels, REASON);
        assertFilter(selectorPod(Map.of("foo", "")), "node", labels, REASON);
        assertFilter(selectorPod(Map.of("foo", "")), "node", Map.of("foo", ""), null);
    }

    @Test
    void filterMatchFields()
    {
        // NotIn on metadata.name; a name no node has
        assertFilter(requiredPod(fields(req(NAME, "NotIn", "node1"))), "node1", Map.of(), REASON);
        assertFilter(requiredPod(fields(req(NAME, "NotIn", "node1"))), "node2", Map.of(), null);
        assertFilter(requiredPod(fields(req(NAME, "NotIn", "nowhere"))), "node2", Map.of(), null);
        assertFilter(requiredPod(fields(req(NAME, "In", "nowhere"))), "node2", Map.of(), NOT_IN_RESULT);
        // kube's field selector does not check the key: any other field reads as ""
        assertFilter(requiredPod(fields(req("spec.x", "In", ""))), "node2", Map.of(), null);
        assertFilter(requiredPod(fields(req("spec.x", "In", "node2"))), "node2", Map.of(), REASON);
        assertFilter(requiredPod(fields(req("spec.x", "NotIn", "a"))), "node2", Map.of(), null);
        assertFilter(requiredPod(fields(req("spec.x", "NotIn", ""))), "node2", Map.of(), REASON);
        // the PreFilterResult counts In values even of terms that fail to parse
        assertFilter(requiredPod(fields(req(NAME, "In", "node1", "node2"))), "node2", Map.of(), REASON);
        assertFilter(requiredPod(fields(req(NAME, "In", "node1", "node3"))), "node2", Map.of(), NOT_IN_RESULT);
    }

    @Test
    void filterNodeSelectorAndAffinityOnManyNodes()
    {
        final NodeTable table = new NodeTable(8);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < 70; i++)
        {
            names.add("n" + i);
            table.upsert(node("n" + i, Map.of("zone", "z" + (i % 3), "disk", i % 2 == 0 ? "ssd" : "hdd", "cpus", Integer.toString(i))));
        }
        table.remove("n5");
        final PodObject pod = pod(Map.of("disk", "ssd"),
            List.of(exprs(req("zone", "In", "z0", "z1"), req("cpus", "Lt", "40")), fields(req(NAME, "NotIn", "n68"))), List.of());
        final long[] fail = runFilter(table, pod, true);
        assertThat(fail).isEqualTo(runFilter(table, pod, false));
        assertThat(table.slotOf("n5")).isEqualTo(-1);
        for (int i = 0; i < 70; i++)
        {
            if (i == 5)
            {
                continue;
            }
            final boolean expected = i % 2 == 0 && ((i % 3 != 2 && i < 40) || i != 68);
            assertThat(fail[table.slotOf("n" + i)] & FAIL_BIT).as("n%d", i).isEqualTo(expected ? 0 : FAIL_BIT);
        }
    }

    // ---------------------------------------------------------------- kube TestNodeAffinityPriority

    private static final Map<String, String> LABEL1 = Map.of("foo", "bar");
    private static final Map<String, String> LABEL2 = Map.of("key", "value");
    private static final Map<String, String> LABEL3 = Map.of("az", "az1");
    private static final Map<String, String> LABEL4 = Map.of("abc", "az11", "def", "az22");
    private static final Map<String, String> LABEL5 = Map.of("foo", "bar", "key", "value", "az", "az1");

    private static final List<PreferredSchedulingTerm> AFFINITY1 = List.of(
        new PreferredSchedulingTerm(2, exprs(req("foo", "In", "bar"))));
    private static final List<PreferredSchedulingTerm> AFFINITY2 = List.of(
        new PreferredSchedulingTerm(2, exprs(req("foo", "In", "bar"))),
        new PreferredSchedulingTerm(4, exprs(req("key", "In", "value"))),
        new PreferredSchedulingTerm(5, exprs(req("foo", "In", "bar"), req("key", "In", "value"), req("az", "In", "az1"))));

    @Test
    void scoreNilAffinity()
    {
        // "all nodes are same priority as NodeAffinity is nil"
        assertScores(List.of(), List.of(LABEL1, LABEL2, LABEL3), null, 0, 0, 0);
    }

    @Test
    void scoreNoNodeMatches()
    {
        // "no node matches preferred scheduling requirements in NodeAffinity of pod so all nodes' priority is zero"
        assertScores(AFFINITY1, List.of(LABEL4, LABEL2, LABEL3), null, 0, 0, 0);
    }

    @Test
    void scoreOnlyNode1Matches()
    {
        // "only node1 matches the preferred scheduling requirements of pod"
        assertScores(AFFINITY1, List.of(LABEL1, LABEL2, LABEL3), null, 100, 0, 0);
    }

    @Test
    void scoreDifferentPriorities()
    {
        // "all nodes matches the preferred scheduling requirements of pod but with different priorities";
        // also "calculate the priorities correctly even if PreScore is not called"
        assertScores(AFFINITY2, List.of(LABEL1, LABEL5, LABEL2), null, 18, 100, 36);
    }

    @Test
    void scoreSkipsZeroWeightInvalidAndEmptyTerms()
    {
        final List<PreferredSchedulingTerm> terms = List.of(
            new PreferredSchedulingTerm(0, exprs(req("foo", "In", "bar"))),
            new PreferredSchedulingTerm(50, exprs(req("foo", "In"))),
            new PreferredSchedulingTerm(50, term(List.of(), List.of())),
            new PreferredSchedulingTerm(3, exprs(req("key", "Exists"))),
            new PreferredSchedulingTerm(1, fields(req(NAME, "In", "nodeA"))));
        // raw: nodeA 1, nodeB 3, nodeC 0
        assertScores(terms, List.of(LABEL1, LABEL2, LABEL3), null, 33, 100, 0);
        // only invalid or zero-weight terms: nothing can score, PreScore skips (all 0 either way)
        assertScores(terms.subList(0, 3), List.of(LABEL1, LABEL2, LABEL3), null, 0, 0, 0);
    }

    @Test
    void scoreNormalizesOverFeasibleNodesOnly()
    {
        // nodeB scores highest raw but is infeasible: max over feasible is nodeA's 2
        final List<PreferredSchedulingTerm> terms = List.of(
            new PreferredSchedulingTerm(2, exprs(req("foo", "In", "bar"))),
            new PreferredSchedulingTerm(7, exprs(req("key", "In", "value"))));
        assertScores(terms, List.of(LABEL1, LABEL2, LABEL3), new boolean[] {true, false, true}, 100, -1, 0);
    }

    @Test
    void defaultWeightAndName()
    {
        final NodeAffinity plugin = new NodeAffinity();
        assertThat(plugin.defaultWeight()).isEqualTo(2);
        assertThat(plugin.name()).isEqualTo("NodeAffinity");
        assertThat(NodeAffinity.REASON).isEqualTo(REASON);
    }

    // ---------------------------------------------------------------- engine

    @Test
    void engineReportsKubeReasonsAndScores()
    {
        final Profile.Builder profile = Profile.builder();
        for (final String f : PluginRegistry.FILTER_ORDER)
        {
            if (!f.equals(NodeAffinity.NAME))
            {
                profile.disableFilter(f);
            }
        }
        for (final String s : PluginRegistry.DEFAULT_SCORE_WEIGHTS.keySet())
        {
            if (!s.equals(NodeAffinity.NAME))
            {
                profile.disableScore(s);
            }
        }
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(profile.build()), 1);
        engine.upsertNode(node("n1", Map.of("zone", "a")));
        engine.upsertNode(node("n2", Map.of("zone", "b", "disk", "ssd")));
        engine.upsertNode(node("n3", Map.of("zone", "a", "disk", "ssd")));
        engine.upsertNode(node("n4", Map.of()));
        for (final boolean vector : new boolean[] {true, false})
        {
            engine.vector(vector);
            // a DaemonSet-style pod pinned to n1 that also selects disk=ssd
            final PodObject pinned = pod(Map.of("disk", "ssd"), List.of(fields(req(NAME, "In", "n1"))), List.of());
            assertThat(engine.schedule(pinned)).isEqualTo(-1);
            assertThat(engine.unschedulableReasons()).isEqualTo(Map.of(REASON, 1, NOT_IN_RESULT, 3));

            final PodObject preferring = pod(Map.of("disk", "ssd"), null, List.of(
                new PreferredSchedulingTerm(10, exprs(req("zone", "In", "a"))),
                new PreferredSchedulingTerm(5, exprs(req("zone", "In", "b")))));
            assertThat(engine.selectHost(preferring)).isEqualTo(table.slotOf("n3"));
            final long[] s = engine.lastScores(0);
            assertThat(s[table.slotOf("n2")]).isEqualTo(50);
            assertThat(s[table.slotOf("n3")]).isEqualTo(100);
            assertThat(engine.lastTotals()[table.slotOf("n3")]).isEqualTo(200);
        }
    }

    // ---------------------------------------------------------------- label syntax == kube's regular expressions

    @Test
    void labelSyntaxAgreesWithKubeRegexes()
    {
        final Random rnd = new Random(0x1ABE1L);
        for (int i = 0; i < 200_000; i++)
        {
            final String s = switch (rnd.nextInt(3))
            {
                case 0 -> randomString(rnd, "aZ09-_./é ", rnd.nextInt(8) == 0 ? 60 + rnd.nextInt(200) : rnd.nextInt(10));
                case 1 -> randomString(rnd, "az09-.", rnd.nextInt(8) == 0 ? 250 + rnd.nextInt(6) : rnd.nextInt(8)) + "/" +
                    randomString(rnd, "aZ09-_.", rnd.nextInt(8) == 0 ? 62 + rnd.nextInt(3) : rnd.nextInt(8));
                default -> randomString(rnd, "aZ09-_.", rnd.nextInt(8) == 0 ? 62 + rnd.nextInt(3) : rnd.nextInt(8));
            };
            assertThat(LabelSyntax.isQualifiedName(s)).as("key '%s'", s).isEqualTo(kubeIsQualifiedName(s));
            assertThat(LabelSyntax.isValidLabelValue(s)).as("value '%s'", s).isEqualTo(kubeIsValidLabelValue(s));
        }
        final String[] ints = {"0", "-0", "+0", "12", "+12", "-12", "", "+", "-", "1a", " 1", "0x1", "1_000", "٣",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "007"};
        for (final String s : ints)
        {
            assertThat(LabelSyntax.isInt64(s)).as("int '%s'", s).isEqualTo(goParseInt(s) != null);
            if (goParseInt(s) != null)
            {
                assertThat(LabelSyntax.parseInt64(s)).isEqualTo(goParseInt(s));
            }
        }
        assertThat(LabelSyntax.isQualifiedName("a".repeat(253) + "/" + "b".repeat(63))).isTrue();
        assertThat(LabelSyntax.isQualifiedName("a".repeat(254) + "/b")).isFalse();
        assertThat(LabelSyntax.isQualifiedName("b".repeat(64))).isFalse();
    }

    private static String randomString(final Random rnd, final String alphabet, final int length)
    {
        final StringBuilder sb = new StringBuilder();
        for (int k = 0; k < length; k++)
        {
            // mostly alphanumerics, so that long valid strings occur too
            sb.append(alphabet.charAt(rnd.nextInt(rnd.nextInt(4) == 0 ? alphabet.length() : 4)));
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- random: vector == scalar == kube

    private static final String[] KEYS = {"zone", "k1", "k2", "example.com/tier", "num", "gpu"};
    private static final String[] NODE_VALUES = {"a", "b", "c", "", "0", "1", "7", "10", "0206", "-5", "+3", "abc",
        "9223372036854775807", "x.y_z-1"};
    private static final String[] POD_KEYS = {"zone", "k1", "k2", "example.com/tier", "num", "gpu", "never",
        "bad key", "", "a/b/c", "Example.com/x", "/x"};
    private static final String[] POD_VALUES = {"a", "b", "c", "", "0", "1", "7", "10", "0206", "zzz", "bad value!",
        "-1", "12", "abc", "x.y_z-1", "-5"};
    private static final String[] OPS = {"In", "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Bogus"};

    @Test
    void vectorScalarAndKubeAgreeOnRandomClusters()
    {
        final Random rnd = new Random(0xAFF1L);
        int cases = 0;
        long failing = 0;
        long feasible = 0;
        long scored = 0;
        for (int c = 0; c < 400; c++)
        {
            final NodeTable table = new NodeTable(1 + rnd.nextInt(64));
            final int n = 1 + rnd.nextInt(300);
            final List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                names.add("node-" + i);
                table.upsert(node("node-" + i, randomLabels(rnd)));
            }
            // removals, re-adds into freed slots, and label changes of existing nodes
            for (int k = rnd.nextInt(1 + n / 3); k > 0; k--)
            {
                table.remove(names.get(rnd.nextInt(n)));
            }
            for (int k = rnd.nextInt(1 + n / 5); k > 0; k--)
            {
                final String name = rnd.nextBoolean() ? names.get(rnd.nextInt(n)) : "extra-" + c + "-" + k;
                if (!names.contains(name))
                {
                    names.add(name);
                }
                table.upsert(node(name, randomLabels(rnd)));
            }
            final NodeAffinity plugin = new NodeAffinity();
            for (int p = 0; p < 8; p++)
            {
                final long[] counts = checkPod(table, plugin, randomPod(rnd, names));
                failing += counts[0];
                feasible += counts[1];
                scored += counts[2];
                cases++;
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(3000);
        assertThat(failing).isGreaterThan(10_000);
        assertThat(feasible).isGreaterThan(10_000);
        assertThat(scored).isGreaterThan(10_000);
    }

    /** Checks one pod; returns the number of live slots that fail, that pass, and that score above zero. */
    private static long[] checkPod(final NodeTable table, final NodeAffinity plugin, final PodObject pod)
    {
        final int limit = limit(table);
        final long[] expectedFail = liveBits(table, limit);
        for (int slot = 0; slot < limit; slot++)
        {
            if (table.isLive(slot) && !kubeRequiredMatch(pod, table.object(slot)))
            {
                expectedFail[slot] |= FAIL_BIT;
            }
        }
        final long[] vectorFail = liveBits(table, limit);
        final long[] scalarFail = liveBits(table, limit);
        final boolean active = plugin.preFilter(pod, null, table);
        assertThat(active).isEqualTo(!pod.nodeSelector().isEmpty() || pod.nodeAffinity().requiredTerms() != null);
        if (active)
        {
            plugin.filter(table, vectorFail, FAIL_BIT, limit);
            plugin.filterScalar(table, scalarFail, FAIL_BIT, limit);
        }
        assertThat(vectorFail).isEqualTo(scalarFail);
        for (int slot = 0; slot < limit; slot++)
        {
            if (table.isLive(slot))
            {
                assertThat(vectorFail[slot]).as("slot %d", slot).isEqualTo(expectedFail[slot]);
            }
        }

        final Set<String> resultNames = kubePreFilterNames(pod.nodeAffinity().requiredTerms());
        final List<String> reasons = new ArrayList<>();
        for (int slot = 0; slot < limit; slot++)
        {
            if (expectedFail[slot] == FAIL_BIT)
            {
                reasons.clear();
                plugin.reasons(table, slot, reasons);
                final String expected = resultNames == null ? REASON
                    : resultNames.isEmpty() ? CONFLICT
                    : resultNames.contains(table.name(slot)) ? REASON : NOT_IN_RESULT;
                assertThat(reasons).containsExactly(expected);
            }
        }

        // kube scores the nodes that passed every filter; use the liveness as the feasibility
        final long[] feasibility = liveBits(table, limit);
        final long[] expected = new long[limit];
        long max = 0;
        long positive = 0;
        for (int slot = 0; slot < limit; slot++)
        {
            if (feasibility[slot] == 0)
            {
                expected[slot] = kubeScore(pod, table.object(slot));
                max = Math.max(max, expected[slot]);
                positive += expected[slot] > 0 ? 1 : 0;
            }
        }
        for (int slot = 0; slot < limit; slot++)
        {
            if (feasibility[slot] == 0 && max > 0)
            {
                expected[slot] = 100 * expected[slot] / max;
            }
        }
        final long[] vectorScores = new long[limit];
        final long[] scalarScores = new long[limit];
        Arrays.fill(vectorScores, -7);
        Arrays.fill(scalarScores, -9);
        if (plugin.preScore(pod, null, table))
        {
            plugin.score(table, vectorScores, limit);
            plugin.scoreScalar(table, scalarScores, limit);
            assertThat(vectorScores).isEqualTo(scalarScores);
            plugin.normalize(vectorScores, feasibility, limit);
            plugin.normalizeScalar(scalarScores, feasibility, limit);
            assertThat(vectorScores).isEqualTo(scalarScores);
        }
        else
        {
            Arrays.fill(vectorScores, 0);
        }
        for (int slot = 0; slot < limit; slot++)
        {
            if (feasibility[slot] == 0)
            {
                assertThat(vectorScores[slot]).as("score of slot %d", slot).isEqualTo(expected[slot]);
            }
        }
        long failing = 0;
        long feasible = 0;
        for (int slot = 0; slot < limit; slot++)
        {
            failing += expectedFail[slot] == FAIL_BIT ? 1 : 0;
            feasible += expectedFail[slot] == 0 ? 1 : 0;
        }
        return new long[] {failing, feasible, positive};
    }

    private static Map<String, String> randomLabels(final Random rnd)
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        for (final String key : KEYS)
        {
            if (rnd.nextInt(3) != 0)
            {
                labels.put(key, NODE_VALUES[rnd.nextInt(key.equals("num") ? NODE_VALUES.length : 4)]);
            }
        }
        return labels;
    }

    private static PodObject randomPod(final Random rnd, final List<String> names)
    {
        final Map<String, String> selector = new LinkedHashMap<>();
        if (rnd.nextInt(3) == 0)
        {
            for (int i = rnd.nextInt(3); i > 0; i--)
            {
                selector.put(POD_KEYS[rnd.nextInt(7)], POD_VALUES[rnd.nextInt(5)]);
            }
        }
        List<NodeSelectorTerm> required = null;
        if (rnd.nextInt(3) != 0)
        {
            required = new ArrayList<>();
            for (int i = rnd.nextInt(4); i > 0; i--)
            {
                required.add(randomTerm(rnd, names));
            }
        }
        final List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        for (int i = rnd.nextInt(5); i > 0; i--)
        {
            preferred.add(new PreferredSchedulingTerm(rnd.nextInt(6) == 0 ? 0 : 1 + rnd.nextInt(100), randomTerm(rnd, names)));
        }
        return pod(selector, required, preferred);
    }

    private static NodeSelectorTerm randomTerm(final Random rnd, final List<String> names)
    {
        final List<NodeSelectorRequirement> expressions = new ArrayList<>();
        for (int i = rnd.nextInt(4); i > 0; i--)
        {
            final String op = OPS[rnd.nextInt(rnd.nextInt(10) == 0 ? OPS.length : OPS.length - 1)];
            final String key = POD_KEYS[rnd.nextInt(rnd.nextInt(10) == 0 ? POD_KEYS.length : 7)];
            final List<String> values = new ArrayList<>();
            int count = switch (op)
            {
                case "In", "NotIn" -> 1 + rnd.nextInt(Kernels.LANES + 2);
                case "Gt", "Lt" -> 1;
                default -> 0;
            };
            if (rnd.nextInt(15) == 0)
            {
                count = rnd.nextInt(3); // sometimes the wrong number of values
            }
            for (int k = 0; k < count; k++)
            {
                values.add(POD_VALUES[rnd.nextInt(rnd.nextInt(8) == 0 ? POD_VALUES.length : 9)]);
            }
            expressions.add(req(key, op, values.toArray(new String[0])));
        }
        final List<NodeSelectorRequirement> fields = new ArrayList<>();
        if (rnd.nextInt(4) == 0)
        {
            for (int i = 1 + rnd.nextInt(2); i > 0; i--)
            {
                final String key = rnd.nextInt(8) == 0 ? "spec.x" : NAME;
                final String op = rnd.nextInt(12) == 0 ? "Exists" : rnd.nextInt(3) == 0 ? "NotIn" : "In";
                final List<String> values = new ArrayList<>();
                for (int k = rnd.nextInt(12) == 0 ? 2 : 1; k > 0; k--)
                {
                    values.add(rnd.nextInt(10) == 0 ? (rnd.nextBoolean() ? "" : "nowhere") : names.get(rnd.nextInt(names.size())));
                }
                fields.add(req(key, op, values.toArray(new String[0])));
            }
        }
        return term(expressions, fields);
    }

    // ---------------------------------------------------------------- kube, literally

    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final Pattern GO_INT = Pattern.compile("[+-]?[0-9]+");

    /** apimachinery's {@code validation.IsQualifiedName}. */
    private static boolean kubeIsQualifiedName(final String value)
    {
        final String[] parts = value.split("/", -1);
        final String name;
        if (parts.length == 1)
        {
            name = parts[0];
        }
        else if (parts.length == 2)
        {
            final String prefix = parts[0];
            if (prefix.isEmpty() || prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches())
            {
                return false;
            }
            name = parts[1];
        }
        else
        {
            return false;
        }
        return !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
    }

    /** apimachinery's {@code validation.IsValidLabelValue}. */
    private static boolean kubeIsValidLabelValue(final String value)
    {
        return value.length() <= 63 && (value.isEmpty() || QUALIFIED_NAME.matcher(value).matches());
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)}, or null for its error. */
    private static Long goParseInt(final String s)
    {
        if (!GO_INT.matcher(s).matches())
        {
            return null;
        }
        try
        {
            return Long.parseLong(s);
        }
        catch (final NumberFormatException ex)
        {
            return null;
        }
    }

    /** {@code labels.NewRequirement} error check after the v1 operator switch. */
    private static boolean kubeExpressionParses(final NodeSelectorRequirement r)
    {
        if (!kubeIsQualifiedName(r.key()))
        {
            return false;
        }
        final List<String> vals = r.values();
        final boolean opOk = switch (r.operator())
        {
            case "In", "NotIn" -> !vals.isEmpty();
            case "Exists", "DoesNotExist" -> vals.isEmpty();
            case "Gt", "Lt" -> vals.size() == 1 && vals.stream().allMatch(v -> goParseInt(v) != null);
            default -> false;
        };
        return opOk && vals.stream().allMatch(NodeAffinityTest::kubeIsValidLabelValue);
    }

    /** {@code Requirement.Matches}. */
    private static boolean kubeExpressionMatches(final NodeSelectorRequirement r, final Map<String, String> labels)
    {
        final String val = labels.get(r.key());
        return switch (r.operator())
        {
            case "In" -> val != null && r.values().contains(val);
            case "NotIn" -> val == null || !r.values().contains(val);
            case "Exists" -> val != null;
            case "DoesNotExist" -> val == null;
            case "Gt", "Lt" ->
            {
                final Long lsValue = val == null ? null : goParseInt(val);
                if (lsValue == null)
                {
                    yield false;
                }
                final long rValue = goParseInt(r.values().get(0));
                yield r.operator().equals("Gt") ? lsValue > rValue : lsValue < rValue;
            }
            default -> false;
        };
    }

    /** {@code nodeSelectorTerm.match} with its parse errors: null when the term does not parse. */
    private static Boolean kubeTermMatch(final NodeSelectorTerm term, final NodeObject node)
    {
        for (final NodeSelectorRequirement r : term.matchExpressions())
        {
            if (!kubeExpressionParses(r))
            {
                return null;
            }
        }
        for (final NodeSelectorRequirement r : term.matchFields())
        {
            if (!(r.operator().equals("In") || r.operator().equals("NotIn")) || r.values().size() != 1)
            {
                return null;
            }
        }
        for (final NodeSelectorRequirement r : term.matchExpressions())
        {
            if (!kubeExpressionMatches(r, node.labels()))
            {
                return false;
            }
        }
        final Map<String, String> nodeFields = Map.of(NAME, node.name());
        for (final NodeSelectorRequirement r : term.matchFields())
        {
            final String f = nodeFields.getOrDefault(r.key(), "");
            if (r.operator().equals("In") != f.equals(r.values().get(0)))
            {
                return false;
            }
        }
        return true;
    }

    /** {@code RequiredNodeAffinity.Match}. */
    private static boolean kubeRequiredMatch(final PodObject pod, final NodeObject node)
    {
        for (final Map.Entry<String, String> e : pod.nodeSelector().entrySet())
        {
            if (!e.getValue().equals(node.labels().get(e.getKey())))
            {
                return false;
            }
        }
        final List<NodeSelectorTerm> terms = pod.nodeAffinity().requiredTerms();
        if (terms == null)
        {
            return true;
        }
        for (final NodeSelectorTerm term : terms)
        {
            if (term.matchExpressions().isEmpty() && term.matchFields().isEmpty())
            {
                continue;
            }
            if (Boolean.TRUE.equals(kubeTermMatch(term, node)))
            {
                return true;
            }
        }
        return false;
    }

    /** {@code PreferredSchedulingTerms.Score}, parse errors as non-matching terms. */
    private static long kubeScore(final PodObject pod, final NodeObject node)
    {
        long score = 0;
        for (final PreferredSchedulingTerm t : pod.nodeAffinity().preferredTerms())
        {
            final NodeSelectorTerm term = t.preference();
            if (t.weight() == 0 || (term.matchExpressions().isEmpty() && term.matchFields().isEmpty()))
            {
                continue;
            }
            if (Boolean.TRUE.equals(kubeTermMatch(term, node)))
            {
                score += t.weight();
            }
        }
        return score;
    }

    /** The node names of kube's NodeAffinity PreFilterResult, or null for all nodes. */
    private static Set<String> kubePreFilterNames(final List<NodeSelectorTerm> terms)
    {
        if (terms == null || terms.isEmpty())
        {
            return null;
        }
        Set<String> nodeNames = null;
        for (final NodeSelectorTerm t : terms)
        {
            Set<String> termNames = null;
            for (final NodeSelectorRequirement r : t.matchFields())
            {
                if (r.key().equals(NAME) && r.operator().equals("In"))
                {
                    final Set<String> s = new HashSet<>(r.values());
                    if (termNames == null)
                    {
                        termNames = s;
                    }
                    else
                    {
                        termNames.retainAll(s);
                    }
                }
            }
            if (termNames == null)
            {
                return null;
            }
            nodeNames = nodeNames == null ? new HashSet<>() : nodeNames;
            nodeNames.addAll(termNames);
        }
        return nodeNames;
    }

    // ---------------------------------------------------------------- helpers

    private static void assertFilter(final PodObject pod, final String nodeName, final Map<String, String> labels, final String reason)
    {
        final NodeTable table = new NodeTable(8);
        final int slot = table.upsert(node(nodeName, labels));
        final NodeAffinity plugin = new NodeAffinity();
        assertThat(plugin.preFilter(pod, null, table)).isEqualTo(!SKIP.equals(reason));
        for (final boolean vector : new boolean[] {true, false})
        {
            final long[] fail = runFilter(table, pod, vector);
            assertThat(fail[slot]).as("vector=%s", vector).isEqualTo(reason == null || SKIP.equals(reason) ? 0 : FAIL_BIT);
        }
        if (reason != null && !SKIP.equals(reason))
        {
            final List<String> reasons = new ArrayList<>();
            plugin.reasons(table, slot, reasons);
            assertThat(reasons).containsExactly(reason);
        }
    }

    private static long[] runFilter(final NodeTable table, final PodObject pod, final boolean vector)
    {
        final NodeAffinity plugin = new NodeAffinity();
        final int limit = limit(table);
        final long[] fail = liveBits(table, limit);
        if (plugin.preFilter(pod, null, table))
        {
            if (vector)
            {
                plugin.filter(table, fail, FAIL_BIT, limit);
            }
            else
            {
                plugin.filterScalar(table, fail, FAIL_BIT, limit);
            }
        }
        return fail;
    }

    /** {@code feasible[i]} false marks node i infeasible (expected score -1: not checked). */
    private static void assertScores(
        final List<PreferredSchedulingTerm> terms,
        final List<Map<String, String>> nodeLabels,
        final boolean[] feasible,
        final long... expected)
    {
        final NodeTable table = new NodeTable(8);
        final int[] slots = new int[nodeLabels.size()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = table.upsert(node("node" + (char)('A' + i), nodeLabels.get(i)));
        }
        final NodeAffinity plugin = new NodeAffinity();
        final PodObject pod = pod(Map.of(), null, terms);
        final int limit = limit(table);
        final long[] fail = liveBits(table, limit);
        for (int i = 0; i < slots.length; i++)
        {
            if (feasible != null && !feasible[i])
            {
                fail[slots[i]] |= FAIL_BIT;
            }
        }
        for (final boolean vector : new boolean[] {true, false})
        {
            final long[] scores = new long[limit];
            if (plugin.preScore(pod, null, table))
            {
                if (vector)
                {
                    plugin.score(table, scores, limit);
                    plugin.normalize(scores, fail, limit);
                }
                else
                {
                    plugin.scoreScalar(table, scores, limit);
                    plugin.normalizeScalar(scores, fail, limit);
                }
            }
            for (int i = 0; i < slots.length; i++)
            {
                if (expected[i] >= 0)
                {
                    assertThat(scores[slots[i]]).as("node %d, vector=%s", i, vector).isEqualTo(expected[i]);
                }
            }
        }
    }

    private static int limit(final NodeTable table)
    {
        return (table.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
    }

    private static long[] liveBits(final NodeTable table, final int limit)
    {
        final long[] bits = new long[limit];
        for (int slot = 0; slot < limit; slot++)
        {
            bits[slot] = table.isLive(slot) ? 0 : SchedulingEngine.NOT_LIVE;
        }
        return bits;
    }

    private static NodeObject node(final String name, final Map<String, String> labels)
    {
        return NodeObject.builder(name).labels(labels).build();
    }

    private static NodeSelectorRequirement req(final String key, final String op, final String... values)
    {
        return new NodeSelectorRequirement(key, op, List.of(values));
    }

    private static NodeSelectorTerm term(final List<NodeSelectorRequirement> expressions, final List<NodeSelectorRequirement> fields)
    {
        return new NodeSelectorTerm(expressions, fields);
    }

    private static NodeSelectorTerm exprs(final NodeSelectorRequirement... expressions)
    {
        return new NodeSelectorTerm(List.of(expressions), List.of());
    }

    private static NodeSelectorTerm fields(final NodeSelectorRequirement... fields)
    {
        return new NodeSelectorTerm(List.of(), List.of(fields));
    }

    private static PodObject pod(
        final Map<String, String> nodeSelector,
        final List<NodeSelectorTerm> required,
        final List<PreferredSchedulingTerm> preferred)
    {
        return PodObject.builder("default", "p").nodeSelector(nodeSelector)
            .nodeAffinity(new io.berth.sched.model.NodeAffinity(required, preferred)).build();
    }

    private static PodObject selectorPod(final Map<String, String> nodeSelector)
    {
        return pod(nodeSelector, null, List.of());
    }

    private static PodObject requiredPod(final NodeSelectorTerm... terms)
    {
        return pod(Map.of(), List.of(terms), List.of());
    }
}
