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
import io.berth.sched.table.StringIntMap;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;

/**
 * What the mirror has applied: the engine's node and pod tables, the pending pods (no {@code spec.nodeName}, not
 * terminal), namespaces, priority classes and disruption budgets, and per key its mod revision. Written only by the
 * applier (the thread that polls the {@link Mirror}); that thread, the scheduling loop's, reads it without locks.
 * <p>
 * Each key is interned once to a key slot ({@link StringIntMap}: one probe per event, a new key put where it was not
 * found) and its state is kept in primitive columns indexed by that slot, not in an object per key; a deleted key's
 * slot is reused.
 */
public final class MirrorTables
{
    private final SchedulingEngine engine;
    private final Map<String, PodObject> pending = new LinkedHashMap<>();
    private final Map<String, NamespaceObject> namespaces = new HashMap<>();
    private final Map<String, PriorityClass> priorityClasses = new HashMap<>();
    private final Map<String, PodDisruptionBudget> podDisruptionBudgets = new HashMap<>();
    // the keys: each interned once to a key slot, its state in primitive columns indexed by that slot (no object
    // per key); a deleted key's slot is reused
    private final StringIntMap slotByKey = new StringIntMap(1024);
    private final IntArrayList freeSlots = new IntArrayList();
    private int slotLimit;
    private String[] keyAt = new String[1024];
    private String[] nameAt = new String[1024];
    private KubeKind[] kindAt = new KubeKind[1024];
    private long[] modRevisionAt = new long[1024];
    private long[] generationAt = new long[1024];
    private long[] hashAt = new long[1024];
    private boolean[] corruptAt = new boolean[1024];
    /** A binding this process wrote of the pod under the key, until the watch delivers it: its revision, or 0. */
    private long[] bindingRevisionAt = new long[1024];
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
        return slotByKey.size();
    }

    /** The mod revision the mirror holds for {@code key}, or 0 when it holds none. */
    public long modRevision(final String key)
    {
        final int slot = slotByKey.get(key, -1);
        return slot < 0 ? 0 : modRevisionAt[slot];
    }

    /**
     * The scheduler (on this thread) bound the pod under {@code key} with a swap over a version the mirror has not
     * applied yet (its own write of the pod's status): until the watch delivers the binding, the versions before it
     * are stale and must not undo the pod's assumption in the engine. Their revisions are still recorded.
     */
    public void bindingWritten(final String key, final long revision)
    {
        final int slot = slotByKey.get(key, -1);
        if (slot >= 0)
        {
            bindingRevisionAt[slot] = revision;
        }
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
            checkpoint.commit(revision, slotByKey.size(), checksum);
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
        // one probe of the key map: a known key answers its slot, a new key is put where it was not found
        final int found = slotByKey.find(key);
        final boolean fresh = found < 0;
        final int slot = fresh ? allocateSlot() : slotByKey.valueAt(found);
        if (fresh)
        {
            slotByKey.insertAt(found, key, slot);
        }
        if (!fresh && event.type != RawEvent.PUT && modRevisionAt[slot] == event.modRevision)
        {
            generationAt[slot] = generation; // listed unchanged
            return;
        }
        final boolean added = fresh || corruptAt[slot];
        if (fresh)
        {
            keyAt[slot] = key;
            kindAt[slot] = event.kind;
            nameAt[slot] = event.name;
            corruptAt[slot] = false;
            hashAt[slot] = 0;
        }
        else if (event.decoded == null && !corruptAt[slot])
        {
            remove(slot); // the key's object is now unreadable: it is gone, as for kube-apiserver
        }
        modRevisionAt[slot] = event.modRevision;
        generationAt[slot] = generation;
        final boolean beforeOwnBinding = bindingRevisionAt[slot] > event.modRevision;
        if (!beforeOwnBinding)
        {
            bindingRevisionAt[slot] = 0;
        }

        if (event.decoded == null)
        {
            corruptValues++;
            if (!corruptAt[slot])
            {
                corruptAt[slot] = true;
                corruptValueListener.onCorruptValue(key, event.modRevision, event.error);
            }
        }
        else if (!beforeOwnBinding)
        {
            corruptAt[slot] = false;
            place(slot, event.decoded, added, fresh);
        }

        if (checkpoint != null)
        {
            final long hash = event.type == RawEvent.CHECKPOINT_ENTRY ?
                checkpoint.entryHash(event.key, event.modRevision, event.value) :
                checkpoint.put(key, event.key, event.modRevision, event.decoded, event.value);
            checksum += hash - hashAt[slot];
            hashAt[slot] = hash;
        }
    }

    private void applyDelete(final RawEvent event)
    {
        if (event.kind == KubeKind.OTHER)
        {
            return;
        }
        final int slot = slotByKey.remove(event.keyText, -1);
        if (slot < 0)
        {
            return;
        }
        if (!corruptAt[slot])
        {
            remove(slot);
        }
        if (checkpoint != null)
        {
            checkpoint.remove(event.keyText);
            checksum -= hashAt[slot];
        }
        freeSlot(slot);
    }

    /** A list ended: every key it did not list is gone. */
    private void endList(final long listRevision)
    {
        for (int slot = 0; slot < slotLimit; slot++)
        {
            final String key = keyAt[slot];
            if (key != null && generationAt[slot] != generation)
            {
                if (!corruptAt[slot])
                {
                    remove(slot);
                }
                if (checkpoint != null)
                {
                    checkpoint.remove(key);
                    checksum -= hashAt[slot];
                }
                slotByKey.remove(key, -1);
                freeSlot(slot);
            }
        }
        revision = listRevision;
        synced = true;
    }

    private int allocateSlot()
    {
        if (!freeSlots.isEmpty())
        {
            return freeSlots.removeAtIndex(freeSlots.size() - 1);
        }
        if (slotLimit == keyAt.length)
        {
            final int capacity = slotLimit * 2;
            keyAt = Arrays.copyOf(keyAt, capacity);
            nameAt = Arrays.copyOf(nameAt, capacity);
            kindAt = Arrays.copyOf(kindAt, capacity);
            modRevisionAt = Arrays.copyOf(modRevisionAt, capacity);
            generationAt = Arrays.copyOf(generationAt, capacity);
            hashAt = Arrays.copyOf(hashAt, capacity);
            corruptAt = Arrays.copyOf(corruptAt, capacity);
            bindingRevisionAt = Arrays.copyOf(bindingRevisionAt, capacity);
        }
        return slotLimit++;
    }

    private void freeSlot(final int slot)
    {
        keyAt[slot] = null;
        nameAt[slot] = null;
        kindAt[slot] = null;
        bindingRevisionAt[slot] = 0;
        freeSlots.add(slot);
    }

    /** {@code fresh}: a key the tables did not hold, so nothing is pending or accounted under it. */
    private void place(final int slot, final Object object, final boolean added, final boolean fresh)
    {
        final String name = nameAt[slot];
        switch (kindAt[slot])
        {
            case NODE ->
            {
                engine.upsertNode((NodeObject)object);
                changeListener.onNode(name, added);
            }
            case POD -> placePod(name, (PodObject)object, fresh);
            case NAMESPACE -> namespaces.put(name, (NamespaceObject)object);
            case PRIORITY_CLASS ->
            {
                priorityClasses.put(name, (PriorityClass)object);
                changeListener.onPriorityClassesChanged();
            }
            case POD_DISRUPTION_BUDGET -> podDisruptionBudgets.put(name, (PodDisruptionBudget)object);
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
        // a key new to these tables has nothing accounted or pending under it: no lookups (every pod of a sync)
        final int previousNode = fresh ? -1 : engine.pods().nodeSlotOf(key);
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

    private void remove(final int slot)
    {
        final String name = nameAt[slot];
        switch (kindAt[slot])
        {
            case NODE -> engine.removeNode(name);
            case POD ->
            {
                if (engine.removePod(name))
                {
                    changeListener.onAssignedPodGone(name);
                }
                if (pending.remove(name) != null)
                {
                    changeListener.onPendingPodGone(name);
                }
            }
            case NAMESPACE -> namespaces.remove(name);
            case PRIORITY_CLASS ->
            {
                priorityClasses.remove(name);
                changeListener.onPriorityClassesChanged();
            }
            case POD_DISRUPTION_BUDGET -> podDisruptionBudgets.remove(name);
            case OTHER -> { }
        }
    }
}
