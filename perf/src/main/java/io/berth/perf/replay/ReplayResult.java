package io.berth.perf.replay;

import java.util.List;
import java.util.Map;

/**
 * What one profile's replay of a trace measured. Field names are the JSON report's and stay stable.
 *
 * @param profile                  the profile's name.
 * @param podsCreated              pod creations applied (duplicates of a live pod not counted).
 * @param podsPlaced               pods bound to a node (pods that arrived already bound included).
 * @param placedBeforeFirstFailure pods placed before the first failed scheduling attempt (all of them if none
 *                                 failed).
 * @param neverPlaced              pods never bound: deleted while pending, or still pending at the end.
 * @param neverPlacedShare         {@code neverPlaced / podsCreated} (0 when no pod was created).
 * @param pendingAtEnd             pods still waiting in the queue when the replay ended.
 * @param scheduleAttempts         scheduling cycles run (a pod retried counts each time).
 * @param failedAttempts           cycles that found no feasible node.
 * @param failedAttemptNs          wall time of those cycles, summed; the rest of the cycles' time (the latency's
 *                                 mean times its count) went to the cycles that placed a pod.
 * @param nodesExamined            live nodes the cycles examined, summed (kube's EvaluatedNodes per cycle: every
 *                                 node, or with percentageOfNodesToScore those up to the last feasible one needed).
 * @param podsCompleted            bound pods deleted after running their time.
 * @param podsDeletedByTrace       pods deleted by a trace event (pending or bound).
 * @param podsLostWithNodes        bound pods gone with their deleted node.
 * @param duplicateCreates         creations ignored because a pod of that key was still live.
 * @param virtualEndMs             virtual time when the replay ended.
 * @param wallNs                   wall time of the replay loop.
 * @param placedPerSecond          pods placed per wall second of the loop.
 * @param latency                  wall time of each scheduling call.
 * @param unschedulableReasons     kube's reason strings, each with the number of pods whose first failed attempt
 *                                 gave it for at least one node, most frequent first (counted once per pod:
 *                                 the reasons cost a pass over the nodes, too much for every retry).
 * @param pendingReasons           the same for the pods still pending at the end, from one more cycle each.
 * @param endAllocation            allocation when the trace's last event had been applied and the queue drained.
 * @param peakAllocation           the highest allocation among the samples, per resource.
 * @param gpuFragmentationMilli    free GPU milli stranded on partly used devices at the end of the trace, or
 *                                 null when the node table does not track GPU devices.
 * @param series                   the time series.
 */
public record ReplayResult(
    String profile,
    long podsCreated,
    long podsPlaced,
    long placedBeforeFirstFailure,
    long neverPlaced,
    double neverPlacedShare,
    long pendingAtEnd,
    long scheduleAttempts,
    long failedAttempts,
    long failedAttemptNs,
    long nodesExamined,
    long podsCompleted,
    long podsDeletedByTrace,
    long podsLostWithNodes,
    long duplicateCreates,
    long virtualEndMs,
    long wallNs,
    double placedPerSecond,
    Latency latency,
    Map<String, Long> unschedulableReasons,
    Map<String, Long> pendingReasons,
    Allocation endAllocation,
    Allocation peakAllocation,
    Long gpuFragmentationMilli,
    Series series)
{
    /**
     * Requested / allocatable over live nodes, 0..1; {@code gpu} is null when no node offers GPUs.
     */
    public record Allocation(double cpu, double memory, Double gpu)
    {
    }

    /**
     * Scheduling latency from an HdrHistogram (3 significant digits), nanoseconds.
     *
     * @param buckets the histogram, for plots: bucket upper bounds (log2 steps) and counts.
     */
    public record Latency(long count, long p50Ns, long p99Ns, long p999Ns, long maxNs, double meanNs,
        List<Bucket> buckets)
    {
    }

    /** Calls that took at most {@code upToNs} (and more than the previous bucket's bound). */
    public record Bucket(long upToNs, long count)
    {
    }

    /**
     * Samples at evenly spaced virtual times: each the state after every event at or before {@code timeMs}.
     * {@code gpu} and {@code gpuFragmentationMilli} are null when absent (no GPUs, or not tracked per device).
     */
    public record Series(List<Long> timeMs, List<Double> cpu, List<Double> memory, List<Double> gpu,
        List<Integer> pending, List<Integer> bound, List<Long> gpuFragmentationMilli)
    {
    }
}
