package io.berth.sched.plugins.interpodaffinity;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;


import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodAwarePlugin;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.WeightedPodAffinityTerm;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.SegmentArray;

/**
 * kube's InterPodAffinity (filtering.go, scoring.go, plugin.go of v1.33/1.34).
 * <p>
 * Filter: the node must have every topology key of the pod's required affinity terms and, in each, a domain
 * holding a pod that matches all those terms (unless no such pod exists anywhere and the pod matches its own
 * terms: the first pod of a group); no pod matching one of the pod's required anti-affinity terms may be in the
 * node's domain of that term; and no existing pod whose required anti-affinity term matches the pod may be in the
 * node's domain of that term. Score: per topology key and domain, the signed weights of the pod's preferred terms
 * times the matching pods there, plus the weights of existing pods' preferred terms (and required affinity terms,
 * weight 1) that match the pod; a node sums its domains; kube's min-max NormalizeScore.
 * <p>
 * Data layout: the pods' terms are interned. For the incoming pod's terms, a {@link Counter} per (terms that must
 * all match, topology key) holds the matching pods per domain (label value id); for existing pods' terms, an
 * {@link ExistingTerm} per (term, topology key) holds the pods per domain. {@link #podAdded}/{@link #podRemoved}
 * keep them up to date; they are rebuilt from the plugin's own list of accounted pods when the node table's epoch
 * moves (node labels may have changed). Per cycle, {@link #preFilter} and {@link #preScore} turn them into one
 * {@code long[]} per topology key indexed by value id + 1 (index 0: label absent); the passes gather from those
 * with the node's value id ({@code LongVector.fromArray} with an index map), OR-ing fail bits or summing scores.
 * <p>
 * Namespaces (for namespace selectors) come through {@link #setNamespaces}. Label key and value syntax of
 * selectors is not checked (kube's API validation rejects such pods first).
 */
public final class InterPodAffinity implements FilterPlugin, ScorePlugin, PodAwarePlugin
{
    public static final String NAME = "InterPodAffinity";
    /** kube's ErrReasonAffinityRulesNotMatch. */
    public static final String REASON_AFFINITY = "node(s) didn't match pod affinity rules";
    /** kube's ErrReasonAntiAffinityRulesNotMatch. */
    public static final String REASON_ANTI_AFFINITY = "node(s) didn't match pod anti-affinity rules";
    /** kube's ErrReasonExistingAntiAffinityRulesNotMatch. */
    public static final String REASON_EXISTING_ANTI_AFFINITY = "node(s) didn't satisfy existing pods anti-affinity rules";
    /** kube's default InterPodAffinityArgs.hardPodAffinityWeight. */
    public static final long HARD_POD_AFFINITY_WEIGHT = 1;

    static final long BIT_AFFINITY = 1;
    static final long BIT_ANTI_AFFINITY = 2;
    static final long BIT_EXISTING_ANTI_AFFINITY = 4;
    private static final int COMPILE_CACHE_LIMIT = 4096;
    private static final ExistingTerm[] NO_TERMS = new ExistingTerm[0];
    private static final boolean[] NO_FLAGS = new boolean[0];
    private static final long[] NO_WEIGHTS = new long[0];

    // ---------------------------------------------------------------- namespaces
    private final Map<String, Map<String, String>> namespaceLabels = new HashMap<>();
    private int namespaceVersion;

    // ---------------------------------------------------------------- interned terms and their counters
    private final Map<MatcherKey, TermMatcher> matchers = new HashMap<>();
    private final Map<CounterKey, Counter> counterIndex = new HashMap<>();
    private Counter[] counters = new Counter[8];
    private int counterCount;
    private Counter[] pending = new Counter[8];
    private int pendingCount;
    /** Counters by a label their terms require (most are {@code app=x}): a pod updates only those it can match. */
    private final Map<String, Map<String, List<Counter>>> countersByLabel = new HashMap<>();
    private final List<Counter> unindexedCounters = new ArrayList<>();
    private final java.util.function.BiConsumer<String, String> applyCountersForLabel = this::applyCountersForLabel;
    private PodEntry applyingEntry;
    private int applyingSign;
    private NodeTable applyingTable;
    private final Map<ExistingKey, ExistingTerm> existingIndex = new HashMap<>();
    private ExistingTerm[] existing = new ExistingTerm[8];
    private int existingCount;
    /** The last entry compiled or reused: the next pod of the same workload shares its interned terms. */
    private PodEntry lastEntry;
    private final Map<String, Map<String, List<ExistingTerm>>> termsByLabel = new HashMap<>();
    private final List<ExistingTerm> unindexedTerms = new ArrayList<>();
    private final java.util.function.BiConsumer<String, String> candidatesForLabel = this::addCandidatesForLabel;
    private ExistingTerm[] candidateTerms = new ExistingTerm[16];
    private int candidateCount;

    // ---------------------------------------------------------------- accounted pods
    /** Index in {@link #entries} by pod table slot, -1 for none (the engine's pod slot: no map keyed by pod key). */
    private int[] entryAtPodSlot = newEntryIndex(64, new int[0]);
    /**
     * Accounted pods by label, built when the first counter that requires a label is interned, so that a new
     * counter starts from the pods carrying its label instead of every pod. Removed pods leave lazily.
     */
    private final Map<String, Map<String, EntryList>> entriesByLabel = new HashMap<>();
    private boolean entriesIndexed;
    private final java.util.function.BiConsumer<String, String> indexEntryLabel = this::indexEntryLabel;
    private final java.util.function.BiConsumer<String, String> unindexEntryLabel = this::unindexEntryLabel;
    private PodEntry indexingEntry;
    private PodEntry[] entries = new PodEntry[64];
    private int entryCount;
    private int podsWithTerms;
    private long builtEpoch;
    private boolean stale = true;

    // ---------------------------------------------------------------- compiled incoming pods
    private final Map<TemplateKey, Compiled> compiledByTemplate = new HashMap<>();
    private final TemplateKey probe = new TemplateKey();
    private PodObject lastPod;
    private Compiled lastCompiled;
    private int lastNamespaceVersion;

    // ---------------------------------------------------------------- cycle state
    private final KeyArrays filterKeys = new KeyArrays();
    private final KeyArrays scoreKeys = new KeyArrays();
    private String parseError;
    private boolean affinityFailAll;
    private final int[] gatherIndex = new int[2 * Kernels.LANES];
    private final SegmentArray segments = new SegmentArray(4);

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 2;
    }

    /**
     * The cluster's namespaces, for namespace selectors: the incoming pod's terms list the namespaces whose labels
     * match (kube's mergeAffinityTermNamespacesIfNotEmpty), existing pods' terms are matched against the labels
     * of the incoming pod's namespace (none when unknown). Replaces the previous set.
     */
    public void setNamespaces(final Collection<NamespaceObject> namespaces)
    {
        namespaceLabels.clear();
        for (final NamespaceObject ns : namespaces)
        {
            namespaceLabels.put(ns.name(), ns.labels());
        }
        namespaceVersion++;
        compiledByTemplate.clear();
        lastPod = null;
    }

    // ---------------------------------------------------------------- PodAwarePlugin

    public void podAdded(final PodObject pod, final int podSlot, final int slot, final NodeTable table)
    {
        final PodEntry e = entry(pod, podSlot, slot);
        if (entryCount == entries.length)
        {
            entries = Arrays.copyOf(entries, entryCount * 2);
        }
        if (podSlot >= entryAtPodSlot.length)
        {
            entryAtPodSlot = newEntryIndex(Math.max(podSlot + 1, entryAtPodSlot.length * 2), entryAtPodSlot);
        }
        if (entryAtPodSlot[podSlot] >= 0)
        {
            throw new IllegalStateException("pod slot " + podSlot + " already holds " +
                entries[entryAtPodSlot[podSlot]].pod.key() + ", cannot add " + pod.key());
        }
        entryAtPodSlot[podSlot] = entryCount;
        entries[entryCount++] = e;
        if (entriesIndexed)
        {
            indexingEntry = e;
            pod.labels().forEach(indexEntryLabel);
            indexingEntry = null;
        }
        if (e.hasTerms)
        {
            podsWithTerms++;
        }
        if (!stale && table.epoch() == builtEpoch)
        {
            apply(e, 1, table);
        }
        else
        {
            stale = true;
        }
    }

    public void podRemoved(final PodObject pod, final int podSlot, final int slot, final NodeTable table)
    {
        final int at = podSlot < entryAtPodSlot.length ? entryAtPodSlot[podSlot] : -1;
        if (at < 0)
        {
            return;
        }
        entryAtPodSlot[podSlot] = -1;
        final PodEntry e = entries[at];
        final PodEntry last = entries[--entryCount];
        entries[entryCount] = null;
        if (at != entryCount)
        {
            entries[at] = last;
            entryAtPodSlot[last.podSlot] = at;
        }
        if (entriesIndexed)
        {
            e.pod.labels().forEach(unindexEntryLabel);
        }
        if (e.hasTerms)
        {
            podsWithTerms--;
        }
        if (!stale && table.epoch() == builtEpoch)
        {
            apply(e, -1, table);
        }
        else
        {
            stale = true;
        }
    }

    public boolean readsOtherNodes(final PodObject pod)
    {
        return podsWithTerms > 0 || !pod.podAffinity().isEmpty() || !pod.podAntiAffinity().isEmpty();
    }

    /** Accounted pods that have pod (anti-)affinity terms. */
    public int podsWithTerms()
    {
        return podsWithTerms;
    }

    // ---------------------------------------------------------------- filter

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final Compiled c = compile(pod);
        ensureFresh(table);
        filterKeys.reset(table.labelValues().size() + 1);
        parseError = c.error;
        affinityFailAll = false;
        if (c.error != null)
        {
            return true;
        }
        final Map<String, String> nsLabels = namespaceLabels.get(pod.namespace());
        boolean existingAnti = false;
        final int candidates = collectCandidates(pod);
        for (int i = 0; i < candidates; i++)
        {
            final ExistingTerm t = candidateTerms[i];
            final DomainCounts anti = t.antiPods;
            if (anti.size() == 0 || !t.matcher.matches(pod, nsLabels))
            {
                continue;
            }
            final int keyId = table.labelKeys().find(t.topologyKey);
            if (table.labelValueColumn(keyId) == null)
            {
                continue;
            }
            existingAnti = true;
            final long[] bits = filterKeys.get(keyId);
            for (int d = 0, n = anti.size(); d < n; d++)
            {
                bits[anti.domain(d) + 1] |= BIT_EXISTING_ANTI_AFFINITY;
            }
        }
        final Counter[] affinity = c.affinity;
        if (affinity.length > 0)
        {
            boolean none = true;
            for (final Counter k : affinity)
            {
                none &= k.counts.totalRefs() == 0;
            }
            final boolean firstOfGroup = none && c.selfMatch;
            for (final Counter k : affinity)
            {
                final int keyId = table.labelKeys().find(k.topologyKey);
                if (table.labelValueColumn(keyId) == null)
                {
                    affinityFailAll = true;
                    continue;
                }
                final long[] bits = filterKeys.get(keyId);
                bits[0] |= BIT_AFFINITY;
                if (!firstOfGroup)
                {
                    for (int v = 1, n = filterKeys.length; v < n; v++)
                    {
                        bits[v] |= BIT_AFFINITY;
                    }
                    final DomainCounts counts = k.counts;
                    for (int d = 0, n = counts.size(); d < n; d++)
                    {
                        bits[counts.domain(d) + 1] &= ~BIT_AFFINITY;
                    }
                }
            }
        }
        for (final Counter k : c.antiAffinity)
        {
            final DomainCounts counts = k.counts;
            final int keyId = table.labelKeys().find(k.topologyKey);
            if (counts.size() == 0 || table.labelValueColumn(keyId) == null)
            {
                continue;
            }
            final long[] bits = filterKeys.get(keyId);
            for (int d = 0, n = counts.size(); d < n; d++)
            {
                bits[counts.domain(d) + 1] |= BIT_ANTI_AFFINITY;
            }
        }
        return affinity.length > 0 || c.antiAffinity.length > 0 || existingAnti;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        if (parseError != null || affinityFailAll)
        {
            failAll(failBits, failBit, from, to);
            return;
        }
        final int n = bind(filterKeys, table);
        if (n == 0)
        {
            return;
        }
        final SegmentArray segs = segments;
        final long[][] arrays = filterKeys.arrays;
        final int[] index = gatherIndex;
        // key by key (a node fails when any key's domain bits are set): no vector carried across an inner loop and
        // no helper taking vectors, either of which C2 may leave boxed
        for (int k = 0; k < n; k++)
        {
            final long[] values = arrays[k];
            final MemorySegment column = segs.get(k);
            for (int slot = from; slot < to; slot += Kernels.LANES)
            {
                ((IntVector)Kernels.load(column, slot).convert(VectorOperators.L2I, 0)).intoArray(index, 0);
                final VectorMask<Long> fails = LongVector.fromArray(Kernels.LONGS, values, 1, index, 0)
                    .compare(VectorOperators.NE, 0L);
                LongVector.fromArray(Kernels.LONGS, failBits, slot)
                    .or(((LongVector)fails.toVector()).and(failBit)).intoArray(failBits, slot);
            }
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        if (parseError != null || affinityFailAll)
        {
            failAll(failBits, failBit, from, to);
            return;
        }
        final int n = filterKeys.count;
        for (int slot = from; slot < to; slot++)
        {
            if (bitsAt(table, slot, n) != 0)
            {
                failBits[slot] |= failBit;
            }
        }
    }

    /** kube's status of the first of its three checks (affinity, anti-affinity, existing pods') that fails. */
    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        if (parseError != null)
        {
            out.add(parseError);
            return;
        }
        final long bits = bitsAt(table, slot, filterKeys.count);
        if (affinityFailAll || (bits & BIT_AFFINITY) != 0)
        {
            out.add(REASON_AFFINITY);
        }
        else if ((bits & BIT_ANTI_AFFINITY) != 0)
        {
            out.add(REASON_ANTI_AFFINITY);
        }
        else if ((bits & BIT_EXISTING_ANTI_AFFINITY) != 0)
        {
            out.add(REASON_EXISTING_ANTI_AFFINITY);
        }
    }

    /**
     * kube: unmet required affinity (and a broken term) is {@code UnschedulableAndUnresolvable}; the pod's own
     * anti-affinity and existing pods' anti-affinity are {@code Unschedulable}, which preemption may cure.
     */
    @Override
    public boolean preemptionMayHelp(final NodeTable table, final int slot)
    {
        if (parseError != null || affinityFailAll)
        {
            return false;
        }
        return (bitsAt(table, slot, filterKeys.count) & BIT_AFFINITY) == 0;
    }

    private long bitsAt(final NodeTable table, final int slot, final int n)
    {
        long bits = 0;
        for (int k = 0; k < n; k++)
        {
            final long[] a = filterKeys.arrays[k];
            final int index = (int)table.labelValueColumn(filterKeys.keyIds[k]).get(slot) + 1;
            bits |= index < a.length ? a[index] : 0;
        }
        return bits;
    }

    private static void failAll(final long[] failBits, final long failBit, final int from, final int to)
    {
        for (int slot = from; slot < to; slot++)
        {
            failBits[slot] |= failBit;
        }
    }

    // ---------------------------------------------------------------- score

    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final Compiled c = compile(pod);
        ensureFresh(table);
        scoreKeys.reset(table.labelValues().size() + 1);
        if (c.error != null)
        {
            return false;
        }
        boolean any = false;
        for (int i = 0; i < c.preferred.length; i++)
        {
            final DomainCounts counts = c.preferred[i].counts;
            final int keyId = table.labelKeys().find(c.preferred[i].topologyKey);
            if (counts.size() == 0 || table.labelValueColumn(keyId) == null)
            {
                continue;
            }
            final long weight = c.preferredWeights[i];
            final long[] sums = scoreKeys.get(keyId);
            for (int d = 0, n = counts.size(); d < n; d++)
            {
                final int domain = counts.domain(d);
                sums[domain + 1] += weight * counts.valueAt(d);
            }
            any = true;
        }
        final Map<String, String> nsLabels = namespaceLabels.get(pod.namespace());
        final int candidates = collectCandidates(pod);
        for (int i = 0; i < candidates; i++)
        {
            final ExistingTerm t = candidateTerms[i];
            final DomainCounts weights = t.weights;
            if (weights.size() == 0 || !t.matcher.matches(pod, nsLabels))
            {
                continue;
            }
            final int keyId = table.labelKeys().find(t.topologyKey);
            if (table.labelValueColumn(keyId) == null)
            {
                continue;
            }
            final long[] sums = scoreKeys.get(keyId);
            for (int d = 0, n = weights.size(); d < n; d++)
            {
                final int domain = weights.domain(d);
                sums[domain + 1] += weights.valueAt(d);
            }
            any = true;
        }
        return any;
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final int n = bind(scoreKeys, table);
        if (n == 0)
        {
            Arrays.fill(scores, from, to, 0L);
            return;
        }
        final SegmentArray segs = segments;
        final long[][] arrays = scoreKeys.arrays;
        final int[] index = gatherIndex;
        // key by key into the scores (see filter: nothing carried across an inner loop, no vector helper calls)
        for (int k = 0; k < n; k++)
        {
            final long[] values = arrays[k];
            final MemorySegment column = segs.get(k);
            if (k == 0)
            {
                for (int slot = from; slot < to; slot += Kernels.LANES)
                {
                    ((IntVector)Kernels.load(column, slot).convert(VectorOperators.L2I, 0)).intoArray(index, 0);
                    LongVector.fromArray(Kernels.LONGS, values, 1, index, 0).intoArray(scores, slot);
                }
                continue;
            }
            for (int slot = from; slot < to; slot += Kernels.LANES)
            {
                ((IntVector)Kernels.load(column, slot).convert(VectorOperators.L2I, 0)).intoArray(index, 0);
                LongVector.fromArray(Kernels.LONGS, values, 1, index, 0)
                    .add(LongVector.fromArray(Kernels.LONGS, scores, slot)).intoArray(scores, slot);
            }
        }
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final int n = scoreKeys.count;
        for (int slot = from; slot < to; slot++)
        {
            long sum = 0;
            for (int k = 0; k < n; k++)
            {
                sum += scoreKeys.arrays[k][(int)table.labelValueColumn(scoreKeys.keyIds[k]).get(slot) + 1];
            }
            scores[slot] = sum;
        }
    }

    public Normalization normalization()
    {
        return Normalization.CUSTOM;
    }

    /**
     * kube's NormalizeScore: min and max over the feasible nodes, then
     * {@code int64(float64(MaxNodeScore) * (float64(score - min) / float64(max - min)))}, or 0 when all are equal.
     */
    public void normalize(final long[] scores, final long[] failBits, final int from, final int to)
    {
        LongVector maxV = LongVector.broadcast(Kernels.LONGS, Long.MIN_VALUE);
        LongVector minV = LongVector.broadcast(Kernels.LONGS, Long.MAX_VALUE);
        for (int i = from; i < to; i += Kernels.LANES)
        {
            final VectorMask<Long> infeasible = Kernels.feasible(failBits, i).not();
            final LongVector s = LongVector.fromArray(Kernels.LONGS, scores, i);
            maxV = maxV.max(s.blend(Long.MIN_VALUE, infeasible));
            minV = minV.min(s.blend(Long.MAX_VALUE, infeasible));
        }
        final long max = maxV.reduceLanes(VectorOperators.MAX);
        final long min = minV.reduceLanes(VectorOperators.MIN);
        if (max < min)
        {
            return;
        }
        final long diff = max - min;
        if (diff <= 0)
        {
            Arrays.fill(scores, from, to, 0L);
            return;
        }
        final DoubleVector diffV = DoubleVector.broadcast(Kernels.DOUBLES, (double)diff);
        for (int i = from; i < to; i += Kernels.LANES)
        {
            final DoubleVector shifted =
                (DoubleVector)LongVector.fromArray(Kernels.LONGS, scores, i).sub(min).convert(VectorOperators.L2D, 0);
            final DoubleVector f = shifted.div(diffV).mul((double)Kernels.MAX_NODE_SCORE);
            ((LongVector)f.convert(VectorOperators.D2L, 0)).intoArray(scores, i);
        }
    }

    public void normalizeScalar(final long[] scores, final long[] failBits, final int from, final int to)
    {
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (int i = from; i < to; i++)
        {
            if (failBits[i] == 0)
            {
                max = Math.max(max, scores[i]);
                min = Math.min(min, scores[i]);
            }
        }
        if (max < min)
        {
            return;
        }
        final long diff = max - min;
        for (int i = from; i < to; i++)
        {
            double f = 0;
            if (diff > 0)
            {
                f = (double)Kernels.MAX_NODE_SCORE * ((double)(scores[i] - min) / (double)diff);
            }
            scores[i] = (long)f;
        }
    }

    // ---------------------------------------------------------------- passes

    /** Binds the key arrays' columns for a pass; returns the number of keys. */
    private int bind(final KeyArrays keys, final NodeTable table)
    {
        final int n = keys.count;
        segments.ensureCapacity(n);
        for (int k = 0; k < n; k++)
        {
            segments.set(k, table.labelValueColumn(keys.keyIds[k]).segment());
        }
        return n;
    }

    // ---------------------------------------------------------------- counters

    private void ensureFresh(final NodeTable table)
    {
        if (!stale && table.epoch() == builtEpoch)
        {
            // counters interned since the last call start from the pods accounted now
            for (int i = 0; i < pendingCount; i++)
            {
                startCounter(pending[i], table);
                pending[i] = null;
            }
            pendingCount = 0;
            return;
        }
        for (int i = 0; i < pendingCount; i++)
        {
            pending[i] = null;
        }
        pendingCount = 0;
        clearCounts();
        for (int e = 0; e < entryCount; e++)
        {
            apply(entries[e], 1, table);
        }
        builtEpoch = table.epoch();
        stale = false;
    }

    /** Empties every counter and existing term (before they are counted again from the accounted pods). */
    private void clearCounts()
    {
        for (int i = 0; i < counterCount; i++)
        {
            counters[i].counts.clear();
        }
        for (int i = 0; i < existingCount; i++)
        {
            existing[i].antiPods.clear();
            existing[i].weights.clear();
        }
    }

    private void apply(final PodEntry e, final int sign, final NodeTable table)
    {
        for (int i = 0, n = unindexedCounters.size(); i < n; i++)
        {
            applyCounter(unindexedCounters.get(i), e, sign, table);
        }
        if (!countersByLabel.isEmpty())
        {
            applyingEntry = e;
            applyingSign = sign;
            applyingTable = table;
            e.pod.labels().forEach(applyCountersForLabel);
            applyingEntry = null;
            applyingTable = null;
        }
        applyTerms(e, sign, table);
    }

    /** The entry's own terms (existing anti-affinity and preferred weights per domain). */
    private static void applyTerms(final PodEntry e, final int sign, final NodeTable table)
    {
        final ExistingTerm[] terms = e.terms;
        for (int i = 0; i < terms.length; i++)
        {
            final ExistingTerm t = terms[i];
            final int domain = domain(table, t.topologyKey, e.slot);
            if (domain < 0)
            {
                continue;
            }
            if (e.anti[i])
            {
                t.antiPods.add(domain, sign, sign);
            }
            else
            {
                t.weights.add(domain, sign * e.weights[i], sign);
            }
        }
    }

    private void applyCountersForLabel(final String key, final String value)
    {
        final List<Counter> list = indexed(countersByLabel, key, value);
        if (list == null)
        {
            return;
        }
        for (int i = 0, n = list.size(); i < n; i++)
        {
            applyCounter(list.get(i), applyingEntry, applyingSign, applyingTable);
        }
    }

    /** A counter interned since the last cycle starts from the accounted pods that can match it. */
    private void startCounter(final Counter c, final NodeTable table)
    {
        if (c.requiredLabel == null)
        {
            if (!c.matchesNothing)
            {
                for (int e = 0; e < entryCount; e++)
                {
                    applyCounter(c, entries[e], 1, table);
                }
            }
            return;
        }
        if (!entriesIndexed)
        {
            for (int e = 0; e < entryCount; e++)
            {
                indexingEntry = entries[e];
                entries[e].pod.labels().forEach(indexEntryLabel);
            }
            indexingEntry = null;
            entriesIndexed = true;
        }
        final EntryList list = indexed(entriesByLabel, c.requiredLabel[0], c.requiredLabel[1]);
        if (list == null)
        {
            return;
        }
        list.compact(entries, entryAtPodSlot);
        for (int i = 0; i < list.size; i++)
        {
            applyCounter(c, list.entries[i], 1, table);
        }
    }

    private void indexEntryLabel(final String key, final String value)
    {
        entriesByLabel.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(value, v -> new EntryList())
            .add(indexingEntry, entries, entryAtPodSlot);
    }

    private void unindexEntryLabel(final String key, final String value)
    {
        final EntryList list = indexed(entriesByLabel, key, value);
        if (list != null)
        {
            list.removed++;
        }
    }

    private static void applyCounter(final Counter c, final PodEntry e, final int sign, final NodeTable table)
    {
        if (c.matchesAll(e.pod))
        {
            final int domain = domain(table, c.topologyKey, e.slot);
            if (domain >= 0)
            {
                c.counts.add(domain, sign, sign);
            }
        }
    }

    /** The value id of the node's label {@code key}, or -1 when absent. */
    private static int domain(final NodeTable table, final String key, final int slot)
    {
        final LongColumn column = table.labelValueColumn(table.labelKeys().find(key));
        return column == null ? -1 : (int)column.get(slot);
    }

    private Counter counter(final List<MatcherKey> conjunction, final String topologyKey)
    {
        final CounterKey key = new CounterKey(conjunction, topologyKey);
        Counter c = counterIndex.get(key);
        if (c == null)
        {
            final TermMatcher[] terms = new TermMatcher[conjunction.size()];
            for (int i = 0; i < terms.length; i++)
            {
                terms[i] = matcher(conjunction.get(i));
            }
            c = new Counter(terms, topologyKey);
            counterIndex.put(key, c);
            if (c.requiredLabel != null)
            {
                countersByLabel.computeIfAbsent(c.requiredLabel[0], k -> new HashMap<>())
                    .computeIfAbsent(c.requiredLabel[1], v -> new ArrayList<>()).add(c);
            }
            else if (!c.matchesNothing)
            {
                unindexedCounters.add(c);
            }
            if (counterCount == counters.length)
            {
                counters = Arrays.copyOf(counters, counterCount * 2);
            }
            counters[counterCount++] = c;
            if (pendingCount == pending.length)
            {
                pending = Arrays.copyOf(pending, pendingCount * 2);
            }
            pending[pendingCount++] = c;
        }
        return c;
    }

    private ExistingTerm existingTerm(final MatcherKey m, final String topologyKey)
    {
        final ExistingKey key = new ExistingKey(m, topologyKey);
        ExistingTerm t = existingIndex.get(key);
        if (t == null)
        {
            t = new ExistingTerm(matcher(m), topologyKey);
            existingIndex.put(key, t);
            if (existingCount == existing.length)
            {
                existing = Arrays.copyOf(existing, existingCount * 2);
            }
            existing[existingCount++] = t;
            indexTerm(t);
        }
        return t;
    }

    /**
     * Existing terms are indexed by a label their selector requires exactly (most are {@code app=x}), so that an
     * incoming pod visits only the terms that can match it: those indexed under one of its labels, and the few
     * that require no exact label. Terms whose selector matches nothing are left out.
     */
    private void indexTerm(final ExistingTerm t)
    {
        final LabelMatcher selector = t.matcher.selector();
        if (selector.matchesNothing())
        {
            return;
        }
        final String[] label = selector.requiredLabel();
        if (label == null)
        {
            unindexedTerms.add(t);
            return;
        }
        termsByLabel.computeIfAbsent(label[0], k -> new HashMap<>())
            .computeIfAbsent(label[1], v -> new ArrayList<>()).add(t);
    }

    /** Fills {@link #candidateTerms} with the existing terms that may match {@code pod}; returns how many. */
    private int collectCandidates(final PodObject pod)
    {
        candidateCount = 0;
        for (int i = 0, n = unindexedTerms.size(); i < n; i++)
        {
            addCandidate(unindexedTerms.get(i));
        }
        if (!termsByLabel.isEmpty())
        {
            pod.labels().forEach(candidatesForLabel);
        }
        return candidateCount;
    }

    private void addCandidatesForLabel(final String key, final String value)
    {
        final List<ExistingTerm> terms = indexed(termsByLabel, key, value);
        if (terms == null)
        {
            return;
        }
        for (int i = 0, n = terms.size(); i < n; i++)
        {
            addCandidate(terms.get(i));
        }
    }

    /** What a label index holds under {@code key=value}, or null. */
    private static <T> T indexed(final Map<String, Map<String, T>> index, final String key, final String value)
    {
        final Map<String, T> byValue = index.get(key);
        return byValue == null ? null : byValue.get(value);
    }

    private void addCandidate(final ExistingTerm t)
    {
        if (candidateCount == candidateTerms.length)
        {
            candidateTerms = Arrays.copyOf(candidateTerms, candidateCount * 2);
        }
        candidateTerms[candidateCount++] = t;
    }

    private TermMatcher matcher(final MatcherKey key)
    {
        TermMatcher m = matchers.get(key);
        if (m == null)
        {
            try
            {
                m = new TermMatcher(LabelMatcher.compile(key.selector()), key.namespaces(),
                    LabelMatcher.compile(key.namespaceSelector()));
            }
            catch (final LabelMatcher.InvalidSelectorException ex)
            {
                throw new IllegalStateException(ex.getMessage(), ex);
            }
            matchers.put(key, m);
        }
        return m;
    }

    // ---------------------------------------------------------------- compiling pods

    /** The existing pod's terms (kube's PodInfo of a pod in the cache), interned. */
    private PodEntry entry(final PodObject pod, final int podSlot, final int slot)
    {
        final PodAffinity aff = pod.podAffinity();
        final PodAffinity anti = pod.podAntiAffinity();
        final boolean hasTerms = !aff.isEmpty() || !anti.isEmpty();
        if (!hasTerms)
        {
            return new PodEntry(pod, podSlot, slot, false, NO_TERMS, NO_FLAGS, NO_WEIGHTS);
        }
        // pods of one workload carry equal terms: their interned terms are compiled once (labels take part only
        // when a term reads them through matchLabelKeys / mismatchLabelKeys)
        final PodEntry last = lastEntry;
        if (last != null && last.hasTerms() && last.pod().namespace().equals(pod.namespace()) &&
            last.pod().podAffinity().equals(aff) && last.pod().podAntiAffinity().equals(anti) &&
            (!readsLabelKeys(aff) && !readsLabelKeys(anti) || last.pod().labels().equals(pod.labels())))
        {
            lastEntry = new PodEntry(pod, podSlot, slot, true, last.terms(), last.anti(), last.weights());
            return lastEntry;
        }
        lastEntry = compileEntry(pod, podSlot, slot, aff, anti);
        return lastEntry;
    }

    private static boolean readsLabelKeys(final PodAffinity affinity)
    {
        for (int i = 0, n = affinity.required().size(); i < n; i++)
        {
            final PodAffinityTerm t = affinity.required().get(i);
            if (!t.matchLabelKeys().isEmpty() || !t.mismatchLabelKeys().isEmpty())
            {
                return true;
            }
        }
        for (int i = 0, n = affinity.preferred().size(); i < n; i++)
        {
            final PodAffinityTerm t = affinity.preferred().get(i).term();
            if (!t.matchLabelKeys().isEmpty() || !t.mismatchLabelKeys().isEmpty())
            {
                return true;
            }
        }
        return false;
    }

    private PodEntry compileEntry(
        final PodObject pod, final int podSlot, final int slot, final PodAffinity aff, final PodAffinity anti)
    {
        final List<ExistingTerm> terms = new ArrayList<>();
        final List<Boolean> antiFlags = new ArrayList<>();
        final List<Long> weights = new ArrayList<>();
        // kube parses each list as a whole: a list with a term it cannot parse is dropped
        final List<MatcherKey> requiredAnti = existingKeys(pod, anti.required());
        if (requiredAnti != null)
        {
            for (int i = 0; i < requiredAnti.size(); i++)
            {
                terms.add(existingTerm(requiredAnti.get(i), anti.required().get(i).topologyKey()));
                antiFlags.add(true);
                weights.add(0L);
            }
        }
        final List<MatcherKey> requiredAff = existingKeys(pod, aff.required());
        if (requiredAff != null)
        {
            for (int i = 0; i < requiredAff.size(); i++)
            {
                terms.add(existingTerm(requiredAff.get(i), aff.required().get(i).topologyKey()));
                antiFlags.add(false);
                weights.add(HARD_POD_AFFINITY_WEIGHT);
            }
        }
        addPreferred(pod, aff.preferred(), 1, terms, antiFlags, weights);
        addPreferred(pod, anti.preferred(), -1, terms, antiFlags, weights);
        final boolean[] a = new boolean[antiFlags.size()];
        final long[] w = new long[weights.size()];
        for (int i = 0; i < a.length; i++)
        {
            a[i] = antiFlags.get(i);
            w[i] = weights.get(i);
        }
        return new PodEntry(pod, podSlot, slot, true, terms.toArray(new ExistingTerm[0]), a, w);
    }

    private void addPreferred(
        final PodObject pod,
        final List<WeightedPodAffinityTerm> preferred,
        final int sign,
        final List<ExistingTerm> terms,
        final List<Boolean> antiFlags,
        final List<Long> weights)
    {
        final List<PodAffinityTerm> plain = new ArrayList<>(preferred.size());
        for (final WeightedPodAffinityTerm w : preferred)
        {
            plain.add(w.term());
        }
        final List<MatcherKey> keys = existingKeys(pod, plain);
        if (keys == null)
        {
            return;
        }
        for (int i = 0; i < keys.size(); i++)
        {
            terms.add(existingTerm(keys.get(i), plain.get(i).topologyKey()));
            antiFlags.add(false);
            weights.add((long)sign * preferred.get(i).weight());
        }
    }

    /** Matcher keys of an existing pod's terms, or null when kube fails to parse one of them. */
    private static List<MatcherKey> existingKeys(final PodObject pod, final List<PodAffinityTerm> terms)
    {
        final List<MatcherKey> keys = new ArrayList<>(terms.size());
        for (final PodAffinityTerm t : terms)
        {
            final LabelSelector selector = mergeLabelKeys(t, pod.labels());
            try
            {
                LabelMatcher.compile(selector);
                LabelMatcher.compile(t.namespaceSelector());
            }
            catch (final LabelMatcher.InvalidSelectorException ex)
            {
                return null;
            }
            keys.add(new MatcherKey(selector, termNamespaces(pod, t), t.namespaceSelector()));
        }
        return keys;
    }

    private Compiled compile(final PodObject pod)
    {
        if (pod == lastPod && lastNamespaceVersion == namespaceVersion)
        {
            return lastCompiled;
        }
        probe.set(pod);
        Compiled c = compiledByTemplate.get(probe);
        if (c == null)
        {
            c = build(pod);
            if (compiledByTemplate.size() >= COMPILE_CACHE_LIMIT)
            {
                compiledByTemplate.clear();
            }
            compiledByTemplate.put(probe.copy(), c);
        }
        lastPod = pod;
        lastCompiled = c;
        lastNamespaceVersion = namespaceVersion;
        return c;
    }

    /** kube's PodInfo of the incoming pod with namespace selectors merged into the namespaces, interned. */
    private Compiled build(final PodObject pod)
    {
        final List<String> errors = new ArrayList<>();
        final PodAffinity aff = pod.podAffinity();
        final PodAffinity anti = pod.podAntiAffinity();
        final List<MatcherKey> requiredAff = incomingKeys(pod, aff.required(), "requiredAffinityTerms", errors);
        final List<MatcherKey> requiredAnti = incomingKeys(pod, anti.required(), "requiredAntiAffinityTerms", errors);
        final List<MatcherKey> preferredAff = incomingKeys(pod, terms(aff.preferred()), "preferredAffinityTerms", errors);
        final List<MatcherKey> preferredAnti =
            incomingKeys(pod, terms(anti.preferred()), "preferredAntiAffinityTerms", errors);
        if (!errors.isEmpty())
        {
            final String message = errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]";
            return new Compiled("parsing pod: " + message, new Counter[0], false, new Counter[0], new Counter[0], new long[0]);
        }
        final Set<String> affinityKeys = new LinkedHashSet<>();
        for (final PodAffinityTerm t : aff.required())
        {
            affinityKeys.add(t.topologyKey());
        }
        final List<Counter> affinity = new ArrayList<>();
        for (final String key : affinityKeys)
        {
            affinity.add(counter(requiredAff, key));
        }
        boolean selfMatch = !requiredAff.isEmpty();
        for (final MatcherKey k : requiredAff)
        {
            selfMatch &= matcher(k).matches(pod, null);
        }
        final Counter[] antiCounters = new Counter[requiredAnti.size()];
        for (int i = 0; i < antiCounters.length; i++)
        {
            antiCounters[i] = counter(List.of(requiredAnti.get(i)), anti.required().get(i).topologyKey());
        }
        final int np = preferredAff.size() + preferredAnti.size();
        final Counter[] preferred = new Counter[np];
        final long[] weights = new long[np];
        for (int i = 0; i < preferredAff.size(); i++)
        {
            final WeightedPodAffinityTerm w = aff.preferred().get(i);
            preferred[i] = counter(List.of(preferredAff.get(i)), w.term().topologyKey());
            weights[i] = w.weight();
        }
        for (int i = 0; i < preferredAnti.size(); i++)
        {
            final WeightedPodAffinityTerm w = anti.preferred().get(i);
            preferred[preferredAff.size() + i] = counter(List.of(preferredAnti.get(i)), w.term().topologyKey());
            weights[preferredAff.size() + i] = -w.weight();
        }
        return new Compiled(null, affinity.toArray(new Counter[0]), selfMatch, antiCounters, preferred, weights);
    }

    private static List<PodAffinityTerm> terms(final List<WeightedPodAffinityTerm> weighted)
    {
        final List<PodAffinityTerm> terms = new ArrayList<>(weighted.size());
        for (final WeightedPodAffinityTerm w : weighted)
        {
            terms.add(w.term());
        }
        return terms;
    }

    /**
     * Matcher keys of the incoming pod's terms: kube's newAffinityTerm, then mergeAffinityTermNamespacesIfNotEmpty
     * (a non-empty namespace selector becomes the names of the namespaces it selects; an empty one stays and
     * selects every namespace). Null, with an error added, when a term does not parse.
     */
    private List<MatcherKey> incomingKeys(
        final PodObject pod, final List<PodAffinityTerm> terms, final String what, final List<String> errors)
    {
        final List<MatcherKey> keys = new ArrayList<>(terms.size());
        for (final PodAffinityTerm t : terms)
        {
            final LabelSelector selector = mergeLabelKeys(t, pod.labels());
            final LabelMatcher nsMatcher;
            try
            {
                LabelMatcher.compile(selector);
                nsMatcher = LabelMatcher.compile(t.namespaceSelector());
            }
            catch (final LabelMatcher.InvalidSelectorException ex)
            {
                errors.add(what + ": " + ex.getMessage());
                return null;
            }
            final Set<String> names = new HashSet<>(termNamespaces(pod, t));
            LabelSelector nsSelector = null;
            if (t.namespaceSelector() != null && t.namespaceSelector().isEmpty())
            {
                nsSelector = LabelSelector.EMPTY;
            }
            else if (t.namespaceSelector() != null)
            {
                for (final Map.Entry<String, Map<String, String>> ns : namespaceLabels.entrySet())
                {
                    if (nsMatcher.matches(ns.getValue()))
                    {
                        names.add(ns.getKey());
                    }
                }
            }
            keys.add(new MatcherKey(selector, Set.copyOf(names), nsSelector));
        }
        return keys;
    }

    /** kube's getNamespacesFromPodAffinityTerm. */
    private static Set<String> termNamespaces(final PodObject pod, final PodAffinityTerm t)
    {
        if (t.namespaces().isEmpty() && t.namespaceSelector() == null)
        {
            return Set.of(pod.namespace());
        }
        return Set.copyOf(t.namespaces());
    }

    /**
     * kube-apiserver's matchLabelKeys / mismatchLabelKeys merge (done at pod creation): for each key the pod has,
     * {@code key In (value)} or {@code key NotIn (value)} is added to a non-null label selector.
     */
    static LabelSelector mergeLabelKeys(final PodAffinityTerm t, final Map<String, String> labels)
    {
        final LabelSelector selector = t.labelSelector();
        if (selector == null || (t.matchLabelKeys().isEmpty() && t.mismatchLabelKeys().isEmpty()))
        {
            return selector;
        }
        final List<LabelSelectorRequirement> exprs = new ArrayList<>(selector.matchExpressions());
        for (final String key : t.matchLabelKeys())
        {
            final String v = labels.get(key);
            if (v != null)
            {
                exprs.add(new LabelSelectorRequirement(key, "In", List.of(v)));
            }
        }
        for (final String key : t.mismatchLabelKeys())
        {
            final String v = labels.get(key);
            if (v != null)
            {
                exprs.add(new LabelSelectorRequirement(key, "NotIn", List.of(v)));
            }
        }
        return new LabelSelector(selector.matchLabels(), exprs);
    }

    // ---------------------------------------------------------------- for tests

    /**
     * Test hook: the per-domain counts of every counter and existing term, as text, after bringing them up to
     * date, so that tests can compare incremental counters with counters rebuilt from scratch.
     */
    String countersSnapshot(final NodeTable table)
    {
        ensureFresh(table);
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < counterCount; i++)
        {
            sb.append("c").append(i).append(describe(counters[i].counts));
        }
        for (int i = 0; i < existingCount; i++)
        {
            sb.append("e").append(i).append(describe(existing[i].antiPods)).append(describe(existing[i].weights));
        }
        return sb.toString();
    }

    /**
     * Test hook: rebuilds every counter and term the slow way, matching every counter against every accounted pod
     * (no label index), and returns {@link #countersSnapshot}: what the indexed, incremental counters must equal.
     */
    String countersRebuiltByScan(final NodeTable table)
    {
        ensureFresh(table);
        clearCounts();
        for (int e = 0; e < entryCount; e++)
        {
            for (int i = 0; i < counterCount; i++)
            {
                applyCounter(counters[i], entries[e], 1, table);
            }
            applyTerms(entries[e], 1, table);
        }
        return countersSnapshot(table);
    }

    /** Test hook: forces a rebuild from the plugin's list of accounted pods at the next use. */
    void invalidate()
    {
        stale = true;
    }

    private static String describe(final DomainCounts counts)
    {
        final int[] ds = new int[counts.size()];
        for (int i = 0; i < ds.length; i++)
        {
            ds[i] = counts.domain(i);
        }
        Arrays.sort(ds);
        final StringBuilder sb = new StringBuilder("{");
        for (final int d : ds)
        {
            sb.append(d).append('=').append(counts.value(d)).append(',');
        }
        return sb.append('}').toString();
    }

    // ---------------------------------------------------------------- types

    /** Interning key of a term's pod matcher: merged label selector, namespaces, namespace selector (nullable). */
    private record MatcherKey(LabelSelector selector, Set<String> namespaces, LabelSelector namespaceSelector)
    {
    }

    private record CounterKey(List<MatcherKey> conjunction, String topologyKey)
    {
    }

    private record ExistingKey(MatcherKey matcher, String topologyKey)
    {
    }

    /** Pods matching all of {@code terms}, per domain of {@code topologyKey}. */
    private static final class Counter
    {
        final TermMatcher[] terms;
        final String topologyKey;
        final DomainCounts counts = new DomainCounts();
        /** A label every pod it counts carries (key, value), or null when its terms require none exactly. */
        final String[] requiredLabel;
        /** No pod can match (no terms, or a selector that matches nothing). */
        final boolean matchesNothing;

        Counter(final TermMatcher[] terms, final String topologyKey)
        {
            this.terms = terms;
            this.topologyKey = topologyKey;
            boolean nothing = terms.length == 0;
            String[] label = null;
            for (final TermMatcher t : terms)
            {
                nothing |= t.selector().matchesNothing();
                if (label == null)
                {
                    label = t.selector().requiredLabel();
                }
            }
            this.matchesNothing = nothing;
            this.requiredLabel = nothing ? null : label;
        }

        /** kube's podMatchesAllAffinityTerms (namespace selectors already merged: no namespace labels). */
        boolean matchesAll(final PodObject pod)
        {
            for (final TermMatcher t : terms)
            {
                if (!t.matches(pod, null))
                {
                    return false;
                }
            }
            return terms.length > 0;
        }
    }

    /** An existing pod's term: pods having it as required anti-affinity, and the score weights, per domain. */
    private static final class ExistingTerm
    {
        final TermMatcher matcher;
        final String topologyKey;
        final DomainCounts antiPods = new DomainCounts();
        final DomainCounts weights = new DomainCounts();

        ExistingTerm(final TermMatcher matcher, final String topologyKey)
        {
            this.matcher = matcher;
            this.topologyKey = topologyKey;
        }
    }

    /** An accounted pod, its node slot and its interned terms. */
    private record PodEntry(
        PodObject pod, int podSlot, int slot, boolean hasTerms, ExistingTerm[] terms, boolean[] anti, long[] weights)
    {
    }

    /** An entry index of {@code length} slots, -1 (none) except for what {@code from} held. */
    private static int[] newEntryIndex(final int length, final int[] from)
    {
        final int[] index = Arrays.copyOf(from, length);
        Arrays.fill(index, from.length, length, -1);
        return index;
    }

    /**
     * Accounted pods carrying one label, appended as they are added; removed ones are only counted and dropped
     * by {@link #compact} (an entry is live while its pod slot still points at that very entry).
     */
    private static final class EntryList
    {
        PodEntry[] entries = new PodEntry[4];
        int size;
        int removed;

        void add(final PodEntry e, final PodEntry[] live, final int[] entryAtPodSlot)
        {
            if (removed > 16 && removed > size / 2)
            {
                compact(live, entryAtPodSlot);
            }
            if (size == entries.length)
            {
                entries = Arrays.copyOf(entries, size * 2);
            }
            entries[size++] = e;
        }

        void compact(final PodEntry[] live, final int[] entryAtPodSlot)
        {
            if (removed == 0)
            {
                return;
            }
            int kept = 0;
            for (int i = 0; i < size; i++)
            {
                final PodEntry e = entries[i];
                final int at = e.podSlot < entryAtPodSlot.length ? entryAtPodSlot[e.podSlot] : -1;
                if (at >= 0 && live[at] == e)
                {
                    entries[kept++] = e;
                }
            }
            Arrays.fill(entries, kept, size, null);
            size = kept;
            removed = 0;
        }
    }

    /** The incoming pod compiled. */
    private record Compiled(
        String error, Counter[] affinity, boolean selfMatch, Counter[] antiAffinity, Counter[] preferred,
        long[] preferredWeights)
    {
    }

    /** Per-cycle arrays, one per topology key, indexed by label value id + 1. */
    private static final class KeyArrays
    {
        int count;
        int length;
        int[] keyIds = new int[4];
        long[][] arrays = new long[4][];

        void reset(final int length)
        {
            this.count = 0;
            this.length = length;
        }

        long[] get(final int keyId)
        {
            for (int k = 0; k < count; k++)
            {
                if (keyIds[k] == keyId)
                {
                    return arrays[k];
                }
            }
            if (count == keyIds.length)
            {
                keyIds = Arrays.copyOf(keyIds, count * 2);
                arrays = Arrays.copyOf(arrays, count * 2);
            }
            long[] a = arrays[count];
            if (a == null || a.length < length)
            {
                a = new long[Math.max(length, 64)];
                arrays[count] = a;
            }
            else
            {
                Arrays.fill(a, 0, length, 0L);
            }
            keyIds[count++] = keyId;
            return a;
        }
    }

    /** Compile cache key: the pod fields the compiled form depends on. */
    private static final class TemplateKey
    {
        String namespace;
        Map<String, String> labels;
        PodAffinity affinity;
        PodAffinity antiAffinity;

        void set(final PodObject pod)
        {
            namespace = pod.namespace();
            labels = pod.labels();
            affinity = pod.podAffinity();
            antiAffinity = pod.podAntiAffinity();
        }

        TemplateKey copy()
        {
            final TemplateKey k = new TemplateKey();
            k.namespace = namespace;
            k.labels = labels;
            k.affinity = affinity;
            k.antiAffinity = antiAffinity;
            return k;
        }

        public boolean equals(final Object o)
        {
            return o instanceof TemplateKey k && namespace.equals(k.namespace) && labels.equals(k.labels) &&
                affinity.equals(k.affinity) && antiAffinity.equals(k.antiAffinity);
        }

        public int hashCode()
        {
            return ((namespace.hashCode() * 31 + labels.hashCode()) * 31 + affinity.hashCode()) * 31 +
                antiAffinity.hashCode();
        }
    }
}
