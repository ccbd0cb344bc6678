package io.berth.perf.replay;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.perf.trace.TraceEvent;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.queue.ClusterEvent;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.queue.SchedulingQueue;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

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
    private long sampleIntervalNs;
    private final int sampleLimit;
    private long nextSampleNs;
    private int sampleCount;
    private long[] sampleTimeNs;
    private double[] sampleCpu;
    private double[] sampleMemory;
    private double[] sampleGpu;
    private int[] samplePending;
    private int[] sampleBound;
    private double[] sampleFragmentation;
    private boolean gpuSeen;
    private boolean devicesSeen;
    private final double[] allocation = new double[4];

    // counters
    private long podsCreated;
    private long podsPlaced;
    private long placedBeforeFirstFailure;
    private boolean failedOnce;
    private long attempts;
    private long failedAttempts;
    private long podsCompleted;
    private long podsDeletedByTrace;
    private long podsLostWithNodes;
    private long duplicateCreates;

    // unschedulable reasons: the engine hands back the same map while a class's answer is unchanged, so repeats
    // are counted against that map and folded into the totals only when another map comes
    private final Map<String, Long> reasonTotals = new LinkedHashMap<>();
    private Map<String, Integer> lastReasons;
    private long lastReasonsRepeats;

    private double[] endAllocation;

    ProfileRun(final TracePlan plan, final ReplayProfile profile, final ReplayContext ctx)
    {
        this.plan = plan;
        this.profile = profile;
        this.ctx = ctx;
        this.clock = ctx.clock();
        this.table = new NodeTable(Math.max(64, plan.trace.nodes().size()));
        this.engine = new SchedulingEngine(table, PluginRegistry.build(profile.profile()), ctx.seed()).vector(ctx.vector())
            .scalarWarmup(ctx.scalarWarmupNodeCycles());
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
        this.sampleIntervalNs = Math.max(1, spanNs / (ctx.samples() - 1));
        this.sampleLimit = 2 * ctx.samples();
        final int capacity = sampleLimit;
        sampleTimeNs = new long[capacity];
        sampleCpu = new double[capacity];
        sampleMemory = new double[capacity];
        sampleGpu = new double[capacity];
        samplePending = new int[capacity];
        sampleBound = new int[capacity];
        sampleFragmentation = new double[capacity];
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
            if (nextEvent == n && endAllocation == null)
            {
                allocation(allocation);
                endAllocation = allocation.clone();
            }
        }
        if (endAllocation == null)
        {
            allocation(allocation);
            endAllocation = allocation.clone();
        }
        final long endNs = Math.max(nowNs, spanNs);
        while (nextSampleNs <= endNs)
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
        while (nextSampleNs < t)
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
            latency.recordValue(Math.max(0, clock.nanoTime() - start));
            attempts++;
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
                    countReasons(engine.unschedulableReasons());
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

    private void countReasons(final Map<String, Integer> reasons)
    {
        if (reasons != lastReasons)
        {
            foldReasons();
            lastReasons = reasons;
        }
        lastReasonsRepeats++;
    }

    private void foldReasons()
    {
        if (lastReasons != null && lastReasonsRepeats > 0)
        {
            for (final String reason : lastReasons.keySet())
            {
                reasonTotals.merge(reason, lastReasonsRepeats, Long::sum);
            }
        }
        lastReasons = null;
        lastReasonsRepeats = 0;
    }

    /**
     * Into {@code out}: requested / allocatable over live nodes for cpu, memory and GPU, and the GPU milli stranded
     * on partly used devices. GPU from the node table's devices (GPU sharing) when any live node has some, else from
     * the {@value #GPU_RESOURCE} extended resource; NaN when neither is offered (fragmentation: NaN without devices).
     */
    private void allocation(final double[] out)
    {
        final LongColumn allocCpu = table.allocatable(Resources.CPU);
        final LongColumn reqCpu = table.requested(Resources.CPU);
        final LongColumn allocMem = table.allocatable(Resources.MEMORY);
        final LongColumn reqMem = table.requested(Resources.MEMORY);
        final int gpu = table.resources().find(GPU_RESOURCE);
        final LongColumn allocGpu = gpu >= 0 ? table.allocatable(gpu) : null;
        final LongColumn reqGpu = gpu >= 0 ? table.requested(gpu) : null;
        double cpuA = 0, cpuR = 0, memA = 0, memR = 0, gpuA = 0, gpuR = 0;
        long devices = 0, deviceFree = 0, stranded = 0;
        for (int slot = 0, limit = table.slotLimit(); slot < limit; slot++)
        {
            if (!table.isLive(slot))
            {
                continue;
            }
            cpuA += allocCpu.get(slot);
            cpuR += reqCpu.get(slot);
            memA += allocMem.get(slot);
            memR += reqMem.get(slot);
            if (allocGpu != null)
            {
                gpuA += allocGpu.get(slot);
                gpuR += reqGpu.get(slot);
            }
            for (int d = 0, n = table.gpuDevices(slot); d < n; d++)
            {
                final long free = table.gpuFreeMilli(slot, d);
                devices++;
                deviceFree += free;
                if (free > 0 && free < NodeTable.GPU_DEVICE_MILLI)
                {
                    stranded += free;
                }
            }
        }
        out[0] = cpuA > 0 ? cpuR / cpuA : 0;
        out[1] = memA > 0 ? memR / memA : 0;
        if (devices > 0)
        {
            final double total = (double)devices * NodeTable.GPU_DEVICE_MILLI;
            out[2] = (total - deviceFree) / total;
            out[3] = stranded;
        }
        else
        {
            out[2] = gpuA > 0 ? gpuR / gpuA : Double.NaN;
            out[3] = Double.NaN;
        }
    }

    private void sample()
    {
        if (sampleCount == sampleLimit)
        {
            // the replay ran past the trace's span (pods waited): keep every other point, double the interval
            final int kept = (sampleCount + 1) / 2;
            for (int i = 1; i < kept; i++)
            {
                sampleTimeNs[i] = sampleTimeNs[2 * i];
                sampleCpu[i] = sampleCpu[2 * i];
                sampleMemory[i] = sampleMemory[2 * i];
                sampleGpu[i] = sampleGpu[2 * i];
                samplePending[i] = samplePending[2 * i];
                sampleBound[i] = sampleBound[2 * i];
                sampleFragmentation[i] = sampleFragmentation[2 * i];
            }
            sampleCount = kept;
            sampleIntervalNs *= 2;
            nextSampleNs = sampleTimeNs[kept - 1] + sampleIntervalNs;
            return; // the caller asks again while the next sample is still behind
        }
        allocation(allocation);
        final int i = sampleCount++;
        sampleTimeNs[i] = nextSampleNs;
        sampleCpu[i] = allocation[0];
        sampleMemory[i] = allocation[1];
        sampleGpu[i] = allocation[2];
        gpuSeen |= !Double.isNaN(allocation[2]);
        sampleFragmentation[i] = allocation[3];
        devicesSeen |= !Double.isNaN(allocation[3]);
        samplePending[i] = queue.pendingSize();
        sampleBound[i] = engine.pods().count();
        nextSampleNs += sampleIntervalNs;
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
        return sortedByCount(counts);
    }

    private static Map<String, Long> sortedByCount(final Map<String, Long> counts)
    {
        final List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        final Map<String, Long> result = new LinkedHashMap<>();
        for (final Map.Entry<String, Long> e : sorted)
        {
            result.put(e.getKey(), e.getValue());
        }
        return result;
    }

    private ReplayResult result(final long wallNs)
    {
        foldReasons();
        final Map<String, Long> reasons = sortedByCount(reasonTotals);
        long neverPlaced = 0;
        for (int id = 0; id < plan.podCount; id++)
        {
            if (!everPlaced[id] && podState[id] != NEW && podState[id] != IGNORED)
            {
                neverPlaced++;
            }
        }
        final List<Long> times = new ArrayList<>(sampleCount);
        final List<Double> cpu = new ArrayList<>(sampleCount);
        final List<Double> memory = new ArrayList<>(sampleCount);
        final List<Double> gpu = gpuSeen ? new ArrayList<>(sampleCount) : null;
        final List<Integer> pending = new ArrayList<>(sampleCount);
        final List<Integer> bound = new ArrayList<>(sampleCount);
        final List<Long> fragmentation = devicesSeen ? new ArrayList<>(sampleCount) : null;
        double peakCpu = 0, peakMem = 0, peakGpu = 0;
        for (int i = 0; i < sampleCount; i++)
        {
            times.add(sampleTimeNs[i] / TracePlan.NS_PER_MS);
            cpu.add(sampleCpu[i]);
            memory.add(sampleMemory[i]);
            peakCpu = Math.max(peakCpu, sampleCpu[i]);
            peakMem = Math.max(peakMem, sampleMemory[i]);
            if (gpu != null)
            {
                final double g = Double.isNaN(sampleGpu[i]) ? 0 : sampleGpu[i];
                gpu.add(g);
                peakGpu = Math.max(peakGpu, g);
            }
            pending.add(samplePending[i]);
            bound.add(sampleBound[i]);
            if (fragmentation != null)
            {
                fragmentation.add(Double.isNaN(sampleFragmentation[i]) ? 0L : (long)sampleFragmentation[i]);
            }
        }
        final Double endGpu;
        if (!Double.isNaN(endAllocation[2]))
        {
            endGpu = endAllocation[2];
        }
        else
        {
            endGpu = gpuSeen ? Double.valueOf(0) : null;
        }
        final ReplayResult.Allocation end = new ReplayResult.Allocation(endAllocation[0], endAllocation[1], endGpu);
        final ReplayResult.Allocation peak = new ReplayResult.Allocation(peakCpu, peakMem, gpuSeen ? peakGpu : null);
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
            podsCompleted,
            podsDeletedByTrace,
            podsLostWithNodes,
            duplicateCreates,
            nowNs / TracePlan.NS_PER_MS,
            wallNs,
            wallNs > 0 ? podsPlaced * 1e9 / wallNs : 0,
            latencySummary(),
            reasons,
            pendingReasons(),
            end,
            peak,
            Double.isNaN(endAllocation[3]) ? (devicesSeen ? Long.valueOf(0) : null) : Long.valueOf((long)endAllocation[3]),
            new ReplayResult.Series(times, cpu, memory, gpu, pending, bound, fragmentation));
    }

    private ReplayResult.Latency latencySummary()
    {
        final long count = latency.getTotalCount();
        final List<ReplayResult.Bucket> buckets = new ArrayList<>();
        if (count > 0)
        {
            final long first = Math.max(1, Long.highestOneBit(Math.max(1, latency.getMinValue())));
            for (final HistogramIterationValue v : latency.logarithmicBucketValues(first, 2.0))
            {
                buckets.add(new ReplayResult.Bucket(v.getValueIteratedTo(), v.getCountAddedInThisIterationStep()));
            }
        }
        return new ReplayResult.Latency(count,
            count == 0 ? 0 : latency.getValueAtPercentile(50),
            count == 0 ? 0 : latency.getValueAtPercentile(99),
            count == 0 ? 0 : latency.getValueAtPercentile(99.9),
            count == 0 ? 0 : latency.getMaxValue(),
            count == 0 ? 0 : latency.getMean(),
            buckets);
    }
}
