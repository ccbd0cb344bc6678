package io.berth.mirror.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.mirror.Mirror;
import io.berth.mirror.MirrorTables;
import io.berth.mirror.TableChangeListener;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.KeyValue;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.preemption.DefaultPreemption;
import io.berth.sched.queue.ClusterEvent;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.queue.SchedulingQueue;
import org.agrona.ErrorHandler;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectLongHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The scheduler against a store (etcd): one agent, one thread, owning the mirror's tables, kube's scheduling queue
 * and the engine. Each duty cycle applies the watch events the ring has decoded (the tables report what changed to
 * the queue: new or updated pending pods, pods bound or gone, nodes added or changed, assigned pods deleted), then
 * pops and schedules up to {@link SchedulerContext#scheduleLimit()} pods.
 * <p>
 * A placed pod is assumed in the engine and bound in the store: its stored JSON gets {@code spec.nodeName} (and the
 * admitted {@code spec.priority} when absent) and is written with a compare-and-swap on the mod revision the mirror
 * decided on. When the swap loses (the pod changed meanwhile) the assumption is forgotten and the pod requeued after
 * error; the mirror delivers the new version. When it wins, the watch later delivers the bound pod and the tables
 * replace the assumed pod by it, which leaves the node's accounting as it was. A pod that fits nowhere may preempt
 * (kube's DefaultPreemption): its victims are deleted from the store and it is requeued nominated to the node. The
 * engine's {@link io.berth.sched.framework.Nominator} keeps the nomination, so other pods' cycles leave that room to
 * it, until it is bound or deleted or a later preemption of it finds no candidate (kube's PodNominator); a pending pod
 * whose {@code status.nominatedNodeName} is set is nominated as it arrives. Errors on this thread are counted and
 * reported to the error handler; the loop goes on.
 */
public final class SchedulerAgent implements Agent, TableChangeListener
{
    private final SchedulerContext context;
    private final Mirror mirror;
    private final MirrorTables tables;
    private final SchedulingEngine engine;
    private final SchedulingQueue queue;
    private final DefaultPreemption preemption;
    private final ClusterSource source;
    private final KeyLayout layout;
    private final NanoClock clock;
    private final NanoClock cycleClock;
    private final SchedulerListener listener;
    private final TableChangeListener changeObserver;
    private final ErrorHandler errorHandler;
    private final ObjectMapper json = new ObjectMapper();
    private final List<PodDisruptionBudget> disruptionBudgets = new ArrayList<>();
    /**
     * Mod revisions of this scheduler's own writes of a pending pod's {@code status.nominatedNodeName}, by store key:
     * a binding may swap over them as over the revision its decision was made on, since they changed nothing the
     * decision read.
     */
    private final ObjectLongHashMap<String> statusWrites = new ObjectLongHashMap<>();
    private long nextCheckpointNs;
    private long lastWriteRevision;
    private boolean priorityClassesChanged;
    private boolean mirrorStarted;

    private volatile long bound;
    private volatile long preempted;
    private volatile long conflicts;
    private volatile long unschedulableAttempts;
    private volatile long errors;
    private volatile int pendingPods;
    private volatile boolean settled;

    public SchedulerAgent(final SchedulerContext context)
    {
        this.context = context.conclude();
        this.mirror = new Mirror(context.mirrorContext());
        this.tables = mirror.tables();
        this.engine = tables.engine();
        this.source = context.mirrorContext().source();
        this.layout = context.mirrorContext().layout();
        this.clock = context.clock();
        this.cycleClock = context.cycleClock();
        this.listener = context.listener();
        this.changeObserver = context.changeObserver();
        this.errorHandler = context.errorHandler();
        this.queue = new SchedulingQueue(context.queueConfig(), PriorityClasses.NONE, clock::nanoTime).queueingHints(engine);
        this.preemption = context.preemption() ? new DefaultPreemption(context.preemptionSeed()) : null;
        this.nextCheckpointNs = clock.nanoTime() + context.checkpointIntervalNs();
        tables.changeListener(this);
    }

    /** Starts the mirror (list or checkpoint load, then watch); the agent runner calls it on the agent's thread. */
    @Override
    public void onStart()
    {
        if (!mirrorStarted)
        {
            mirrorStarted = true;
            mirror.start();
        }
    }

    @Override
    public int doWork()
    {
        int work = mirror.poll(context.applyLimit());
        final long now = clock.nanoTime();
        if (now - nextCheckpointNs >= 0)
        {
            mirror.checkpoint();
            nextCheckpointNs = now + context.checkpointIntervalNs();
            work++;
        }
        if (mirror.isSynced())
        {
            work += scheduleBatch();
        }
        pendingPods = tables.pendingPods().size();
        settled = mirror.isSynced() && mirror.backlog() == 0 && mirror.revision() >= lastWriteRevision &&
            queue.activeSize() == 0 && queue.backoffSize() == 0 && queue.inFlightSize() == 0;
        return work;
    }

    /** Stops the mirror and commits its checkpoint. */
    @Override
    public void onClose()
    {
        mirror.close();
    }

    @Override
    public String roleName()
    {
        return "berth-scheduler";
    }

    // ---------------------------------------------------------------- scheduling

    private int scheduleBatch()
    {
        if (priorityClassesChanged)
        {
            readmitPendingPods();
        }
        final int limit = context.scheduleLimit();
        int work = 0;
        while (work < limit)
        {
            final PodObject pod = queue.pop();
            if (pod == null)
            {
                break;
            }
            work++;
            try
            {
                schedule(pod);
            }
            catch (final RuntimeException ex)
            {
                errors++;
                engine.removePod(pod.key());
                queue.requeueAfterError(pod);
                errorHandler.onError(new IllegalStateException("scheduling pod " + pod.key() + ": " + ex, ex));
            }
        }
        return work;
    }

    private void schedule(final PodObject pod)
    {
        final long startNs = cycleClock.nanoTime();
        final int slot = engine.schedule(pod);
        listener.onAttempt(pod, slot, cycleClock.nanoTime() - startNs);
        if (slot >= 0)
        {
            bind(pod, engine.table().name(slot));
            return;
        }
        unschedulableAttempts++;
        if (preemption != null && preempt(pod))
        {
            return;
        }
        queue.requeueUnschedulable(pod);
    }

    /** Writes {@code spec.nodeName} with a compare-and-swap on the mod revision the decision was made on. */
    private void bind(final PodObject pod, final String nodeName)
    {
        final String key = layout.pod(pod.namespace(), pod.name());
        final long expected = tables.modRevision(key);
        final long ownStatus = statusWrites.isEmpty() ? ClusterSource.CAS_FAILED :
            statusWrites.removeKeyIfAbsent(key, ClusterSource.CAS_FAILED);
        final KeyValue current = source.get(key);
        long revision = ClusterSource.CAS_FAILED;
        if (current != null && (current.modRevision() == expected || current.modRevision() == ownStatus))
        {
            revision = source.compareAndSwap(key, current.modRevision(),
                withNodeName(key, current.value(), nodeName, pod));
            if (revision != ClusterSource.CAS_FAILED && current.modRevision() != expected)
            {
                tables.bindingWritten(key, revision); // the status version still on its way must not undo the assumption
            }
        }
        if (revision == ClusterSource.CAS_FAILED)
        {
            // lost to another writer (or deleted): forget the assumption; the watch brings the new version
            conflicts++;
            engine.removePod(pod.key());
            queue.requeueAfterError(pod);
            return;
        }
        lastWriteRevision = Math.max(lastWriteRevision, revision);
        queue.done(pod.key());
        queue.onAssignedPodAdd(pod, engine.pods().nodeSlotOf(pod.key()));
        bound++;
        listener.onBound(pod.key(), nodeName, revision);
    }

    private byte[] withNodeName(final String key, final byte[] value, final String nodeName, final PodObject pod)
    {
        final ObjectNode object = storedPod(key, value);
        final ObjectNode spec = child(object, "spec");
        spec.put("nodeName", nodeName);
        if (!spec.has("priority"))
        {
            spec.put("priority", pod.priority()); // as kube's Priority admission would have
        }
        return bytes(key, object);
    }

    private byte[] withNominatedNodeName(final String key, final byte[] value, final String nodeName)
    {
        final ObjectNode object = storedPod(key, value);
        final ObjectNode status = child(object, "status");
        if (nodeName.isEmpty())
        {
            status.remove("nominatedNodeName");
        }
        else
        {
            status.put("nominatedNodeName", nodeName);
        }
        return bytes(key, object);
    }

    /** A stored pod's JSON object. */
    private ObjectNode storedPod(final String key, final byte[] value)
    {
        final JsonNode tree;
        try
        {
            tree = json.readTree(value);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("pod " + key + ": stored value is not readable JSON: " + ex.getMessage(), ex);
        }
        if (!(tree instanceof ObjectNode object))
        {
            throw new IllegalStateException("pod " + key + ": stored value is not a JSON object");
        }
        return object;
    }

    private static ObjectNode child(final ObjectNode object, final String field)
    {
        return object.get(field) instanceof ObjectNode child ? child : object.putObject(field);
    }

    private byte[] bytes(final String key, final ObjectNode object)
    {
        try
        {
            return json.writeValueAsBytes(object);
        }
        catch (final IOException ex)
        {
            throw new IllegalStateException("pod " + key + ": cannot write JSON: " + ex.getMessage(), ex);
        }
    }

    /**
     * kube's PostFilter: when lower-priority pods can be removed to make room, deletes them from the store and
     * requeues the pod nominated to the node (the deletion is a cluster event, so it goes to backoffQ).
     */
    private boolean preempt(final PodObject pod)
    {
        disruptionBudgets.clear();
        disruptionBudgets.addAll(tables.podDisruptionBudgets().values());
        final DefaultPreemption.Result result = preemption.preempt(pod, engine, disruptionBudgets);
        if (!result.preempted())
        {
            if (result.clearsNomination())
            {
                clearNomination(pod);
                if (!pod.nominatedNodeName().isEmpty())
                {
                    queue.update(pod.toBuilder().nominatedNodeName("").build()); // no evaluateNominatedNode next time
                }
            }
            return false;
        }
        for (final DefaultPreemption.Victim victim : result.victims())
        {
            final String victimKey = victim.podKey();
            final long revision = source.delete(storeKey(victimKey));
            if (revision != ClusterSource.CAS_FAILED)
            {
                lastWriteRevision = Math.max(lastWriteRevision, revision);
            }
            preempted++;
            listener.onPreempted(victimKey, victim.nodeName(), pod.key());
        }
        queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
        final String node = result.nominatedNodeName();
        // kube's prepareCandidate: pods of lower priority nominated to the node may no longer fit there
        for (final PodObject other : engine.nominator().nominatedTo(node))
        {
            if (other.priority() < pod.priority())
            {
                clearNomination(other);
                queue.update(other.toBuilder().nominatedNodeName("").build());
            }
        }
        final PodObject nominated = pod.toBuilder().nominatedNodeName(node).build();
        engine.nominator().nominate(nominated, node);
        writeNominatedNodeName(pod.key(), node);
        queue.update(nominated);
        queue.requeueUnschedulable(pod);
        return true;
    }

    /** Ends a pod's nomination, in the engine and, when the stored pod records one, in its status. */
    private void clearNomination(final PodObject pod)
    {
        engine.nominator().remove(pod.key());
        final PodObject stored = tables.pendingPods().get(pod.key());
        if (stored != null && !stored.nominatedNodeName().isEmpty())
        {
            writeNominatedNodeName(pod.key(), "");
        }
    }

    /**
     * Records a pending pod's nomination in its {@code status.nominatedNodeName} ({@code ""} removes it), as
     * kube-scheduler does, with a compare-and-swap on the revision the mirror holds. Best effort: when the pod changed
     * meanwhile the write is skipped (the nomination is kept in the engine either way) and the watch brings the pod.
     */
    private void writeNominatedNodeName(final String podKey, final String nodeName)
    {
        final String key = storeKey(podKey);
        final long expected = tables.modRevision(key);
        final KeyValue current = source.get(key);
        if (current == null || current.modRevision() != expected)
        {
            return;
        }
        final long revision = source.compareAndSwap(key, expected, withNominatedNodeName(key, current.value(), nodeName));
        if (revision != ClusterSource.CAS_FAILED)
        {
            lastWriteRevision = Math.max(lastWriteRevision, revision);
            statusWrites.put(key, revision);
        }
    }

    /** The store key of a pod's {@code namespace/name}. */
    private String storeKey(final String podKey)
    {
        final int slash = podKey.indexOf('/');
        return layout.pod(podKey.substring(0, slash), podKey.substring(slash + 1));
    }

    private void readmitPendingPods()
    {
        priorityClassesChanged = false;
        queue.priorityClasses(PriorityClasses.of(tables.priorityClasses().values()));
        for (final PodObject pod : tables.pendingPods().values())
        {
            if (engine.pods().contains(pod.key()))
            {
                continue; // assumed, its binding not yet seen
            }
            queue.add(pod);
        }
    }

    // ---------------------------------------------------------------- changes applied by the mirror

    @Override
    public void onPendingPod(final PodObject pod)
    {
        final String nominatedNode = pod.nominatedNodeName();
        final String kept = engine.nominator().nodeOf(pod.key());
        if (nominatedNode != null && !nominatedNode.isEmpty())
        {
            engine.nominator().nominate(pod, nominatedNode);
        }
        else if (kept != null)
        {
            engine.nominator().nominate(pod, kept); // a newer version; the nomination this scheduler made stays
        }
        queue.add(pod);
        changeObserver.onPendingPod(pod);
    }

    @Override
    public void onPendingPodGone(final String podKey)
    {
        engine.nominator().remove(podKey);
        if (!statusWrites.isEmpty())
        {
            statusWrites.remove(storeKey(podKey));
        }
        queue.delete(podKey);
        changeObserver.onPendingPodGone(podKey);
    }

    @Override
    public void onAssignedPodGone(final String podKey)
    {
        queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
        changeObserver.onAssignedPodGone(podKey);
    }

    @Override
    public void onBoundPod(final PodObject pod)
    {
        changeObserver.onBoundPod(pod);
    }

    @Override
    public void onNode(final String nodeName, final boolean added)
    {
        queue.onClusterEvent(added ? ClusterEvent.NODE_ADD : ClusterEvent.NODE_UPDATE);
        changeObserver.onNode(nodeName, added);
    }

    @Override
    public void onPriorityClassesChanged()
    {
        priorityClassesChanged = true;
        changeObserver.onPriorityClassesChanged();
    }

    // ---------------------------------------------------------------- observers (any thread)

    /** The mirror; its tables, queue state and engine are for this agent's thread only. */
    public Mirror mirror()
    {
        return mirror;
    }

    /** The scheduling queue (agent's thread only). */
    public SchedulingQueue queue()
    {
        return queue;
    }

    /** Pods bound in the store by this agent. */
    public long bound()
    {
        return bound;
    }

    /** Pods deleted from the store as preemption victims. */
    public long preempted()
    {
        return preempted;
    }

    /** Bindings that lost their compare-and-swap (the pod changed or vanished between decision and write). */
    public long conflicts()
    {
        return conflicts;
    }

    /** Scheduling attempts that found no feasible node. */
    public long unschedulableAttempts()
    {
        return unschedulableAttempts;
    }

    /** Errors on the agent's thread (each reported to the error handler). */
    public long errors()
    {
        return errors;
    }

    /** Pods without a node in the mirror as of the last duty cycle. */
    public int pendingPods()
    {
        return pendingPods;
    }

    /**
     * True when, as of the last duty cycle, the mirror is synced and has applied this agent's own writes, and no pod
     * waits in activeQ or backoffQ: the pods still pending are unschedulable (or gated) until the cluster changes.
     */
    public boolean isSettled()
    {
        return settled;
    }
}
