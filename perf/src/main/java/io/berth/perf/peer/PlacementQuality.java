package io.berth.perf.peer;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What a run's placements amount to, recomputed from the workload's own integer requests (not from either engine's
 * bookkeeping), with the checks that make a comparison honest:
 * <ul>
 * <li>{@code overCapacityNodes}: nodes whose placed pods exceed their allocatable cpu, memory or pod count;</li>
 * <li>{@code groupConflicts}: with anti-affinity, pods placed on a node that already holds a pod of their group;</li>
 * <li>{@code unplacedThatFit}: pods left unplaced although, at the end, some node still has room for them (and, with
 * anti-affinity, no pod of their group). Nothing leaves the cluster, so such a pod also fit when its turn came: an
 * engine that leaves one is wrong.</li>
 * </ul>
 *
 * @param placed                   pods placed
 * @param unplaced                 pods not placed
 * @param placedBeforeFirstFailure pods placed, in queue order, before the first one that was not
 * @param cpuAllocated             placed cpu requests / allocatable cpu of all nodes
 * @param memoryAllocated          placed memory requests / allocatable memory of all nodes
 * @param nodesUsed                nodes holding at least one pod
 */
record PlacementQuality(int placed, int unplaced, int placedBeforeFirstFailure, double cpuAllocated, double memoryAllocated,
                        int nodesUsed, int overCapacityNodes, int groupConflicts, int unplacedThatFit)
{
    /** True when no node is over capacity, no group shares a node (anti-affinity) and no unplaced pod fits. */
    boolean valid()
    {
        return overCapacityNodes == 0 && groupConflicts == 0 && unplacedThatFit == 0;
    }

    static PlacementQuality of(final PeerWorkload w, final int[] nodeOfPod)
    {
        if (nodeOfPod.length != w.podCount())
        {
            throw new IllegalArgumentException("placements for " + nodeOfPod.length + " pods, workload has " + w.podCount());
        }
        final int nodes = w.nodeCount();
        final long[] cpu = new long[nodes];
        final long[] memory = new long[nodes];
        final int[] count = new int[nodes];
        final Set<Long> groupOnNode = new HashSet<>();
        int placed = 0;
        int beforeFirstFailure = -1;
        int groupConflicts = 0;
        long cpuPlaced = 0;
        long memoryPlaced = 0;
        for (int p = 0; p < nodeOfPod.length; p++)
        {
            final int node = nodeOfPod[p];
            if (node < 0)
            {
                if (beforeFirstFailure < 0)
                {
                    beforeFirstFailure = placed;
                }
                continue;
            }
            if (node >= nodes)
            {
                throw new IllegalArgumentException("pod " + p + " placed on node " + node + ", workload has " + nodes);
            }
            placed++;
            cpu[node] += w.podCpuMilli[p];
            memory[node] += w.podMemoryBytes[p];
            count[node]++;
            cpuPlaced += w.podCpuMilli[p];
            memoryPlaced += w.podMemoryBytes[p];
            if (w.constrained() && !groupOnNode.add(key(node, w.podGroup[p])))
            {
                groupConflicts++;
            }
        }
        long cpuTotal = 0;
        long memoryTotal = 0;
        int used = 0;
        int over = 0;
        for (int n = 0; n < nodes; n++)
        {
            cpuTotal += w.nodeCpuMilli[n];
            memoryTotal += w.nodeMemoryBytes[n];
            if (count[n] > 0)
            {
                used++;
            }
            if (cpu[n] > w.nodeCpuMilli[n] || memory[n] > w.nodeMemoryBytes[n] || count[n] > PeerWorkload.MAX_PODS_PER_NODE)
            {
                over++;
            }
        }

        // unplaced pods that some node could still take; a shape no node fits (groups aside) is remembered
        final Map<Shape, Boolean> shapeFitsSomewhere = new HashMap<>();
        int unplacedThatFit = 0;
        for (int p = 0; p < nodeOfPod.length; p++)
        {
            if (nodeOfPod[p] >= 0)
            {
                continue;
            }
            final long c = w.podCpuMilli[p];
            final long m = w.podMemoryBytes[p];
            final Shape shape = new Shape(c, m);
            if (Boolean.FALSE.equals(shapeFitsSomewhere.get(shape)))
            {
                continue;
            }
            boolean anyRoom = false;
            boolean fits = false;
            for (int n = 0; n < nodes && !fits; n++)
            {
                if (count[n] < PeerWorkload.MAX_PODS_PER_NODE && cpu[n] + c <= w.nodeCpuMilli[n] && memory[n] + m <= w.nodeMemoryBytes[n])
                {
                    anyRoom = true;
                    fits = !w.constrained() || !groupOnNode.contains(key(n, w.podGroup[p]));
                }
            }
            if (!anyRoom)
            {
                shapeFitsSomewhere.put(shape, Boolean.FALSE);
            }
            if (fits)
            {
                unplacedThatFit++;
            }
        }
        return new PlacementQuality(placed, nodeOfPod.length - placed, beforeFirstFailure < 0 ? placed : beforeFirstFailure,
            cpuTotal == 0 ? 0 : (double)cpuPlaced / cpuTotal, memoryTotal == 0 ? 0 : (double)memoryPlaced / memoryTotal,
            used, over, groupConflicts, unplacedThatFit);
    }

    private record Shape(long cpuMilli, long memoryBytes)
    {
    }

    private static long key(final int node, final int group)
    {
        return (long)node << 32 | group & 0xFFFF_FFFFL;
    }
}
