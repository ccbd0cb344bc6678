package io.berth.perf.replay;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.HdrHistogram.Histogram;
import org.agrona.concurrent.Agent;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectByteHashMap;

import io.berth.mirror.Mirror;
import io.berth.mirror.TableChangeListener;
import io.berth.mirror.scheduler.SchedulerAgent;
import io.berth.mirror.scheduler.SchedulerListener;
import io.berth.mirror.source.ClusterSource;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.PodObject;

/**
 * What a replay through the store, the mirror and the scheduler measures, from what the scheduler's thread observes:
 * pods appearing pending and bound on the watch (the mirror's table changes), each scheduling cycle (its time and, on
 * the first failure of a pod, kube's reasons), and the mirror's tables sampled at evenly spaced virtual times. Runs as
 * an {@link Agent} composed with the {@link SchedulerAgent} on its thread, so it reads the tables without locks; it
 * ends the replay when the feeder has written everything, has seen every change and has nothing due, the mirror has
 * applied the store's revision and the scheduler is settled (activeQ and backoffQ empty).
 */
final class PipelineRecorder implements Agent, SchedulerListener, TableChangeListener
{
    private static final byte PENDING = 1;
    private static final byte BOUND = 2;
    private static final byte FAILED_BEFORE = 4;

    private final TracePlan plan;
    private final ReplayProfile profile;
    private final ReplayContext ctx;
    private final VirtualClock clock;
    private final ClusterSource store;
    private final TraceFeeder feeder;
    private final ReplayCounters counters;
    private final CountDownLatch finished = new CountDownLatch(1);
    private SchedulerAgent agent;
    private Mirror mirror;
    private SchedulingEngine engine;

    private final ObjectByteHashMap<String> podState = new ObjectByteHashMap<>();
    private final Histogram latency = new Histogram(3);
    private final ReasonCounts reasonCounts = new ReasonCounts();

    private long podsCreated;
    private long podsPlaced;
    private long placedBeforeFirstFailure;
    private boolean failedOnce;
    private long attempts;
    private long failedAttempts;
    private long failedAttemptNs;
    private long neverPlacedGone;
    private long deletionsSeen;
    private long bindingsSeen;

    // time series, as ProfileRun's
    private final long spanNs;
    private final ReplaySeries series;

    private volatile ReplayResult result;

    PipelineRecorder(final TracePlan plan, final ReplayProfile profile, final ReplayContext ctx, final VirtualClock clock,
        final ClusterSource store, final TraceFeeder feeder)
    {
        this.plan = plan;
        this.profile = profile;
        this.ctx = ctx;
        this.clock = clock;
        this.store = store;
        this.feeder = feeder;
        this.counters = new ReplayCounters(profile.name());
        this.spanNs = ctx.keepPods() ? plan.eventSpanNs : plan.spanNs;
        this.series = new ReplaySeries(spanNs, ctx.samples());
    }

    /** The scheduler whose thread this recorder shares; set before the agents start. */
    void agent(final SchedulerAgent agent)
    {
        this.agent = agent;
        this.mirror = agent.mirror();
        this.engine = mirror.tables().engine();
    }

    ReplayCounters counters()
    {
        return counters;
    }

    /** Non-null once the replay has ended. */
    ReplayResult result()
    {
        return result;
    }

    CountDownLatch finished()
    {
        return finished;
    }

    @Override
    public int doWork()
    {
        if (result != null || !feeder.started())
        {
            return 0; // before the feeder starts, virtual time is not yet 0
        }
        final long nowNs = clock.nanoTime();
        int work = 0;
        while (series.nextSampleNs() <= nowNs)
        {
            sample();
            work++;
        }
        final boolean settled = agent.isSettled();
        if (!series.endMarked() && settled && feeder.traceWritten() && mirror.revision() >= feeder.lastTraceRevision())
        {
            series.markEnd(engine.table());
        }
        counters.update(feeder.eventsWritten(), podsPlaced, agent.queue().pendingSize(), Math.max(0, nowNs) / TracePlan.NS_PER_MS);
        final long storeRevision = store.currentRevision();
        if (settled && feeder.idleAtRevision() >= storeRevision && mirror.revision() >= storeRevision)
        {
            finish(nowNs);
            work++;
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "berth-replay-recorder";
    }

    // ---------------------------------------------------------------- scheduler and table changes (agent thread)

    @Override
    public void onAttempt(final PodObject pod, final int nodeSlot, final long cycleNs)
    {
        attempts++;
        latency.recordValue(Math.max(0, cycleNs));
        if (nodeSlot >= 0)
        {
            return;
        }
        failedAttempts++;
        failedAttemptNs += Math.max(0, cycleNs);
        failedOnce = true;
        final byte state = podState.getIfAbsent(pod.key(), (byte)0);
        if ((state & FAILED_BEFORE) == 0)
        {
            // kube's reasons cost a pass over the nodes and a map: once per pod, not per retry
            podState.put(pod.key(), (byte)(state | FAILED_BEFORE));
            reasonCounts.count(engine.unschedulableReasons());
        }
    }

    @Override
    public void onPendingPod(final PodObject pod)
    {
        final byte state = podState.getIfAbsent(pod.key(), (byte)0);
        if ((state & (PENDING | BOUND)) == 0)
        {
            podsCreated++;
            podState.put(pod.key(), (byte)(state | PENDING));
        }
    }

    @Override
    public void onPendingPodGone(final String podKey)
    {
        if (engine.pods().contains(podKey))
        {
            return; // bound: onBoundPod follows
        }
        if (podState.containsKey(podKey))
        {
            podState.remove(podKey);
            neverPlacedGone++;
            deletionsSeen++;
        }
    }

    @Override
    public void onBoundPod(final PodObject pod)
    {
        final String key = pod.key();
        final byte state = podState.getIfAbsent(key, (byte)0);
        if ((state & BOUND) != 0)
        {
            return; // a later version of a bound pod
        }
        if ((state & PENDING) == 0)
        {
            podsCreated++; // created bound
        }
        bindingsSeen++;
        podsPlaced++;
        if (!failedOnce)
        {
            placedBeforeFirstFailure++;
        }
        podState.put(key, BOUND);
    }

    @Override
    public void onAssignedPodGone(final String podKey)
    {
        if (engine.pods().contains(podKey))
        {
            return; // moved to another node
        }
        final byte state = podState.getIfAbsent(podKey, (byte)0);
        if ((state & BOUND) != 0)
        {
            podState.remove(podKey);
            deletionsSeen++;
        }
    }

    // ---------------------------------------------------------------- observers (any thread after the end)

    /** Bindings the mirror applied from the watch (pods created bound included). */
    long bindingsSeen()
    {
        return bindingsSeen;
    }

    /** Pods, pending or bound, whose deletion the mirror applied from the watch. */
    long deletionsSeen()
    {
        return deletionsSeen;
    }

    // ---------------------------------------------------------------- the end

    private void finish(final long nowNs)
    {
        if (!series.endMarked())
        {
            series.markEnd(engine.table());
        }
        final long endNs = Math.max(nowNs, spanNs);
        if (series.nextSampleNs() > endNs)
        {
            // every point was taken while bindings could still be on their way: the end state gets a point of its own
            series.sampleEnd(nowNs, engine.table(), mirror.tables().pendingPods().size(), engine.pods().count());
        }
        while (series.nextSampleNs() <= endNs)
        {
            sample();
        }
        final long wallNs = clock.wall().nanoTime() - clock.wallStartNs();
        counters.update(feeder.eventsWritten(), podsPlaced, agent.queue().pendingSize(), nowNs / TracePlan.NS_PER_MS);
        result = result(nowNs, wallNs);
        finished.countDown();
    }

    private ReplayResult result(final long nowNs, final long wallNs)
    {
        final long nodesExamined = engine.nodesExamined(); // before pendingReasons' extra cycles
        final Map<String, Long> reasons = reasonCounts.sortedTotals();
        final long pendingNow = mirror.tables().pendingPods().size();
        final long neverPlaced = neverPlacedGone + pendingNow;
        return new ReplayResult(
            profile.name(),
            podsCreated,
            podsPlaced,
            placedBeforeFirstFailure,
            neverPlaced,
            podsCreated == 0 ? 0 : (double)neverPlaced / podsCreated,
            agent.queue().pendingSize(),
            attempts,
            failedAttempts,
            failedAttemptNs,
            nodesExamined,
            feeder.podsCompleted(),
            feeder.podsDeletedByTrace(),
            feeder.podsLostWithNodes(),
            feeder.duplicateCreates(),
            Math.max(0, nowNs) / TracePlan.NS_PER_MS,
            wallNs,
            wallNs > 0 ? podsPlaced * 1e9 / wallNs : 0,
            ReplaySeries.latency(latency),
            reasons,
            pendingReasons(),
            series.endAllocation(),
            series.peakAllocation(),
            series.endFragmentation(),
            series.series());
    }

    /** Why the pods still pending do not fit, from one more cycle each (not assumed): reason to pods. */
    private Map<String, Long> pendingReasons()
    {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (final PodObject pod : mirror.tables().pendingPods().values())
        {
            if (!engine.pods().contains(pod.key()) && engine.selectHost(pod) < 0)
            {
                for (final String reason : engine.unschedulableReasons().keySet())
                {
                    counts.merge(reason, 1L, Long::sum);
                }
            }
        }
        return ReplaySeries.sortedByCount(counts);
    }

    // ---------------------------------------------------------------- sampling (as ProfileRun's)

    private void sample()
    {
        series.sample(engine.table(), mirror.tables().pendingPods().size(), engine.pods().count());
    }
}
