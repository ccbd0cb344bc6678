package io.berth.sched.framework;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;

/**
 * One scheduling cycle per pod, data-oriented: compile the pod once (PreFilter/PreScore), run every filter as a
 * pass over the node columns into a fail-bit column, every score as a pass into a score column, normalize,
 * weigh, select the highest total (ties: a seeded uniform choice), and assume the pod on the chosen node.
 * As kube-scheduler, a cycle stops filtering once it has found {@link #feasibleNodesToFind} feasible nodes
 * (percentageOfNodesToScore; 0, the default, is kube's adaptive share: 50% minus 1% per 125 nodes, at least 5%
 * and 100 nodes), examining nodes from where the last cycle stopped, and scores only those; 100 filters and scores
 * every node. Single-threaded: the owner thread also applies node and pod changes. Allocates nothing per pod in
 * steady state.
 */
public final class SchedulingEngine
{
    /** Fail bit of slots that hold no live node. Plugin {@code k} uses bit {@code k + 1}. */
    public static final long NOT_LIVE = 1;
    /** Fail bit of live slots a sampled cycle did not examine (percentageOfNodesToScore below 100). */
    public static final long NOT_EXAMINED = Long.MIN_VALUE;
    /**
     * Fail bit of live slots that failed the first pass of kube's RunFilterPluginsWithNominatedPods: filtered with
     * the pods nominated there that are as important as the pod or more ({@link Nominator}). The plugin that failed
     * them there carries its bit too; its reasons are that pass's.
     */
    public static final long NOMINATED_PODS = 1L << 62;
    /** Filters a profile may have: bits 1 to 61 (bit 0 is {@link #NOT_LIVE}, 62 and 63 the flags above). */
    public static final int MAX_FILTERS = 61;
    /** kube's minFeasibleNodesToFind: fewer nodes than this are always all examined. */
    public static final int MIN_FEASIBLE_NODES_TO_FIND = 100;
    /** kube's minFeasibleNodesPercentageToFind: the floor of the adaptive percentage. */
    public static final int MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
    /** Slots filtered per step of a sampled cycle before it counts what it found. */
    private static final int SAMPLE_BLOCK = 256;

    private final NodeTable table;
    private final PodTable pods;
    private final PodRequests requests;
    private final FilterPlugin[] filters;
    private final ScorePlugin[] scorers;
    private final int[] weights;
    private final boolean[] filterActive;
    private final boolean[] scoreActive;
    /** Plugins whose result on a node can depend on pods on other nodes: never served from the per-class cache. */
    private final boolean[] filterPodAware;
    private final boolean[] scorePodAware;
    /** This cycle recomputes every node for the pod-aware plugins (set in select, read by runScores). */
    private boolean recomputePodAware;
    private final Nominator nominator = new Nominator();
    /** This cycle's slots that failed with their nominated pods: the slot, that pass's fail bits and reasons. */
    private int nominatedFailures;
    private int[] nominatedFailureSlots = new int[4];
    private long[] nominatedFailureBits = new long[4];
    private final List<List<String>> nominatedFailureReasons = new ArrayList<>();
    private final List<PodObject> nominatedAdded = new ArrayList<>();
    private final ObjectIntHashMap<String> reasonCounts = new ObjectIntHashMap<>();
    private final List<String> reasonOrder = new ArrayList<>();
    private final List<String> reasonScratch = new ArrayList<>();
    private boolean vector = true;
    /** Node slots swept in scalar passes before the vector passes take over (0: vector from the first cycle). */
    private long scalarWarmupNodeCycles;
    private BooleanSupplier vectorReady;
    private long sweptNodeCycles;
    private boolean cacheEnabled = true;
    private long rngState;
    private long useClock;

    private final CycleResults[] cache;
    private final PodAwarePlugin[] podAware;
    private CycleResults uncached;
    private CycleResults current;
    private long[] failBits;
    private long[] total;
    private long[][] scoreView;
    private int[] dirty;
    private long[] probe = new long[0];
    private int lastFeasible;
    private int lastFilterLimit;
    private int lastDirtyChunks;
    private int firstTieChunk;
    private int percentageOfNodesToScore;
    /** Feasible nodes a cycle looks for, instead of kube's rule when positive (see {@link #sampleNodesToFind}). */
    private int sampleNodesToFind;
    /** Live nodes examined by every cycle so far (kube's EvaluatedNodes, summed). */
    private long nodesExamined;
    /** kube's nextStartNodeIndex, as a slot: where the next sampled cycle starts examining. */
    private int nextStartSlot;
    /**
     * The slots the last cycle's fail bits, scores and totals are valid on: {@code [0, headTo)} (a sampled cycle
     * that wrapped around; empty otherwise) and {@code [spanFrom, spanTo)}.
     */
    private int headTo;
    private int spanFrom;
    private int spanTo;

    public SchedulingEngine(final NodeTable table, final Plugins plugins, final long seed)
    {
        this.table = table;
        this.pods = new PodTable(table);
        this.requests = new PodRequests(table);
        this.filters = plugins.filters().toArray(new FilterPlugin[0]);
        if (filters.length > MAX_FILTERS)
        {
            throw new IllegalArgumentException("a profile may have at most " + MAX_FILTERS + " filters, got " +
                filters.length);
        }
        this.scorers = plugins.scores().toArray(new ScorePlugin[0]);
        this.weights = plugins.weights().clone();
        this.percentageOfNodesToScore = plugins.percentageOfNodesToScore();
        this.filterActive = new boolean[filters.length];
        this.scoreActive = new boolean[scorers.length];
        this.scoreView = new long[scorers.length][];
        this.cache = new CycleResults[CACHED_CLASSES];
        final java.util.List<PodAwarePlugin> aware = new java.util.ArrayList<>();
        for (final Object p : plugins.filters())
        {
            if (p instanceof PodAwarePlugin a && !aware.contains(a))
            {
                aware.add(a);
            }
        }
        for (final Object p : plugins.scores())
        {
            if (p instanceof PodAwarePlugin a && !aware.contains(a))
            {
                aware.add(a);
            }
        }
        this.podAware = aware.toArray(new PodAwarePlugin[0]);
        this.filterPodAware = new boolean[filters.length];
        this.scorePodAware = new boolean[scorers.length];
        for (int k = 0; k < filters.length; k++)
        {
            filterPodAware[k] = filters[k] instanceof PodAwarePlugin;
        }
        for (int s = 0; s < scorers.length; s++)
        {
            scorePodAware[s] = scorers[s] instanceof PodAwarePlugin;
        }
        for (final PodAwarePlugin a : podAware)
        {
            pods.addListener(a);
        }
        this.rngState = seed;
        allocateScratch(table.capacity());
    }

    /** Default number of pod classes whose per-node results are kept (least recently used evicted). */
    public static final int CACHED_CLASSES = 8;

    /**
     * Turns the per-class result cache on (default) or off. The cache is exact: a pod reuses the per-node fail
     * bits and raw scores of an earlier pod of the same {@link PodClass} only for the chunks of slots whose
     * versions did not change since, and nothing at all after a node was added, changed or removed.
     */
    public SchedulingEngine cache(final boolean enabled)
    {
        this.cacheEnabled = enabled;
        return this;
    }

    /** Chunks recomputed in the last cycle that reused cached results (-1 when it computed everything). */
    public int lastDirtyChunks()
    {
        return lastDirtyChunks;
    }

    /**
     * kube's percentageOfNodesToScore: 0 (the profile's default) is kube's adaptive share, 100 examines and scores
     * every node, anything between stops filtering once that share of the nodes was found feasible.
     */
    public SchedulingEngine percentageOfNodesToScore(final int percentage)
    {
        if (percentage < 0 || percentage > 100)
        {
            throw new IllegalArgumentException("percentageOfNodesToScore must be in [0, 100]: " + percentage);
        }
        this.percentageOfNodesToScore = percentage;
        return this;
    }

    public int percentageOfNodesToScore()
    {
        return percentageOfNodesToScore;
    }

    /**
     * kube's {@code numFeasibleNodesToFind}: how many feasible nodes a cycle looks for among {@code allNodes} before
     * it stops filtering and scores what it found.
     */
    public static int feasibleNodesToFind(final int percentageOfNodesToScore, final int allNodes)
    {
        if (allNodes < MIN_FEASIBLE_NODES_TO_FIND)
        {
            return allNodes;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage == 0)
        {
            percentage = Math.max(50 - allNodes / 125, MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
        }
        final int nodes = (int)((long)allNodes * percentage / 100);
        return Math.max(nodes, MIN_FEASIBLE_NODES_TO_FIND);
    }

    /**
     * For {@link VectorWarmup}'s small private engine only: a cycle looks for this many feasible nodes (0: kube's
     * number), so that its cycles take the sampled path, which kube's rule never takes under 100 nodes. Such an
     * engine's choices are not kube's.
     */
    SchedulingEngine sampleNodesToFind(final int nodes)
    {
        if (nodes < 0)
        {
            throw new IllegalArgumentException("sampleNodesToFind must be >= 0: " + nodes);
        }
        this.sampleNodesToFind = nodes;
        return this;
    }

    /** Selects the Vector API passes (default) or the scalar reference twins. */
    public SchedulingEngine vector(final boolean useVector)
    {
        this.vector = useVector;
        return this;
    }

    public boolean isVector()
    {
        return vector;
    }

    /**
     * Starts in the scalar twins and switches to the Vector API passes once cycles have swept
     * {@code nodeCycles} node slots in all (cycles times the padded slot limit). Until C2 has compiled them, the
     * Vector API passes run interpreted and allocate a vector per operation, which makes them several times slower
     * than the scalar loops; a short run (a trace of a few thousand pods) is over before that pays back. The twins
     * give the same answers, so the switch changes no decision. 0 (the default) keeps the mode chosen by
     * {@link #vector(boolean)} from the first cycle; the warm-up applies only when the vector passes are selected.
     */
    public SchedulingEngine scalarWarmup(final long nodeCycles)
    {
        if (nodeCycles < 0)
        {
            throw new IllegalArgumentException("scalarWarmup must be >= 0 node cycles: " + nodeCycles);
        }
        this.scalarWarmupNodeCycles = nodeCycles;
        return this;
    }

    /**
     * Starts in the scalar twins and switches to the Vector API passes once {@code vectorReady} says they are
     * compiled (a {@link VectorWarmup} running on a side thread), however many node slots that takes. Replaces a
     * {@link #scalarWarmup} node budget; decisions are the same either way.
     */
    public SchedulingEngine scalarWarmupUntil(final BooleanSupplier vectorReady)
    {
        this.vectorReady = Objects.requireNonNull(vectorReady, "vectorReady");
        this.scalarWarmupNodeCycles = Long.MAX_VALUE;
        return this;
    }

    /** True while a {@link #scalarWarmup} runs the scalar twins in place of the selected vector passes. */
    public boolean inScalarWarmup()
    {
        return vector && sweptNodeCycles < scalarWarmupNodeCycles;
    }

    public NodeTable table()
    {
        return table;
    }

    public PodTable pods()
    {
        return pods;
    }

    public FilterPlugin[] filterPlugins()
    {
        return filters.clone();
    }

    public ScorePlugin[] scorePlugins()
    {
        return scorers.clone();
    }

    public int weight(final int scorer)
    {
        return weights[scorer];
    }

    // ---------------------------------------------------------------- cluster changes

    public int upsertNode(final NodeObject node)
    {
        final int slot = table.upsert(node);
        ensureScratch();
        return slot;
    }

    public boolean removeNode(final String name)
    {
        return table.remove(name);
    }

    /**
     * Accounts a pod that is bound ({@code spec.nodeName} set) on its node, as kube's cache AddPod does; a node not
     * (yet) known gets a ghost slot. Terminal pods are ignored. Returns false if the pod was already accounted.
     */
    public boolean addBoundPod(final PodObject pod)
    {
        if (pod.isTerminal() || !pod.isBound())
        {
            return false;
        }
        requests.compile(pod);
        final int slot = table.slotForPod(pod.nodeName());
        ensureScratch();
        nominator.remove(pod.key()); // bound: kube's queue drops its nomination
        return pods.add(pod, requests, slot);
    }

    /** Removes an accounted pod (deleted, or a forgotten assumption). */
    public boolean removePod(final String key)
    {
        return pods.remove(key) >= 0;
    }

    /**
     * Accounts a pod on a node slot whatever its {@code spec.nodeName} says: preemption's dry runs put back the
     * pods they took off. Returns false if the pod is already accounted.
     */
    public boolean addPodOn(final PodObject pod, final int nodeSlot)
    {
        requests.compile(pod);
        ensureScratch();
        return pods.add(pod, requests, nodeSlot);
    }

    /**
     * Preemption's dry run (kube's {@code RunFilterPluginsWithNominatedPods} on one node): PreFilter for
     * {@code pod} against the current pods, then every active filter on the chunk holding {@code slot} only; first
     * with the pods nominated to the node that are as important as {@code pod} or more accounted there (when there
     * are any), then without them. True when the node passes them all. The last cycle's results are left as they
     * were; call {@link #recompile} before asking {@link #unschedulableReasons} after dry runs.
     */
    public boolean fitsOn(final PodObject pod, final int slot)
    {
        ensureScratch();
        if (!table.isLive(slot))
        {
            return false;
        }
        if (nominator.mayAffect(pod))
        {
            final List<PodObject> nominated = nominator.podsByNode().get(table.name(slot));
            if (nominated != null && failureWithNominated(pod, slot, nominated, null) != 0)
            {
                return false;
            }
        }
        return firstFailingFilter(pod, slot) < 0;
    }

    /** The filter that rejects {@code pod} on {@code slot} (PreFilter against the current pods first), or -1. */
    private int firstFailingFilter(final PodObject pod, final int slot)
    {
        requests.compile(pod);
        final int from = slot / Kernels.LANES * Kernels.LANES;
        final int to = from + Kernels.LANES;
        if (probe.length < to)
        {
            probe = new long[Math.max(to, table.capacity())];
        }
        java.util.Arrays.fill(probe, from, to, 0L);
        for (int k = 0; k < filters.length; k++)
        {
            if (filters[k].preFilter(pod, requests, table))
            {
                runFilter(k, probe, 1L << (k + 1), from, to);
                if (probe[slot] != 0)
                {
                    return k;
                }
            }
        }
        return -1;
    }

    /**
     * kube's addNominatedPods and the first filter pass: the {@code nominated} pods that count against {@code pod}
     * accounted on {@code slot} for the time of one {@link #firstFailingFilter}. Returns the failing plugin's bit
     * (its reasons, read while those pods are there, added to {@code reasons} unless null), or 0 when the node
     * passes or no nominated pod counts.
     */
    private long failureWithNominated(final PodObject pod, final int slot, final List<PodObject> nominated,
        final List<String> reasons)
    {
        final List<PodObject> added = nominatedAdded;
        added.clear();
        for (int i = 0, n = nominated.size(); i < n; i++)
        {
            final PodObject p = nominated.get(i);
            if (Nominator.counts(p, pod))
            {
                requests.compile(p);
                if (pods.add(p, requests, slot))
                {
                    added.add(p);
                }
            }
        }
        if (added.isEmpty())
        {
            return 0;
        }
        try
        {
            final int k = firstFailingFilter(pod, slot);
            if (k >= 0 && reasons != null)
            {
                filters[k].reasons(table, slot, reasons);
            }
            return k < 0 ? 0 : 1L << (k + 1);
        }
        finally
        {
            for (int i = 0, n = added.size(); i < n; i++)
            {
                pods.remove(added.get(i).key());
            }
            added.clear();
        }
    }

    /**
     * The first pass of kube's RunFilterPluginsWithNominatedPods for this cycle, on every node with nominated pods
     * that count against {@code pod}: the nodes that fail it are recorded with that pass's plugin and reasons, and
     * the cycle's filters mark them so ({@link #markNominatedFailures}); the others are filtered as usual, which is
     * the second pass, without those pods.
     */
    private void filterWithNominatedPods(final PodObject pod)
    {
        nominatedFailures = 0;
        if (!nominator.mayAffect(pod))
        {
            return;
        }
        for (final Map.Entry<String, List<PodObject>> e : nominator.podsByNode().entrySet())
        {
            final int slot = table.slotOf(e.getKey());
            if (slot < 0 || !table.isLive(slot))
            {
                continue;
            }
            // the next failure's reasons list, reused from earlier cycles (callers copy what they read)
            if (nominatedFailureReasons.size() == nominatedFailures)
            {
                nominatedFailureReasons.add(new ArrayList<>());
            }
            final List<String> reasons = nominatedFailureReasons.get(nominatedFailures);
            reasons.clear();
            final long bits = failureWithNominated(pod, slot, e.getValue(), reasons);
            if (bits != 0)
            {
                if (nominatedFailures == nominatedFailureSlots.length)
                {
                    nominatedFailureSlots = Arrays.copyOf(nominatedFailureSlots, 2 * nominatedFailures);
                    nominatedFailureBits = Arrays.copyOf(nominatedFailureBits, 2 * nominatedFailures);
                }
                nominatedFailureSlots[nominatedFailures] = slot;
                nominatedFailureBits[nominatedFailures++] = NOMINATED_PODS | bits;
            }
        }
    }

    /** Marks the slots of {@code [from, to)} that failed with their nominated pods: that pass decides them. */
    private void markNominatedFailures(final long[] fail, final int from, final int to)
    {
        for (int i = 0; i < nominatedFailures; i++)
        {
            final int slot = nominatedFailureSlots[i];
            if (slot >= from && slot < to)
            {
                fail[slot] = nominatedFailureBits[i];
            }
        }
    }

    /** The reasons of the first pass with nominated pods on {@code slot} this cycle, or null. */
    private List<String> nominatedFailureReasons(final int slot)
    {
        for (int i = 0; i < nominatedFailures; i++)
        {
            if (nominatedFailureSlots[i] == slot)
            {
                return nominatedFailureReasons.get(i);
            }
        }
        return null;
    }

    /** The keys of the pods nominated to {@code slot}'s node that count against {@code pod}, for explanations. */
    private String nominatedHere(final PodObject pod, final int slot)
    {
        final List<String> keys = new ArrayList<>();
        final List<PodObject> nominated = nominator.podsByNode().get(table.name(slot));
        if (nominated != null)
        {
            for (final PodObject p : nominated)
            {
                if (Nominator.counts(p, pod))
                {
                    keys.add(p.key());
                }
            }
        }
        return String.join(", ", keys);
    }

    /** kube's PodNominator: the pods nominated to nodes, which other pods' cycles filter against. */
    public Nominator nominator()
    {
        return nominator;
    }

    /** PreFilter of every plugin for {@code pod} again, so that reasons describe the current pods. */
    public void recompile(final PodObject pod)
    {
        requests.compile(pod);
        for (int k = 0; k < filters.length; k++)
        {
            filterActive[k] = filters[k].preFilter(pod, requests, table);
        }
        if (current != null)
        {
            current.reasons = null;
        }
    }

    // ---------------------------------------------------------------- scheduling

    /**
     * Schedules one pending pod: returns the chosen node slot with the pod assumed there, or -1 when no node
     * is feasible (then {@link #unschedulableReasons} tells why). A pod with a {@code nominatedNodeName} (set by
     * preemption) takes that node when it passes every filter there, without scoring others (kube's
     * {@code evaluateNominatedNode}); otherwise all nodes are filtered and scored.
     */
    public int schedule(final PodObject pod)
    {
        final int nominated = nominatedSlot(pod);
        if (nominated >= 0 && fitsOn(pod, nominated))
        {
            // kube's evaluateNominatedNode: a pod nominated by preemption takes its node when it passes there (a
            // passing fitsOn compiled this pod last)
            pods.add(pod, requests, nominated);
            nominator.remove(pod.key()); // assumed: kube's DeleteNominatedPodIfExists
            lastFeasible = 1;
            nodesExamined++;
            return nominated;
        }
        final int slot = select(pod, false);
        if (slot >= 0)
        {
            pods.add(pod, requests, slot);
            nominator.remove(pod.key());
        }
        return slot;
    }

    private int nominatedSlot(final PodObject pod)
    {
        final String byNominator = nominator.nodeOf(pod.key());
        final String nominated = byNominator != null ? byNominator : pod.nominatedNodeName();
        if (nominated == null || nominated.isEmpty())
        {
            return -1;
        }
        final int slot = table.slotOf(nominated);
        return slot >= 0 && table.isLive(slot) ? slot : -1;
    }

    /** Runs filter, score and select for a pod without assuming it. Returns the slot or -1. */
    public int selectHost(final PodObject pod)
    {
        return select(pod, false);
    }

    /** Feasible nodes in the last cycle. */
    public int lastFeasibleCount()
    {
        return lastFeasible;
    }

    private int select(final PodObject pod, final boolean scoreAlways)
    {
        return select(pod, scoreAlways, cacheEnabled);
    }

    private int select(final PodObject pod, final boolean scoreAlways, final boolean useCache)
    {
        if (scalarWarmupNodeCycles != 0)
        {
            return selectDuringWarmup(pod, scoreAlways, useCache);
        }
        return selectCycle(pod, scoreAlways, useCache);
    }

    private int selectDuringWarmup(final PodObject pod, final boolean scoreAlways, final boolean useCache)
    {
        final boolean selected = vector;
        if (vectorReady != null && selected && sweptNodeCycles < scalarWarmupNodeCycles && vectorReady.getAsBoolean())
        {
            scalarWarmupNodeCycles = sweptNodeCycles; // the side warm-up is over: vector from this cycle on
        }
        final boolean warming = selected && sweptNodeCycles < scalarWarmupNodeCycles;
        sweptNodeCycles += paddedLimit();
        if (!warming)
        {
            return selectCycle(pod, scoreAlways, useCache);
        }
        vector = false;
        try
        {
            return selectCycle(pod, scoreAlways, useCache);
        }
        finally
        {
            vector = selected;
        }
    }

    private int selectCycle(final PodObject pod, final boolean scoreAlways, final boolean useClassCache)
    {
        ensureScratch();
        filterWithNominatedPods(pod);
        // a class's cached fail bits know nothing of nominations: a cycle that nominated pods change filters afresh
        final boolean useCache = useClassCache && nominatedFailures == 0;
        requests.compile(pod);
        final int limit = paddedLimit();
        lastFilterLimit = limit;
        for (int k = 0; k < filters.length; k++)
        {
            filterActive[k] = filters[k].preFilter(pod, requests, table);
        }
        final int live = table.liveCount();
        final int toFind = scorers.length == 0 ? Math.min(1, live) :
            sampleNodesToFind > 0 ? Math.min(sampleNodesToFind, live) : feasibleNodesToFind(percentageOfNodesToScore, live);
        final boolean sampled = toFind < live;
        final long epoch = table.epoch();
        final boolean podToPod = podAware.length != 0 && readsOtherNodes(pod);
        CycleResults r = useCache ? find(pod, epoch, limit) : null;
        if (sampled && r == null)
        {
            final int slot = selectSampled(pod, scoreAlways, limit, toFind);
            if (useCache && lastFeasible < toFind)
            {
                remember(pod, epoch, limit, podToPod); // a full circle filtered every node: keep the class's bits
            }
            return slot;
        }
        headTo = 0;
        spanFrom = 0;
        spanTo = limit;
        if (r == null)
        {
            r = useCache ? evict() : scratchResults();
            r.reset(pod, epoch, limit);
            if (useCache)
            {
                // scratch results are never looked up again: their versions would be copied for nothing
                CycleResults.snapshot(table.slotVersions().segment(), r.filterVersions, limit);
            }
            runFilters(r.failBits, 0, limit);
            markNominatedFailures(r.failBits, 0, limit);
            System.arraycopy(filterActive, 0, r.filterActive, 0, filters.length);
            lastDirtyChunks = -1;
            recomputePodAware = false;
        }
        else
        {
            refreshFilters(r, limit);
            // pod-aware results that depended on other nodes' pods are stale wherever any pod moved: recompute
            // them on every node, now and once more after the class stops reading other nodes
            recomputePodAware = podToPod || r.podToPod;
            if (recomputePodAware)
            {
                rerunPodAwareFilters(r, limit);
            }
        }
        r.podToPod = podToPod;
        r.lastUse = ++useClock;
        current = r;
        failBits = r.failBits;
        final int feasible = countFeasible(limit);
        if (sampled && feasible >= toFind)
        {
            // the class's cached bits, now fresh, stay for its next full circle; this cycle examines a sample
            return selectSampled(pod, scoreAlways, limit, toFind);
        }
        // fewer feasible nodes than a sample needs: kube examines every node, as this full cycle does
        lastFeasible = feasible;
        nodesExamined += live;
        if (feasible == 0)
        {
            Arrays.fill(scoreActive, false);
            return -1;
        }
        if (feasible == 1 && !scoreAlways)
        {
            return firstFeasible(0, limit);
        }
        runScores(pod, r, limit, scoreAlways);
        return pickBest(0, 0, limit);
    }

    /**
     * kube's findNodesThatPassFilters with fewer nodes to find than there are: examines slots from
     * {@link #nextStartSlot} on, wrapping once, until {@code toFind} passed every filter; filters run block by block
     * over the slots ahead. Those feasible nodes alone are scored; live slots filtered but not examined carry
     * {@link #NOT_EXAMINED}. The next cycle starts after the last slot examined (kube's nextStartNodeIndex).
     */
    private int selectSampled(final PodObject pod, final boolean scoreAlways, final int limit, final int toFind)
    {
        final CycleResults r = scratchResults();
        r.reset(pod, table.epoch(), limit);
        System.arraycopy(filterActive, 0, r.filterActive, 0, filters.length);
        lastDirtyChunks = -1;
        recomputePodAware = false;
        r.lastUse = ++useClock;
        current = r;
        final long[] fail = r.failBits;
        failBits = fail;
        final int slots = table.slotLimit();
        final int start = nextStartSlot < slots ? nextStartSlot : 0;
        final int aligned = start - start % Kernels.LANES;
        int found = 0;
        int examined = 0;
        int cut = -1;
        int end = aligned;
        // slots [start, slots) first
        for (int from = aligned; from < limit && cut < 0; from += SAMPLE_BLOCK)
        {
            end = Math.min(from + SAMPLE_BLOCK, limit);
            runFilters(fail, from, end);
            markNominatedFailures(fail, from, end);
            for (int i = Math.max(from, start), n = Math.min(end, slots); i < n; i++)
            {
                examined += (int)(~fail[i] & NOT_LIVE);
                if (fail[i] == 0 && ++found == toFind)
                {
                    cut = i + 1;
                    break;
                }
            }
        }
        if (cut >= 0)
        {
            headTo = 0;
            spanFrom = aligned;
            spanTo = Math.min(end, alignUp(cut)); // scores stop at the last examined slot's vector, not the block's end
            markNotExamined(fail, aligned, start);
            markNotExamined(fail, cut, end);
        }
        else
        {
            // then [0, start): blocks up to the aligned start, whose tail [aligned, start) is filtered already
            int wrapEnd = 0;
            for (int from = 0; from < aligned && cut < 0; from += SAMPLE_BLOCK)
            {
                wrapEnd = Math.min(from + SAMPLE_BLOCK, aligned);
                runFilters(fail, from, wrapEnd);
                markNominatedFailures(fail, from, wrapEnd);
                for (int i = from; i < wrapEnd; i++)
                {
                    examined += (int)(~fail[i] & NOT_LIVE);
                    if (fail[i] == 0 && ++found == toFind)
                    {
                        cut = i + 1;
                        break;
                    }
                }
            }
            for (int i = aligned; i < start && cut < 0; i++)
            {
                examined += (int)(~fail[i] & NOT_LIVE);
                if (fail[i] == 0 && ++found == toFind)
                {
                    cut = i + 1;
                }
            }
            // what was filtered: [0, wrapEnd) and [aligned, limit); slots between carry NOT_EXAMINED
            headTo = cut >= 0 && cut <= wrapEnd ? Math.min(wrapEnd, alignUp(cut)) : wrapEnd;
            spanFrom = aligned;
            spanTo = limit;
            if (cut >= 0)
            {
                markNotExamined(fail, cut, wrapEnd);
                markUnfiltered(fail, wrapEnd, aligned);
                markNotExamined(fail, Math.max(aligned, cut), start);
            }
        }
        // kube's nextStartNodeIndex: after the last node examined; a full circle leaves it where it was
        nextStartSlot = cut >= 0 ? cut : start;
        lastFeasible = found;
        nodesExamined += examined;
        if (found == 0)
        {
            Arrays.fill(scoreActive, false);
            return -1;
        }
        if (found == 1 && !scoreAlways)
        {
            final int head = firstFeasible(0, headTo);
            return head >= 0 ? head : firstFeasible(spanFrom, spanTo);
        }
        scoreSampled(pod, r, scoreAlways);
        return pickBest(headTo, spanFrom, spanTo);
    }

    /**
     * PreScore, raw scores, NormalizeScore and totals over the slots a sampled cycle filtered. NormalizeScore sees
     * only the feasible examined slots, as kube normalizes over the nodes it scored; a plugin's own normalization
     * of a wrapped cycle runs over every slot, those between the two ranges carrying {@link #NOT_EXAMINED}.
     */
    private void scoreSampled(final PodObject pod, final CycleResults r, final boolean explaining)
    {
        for (int s = 0; s < scorers.length; s++)
        {
            scoreActive[s] = preScore(s, pod, explaining);
            if (scoreActive[s])
            {
                runScore(s, r.rawScores[s], 0, headTo);
                runScore(s, r.rawScores[s], spanFrom, spanTo);
            }
        }
        r.scored = true;
        for (int s = 0; s < scorers.length; s++)
        {
            if (!scoreActive[s])
            {
                continue;
            }
            final ScorePlugin p = scorers[s];
            final long[] raw = r.rawScores[s];
            final long[] out = r.normalized[s];
            switch (p.normalization())
            {
                case NONE -> scoreView[s] = raw;
                case CUSTOM ->
                {
                    final int from = headTo == 0 ? spanFrom : 0;
                    System.arraycopy(raw, from, out, from, spanTo - from);
                    if (vector)
                    {
                        p.normalize(out, failBits, from, spanTo);
                    }
                    else
                    {
                        p.normalizeScalar(out, failBits, from, spanTo);
                    }
                    scoreView[s] = out;
                }
                default ->
                {
                    final boolean reverse = p.normalization() == ScorePlugin.Normalization.DEFAULT_REVERSE;
                    final long max = vector ?
                        Math.max(Kernels.feasibleMax(raw, failBits, 0, headTo), Kernels.feasibleMax(raw, failBits, spanFrom, spanTo)) :
                        Math.max(Kernels.feasibleMaxScalar(raw, failBits, 0, headTo), Kernels.feasibleMaxScalar(raw, failBits, spanFrom, spanTo));
                    normalizeRange(raw, out, 0, headTo, max, reverse);
                    normalizeRange(raw, out, spanFrom, spanTo, max, reverse);
                    scoreView[s] = out;
                }
            }
        }
        totals(r.totals, 0, headTo);
        totals(r.totals, spanFrom, spanTo);
        total = r.totals;
    }

    /**
     * Keeps the fail bits of a sampled cycle that went full circle (every slot filtered, nothing marked) as the
     * class's cached results, so that the class's next failures refresh the changed chunks and reuse their reasons
     * instead of filtering and explaining every node again.
     */
    private void remember(final PodObject pod, final long epoch, final int limit, final boolean podToPod)
    {
        final CycleResults c = evict();
        c.reset(pod, epoch, limit);
        CycleResults.snapshot(table.slotVersions().segment(), c.filterVersions, limit);
        System.arraycopy(failBits, 0, c.failBits, 0, limit);
        System.arraycopy(filterActive, 0, c.filterActive, 0, filters.length);
        c.podToPod = podToPod;
        c.lastUse = ++useClock;
        current = c;
        failBits = c.failBits;
    }

    /** {@code slot} rounded up to a whole vector of slots. */
    private static int alignUp(final int slot)
    {
        return (slot + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
    }

    /** Adds {@link #NOT_EXAMINED} to the filtered slots of {@code [from, to)} that passed or failed. */
    private static void markNotExamined(final long[] fail, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            fail[i] |= NOT_EXAMINED;
        }
    }

    /** Fail bits for slots no filter ran on: not live, or live and not examined. */
    private void markUnfiltered(final long[] fail, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            fail[i] = table.isLive(i) ? NOT_EXAMINED : NOT_LIVE | NOT_EXAMINED;
        }
    }

    private boolean readsOtherNodes(final PodObject pod)
    {
        for (final PodAwarePlugin a : podAware)
        {
            if (a.readsOtherNodes(pod))
            {
                return true;
            }
        }
        return false;
    }

    private void rerunPodAwareFilters(final CycleResults r, final int limit)
    {
        for (int k = 0; k < filters.length; k++)
        {
            if (filterPodAware[k] && filterActive[k])
            {
                final long bit = 1L << (k + 1);
                clearBit(r.failBits, bit, limit);
                runFilter(k, r.failBits, bit, 0, limit);
                r.reasons = null;
            }
        }
    }

    private CycleResults find(final PodObject pod, final long epoch, final int limit)
    {
        for (final CycleResults r : cache)
        {
            if (r != null && r.capacity() >= limit && r.matches(pod, epoch, limit))
            {
                return r;
            }
        }
        return null;
    }

    private CycleResults evict()
    {
        int victim = 0;
        for (int i = 0; i < cache.length; i++)
        {
            if (cache[i] == null || cache[i].capacity() < table.capacity())
            {
                cache[i] = new CycleResults(table.capacity(), filters.length, scorers.length);
                return cache[i];
            }
            if (cache[i].lastUse < cache[victim].lastUse)
            {
                victim = i;
            }
        }
        return cache[victim];
    }

    private CycleResults scratchResults()
    {
        if (uncached == null || uncached.capacity() < table.capacity())
        {
            uncached = new CycleResults(table.capacity(), filters.length, scorers.length);
        }
        return uncached;
    }

    /** Brings a cached class's fail bits up to date: filters whose Skip changed, then the changed chunks. */
    private void refreshFilters(final CycleResults r, final int limit)
    {
        for (int k = 0; k < filters.length; k++)
        {
            if (filterActive[k] != r.filterActive[k])
            {
                final long bit = 1L << (k + 1);
                if (filterActive[k])
                {
                    runFilter(k, r.failBits, bit, 0, limit);
                }
                else
                {
                    clearBit(r.failBits, bit, limit);
                }
                r.filterActive[k] = filterActive[k];
                r.reasons = null;
            }
        }
        final int n = CycleResults.dirtyChunks(table.slotVersions().segment(), r.filterVersions, limit, dirty);
        for (int c = 0; c < n; c++)
        {
            runFilters(r.failBits, dirty[c], dirty[c] + Kernels.LANES);
        }
        if (n > 0)
        {
            r.reasons = null;
        }
        lastDirtyChunks = n;
    }

    private static void clearBit(final long[] bits, final long bit, final int limit)
    {
        for (int i = 0; i < limit; i++)
        {
            bits[i] &= ~bit;
        }
    }

    private int paddedLimit()
    {
        return alignUp(table.slotLimit());
    }

    /** Live mask, then every active filter, over {@code [from, to)}. */
    private void runFilters(final long[] fail, final int from, final int to)
    {
        final LongColumn flags = table.flags();
        if (vector)
        {
            final var seg = flags.segment();
            for (int i = from; i < to; i += Kernels.LANES)
            {
                final LongVector f = LongVector.fromMemorySegment(Kernels.LONGS, seg, (long)i << 3, Kernels.ORDER);
                final VectorMask<Long> dead = f.and(NodeTable.FLAG_LIVE).compare(VectorOperators.EQ, 0L);
                LongVector.zero(Kernels.LONGS).blend(NOT_LIVE, dead).intoArray(fail, i);
            }
        }
        else
        {
            for (int i = from; i < to; i++)
            {
                fail[i] = (flags.get(i) & NodeTable.FLAG_LIVE) == 0 ? NOT_LIVE : 0;
            }
        }
        for (int k = 0; k < filters.length; k++)
        {
            if (filterActive[k])
            {
                runFilter(k, fail, 1L << (k + 1), from, to);
            }
        }
    }

    private void runFilter(final int k, final long[] fail, final long bit, final int from, final int to)
    {
        if (vector)
        {
            filters[k].filter(table, fail, bit, from, to);
        }
        else
        {
            filters[k].filterScalar(table, fail, bit, from, to);
        }
    }

    private int countFeasible(final int limit)
    {
        int n = 0;
        if (vector)
        {
            for (int i = 0; i < limit; i += Kernels.LANES)
            {
                n += LongVector.fromArray(Kernels.LONGS, failBits, i).compare(VectorOperators.EQ, 0L).trueCount();
            }
        }
        else
        {
            for (int i = 0; i < limit; i++)
            {
                if (failBits[i] == 0)
                {
                    n++;
                }
            }
        }
        return n;
    }

    private int firstFeasible(final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (failBits[i] == 0)
            {
                return i;
            }
        }
        return -1;
    }

    /**
     * PreScore, raw scores (all slots for a new class, the changed chunks for a cached one), NormalizeScore and
     * the weighted totals. For a cached class whose feasible max did not move, normalized scores and totals are
     * updated in the changed chunks only, which gives the same numbers as recomputing them everywhere.
     */
    private void runScores(final PodObject pod, final CycleResults r, final int limit, final boolean explaining)
    {
        for (int s = 0; s < scorers.length; s++)
        {
            scoreActive[s] = preScore(s, pod, explaining);
        }
        boolean everything = !r.scored;
        int n = 0;
        if (!r.scored)
        {
            if (r != uncached)
            {
                CycleResults.snapshot(table.slotVersions().segment(), r.scoreVersions, limit);
            }
            for (int s = 0; s < scorers.length; s++)
            {
                if (scoreActive[s])
                {
                    runScore(s, r.rawScores[s], 0, limit);
                }
            }
            System.arraycopy(scoreActive, 0, r.scoreActive, 0, scorers.length);
            r.scored = true;
        }
        else
        {
            for (int s = 0; s < scorers.length; s++)
            {
                if (scoreActive[s] != r.scoreActive[s])
                {
                    everything = true;
                    if (scoreActive[s])
                    {
                        runScore(s, r.rawScores[s], 0, limit);
                    }
                    r.scoreActive[s] = scoreActive[s];
                }
            }
            n = CycleResults.dirtyChunks(table.slotVersions().segment(), r.scoreVersions, limit, dirty);
            if (recomputePodAware)
            {
                for (int s = 0; s < scorers.length; s++)
                {
                    if (scorePodAware[s] && scoreActive[s])
                    {
                        runScore(s, r.rawScores[s], 0, limit);
                        everything = true;
                    }
                }
            }
            for (int c = 0; c < n; c++)
            {
                for (int s = 0; s < scorers.length; s++)
                {
                    if (scoreActive[s])
                    {
                        runScore(s, r.rawScores[s], dirty[c], dirty[c] + Kernels.LANES);
                    }
                }
            }
        }
        for (int s = 0; s < scorers.length; s++)
        {
            if (scoreActive[s])
            {
                everything |= normalize(s, r, limit, everything, n);
            }
        }
        if (everything)
        {
            totals(r.totals, 0, limit);
        }
        else
        {
            for (int c = 0; c < n; c++)
            {
                totals(r.totals, dirty[c], dirty[c] + Kernels.LANES);
            }
        }
        total = r.totals;
    }

    /**
     * PreScore of plugin {@code s}: whether the cycle scores with it. A {@link ScorePlugin#uniform} plugin adds the
     * same to every feasible node's total, so only an explanation (which shows every plugin's scores) runs it.
     */
    private boolean preScore(final int s, final PodObject pod, final boolean explaining)
    {
        return scorers[s].preScore(pod, requests, table) && (explaining || !scorers[s].uniform());
    }

    /** NormalizeScore of plugin {@code s}; returns true when it rewrote every slot. */
    private boolean normalize(final int s, final CycleResults r, final int limit, final boolean everything, final int dirtyCount)
    {
        final ScorePlugin p = scorers[s];
        final long[] raw = r.rawScores[s];
        final long[] out = r.normalized[s];
        switch (p.normalization())
        {
            case NONE ->
            {
                scoreView[s] = raw;
                return false;
            }
            case CUSTOM ->
            {
                System.arraycopy(raw, 0, out, 0, limit);
                if (vector)
                {
                    p.normalize(out, failBits, limit);
                }
                else
                {
                    p.normalizeScalar(out, failBits, limit);
                }
                scoreView[s] = out;
                return true;
            }
            default ->
            {
                final boolean reverse = p.normalization() == ScorePlugin.Normalization.DEFAULT_REVERSE;
                final long max = vector ? Kernels.feasibleMax(raw, failBits, limit) : Kernels.feasibleMaxScalar(raw, failBits, limit);
                scoreView[s] = out;
                if (everything || max != r.normalizedMax[s])
                {
                    r.normalizedMax[s] = max;
                    normalizeRange(raw, out, 0, limit, max, reverse);
                    return true;
                }
                for (int c = 0; c < dirtyCount; c++)
                {
                    normalizeRange(raw, out, dirty[c], dirty[c] + Kernels.LANES, max, reverse);
                }
                return false;
            }
        }
    }

    private void normalizeRange(final long[] raw, final long[] out, final int from, final int to, final long max, final boolean reverse)
    {
        if (from >= to)
        {
            return;
        }
        if (vector)
        {
            Kernels.normalizeWithMax(raw, out, from, to, max, reverse);
        }
        else
        {
            Kernels.normalizeWithMaxScalar(raw, out, from, to, max, reverse);
        }
    }

    /** Weighted totals over {@code [from, to)}: one accumulate sub-pass per active score plugin. */
    private void totals(final long[] t, final int from, final int to)
    {
        if (from >= to)
        {
            return; // see runScore
        }
        if (vector)
        {
            java.util.Arrays.fill(t, from, to, 0L);
            for (int s = 0; s < scorers.length; s++)
            {
                if (scoreActive[s])
                {
                    accumulate(t, scoreView[s], weights[s], from, to);
                }
            }
        }
        else
        {
            for (int i = from; i < to; i++)
            {
                long acc = 0;
                for (int s = 0; s < scorers.length; s++)
                {
                    if (scoreActive[s])
                    {
                        acc += scoreView[s][i] * weights[s];
                    }
                }
                t[i] = acc;
            }
        }
    }

    private static void accumulate(final long[] t, final long[] scores, final long weight, final int from, final int to)
    {
        for (int i = from; i < to; i += Kernels.LANES)
        {
            LongVector.fromArray(Kernels.LONGS, t, i).add(LongVector.fromArray(Kernels.LONGS, scores, i).mul(weight)).intoArray(t, i);
        }
    }

    private void runScore(final int s, final long[] out, final int from, final int to)
    {
        if (from >= to)
        {
            return; // a sampled cycle's head is mostly empty; a pass's loop compiled for that would trap
        }
        if (vector)
        {
            scorers[s].score(table, out, from, to);
        }
        else
        {
            scorers[s].scoreScalar(table, out, from, to);
        }
    }

    /** The best feasible slot of {@code [0, headTo)} and {@code [from, to)}, ties drawn in slot order. */
    private int pickBest(final int headTo, final int from, final int to)
    {
        return vector ? pickBestVector(headTo, from, to) : pickBestScalar(headTo, from, to);
    }

    /** Max total over feasible slots, number of ties, one seeded draw among them, found chunk by chunk. */
    private int pickBestVector(final int headTo, final int from, final int to)
    {
        final long max = Math.max(maxFeasibleTotal(0, headTo), maxFeasibleTotal(from, to));
        final int headTies = countTies(0, headTo, max);
        final int headFirst = firstTieChunk;
        final int ties = headTies + countTies(from, to, max);
        final int pick = ties == 1 ? 0 : nextInt(ties);
        // the common single winner is in the first chunk holding the max
        return pick < headTies ? nthTie(headFirst, headTo, max, pick) : nthTie(firstTieChunk, to, max, pick - headTies);
    }

    private long maxFeasibleTotal(final int from, final int to)
    {
        final long[] fail = failBits;
        final long[] t = total;
        LongVector maxV = LongVector.broadcast(Kernels.LONGS, Long.MIN_VALUE);
        for (int i = from; i < to; i += Kernels.LANES)
        {
            final VectorMask<Long> ok = LongVector.fromArray(Kernels.LONGS, fail, i).compare(VectorOperators.EQ, 0L);
            maxV = maxV.max(LongVector.fromArray(Kernels.LONGS, t, i).blend(Long.MIN_VALUE, ok.not()));
        }
        return maxV.reduceLanes(VectorOperators.MAX);
    }

    /** Feasible slots of {@code [from, to)} whose total is {@code max}; leaves the first such chunk in {@link #firstTieChunk}. */
    private int countTies(final int from, final int to, final long max)
    {
        int ties = 0;
        firstTieChunk = to;
        for (int i = from; i < to; i += Kernels.LANES)
        {
            final int c = LongVector.fromArray(Kernels.LONGS, total, i).compare(VectorOperators.EQ, max)
                .and(LongVector.fromArray(Kernels.LONGS, failBits, i).compare(VectorOperators.EQ, 0L)).trueCount();
            if (c != 0 && ties == 0)
            {
                firstTieChunk = i;
            }
            ties += c;
        }
        return ties;
    }

    private int nthTie(final int from, final int to, final long max, final int nth)
    {
        final long[] fail = failBits;
        final long[] t = total;
        int pick = nth;
        for (int i = from; i < to; i += Kernels.LANES)
        {
            final int c = LongVector.fromArray(Kernels.LONGS, t, i).compare(VectorOperators.EQ, max)
                .and(LongVector.fromArray(Kernels.LONGS, fail, i).compare(VectorOperators.EQ, 0L)).trueCount();
            if (pick < c)
            {
                for (int slot = i; ; slot++)
                {
                    if (fail[slot] == 0 && t[slot] == max && pick-- == 0)
                    {
                        return slot;
                    }
                }
            }
            pick -= c;
        }
        throw new IllegalStateException("tie selection fell through");
    }

    private int pickBestScalar(final int headTo, final int from, final int to)
    {
        long max = Long.MIN_VALUE;
        int ties = 0;
        for (int k = 0; k < 2; k++)
        {
            for (int i = k == 0 ? 0 : from, end = k == 0 ? headTo : to; i < end; i++)
            {
                if (failBits[i] == 0)
                {
                    if (total[i] > max)
                    {
                        max = total[i];
                        ties = 1;
                    }
                    else if (total[i] == max)
                    {
                        ties++;
                    }
                }
            }
        }
        int pick = ties == 1 ? 0 : nextInt(ties);
        for (int k = 0; k < 2; k++)
        {
            for (int i = k == 0 ? 0 : from, end = k == 0 ? headTo : to; i < end; i++)
            {
                if (failBits[i] == 0 && total[i] == max && pick-- == 0)
                {
                    return i;
                }
            }
        }
        throw new IllegalStateException("tie selection fell through");
    }

    /** SplitMix64, seeded: reproducible tie breaks without allocation. */
    private int nextInt(final int bound)
    {
        long z = (rngState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int)Math.floorMod(z, (long)bound);
    }

    // ---------------------------------------------------------------- explanations

    /**
     * Why a pod fits where it does: for every live node, feasibility, kube's reasons from the first filter that
     * rejects it, per-plugin normalized scores and the weighted total (scored even when one node is feasible).
     * Does not assume the pod. Allocates; meant for people, not the hot path.
     */
    public Explanation explain(final PodObject pod)
    {
        final int startSlot = nextStartSlot;
        final long examinedBefore = nodesExamined;
        final int selected = select(pod, true, false);
        nextStartSlot = startSlot; // explaining is not a scheduling cycle: the next one starts where it would have
        nodesExamined = examinedBefore;
        completeOutsideSpan();
        final int limit = lastFilterLimit;
        final List<Explanation.NodeResult> results = new ArrayList<>();
        for (int slot = 0; slot < limit; slot++)
        {
            if ((failBits[slot] & NOT_LIVE) != 0)
            {
                continue;
            }
            final boolean ok = failBits[slot] == 0;
            final List<String> reasons = new ArrayList<>();
            String failedPlugin = null;
            if (!ok && (failBits[slot] & NOT_EXAMINED) != 0)
            {
                reasons.add("not examined: " + lastFeasible + " feasible nodes were found first (percentageOfNodesToScore)");
            }
            else if (!ok)
            {
                final int k = Long.numberOfTrailingZeros(failBits[slot] & ~NOT_LIVE) - 1;
                failedPlugin = filters[k].name();
                final List<String> withNominated = (failBits[slot] & NOMINATED_PODS) != 0 ?
                    nominatedFailureReasons(slot) : null;
                if (withNominated != null)
                {
                    reasons.addAll(withNominated);
                    reasons.add("counting the pods nominated to this node: " + nominatedHere(pod, slot));
                }
                else
                {
                    filters[k].reasons(table, slot, reasons);
                }
            }
            final Map<String, Long> byPlugin = new LinkedHashMap<>();
            if (ok)
            {
                for (int s = 0; s < scorers.length; s++)
                {
                    byPlugin.put(scorers[s].name(), scoreActive[s] ? scoreView[s][slot] : 0L);
                }
            }
            results.add(new Explanation.NodeResult(table.name(slot), ok, failedPlugin, reasons, byPlugin, ok ? total[slot] : null));
        }
        return new Explanation(pod.key(), selected < 0 ? null : table.name(selected), results);
    }

    /**
     * After a failed {@link #schedule}: kube's FitError counts, reason string to number of nodes, taking each
     * node's reasons from the first filter that rejected it.
     */
    public Map<String, Integer> unschedulableReasons()
    {
        if (current != null && current.reasons != null && current.failBits == failBits)
        {
            return current.reasons; // same class, no fail bit rewritten since: the same answer
        }
        completeOutsideSpan(); // a no-op after a failed cycle: that one examined every node
        // counted without boxing, then handed out in the order the reasons first appeared (slot order)
        final ObjectIntHashMap<String> counts = reasonCounts;
        final List<String> order = reasonOrder;
        final List<String> reasons = reasonScratch;
        counts.clear();
        order.clear();
        for (int slot = 0; slot < lastFilterLimit; slot++)
        {
            final long bits = failBits[slot];
            if ((bits & (NOT_LIVE | NOT_EXAMINED)) != 0 || bits == 0)
            {
                continue;
            }
            final int k = Long.numberOfTrailingZeros(bits) - 1;
            reasons.clear();
            final List<String> withNominated = (bits & NOMINATED_PODS) != 0 ? nominatedFailureReasons(slot) : null;
            if (withNominated != null)
            {
                reasons.addAll(withNominated);
            }
            else
            {
                filters[k].reasons(table, slot, reasons);
            }
            for (int i = 0, n = reasons.size(); i < n; i++)
            {
                final String r = reasons.get(i);
                if (counts.addToValue(r, 1) == 1)
                {
                    order.add(r);
                }
            }
        }
        final Map<String, Integer> ordered = new LinkedHashMap<>();
        for (int i = 0, n = order.size(); i < n; i++)
        {
            ordered.put(order.get(i), counts.get(order.get(i)));
        }
        final Map<String, Integer> result = java.util.Collections.unmodifiableMap(ordered);
        if (current != null && current.failBits == failBits)
        {
            current.reasons = result;
        }
        return result;
    }

    /**
     * The fail bits of the last cycle (bit 0: not live; bit k+1: filter k; {@link #NOT_EXAMINED}: a sampled cycle
     * did not look at the slot), for tests.
     */
    public long[] lastFailBits()
    {
        completeOutsideSpan();
        return Arrays.copyOf(failBits, lastFilterLimit);
    }

    /** Raw per-plugin normalized scores of the last scored cycle (0 where it did not score), for tests. */
    public long[] lastScores(final int scorer)
    {
        return scoreActive[scorer] ? spanOnly(scoreView[scorer]) : new long[lastFilterLimit];
    }

    /** Weighted totals of the last scored cycle (0 where it did not score), for tests. */
    public long[] lastTotals()
    {
        return spanOnly(total);
    }

    /**
     * Live nodes examined by every scheduling cycle so far, summed (kube's per-cycle EvaluatedNodes: every node for
     * a full cycle, those up to the last feasible node needed for a sampled one, 1 for a nominated node).
     */
    public long nodesExamined()
    {
        return nodesExamined;
    }

    /** Index of the slot the next sampled cycle starts examining at (kube's nextStartNodeIndex). */
    public int nextStartSlot()
    {
        return nextStartSlot;
    }

    private long[] spanOnly(final long[] values)
    {
        final long[] copy = new long[lastFilterLimit];
        System.arraycopy(values, 0, copy, 0, headTo);
        System.arraycopy(values, spanFrom, copy, spanFrom, Math.min(spanTo, lastFilterLimit) - spanFrom);
        return copy;
    }

    /** Fail bits outside the last sampled cycle's span, which it never wrote: not live, or not examined. */
    private void completeOutsideSpan()
    {
        if (failBits != null && (spanFrom > headTo || spanTo < lastFilterLimit))
        {
            markUnfiltered(failBits, headTo, spanFrom);
            markUnfiltered(failBits, spanTo, lastFilterLimit);
        }
    }

    private void ensureScratch()
    {
        if (dirty.length < table.capacity() / Kernels.LANES + 1)
        {
            allocateScratch(table.capacity());
        }
    }

    private void allocateScratch(final int capacity)
    {
        failBits = new long[capacity];
        total = new long[capacity];
        dirty = new int[capacity / Kernels.LANES + 1];
    }
}
