package io.berth.perf.peer;

/**
 * One measured run of one engine on one workload: the node index each pod went to (-1: not placed), in the
 * workload's pod order, and the wall time of the scheduling loop.
 *
 * @param engine         {@code berth-binpack}, {@code berth-default} or {@code fenzo}
 * @param batchSize      pods per {@code scheduleOnce} call (Fenzo); 1 for Berth, which schedules one pod per cycle
 * @param wallNs         wall time of the scheduling loop (setup before the first pod excluded)
 * @param scheduleCalls  scheduling calls made (Berth: one per pod; Fenzo: {@code scheduleOnce} calls)
 * @param nodeOfPod      per pod, the index of its node in the workload, or -1
 */
record RunResult(String engine, int batchSize, long wallNs, int scheduleCalls, int[] nodeOfPod)
{
    int placed()
    {
        int placed = 0;
        for (final int node : nodeOfPod)
        {
            if (node >= 0)
            {
                placed++;
            }
        }
        return placed;
    }

    double podsPerSecond()
    {
        return nodeOfPod.length * 1e9 / Math.max(1, wallNs);
    }
}
