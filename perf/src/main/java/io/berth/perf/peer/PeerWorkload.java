package io.berth.perf.peer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.berth.sched.framework.PodRequests;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * One workload both engines schedule, as primitive columns: nodes (allocatable cpu, memory and pod count) and
 * pending pods in queue order (cpu and memory requests and a group), derived from {@link ClusterGenerator}.
 * <p>
 * Only what both Berth and Fenzo can express is kept. Nodes: the generator's instance types (allocatable cpu and
 * memory as it computes them), 110 pods each, no taints, GPUs, cordons or images. Pods: the generator's pending pods
 * reduced to their effective cpu and memory requests, as kube's {@code PodRequests} computes them (containers,
 * sidecars, init containers); node selectors, affinity, tolerations, host ports and ephemeral storage are dropped.
 * A pod's group is its generator workload (the Deployment it is a replica of, label {@code app}). Every pod requests
 * at least {@link #MIN_CPU_MILLI} cpu and {@link #MIN_MEMORY_BYTES} memory, in both engines: Mesos rejects a task
 * without resources, and Fenzo treats a fitness of 0 as "does not fit", which is what its bin packer gives a task
 * that requests nothing on an empty host (the generator's best-effort pods, about 9%, request nothing).
 * <p>
 * With {@link Kind#ANTI_AFFINITY} every pod also carries the hard constraint "no two pods of my group on one node":
 * for Berth a required pod anti-affinity term on {@code kubernetes.io/hostname} selecting {@code app=<group>};
 * for Fenzo a {@code UniqueHostAttrConstraint} on the host name with the group's tasks as co-tasks.
 */
final class PeerWorkload
{
    /** Label that names a pod's group (its generator workload). */
    static final String GROUP_LABEL = "app";
    /** Least cpu a pod requests (see the class comment). */
    static final long MIN_CPU_MILLI = 1;
    /** Least memory a pod requests (see the class comment). */
    static final long MIN_MEMORY_BYTES = 1024 * 1024;
    /** Pods per node, kube's default {@code maxPods}; a scalar resource {@code pods} for Fenzo. */
    static final int MAX_PODS_PER_NODE = ClusterGenerator.MAX_PODS_PER_NODE;

    /** The two workloads of the comparison. */
    enum Kind
    {
        /** cpu and memory requests only. */
        RESOURCES("resources"),
        /** cpu and memory, and at most one pod of a group per node. */
        ANTI_AFFINITY("anti-affinity");

        final String label;

        Kind(final String label)
        {
            this.label = label;
        }

        static Kind parse(final String text)
        {
            for (final Kind k : values())
            {
                if (k.label.equals(text))
                {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown workload \"" + text + "\" (resources, anti-affinity)");
        }
    }

    final Kind kind;
    /** The generator spec, or null for a hand-made workload. */
    final GeneratorSpec spec;
    final String[] nodeNames;
    final String[] nodeZones;
    final long[] nodeCpuMilli;
    final long[] nodeMemoryBytes;
    final String[] podNamespaces;
    final String[] podNames;
    final long[] podCpuMilli;
    final long[] podMemoryBytes;
    /** Group index of each pod, into {@link #groupNames}. */
    final int[] podGroup;
    final String[] groupNames;

    private PeerWorkload(final Kind kind, final GeneratorSpec spec, final String[] nodeNames, final String[] nodeZones,
        final long[] nodeCpuMilli, final long[] nodeMemoryBytes, final String[] podNamespaces, final String[] podNames,
        final long[] podCpuMilli, final long[] podMemoryBytes, final int[] podGroup, final String[] groupNames)
    {
        this.kind = kind;
        this.spec = spec;
        this.nodeNames = nodeNames;
        this.nodeZones = nodeZones;
        this.nodeCpuMilli = nodeCpuMilli;
        this.nodeMemoryBytes = nodeMemoryBytes;
        this.podNamespaces = podNamespaces;
        this.podNames = podNames;
        this.podCpuMilli = podCpuMilli;
        this.podMemoryBytes = podMemoryBytes;
        this.podGroup = podGroup;
        this.groupNames = groupNames;
    }

    private static PeerWorkload from(final Kind kind, final GeneratorSpec spec, final GeneratedCluster cluster)
    {
        final List<NodeObject> nodes = cluster.nodes();
        final int n = nodes.size();
        final String[] nodeNames = new String[n];
        final String[] nodeZones = new String[n];
        final long[] nodeCpuMilli = new long[n];
        final long[] nodeMemoryBytes = new long[n];
        for (int i = 0; i < n; i++)
        {
            final NodeObject node = nodes.get(i);
            nodeNames[i] = node.name();
            nodeZones[i] = node.labels().get(ClusterGenerator.ZONE_LABEL);
            nodeCpuMilli[i] = node.allocatable().milliValue(Resources.CPU_NAME);
            nodeMemoryBytes[i] = node.allocatable().milliValue(Resources.MEMORY_NAME) / 1000;
        }

        final List<PodObject> pending = cluster.pendingPods();
        final int p = pending.size();
        final String[] podNamespaces = new String[p];
        final String[] podNames = new String[p];
        final long[] podCpuMilli = new long[p];
        final long[] podMemoryBytes = new long[p];
        final int[] podGroup = new int[p];
        final Map<String, Integer> groups = new HashMap<>();
        final List<String> groupList = new ArrayList<>();
        final PodRequests requests = new PodRequests(new NodeTable(64));
        for (int i = 0; i < p; i++)
        {
            final PodObject pod = pending.get(i);
            requests.compile(pod);
            podNamespaces[i] = pod.namespace();
            podNames[i] = pod.name();
            podCpuMilli[i] = Math.max(MIN_CPU_MILLI, requests.request(Resources.CPU));
            podMemoryBytes[i] = Math.max(MIN_MEMORY_BYTES, requests.request(Resources.MEMORY));
            final String group = pod.labels().get(GROUP_LABEL);
            if (group == null)
            {
                throw new IllegalStateException("generated pod " + pod.key() + " has no " + GROUP_LABEL + " label");
            }
            Integer id = groups.get(group);
            if (id == null)
            {
                id = groupList.size();
                groups.put(group, id);
                groupList.add(group);
            }
            podGroup[i] = id;
        }
        return new PeerWorkload(kind, spec, nodeNames, nodeZones, nodeCpuMilli, nodeMemoryBytes, podNamespaces, podNames,
            podCpuMilli, podMemoryBytes, podGroup, groupList.toArray(new String[0]));
    }

    /**
     * A hand-made workload (tests): nodes {@code node-0..} in one zone, pods {@code default/pod-0..}, groups
     * {@code group-0..} numbered by {@code podGroup}.
     */
    static PeerWorkload of(final Kind kind, final long[] nodeCpuMilli, final long[] nodeMemoryBytes, final long[] podCpuMilli,
        final long[] podMemoryBytes, final int[] podGroup)
    {
        if (nodeCpuMilli.length != nodeMemoryBytes.length || podCpuMilli.length != podMemoryBytes.length ||
            podCpuMilli.length != podGroup.length)
        {
            throw new IllegalArgumentException("workload: node or pod columns of different lengths");
        }
        final String[] nodeNames = new String[nodeCpuMilli.length];
        final String[] zones = new String[nodeCpuMilli.length];
        for (int i = 0; i < nodeNames.length; i++)
        {
            nodeNames[i] = "node-" + i;
            zones[i] = ClusterGenerator.zoneName(0);
        }
        final String[] namespaces = new String[podCpuMilli.length];
        final String[] names = new String[podCpuMilli.length];
        int groups = 0;
        for (int i = 0; i < names.length; i++)
        {
            namespaces[i] = "default";
            names[i] = "pod-" + i;
            if (podGroup[i] < 0)
            {
                throw new IllegalArgumentException("workload: pod " + i + " has group " + podGroup[i]);
            }
            groups = Math.max(groups, podGroup[i] + 1);
        }
        final String[] groupNames = new String[groups];
        for (int g = 0; g < groups; g++)
        {
            groupNames[g] = "group-" + g;
        }
        return new PeerWorkload(kind, null, nodeNames, zones, nodeCpuMilli.clone(), nodeMemoryBytes.clone(), namespaces,
            names, podCpuMilli.clone(), podMemoryBytes.clone(), podGroup.clone(), groupNames);
    }

    /**
     * Generates the workload: {@code nodes} nodes and {@code pods} pending pods for {@code seed}, with no taints,
     * cordons, dedicated or GPU nodes, and no existing pods.
     */
    static PeerWorkload generate(final Kind kind, final int nodes, final int pods, final long seed)
    {
        final GeneratorSpec spec = GeneratorSpec.parse("nodes=" + nodes + ",pods=" + pods + ",seed=" + seed +
            ",existing=0,taintedFraction=0,unschedulableFraction=0,infraFraction=0,gpuNodeFraction=0,gpuPodFraction=0");
        return from(kind, spec, ClusterGenerator.generate(spec));
    }

    int nodeCount()
    {
        return nodeNames.length;
    }

    int podCount()
    {
        return podNames.length;
    }

    int groupCount()
    {
        return groupNames.length;
    }

    boolean constrained()
    {
        return kind == Kind.ANTI_AFFINITY;
    }

    /** The nodes as Berth sees them: hostname and zone labels, allocatable cpu, memory and pods. */
    List<NodeObject> berthNodes()
    {
        final List<NodeObject> out = new ArrayList<>(nodeCount());
        for (int i = 0; i < nodeCount(); i++)
        {
            out.add(NodeObject.builder(nodeNames[i])
                .labels(Map.of(ClusterGenerator.HOSTNAME_LABEL, nodeNames[i], ClusterGenerator.ZONE_LABEL, nodeZones[i]))
                .allocatable(ResourceList.ofMilli(Resources.CPU_NAME, nodeCpuMilli[i],
                    Resources.MEMORY_NAME, nodeMemoryBytes[i] * 1000, Resources.PODS_NAME, MAX_PODS_PER_NODE * 1000L))
                .build());
        }
        return out;
    }

    /**
     * The pending pods as Berth sees them, in queue order: one container requesting the pod's cpu and memory
     * (none when both are zero), the group label, and for {@link Kind#ANTI_AFFINITY} the required anti-affinity
     * term. Pods of equal shape share their container list, pods of a group their labels and affinity.
     */
    PodObject[] berthPods()
    {
        final Map<Shape, List<Container>> containers = new HashMap<>();
        final Map<Integer, Map<String, String>> labels = new HashMap<>();
        final Map<Integer, PodAffinity> antiAffinity = new HashMap<>();
        final PodObject[] out = new PodObject[podCount()];
        for (int i = 0; i < out.length; i++)
        {
            final long cpu = podCpuMilli[i];
            final long memory = podMemoryBytes[i];
            final List<Container> list = containers.computeIfAbsent(new Shape(cpu, memory), k -> List.of(
                new Container("app", "registry.example.com/app:1", requestList(cpu, memory))));
            final int group = podGroup[i];
            final Map<String, String> groupLabels = labels.computeIfAbsent(group, g -> Map.of(GROUP_LABEL, groupNames[g]));
            final PodObject.Builder b = PodObject.builder(podNamespaces[i], podNames[i])
                .labels(groupLabels)
                .creationTimestampMs(ClusterGenerator.BASE_TIME_MS + i)
                .containers(list);
            if (constrained())
            {
                b.podAntiAffinity(antiAffinity.computeIfAbsent(group, g -> new PodAffinity(List.of(new PodAffinityTerm(
                    new LabelSelector(groupLabels, List.of()), List.of(), ClusterGenerator.HOSTNAME_LABEL, null, List.of(),
                    List.of())), List.of())));
            }
            out[i] = b.build();
        }
        return out;
    }

    private record Shape(long cpuMilli, long memoryBytes)
    {
    }

    private static ResourceList requestList(final long cpuMilli, final long memoryBytes)
    {
        if (cpuMilli == 0 && memoryBytes == 0)
        {
            return ResourceList.EMPTY;
        }
        if (memoryBytes == 0)
        {
            return ResourceList.ofMilli(Resources.CPU_NAME, cpuMilli);
        }
        if (cpuMilli == 0)
        {
            return ResourceList.ofMilli(Resources.MEMORY_NAME, memoryBytes * 1000);
        }
        return ResourceList.ofMilli(Resources.CPU_NAME, cpuMilli, Resources.MEMORY_NAME, memoryBytes * 1000);
    }
}
