package io.berth.perf.replay;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.WatchHandle;
import io.berth.mirror.source.WatchListener;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/**
 * Writes a {@link TracePlan} into a store at scaled real time, as kube-apiserver's clients, kubelets and the pod
 * garbage collector would: nodes put, pods created (a compare-and-swap on "absent"), pods deleted at their trace
 * deletion time, bound pods deleted {@code runNs} after their binding, and the pods of a deleted node deleted before
 * it. An {@link Agent} on an injected {@link VirtualClock}: each duty cycle does what is due at the clock's virtual
 * time, deletions first, then trace events in order (at most {@link #WRITE_LIMIT} writes).
 * <p>
 * Bindings are learnt as a kubelet learns them: from a watch of the store (the whole cluster prefix, so the feeder
 * knows the revision up to which it has seen everything). The watch's thread parses {@code spec.nodeName} out of each
 * pod put and hands (revision, key, node) to the feeder's thread through an Agrona ring; the feeder starts the pod's
 * run time when it reads a binding there. Deletions by others (preemption) end a pod's run the same way.
 */
final class TraceFeeder implements Agent
{
    /** Writes per duty cycle at most (with delivery on the writer's thread the handoff ring must hold their echoes). */
    static final int WRITE_LIMIT = 1024;
    /** Watch messages drained per duty cycle at most. */
    static final int DRAIN_LIMIT = 4096;
    /** The store is compacted once the watchers have passed this many revisions since the last compaction. */
    static final long COMPACT_EVERY_REVISIONS = 16_384;
    static final int HANDOFF_RING_BYTES = 1 << 20;

    private static final int MSG_OTHER = 1;
    private static final int MSG_POD_PUT = 2;
    private static final int MSG_POD_DELETE = 3;

    private static final byte NEW = 0;
    /** Written, not yet seen bound. */
    private static final byte CREATED = 1;
    private static final byte BOUND = 2;
    private static final byte GONE = 3;
    /** A creation not written: a duplicate of a live pod's key, or a terminal pod. */
    private static final byte IGNORED = 4;

    private final TracePlan plan;
    private final ClusterSource store;
    private final KeyLayout layout;
    private final VirtualClock clock;
    private final boolean keepPods;
    private final LongSupplier mirrorRevision;
    private final ErrorHandler errorHandler;
    private final KubeJsonWriter writer = new KubeJsonWriter();
    private final String podsPrefix;

    private final byte[] state;
    private final long[] createRevision;
    private final String[] boundNode;
    private final ObjectIntHashMap<String> liveIdByKey;
    private final DeletionHeap completions = new DeletionHeap(1024);
    /** Nodes the trace deleted (and did not bring back): a binding to one seen later is collected at once. */
    private final Set<String> deletedNodes = new HashSet<>();
    private final ManyToOneRingBuffer handoff;
    private final MessageHandler handler = this::onWatched;
    private WatchHandle watch;
    private int nextEvent;
    private long seenRevision;
    private long compactedRevision;
    private long virtualNowNs;

    private volatile boolean started;
    private volatile long idleAtRevision = -1;
    private volatile long eventsWritten;
    private volatile long lastTraceRevision;
    private volatile boolean traceWritten;
    private volatile long podsWritten;
    private volatile long podsCompleted;
    private volatile long podsDeletedByTrace;
    private volatile long podsLostWithNodes;
    private volatile long duplicateCreates;
    private volatile long bindingsSeen;
    private volatile long deletionsSeen;
    private volatile long watchEvents;
    private final AtomicLong errors = new AtomicLong();

    /**
     * @param mirrorRevision the revision the store's other watcher (the mirror) has applied: compaction never
     *                       passes it.
     */
    TraceFeeder(final TracePlan plan, final ClusterSource store, final KeyLayout layout, final VirtualClock clock,
        final boolean keepPods, final LongSupplier mirrorRevision, final ErrorHandler errorHandler)
    {
        this.plan = plan;
        this.store = store;
        this.layout = layout;
        this.clock = clock;
        this.keepPods = keepPods;
        this.mirrorRevision = mirrorRevision;
        this.errorHandler = errorHandler;
        this.podsPrefix = layout.pods();
        this.state = new byte[plan.podCount];
        this.createRevision = new long[plan.podCount];
        this.boundNode = new String[plan.podCount];
        this.liveIdByKey = new ObjectIntHashMap<>(Math.max(16, Math.min(plan.podCount, 1 << 20)));
        this.handoff = new ManyToOneRingBuffer(new UnsafeBuffer(
            ByteBuffer.allocateDirect(HANDOFF_RING_BYTES + RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /**
     * Starts virtual time, opens the watch at the store's next revision and writes the trace's nodes at time 0. Call
     * once on the thread that then runs the agent (before its runner starts).
     */
    void start()
    {
        seenRevision = store.currentRevision();
        compactedRevision = seenRevision;
        watch = store.watch(layout.root(), seenRevision + 1, new KubeletWatch());
        clock.start();
        for (final NodeObject node : plan.trace.nodes())
        {
            put(layout.node(node.name()), writer.node(node), "node " + node.name());
        }
        started = true;
    }

    /** True once {@link #start()} has set virtual time 0: before, the virtual clock means nothing. */
    boolean started()
    {
        return started;
    }

    @Override
    public int doWork()
    {
        virtualNowNs = clock.nanoTime(); // a binding read below starts its run now
        int work = handoff.read(handler, DRAIN_LIMIT);
        int writes = 0;
        while (writes < WRITE_LIMIT && completions.peekTime() <= virtualNowNs)
        {
            final int id = completions.peekId();
            completions.pop();
            if (state[id] == BOUND && deletePod(id))
            {
                podsCompleted++;
            }
            writes++;
        }
        final TraceEvent[] events = plan.events;
        final long[] timeNs = plan.timeNs;
        while (writes < WRITE_LIMIT && nextEvent < events.length && timeNs[nextEvent] <= virtualNowNs)
        {
            final int i = nextEvent++;
            apply(events[i], plan.podIdOfEvent[i]);
            writes++;
        }
        if (nextEvent == events.length && !traceWritten)
        {
            lastTraceRevision = store.currentRevision();
            traceWritten = true;
        }
        eventsWritten = nextEvent;
        compact();
        idleAtRevision = nextEvent == events.length && completions.size() == 0 ? seenRevision : -1;
        return work + writes;
    }

    @Override
    public void onClose()
    {
        if (watch != null)
        {
            watch.close();
        }
    }

    @Override
    public String roleName()
    {
        return "berth-replay-feeder";
    }

    // ---------------------------------------------------------------- trace events (feeder thread)

    private void apply(final TraceEvent event, final int id)
    {
        switch (event.kind())
        {
            case NODE_UPSERT ->
            {
                deletedNodes.remove(event.node().name());
                put(layout.node(event.node().name()), writer.node(event.node()), "node " + event.node().name());
            }
            case NODE_DELETE -> deleteNode(event.node().name());
            case POD_CREATE -> create(event.pod(), id);
            case POD_DELETE ->
            {
                if (id >= 0 && (state[id] == CREATED || state[id] == BOUND) && deletePod(id))
                {
                    podsDeletedByTrace++;
                }
            }
        }
    }

    private void create(final PodObject pod, final int id)
    {
        final String key = plan.podKeys[id];
        if (liveIdByKey.containsKey(key))
        {
            duplicateCreates++;
            state[id] = IGNORED;
            return;
        }
        if (pod.isTerminal())
        {
            state[id] = IGNORED;
            return;
        }
        final String storeKey = layout.pod(pod.namespace(), pod.name());
        final long revision;
        try
        {
            revision = store.compareAndSwap(storeKey, ClusterSource.ABSENT, writer.pod(pod));
        }
        catch (final RuntimeException ex)
        {
            error("pod " + key + ": create", ex);
            state[id] = IGNORED;
            return;
        }
        if (revision == ClusterSource.CAS_FAILED)
        {
            duplicateCreates++; // the key exists in the store (created by someone else)
            state[id] = IGNORED;
            return;
        }
        podsWritten++;
        state[id] = CREATED;
        createRevision[id] = revision;
        liveIdByKey.put(key, id);
    }

    /** The pod garbage collector: the pods bound to the node go first, then the node. */
    private void deleteNode(final String name)
    {
        deletedNodes.add(name);
        for (int id = 0; id < state.length; id++)
        {
            if (state[id] == BOUND && name.equals(boundNode[id]) && deletePod(id))
            {
                podsLostWithNodes++;
            }
        }
        try
        {
            store.delete(layout.node(name));
        }
        catch (final RuntimeException ex)
        {
            error("node " + name + ": delete", ex);
        }
    }

    /** Deletes a live pod's key; the pod is gone for the feeder whatever the store answers. */
    private boolean deletePod(final int id)
    {
        final String key = plan.podKeys[id];
        state[id] = GONE;
        boundNode[id] = null;
        liveIdByKey.remove(key);
        final int slash = key.indexOf('/');
        try
        {
            return store.delete(layout.pod(key.substring(0, slash), key.substring(slash + 1))) != ClusterSource.CAS_FAILED;
        }
        catch (final RuntimeException ex)
        {
            error("pod " + key + ": delete", ex);
            return false;
        }
    }

    private void put(final String key, final byte[] value, final String what)
    {
        try
        {
            store.put(key, value);
        }
        catch (final RuntimeException ex)
        {
            error(what + ": put", ex);
        }
    }

    private void compact()
    {
        final long target = Math.min(seenRevision, mirrorRevision.getAsLong());
        if (target - compactedRevision >= COMPACT_EVERY_REVISIONS)
        {
            try
            {
                store.compact(target);
                compactedRevision = target;
            }
            catch (final RuntimeException ex)
            {
                error("compaction at revision " + target, ex);
                compactedRevision = target;
            }
        }
    }

    private void error(final String what, final RuntimeException ex)
    {
        errors.incrementAndGet();
        errorHandler.onError(new IllegalStateException("replay feeder: " + what + ": " + ex.getMessage(), ex));
    }

    // ---------------------------------------------------------------- what the watch saw (feeder thread)

    private void onWatched(final int type, final MutableDirectBuffer buffer, final int index, final int length)
    {
        final long revision = buffer.getLong(index);
        seenRevision = Math.max(seenRevision, revision);
        watchEvents++;
        if (type == MSG_OTHER)
        {
            return;
        }
        final int keyLength = buffer.getInt(index + Long.BYTES);
        final String podKey = buffer.getStringWithoutLengthUtf8(index + Long.BYTES + Integer.BYTES, keyLength);
        final int id = liveIdByKey.getIfAbsent(podKey, -1);
        if (id < 0)
        {
            return;
        }
        if (type == MSG_POD_DELETE)
        {
            if (revision > createRevision[id])
            {
                // deleted by someone else (a preemption): its run ends
                deletionsSeen++;
                state[id] = GONE;
                boundNode[id] = null;
                liveIdByKey.remove(podKey);
            }
            return;
        }
        final int nodeOffset = index + Long.BYTES + Integer.BYTES + keyLength;
        final int nodeLength = length - (nodeOffset - index);
        if (nodeLength > 0 && state[id] == CREATED && revision >= createRevision[id])
        {
            bindingsSeen++;
            state[id] = BOUND;
            boundNode[id] = buffer.getStringWithoutLengthUtf8(nodeOffset, nodeLength);
            if (!deletedNodes.isEmpty() && deletedNodes.contains(boundNode[id]))
            {
                // bound to a node deleted meanwhile (the binding crossed the deletion): the pod GC takes it
                if (deletePod(id))
                {
                    podsLostWithNodes++;
                }
                return;
            }
            final long run = plan.runNs[id];
            if (run >= 0 && !keepPods)
            {
                completions.push(virtualNowNs + run, id);
            }
        }
    }

    /** The watch's side: runs on the store's delivery thread, parses, hands over. */
    private final class KubeletWatch implements WatchListener
    {
        private final JsonFactory json = new JsonFactory();
        private final ExpandableArrayBuffer message = new ExpandableArrayBuffer(256);

        @Override
        public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
        {
            message.putLong(0, modRevision);
            int length = Long.BYTES;
            int type = MSG_OTHER;
            if (isPodKey(key))
            {
                type = delete ? MSG_POD_DELETE : MSG_POD_PUT;
                final int podKeyLength = key.length - podsPrefix.length();
                message.putInt(length, podKeyLength);
                length += Integer.BYTES;
                message.putBytes(length, key, podsPrefix.length(), podKeyLength);
                length += podKeyLength;
                if (!delete)
                {
                    final String nodeName = nodeNameOf(value);
                    if (nodeName != null && !nodeName.isEmpty())
                    {
                        length += message.putStringWithoutLengthUtf8(length, nodeName);
                    }
                }
            }
            while (!handoff.write(type, message, 0, length))
            {
                Thread.onSpinWait(); // the feeder drains every duty cycle
            }
        }

        @Override
        public void onCompacted(final long compactRevision)
        {
            error("kubelet watch", new IllegalStateException("watch fell behind compaction at revision " + compactRevision));
        }

        @Override
        public void onError(final Throwable error)
        {
            errors.incrementAndGet();
            errorHandler.onError(new IllegalStateException("replay feeder: kubelet watch ended: " + error, error));
        }

        private boolean isPodKey(final byte[] key)
        {
            final String prefix = podsPrefix;
            if (key.length <= prefix.length())
            {
                return false;
            }
            for (int i = 0, n = prefix.length(); i < n; i++)
            {
                if (key[i] != (byte)prefix.charAt(i))
                {
                    return false;
                }
            }
            return true;
        }

        /** {@code spec.nodeName} of a stored pod, or null (absent, or the value is not readable JSON). */
        private String nodeNameOf(final byte[] value)
        {
            try (JsonParser p = json.createParser(value))
            {
                if (p.nextToken() != JsonToken.START_OBJECT)
                {
                    return null;
                }
                while (p.nextToken() == JsonToken.FIELD_NAME)
                {
                    final String field = p.currentName();
                    final JsonToken token = p.nextToken();
                    if ("spec".equals(field) && token == JsonToken.START_OBJECT)
                    {
                        while (p.nextToken() == JsonToken.FIELD_NAME)
                        {
                            final String specField = p.currentName();
                            final JsonToken specToken = p.nextToken();
                            if ("nodeName".equals(specField) && specToken == JsonToken.VALUE_STRING)
                            {
                                return p.getText();
                            }
                            p.skipChildren();
                        }
                        return null;
                    }
                    p.skipChildren();
                }
                return null;
            }
            catch (final IOException ex)
            {
                return null; // a corrupt value: not a binding
            }
        }
    }

    // ---------------------------------------------------------------- observers (any thread)

    /** The store revision up to which the feeder has seen every change and has nothing due, or -1. */
    long idleAtRevision()
    {
        return idleAtRevision;
    }

    /** True once every trace event is written; {@link #lastTraceRevision()} is then the store's revision after it. */
    boolean traceWritten()
    {
        return traceWritten;
    }

    long lastTraceRevision()
    {
        return lastTraceRevision;
    }

    long eventsWritten()
    {
        return eventsWritten;
    }

    long podsWritten()
    {
        return podsWritten;
    }

    long podsCompleted()
    {
        return podsCompleted;
    }

    long podsDeletedByTrace()
    {
        return podsDeletedByTrace;
    }

    long podsLostWithNodes()
    {
        return podsLostWithNodes;
    }

    long duplicateCreates()
    {
        return duplicateCreates;
    }

    /** Pods the kubelet watch saw bound (each once). */
    long bindingsSeen()
    {
        return bindingsSeen;
    }

    /** Live pods the kubelet watch saw deleted by someone else. */
    long deletionsSeen()
    {
        return deletionsSeen;
    }

    /** Events the kubelet watch delivered. */
    long watchEvents()
    {
        return watchEvents;
    }

    /** Failed writes and watch failures (each reported to the error handler). */
    long errors()
    {
        return errors.get();
    }
}
