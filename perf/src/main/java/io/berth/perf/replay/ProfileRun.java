package io.berth.perf.replay;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.perf.trace.TraceEvent;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.VectorWarmup;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.queue.ClusterEvent;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.queue.SchedulingQueue;
import io.berth.sched.table.NodeTable;

/**
 * One profile's replay of a {@link TracePlan}: its own node table, engine and scheduling queue, all written by the
 * thread that calls {@link #run()}. Discrete events in virtual time: trace events, deletions of bound pods
 * {@code runNs} after their binding, and the queue's flushes (backoff over, unschedulable for too long); after the
 * events of each instant the queue is drained, each pod scheduled and, when it fits, assumed (assume = bind).
 * The loop allocates nothing per pod in steady state except when a failed pod's reasons change.
 * <p>
 * Cluster events for the queue: a bound pod's deletion ({@link SchedulingQueue#onAssignedPodDelete}, with the pod
 * and its node, so queueing hints apply), node upserts and deletions, and placements
 * ({@link SchedulingQueue#onAssignedPodAdd}): the placements of one drain are told to the queue after the drain,
 * as the informer would deliver the bindings after the scheduling cycles, and the queue is drained again while
 * that moves pods.
 */
final class ProfileRun
{
    static final String GPU_RESOURCE = "nvidia.com/gpu";

    private static final byte NEW = 0;
    private static final byte PENDING = 1;
    private static final byte BOUND = 2;
    private static final byte GONE = 3;
    /** A creation ignored: a duplicate of a live pod's key, or a terminal pod. */
    private static final byte IGNORED = 4;

    private final TracePlan plan;
    private final ReplayProfile profile;
    private final ReplayContext ctx;
    private final ReplayClock clock;
    private final NodeTable table;
    private final SchedulingEngine engine;
    private final SchedulingQueue queue;
    private final ReplayCounters counters;

    private final byte[] podState;
    private final boolean[] everPlaced;
    private final boolean[] failedBefore;
    /** Per pod id: the virtual time it was bound, or -1. */
    private final long[] bindNs;
    /** Per pod id: the node slot it was last bound to, or -1. */
    private final int[] boundSlot;
    /** The pods placed in the current drain and their nodes, told to the queue after it. */
    private PodObject[] placedPods = new PodObject[64];
    private int[] placedSlots = new int[64];
    private int placedCount;
    private final ObjectIntHashMap<String> liveIdByKey;
    private final DeletionHeap deletions;
    private final Histogram latency = new Histogram(3);

    private long nowNs;
    private int nextEvent;
    private long wallStartNs;
    private boolean idleChecked;
    private long placedAtIdleCheck;

    // time series
    private final long spanNs;
    private final ReplaySeries series;

    // counters
    private long podsCreated;
    private long podsPlaced;
    private long placedBeforeFirstFailure;
    private boolean failedOnce;
    private long attempts;
    private long failedAttempts;
    private long failedAttemptNs;
    private long podsCompleted;
    private long podsDeletedByTrace;
    private long podsLostWithNodes;
    private long duplicateCreates;

    // unschedulable reasons: the engine hands back the same map while a class's answer is unchanged, so repeats
    // are counted against that map and folded into the totals only when another map comes
    private final ReasonCounts reasonCounts = new ReasonCounts();


    ProfileRun(final TracePlan plan, final ReplayProfile profile, final ReplayContext ctx)
    {
        this(plan, profile, ctx, null);
    }

    /** With {@code vectorReady} non-null, the engine stays scalar until it says the vector passes are compiled. */
    ProfileRun(final TracePlan plan, final ReplayProfile profile, final ReplayContext ctx, final VectorWarmup vectorReady)
    {
        this.plan = plan;
        this.profile = profile;
        this.ctx = ctx;
        this.clock = ctx.clock();
        this.table = new NodeTable(Math.max(64, plan.trace.nodes().size()));
        this.engine = new SchedulingEngine(table, PluginRegistry.build(profile.profile()), ctx.seed()).vector(ctx.vector())
            .scalarWarmup(ctx.scalarWarmupNodeCycles());
        if (vectorReady != null && ctx.vector())
        {
            engine.scalarWarmupUntil(vectorReady);
        }
        this.queue = new SchedulingQueue(ctx.queueConfig(), PriorityClasses.NONE, this::virtualNowNs).queueingHints(engine);
        this.counters = new ReplayCounters(profile.name());
        this.podState = new byte[plan.podCount];
        this.everPlaced = new boolean[plan.podCount];
        this.failedBefore = new boolean[plan.podCount];
        this.bindNs = new long[plan.podCount];
        Arrays.fill(bindNs, -1);
        this.boundSlot = new int[plan.podCount];
        Arrays.fill(boundSlot, -1);
        this.liveIdByKey = new ObjectIntHashMap<>(Math.max(16, Math.min(plan.podCount, 1 << 20)));
        this.deletions = new DeletionHeap(1024);
        this.spanNs = ctx.keepPods() ? plan.eventSpanNs : plan.spanNs;
        this.series = new ReplaySeries(spanNs, ctx.samples());
    }

    ReplayCounters counters()
    {
        return counters;
    }

    /** The virtual time pod {@code id} (its creation's number in the trace) was bound, or -1. */
    long bindNs(final int id)
    {
        return bindNs[id];
    }

    /** The run's engine: where its pods ended up (tests compare placements with {@link PipelineRun}'s). */
    SchedulingEngine engine()
    {
        return engine;
    }

    /** The node slot pod {@code id} was last bound to, or -1 when it never was. */
    int boundSlot(final int id)
    {
        return boundSlot[id];
    }

    /** Rounds of retries the queue's hints booked without running them. */
    long hintedRounds()
    {
        return queue.closedRounds();
    }

    long virtualNowNs()
    {
        return nowNs;
    }

    ReplayResult run()
    {
        wallStartNs = clock.nanoTime();
        for (final NodeObject node : plan.trace.nodes())
        {
            engine.upsertNode(node);
        }
        final TraceEvent[] events = plan.events;
        final long[] timeNs = plan.timeNs;
        final int n = events.length;
        for (;;)
        {
            final long nextTraceNs = nextEvent < n ? timeNs[nextEvent] : Long.MAX_VALUE;
            final long nextDeletionNs = deletions.peekTime();
            if (nextTraceNs == Long.MAX_VALUE && nextDeletionNs == Long.MAX_VALUE)
            {
                // The trace is over. Pods backing off still get their retry; unschedulable pods get flushed
                // rounds only while a round places some pod (a pod placed since may satisfy another's affinity).
                if (queue.pendingSize() == 0 ||
                    queue.backoffSize() == 0 && idleChecked && podsPlaced == placedAtIdleCheck)
                {
                    break;
                }
                idleChecked = true;
                placedAtIdleCheck = podsPlaced;
            }
            long flushNs = queue.pendingSize() > 0 ? queue.nextFlushNs() : Long.MAX_VALUE;
            if (flushNs <= nowNs)
            {
                flushNs = Long.MAX_VALUE; // the drain at nowNs already ran every flush due
            }
            final long t = Math.max(nowNs, Math.min(flushNs, Math.min(nextTraceNs, nextDeletionNs)));
            if (t == Long.MAX_VALUE)
            {
                break; // only gated pods wait, and nothing will ungate them
            }
            advanceTo(t);
            while (deletions.peekTime() <= t)
            {
                final int id = deletions.peekId();
                deletions.pop();
                if (podState[id] == BOUND)
                {
                    deleteBound(id);
                    podsCompleted++;
                }
            }
            while (nextEvent < n && timeNs[nextEvent] <= t)
            {
                apply(events[nextEvent], plan.podIdOfEvent[nextEvent]);
                nextEvent++;
            }
            drain();
            counters.update(nextEvent, podsPlaced, queue.pendingSize(), nowNs / TracePlan.NS_PER_MS);
            if (nextEvent == n && !series.endMarked())
            {
                series.markEnd(engine.table());
            }
        }
        if (!series.endMarked())
        {
            series.markEnd(engine.table());
        }
        final long endNs = Math.max(nowNs, spanNs);
        while (series.nextSampleNs() <= endNs)
        {
            sample();
        }
        final long wallNs = clock.nanoTime() - wallStartNs;
        counters.update(nextEvent, podsPlaced, queue.pendingSize(), nowNs / TracePlan.NS_PER_MS);
        return result(wallNs);
    }

    /** Moves virtual time to {@code t}: samples the instants passed, and with a speed waits for the wall clock. */
    private void advanceTo(final long t)
    {
        while (series.nextSampleNs() < t)
        {
            sample();
        }
        final double speed = ctx.speed();
        if (speed > 0)
        {
            final long deadline = wallStartNs + (long)(t / speed);
            if (clock.nanoTime() < deadline)
            {
                clock.waitUntil(deadline);
            }
        }
        nowNs = t;
    }

    private void apply(final TraceEvent event, final int id)
    {
        switch (event.kind())
        {
            case NODE_UPSERT ->
            {
                final int slot = table.slotOf(event.node().name());
                final boolean existed = slot >= 0 && table.isLive(slot);
                engine.upsertNode(event.node());
                queue.onClusterEvent(existed ? ClusterEvent.NODE_UPDATE : ClusterEvent.NODE_ADD);
            }
            case NODE_DELETE -> deleteNode(event.node().name());
            case POD_CREATE -> create(event.pod(), id);
            case POD_DELETE ->
            {
                if (id >= 0)
                {
                    if (podState[id] == BOUND)
                    {
                        deleteBound(id);
                        podsDeletedByTrace++;
                    }
                    else if (podState[id] == PENDING)
                    {
                        queue.delete(plan.podKeys[id]);
                        podState[id] = GONE;
                        liveIdByKey.remove(plan.podKeys[id]);
                        podsDeletedByTrace++;
                    }
                }
            }
        }
    }

    private void create(final PodObject pod, final int id)
    {
        final String key = plan.podKeys[id];
        if (liveIdByKey.containsKey(key))
        {
            duplicateCreates++;
            podState[id] = IGNORED;
            return;
        }
        if (pod.isTerminal())
        {
            podState[id] = IGNORED;
            return;
        }
        if (pod.isBound())
        {
            if (engine.addBoundPod(pod))
            {
                podsCreated++;
                liveIdByKey.put(key, id);
                bound(id, engine.pods().nodeSlotOf(key));
                queue.onAssignedPodAdd(pod, boundSlot[id]);
            }
            else
            {
                duplicateCreates++;
                podState[id] = IGNORED;
            }
            return;
        }
        podsCreated++;
        liveIdByKey.put(key, id);
        podState[id] = PENDING;
        queue.add(pod);
    }

    /** Pops and schedules every pod the queue has ready now; tells it the placements and drains again. */
    private void drain()
    {
        int placed;
        do
        {
            drainOnce();
            placed = placedCount;
            placedCount = 0;
            for (int i = 0; i < placed; i++)
            {
                queue.onAssignedPodAdd(placedPods[i], placedSlots[i]);
                placedPods[i] = null;
            }
        }
        while (placed > 0); // the next drain also ends the queue's round of these events
    }

    private void drainOnce()
    {
        PodObject pod;
        while ((pod = queue.pop()) != null)
        {
            final int id = liveIdByKey.getIfAbsent(pod.key(), -1);
            final long start = clock.nanoTime();
            final int slot = engine.schedule(pod);
            final long cycleNs = Math.max(0, clock.nanoTime() - start);
            latency.recordValue(cycleNs);
            attempts++;
            if (slot < 0)
            {
                failedAttemptNs += cycleNs;
            }
            if (slot >= 0)
            {
                queue.done(pod.key());
                bound(id, slot);
                if (placedCount == placedPods.length)
                {
                    placedPods = Arrays.copyOf(placedPods, placedCount * 2);
                    placedSlots = Arrays.copyOf(placedSlots, placedCount * 2);
                }
                placedPods[placedCount] = pod;
                placedSlots[placedCount++] = slot;
                if (!failedOnce)
                {
                    placedBeforeFirstFailure++;
                }
            }
            else
            {
                failedAttempts++;
                failedOnce = true;
                if (!failedBefore[id])
                {
                    // kube's reasons cost a pass over the nodes and a map: once per pod, not per retry
                    failedBefore[id] = true;
                    reasonCounts.count(engine.unschedulableReasons());
                }
                queue.requeueUnschedulable(pod);
            }
        }
    }

    private void bound(final int id, final int slot)
    {
        podState[id] = BOUND;
        boundSlot[id] = slot;
        podsPlaced++;
        everPlaced[id] = true;
        bindNs[id] = nowNs;
        final long run = plan.runNs[id];
        if (run >= 0 && !ctx.keepPods())
        {
            deletions.push(nowNs + run, id);
        }
    }

    /** A bound pod ends or is deleted: the queue hears which pod left which node. */
    private void deleteBound(final int id)
    {
        final String key = plan.podKeys[id];
        final PodObject pod = engine.pods().pod(key);
        final int node = engine.pods().nodeSlotOf(key);
        removeBound(id);
        queue.onAssignedPodDelete(pod, node);
    }

    private void removeBound(final int id)
    {
        final String key = plan.podKeys[id];
        engine.removePod(key);
        liveIdByKey.remove(key);
        podState[id] = GONE;
    }

    /** A node leaves: the pods bound to it are gone with it, then the node. */
    private void deleteNode(final String name)
    {
        final int slot = table.slotOf(name);
        if (slot < 0)
        {
            return;
        }
        final var pods = engine.pods();
        for (int p = 0, limit = pods.slotLimit(); p < limit; p++)
        {
            final PodObject pod = pods.podAt(p);
            if (pod != null && pods.nodeSlotAt(p) == slot)
            {
                final int id = liveIdByKey.getIfAbsent(pod.key(), -1);
                if (id >= 0)
                {
                    removeBound(id);
                    podsLostWithNodes++;
                }
            }
        }
        engine.removeNode(name);
        queue.onClusterEvent(ClusterEvent.NODE_DELETE);
    }

    /** Why the pods still pending do not fit, from one more cycle each (not assumed): reason to pods. */
    private Map<String, Long> pendingReasons()
    {
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (int id = 0; id < plan.podCount; id++)
        {
            if (podState[id] == PENDING)
            {
                final io.berth.sched.queue.QueuedPodInfo info = queue.info(plan.podKeys[id]);
                if (info != null && engine.selectHost(info.pod()) < 0)
                {
                    for (final String reason : engine.unschedulableReasons().keySet())
                    {
                        counts.merge(reason, 1L, Long::sum);
                    }
                }
            }
        }
        return ReplaySeries.sortedByCount(counts);
    }

    private ReplayResult result(final long wallNs)
    {
        final long nodesExamined = engine.nodesExamined(); // before pendingReasons' extra cycles
        final Map<String, Long> reasons = reasonCounts.sortedTotals();
        long neverPlaced = 0;
        for (int id = 0; id < plan.podCount; id++)
        {
            if (!everPlaced[id] && podState[id] != NEW && podState[id] != IGNORED)
            {
                neverPlaced++;
            }
        }
        return new ReplayResult(
            profile.name(),
            podsCreated,
            podsPlaced,
            placedBeforeFirstFailure,
            neverPlaced,
            podsCreated == 0 ? 0 : (double)neverPlaced / podsCreated,
            queue.pendingSize(),
            attempts,
            failedAttempts,
            failedAttemptNs,
            nodesExamined,
            podsCompleted,
            podsDeletedByTrace,
            podsLostWithNodes,
            duplicateCreates,
            nowNs / TracePlan.NS_PER_MS,
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

    private void sample()
    {
        series.sample(engine.table(), queue.pendingSize(), engine.pods().count());
    }
}
