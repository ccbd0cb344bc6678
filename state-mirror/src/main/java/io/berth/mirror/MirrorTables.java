package io.berth.mirror;

import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.ring.RawEvent;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;

import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the mirror has applied: the engine's node and pod tables, the pending pods (no {@code spec.nodeName}, not
 * terminal), namespaces, priority classes and disruption budgets, and per key its mod revision. Written only by the
 * applier (the thread that polls the {@link Mirror}); that thread, the scheduling loop's, reads it without locks.
 */
public final class MirrorTables
{
    private final SchedulingEngine engine;
    private final Map<String, PodObject> pending = new LinkedHashMap<>();
    private final Map<String, NamespaceObject> namespaces = new HashMap<>();
    private final Map<String, PriorityClass> priorityClasses = new HashMap<>();
    private final Map<String, PodDisruptionBudget> podDisruptionBudgets = new HashMap<>();
    private final Map<String, Entry> entries = new HashMap<>();
    private final CorruptValueListener corruptValueListener;
    private TableChangeListener changeListener = TableChangeListener.NONE;
    private CheckpointFile checkpoint;
    private long checksum;
    private long generation;
    private volatile long revision;
    private volatile boolean synced;
    private volatile long corruptValues;
    private long applied;
    private long checkpointCommits;

    /** The state of one key. */
    private static final class Entry
    {
        long modRevision;
        long generation;
        long hash;
        KubeKind kind;
        String name;
        boolean corrupt;
    }

    /** Empty tables over {@code engine}; the {@link Mirror} makes its own, replays and benchmarks make theirs. */
    public MirrorTables(final SchedulingEngine engine, final CorruptValueListener corruptValueListener)
    {
        this.engine = engine;
        this.corruptValueListener = corruptValueListener;
    }

    /** The engine whose node and pod tables hold the cluster's nodes and bound pods. */
    public SchedulingEngine engine()
    {
        return engine;
    }

    /** Pods waiting for a node, by {@code namespace/name}, in the order they appeared. Read-only view. */
    public Map<String, PodObject> pendingPods()
    {
        return Collections.unmodifiableMap(pending);
    }

    public Map<String, NamespaceObject> namespaces()
    {
        return Collections.unmodifiableMap(namespaces);
    }

    public Map<String, PriorityClass> priorityClasses()
    {
        return Collections.unmodifiableMap(priorityClasses);
    }

    /** Disruption budgets by {@code namespace/name}. */
    public Map<String, PodDisruptionBudget> podDisruptionBudgets()
    {
        return Collections.unmodifiableMap(podDisruptionBudgets);
    }

    /** The store revision the tables reflect (any thread). */
    public long revision()
    {
        return revision;
    }

    /** True once the first list (or checkpoint) has been applied in full (any thread). */
    public boolean isSynced()
    {
        return synced;
    }

    /** Values that could not be mapped, counted per event (any thread). */
    public long corruptValues()
    {
        return corruptValues;
    }

    /** Keys of mapped kinds the mirror tracks, corrupt ones included. */
    public int keyCount()
    {
        return entries.size();
    }

    /** The mod revision the mirror holds for {@code key}, or 0 when it holds none. */
    public long modRevision(final String key)
    {
        final Entry entry = entries.get(key);
        return entry == null ? 0 : entry.modRevision;
    }

    /** Events applied since start. */
    public long appliedEvents()
    {
        return applied;
    }

    /** Checkpoint commits since start. */
    public long checkpointCommits()
    {
        return checkpointCommits;
    }

    /** Who hears of changes as they are applied (one listener; {@link TableChangeListener#NONE} by default). */
    public void changeListener(final TableChangeListener listener)
    {
        this.changeListener = listener == null ? TableChangeListener.NONE : listener;
    }

    void checkpoint(final CheckpointFile checkpoint)
    {
        this.checkpoint = checkpoint;
    }

    /** Commits the checkpoint at the revision the tables reflect. */
    void commitCheckpoint()
    {
        if (checkpoint != null)
        {
            checkpoint.commit(revision, entries.size(), checksum);
            checkpointCommits++;
        }
    }

    // ---------------------------------------------------------------- applying (applier thread)

    /** Applies one decoded event (see {@link io.berth.mirror.ring.EventDecoder}); the single writer's thread only. */
    public void apply(final RawEvent event)
    {
        applied++;
        switch (event.type)
        {
            case RawEvent.PUT ->
            {
                applyValue(event);
                advance(event.modRevision);
            }
            case RawEvent.DELETE ->
            {
                applyDelete(event);
                advance(event.modRevision);
            }
            case RawEvent.LIST_ENTRY, RawEvent.CHECKPOINT_ENTRY -> applyValue(event);
            case RawEvent.RELIST_BEGIN -> generation++;
            case RawEvent.RELIST_END -> endList(event.modRevision);
            case RawEvent.PROGRESS -> advance(event.modRevision);
            default -> throw new IllegalStateException("unknown event type " + event.type);
        }
    }

    private void advance(final long modRevision)
    {
        if (modRevision > revision)
        {
            revision = modRevision;
        }
    }

    private void applyValue(final RawEvent event)
    {
        if (event.kind == KubeKind.OTHER)
        {
            return;
        }
        final String key = event.keyText;
        Entry entry = entries.get(key);
        if (entry != null && event.type != RawEvent.PUT && entry.modRevision == event.modRevision)
        {
            entry.generation = generation; // listed unchanged
            return;
        }
        final boolean added = entry == null || entry.corrupt;
        final boolean fresh = entry == null;
        if (entry == null)
        {
            entry = new Entry();
            entry.kind = event.kind;
            entry.name = event.name;
            entries.put(key, entry);
        }
        else if (event.decoded == null && !entry.corrupt)
        {
            remove(entry); // the key's object is now unreadable: it is gone, as for kube-apiserver
        }
        entry.modRevision = event.modRevision;
        entry.generation = generation;

        if (event.decoded == null)
        {
            corruptValues++;
            if (!entry.corrupt)
            {
                entry.corrupt = true;
                corruptValueListener.onCorruptValue(key, event.modRevision, event.error);
            }
        }
        else
        {
            entry.corrupt = false;
            place(entry, event.decoded, added, fresh);
        }

        if (checkpoint != null)
        {
            final long hash = event.type == RawEvent.CHECKPOINT_ENTRY ?
                checkpoint.entryHash(event.key, event.modRevision, event.value) :
                checkpoint.put(key, event.key, event.modRevision, event.decoded, event.value);
            checksum += hash - entry.hash;
            entry.hash = hash;
        }
    }

    private void applyDelete(final RawEvent event)
    {
        if (event.kind == KubeKind.OTHER)
        {
            return;
        }
        final Entry entry = entries.remove(event.keyText);
        if (entry == null)
        {
            return;
        }
        if (!entry.corrupt)
        {
            remove(entry);
        }
        if (checkpoint != null)
        {
            checkpoint.remove(event.keyText);
            checksum -= entry.hash;
        }
    }

    /** A list ended: every key it did not list is gone. */
    private void endList(final long listRevision)
    {
        final Iterator<Map.Entry<String, Entry>> it = entries.entrySet().iterator();
        while (it.hasNext())
        {
            final Map.Entry<String, Entry> e = it.next();
            final Entry entry = e.getValue();
            if (entry.generation != generation)
            {
                if (!entry.corrupt)
                {
                    remove(entry);
                }
                if (checkpoint != null)
                {
                    checkpoint.remove(e.getKey());
                    checksum -= entry.hash;
                }
                it.remove();
            }
        }
        revision = listRevision;
        synced = true;
    }

    /** {@code fresh}: a key the tables did not hold, so nothing is pending or accounted under it. */
    private void place(final Entry entry, final Object object, final boolean added, final boolean fresh)
    {
        switch (entry.kind)
        {
            case NODE ->
            {
                engine.upsertNode((NodeObject)object);
                changeListener.onNode(entry.name, added);
            }
            case POD -> placePod(entry.name, (PodObject)object, fresh);
            case NAMESPACE -> namespaces.put(entry.name, (NamespaceObject)object);
            case PRIORITY_CLASS ->
            {
                priorityClasses.put(entry.name, (PriorityClass)object);
                changeListener.onPriorityClassesChanged();
            }
            case POD_DISRUPTION_BUDGET -> podDisruptionBudgets.put(entry.name, (PodDisruptionBudget)object);
            case OTHER -> { }
        }
    }

    /**
     * A new version of a pod. A pod already accounted on the node it is now bound to (the scheduler's own assumption
     * confirmed by the watch, or a relabel) is replaced in place: forget, then account the new version, which is exact
     * because {@code PodTable} undoes precisely what it added; the queue hears nothing of it.
     */
    private void placePod(final String key, final PodObject pod, final boolean fresh)
    {
        // one lookup for a pod not accounted (every pod of a sync); pending holds only keys these tables hold
        final int previousNode = engine.pods().nodeSlotOf(key);
        final boolean wasAccounted = previousNode >= 0 && engine.removePod(key);
        final boolean wasPending = !fresh && pending.remove(key) != null;
        final boolean live = !pod.isTerminal();
        if (live && pod.isBound())
        {
            engine.addBoundPod(pod);
            if (wasPending)
            {
                changeListener.onPendingPodGone(key);
            }
            if (wasAccounted && engine.pods().nodeSlotOf(key) != previousNode)
            {
                changeListener.onAssignedPodGone(key);
            }
            changeListener.onBoundPod(pod);
            return;
        }
        if (live)
        {
            pending.put(key, pod);
            changeListener.onPendingPod(pod);
        }
        else if (wasPending)
        {
            changeListener.onPendingPodGone(key);
        }
        if (wasAccounted)
        {
            changeListener.onAssignedPodGone(key);
        }
    }

    private void remove(final Entry entry)
    {
        switch (entry.kind)
        {
            case NODE -> engine.removeNode(entry.name);
            case POD ->
            {
                if (engine.removePod(entry.name))
                {
                    changeListener.onAssignedPodGone(entry.name);
                }
                if (pending.remove(entry.name) != null)
                {
                    changeListener.onPendingPodGone(entry.name);
                }
            }
            case NAMESPACE -> namespaces.remove(entry.name);
            case PRIORITY_CLASS ->
            {
                priorityClasses.remove(entry.name);
                changeListener.onPriorityClassesChanged();
            }
            case POD_DISRUPTION_BUDGET -> podDisruptionBudgets.remove(entry.name);
            case OTHER -> { }
        }
    }
}
