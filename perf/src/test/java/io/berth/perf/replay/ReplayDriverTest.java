package io.berth.perf.replay;

import static io.berth.perf.replay.Traces.gpuPod;
import static io.berth.perf.replay.Traces.node;
import static io.berth.perf.replay.Traces.pod;
import static io.berth.perf.replay.Traces.trace;
import static io.berth.perf.trace.TraceEvent.RUNS_FOREVER;
import static io.berth.perf.trace.TraceEvent.nodeDelete;
import static io.berth.perf.trace.TraceEvent.nodeUpsert;
import static io.berth.perf.trace.TraceEvent.podCreate;
import static io.berth.perf.trace.TraceEvent.podDelete;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.openb.OpenbTraceReader;
import io.berth.sched.plugins.gpushare.GpuPacking;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.queue.SchedulingQueueConfig;

class ReplayDriverTest
{
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;
    private static final long MIN = 60 * S;

    private static ProfileRun run(final Trace trace, final ReplayContext ctx)
    {
        return new ProfileRun(new TracePlan(trace), ReplayProfile.defaultProfile(), ctx.conclude());
    }

    private static ReplayContext ctx()
    {
        return new ReplayContext().clock(new ManualClock(0)).samples(11);
    }

    @Test
    void theAdaptiveDefaultExaminesFewerNodesThanEveryNodeAndBothPlaceEveryPod()
    {
        final Trace trace = io.berth.perf.trace.TraceSource.open("synthetic:nodes=400,pods=300,seed=3");
        final ReplayReport report = new ReplayDriver(ctx()).replay(trace, List.of(ReplayProfile.defaultProfile(),
            new ReplayProfile("all-nodes", Profile.builder().percentageOfNodesToScore(100).build())));
        final ReplayResult adaptive = report.results().get(0);
        final ReplayResult all = report.results().get(1);
        assertThat(all.nodesExamined()).isEqualTo(400L * all.scheduleAttempts());
        // 50% - 400/125 = 47% of 400: 188 feasible nodes to find, so at most that many more than 188 examined
        assertThat(adaptive.nodesExamined()).isLessThan(400L * adaptive.scheduleAttempts()).isGreaterThanOrEqualTo(188L * adaptive.podsPlaced());
        assertThat(adaptive.podsPlaced()).isEqualTo(all.podsPlaced());
    }

    @Test
    void boundPodsAreDeletedRunMsAfterBindingAndWaitingPodsRetryOnTheDeletion()
    {
        final Trace trace = trace(List.of(node("n1", 4000)),
            podCreate(0, pod("a", 3000), 10_000),
            podCreate(1_000, pod("b", 3000), 5_000));
        final ProfileRun run = run(trace, ctx());
        final ReplayResult r = run.run();

        assertThat(run.bindNs(0)).isEqualTo(0);
        assertThat(run.bindNs(1)).as("b waits for a's deletion at 10 s, then runs its full 5 s").isEqualTo(10 * S);
        assertThat(r.virtualEndMs()).isEqualTo(15_000);
        assertThat(r.podsCreated()).isEqualTo(2);
        assertThat(r.podsPlaced()).isEqualTo(2);
        assertThat(r.podsCompleted()).isEqualTo(2);
        assertThat(r.scheduleAttempts()).isEqualTo(3);
        assertThat(r.failedAttempts()).isEqualTo(1);
        assertThat(r.failedAttemptNs()).as("a clock that stands still: cycles take no time").isZero();
        assertThat(r.nodesExamined()).as("one node, examined by each of the 3 cycles").isEqualTo(3);
        assertThat(r.placedBeforeFirstFailure()).isEqualTo(1);
        assertThat(r.neverPlaced()).isZero();
        assertThat(r.unschedulableReasons()).containsExactly(Map.entry("Insufficient cpu", 1L));
        assertThat(r.latency().count()).isEqualTo(3);

        // samples every second of the 10 s span, then on to the end at 15 s; each after the events of its instant
        final ReplayResult.Series s = r.series();
        assertThat(s.timeMs()).containsExactly(0L, 1000L, 2000L, 3000L, 4000L, 5000L, 6000L, 7000L, 8000L, 9000L,
            10_000L, 11_000L, 12_000L, 13_000L, 14_000L, 15_000L);
        assertThat(s.pending()).containsExactly(0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(s.bound()).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0);
        assertThat(s.cpu().getFirst()).isEqualTo(0.75);
        assertThat(s.cpu().getLast()).isZero();
        assertThat(s.gpu()).as("no node offers GPUs: no GPU series").isNull();
        assertThat(r.endAllocation().cpu()).as("after the last trace event (b's arrival)").isEqualTo(0.75);
        assertThat(r.peakAllocation().cpu()).isEqualTo(0.75);
    }

    @Test
    void theFailedCyclesTimeIsTheirsAlone()
    {
        // every read of this clock is 1 us after the one before: a cycle reads it twice, so it takes 1 us
        final ReplayClock ticking = new ReplayClock()
        {
            private long nowNs;

            public long nanoTime()
            {
                return nowNs += 1_000;
            }

            public void waitUntil(final long deadlineNs)
            {
                nowNs = Math.max(nowNs, deadlineNs);
            }
        };
        final Trace trace = trace(List.of(node("n1", 4000)),
            podCreate(0, pod("a", 3000), 10_000),
            podCreate(1_000, pod("b", 3000), 5_000));
        final ReplayResult r = run(trace, ctx().clock(ticking)).run();
        assertThat(r.scheduleAttempts()).isEqualTo(3);
        assertThat(r.failedAttempts()).isEqualTo(1);
        assertThat(r.failedAttemptNs()).isEqualTo(1_000);
        assertThat(Math.round(r.latency().meanNs() * r.latency().count())).isEqualTo(3_000);
    }

    @Test
    void backoffRunsInVirtualTime()
    {
        // kube without popFromBackoffQ: a pod moved by an event while backing off waits out 1 s, then 2 s
        final ReplayContext ctx = ctx().queueConfig(SchedulingQueueConfig.DEFAULT.withPopFromBackoffQ(false));
        final Trace trace = trace(List.of(node("n1", 1000)),
            podCreate(1_000, pod("a", 3000), RUNS_FOREVER),
            nodeUpsert(1_500, node("n2", 2000)),   // a still does not fit: retried when its 1 s backoff ends, at 2 s
            nodeUpsert(2_500, node("n3", 4000)));  // fits; second backoff is 2 s from the failure at 2 s
        final ProfileRun run = run(trace, ctx);
        final ReplayResult r = run.run();

        assertThat(r.failedAttempts()).isEqualTo(2);
        assertThat(run.bindNs(0)).isEqualTo(4 * S);
        assertThat(r.virtualEndMs()).isEqualTo(4_000);
    }

    @Test
    void clusterEventsRetryUnschedulablePodsAtOnceWithPopFromBackoffQ()
    {
        final Trace trace = trace(List.of(node("n1", 1000)),
            podCreate(1_000, pod("a", 3000), RUNS_FOREVER),
            nodeUpsert(1_500, node("n2", 4000)));
        final ProfileRun run = run(trace, ctx());
        final ReplayResult r = run.run();

        assertThat(run.bindNs(0)).isEqualTo(1_500 * MS);
        assertThat(r.failedAttempts()).isEqualTo(1);
    }

    @Test
    void podsUnschedulableForFiveMinutesAreFlushedBackInVirtualTime()
    {
        final Trace trace = trace(List.of(node("n1", 1000)),
            podCreate(0, pod("a", 3000), RUNS_FOREVER),
            podCreate(20 * 60_000, pod("c", 100), RUNS_FOREVER)); // not a cluster event
        final ProfileRun run = run(trace, ctx());
        final ReplayResult r = run.run();

        // a: tried at 0, then flushed at 5 min + 1 ns, 10 min + 2 ns, 15 min + 3 ns; c placed at 20 min, an
        // ASSIGNED_POD_ADD that (exhaustive queue) retries a at 20 min, which the hints book without running it;
        // a's last round after the trace, at 25 min + 1 ns, places nothing and the replay stops
        assertThat(r.failedAttempts()).isEqualTo(5);
        assertThat(r.scheduleAttempts()).isEqualTo(6);
        assertThat(run.bindNs(1)).isEqualTo(20 * MIN);
        assertThat(run.virtualNowNs()).isEqualTo(25 * MIN + 1);
        assertThat(r.neverPlaced()).isEqualTo(1);
        assertThat(r.neverPlacedShare()).isEqualTo(0.5);
        assertThat(r.pendingAtEnd()).isEqualTo(1);
        assertThat(r.placedBeforeFirstFailure()).isZero();
        assertThat(r.unschedulableReasons()).as("counted once per pod").containsExactly(Map.entry("Insufficient cpu", 1L));
        assertThat(r.pendingReasons()).containsExactly(Map.entry("Insufficient cpu", 1L));
    }

    @Test
    void speedPacesVirtualTimeAgainstTheInjectedWallClock()
    {
        final ManualClock clock = new ManualClock(7 * S);
        final ReplayContext ctx = ctx().clock(clock).speed(10);
        final Trace trace = trace(List.of(node("n1", 8000)),
            podCreate(0, pod("p0", 100), 500),
            podCreate(1_000, pod("p1", 100), 500),
            podCreate(2_000, pod("p2", 100), 500),
            podCreate(5_000, pod("p3", 100), 500));
        final ReplayResult r = run(trace, ctx).run();

        // every instant (arrivals and the deletions 500 ms after binding) waits for wall = start + virtual / 10
        assertThat(clock.waits).containsExactly(7 * S + 50 * MS, 7 * S + 100 * MS, 7 * S + 150 * MS,
            7 * S + 200 * MS, 7 * S + 250 * MS, 7 * S + 500 * MS, 7 * S + 550 * MS);
        assertThat(r.wallNs()).isEqualTo(550 * MS);
        assertThat(r.podsCompleted()).isEqualTo(4);
    }

    @Test
    void keepPodsIgnoresRunTimes()
    {
        final Trace trace = trace(List.of(node("n1", 4000)),
            podCreate(0, pod("a", 3000), 10_000),
            podCreate(1_000, pod("b", 3000), 5_000));
        final ProfileRun run = run(trace, ctx().keepPods(true));
        final ReplayResult r = run.run();
        assertThat(r.podsCompleted()).isZero();
        assertThat(r.podsPlaced()).isEqualTo(1);
        assertThat(run.bindNs(1)).isEqualTo(-1);
        assertThat(r.pendingAtEnd()).isEqualTo(1);
        assertThat(r.series().bound().getLast()).isEqualTo(1);
    }

    @Test
    void asFastAsPossibleNeverWaits()
    {
        final ManualClock clock = new ManualClock(0);
        final Trace trace = trace(List.of(node("n1", 8000)),
            podCreate(0, pod("p0", 100), 500),
            podCreate(3_600_000, pod("p1", 100), 500));
        final ReplayResult r = run(trace, ctx().clock(clock)).run();
        assertThat(clock.waits).isEmpty();
        assertThat(r.virtualEndMs()).isEqualTo(3_600_500);
    }

    @Test
    void deletedNodesTakeTheirPodsAndTraceDeletionsRemovePendingPods()
    {
        final Trace trace = trace(List.of(node("n1", 4000)),
            podCreate(0, pod("p1", 3000), RUNS_FOREVER),
            nodeUpsert(1_000, node("n2", 4000)),
            nodeDelete(2_000, node("n1", 4000)),
            podCreate(3_000, pod("p2", 3000), RUNS_FOREVER),
            podCreate(4_000, pod("p3", 5000), RUNS_FOREVER),
            podDelete(5_000, pod("p3", 5000)),
            podCreate(6_000, pod("p2", 100), RUNS_FOREVER)); // p2 is still live: ignored
        final ProfileRun run = run(trace, ctx());
        final ReplayResult r = run.run();

        assertThat(r.podsLostWithNodes()).isEqualTo(1);
        assertThat(r.podsDeletedByTrace()).isEqualTo(1);
        assertThat(r.duplicateCreates()).isEqualTo(1);
        assertThat(r.podsCreated()).isEqualTo(3);
        assertThat(r.podsPlaced()).isEqualTo(2);
        assertThat(r.neverPlaced()).isEqualTo(1);
        assertThat(r.pendingAtEnd()).isZero();
        assertThat(r.endAllocation().cpu()).as("p2 alone on n2").isEqualTo(0.75);
    }

    @Test
    void gpuAllocationIsSampledWhenNodesOfferGpus()
    {
        final Trace trace = trace(List.of(node("g1", 8000, 4), node("c1", 8000)),
            podCreate(0, gpuPod("g", 1000, 3), 1_000),
            podCreate(0, pod("c", 1000), 1_000));
        final ReplayResult r = run(trace, ctx()).run();
        assertThat(r.series().gpu()).isNotNull();
        assertThat(r.series().gpu().getFirst()).isEqualTo(0.75);
        assertThat(r.peakAllocation().gpu()).isEqualTo(0.75);
        assertThat(r.endAllocation().gpu()).isEqualTo(0.75);
        assertThat(r.series().gpu().getLast()).isZero();
    }

    @Test
    void gpuSharingAllocationAndFragmentationComeFromTheDevices()
    {
        final Trace trace = new OpenbTraceReader().readStrings("tiny",
            "sn,cpu_milli,memory_mib,gpu,model\nn1,32000,131072,2,V100\n",
            "name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time\n" +
                "a,1000,1024,1,300,,LS,Running,0,100,0\n" +
                "b,1000,1024,1,500,V100,LS,Running,10,50,10\n");
        assertThat(trace.errors()).isEmpty();
        final ReplayResult r = run(trace, ctx()).run();

        // best fit puts both shares on device 0: 800 of 2,000 milli used, 200 stranded on it, device 1 whole;
        // b runs 10..50 s, a 0..100 s; each sample is the state after the events of its instant
        assertThat(r.endAllocation().gpu()).isEqualTo(0.4);
        assertThat(r.gpuFragmentationMilli()).isEqualTo(200);
        assertThat(r.peakAllocation().gpu()).isEqualTo(0.4);
        final ReplayResult.Series s = r.series();
        assertThat(s.gpuFragmentationMilli()).isNotNull();
        assertThat(s.timeMs()).hasSize(11); // span 100 s: a runs 0..100 s
        assertThat(s.gpu()).containsExactly(0.15, 0.4, 0.4, 0.4, 0.4, 0.15, 0.15, 0.15, 0.15, 0.15, 0.0);
        assertThat(s.gpuFragmentationMilli()).containsExactly(700L, 200L, 200L, 200L, 200L, 700L, 700L, 700L, 700L, 700L, 0L);
    }

    @Test
    void theOpenbDefaultTraceReplaysUnderTwoProfiles()
    {
        final Path dir = Traces.sharedOpenb();
        assumeThat(dir).as("../shared/traces/alibaba-openb").isNotNull();
        final Trace trace = new OpenbTraceReader().read(dir.resolve("openb_node_list_all_node.csv"),
            dir.resolve("openb_pod_list_default.csv"));
        final ReplayReport report = new ReplayDriver(new ReplayContext()).replay(trace, List.of(
            ReplayProfile.defaultProfile(),
            new ReplayProfile("gpu-packing", Profile.builder().scoreWeight(GpuPacking.NAME, 1).build())));
        for (final ReplayResult r : report.results())
        {
            assertThat(r.podsCreated()).isEqualTo(8152);
            assertThat(r.podsPlaced() + r.neverPlaced()).isEqualTo(8152);
            assertThat(r.podsPlaced()).isGreaterThan(8000);
            assertThat(r.gpuFragmentationMilli()).isNotNull();
            assertThat(r.series().gpu()).isNotNull();
        }
    }

    @Test
    void profilesReplayTheSameTraceSideBySideAndThreadsChangeNothing()
    {
        final Trace trace = Traces.generated("nodes=40,pods=3000,seed=3,rollout=5", 20, 60_000);
        final List<ReplayProfile> profiles = List.of(ReplayProfile.defaultProfile(),
            new ReplayProfile("most-allocated", Profile.builder().fitStrategy(
                new ScoringStrategy(ScoringStrategy.Type.MostAllocated, null, null)).build()));
        final ReplayReport sequential = new ReplayDriver(new ReplayContext()).replay(trace, profiles);
        final ReplayReport parallel = new ReplayDriver(new ReplayContext().parallelProfiles(true)).replay(trace, profiles);

        assertThat(sequential.results()).hasSize(2);
        assertThat(sequential.pods()).isEqualTo(3000);
        for (int i = 0; i < 2; i++)
        {
            final ReplayResult a = sequential.results().get(i);
            final ReplayResult b = parallel.results().get(i);
            assertThat(a.profile()).isEqualTo(profiles.get(i).name());
            assertThat(a.podsPlaced() + a.neverPlaced()).isEqualTo(a.podsCreated());
            assertThat(a.podsPlaced()).isPositive();
            assertThat(b.podsPlaced()).isEqualTo(a.podsPlaced());
            assertThat(b.scheduleAttempts()).isEqualTo(a.scheduleAttempts());
            assertThat(b.series()).isEqualTo(a.series());
            assertThat(b.unschedulableReasons()).isEqualTo(a.unschedulableReasons());
            for (final double cpu : a.series().cpu())
            {
                assertThat(cpu).isBetween(0.0, 1.0);
            }
        }
    }

    @Test
    void outOfOrderTracesAndBadSettingsAreRefused()
    {
        final Trace trace = trace(List.of(node("n1", 1000)),
            podCreate(5, pod("a", 1), RUNS_FOREVER), podCreate(4, pod("b", 1), RUNS_FOREVER));
        assertThatThrownBy(() -> new ReplayDriver(new ReplayContext()).replay(trace, ReplayProfile.defaultProfile()))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("event 1");
        assertThatThrownBy(() -> new ReplayContext().speed(-1).conclude()).hasMessageContaining("speed");
        assertThatThrownBy(() -> new ReplayContext().samples(1).conclude()).hasMessageContaining("samples");
    }
}
