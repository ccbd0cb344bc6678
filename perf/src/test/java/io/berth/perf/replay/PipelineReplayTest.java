package io.berth.perf.replay;

import static io.berth.perf.replay.Traces.node;
import static io.berth.perf.replay.Traces.pod;
import static io.berth.perf.replay.Traces.trace;
import static io.berth.perf.trace.TraceEvent.RUNS_FOREVER;
import static io.berth.perf.trace.TraceEvent.nodeDelete;
import static io.berth.perf.trace.TraceEvent.podCreate;
import static io.berth.perf.trace.TraceEvent.podDelete;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.KeyValue;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/**
 * {@code --speed N}: the trace written into a real {@link EmbeddedStore}, watched by the mirror (real Disruptor ring
 * and decoders) and scheduled by the real {@link io.berth.mirror.scheduler.SchedulerAgent}, compared with the
 * virtual-time replay of the same trace. The feeder's pacing is tested on a clock advanced by hand.
 */
class PipelineReplayTest
{
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Fast enough that a test trace of an hour runs in milliseconds of wall time. */
    private static final double SPEED = 1e6;

    @Test
    void theFeederWritesAtScaledRealTimeOnTheInjectedClockAndEndsRunsAfterTheBindingItSees()
    {
        final ManualClock wall = new ManualClock(5 * S);
        final VirtualClock clock = new VirtualClock(wall, 10);
        final Trace trace = trace(List.of(node("n1", 4000)),
            podCreate(1_000, pod("a", 1000), 2_000),
            podCreate(3_000, pod("b", 1000), RUNS_FOREVER),
            podDelete(4_000, pod("b", 1000)));
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            final TraceFeeder feeder = new TraceFeeder(new TracePlan(trace), store, LAYOUT, clock, false,
                store::currentRevision, errors::add);
            feeder.start();
            final String a = LAYOUT.pod("default", "a");
            final String b = LAYOUT.pod("default", "b");
            assertThat(store.get(LAYOUT.node("n1"))).as("nodes at time 0").isNotNull();

            feeder.doWork();
            wall.nowNs = 5 * S + 99 * MS; // virtual 0.99 s
            feeder.doWork();
            assertThat(store.get(a)).isNull();
            wall.nowNs = 5 * S + 100 * MS; // virtual 1 s
            feeder.doWork();
            assertThat(nodeName(store.get(a))).as("created pending").isEmpty();
            assertThat(feeder.idleAtRevision()).as("more trace to write").isEqualTo(-1);

            // a scheduler binds a at virtual 1.5 s; the kubelet watch hands the binding to the feeder
            wall.nowNs = 5 * S + 150 * MS;
            final KeyValue stored = store.get(a);
            assertThat(store.compareAndSwap(a, stored.modRevision(),
                new KubeJsonWriter().pod(pod("a", 1000).toBuilder().nodeName("n1").build()))).isPositive();
            feeder.doWork();
            assertThat(feeder.bindingsSeen()).isEqualTo(1);

            wall.nowNs = 5 * S + 300 * MS; // virtual 3 s: b arrives
            feeder.doWork();
            assertThat(store.get(b)).isNotNull();
            wall.nowNs = 5 * S + 349 * MS;
            feeder.doWork();
            assertThat(store.get(a)).as("a runs 2 s from its binding at 1.5 s").isNotNull();
            wall.nowNs = 5 * S + 350 * MS;
            feeder.doWork();
            assertThat(store.get(a)).isNull();
            assertThat(feeder.podsCompleted()).isEqualTo(1);

            wall.nowNs = 5 * S + 400 * MS; // virtual 4 s: the trace deletes b, still pending
            feeder.doWork();
            assertThat(store.get(b)).isNull();
            assertThat(feeder.podsDeletedByTrace()).isEqualTo(1);
            assertThat(feeder.eventsWritten()).isEqualTo(3);
            feeder.doWork(); // reads the echo of its own delete
            assertThat(feeder.idleAtRevision()).isEqualTo(store.currentRevision());
            assertThat(feeder.watchEvents()).as("every revision after the start").isEqualTo(store.currentRevision() - 1);
            assertThat(wall.waits).as("an agent never waits; its idle strategy does").isEmpty();
            feeder.onClose();
        }
        assertThat(errors).isEmpty();
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyPodTheVirtualReplayPlacesIsBoundInTheStoreOnTheSameNodeThroughTheMirror()
    {
        final List<NodeObject> nodes = new ArrayList<>();
        for (int i = 0; i < 8; i++)
        {
            nodes.add(node("n" + i, 4000 + 2000 * (i % 3)));
        }
        final List<TraceEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++)
        {
            events.add(podCreate(60_000L * i, pod("p" + i, 200 + 150 * (i % 5)), RUNS_FOREVER));
        }
        final Trace trace = new Trace("fits", nodes, events, List.of());

        final ProfileRun virtual = new ProfileRun(new TracePlan(trace), ReplayProfile.defaultProfile(), ctx(0));
        final ReplayResult expected = virtual.run();
        assertThat(expected.podsPlaced()).isEqualTo(40);

        try (PipelineRun pipeline = new PipelineRun(new TracePlan(trace), ReplayProfile.defaultProfile(), ctx(SPEED)))
        {
            final ReplayResult r = pipeline.run();
            assertThat(r.podsPlaced()).isEqualTo(expected.podsPlaced());
            assertThat(r.podsCreated()).isEqualTo(40);
            assertThat(r.neverPlaced()).isZero();
            assertThat(r.scheduleAttempts()).isEqualTo(40);
            assertThat(r.latency().count()).isEqualTo(40);
            assertThat(storedPlacements(pipeline.store()))
                .as("same profile, same seed, same order of cycles: the same nodes")
                .isEqualTo(placements(virtual.engine()));
            assertThat(pipeline.agent().bound()).as("bound by the scheduler's compare-and-swap").isEqualTo(40);
            assertThat(pipeline.recorder().bindingsSeen()).as("bindings the mirror applied from the watch").isEqualTo(40);
            assertThat(pipeline.feeder().bindingsSeen()).as("bindings the kubelet watch saw").isEqualTo(40);
            final long revisions = pipeline.store().currentRevision() - EmbeddedStore.INITIAL_REVISION;
            assertThat(revisions).as("8 node puts, 40 creates, 40 bindings").isEqualTo(88);
            assertThat(pipeline.agent().mirror().tables().appliedEvents()).as("the mirror applied every write")
                .isGreaterThanOrEqualTo(revisions);
            assertThat(r.endAllocation().cpu()).isCloseTo(expected.endAllocation().cpu(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(r.series().bound().getLast()).isEqualTo(40);
            assertThat(pipeline.errors()).isZero();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void deletionsGoThroughTheStoreAndFreeCapacityForWaitingPods()
    {
        // 10 virtual seconds between events, 1 s of wall time at speed 10: the order of what happens does not depend
        // on how fast this (shared, loaded) machine runs the pipeline; at 10^6 the whole trace would take 90 µs and
        // arrive as one burst, a deleted before it was ever bound
        final Trace trace = trace(List.of(node("n1", 4000), node("n2", 1000)),
            podCreate(0, pod("a", 3000), RUNS_FOREVER),
            podCreate(10_000, pod("b", 3000), 30_000),
            podDelete(20_000, pod("a", 3000)),
            podCreate(60_000, pod("c", 3000), RUNS_FOREVER),
            podCreate(70_000, pod("d", 500), RUNS_FOREVER),
            nodeDelete(80_000, node("n2", 1000)),
            podCreate(90_000, pod("e", 3000), RUNS_FOREVER));
        final ReplayResult expected = new ProfileRun(new TracePlan(trace), ReplayProfile.defaultProfile(), ctx(0)).run();

        try (PipelineRun pipeline = new PipelineRun(new TracePlan(trace), ReplayProfile.defaultProfile(), ctx(10)))
        {
            final ReplayResult r = pipeline.run();
            assertThat(r.virtualEndMs()).isGreaterThanOrEqualTo(90_000);
            final EmbeddedStore store = pipeline.store();
            assertThat(r.podsPlaced()).isEqualTo(expected.podsPlaced()).isEqualTo(4);
            assertThat(r.podsDeletedByTrace()).isEqualTo(expected.podsDeletedByTrace()).isEqualTo(1);
            assertThat(r.podsCompleted()).isEqualTo(expected.podsCompleted()).isEqualTo(1);
            assertThat(r.podsLostWithNodes()).isEqualTo(expected.podsLostWithNodes()).isEqualTo(1);
            assertThat(r.neverPlaced()).isEqualTo(expected.neverPlaced()).isEqualTo(1);
            assertThat(r.pendingAtEnd()).isEqualTo(1);
            assertThat(r.failedAttempts()).as("b waited for a's deletion, e waits for ever").isGreaterThanOrEqualTo(2);
            assertThat(r.failedAttemptNs()).as("the failed cycles' time, measured by the scheduler agent").isPositive()
                .isLessThanOrEqualTo(Math.round(r.latency().meanNs() * r.latency().count()));
            assertThat(r.unschedulableReasons()).containsKey("Insufficient cpu");
            assertThat(r.pendingReasons()).containsEntry("Insufficient cpu", 1L);

            assertThat(store.get(LAYOUT.pod("default", "a"))).as("deleted by the trace").isNull();
            assertThat(store.get(LAYOUT.pod("default", "b"))).as("ran its 30 s after binding").isNull();
            assertThat(store.get(LAYOUT.pod("default", "d"))).as("gone with its node").isNull();
            assertThat(store.get(LAYOUT.node("n2"))).isNull();
            assertThat(nodeName(store.get(LAYOUT.pod("default", "c")))).isEqualTo("n1");
            assertThat(nodeName(store.get(LAYOUT.pod("default", "e")))).as("no room left").isEmpty();
            assertThat(pipeline.recorder().deletionsSeen()).as("three deletions of bound pods seen on the watch")
                .isEqualTo(3);
            assertThat(pipeline.errors()).isZero();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theDriverRunsOneStoreMirrorAndSchedulerPerProfileWithSpeed()
    {
        final Trace trace = Traces.generated("nodes=20,pods=300,seed=3", 2_000, 30_000);
        final List<ReplayProfile> profiles = List.of(ReplayProfile.defaultProfile(),
            new ReplayProfile("again", ReplayProfile.defaultProfile().profile()));
        final ReplayReport virtual = new ReplayDriver(ctx(0)).replay(trace, profiles);
        final ReplayReport scaled = new ReplayDriver(ctx(SPEED).parallelProfiles(true)).replay(trace, profiles);
        assertThat(scaled.speed()).isEqualTo(SPEED);
        assertThat(scaled.results()).extracting(ReplayResult::profile).containsExactly("default", "again");
        for (int i = 0; i < 2; i++)
        {
            final ReplayResult v = virtual.results().get(i);
            final ReplayResult s = scaled.results().get(i);
            assertThat(s.podsCreated()).isEqualTo(v.podsCreated());
            assertThat(s.podsPlaced() + s.neverPlaced()).isEqualTo(s.podsCreated());
            assertThat(s.podsCompleted() + s.podsDeletedByTrace() + s.podsLostWithNodes())
                .as("every placed pod with a run time ran it").isLessThanOrEqualTo(s.podsPlaced());
            assertThat(s.series().timeMs()).isNotEmpty();
            assertThat(s.latency().count()).isEqualTo(s.scheduleAttempts());
        }
    }

    private static ReplayContext ctx(final double speed)
    {
        final ReplayContext ctx = new ReplayContext().samples(11).speed(speed);
        if (speed == 0)
        {
            ctx.clock(new ManualClock(0));
        }
        return ctx.conclude();
    }

    private static Map<String, String> placements(final SchedulingEngine engine)
    {
        final Map<String, String> placed = new TreeMap<>();
        final PodTable pods = engine.pods();
        for (int p = 0, limit = pods.slotLimit(); p < limit; p++)
        {
            final PodObject pod = pods.podAt(p);
            if (pod != null)
            {
                placed.put(pod.key(), engine.table().name(pods.nodeSlotAt(p)));
            }
        }
        return placed;
    }

    private static Map<String, String> storedPlacements(final EmbeddedStore store)
    {
        final Map<String, String> placed = new TreeMap<>();
        store.list(LAYOUT.pods(), (key, value, modRevision) ->
        {
            final String node = nodeName(value);
            if (!node.isEmpty())
            {
                placed.put(new String(key, java.nio.charset.StandardCharsets.UTF_8).substring(LAYOUT.pods().length()), node);
            }
        });
        return placed;
    }

    private static String nodeName(final KeyValue kv)
    {
        assertThat(kv).isNotNull();
        return nodeName(kv.value());
    }

    private static String nodeName(final byte[] value)
    {
        try
        {
            final JsonNode node = JSON.readTree(value).path("spec").path("nodeName");
            return node.isTextual() ? node.asText() : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
