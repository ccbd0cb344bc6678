package io.berth.sched.plugins.podtopologyspread;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.sched.model.PodObject;

/**
 * The incremental state of PodTopologySpread: interned selectors (namespace + effective label selector), and per
 * selector a column of matching pods per node slot, kept up to date on every pod accounted or forgotten. Domain
 * counts are folded from these columns per incoming pod ({@link PodTopologySpread}), because which nodes count
 * (their topology keys, the pod's node affinity and tolerations under the inclusion policies) depends on the pod.
 * Terminating pods ({@code deletionTimestamp} set) are never counted, as kube's {@code countPodsMatchSelector}.
 * The accounted pods are also kept here so that a selector interned later starts from exact counts.
 */
final class SpreadCounters
{
    private final Map<SelectorKey, Integer> ids = new HashMap<>();
    private final Map<String, IntArrayList> byNamespace = new HashMap<>();
    private SelectorKey[] keys = new SelectorKey[16];
    private PodSelector[] selectors = new PodSelector[16];
    private long[][] perNode = new long[16][];
    private int selectorCount;
    private int capacity;

    private final ObjectIntHashMap<String> podIndex = new ObjectIntHashMap<>();
    private PodObject[] pods = new PodObject[64];
    private int[] podSlots = new int[64];
    private int podCount;

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
        for (int s = 0; s < selectorCount; s++)
        {
            perNode[s] = Arrays.copyOf(perNode[s], c);
        }
        capacity = c;
    }

    /** The id of the probe's selector, interning it (and counting every accounted pod for it) when new. */
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
            perNode = Arrays.copyOf(perNode, id * 2);
        }
        keys[id] = key;
        selectors[id] = PodSelector.compile(key);
        perNode[id] = new long[capacity];
        ids.put(key, id);
        byNamespace.computeIfAbsent(key.namespace(), n -> new IntArrayList()).add(id);
        for (int p = 0; p < podCount; p++)
        {
            if (counts(id, pods[p]))
            {
                perNode[id][podSlots[p]]++;
            }
        }
        return id;
    }

    int selectorCount()
    {
        return selectorCount;
    }

    /** Matching pods per node slot of a selector (length at least the capacity last ensured). */
    long[] perNode(final int selector)
    {
        return perNode[selector];
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

    void podAdded(final PodObject pod, final int slot)
    {
        ensureCapacity(slot + 1);
        if (podCount == pods.length)
        {
            pods = Arrays.copyOf(pods, podCount * 2);
            podSlots = Arrays.copyOf(podSlots, podCount * 2);
        }
        podIndex.put(pod.key(), podCount);
        pods[podCount] = pod;
        podSlots[podCount] = slot;
        podCount++;
        update(pod, slot, 1);
    }

    void podRemoved(final PodObject pod, final int slot)
    {
        final int i = podIndex.removeKeyIfAbsent(pod.key(), -1);
        if (i < 0)
        {
            return;
        }
        final int last = --podCount;
        if (i != last)
        {
            pods[i] = pods[last];
            podSlots[i] = podSlots[last];
            podIndex.put(pods[i].key(), i);
        }
        pods[last] = null;
        update(pod, slot, -1);
    }

    private void update(final PodObject pod, final int slot, final long delta)
    {
        if (pod.isTerminating())
        {
            return;
        }
        final IntArrayList list = byNamespace.get(pod.namespace());
        if (list == null)
        {
            return;
        }
        for (int i = 0, n = list.size(); i < n; i++)
        {
            final int s = list.get(i);
            if (selectors[s].matches(pod.labels()))
            {
                perNode[s][slot] += delta;
            }
        }
    }
}
