package io.berth.perf.peer;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.mesos.Protos;

import com.netflix.fenzo.ConstraintEvaluator;
import com.netflix.fenzo.SchedulingResult;
import com.netflix.fenzo.TaskAssignmentResult;
import com.netflix.fenzo.TaskRequest;
import com.netflix.fenzo.TaskScheduler;
import com.netflix.fenzo.VMAssignmentResult;
import com.netflix.fenzo.VMTaskFitnessCalculator;
import com.netflix.fenzo.VirtualMachineLease;
import com.netflix.fenzo.functions.Action2;
import com.netflix.fenzo.plugins.BinPackingFitnessCalculators;
import com.netflix.fenzo.plugins.UniqueHostAttrConstraint;

/**
 * Schedules a {@link PeerWorkload} through Netflix Fenzo's {@link TaskScheduler}, the way a Mesos framework drives
 * it: the pods become {@link TaskRequest}s (cpu, memory, one unit of a scalar resource {@code pods}) handed
 * to {@code scheduleOnce} {@code batchSize} at a time in queue order; every node is offered as a
 * {@link VirtualMachineLease} of its free cpu, memory and pod slots. After each call every assignment is confirmed
 * with the scheduler's task assigner (so Fenzo's task tracker counts it on its host, which its fitness calculator
 * and constraints read), and each host whose lease was used is offered again with what is left on it, as Mesos
 * re-offers a host's unused resources. Unused leases stay with Fenzo between calls. Fitness:
 * {@link BinPackingFitnessCalculators#cpuMemBinPacker}. A task Fenzo could not place is not retried (nothing leaves
 * the cluster, so it would fit nowhere later either).
 * <p>
 * Units: cpu in millicores (where Mesos would say cores) and memory in MiB, so every amount is an integer-valued
 * double and Fenzo's sums are exact, as Berth's integer columns are. In cores, 0.001-core steps accumulate rounding
 * error within a {@code scheduleOnce} call (7.909000000000002 used of 7.91) and Fenzo then rejects pods that fit.
 * The bin packer's fitness is a ratio, so the unit does not change its choices.
 * <p>
 * With {@link PeerWorkload.Kind#ANTI_AFFINITY} each task carries a {@link UniqueHostAttrConstraint} on the host
 * name whose co-tasks are the tasks of its group: at most one task of a group per host.
 */
final class FenzoRunner
{
    /** Name of the scalar resource that caps pods per host, as kube's {@code pods} allocatable does. */
    static final String PODS_RESOURCE = "pods";

    /** Fenzo's memory unit is MB; we hand it MiB (all generated amounts are whole MiB). */
    private static final long PROGRESS_INTERVAL_NS = 15_000_000_000L;
    private static final double BYTES_PER_MB = 1024.0 * 1024.0;
    // Fenzo looks maps up with null keys: Map.of would throw on that
    private static final Map<String, Double> ONE_POD = Collections.singletonMap(PODS_RESOURCE, 1.0);

    private FenzoRunner()
    {
    }

    /**
     * Builds the tasks and the scheduler (not timed), then schedules every pod (timed: every {@code scheduleOnce},
     * the confirmations and the new leases).
     */
    static RunResult run(final PeerWorkload workload, final int batchSize)
    {
        return run(workload, batchSize, null);
    }

    /** As {@link #run(PeerWorkload, int)}, printing a progress line to {@code progress} (if not null) every 15 s. */
    static RunResult run(final PeerWorkload workload, final int batchSize, final PrintStream progress)
    {
        if (batchSize < 1)
        {
            throw new IllegalArgumentException("fenzo: batch size must be at least 1, got " + batchSize);
        }
        final int pods = workload.podCount();
        final int nodes = workload.nodeCount();
        final List<PeerTask> tasks = tasks(workload);
        final Map<String, Integer> nodeIndex = new HashMap<>(nodes * 2);
        for (int i = 0; i < nodes; i++)
        {
            nodeIndex.put(workload.nodeNames[i], i);
        }
        final List<VirtualMachineLease> rejected = new ArrayList<>();
        final VMTaskFitnessCalculator fitness = BinPackingFitnessCalculators.cpuMemBinPacker;
        final TaskScheduler scheduler = new TaskScheduler.Builder()
            .withFitnessCalculator(fitness)
            .withLeaseRejectAction(rejected::add)
            .build();
        final long[] usedCpuMilli = new long[nodes];
        final long[] usedMemoryBytes = new long[nodes];
        final int[] usedPods = new int[nodes];
        final int[] nodeOfPod = new int[pods];
        Arrays.fill(nodeOfPod, -1);
        final boolean[] offered = new boolean[nodes];
        long leaseSequence = 0;
        int calls = 0;
        try
        {
            final long start = System.nanoTime();
            long lastReport = start;
            List<VirtualMachineLease> offers = new ArrayList<>(nodes);
            for (int i = 0; i < nodes; i++)
            {
                offers.add(lease(workload, i, usedCpuMilli, usedMemoryBytes, usedPods, leaseSequence++));
            }
            final Action2<TaskRequest, String> assigner = scheduler.getTaskAssigner();
            for (int next = 0; next < pods; next += batchSize)
            {
                final List<PeerTask> batch = tasks.subList(next, Math.min(pods, next + batchSize));
                final SchedulingResult result = scheduler.scheduleOnce(batch, offers);
                calls++;
                if (!result.getExceptions().isEmpty())
                {
                    throw new IllegalStateException("fenzo: scheduleOnce failed on tasks " + next + ".." +
                        (next + batch.size() - 1), result.getExceptions().get(0));
                }
                offers = new ArrayList<>();
                Arrays.fill(offered, false);
                for (final VMAssignmentResult vm : result.getResultMap().values())
                {
                    final String host = vm.getHostname();
                    final int node = nodeIndex.get(host);
                    for (final TaskAssignmentResult assignment : vm.getTasksAssigned())
                    {
                        final PeerTask task = (PeerTask)assignment.getRequest();
                        assigner.call(task, host);
                        nodeOfPod[task.pod] = node;
                        usedCpuMilli[node] += workload.podCpuMilli[task.pod];
                        usedMemoryBytes[node] += workload.podMemoryBytes[task.pod];
                        usedPods[node]++;
                    }
                    if (usedPods[node] < PeerWorkload.MAX_PODS_PER_NODE)
                    {
                        offers.add(lease(workload, node, usedCpuMilli, usedMemoryBytes, usedPods, leaseSequence++));
                    }
                    offered[node] = true;
                }
                // a lease Fenzo declined goes back to the master, which offers the host again
                for (final VirtualMachineLease lease : rejected)
                {
                    final int node = nodeIndex.get(lease.hostname());
                    if (!offered[node] && usedPods[node] < PeerWorkload.MAX_PODS_PER_NODE)
                    {
                        offers.add(lease(workload, node, usedCpuMilli, usedMemoryBytes, usedPods, leaseSequence++));
                        offered[node] = true;
                    }
                }
                rejected.clear();
                if (progress != null && System.nanoTime() - lastReport > PROGRESS_INTERVAL_NS)
                {
                    lastReport = System.nanoTime();
                    final int done = Math.min(pods, next + batchSize);
                    progress.printf(Locale.ROOT, "    fenzo batch %,d: %,d of %,d pods tried, %.0f s%n", batchSize, done, pods,
                        (lastReport - start) / 1e9);
                }
            }
            final long wallNs = System.nanoTime() - start;
            return new RunResult("fenzo", batchSize, wallNs, calls, nodeOfPod);
        }
        finally
        {
            scheduler.shutdown();
        }
    }

    /** The workload's pods as Fenzo tasks, in queue order; with constraints, co-tasks are the pod's group. */
    static List<PeerTask> tasks(final PeerWorkload workload)
    {
        final int pods = workload.podCount();
        final List<PeerTask> tasks = new ArrayList<>(pods);
        List<Set<String>> groupIds = null;
        Map<String, Set<String>> coTasks = null;
        List<List<ConstraintEvaluator>> groupConstraints = null;
        if (workload.constrained())
        {
            groupIds = new ArrayList<>(workload.groupCount());
            groupConstraints = new ArrayList<>(workload.groupCount());
            coTasks = new HashMap<>(pods * 2);
            final Map<String, Set<String>> lookup = coTasks;
            final UniqueHostAttrConstraint uniqueHost = new UniqueHostAttrConstraint(lookup::get);
            for (int g = 0; g < workload.groupCount(); g++)
            {
                groupIds.add(new HashSet<>());
                groupConstraints.add(List.of(uniqueHost));
            }
        }
        for (int i = 0; i < pods; i++)
        {
            final String id = workload.podNamespaces[i] + "/" + workload.podNames[i];
            final int group = workload.podGroup[i];
            List<ConstraintEvaluator> hard = List.of();
            if (groupIds != null)
            {
                final Set<String> ids = groupIds.get(group);
                ids.add(id);
                coTasks.put(id, ids);
                hard = groupConstraints.get(group);
            }
            tasks.add(new PeerTask(i, id, workload.groupNames[group], (double)workload.podCpuMilli[i],
                workload.podMemoryBytes[i] / BYTES_PER_MB, hard));
        }
        return tasks;
    }

    private static VirtualMachineLease lease(final PeerWorkload workload, final int node, final long[] usedCpuMilli,
        final long[] usedMemoryBytes, final int[] usedPods, final long sequence)
    {
        final String host = workload.nodeNames[node];
        return new PeerLease(host + "#" + sequence, host,
            (double)(workload.nodeCpuMilli[node] - usedCpuMilli[node]),
            (workload.nodeMemoryBytes[node] - usedMemoryBytes[node]) / BYTES_PER_MB,
            Collections.singletonMap(PODS_RESOURCE, (double)(PeerWorkload.MAX_PODS_PER_NODE - usedPods[node])));
    }

    /** A pod as a Fenzo task: cpu, memory and one pod slot; no network, disk or ports. */
    static final class PeerTask implements TaskRequest
    {
        final int pod;
        private final String id;
        private final String group;
        private final double cpus;
        private final double memoryMb;
        private final List<ConstraintEvaluator> hardConstraints;
        private AssignedResources assignedResources;

        PeerTask(final int pod, final String id, final String group, final double cpus, final double memoryMb,
            final List<ConstraintEvaluator> hardConstraints)
        {
            this.pod = pod;
            this.id = id;
            this.group = group;
            this.cpus = cpus;
            this.memoryMb = memoryMb;
            this.hardConstraints = hardConstraints;
        }

        @Override
        public String getId()
        {
            return id;
        }

        @Override
        public String taskGroupName()
        {
            return group;
        }

        @Override
        public double getCPUs()
        {
            return cpus;
        }

        @Override
        public double getMemory()
        {
            return memoryMb;
        }

        @Override
        public double getNetworkMbps()
        {
            return 0;
        }

        @Override
        public double getDisk()
        {
            return 0;
        }

        @Override
        public int getPorts()
        {
            return 0;
        }

        @Override
        public Map<String, Double> getScalarRequests()
        {
            return ONE_POD;
        }

        @Override
        public Map<String, NamedResourceSetRequest> getCustomNamedResources()
        {
            return Collections.emptyMap();
        }

        @Override
        public List<? extends ConstraintEvaluator> getHardConstraints()
        {
            return hardConstraints;
        }

        @Override
        public List<? extends VMTaskFitnessCalculator> getSoftConstraints()
        {
            return List.of();
        }

        @Override
        public void setAssignedResources(final AssignedResources assignedResources)
        {
            this.assignedResources = assignedResources;
        }

        @Override
        public AssignedResources getAssignedResources()
        {
            return assignedResources;
        }

        @Override
        public String toString()
        {
            return id;
        }
    }

    /**
     * A host's free resources offered to Fenzo, without a Mesos offer behind it (Fenzo then never expires it, as
     * its own tests' leases).
     */
    static final class PeerLease implements VirtualMachineLease
    {
        private final String id;
        private final String host;
        private final double cpus;
        private final double memoryMb;
        private final Map<String, Double> scalars;
        private final long offeredTimeMs = System.currentTimeMillis();

        PeerLease(final String id, final String host, final double cpus, final double memoryMb, final Map<String, Double> scalars)
        {
            this.id = id;
            this.host = host;
            this.cpus = cpus;
            this.memoryMb = memoryMb;
            this.scalars = scalars;
        }

        @Override
        public String getId()
        {
            return id;
        }

        @Override
        public long getOfferedTime()
        {
            return offeredTimeMs;
        }

        @Override
        public String hostname()
        {
            return host;
        }

        @Override
        public String getVMID()
        {
            return host;
        }

        @Override
        public double cpuCores()
        {
            return cpus;
        }

        @Override
        public double memoryMB()
        {
            return memoryMb;
        }

        @Override
        public double networkMbps()
        {
            return 0;
        }

        @Override
        public double diskMB()
        {
            return 0;
        }

        @Override
        public List<Range> portRanges()
        {
            return List.of();
        }

        @Override
        public Protos.Offer getOffer()
        {
            return null;
        }

        @Override
        public Map<String, Protos.Attribute> getAttributeMap()
        {
            return Collections.emptyMap();
        }

        @Override
        public Double getScalarValue(final String name)
        {
            return scalars.get(name);
        }

        @Override
        public Map<String, Double> getScalarValues()
        {
            return scalars;
        }

        @Override
        public String toString()
        {
            return id;
        }
    }
}
