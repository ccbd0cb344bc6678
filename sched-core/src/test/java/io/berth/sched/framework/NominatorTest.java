package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * kube's PodNominator and RunFilterPluginsWithNominatedPods: a node is filtered for a pod first with the pods
 * nominated there that are as important or more (failing that pass decides the node, with that pass's reasons), then
 * without them. Checked on small cases and against an engine that is told which nodes fail the first pass, computed
 * the slow way (the nominated pods accounted there through the public API, the node dry-run, the pods taken off).
 */
class NominatorTest
{
    private static final String HOSTNAME = "kubernetes.io/hostname";

    private static NodeObject node(final String name, final long milliCpu)
    {
        return NodeObject.builder(name).labels(Map.of(HOSTNAME, name))
            .allocatable(ResourceList.ofMilli("cpu", milliCpu, "memory", (16L << 30) * 1000, "pods", 110_000L)).build();
    }

    private static PodObject pod(final String name, final long milliCpu, final int priority)
    {
        return PodObject.builder("default", name).priority(priority)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu)))).build();
    }

    private static SchedulingEngine twoNodes()
    {
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(8),
            PluginRegistry.build(Profile.defaultProfile()), 1);
        engine.upsertNode(node("n1", 4000));
        engine.upsertNode(node("n2", 4000));
        engine.addBoundPod(pod("busy", 3000, 0).withNodeName("n2"));
        return engine;
    }

    @Test
    void aNominatedPodKeepsItsRoomFromPodsOfLowerOrEqualPriority()
    {
        final SchedulingEngine engine = twoNodes();
        final PodObject preemptor = pod("preemptor", 3000, 10);
        engine.nominator().nominate(preemptor, "n1");

        final PodObject q = pod("q", 2000, 10);
        assertThat(engine.selectHost(q)).as("n1 would fit q, but not q and the preemptor").isEqualTo(-1);
        assertThat(engine.unschedulableReasons()).containsExactly(Map.entry("Insufficient cpu", 2));
        assertThat(engine.lastFailBits()[engine.table().slotOf("n1")] & SchedulingEngine.NOMINATED_PODS).isNotZero();
        assertThat(engine.lastFailBits()[engine.table().slotOf("n2")] & SchedulingEngine.NOMINATED_PODS).isZero();
        final Explanation.NodeResult n1 = engine.explain(q).nodes().stream()
            .filter(n -> n.name().equals("n1")).findFirst().orElseThrow();
        assertThat(n1.feasible()).isFalse();
        assertThat(n1.failedPlugin()).isEqualTo("NodeResourcesFit");
        assertThat(n1.reasons()).containsExactly("Insufficient cpu",
            "counting the pods nominated to this node: default/preemptor");
        assertThat(engine.fitsOn(q, engine.table().slotOf("n1"))).as("preemption's dry run counts it too").isFalse();

        assertThat(engine.selectHost(pod("small", 1000, 0))).as("room beside the preemptor")
            .isEqualTo(engine.table().slotOf("n1"));
        assertThat(engine.schedule(pod("urgent", 2000, 11))).as("a more important pod does not wait for it")
            .isEqualTo(engine.table().slotOf("n1"));
    }

    @Test
    void theNominatedPodTakesItsNodeAndItsNominationEnds()
    {
        final SchedulingEngine engine = twoNodes();
        final PodObject preemptor = pod("preemptor", 3000, 10);
        engine.nominator().nominate(preemptor, "n1");
        engine.nominator().nominate(pod("other", 500, 10), "n1");
        assertThat(engine.nominator().nodeOf(preemptor.key())).isEqualTo("n1");

        // its own nomination does not count against it; the other pod's does (3000 + 500 of 4000 fit)
        assertThat(engine.schedule(preemptor)).isEqualTo(engine.table().slotOf("n1"));
        assertThat(engine.nominator().nodeOf(preemptor.key())).as("assumed: kube's DeleteNominatedPodIfExists").isNull();
        assertThat(engine.nominator().size()).isEqualTo(1);
        assertThat(engine.lastFeasibleCount()).as("evaluateNominatedNode: one node").isEqualTo(1);

        engine.addBoundPod(pod("other", 500, 10).withNodeName("n1"));
        assertThat(engine.nominator().isEmpty()).as("bound: the queue forgets it").isTrue();
        engine.nominator().nominate(preemptor, "");
        assertThat(engine.nominator().isEmpty()).isTrue();
    }

    @Test
    void aNodeThatPassesOnlyWithTheNominatedPodsFailsTheSecondPass()
    {
        final SchedulingEngine engine = twoNodes();
        final PodObject web = pod("web", 100, 10).toBuilder().labels(Map.of("app", "web")).build();
        engine.nominator().nominate(web, "n1");
        final PodObject follower = pod("follower", 100, 5).toBuilder().podAffinity(new PodAffinity(List.of(
            new PodAffinityTerm(new LabelSelector(Map.of("app", "web"), List.of()), null, HOSTNAME, null, null, null)),
            List.of())).build();

        assertThat(engine.selectHost(follower)).as("web is not there yet").isEqualTo(-1);
        final long n1 = engine.lastFailBits()[engine.table().slotOf("n1")];
        assertThat(n1 & SchedulingEngine.NOMINATED_PODS).as("the first pass passed; the second decided").isZero();
        assertThat(engine.unschedulableReasons()).containsOnlyKeys("node(s) didn't match pod affinity rules");

        engine.addBoundPod(web.withNodeName("n1"));
        assertThat(engine.selectHost(follower)).isEqualTo(engine.table().slotOf("n1"));
    }

    /** Fails the slots the test says failed the first pass with nominated pods: set per pod. */
    private static final class FailsWithNominated implements FilterPlugin
    {
        boolean[] failing = new boolean[0];

        public String name()
        {
            return "FailsWithNominated";
        }

        public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
        {
            return true;
        }

        public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
        {
            filterScalar(table, failBits, failBit, from, to);
        }

        public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from,
            final int to)
        {
            for (int i = from; i < to; i++)
            {
                if (i < failing.length && failing[i])
                {
                    failBits[i] |= failBit;
                }
            }
        }

        public void reasons(final NodeTable table, final int slot, final List<String> out)
        {
            out.add("fails with nominated pods");
        }
    }

    @Property(tries = 40)
    void cyclesChooseWhatAnEngineToldTheFirstPassChooses(@ForAll final long seed,
        @ForAll @IntRange(min = 0, max = 3) final int percentageChoice)
    {
        final Random rnd = new Random(seed);
        final RandomCluster rc = new RandomCluster(seed);
        final boolean vector = rnd.nextBoolean();
        final int percentage = new int[] {0, 30, 70, 100}[percentageChoice];
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(64),
            PluginRegistry.build(Profile.builder().percentageOfNodesToScore(percentage).build()), seed).vector(vector);
        final Plugins plain = PluginRegistry.build(Profile.builder().percentageOfNodesToScore(percentage).build());
        final FailsWithNominated told = new FailsWithNominated();
        final List<FilterPlugin> filters = new ArrayList<>(plain.filters());
        filters.add(told);
        final SchedulingEngine reference = new SchedulingEngine(new NodeTable(64),
            new Plugins(filters, plain.scores(), plain.weights(), percentage), seed).vector(vector).cache(false);

        final int nodes = rnd.nextBoolean() ? 20 + rnd.nextInt(40) : 150 + rnd.nextInt(150);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            final NodeObject n = rc.node("n" + i).toBuilder().unschedulable(false).build();
            engine.upsertNode(n);
            reference.upsertNode(n);
            names.add(n.name());
        }
        final Map<String, String> nominatedTo = new HashMap<>();
        final Map<String, PodObject> nominatedPods = new HashMap<>();
        int nominatedFailures = 0;
        for (int step = 0; step < 60; step++)
        {
            if (rnd.nextInt(3) == 0)
            {
                final PodObject p = rc.pod("nominee" + step, null).toBuilder().priority(rnd.nextInt(3)).build();
                final String to = names.get(rnd.nextInt(names.size()));
                engine.nominator().nominate(p, to);
                nominatedTo.put(p.key(), to);
                nominatedPods.put(p.key(), p);
                continue;
            }
            final boolean schedulesANominee = !nominatedPods.isEmpty() && rnd.nextInt(4) == 0;
            final PodObject pod;
            if (schedulesANominee)
            {
                final PodObject p = new ArrayList<>(nominatedPods.values()).get(rnd.nextInt(nominatedPods.size()));
                pod = p.toBuilder().nominatedNodeName(nominatedTo.get(p.key())).build(); // the reference's fast path
            }
            else
            {
                pod = rc.pod("p" + step, null).toBuilder().priority(rnd.nextInt(3)).build();
            }

            // the first pass the slow way: every nominated pod that counts, accounted on its node for one dry run
            final NodeTable table = reference.table();
            told.failing = new boolean[table.capacity()];
            final boolean[] failing = new boolean[table.capacity()];
            for (final String node : new java.util.TreeSet<>(nominatedTo.values()))
            {
                final int slot = table.slotOf(node);
                final List<PodObject> added = new ArrayList<>();
                for (final PodObject p : nominatedPods.values())
                {
                    if (nominatedTo.get(p.key()).equals(node) && p.priority() >= pod.priority() &&
                        !p.key().equals(pod.key()) && reference.addPodOn(p, slot))
                    {
                        added.add(p);
                    }
                }
                if (!added.isEmpty() && !reference.fitsOn(pod, slot))
                {
                    failing[slot] = true;
                    nominatedFailures++;
                }
                added.forEach(p -> reference.removePod(p.key()));
            }
            told.failing = failing;

            final int want = reference.schedule(pod);
            final int got = engine.schedule(pod);
            assertThat(got).as("seed %d step %d, %d nodes, %d%%", seed, step, nodes, percentage).isEqualTo(want);
            assertThat(engine.lastFeasibleCount()).isEqualTo(reference.lastFeasibleCount());
            assertThat(engine.nextStartSlot()).isEqualTo(reference.nextStartSlot());
            if (got >= 0 && nominatedPods.remove(pod.key()) != null)
            {
                nominatedTo.remove(pod.key());
                assertThat(engine.nominator().nodeOf(pod.key())).isNull();
            }
            assertThat(engine.nominator().size()).isEqualTo(nominatedPods.size());
        }
        net.jqwik.api.statistics.Statistics.label("nodes failing with nominated pods")
            .collect(nominatedFailures == 0 ? "none" : nominatedFailures < 5 ? "1-4" : "5+");
    }
}
