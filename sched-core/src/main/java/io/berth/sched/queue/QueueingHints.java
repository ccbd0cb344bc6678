package io.berth.sched.queue;

import java.util.List;
import java.util.Map;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.plugins.podtopologyspread.PodTopologySpread;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * The queueing hints of the default filters, over one engine (kube's {@code EventsToRegister} and hint functions,
 * made exact for "can this pod, which fit nowhere at its last attempt, fit somewhere now?"). Every answer is
 * conservative: "no" only when the pod would certainly fail again.
 * <ul>
 * <li>A pod is <em>pod-to-pod</em> when its own filters read pods on other nodes: required pod affinity or
 * anti-affinity, or a {@code DoNotSchedule} spread constraint (InterPodAffinity, PodTopologySpread). An assigned
 * pod's deletion or placement can change those answers on many nodes, but only when the changed pod is one the
 * terms count: {@link #countedBy} matches the changed pod against the waiting pod's terms (namespaces and
 * matchLabels exactly; matchExpressions, namespace selectors and match/mismatch label keys are taken to match,
 * which only moves more pods).</li>
 * <li>Every other filter is node-local: a deletion on node N changes only N's answers, so a pod that fit nowhere
 * can now fit only on N. {@link #mayFitOn} checks the freed node: the pod's cpu, memory and GPU (GpuShare)
 * against N's free amounts first (arithmetic on the table's columns), then every filter on N
 * ({@link SchedulingEngine#fitsOn}). A placement only takes resources, so it helps no node-local filter.</li>
 * <li>The deleted pod's own required anti-affinity may have kept the waiting pod off a whole topology domain:
 * {@link #repelled} matches the waiting pod against those terms.</li>
 * </ul>
 * Owned by the engine's (the queue's) thread.
 */
final class QueueingHints
{
    private static final String DO_NOT_SCHEDULE = "DoNotSchedule";
    private static final String HOSTNAME = "kubernetes.io/hostname";
    /** Deletions on more nodes than this in one round fall back to moving every pod that fits on the node. */
    static final int MAX_NODES = 16;

    private final SchedulingEngine engine;
    private final NodeTable table;
    private final PodRequests requests;
    private final boolean resourcesFit;
    private final boolean gpuShare;
    private final RoomIndex roomIndex;
    /** The engine's PodTopologySpread filter, or null when it does not run one. */
    private final PodTopologySpread spread;
    /** The nodes of the round's deletions: a pod left waiting can now fit only on one of them. */
    private final int[] nodes = new int[MAX_NODES];
    private int nodeCount;
    /** The free amounts of the round's live nodes at the last {@link #snapshotRoom}. */
    private final long[] snapCpu = new long[MAX_NODES];
    private final long[] snapMemory = new long[MAX_NODES];
    private final long[] snapGpuMaxFree = new long[MAX_NODES];
    private final long[] snapGpuWholeFree = new long[MAX_NODES];
    private int snapCount;
    private long snapMaxCpu;
    private long snapMaxMemory;
    private long snapMaxGpuMilli;
    private long snapMaxGpuWhole;

    QueueingHints(final SchedulingEngine engine)
    {
        this.engine = engine;
        this.table = engine.table();
        this.requests = new PodRequests(table);
        boolean fit = false;
        boolean gpu = false;
        for (final FilterPlugin f : engine.filterPlugins())
        {
            fit |= "NodeResourcesFit".equals(f.name());
            gpu |= "GpuShare".equals(f.name());
        }
        this.resourcesFit = fit;
        this.gpuShare = gpu;
        this.roomIndex = new RoomIndex(table, fit, gpu);
        PodTopologySpread found = null;
        for (final FilterPlugin f : engine.filterPlugins())
        {
            if (f instanceof PodTopologySpread p)
            {
                found = p;
            }
        }
        this.spread = found;
    }

    /**
     * Whether a pod of these requests may fit on some live node now: false when no node has the free cpu, memory
     * or GPU it asks for (each alone), so no change of its pod-to-pod terms' counts can admit it.
     */
    boolean roomAnywhere(final long cpu, final long memory, final long gpuMilli, final long gpuWhole)
    {
        return roomIndex.mayFitAnywhere(cpu, memory, gpuMilli, gpuWhole);
    }

    /** Whether the pod's own filters read pods on other nodes (required pod (anti-)affinity, DoNotSchedule spread). */
    static boolean isPodToPod(final PodObject pod)
    {
        if (!pod.podAffinity().required().isEmpty() || !pod.podAntiAffinity().required().isEmpty())
        {
            return true;
        }
        final List<TopologySpreadConstraint> spread = pod.topologySpreadConstraints();
        for (int i = 0, n = spread.size(); i < n; i++)
        {
            if (DO_NOT_SCHEDULE.equals(spread.get(i).whenUnsatisfiable()))
            {
                return true;
            }
        }
        return false;
    }

    /** The pod's stored cpu request (milli) into {@code out[0]}, memory into {@code out[1]}. */
    void requests(final PodObject pod, final long[] out)
    {
        requests.compile(pod);
        out[0] = requests.request(Resources.CPU);
        out[1] = requests.request(Resources.MEMORY);
    }

    /** Forgets the nodes of the round's deletions. */
    void clearNodes()
    {
        nodeCount = 0;
    }

    /** Adds the node of a deletion to the round's nodes; false when there are already {@value #MAX_NODES}. */
    boolean addNode(final int node)
    {
        for (int i = 0; i < nodeCount; i++)
        {
            if (nodes[i] == node)
            {
                return true;
            }
        }
        if (nodeCount == MAX_NODES)
        {
            return false;
        }
        nodes[nodeCount++] = node;
        return true;
    }

    int nodeCount()
    {
        return nodeCount;
    }

    /**
     * Reads the free cpu, memory and GPU of the round's live nodes once, for a walk of many waiting pods with
     * {@link #roomInSnapshot} (the amounts hold until the next placement or deletion).
     */
    void snapshotRoom()
    {
        int n = 0;
        long maxCpu = Long.MIN_VALUE;
        long maxMemory = Long.MIN_VALUE;
        long maxGpuMilli = Long.MIN_VALUE;
        long maxGpuWhole = Long.MIN_VALUE;
        final int limit = table.slotLimit();
        for (int i = 0; i < nodeCount; i++)
        {
            final int node = nodes[i];
            if (node < 0 || node >= limit || !table.isLive(node))
            {
                continue;
            }
            snapCpu[n] = freeCpu(node);
            snapMemory[n] = freeMemory(node);
            snapGpuMaxFree[n] = freeGpuMilli(node);
            snapGpuWholeFree[n] = freeGpuWhole(node);
            maxCpu = Math.max(maxCpu, snapCpu[n]);
            maxMemory = Math.max(maxMemory, snapMemory[n]);
            maxGpuMilli = Math.max(maxGpuMilli, snapGpuMaxFree[n]);
            maxGpuWhole = Math.max(maxGpuWhole, snapGpuWholeFree[n]);
            n++;
        }
        snapCount = n;
        snapMaxCpu = maxCpu;
        snapMaxMemory = maxMemory;
        snapMaxGpuMilli = maxGpuMilli;
        snapMaxGpuWhole = maxGpuWhole;
    }

    /**
     * Whether some pod of requests at least these lower bounds could have room in the last {@link #snapshotRoom}:
     * false means {@link #roomInSnapshot} answers false for every such pod. {@code gpu} bounds the milli per device
     * (fractional requests) or the device count (whole devices), as {@code gpuWhole} says; 0 for no GPU.
     */
    boolean snapshotMayFit(final long minCpu, final long minMemory, final long minGpu, final boolean gpuWhole)
    {
        return snapCount > 0 && minCpu <= snapMaxCpu && minMemory <= snapMaxMemory &&
            minGpu <= (gpuWhole ? snapMaxGpuWhole : snapMaxGpuMilli);
    }

    /**
     * Whether a pod of these requests fits the free amounts of some node of the last {@link #snapshotRoom}, what
     * {@link #room} answers on those nodes: {@code gpuMilli} is the milli per device of a fractional GPU request,
     * {@code gpuWhole} the device count of a whole-device one (0 when none).
     */
    boolean roomInSnapshot(final long cpu, final long memory, final long gpuMilli, final long gpuWhole)
    {
        if (cpu > snapMaxCpu || memory > snapMaxMemory)
        {
            return false;
        }
        for (int i = 0, n = snapCount; i < n; i++)
        {
            if (cpu <= snapCpu[i] && memory <= snapMemory[i] && gpuMilli <= snapGpuMaxFree[i] &&
                gpuWhole <= snapGpuWholeFree[i])
            {
                return true;
            }
        }
        return false;
    }

    /** The fractional part of a pod's GPU request for {@link #roomInSnapshot}: milli per device, or 0. */
    static long gpuMilliOf(final PodObject pod)
    {
        final GpuRequest gpu = pod.gpuRequest();
        return gpu.wantsGpu() && gpu.isFractional() ? gpu.milliPerDevice() : 0;
    }

    /** The whole-device part of a pod's GPU request for {@link #roomInSnapshot}: the device count, or 0. */
    static long gpuWholeOf(final PodObject pod)
    {
        final GpuRequest gpu = pod.gpuRequest();
        return gpu.wantsGpu() && !gpu.isFractional() ? gpu.count() : 0;
    }

    /** Whether the pod passes every filter on some node of the round, now. */
    boolean fitsOnAny(final PodObject pod, final long cpu, final long memory)
    {
        for (int i = 0; i < nodeCount; i++)
        {
            if (mayFitOn(pod, cpu, memory, nodes[i]))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code pod} (requests {@code cpu}, {@code memory} as {@link #requests} gave them) passes every filter
     * on {@code node} now: the free amounts first, then every filter there.
     */
    boolean mayFitOn(final PodObject pod, final long cpu, final long memory, final int node)
    {
        return room(pod, cpu, memory, node) && engine.fitsOn(pod, node);
    }

    /** A necessary condition of fitting on the node: live, and the cpu, memory and GPU free there (if filtered). */
    private boolean room(final PodObject pod, final long cpu, final long memory, final int node)
    {
        return node >= 0 && node < table.slotLimit() && table.isLive(node) &&
            cpu <= freeCpu(node) && memory <= freeMemory(node) &&
            gpuMilliOf(pod) <= freeGpuMilli(node) && gpuWholeOf(pod) <= freeGpuWhole(node);
    }

    // what a live node has free of what the engine's filters check (unbounded when no filter checks it)

    private long freeCpu(final int node)
    {
        return resourcesFit ? table.free(Resources.CPU, node) : Long.MAX_VALUE;
    }

    private long freeMemory(final int node)
    {
        return resourcesFit ? table.free(Resources.MEMORY, node) : Long.MAX_VALUE;
    }

    private long freeGpuMilli(final int node)
    {
        return gpuShare ? table.gpuMaxFreeColumn().get(node) : Long.MAX_VALUE;
    }

    private long freeGpuWhole(final int node)
    {
        return gpuShare ? table.gpuWholeFreeColumn().get(node) : Long.MAX_VALUE;
    }

    /**
     * The deletion of {@code deleted}, which {@code waiting}'s terms count ({@link #countedBy}), from node slot
     * {@code node} (no longer accounted): false when {@code waiting}, which fit nowhere, certainly still fits nowhere.
     * Counts only fell, and only on {@code node}'s domains: a node can newly pass only inside the domain of a term
     * counting the deleted pod (a hostname term: the node itself; a lower spread minimum only tightens other
     * domains), and there every {@code DoNotSchedule} constraint must pass, which the kept domain sums tell
     * ({@link PodTopologySpread#hardConstraintsAt}). Required pod affinity (whose first-pod rule reaches every node)
     * and what the sums cannot tell fall back to {@link #roomAnywhere}.
     */
    boolean deletionMayAdmit(final PodObject waiting, final PodObject deleted, final int node,
        final long cpu, final long memory, final long gpuMilli, final long gpuWhole)
    {
        if (spread == null || !waiting.podAffinity().required().isEmpty())
        {
            return roomAnywhere(cpu, memory, gpuMilli, gpuWhole);
        }
        final int at = spread.hardConstraintsAt(waiting, table, node);
        if (at == PodTopologySpread.UNKNOWN)
        {
            return roomAnywhere(cpu, memory, gpuMilli, gpuWhole);
        }
        final String spreadKey = hardSpreadKey(waiting);
        final List<PodAffinityTerm> anti = waiting.podAntiAffinity().required();
        for (int i = 0, n = anti.size(); i < n; i++)
        {
            final PodAffinityTerm t = anti.get(i);
            if (inNamespaces(t, waiting.namespace(), deleted.namespace()) && selects(t.labelSelector(), deleted.labels()) &&
                !HOSTNAME.equals(t.topologyKey()) && !t.topologyKey().equals(spreadKey))
            {
                return roomAnywhere(cpu, memory, gpuMilli, gpuWhole); // its domain may reach past the spread domain
            }
        }
        if (at == PodTopologySpread.FAILS)
        {
            return false;
        }
        // the domain's nodes may pass now (a hostname anti-affinity term alone frees only the node; the queue may
        // still owe the pod a retry elsewhere from this round's other changes, so it is not narrowed to the node)
        return roomAnywhere(cpu, memory, gpuMilli, gpuWhole);
    }

    /** The sum of the waiting pod's spread minimums now ({@link PodTopologySpread#hardMinimumSum}), -1 if unknown. */
    long spreadMinimumSum(final PodObject waiting)
    {
        return spread == null ? -1 : spread.hardMinimumSum(waiting, table);
    }

    /** Whether one of the pod's {@code DoNotSchedule} constraints counts {@code changed} (matchLabels; see countedBy). */
    static boolean spreadCounts(final PodObject waiting, final PodObject changed)
    {
        final List<TopologySpreadConstraint> spread = waiting.topologySpreadConstraints();
        for (int i = 0, n = spread.size(); i < n; i++)
        {
            final TopologySpreadConstraint c = spread.get(i);
            if (DO_NOT_SCHEDULE.equals(c.whenUnsatisfiable()) &&
                waiting.namespace().equals(changed.namespace()) && selects(c.labelSelector(), changed.labels()))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * The deletion of {@code deleted}, whose required anti-affinity kept {@code waiting} off the deleted pod's
     * domains ({@link #repelled}), from node slot {@code node}: false when {@code waiting} certainly still fits
     * nowhere. Only the domains of those terms around {@code node} opened; when every such term is keyed by the
     * hostname or by the waiting pod's own spread key and its {@code DoNotSchedule} constraints fail on the node's
     * domain ({@link PodTopologySpread#hardConstraintsAt}), nothing that opened can take it.
     */
    boolean repelledDeletionMayAdmit(final PodObject deleted, final PodObject waiting, final int node,
        final long cpu, final long memory, final long gpuMilli, final long gpuWhole)
    {
        if (spread == null || spread.hardConstraintsAt(waiting, table, node) != PodTopologySpread.FAILS)
        {
            return roomAnywhere(cpu, memory, gpuMilli, gpuWhole);
        }
        final String spreadKey = hardSpreadKey(waiting);
        final List<PodAffinityTerm> anti = deleted.podAntiAffinity().required();
        for (int i = 0, n = anti.size(); i < n; i++)
        {
            final PodAffinityTerm t = anti.get(i);
            if (inNamespaces(t, deleted.namespace(), waiting.namespace()) && selects(t.labelSelector(), waiting.labels()) &&
                !HOSTNAME.equals(t.topologyKey()) && !t.topologyKey().equals(spreadKey))
            {
                return roomAnywhere(cpu, memory, gpuMilli, gpuWhole);
            }
        }
        return false;
    }

    /** The topology key of the pod's first {@code DoNotSchedule} constraint, or null. */
    private static String hardSpreadKey(final PodObject pod)
    {
        final List<TopologySpreadConstraint> spread = pod.topologySpreadConstraints();
        for (int i = 0, n = spread.size(); i < n; i++)
        {
            if (DO_NOT_SCHEDULE.equals(spread.get(i).whenUnsatisfiable()))
            {
                return spread.get(i).topologyKey();
            }
        }
        return null;
    }

    /** Whether {@code changed} is a pod that {@code waiting}'s required pod (anti-)affinity or spread terms count. */
    static boolean countedBy(final PodObject waiting, final PodObject changed)
    {
        return anyTermMatches(waiting.podAffinity().required(), waiting.namespace(), changed) ||
            anyTermMatches(waiting.podAntiAffinity().required(), waiting.namespace(), changed) ||
            spreadCounts(waiting, changed);
    }

    /** Whether {@code deleted}'s required anti-affinity terms select {@code waiting} (so its deletion may admit it). */
    static boolean repelled(final PodObject deleted, final PodObject waiting)
    {
        return anyTermMatches(deleted.podAntiAffinity().required(), deleted.namespace(), waiting);
    }

    private static boolean anyTermMatches(final List<PodAffinityTerm> terms, final String ownerNamespace, final PodObject pod)
    {
        for (int i = 0, n = terms.size(); i < n; i++)
        {
            final PodAffinityTerm t = terms.get(i);
            if (inNamespaces(t, ownerNamespace, pod.namespace()) && selects(t.labelSelector(), pod.labels()))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean inNamespaces(final PodAffinityTerm term, final String ownerNamespace, final String namespace)
    {
        if (term.namespaceSelector() != null)
        {
            return true; // selected by namespace labels the queue does not know: assume it is
        }
        return term.namespaces().isEmpty() ? ownerNamespace.equals(namespace) : term.namespaces().contains(namespace);
    }

    /** A null selector selects nothing; otherwise every matchLabels pair must hold (expressions assumed to). */
    private static boolean selects(final LabelSelector selector, final Map<String, String> labels)
    {
        if (selector == null)
        {
            return false;
        }
        for (final Map.Entry<String, String> e : selector.matchLabels().entrySet())
        {
            if (!e.getValue().equals(labels.get(e.getKey())))
            {
                return false;
            }
        }
        return true;
    }
}
