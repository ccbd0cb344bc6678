package io.berth.sched.plugins.podtopologyspread;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import java.util.function.BiConsumer;

import org.eclipse.collections.api.block.procedure.primitive.IntLongProcedure;
import org.eclipse.collections.api.block.procedure.primitive.IntProcedure;
import org.eclipse.collections.api.iterator.IntIterator;
import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntLongHashMap;
import org.eclipse.collections.impl.set.mutable.primitive.IntHashSet;

import io.berth.sched.model.PodObject;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;

/**
 * The incremental state of PodTopologySpread: interned selectors (namespace + effective label selector), and per
 * selector the matching pods per node slot, kept up to date on every pod accounted or forgotten. A selector whose pods
 * are on few nodes keeps them sparse (it costs what its pods do, not a column of the whole table) and is read as a
 * dense column through one of a few views kept for the selectors read last ({@link #perNode}); one whose pods are on
 * more than 1/{@value #DENSE_FRACTION} of the slots keeps a dense column of its own, as cheap to read as to keep, until
 * they are on fewer than a quarter of that (a workload scaled down or gone). Domain
 * counts are folded from these columns per incoming pod ({@link PodTopologySpread}), because which nodes count
 * (their topology keys, the pod's node affinity and tolerations under the inclusion policies) depends on the pod.
 * Terminating pods ({@code deletionTimestamp} set) are never counted, as kube's {@code countPodsMatchSelector}.
 * The accounted pods are also kept here, by their pod table slot, and (from the first selector that requires a label:
 * built on first need, so a sync before any spread pod is scheduled pays nothing for it) indexed by label pair, so
 * that a selector interned later starts from exact counts by visiting only the pods carrying the label it requires;
 * selectors are indexed the same way, so that a pod accounted or forgotten updates only the selectors that can
 * count it (not every selector of its namespace).
 */
final class SpreadCounters
{
    /** Dense views: more than the selectors one pod's constraints read together. */
    private static final int VIEWS = 8;
    /** A selector with matching pods on more than capacity / this slots gets a dense column of its own. */
    static final int DENSE_FRACTION = 16;

    private final Map<SelectorKey, Integer> ids = new HashMap<>();
    private SelectorKey[] keys = new SelectorKey[16];
    private PodSelector[] selectors = new PodSelector[16];
    /** Per selector: matching pods per node slot, the slots with any only (empty once the selector is dense). */
    private IntLongHashMap[] countsBySlot = new IntLongHashMap[16];
    /** Per selector: its own dense column once its pods are on many slots, else null. */
    private long[][] dense = new long[16][];
    /** Per dense selector: the slots of its column holding matching pods. */
    private int[] denseSlots = new int[16];
    /** Dense columns of the selectors read last, each kept up to date with its selector; least recently read goes. */
    private final long[][] views = new long[VIEWS][];
    private final int[] viewSelector = {-1, -1, -1, -1, -1, -1, -1, -1};
    private final long[] viewUse = new long[VIEWS];
    private long viewClock;
    /** Per selector: the view holding its column, or -1. */
    private int[] viewOfSelector = new int[16];
    /** Per selector: the domain sums kept for it, one per topology key column asked for (null when none). */
    private DomainSums[][] sums = new DomainSums[16][];
    /** The domains of each topology key column asked for, shared by the selectors' sums. */
    private DomainIndex[] domainIndexes = new DomainIndex[0];
    private int selectorCount;
    private int capacity;

    // selectors by a label they require exactly (key -> value -> ids), and those requiring none, by namespace
    private final Map<String, Map<String, IntArrayList>> selectorsByLabel = new HashMap<>();
    private final Map<String, IntArrayList> unindexedByNamespace = new HashMap<>();

    // accounted pods by pod table slot with their node slots, and (once podsIndexed) pod slots by label pair
    // (key -> value -> pod slots)
    private PodObject[] pods = new PodObject[64];
    private int[] podSlots = new int[64];
    private int podLimit;
    private final Map<String, Map<String, IntHashSet>> podsByLabel = new HashMap<>();
    private boolean podsIndexed;

    // per-call state of the label visitors (bound once: no lambda per pod)
    private PodObject visiting;
    private int visitingSlot;
    private int visitingIndex;
    private long visitingDelta;
    private final BiConsumer<String, String> indexPodLabel = this::indexPodLabel;
    private final BiConsumer<String, String> unindexPodLabel = this::unindexPodLabel;
    private final BiConsumer<String, String> updateForLabel = this::updateForLabel;
    // the view being filled, and its visitors (bound once: no lambda per fill)
    private long[] filling;
    private final IntProcedure clearSlot = slot -> filling[slot] = 0;
    private final IntLongProcedure fillSlot = (slot, count) -> filling[slot] = count;

    SpreadCounters(final int capacity)
    {
        this.capacity = capacity;
    }

    /** Grows every per-node column to cover {@code slots} node slots. */
    void ensureCapacity(final int slots)
    {
        if (slots <= capacity)
        {
            return;
        }
        int c = Math.max(capacity, 64);
        while (c < slots)
        {
            c *= 2;
        }
        for (int v = 0; v < VIEWS; v++)
        {
            if (views[v] != null)
            {
                views[v] = Arrays.copyOf(views[v], c);
            }
        }
        for (int s = 0; s < selectorCount; s++)
        {
            if (dense[s] != null)
            {
                dense[s] = Arrays.copyOf(dense[s], c);
            }
        }
        capacity = c;
    }

    /**
     * The id of the probe's selector, interning it when new: its column starts from exact counts of the accounted
     * pods, visiting only the pods that carry the label it requires (all pods when it requires none).
     */
    int intern(final SelectorKey probe)
    {
        final Integer known = ids.get(probe);
        if (known != null)
        {
            return known;
        }
        final SelectorKey key = probe.copy();
        final int id = selectorCount++;
        if (id == keys.length)
        {
            keys = Arrays.copyOf(keys, id * 2);
            selectors = Arrays.copyOf(selectors, id * 2);
            countsBySlot = Arrays.copyOf(countsBySlot, id * 2);
            dense = Arrays.copyOf(dense, id * 2);
            denseSlots = Arrays.copyOf(denseSlots, id * 2);
            viewOfSelector = Arrays.copyOf(viewOfSelector, id * 2);
            sums = Arrays.copyOf(sums, id * 2);
        }
        keys[id] = key;
        final PodSelector selector = PodSelector.compile(key);
        selectors[id] = selector;
        countsBySlot[id] = new IntLongHashMap(4);
        viewOfSelector[id] = -1;
        ids.put(key, id);
        if (selector.selectsNothing())
        {
            return id;
        }
        final String[] label = selector.requiredLabel();
        if (label == null)
        {
            unindexedByNamespace.computeIfAbsent(key.namespace(), n -> new IntArrayList()).add(id);
            for (int p = 0; p < podLimit; p++)
            {
                if (pods[p] != null && counts(id, pods[p]))
                {
                    countsBySlot[id].addToValue(podSlots[p], 1);
                }
            }
            densifyIfSpread(id);
            return id;
        }
        selectorsByLabel.computeIfAbsent(label[0], k -> new HashMap<>())
            .computeIfAbsent(label[1], v -> new IntArrayList()).add(id);
        indexPods();
        final Map<String, IntHashSet> byValue = podsByLabel.get(label[0]);
        final IntHashSet carriers = byValue == null ? null : byValue.get(label[1]);
        if (carriers != null)
        {
            final IntIterator it = carriers.intIterator();
            while (it.hasNext())
            {
                final int p = it.next();
                if (counts(id, pods[p]))
                {
                    countsBySlot[id].addToValue(podSlots[p], 1);
                }
            }
        }
        densifyIfSpread(id);
        return id;
    }

    int selectorCount()
    {
        return selectorCount;
    }

    /**
     * Matching pods per node slot of a selector, as a dense column (length at least the capacity last ensured). A
     * view: valid until the next call for another selector (a caller reads one selector's column at a time), and not
     * to be written.
     */
    long[] perNode(final int selector)
    {
        final long[] own = dense[selector];
        if (own != null)
        {
            return own;
        }
        int v = viewOfSelector[selector];
        if (v < 0)
        {
            v = 0;
            for (int i = 1; i < VIEWS; i++)
            {
                if (viewUse[i] < viewUse[v])
                {
                    v = i;
                }
            }
            fillView(v, selector);
        }
        viewUse[v] = ++viewClock;
        return views[v];
    }

    private void fillView(final int v, final int selector)
    {
        long[] view = views[v];
        if (view == null)
        {
            view = new long[capacity];
            views[v] = view;
        }
        filling = view;
        final int previous = viewSelector[v];
        if (previous >= 0)
        {
            // the view holds exactly the previous selector's slots with matching pods: clear those
            countsBySlot[previous].forEachKey(clearSlot);
            viewOfSelector[previous] = -1;
        }
        countsBySlot[selector].forEachKeyValue(fillSlot);
        filling = null;
        viewSelector[v] = selector;
        viewOfSelector[selector] = v;
    }

    /** {@code delta} matching pods on {@code slot} for a selector: its counts, its view and its domain sums. */
    private void addCount(final int selector, final int slot, final long delta)
    {
        final long[] own = dense[selector];
        if (own != null)
        {
            final long before = own[slot];
            own[slot] = before + delta;
            if (before == 0)
            {
                denseSlots[selector]++;
            }
            else if (before + delta == 0 && --denseSlots[selector] * 4L * DENSE_FRACTION < capacity)
            {
                sparsify(selector);
            }
        }
        else
        {
            final IntLongHashMap counts = countsBySlot[selector];
            if (counts.addToValue(slot, delta) == 0)
            {
                counts.remove(slot);
            }
            final int v = viewOfSelector[selector];
            if (v >= 0)
            {
                views[v][slot] += delta;
            }
            if (delta > 0)
            {
                densifyIfSpread(selector);
            }
        }
        addToSums(selector, slot, delta);
    }

    /** Gives a selector its own dense column once its pods are on many slots (it then stays dense). */
    private void densifyIfSpread(final int selector)
    {
        final IntLongHashMap counts = countsBySlot[selector];
        if ((long)counts.size() * DENSE_FRACTION <= capacity)
        {
            return;
        }
        final long[] column = new long[capacity];
        filling = column;
        counts.forEachKeyValue(fillSlot);
        final int v = viewOfSelector[selector];
        if (v >= 0)
        {
            // give the view back clean: it held exactly these slots
            filling = views[v];
            counts.forEachKey(clearSlot);
            viewSelector[v] = -1;
            viewUse[v] = 0;
            viewOfSelector[selector] = -1;
        }
        filling = null;
        denseSlots[selector] = counts.size();
        counts.clear();
        counts.compact();
        dense[selector] = column;
    }

    /** Gives a dense selector's column up once its pods are on few slots: back to sparse counts. */
    private void sparsify(final int selector)
    {
        final long[] column = dense[selector];
        final IntLongHashMap counts = countsBySlot[selector];
        for (int slot = 0; slot < column.length; slot++)
        {
            if (column[slot] != 0)
            {
                counts.put(slot, column[slot]);
            }
        }
        dense[selector] = null;
        denseSlots[selector] = 0;
    }

    /**
     * The selector's matching pods per domain of {@code column}'s key over the table's live nodes, kept up to date
     * from now on (rebuilt when the table's epoch moved).
     */
    DomainSums domainSums(final int selector, final LongColumn column, final NodeTable table)
    {
        DomainSums[] list = sums[selector];
        DomainSums found = null;
        if (list == null)
        {
            list = new DomainSums[1];
            sums[selector] = list;
        }
        for (final DomainSums d : list)
        {
            if (d != null && d.index.column == column)
            {
                found = d;
                break;
            }
        }
        final DomainIndex index = found != null ? found.index : domainIndex(column);
        if (!index.isCurrent(table))
        {
            index.rebuild(table);
        }
        if (found == null)
        {
            found = new DomainSums(index);
            int free = -1;
            for (int i = 0; i < list.length && free < 0; i++)
            {
                free = list[i] == null ? i : -1;
            }
            if (free < 0)
            {
                free = list.length;
                list = Arrays.copyOf(list, list.length + 1);
                sums[selector] = list;
            }
            list[free] = found;
        }
        if (!found.isCurrent(table))
        {
            found.rebuild(table, perNode(selector));
        }
        return found;
    }

    private DomainIndex domainIndex(final LongColumn column)
    {
        for (final DomainIndex index : domainIndexes)
        {
            if (index.column == column)
            {
                return index;
            }
        }
        final DomainIndex index = new DomainIndex(column);
        domainIndexes = Arrays.copyOf(domainIndexes, domainIndexes.length + 1);
        domainIndexes[domainIndexes.length - 1] = index;
        return index;
    }

    private void addToSums(final int selector, final int slot, final long delta)
    {
        final DomainSums[] list = sums[selector];
        if (list != null)
        {
            for (final DomainSums d : list)
            {
                if (d != null)
                {
                    d.add(slot, delta);
                }
            }
        }
    }

    /** kube's {@code countPodsMatchSelector} test for one pod: not terminating, same namespace, labels match. */
    boolean counts(final int selector, final PodObject pod)
    {
        return !pod.isTerminating() && pod.namespace().equals(keys[selector].namespace()) &&
            selectors[selector].matches(pod.labels());
    }

    /** True when the selector matches the pod's labels (kube's self-match; no namespace check). */
    boolean matchesLabels(final int selector, final PodObject pod)
    {
        return selectors[selector].matches(pod.labels());
    }

    void podAdded(final PodObject pod, final int podSlot, final int slot)
    {
        ensureCapacity(slot + 1);
        if (podSlot >= pods.length)
        {
            final int length = Math.max(podSlot + 1, pods.length * 2);
            pods = Arrays.copyOf(pods, length);
            podSlots = Arrays.copyOf(podSlots, length);
        }
        if (pods[podSlot] != null)
        {
            throw new IllegalStateException("pod slot " + podSlot + " already holds " + pods[podSlot].key() +
                ", cannot add " + pod.key());
        }
        podLimit = Math.max(podLimit, podSlot + 1);
        pods[podSlot] = pod;
        podSlots[podSlot] = slot;
        if (podsIndexed)
        {
            visitingIndex = podSlot;
            pod.labels().forEach(indexPodLabel);
        }
        update(pod, slot, 1);
    }

    void podRemoved(final PodObject pod, final int podSlot, final int slot)
    {
        if (podSlot >= podLimit || pods[podSlot] == null)
        {
            return;
        }
        if (podsIndexed)
        {
            visitingIndex = podSlot;
            pods[podSlot].labels().forEach(unindexPodLabel);
        }
        pods[podSlot] = null;
        update(pod, slot, -1);
    }

    /** Builds the pods' label index when the first selector that requires a label needs it; kept up to date after. */
    private void indexPods()
    {
        if (podsIndexed)
        {
            return;
        }
        podsIndexed = true;
        for (int p = 0; p < podLimit; p++)
        {
            if (pods[p] != null)
            {
                visitingIndex = p;
                pods[p].labels().forEach(indexPodLabel);
            }
        }
    }

    private void indexPodLabel(final String key, final String value)
    {
        podsByLabel.computeIfAbsent(key, k -> new HashMap<>()).computeIfAbsent(value, v -> new IntHashSet()).add(visitingIndex);
    }

    private void unindexPodLabel(final String key, final String value)
    {
        final Map<String, IntHashSet> byValue = podsByLabel.get(key);
        final IntHashSet set = byValue == null ? null : byValue.get(value);
        if (set != null)
        {
            set.remove(visitingIndex);
        }
    }

    /** Adds {@code delta} on {@code slot} to every selector counting the pod: indexed ones via its labels. */
    private void update(final PodObject pod, final int slot, final long delta)
    {
        if (pod.isTerminating())
        {
            return;
        }
        final IntArrayList list = unindexedByNamespace.get(pod.namespace());
        if (list != null)
        {
            for (int i = 0, n = list.size(); i < n; i++)
            {
                final int s = list.get(i);
                if (selectors[s].matches(pod.labels()))
                {
                    addCount(s, slot, delta);
                }
            }
        }
        if (!selectorsByLabel.isEmpty())
        {
            visiting = pod;
            visitingSlot = slot;
            visitingDelta = delta;
            pod.labels().forEach(updateForLabel);
            visiting = null;
        }
    }

    private void updateForLabel(final String key, final String value)
    {
        final Map<String, IntArrayList> byValue = selectorsByLabel.get(key);
        final IntArrayList ids = byValue == null ? null : byValue.get(value);
        if (ids == null)
        {
            return;
        }
        for (int i = 0, n = ids.size(); i < n; i++)
        {
            final int s = ids.get(i);
            if (keys[s].namespace().equals(visiting.namespace()) && selectors[s].matches(visiting.labels()))
            {
                addCount(s, visitingSlot, visitingDelta);
            }
        }
    }
}
