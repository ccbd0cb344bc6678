package io.berth.sched.preemption;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * DefaultPreemption: cases modelled on kube's default_preemption_test.go (TestSelectNodesForPreemption /
 * TestPickOneNodeForPreemption / TestPreempt), resources only.
 */
class PreemptionTest
{
    private static final long MI = 1024L * 1024;

    private static NodeObject node(final String name, final long milliCpu, final long pods)
    {
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name))
            .allocatable(ResourceList.ofMilli("cpu", milliCpu, "memory", 64 * 1024 * MI * 1000, "pods", pods * 1000))
            .build();
    }

    private static PodObject.Builder podBuilder(final String name, final int priority, final long milliCpu)
    {
        return PodObject.builder("default", name).priority(priority)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", MI * 1000))));
    }

    private static PodObject pod(final String name, final int priority, final long milliCpu)
    {
        return podBuilder(name, priority, milliCpu).build();
    }

    private static SchedulingEngine engine(final String... nodes)
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        for (final String n : nodes)
        {
            engine.upsertNode(node(n, 4000, 110));
        }
        return engine;
    }

    private static void bind(final SchedulingEngine engine, final String node, final PodObject pod)
    {
        assertThat(engine.addBoundPod(pod.withNodeName(node))).isTrue();
    }

    private static List<String> keys(final DefaultPreemption.Result r)
    {
        final List<String> keys = new ArrayList<>();
        for (final DefaultPreemption.Victim v : r.victims())
        {
            keys.add(v.podKey());
        }
        return keys;
    }

    private static void assertNoNodeOverCapacity(final SchedulingEngine engine)
    {
        final NodeTable t = engine.table();
        for (int s = 0; s < t.slotLimit(); s++)
        {
            if (!t.isLive(s))
            {
                continue;
            }
            for (final int r : new int[] {Resources.CPU, Resources.MEMORY, Resources.PODS})
            {
                assertThat(t.requested(r).get(s)).as("node %s resource %d", t.name(s), r)
                    .isLessThanOrEqualTo(t.allocatable(r).get(s));
            }
        }
    }

    private static DefaultPreemption.Result scheduleOrPreempt(
        final SchedulingEngine engine, final PodObject pod, final List<PodDisruptionBudget> pdbs)
    {
        assertThat(engine.schedule(pod)).isEqualTo(-1);
        return new DefaultPreemption().preempt(pod, engine, pdbs);
    }

    /** kube TestPreempt "basic preemption logic" / TestSelectNodesForPreemption "a pod that fits with low priority pods". */
    @Test
    void fullClusterPreemptsLowestPriorityPodOnBestNode()
    {
        final SchedulingEngine engine = engine("n0", "n1", "n2");
        bind(engine, "n0", pod("a", 10, 2000));
        bind(engine, "n0", pod("b", 10, 2000));
        bind(engine, "n1", pod("c", 5, 2000));
        bind(engine, "n1", pod("d", 5, 2000));
        bind(engine, "n2", pod("e", 1, 2000));
        bind(engine, "n2", pod("f", 100, 2000));
        final PodObject high = pod("high", 50, 2000);

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, high, List.of());

        assertThat(r.preempted()).isTrue();
        assertThat(r.nominatedNodeName()).isEqualTo("n2");
        assertThat(r.victims()).containsExactly(new DefaultPreemption.Victim("default/e", "n2", "default/high"));
        assertThat(r.pdbViolations()).isZero();
        assertThat(engine.pods().contains("default/e")).isFalse();
        final int slot = engine.schedule(high);
        assertThat(slot).isEqualTo(engine.table().slotOf("n2"));
        assertNoNodeOverCapacity(engine);
    }

    /** kube TestPodEligibleToPreemptOthers "Pod with PreemptNever preemption policy". */
    @Test
    void preemptionPolicyNeverDoesNotPreempt()
    {
        final SchedulingEngine engine = engine("n0");
        bind(engine, "n0", pod("low", 1, 4000));
        final PodObject high = podBuilder("high", 100, 1000).preemptionPolicy(PriorityClasses.NEVER).build();

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, high, List.of());

        assertThat(r.preempted()).isFalse();
        assertThat(r.victims()).isEmpty();
        assertThat(r.message()).isEqualTo(DefaultPreemption.NOT_ELIGIBLE_NEVER);
        assertThat(engine.pods().contains("default/low")).isTrue();
    }

    /** kube TestPodEligibleToPreemptOthers "Pod with nominated node, but the lower priority pod is terminating". */
    @Test
    void terminatingLowerPriorityPodOnNominatedNodeBlocksPreemption()
    {
        final SchedulingEngine engine = engine("n0");
        bind(engine, "n0", podBuilder("low", 1, 4000).deletionTimestampMs(5).build());
        final PodObject high = podBuilder("high", 100, 1000).nominatedNodeName("n0").build();

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, high, List.of());

        assertThat(r.preempted()).isFalse();
        assertThat(r.message()).isEqualTo(DefaultPreemption.NOT_ELIGIBLE_TERMINATING);
    }

    /** kube TestSelectNodesForPreemption "a pod that does not fit on any node". */
    @Test
    void noCandidateWhenLowerPriorityPodsCannotMakeRoom()
    {
        final SchedulingEngine engine = engine("n0", "n1");
        bind(engine, "n0", pod("big0", 100, 3000));
        bind(engine, "n0", pod("low0", 1, 1000));
        bind(engine, "n1", pod("big1", 100, 3500));
        bind(engine, "n1", pod("low1", 1, 500));
        final PodObject p = pod("p", 50, 2000);

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, p, List.of());

        assertThat(r.preempted()).isFalse();
        assertThat(r.message()).isEqualTo("0/2 nodes are available: 2 No preemption victims found for incoming pod.");
        assertThat(engine.pods().count()).isEqualTo(4);
    }

    @Test
    void nodeFailingAnotherFilterIsNotACandidate()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        engine.upsertNode(NodeObject.builder("n0").labels(Map.of("kubernetes.io/hostname", "n0")).unschedulable(true)
            .allocatable(ResourceList.ofMilli("cpu", 4000, "memory", 64 * 1024 * MI * 1000, "pods", 110_000)).build());
        bind(engine, "n0", pod("low", 1, 4000));
        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 1000), List.of());
        assertThat(r.preempted()).isFalse();
        assertThat(r.message()).isEqualTo("0/1 nodes are available: 1 Preemption is not helpful for scheduling.");
    }

    /** kube TestSelectNodesForPreemption "preemption with violation of the pdb with pod whose eviction was processed". */
    @Test
    void pdbProtectedVictimsAvoidedWhenAnotherNodeWorks()
    {
        final SchedulingEngine engine = engine("n0", "n1");
        bind(engine, "n0", podBuilder("db", 1, 4000).labels(Map.of("app", "db")).build());
        bind(engine, "n1", pod("web", 5, 4000));
        final PodDisruptionBudget pdb = new PodDisruptionBudget(
            "default", "db-pdb", new LabelSelector(Map.of("app", "db"), List.of()), null, null, 0, null);

        // without the PDB n0 wins (lower highest victim priority)
        final DefaultPreemption.Result free = new DefaultPreemption().preempt(pod("x", 50, 1000),
            dryEngine(engine), List.of());
        assertThat(free.nominatedNodeName()).isEqualTo("n0");

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 1000), List.of(pdb));
        assertThat(r.nominatedNodeName()).isEqualTo("n1");
        assertThat(keys(r)).containsExactly("default/web");
        assertThat(r.pdbViolations()).isZero();
    }

    @Test
    void pdbViolationCountedWhenOnlyProtectedNodeWorks()
    {
        final SchedulingEngine engine = engine("n0");
        bind(engine, "n0", podBuilder("db1", 1, 2000).labels(Map.of("app", "db")).build());
        bind(engine, "n0", podBuilder("db2", 1, 2000).labels(Map.of("app", "db")).startTimeMs(1000).build());
        final PodDisruptionBudget pdb = new PodDisruptionBudget(
            "default", "db-pdb", new LabelSelector(Map.of("app", "db"), List.of()), null, null, 1, null);

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 4000), List.of(pdb));

        assertThat(r.nominatedNodeName()).isEqualTo("n0");
        assertThat(r.victims()).hasSize(2);
        assertThat(r.pdbViolations()).isEqualTo(1); // one disruption allowed, two needed
    }

    @Test
    void pdbInOtherNamespaceOrEmptySelectorMatchesNothing()
    {
        assertThat(DefaultPreemption.selects(LabelSelector.EMPTY, Map.of("a", "b"))).isFalse();
        assertThat(DefaultPreemption.selects(null, Map.of("a", "b"))).isFalse();
        final SchedulingEngine engine = engine("n0", "n1");
        bind(engine, "n0", podBuilder("db", 1, 4000).labels(Map.of("app", "db")).build());
        bind(engine, "n1", pod("web", 5, 4000));
        final PodDisruptionBudget other = new PodDisruptionBudget(
            "other", "db-pdb", new LabelSelector(Map.of("app", "db"), List.of()), null, null, 0, null);
        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 1000), List.of(other));
        assertThat(r.nominatedNodeName()).isEqualTo("n0");
        assertThat(r.pdbViolations()).isZero();
    }

    /** kube TestSelectNodesForPreemption "lower priority pods are reprieved": the minimal set, not all lower pods. */
    @Test
    void reprieveKeepsMostImportantPodsThatStillFit()
    {
        final SchedulingEngine engine = engine("n0");
        bind(engine, "n0", pod("p1", 1, 1000));
        bind(engine, "n0", pod("p2", 2, 1000));
        bind(engine, "n0", pod("p3", 3, 2000));

        final DefaultPreemption.Result small = scheduleOrPreempt(engine, pod("s", 10, 1000), List.of());
        assertThat(keys(small)).containsExactly("default/p1");

        final SchedulingEngine engine2 = engine("n0");
        bind(engine2, "n0", pod("p1", 1, 1000));
        bind(engine2, "n0", pod("p2", 2, 1000));
        bind(engine2, "n0", pod("p3", 3, 2000));
        final DefaultPreemption.Result big = scheduleOrPreempt(engine2, pod("b", 10, 2000), List.of());
        // p3 (2000m) is reprieved first; then neither p2 nor p1 fits back: both go, most important first
        assertThat(keys(big)).containsExactly("default/p2", "default/p1");
        assertThat(engine2.schedule(pod("b", 10, 2000))).isEqualTo(0);
        assertNoNodeOverCapacity(engine2);
    }

    /** kube TestPickOneNodeForPreemption "sum of priorities": same highest victim priority, smaller sum wins. */
    @Test
    void tieBreakBySumOfPriorities()
    {
        final SchedulingEngine engine = engine("n0", "n1");
        bind(engine, "n0", pod("a", 5, 1000));
        bind(engine, "n0", pod("b", 5, 1000));
        bind(engine, "n0", pod("c", 100, 2000));
        bind(engine, "n1", pod("d", 5, 1000));
        bind(engine, "n1", pod("e", 1, 1000));
        bind(engine, "n1", pod("f", 100, 2000));

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 2000), List.of());

        assertThat(r.nominatedNodeName()).isEqualTo("n1");
        assertThat(keys(r)).containsExactly("default/d", "default/e");
    }

    /**
     * kube TestPickOneNodeForPreemption "fewer pods": equal highest priority and equal offset sums (priorities
     * shifted by MaxInt32+1, so two MinInt32 victims add nothing), fewer victims win over the first node.
     */
    @Test
    void tieBreakByVictimCount()
    {
        final SchedulingEngine engine = engine("n0", "n1");
        bind(engine, "n0", pod("h0", 10, 1000));
        bind(engine, "n0", pod("m1", Integer.MIN_VALUE, 500));
        bind(engine, "n0", pod("m2", Integer.MIN_VALUE, 500));
        bind(engine, "n0", pod("k0", 1000, 2000));
        bind(engine, "n1", pod("h1", 10, 2000));
        bind(engine, "n1", pod("k1", 1000, 2000));

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 100, 2000), List.of());

        assertThat(r.nominatedNodeName()).isEqualTo("n1");
        assertThat(keys(r)).containsExactly("default/h1");
    }

    /** kube TestPickOneNodeForPreemption "latest start time" then "ties: first node". */
    @Test
    void tieBreakByLatestStartTimeThenFirstCandidateInDryRunOrder()
    {
        final SchedulingEngine engine = engine("n0", "n1", "n2");
        bind(engine, "n0", podBuilder("a", 5, 4000).startTimeMs(1000).build());
        bind(engine, "n1", podBuilder("b", 5, 4000).startTimeMs(3000).build());
        bind(engine, "n2", podBuilder("c", 5, 4000).startTimeMs(2000).build());
        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 1000), List.of());
        assertThat(r.nominatedNodeName()).isEqualTo("n1");

        final SchedulingEngine same = engine("n0", "n1");
        bind(same, "n0", podBuilder("a", 5, 4000).startTimeMs(1000).build());
        bind(same, "n1", podBuilder("b", 5, 4000).startTimeMs(1000).build());
        // full tie: kube takes the first candidate of its dry run, which starts at a random offset (seeded here)
        final String first = scheduleOrPreempt(same, pod("p", 50, 1000), List.of()).nominatedNodeName();
        assertThat(first).isIn("n0", "n1");
        final SchedulingEngine again = engine("n0", "n1");
        bind(again, "n0", podBuilder("a", 5, 4000).startTimeMs(1000).build());
        bind(again, "n1", podBuilder("b", 5, 4000).startTimeMs(1000).build());
        assertThat(scheduleOrPreempt(again, pod("p", 50, 1000), List.of()).nominatedNodeName()).isEqualTo(first);
    }

    @Test
    void numCandidatesAsKube()
    {
        assertThat(DefaultPreemption.numCandidates(50)).isEqualTo(50);
        assertThat(DefaultPreemption.numCandidates(500)).isEqualTo(100);
        assertThat(DefaultPreemption.numCandidates(5000)).isEqualTo(500);
    }

    @Test
    void podCountIsAResource()
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        engine.upsertNode(node("n0", 4000, 2));
        bind(engine, "n0", pod("a", 1, 100));
        bind(engine, "n0", pod("b", 2, 100));
        final DefaultPreemption.Result r = scheduleOrPreempt(engine, pod("p", 50, 100), List.of());
        assertThat(keys(r)).containsExactly("default/a");
    }

    /** Random clusters: after a preemption the pod schedules on the nominated node, nothing is over capacity. */
    @Test
    void randomClustersScheduleOnNominatedNode()
    {
        final Random rnd = new Random(42);
        int preempted = 0;
        for (int c = 0; c < 300; c++)
        {
            final int n = 1 + rnd.nextInt(20);
            final NodeTable table = new NodeTable(8);
            final SchedulingEngine engine = new SchedulingEngine(
                table, PluginRegistry.build(Profile.defaultProfile()), c).vector(c % 2 == 0);
            for (int i = 0; i < n; i++)
            {
                engine.upsertNode(node("n" + i, 1000 + 500L * rnd.nextInt(8), 3 + rnd.nextInt(10)));
            }
            for (int i = 0; i < n * 12; i++)
            {
                engine.schedule(podBuilder("f" + i, rnd.nextInt(100), 100 + 100L * rnd.nextInt(10))
                    .startTimeMs(rnd.nextInt(5)).build());
            }
            final DefaultPreemption preemption = new DefaultPreemption();
            for (int i = 0; i < 10; i++)
            {
                final PodObject p = pod("p" + i, rnd.nextInt(150), 100 + 200L * rnd.nextInt(10));
                if (engine.schedule(p) >= 0)
                {
                    continue;
                }
                final DefaultPreemption.Result r = preemption.preempt(p, engine, List.of());
                if (!r.preempted())
                {
                    continue;
                }
                preempted++;
                assertThat(r.victims()).isNotEmpty();
                final int slot = engine.schedule(p);
                assertThat(slot).isEqualTo(table.slotOf(r.nominatedNodeName()));
                assertNoNodeOverCapacity(engine);
                for (final DefaultPreemption.Victim v : r.victims())
                {
                    assertThat(engine.pods().contains(v.podKey())).isFalse();
                }
            }
        }
        assertThat(preempted).isGreaterThan(100);
    }

    /** A copy of an engine's pods and nodes, to dry-run a second preemption without touching the first. */
    private static SchedulingEngine dryEngine(final SchedulingEngine source)
    {
        final NodeTable table = new NodeTable(8);
        final SchedulingEngine copy = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        final NodeTable st = source.table();
        for (int s = 0; s < st.slotLimit(); s++)
        {
            if (st.isLive(s))
            {
                copy.upsertNode(st.object(s));
            }
        }
        source.pods().forEach((pod, slot) -> copy.addBoundPod(pod));
        assertThat(copy.schedule(pod("x", 50, 1000))).isEqualTo(-1);
        return copy;
    }

    /**
     * kube's SelectVictimsOnNode filters with RunFilterPluginsWithNominatedPods: room another preemptor was nominated
     * to is not room, so the node with the cheaper victim is no candidate.
     */
    @Test
    void aNodeWhoseRoomIsNominatedIsNoCandidate()
    {
        final SchedulingEngine engine = engine("n1", "n2");
        bind(engine, "n1", pod("cheap", 0, 1000));
        bind(engine, "n2", pod("dearer", 1, 3000));
        engine.nominator().nominate(pod("earlier-preemptor", 10, 3000), "n1");
        final PodObject preemptor = pod("preemptor", 10, 2000);

        final DefaultPreemption.Result r = scheduleOrPreempt(engine, preemptor, List.of());
        assertThat(r.nominatedNodeName()).as("n1 cannot hold both preemptors even without its victim").isEqualTo("n2");
        assertThat(keys(r)).containsExactly("default/dearer");

        final int n1 = engine.table().slotOf("n1");
        assertThat(engine.fitsOn(preemptor, n1)).isFalse();
        engine.nominator().remove("default/earlier-preemptor");
        assertThat(engine.fitsOn(preemptor, n1)).as("without the nomination, room beside the cheap pod").isTrue();
    }
}
