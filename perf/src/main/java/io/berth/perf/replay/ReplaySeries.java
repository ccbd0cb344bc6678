package io.berth.perf.replay;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * What one profile's replay measures over virtual time, shared by both modes ({@link ProfileRun} in process,
 * {@link PipelineRecorder} through the store and the mirror): allocation of cpu, memory and GPU, GPU milli stranded on
 * partly used devices, pending and bound pods, at evenly spaced instants of the trace's span; the allocation at the
 * end of the trace; and the summaries of the report (peak, latency buckets, reasons by count).
 * <p>
 * At most {@code 2 * samples} points are kept: a replay that runs past the span (pods waited) keeps every other point
 * and doubles the interval. Single-threaded: the thread that replays owns it.
 */
final class ReplaySeries
{
    private long intervalNs;
    private final int limit;
    private long nextSampleNs;
    private int count;
    private final long[] timeNs;
    private final double[] cpu;
    private final double[] memory;
    private final double[] gpu;
    private final int[] pending;
    private final int[] bound;
    private final double[] fragmentation;
    private boolean gpuSeen;
    private boolean devicesSeen;
    private final double[] allocation = new double[4];
    private double[] end;

    ReplaySeries(final long spanNs, final int samples)
    {
        this.intervalNs = Math.max(1, spanNs / (samples - 1));
        this.limit = 2 * samples;
        timeNs = new long[limit];
        cpu = new double[limit];
        memory = new double[limit];
        gpu = new double[limit];
        pending = new int[limit];
        bound = new int[limit];
        fragmentation = new double[limit];
    }

    /** The virtual time of the next sample. */
    long nextSampleNs()
    {
        return nextSampleNs;
    }

    /**
     * Takes the sample due at {@link #nextSampleNs()} from the table and the given counts; when the series is full it
     * only halves it (the caller asks again while the next sample is still behind).
     */
    void sample(final NodeTable table, final int pendingPods, final int boundPods)
    {
        if (count == limit)
        {
            halve();
            return;
        }
        record(count++, nextSampleNs, table, pendingPods, boundPods);
        nextSampleNs += intervalNs;
    }

    /**
     * Ends the series with the state observed at virtual time {@code nowNs}, past the last point: a replay through the
     * store runs behind its virtual clock, so the point due at the span's end may have been taken before the last
     * bindings arrived. A point of its own, or the last point replaced when it is from the same instant.
     */
    void sampleEnd(final long nowNs, final NodeTable table, final int pendingPods, final int boundPods)
    {
        if (count > 0 && timeNs[count - 1] >= nowNs)
        {
            record(count - 1, timeNs[count - 1], table, pendingPods, boundPods);
            return;
        }
        if (count == limit)
        {
            halve();
        }
        record(count++, nowNs, table, pendingPods, boundPods);
    }

    private void halve()
    {
        final int kept = (count + 1) / 2;
        for (int i = 1; i < kept; i++)
        {
            timeNs[i] = timeNs[2 * i];
            cpu[i] = cpu[2 * i];
            memory[i] = memory[2 * i];
            gpu[i] = gpu[2 * i];
            pending[i] = pending[2 * i];
            bound[i] = bound[2 * i];
            fragmentation[i] = fragmentation[2 * i];
        }
        count = kept;
        intervalNs *= 2;
        nextSampleNs = timeNs[kept - 1] + intervalNs;
    }

    private void record(final int i, final long atNs, final NodeTable table, final int pendingPods, final int boundPods)
    {
        allocation(table, allocation);
        timeNs[i] = atNs;
        cpu[i] = allocation[0];
        memory[i] = allocation[1];
        gpu[i] = allocation[2];
        gpuSeen |= !Double.isNaN(allocation[2]);
        fragmentation[i] = allocation[3];
        devicesSeen |= !Double.isNaN(allocation[3]);
        pending[i] = pendingPods;
        bound[i] = boundPods;
    }

    /** Records the allocation at the end of the trace, once: later calls keep the first. */
    void markEnd(final NodeTable table)
    {
        if (end == null)
        {
            allocation(table, allocation);
            end = allocation.clone();
        }
    }

    boolean endMarked()
    {
        return end != null;
    }

    /** The allocation recorded by {@link #markEnd}; GPU null when the cluster offers none. */
    ReplayResult.Allocation endAllocation()
    {
        final Double endGpu = !Double.isNaN(end[2]) ? Double.valueOf(end[2]) : gpuSeen ? Double.valueOf(0) : null;
        return new ReplayResult.Allocation(end[0], end[1], endGpu);
    }

    /** GPU milli stranded at the end; null when no node has GPU devices. */
    Long endFragmentation()
    {
        return Double.isNaN(end[3]) ? (devicesSeen ? Long.valueOf(0) : null) : Long.valueOf((long)end[3]);
    }

    /** The highest allocation sampled. */
    ReplayResult.Allocation peakAllocation()
    {
        double peakCpu = 0, peakMem = 0, peakGpu = 0;
        for (int i = 0; i < count; i++)
        {
            peakCpu = Math.max(peakCpu, cpu[i]);
            peakMem = Math.max(peakMem, memory[i]);
            peakGpu = Math.max(peakGpu, Double.isNaN(gpu[i]) ? 0 : gpu[i]);
        }
        return new ReplayResult.Allocation(peakCpu, peakMem, gpuSeen ? peakGpu : null);
    }

    /** The samples as the report's series. */
    ReplayResult.Series series()
    {
        final List<Long> times = new ArrayList<>(count);
        final List<Double> cpus = new ArrayList<>(count);
        final List<Double> memories = new ArrayList<>(count);
        final List<Double> gpus = gpuSeen ? new ArrayList<>(count) : null;
        final List<Integer> pendings = new ArrayList<>(count);
        final List<Integer> bounds = new ArrayList<>(count);
        final List<Long> fragmentations = devicesSeen ? new ArrayList<>(count) : null;
        for (int i = 0; i < count; i++)
        {
            times.add(timeNs[i] / TracePlan.NS_PER_MS);
            cpus.add(cpu[i]);
            memories.add(memory[i]);
            if (gpus != null)
            {
                gpus.add(Double.isNaN(gpu[i]) ? 0 : gpu[i]);
            }
            pendings.add(pending[i]);
            bounds.add(bound[i]);
            if (fragmentations != null)
            {
                fragmentations.add(Double.isNaN(fragmentation[i]) ? 0L : (long)fragmentation[i]);
            }
        }
        return new ReplayResult.Series(times, cpus, memories, gpus, pendings, bounds, fragmentations);
    }

    /**
     * Requested / allocatable over live nodes: {@code out[0]} cpu, {@code out[1]} memory, {@code out[2]} GPU (device
     * milli in use when nodes have GPU devices, else the {@value ProfileRun#GPU_RESOURCE} extended resource; NaN when
     * neither is offered), {@code out[3]} GPU milli stranded on partly used devices (NaN without devices).
     */
    static void allocation(final NodeTable table, final double[] out)
    {
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

    /** The scheduling latency histogram as the report's summary and log2 buckets. */
    static ReplayResult.Latency latency(final Histogram latency)
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

    /** Reason to pods, most pods first, then by reason. */
    static Map<String, Long> sortedByCount(final Map<String, Long> counts)
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
}
