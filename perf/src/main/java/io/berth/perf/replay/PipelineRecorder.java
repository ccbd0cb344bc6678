package io.berth.perf.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.agrona.concurrent.Agent;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectByteHashMap;

import io.berth.mirror.Mirror;
import io.berth.mirror.TableChangeListener;
import io.berth.mirror.scheduler.SchedulerAgent;
import io.berth.mirror.scheduler.SchedulerListener;
import io.berth.mirror.source.ClusterSource;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

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
    private final Map<String, Long> reasonTotals = new LinkedHashMap<>();
    private Map<String, Integer> lastReasons;
    private long lastReasonsRepeats;

    private long podsCreated;
    private long podsPlaced;
    private long placedBeforeFirstFailure;
    private boolean failedOnce;
    private long attempts;
    private long failedAttempts;
    private long neverPlacedGone;
    private long deletionsSeen;
    private long bindingsSeen;

    // time series, as ProfileRun's
    private final long spanNs;
    private long sampleIntervalNs;
    private final int sampleLimit;
    private long nextSampleNs;
    private int sampleCount;
    private final long[] sampleTimeNs;
    private final double[] sampleCpu;
    private final double[] sampleMemory;
    private final double[] sampleGpu;
    private final int[] samplePending;
    private final int[] sampleBound;
    private final double[] sampleFragmentation;
    private boolean gpuSeen;
    private boolean devicesSeen;
    private final double[] allocation = new double[4];
    private double[] endAllocation;

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
        this.sampleIntervalNs = Math.max(1, spanNs / (ctx.samples() - 1));
        this.sampleLimit = 2 * ctx.samples();
        sampleTimeNs = new long[sampleLimit];
        sampleCpu = new double[sampleLimit];
        sampleMemory = new double[sampleLimit];
        sampleGpu = new double[sampleLimit];
        samplePending = new int[sampleLimit];
        sampleBound = new int[sampleLimit];
        sampleFragmentation = new double[sampleLimit];
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
        while (nextSampleNs <= nowNs)
        {
            sample();
            work++;
        }
        final boolean settled = agent.isSettled();
        if (endAllocation == null && settled && feeder.traceWritten() && mirror.revision() >= feeder.lastTraceRevision())
        {
            allocation(allocation);
            endAllocation = allocation.clone();
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
        failedOnce = true;
        final byte state = podState.getIfAbsent(pod.key(), (byte)0);
        if ((state & FAILED_BEFORE) == 0)
        {
            // kube's reasons cost a pass over the nodes and a map: once per pod, not per retry
            podState.put(pod.key(), (byte)(state | FAILED_BEFORE));
            countReasons(engine.unschedulableReasons());
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
        final long wallNs = clock.wall().nanoTime() - clock.wallStartNs();
        counters.update(feeder.eventsWritten(), podsPlaced, agent.queue().pendingSize(), nowNs / TracePlan.NS_PER_MS);
        result = result(nowNs, wallNs);
        finished.countDown();
    }

    private ReplayResult result(final long nowNs, final long wallNs)
    {
        foldReasons();
        final Map<String, Long> reasons = sortedByCount(reasonTotals);
        final long pendingNow = mirror.tables().pendingPods().size();
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
        final Double endGpu = !Double.isNaN(endAllocation[2]) ? Double.valueOf(endAllocation[2]) :
            gpuSeen ? Double.valueOf(0) : null;
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
            feeder.podsCompleted(),
            feeder.podsDeletedByTrace(),
            feeder.podsLostWithNodes(),
            feeder.duplicateCreates(),
            Math.max(0, nowNs) / TracePlan.NS_PER_MS,
            wallNs,
            wallNs > 0 ? podsPlaced * 1e9 / wallNs : 0,
            latencySummary(),
            reasons,
            pendingReasons(),
            new ReplayResult.Allocation(endAllocation[0], endAllocation[1], endGpu),
            new ReplayResult.Allocation(peakCpu, peakMem, gpuSeen ? peakGpu : null),
            Double.isNaN(endAllocation[3]) ? (devicesSeen ? Long.valueOf(0) : null) : Long.valueOf((long)endAllocation[3]),
            new ReplayResult.Series(times, cpu, memory, gpu, pending, bound, fragmentation));
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

    // ---------------------------------------------------------------- sampling (as ProfileRun's)

    /** Requested / allocatable over live nodes (cpu, memory, GPU) and GPU milli stranded, as ProfileRun measures. */
    private void allocation(final double[] out)
    {
        final NodeTable table = engine.table();
        final LongColumn allocCpu = table.allocatable(Resources.CPU);
        final LongColumn reqCpu = table.requested(Resources.CPU);
        final LongColumn allocMem = table.allocatable(Resources.MEMORY);
        final LongColumn reqMem = table.requested(Resources.MEMORY);
        final int gpu = table.resources().find(ProfileRun.GPU_RESOURCE);
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
            return;
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
        samplePending[i] = mirror.tables().pendingPods().size();
        sampleBound[i] = engine.pods().count();
        nextSampleNs += sampleIntervalNs;
    }
}
