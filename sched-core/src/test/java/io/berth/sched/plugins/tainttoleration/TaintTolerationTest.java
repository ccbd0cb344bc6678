package io.berth.sched.plugins.tainttoleration;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * kube's taint_toleration_test.go (TestTaintTolerationFilter, TestTaintTolerationScore, with the v1.33/v1.34 reason
 * strings; the Gt/Lt cases only as v1.34 sees them, where those operators tolerate nothing), plus vector == scalar ==
 * a literal port of kube's per-node code on random clusters.
 */
final class TaintTolerationTest
{
    private static final long FAIL_BIT = 2;
    private static final String NS = Taint.NO_SCHEDULE;
    private static final String PNS = Taint.PREFER_NO_SCHEDULE;
    private static final String NE = Taint.NO_EXECUTE;

    // ---------------------------------------------------------------- kube TestTaintTolerationFilter

    @Test
    void filterPodWithoutTolerationsOnTaintedNode()
    {
        // "A pod having no tolerations can't be scheduled onto a node with nonempty taints"
        assertFilter(List.of(), List.of(taint("dedicated", "user1", NS)), "node(s) had untolerated taint {dedicated: user1}");
    }

    @Test
    void filterDedicatedNodeForUser1()
    {
        // "A pod which can be scheduled on a dedicated node assigned to user1 with effect NoSchedule"
        assertFilter(List.of(tol("dedicated", "", "user1", NS)), List.of(taint("dedicated", "user1", NS)), null);
    }

    @Test
    void filterDedicatedNodeForUser2()
    {
        // "A pod which can't be scheduled on a dedicated node assigned to user2 with effect NoSchedule"
        assertFilter(List.of(tol("dedicated", "Equal", "user2", NS)), List.of(taint("dedicated", "user1", NS)),
            "node(s) had untolerated taint {dedicated: user1}");
    }

    @Test
    void filterExistsOperator()
    {
        // "A pod can be scheduled onto the node, with a toleration uses operator Exists that tolerates the taints on the node"
        assertFilter(List.of(tol("foo", "Exists", "", NS)), List.of(taint("foo", "bar", NS)), null);
    }

    @Test
    void filterMultipleTolerationsAllTaintsTolerated()
    {
        // "A pod has multiple tolerations, node has multiple taints, all the taints are tolerated, pod can be scheduled onto the node"
        assertFilter(
            List.of(tol("dedicated", "Equal", "user2", NS), tol("foo", "Exists", "", NS)),
            List.of(taint("dedicated", "user2", NS), taint("foo", "bar", NS)),
            null);
    }

    @Test
    void filterEffectMismatch()
    {
        // "A pod has a toleration that keys and values match the taint on the node, but (non-empty) effect doesn't match, ..."
        assertFilter(List.of(tol("foo", "Equal", "bar", PNS)), List.of(taint("foo", "bar", NS)), "node(s) had untolerated taint {foo: bar}");
    }

    @Test
    void filterEmptyTolerationEffectMatchesAll()
    {
        // "The pod has a toleration that keys and values match the taint on the node, the effect of toleration is empty, ..."
        assertFilter(List.of(tol("foo", "Equal", "bar", "")), List.of(taint("foo", "bar", NS)), null);
    }

    @Test
    void filterIgnoresPreferNoScheduleTaintWithMismatchedToleration()
    {
        // "The pod has a toleration that key and value don't match the taint on the node, but the effect of taint on node is PreferNoSchedule. ..."
        assertFilter(List.of(tol("dedicated", "Equal", "user2", NS)), List.of(taint("dedicated", "user1", PNS)), null);
    }

    @Test
    void filterIgnoresPreferNoScheduleTaintWithoutTolerations()
    {
        // "The pod has no toleration, but the effect of taint on node is PreferNoSchedule. Pod can be scheduled onto the node"
        assertFilter(List.of(), List.of(taint("dedicated", "user1", PNS)), null);
    }

    @Test
    void filterGtOperatorToleratesNothingInV134()
    {
        // TestTaintTolerationFilterWithFeatureGate "Pod with Gt toleration cannot be scheduled when feature gate is disabled"
        assertFilter(List.of(tol("node.kubernetes.io/sla", "Gt", "750", NS)), List.of(taint("node.kubernetes.io/sla", "950", NS)),
            "node(s) had untolerated taint {node.kubernetes.io/sla: 950}");
        // "Pod with Lt toleration cannot be scheduled when feature gate is disabled"
        assertFilter(List.of(tol("node.kubernetes.io/sla", "Lt", "950", NS)), List.of(taint("node.kubernetes.io/sla", "800", NS)),
            "node(s) had untolerated taint {node.kubernetes.io/sla: 800}");
    }

    @Test
    void filterMixedTolerationsWithGt()
    {
        // "Pod with mixed tolerations (Equal and Gt) when feature gate is disabled - only Equal is honored"
        final List<Toleration> tols = List.of(tol("dedicated", "Equal", "user1", NS), tol("node.kubernetes.io/sla", "Gt", "750", NS));
        assertFilter(tols, List.of(taint("dedicated", "user1", NS)), null);
        // "Pod with mixed tolerations, Gt toleration needed but filtered out when feature gate is disabled"
        assertFilter(tols, List.of(taint("dedicated", "user1", NS), taint("node.kubernetes.io/sla", "950", NS)),
            "node(s) had untolerated taint {node.kubernetes.io/sla: 950}");
    }

    @Test
    void filterNoExecuteAndEmptyKeyExists()
    {
        // not in kube's table: NoExecute is hard; empty key + Exists tolerates every taint; the reason names the first
        // untolerated hard taint in the node's order, skipping PreferNoSchedule ones
        final List<Taint> taints = List.of(taint("soft", "x", PNS), taint("a", "1", NS), taint("b", "2", NE));
        assertFilter(List.of(tol("a", "Exists", "", "")), taints, "node(s) had untolerated taint {b: 2}");
        assertFilter(List.of(), taints, "node(s) had untolerated taint {a: 1}");
        assertFilter(List.of(tol("", "Exists", "", "")), taints, null);
        assertFilter(List.of(tol("", "Exists", "", NS)), taints, "node(s) had untolerated taint {b: 2}");
    }

    // ---------------------------------------------------------------- kube TestTaintTolerationScore

    @Test
    void scoreToleratedNodeScoresHigher()
    {
        // "node with taints tolerated by the pod, gets a higher score than those node with intolerable taints"
        assertScores(List.of(tol("foo", "Equal", "bar", PNS)),
            List.of(List.of(taint("foo", "bar", PNS)), List.of(taint("foo", "blah", PNS))),
            100, 0);
    }

    @Test
    void scoreCountOfToleratedTaintsDoesNotMatter()
    {
        // "the nodes that all of their taints are tolerated by the pod, get the same score, no matter how many tolerable taints a node has"
        assertScores(List.of(tol("cpu-type", "Equal", "arm64", PNS), tol("disk-type", "Equal", "ssd", PNS)),
            List.of(List.of(), List.of(taint("cpu-type", "arm64", PNS)), List.of(taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS))),
            100, 100, 100);
    }

    @Test
    void scoreMoreIntolerableTaintsScoreLower()
    {
        // "the more intolerable taints a node has, the lower score it gets."
        assertScores(List.of(tol("foo", "Equal", "bar", PNS)),
            List.of(List.of(), List.of(taint("cpu-type", "arm64", PNS)), List.of(taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS))),
            100, 50, 0);
    }

    @Test
    void scoreOnlyPreferNoScheduleCounts()
    {
        // "only taints and tolerations that have effect PreferNoSchedule are checked by taints-tolerations priority function"
        assertScores(List.of(tol("cpu-type", "Equal", "arm64", NS), tol("disk-type", "Equal", "ssd", NS)),
            List.of(List.of(), List.of(taint("cpu-type", "arm64", NS)), List.of(taint("cpu-type", "arm64", PNS), taint("disk-type", "ssd", PNS))),
            100, 100, 0);
    }

    @Test
    void scoreDefaultNoTolerations()
    {
        // "Default behaviour No taints and tolerations, lands on node with no taints"
        assertScores(List.of(), List.of(List.of(), List.of(taint("cpu-type", "arm64", PNS))), 100, 0);
    }

    @Test
    void scoreAllMaxWhenNothingIntolerable()
    {
        // not in kube's table: no intolerable PreferNoSchedule taint anywhere: all raw 0, reversed to MaxNodeScore
        assertScores(List.of(tol("", "Exists", "", "")), List.of(List.of(taint("a", "1", PNS)), List.of()), 100, 100);
    }

    // ---------------------------------------------------------------- engine

    @Test
    void engineReportsKubeReasonsAndScores()
    {
        final Profile.Builder profile = Profile.builder();
        for (final String f : PluginRegistry.FILTER_ORDER)
        {
            if (!f.equals(TaintToleration.NAME))
            {
                profile.disableFilter(f);
            }
        }
        for (final String s : PluginRegistry.DEFAULT_SCORE_WEIGHTS.keySet())
        {
            if (!s.equals(TaintToleration.NAME))
            {
                profile.disableScore(s);
            }
        }
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(profile.build()), 1);
        engine.upsertNode(node("n1", List.of(taint("dedicated", "user1", NS))));
        engine.upsertNode(node("n2", List.of(taint("dedicated", "user1", NS), taint("gpu", "", NE))));
        engine.upsertNode(node("n3", List.of(taint("gpu", "", NE))));

        for (final boolean vector : new boolean[] {true, false})
        {
            engine.vector(vector);
            assertThat(engine.schedule(pod(List.of()))).isEqualTo(-1);
            assertThat(engine.unschedulableReasons()).isEqualTo(Map.of(
                "node(s) had untolerated taint {dedicated: user1}", 2,
                "node(s) had untolerated taint {gpu: }", 1));
        }

        engine.upsertNode(node("n4", List.of(taint("soft", "a", PNS))));
        engine.upsertNode(node("n5", List.of(taint("soft", "a", PNS), taint("soft2", "b", PNS))));
        engine.upsertNode(node("n6", List.of()));
        for (final boolean vector : new boolean[] {true, false})
        {
            engine.vector(vector);
            assertThat(engine.selectHost(pod(List.of()))).isEqualTo(table.slotOf("n6"));
            final long[] s = engine.lastScores(0);
            assertThat(s[table.slotOf("n4")]).isEqualTo(50);
            assertThat(s[table.slotOf("n5")]).isEqualTo(0);
            assertThat(s[table.slotOf("n6")]).isEqualTo(100);
        }
    }

    // ---------------------------------------------------------------- random: vector == scalar == kube

    @Test
    void vectorScalarAndKubeAgreeOnRandomClusters()
    {
        final Random rnd = new Random(0x7A1A7L);
        int cases = 0;
        long failing = 0;
        long feasible = 0;
        for (int c = 0; c < 400; c++)
        {
            final NodeTable table = new NodeTable(1 + rnd.nextInt(64));
            final int keys = KEY_COUNTS[rnd.nextInt(KEY_COUNTS.length)];
            final int n = 1 + rnd.nextInt(300);
            final List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++)
            {
                names.add("node-" + i);
                table.upsert(node("node-" + i, randomTaints(rnd, keys)));
            }
            // removals, re-adds into freed slots, and taint changes of existing nodes
            for (int k = rnd.nextInt(1 + n / 3); k > 0; k--)
            {
                table.remove(names.get(rnd.nextInt(n)));
            }
            for (int k = rnd.nextInt(1 + n / 5); k > 0; k--)
            {
                table.upsert(node(rnd.nextBoolean() ? names.get(rnd.nextInt(n)) : "extra-" + c + "-" + k, randomTaints(rnd, keys)));
            }
            final TaintToleration plugin = new TaintToleration();
            for (int p = 0; p < 8; p++)
            {
                final long[] counts = checkPod(table, plugin, pod(randomTolerations(rnd, keys)));
                failing += counts[0];
                feasible += counts[1];
                cases++;
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(3000);
        assertThat(failing).isGreaterThan(10_000);
        assertThat(feasible).isGreaterThan(10_000);
    }

    /** Checks one pod; returns the number of live slots that fail and that pass. */
    private static long[] checkPod(final NodeTable table, final TaintToleration plugin, final PodObject pod)
    {
        final int limit = limit(table);
        final long[] expectedFail = liveBits(table, limit);
        for (int slot = 0; slot < limit; slot++)
        {
            if (table.isLive(slot) && kubeUntolerated(table.object(slot), pod.tolerations()) != null)
            {
                expectedFail[slot] |= FAIL_BIT;
            }
        }

        final long[] vectorFail = liveBits(table, limit);
        final long[] scalarFail = liveBits(table, limit);
        if (plugin.preFilter(pod, null, table))
        {
            plugin.filter(table, vectorFail, FAIL_BIT, limit);
            plugin.filterScalar(table, scalarFail, FAIL_BIT, limit);
        }
        assertThat(vectorFail).isEqualTo(scalarFail).isEqualTo(expectedFail);

        final List<String> reasons = new ArrayList<>();
        for (int slot = 0; slot < limit; slot++)
        {
            if (expectedFail[slot] == FAIL_BIT)
            {
                reasons.clear();
                plugin.reasons(table, slot, reasons);
                final Taint t = kubeUntolerated(table.object(slot), pod.tolerations());
                assertThat(reasons).containsExactly("node(s) had untolerated taint {" + t.key() + ": " + t.value() + "}");
            }
        }

        // kube scores the nodes that passed every filter; use this plugin's result as the feasibility
        final long[] expected = new long[limit];
        long max = 0;
        for (int slot = 0; slot < limit; slot++)
        {
            if (expectedFail[slot] == 0)
            {
                expected[slot] = kubeRawScore(table.object(slot), pod.tolerations());
                max = Math.max(max, expected[slot]);
            }
        }
        for (int slot = 0; slot < limit; slot++)
        {
            if (expectedFail[slot] == 0)
            {
                expected[slot] = max == 0 ? 100 : 100 - 100 * expected[slot] / max;
            }
        }

        final long[] vectorScores = new long[limit];
        final long[] scalarScores = new long[limit];
        Arrays.fill(vectorScores, -7);
        Arrays.fill(scalarScores, -9);
        assertThat(plugin.preScore(pod, null, table)).isTrue();
        plugin.score(table, vectorScores, limit);
        plugin.scoreScalar(table, scalarScores, limit);
        assertThat(vectorScores).isEqualTo(scalarScores);
        plugin.normalize(vectorScores, expectedFail, limit);
        plugin.normalizeScalar(scalarScores, expectedFail, limit);
        assertThat(vectorScores).isEqualTo(scalarScores);
        for (int slot = 0; slot < limit; slot++)
        {
            if (expectedFail[slot] == 0)
            {
                assertThat(vectorScores[slot]).as("slot %d", slot).isEqualTo(expected[slot]);
            }
        }
        long failing = 0;
        long feasible = 0;
        for (int slot = 0; slot < limit; slot++)
        {
            failing += expectedFail[slot] == FAIL_BIT ? 1 : 0;
            feasible += expectedFail[slot] == 0 ? 1 : 0;
        }
        return new long[] {failing, feasible};
    }

    private static final String[] EFFECTS = {NS, PNS, NE};
    private static final String[] VALUES = {"", "x", "y"};
    private static final int[] KEY_COUNTS = {2, 4, 8, 24};

    /** Unique key+effect per node (kube's validation); with 24 keys x 3 values x 3 effects the ids span 4 words. */
    private static List<Taint> randomTaints(final Random rnd, final int keys)
    {
        final List<Taint> taints = new ArrayList<>();
        final Set<String> keyEffects = new HashSet<>();
        for (int i = rnd.nextInt(7); i > 0; i--)
        {
            final String key = "k" + rnd.nextInt(keys);
            final String effect = EFFECTS[rnd.nextInt(3)];
            if (keyEffects.add(key + "/" + effect))
            {
                taints.add(taint(key, VALUES[rnd.nextInt(3)], effect));
            }
        }
        return taints;
    }

    private static List<Toleration> randomTolerations(final Random rnd, final int keys)
    {
        final String[] ops = {"", "Equal", "Exists", "Exists", "Gt"};
        final String[] effects = {"", "", NS, PNS, NE};
        final List<Toleration> tols = new ArrayList<>();
        for (int i = rnd.nextInt(12); i > 0; i--)
        {
            final String key = rnd.nextInt(30) == 0 ? "" : "k" + rnd.nextInt(keys);
            tols.add(tol(key, ops[rnd.nextInt(ops.length)], VALUES[rnd.nextInt(3)], effects[rnd.nextInt(effects.length)]));
        }
        return tols;
    }

    /** kube's {@code FindMatchingUntoleratedTaint} with {@code DoNotScheduleTaintsFilterFunc}, literally. */
    private static Taint kubeUntolerated(final NodeObject node, final List<Toleration> tolerations)
    {
        for (final Taint t : node.taints())
        {
            if (!t.effect().equals(NS) && !t.effect().equals(NE))
            {
                continue;
            }
            if (tolerations.stream().noneMatch(tol -> tol.tolerates(t)))
            {
                return t;
            }
        }
        return null;
    }

    /** kube's {@code countIntolerableTaintsPreferNoSchedule(taints, getAllTolerationPreferNoSchedule(tolerations))}. */
    private static long kubeRawScore(final NodeObject node, final List<Toleration> tolerations)
    {
        final List<Toleration> prefer = tolerations.stream()
            .filter(t -> t.effect().isEmpty() || t.effect().equals(PNS))
            .toList();
        return node.taints().stream()
            .filter(t -> t.effect().equals(PNS))
            .filter(t -> prefer.stream().noneMatch(tol -> tol.tolerates(t)))
            .count();
    }

    // ---------------------------------------------------------------- helpers

    private static void assertFilter(final List<Toleration> tolerations, final List<Taint> taints, final String reason)
    {
        final NodeTable table = new NodeTable(8);
        final int slot = table.upsert(node("nodeA", taints));
        final TaintToleration plugin = new TaintToleration();
        final PodObject pod = pod(tolerations);
        final int limit = limit(table);
        for (final boolean vector : new boolean[] {true, false})
        {
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
            assertThat(fail[slot]).isEqualTo(reason == null ? 0 : FAIL_BIT);
        }
        if (reason != null)
        {
            final List<String> reasons = new ArrayList<>();
            plugin.reasons(table, slot, reasons);
            assertThat(reasons).containsExactly(reason);
        }
    }

    private static void assertScores(final List<Toleration> tolerations, final List<List<Taint>> nodeTaints, final long... expected)
    {
        final NodeTable table = new NodeTable(8);
        final int[] slots = new int[nodeTaints.size()];
        for (int i = 0; i < slots.length; i++)
        {
            slots[i] = table.upsert(node("node" + (char)('A' + i), nodeTaints.get(i)));
        }
        final TaintToleration plugin = new TaintToleration();
        final PodObject pod = pod(tolerations);
        final int limit = limit(table);
        final long[] fail = liveBits(table, limit);
        for (final boolean vector : new boolean[] {true, false})
        {
            final long[] scores = new long[limit];
            assertThat(plugin.preScore(pod, null, table)).isTrue();
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
            final long[] got = new long[slots.length];
            for (int i = 0; i < slots.length; i++)
            {
                got[i] = scores[slots[i]];
            }
            assertThat(got).containsExactly(expected);
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

    private static Taint taint(final String key, final String value, final String effect)
    {
        return new Taint(key, value, effect);
    }

    private static Toleration tol(final String key, final String operator, final String value, final String effect)
    {
        return new Toleration(key, operator, value, effect);
    }

    private static NodeObject node(final String name, final List<Taint> taints)
    {
        return NodeObject.builder(name).taints(taints).build();
    }

    private static PodObject pod(final List<Toleration> tolerations)
    {
        return PodObject.builder("default", "pod1").tolerations(tolerations).build();
    }
}
