package io.berth.sched.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

class QueueingHintsTest
{
    private static final long SECOND = 1_000_000_000L;
    private static final long MI = 1024L * 1024;

    private final ManualClock clock = new ManualClock(1_000 * SECOND);
    private final SchedulingEngine engine =
        new SchedulingEngine(new NodeTable(64), PluginRegistry.build(Profile.defaultProfile()), 1);

    private SchedulingQueue queue(final boolean hints)
    {
        return new SchedulingQueue(SchedulingQueueConfig.DEFAULT.withQueueingHints(hints), PriorityClasses.NONE, clock)
            .queueingHints(engine);
    }

    private static NodeObject node(final String name, final long milliCpu)
    {
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name))
            .allocatable(ResourceList.ofMilli("cpu", milliCpu, "memory", 64 * 1024 * MI * 1000, "pods", 110_000)).build();
    }

    private static PodObject pod(final String name, final long milliCpu, final String app)
    {
        return PodObject.builder("default", name).labels(Map.of("app", app))
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", MI * 1000))))
            .build();
    }

    private static PodObject antiAffine(final PodObject pod, final String app)
    {
        return pod.toBuilder().podAntiAffinity(new PodAffinity(List.of(new PodAffinityTerm(
            new LabelSelector(Map.of("app", app), List.of()), List.of(), "kubernetes.io/hostname", null, List.of(),
            List.of())), List.of())).build();
    }

    /** Pops, schedules on the engine and requeues every ready pod; returns how many were placed. */
    private int drain(final SchedulingQueue q)
    {
        int placed = 0;
        for (PodObject p = q.pop(); p != null; p = q.pop())
        {
            if (engine.schedule(p) >= 0)
            {
                q.done(p.key());
                placed++;
            }
            else
            {
                q.requeueUnschedulable(p);
            }
        }
        return placed;
    }

    private void bind(final PodObject pod, final String node)
    {
        assertThat(engine.addBoundPod(pod.withNodeName(node))).isTrue();
    }

    private int delete(final SchedulingQueue q, final String key)
    {
        final PodObject gone = engine.pods().pod(key);
        final int slot = engine.pods().nodeSlotOf(key);
        engine.removePod(key);
        q.onAssignedPodDelete(gone, slot);
        return slot;
    }

    @Test
    void aDeletionMovesOnlyThePodsThatNowFitOnItsNode()
    {
        engine.upsertNode(node("n1", 4000));
        engine.upsertNode(node("n2", 4000));
        bind(pod("small", 1000, "x"), "n1");
        bind(pod("big", 3500, "x"), "n2");
        final SchedulingQueue q = queue(true);
        q.add(pod("wants-3500", 3500, "w"));
        q.add(pod("wants-4000", 4000, "w"));
        assertThat(drain(q)).isZero();
        assertThat(q.unschedulableSize()).isEqualTo(2);

        delete(q, "default/small"); // n1 frees 1000: 4000 free, enough for either
        assertThat(q.activeSize() + q.backoffSize()).as("the first with room on n1 moves; the next when its turn comes")
            .isEqualTo(1);
        assertThat(drain(q)).isEqualTo(1);
        assertThat(q.unschedulableSize()).isEqualTo(1);

        clock.advance(SECOND);
        engine.removePod("default/wants-3500"); // n1: 4000 free again, no event yet
        bind(pod("filler", 1000, "x"), "n1"); // and 1000 taken: 3000 free
        q.onAssignedPodDelete(pod("elsewhere", 1, "x"), engine.table().slotOf("n1"));
        assertThat(q.unschedulableSize()).as("n1 has 3000 free: wants-4000 stays").isEqualTo(1);
        assertThat(q.activeSize() + q.backoffSize()).isZero();
    }

    @Test
    void aLeftPodIsBookedTheRetriesTheExhaustiveQueueWouldHaveRun()
    {
        engine.upsertNode(node("n1", 4000));
        engine.upsertNode(node("n2", 4000));
        bind(pod("a", 3000, "x"), "n1");
        bind(pod("b", 3000, "x"), "n2");
        final SchedulingQueue hinted = queue(true);
        final SchedulingQueue exhaustive = queue(false);
        for (final SchedulingQueue q : List.of(hinted, exhaustive))
        {
            q.add(pod("waits", 2000, "w"));
            assertThat(drain(q)).isZero();
        }
        for (int round = 1; round <= 3; round++)
        {
            clock.advance(SECOND);
            // a pod that was never there leaves n2: still 1000 free, too little
            for (final SchedulingQueue q : List.of(hinted, exhaustive))
            {
                q.onAssignedPodDelete(pod("gone" + round, 1000, "x"), engine.table().slotOf("n2"));
                drain(q);
            }
        }
        final QueuedPodInfo h = hinted.info("default/waits");
        final QueuedPodInfo e = exhaustive.info("default/waits");
        assertThat(e.attempts()).isEqualTo(4);
        assertThat(h.attempts()).isEqualTo(e.attempts());
        assertThat(h.timestampNs()).isEqualTo(e.timestampNs()).isEqualTo(clock.getAsLong());
        assertThat(h.queue()).isEqualTo(e.queue()).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(hinted.closedRounds()).isEqualTo(3);
    }

    @Test
    void aPlacementMovesOnlyPodToPodPodsItsLabelsCountAndDeletionOfARepellingPodMovesThePodsItRepelled()
    {
        engine.upsertNode(node("n1", 8000));
        final SchedulingQueue q = queue(true);
        bind(antiAffine(pod("guard", 100, "guard"), "shy"), "n1");
        q.add(pod("shy", 100, "shy"));
        q.add(antiAffine(pod("loner", 100, "loner"), "web"));
        bind(pod("web-0", 100, "web"), "n1");
        q.add(pod("huge", 9000, "other"));
        assertThat(drain(q)).isZero();
        assertThat(q.unschedulableSize()).isEqualTo(3);

        q.onAssignedPodAdd(pod("db-0", 100, "db"), engine.table().slotOf("n1"));
        assertThat(q.unschedulableSize()).as("db-0 is counted by no waiting pod").isEqualTo(3);
        q.onAssignedPodAdd(pod("web-1", 100, "web"), engine.table().slotOf("n1"));
        assertThat(q.info("default/loner").queue()).as("loner's anti-affinity counts web pods, but a placement only " +
            "adds to what repels it").isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(q.info("default/shy").queue()).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        drain(q);

        delete(q, "default/guard");
        assertThat(q.info("default/shy").queue()).as("guard repelled shy").isNotEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(q.info("default/huge").queue()).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(drain(q)).isEqualTo(1);

        delete(q, "default/web-0");
        assertThat(q.info("default/loner").queue()).as("the deletion of a web pod may admit loner")
            .isNotEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(drain(q)).isEqualTo(1);
    }

    @Test
    void withoutHintsEveryEventMovesEveryPod()
    {
        engine.upsertNode(node("n1", 1000));
        final SchedulingQueue q = queue(false);
        q.add(pod("huge", 9000, "w"));
        q.add(pod("huger", 19000, "w"));
        assertThat(drain(q)).isZero();
        q.onAssignedPodAdd(pod("x", 1, "x"), 0);
        assertThat(q.unschedulableSize()).isZero();
        assertThat(q.isHinted()).isFalse();
        assertThat(queue(true).isHinted()).isTrue();
    }

    private static NodeObject zoned(final String name, final String zone, final List<Taint> taints)
    {
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name, ZONE, zone)).taints(taints)
            .allocatable(ResourceList.ofMilli("cpu", 4000, "memory", 64 * 1024 * MI * 1000, "pods", 110_000)).build();
    }

    private static final String ZONE = "topology.kubernetes.io/zone";

    @Test
    void aChainedSpreadPodGetsItsAttemptWhenAPodItCountsIsPlacedBeforeItsTurn()
    {
        for (final boolean hints : new boolean[] {true, false})
        {
            final SchedulingEngine e = new SchedulingEngine(new NodeTable(64), PluginRegistry.build(Profile.defaultProfile()), 1);
            e.upsertNode(zoned("tainted-a", "a", List.of(new Taint("dedicated", "x", Taint.NO_SCHEDULE))));
            e.upsertNode(zoned("free-a", "a", List.of()));
            e.upsertNode(zoned("small-b", "b", List.of()));
            assertThat(e.addBoundPod(pod("x", 4000, "x").withNodeName("tainted-a"))).isTrue();
            assertThat(e.addBoundPod(pod("s-0", 100, "s").withNodeName("free-a"))).isTrue();
            assertThat(e.addBoundPod(pod("filler", 2000, "x").withNodeName("small-b"))).isTrue();
            final SchedulingQueue q = new SchedulingQueue(SchedulingQueueConfig.DEFAULT.withQueueingHints(hints),
                PriorityClasses.NONE, clock).queueingHints(e);
            // spread over zones: a has one s pod, b none and no room for 3000: fits nowhere
            final PodObject spread = pod("s-spread", 3000, "s").toBuilder().topologySpreadConstraints(List.of(
                new TopologySpreadConstraint(1, ZONE, "DoNotSchedule", new LabelSelector(Map.of("app", "s"), List.of()),
                    null, "", "", List.of()))).build();
            q.add(spread);
            PodObject p = q.pop();
            assertThat(e.schedule(p)).isNegative();
            q.requeueUnschedulable(p);
            clock.advance(SECOND);
            // x leaves the tainted node: room there (the chain's candidate), but the taint still keeps it off
            final int tainted = e.table().slotOf("tainted-a");
            final PodObject x = e.pods().pod("default/x");
            e.removePod("default/x");
            q.onAssignedPodDelete(x, tainted);
            // an s pod bound for zone b comes first and lifts b's count: zone a opens for the spread pod
            q.add(pod("s-1", 100, "s").toBuilder().nodeSelector(Map.of(ZONE, "b")).build());
            p = q.pop();
            assertThat(p.name()).isEqualTo("s-1");
            assertThat(e.table().name(e.schedule(p))).isEqualTo("small-b");
            q.done(p.key());
            p = q.pop();
            assertThat(p).as("hints %s: the spread pod is attempted after s-1", hints).isNotNull();
            assertThat(e.table().name(e.schedule(p))).isEqualTo("free-a");
        }
    }
}
