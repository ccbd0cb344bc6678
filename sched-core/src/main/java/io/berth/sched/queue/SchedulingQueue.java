package io.berth.sched.queue;

import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.PodObject;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * kube-scheduler's {@code PriorityQueue} (v1.33/v1.34), for one scheduling thread that owns it: pending pods wait
 * in one of activeQ, backoffQ (and the error backoffQ), unschedulablePods or, held by scheduling gates, the gated
 * pool; a popped pod is in flight until {@link #done}, a requeue or {@link #delete}.
 * <ul>
 * <li>activeQ is ordered as kube's {@code PrioritySort}: priority descending, then the queue timestamp ascending
 * (when the pod was added, or when its last attempt failed), then, to make ties deterministic where kube's heap
 * leaves them arbitrary, creation timestamp and insertion order.</li>
 * <li>A pod whose attempt failed waits {@code initialBackoff * 2^(attempts-1)}, capped at the maximum, counted from
 * the failure; with {@link SchedulingQueueConfig#popFromBackoffQ()} expiries are truncated to whole seconds, a
 * pod is still backing off while its expiry is in the current second or later, backoffQ orders pods of the same
 * expiry as activeQ does, and {@link #pop()} takes backoffQ's head when activeQ is empty.</li>
 * <li>{@link #requeueUnschedulable} parks a pod in unschedulablePods unless a cluster event (or an update of the
 * pod itself) arrived while it was in flight, in which case it goes to backoffQ. {@link #onClusterEvent} moves
 * every unschedulable pod to backoffQ, or to activeQ when its backoff is over; so does the flush of pods
 * unschedulable for longer than {@code maxInUnschedulableNs} (kube runs it every 30 s; here {@link #pop()} runs it
 * as soon as it is due). {@link #requeueAfterError} sends the pod to the error backoffQ.</li>
 * <li>A pod with scheduling gates is held in the gated pool, untouched by events and flushes, until
 * {@link #update} shows every gate removed.</li>
 * <li>Pods are admitted once on {@link #add}/{@link #update}: priority and preemption policy resolved by
 * {@link PriorityClasses}, as kube's admission does at creation.</li>
 * </ul>
 * The state of each pod lives in parallel arrays indexed by a slot; the heaps hold slots. {@link #pop()} allocates
 * nothing. The clock is injected and nothing sleeps: time passes only when the clock says so.
 * <p>
 * <h2>Queueing hints</h2>
 * With {@link SchedulingQueueConfig#queueingHints()}, popFromBackoffQ and an engine given to
 * {@link #queueingHints}, the assigned-pod events that come with their pod ({@link #onAssignedPodDelete},
 * {@link #onAssignedPodAdd}) move only the unschedulable pods that {@link QueueingHints} cannot prove would fail
 * again: a pod-to-pod pod (required pod (anti)-affinity, DoNotSchedule spread) whose terms count the changed
 * pod, a pod the deleted pod's anti-affinity repelled, and, after a deletion on node N, a pod that now fits on N.
 * Node-local pods (every other pod) can only fit on the nodes of the round's deletions, so they go through a
 * <em>chain</em> instead of all moving at once: the first of them in the exhaustive queue's order with room
 * (cpu, memory, GPU) on such a node moves, tentatively; when its turn comes {@link #pop()} hands it out only if
 * it passes every filter on one of those nodes (else it is left waiting, its retry booked), and moves the next
 * one with room behind it. A deletion costs one pass of arithmetic over the waiting pods and an attempt for the
 * pods that fit, instead of an attempt for every waiting pod. Waiting pods are kept in two lists (pod-to-pod and
 * the rest) so that a placement visits only the first. Events without their pod ({@link #onClusterEvent}) and
 * node events move every pod, as without hints.
 * <p>
 * Deviation from kube, on purpose: the hinted queue makes the same decisions as the exhaustive one (hints off),
 * which the replay's equivalence test checks. The exhaustive queue retries every waiting pod after each event,
 * and a failed attempt moves the pod's queue timestamp to the failure and adds one to its attempts (so its
 * order in activeQ and its backoff). A pod a hint leaves waiting would have failed that retry, so the hinted
 * queue books it as done, lazily: a <em>round</em> opens at the first event after the queue was last drained
 * ({@link #pop()} returned null) and closes at the next drain; a pod left waiting through k closed rounds gets
 * k attempts and the last round's close as its timestamp when it is next read (moved, flushed, updated, shown).
 * A placement during a round also moves the waiting pod-to-pod pods it counts that the exhaustive queue would
 * pop after it in that round (compared by their queue keys), since those would have seen it. This is exact when
 * events arrive between drains on a clock that stands still during a drain (the replay, {@code berth schedule}
 * without preemption); with events during a drain (preemption's deletions) or a running clock, orders can
 * differ as they do between kube with and without hints. kube's hinted queue keeps the old timestamp and
 * attempts of a pod it leaves waiting. {@link #schedulingCycle()} counts real pops only.
 * <p>
 * Other simplifications of kube: an update of an unschedulable pod other than its status moves it (as kube does
 * with hints disabled); the nominator is the engine's ({@link io.berth.sched.framework.Nominator}), fed by the
 * scheduler; the periodic flushes run when {@link #pop()} or {@link #flush()} is called rather than on tickers.
 */
public final class SchedulingQueue
{
    private static final byte DETACHED = 0;
    private static final byte ACTIVE = 1;
    private static final byte BACKOFF = 2;
    private static final byte ERROR_BACKOFF = 3;
    private static final byte UNSCHEDULABLE = 4;
    private static final byte GATED = 5;
    private static final byte IN_FLIGHT = 6;

    private static final int ACTIVE_ORDER = 0;
    private static final int BACKOFF_ORDER = 1;
    private static final int ERROR_BACKOFF_ORDER = 2;

    private static final long NO_TIME = QueuedPodInfo.NO_TIME;
    private static final int INITIAL_CAPACITY = 64;

    private final SchedulingQueueConfig config;
    private final LongSupplier nanoClock;
    private PriorityClasses priorityClasses;

    private final ObjectIntHashMap<String> slotByKey = new ObjectIntHashMap<>();
    private PodObject[] pods = new PodObject[INITIAL_CAPACITY];
    private int[] priorities = new int[INITIAL_CAPACITY];
    private long[] creationMs = new long[INITIAL_CAPACITY];
    private long[] timestampNs = new long[INITIAL_CAPACITY];
    private long[] initialAttemptNs = new long[INITIAL_CAPACITY];
    private int[] attempts = new int[INITIAL_CAPACITY];
    private long[] backoffExpiryNs = new long[INITIAL_CAPACITY];
    private long[] sequences = new long[INITIAL_CAPACITY];
    private byte[] states = new byte[INITIAL_CAPACITY];
    private int[] positions = new int[INITIAL_CAPACITY];
    private long[] poppedAtEvent = new long[INITIAL_CAPACITY];
    private boolean[] updatedInFlight = new boolean[INITIAL_CAPACITY];
    private boolean[] unknownClass = new boolean[INITIAL_CAPACITY];
    private int[] freeSlots = new int[INITIAL_CAPACITY];
    // queueing hints: per slot
    private long[] parkRound = new long[INITIAL_CAPACITY];
    private boolean[] described = new boolean[INITIAL_CAPACITY];
    private boolean[] podToPod = new boolean[INITIAL_CAPACITY];
    private long[] requestCpu = new long[INITIAL_CAPACITY];
    private long[] requestMemory = new long[INITIAL_CAPACITY];
    private long[] requestGpuMilli = new long[INITIAL_CAPACITY];
    private long[] parkedSpreadMinimum = new long[INITIAL_CAPACITY];
    private long[] requestGpuWhole = new long[INITIAL_CAPACITY];
    /**
     * Lower bounds of the requests of the pods in unschedulablePods, per GPU kind (0 none, 1 a share of one device,
     * 2 whole devices): lowered when a pod joins, made exact by every full walk of {@link #nextCandidate}, never
     * raised when a pod leaves (a stale bound only costs a walk).
     */
    private final long[] waitingMinCpu = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    private final long[] waitingMinMemory = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    private final long[] waitingMinGpu = {Long.MAX_VALUE, Long.MAX_VALUE, Long.MAX_VALUE};
    /** Bumped whenever room on the round's nodes may have grown or the waiting pods' order may have changed. */
    private long roomEpoch;
    /** The chain's candidates (see {@link #collectCandidates}), their sequences when listed, and the walk's place. */
    private int[] candidateSlots = new int[64];
    private int[] candidateScratch = new int[64];
    private long[] candidateSequences = new long[64];
    private int candidateCount;
    private int candidateCursor;
    private long candidatesRoomEpoch = -1;
    private long candidatesNowNs;
    private long candidatesRound;
    private int[] podToPodPositions = new int[INITIAL_CAPACITY];
    private int freeCount;
    private int slotLimit;

    private final SlotHeap activeQ = new SlotHeap(ACTIVE_ORDER);
    private final SlotHeap backoffQ = new SlotHeap(BACKOFF_ORDER);
    private final SlotHeap errorBackoffQ = new SlotHeap(ERROR_BACKOFF_ORDER);
    private final SlotList unschedulablePods = new SlotList(false);
    /** The pod-to-pod pods of unschedulablePods (hints only). */
    private final SlotList unschedulablePodToPod = new SlotList(true);
    private final SlotList gatedPods = new SlotList(false);
    private int inFlightCount;

    private long nextSequence;
    private long eventCount;
    private long schedulingCycle;
    private long leftoverDeadlineNs = Long.MAX_VALUE;
    private long unknownClassPods;

    private QueueingHints hints;
    private final long[] scratchRequests = new long[2];
    /** Rounds closed so far: events followed by a drain (see the class comment). */
    private long closedRounds;
    private boolean roundOpen;
    /** A pop happened since the round opened (the drain began). */
    private boolean poppedInRound;
    /** The chain's pod in activeQ or backoffQ (see {@link #restartChain}), or -1. */
    private int tentativeSlot = -1;
    private long lastRoundNs;
    // the keys of the last popped pod, where the exhaustive queue would have had it
    private int lastPopSlot = -1;
    private boolean lastPopActive;
    private int lastPopPriority;
    private long lastPopTimestampNs;
    private long lastPopCreationMs;
    private long lastPopSequence;
    private long lastPopExpiryNs;

    /**
     * @param config          timings, already validated.
     * @param priorityClasses resolves the priority of pods added from now on.
     * @param nanoClock       monotonic nanoseconds, such as {@code System::nanoTime} or a test's hand-advanced clock.
     */
    public SchedulingQueue(
        final SchedulingQueueConfig config, final PriorityClasses priorityClasses, final LongSupplier nanoClock)
    {
        this.config = Objects.requireNonNull(config, "config");
        this.priorityClasses = Objects.requireNonNull(priorityClasses, "priorityClasses");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        Arrays.fill(initialAttemptNs, NO_TIME);
        Arrays.fill(backoffExpiryNs, NO_TIME);
    }

    /** With kube's default timings and only the built-in priority classes. */
    public SchedulingQueue(final LongSupplier nanoClock)
    {
        this(SchedulingQueueConfig.DEFAULT, PriorityClasses.NONE, nanoClock);
    }

    public SchedulingQueueConfig config()
    {
        return config;
    }

    /**
     * Gives the queue the engine its pods are scheduled by, so that {@link #onAssignedPodDelete} and
     * {@link #onAssignedPodAdd} can use queueing hints (when the config has them on). Call before adding pods.
     */
    public SchedulingQueue queueingHints(final SchedulingEngine engine)
    {
        this.hints = new QueueingHints(Objects.requireNonNull(engine, "engine"));
        return this;
    }

    /** Whether assigned-pod events are filtered by queueing hints. */
    public boolean isHinted()
    {
        return hints != null && config.queueingHints() && config.popFromBackoffQ();
    }

    public PriorityClasses priorityClasses()
    {
        return priorityClasses;
    }

    /** Replaces the classes that resolve the priority of pods added or updated from now on. */
    public void priorityClasses(final PriorityClasses classes)
    {
        priorityClasses = Objects.requireNonNull(classes, "classes");
    }

    /**
     * Adds a new pending pod: to activeQ, or to the gated pool when it has scheduling gates. A pod already known
     * is {@link #update updated} instead; a bound or terminal pod that is not known is ignored.
     *
     * @return whether the queue holds the pod afterwards.
     */
    public boolean add(final PodObject pod)
    {
        if (slotOf(pod.key()) >= 0)
        {
            return update(pod);
        }
        if (pod.isBound() || pod.isTerminal())
        {
            return false;
        }
        final long now = nanoClock.getAsLong();
        final int slot = allocateSlot();
        final boolean unknown = priorityClasses.isUnknownClass(pod);
        final PodObject admitted = priorityClasses.admit(pod);
        pods[slot] = admitted;
        slotByKey.put(admitted.key(), slot);
        priorities[slot] = admitted.priority();
        creationMs[slot] = admitted.creationTimestampMs();
        timestampNs[slot] = now;
        initialAttemptNs[slot] = NO_TIME;
        attempts[slot] = 0;
        backoffExpiryNs[slot] = NO_TIME;
        sequences[slot] = nextSequence++;
        states[slot] = DETACHED;
        poppedAtEvent[slot] = 0;
        updatedInFlight[slot] = false;
        unknownClass[slot] = unknown;
        described[slot] = false;
        podToPod[slot] = false;
        parkRound[slot] = 0;
        if (unknown)
        {
            unknownClassPods++;
        }
        toActive(slot, now);
        return true;
    }

    /**
     * Replaces a queued pod with its new version. In activeQ or backoffQ it stays, reordered; in unschedulablePods
     * a change other than to its status moves it to backoffQ (or activeQ when its backoff is over); in the gated
     * pool it moves likewise once no gate remains; in flight the new version is kept and, if changed other than
     * in its status, a later {@link #requeueUnschedulable} sends it to backoffQ. A pod not known is added; a pod
     * now bound or terminal is deleted.
     *
     * @return whether the queue holds the pod afterwards.
     */
    public boolean update(final PodObject pod)
    {
        final int slot = slotOf(pod.key());
        if (pod.isBound() || pod.isTerminal())
        {
            if (slot >= 0)
            {
                delete(pod.key());
            }
            return false;
        }
        if (slot < 0)
        {
            return add(pod);
        }
        roomEpoch++; // the pod's order may change
        final PodObject old = pods[slot];
        final boolean unknown = priorityClasses.isUnknownClass(pod);
        final PodObject admitted = priorityClasses.admit(pod);
        pods[slot] = admitted;
        priorities[slot] = admitted.priority();
        creationMs[slot] = admitted.creationTimestampMs();
        unknownClass[slot] = unknown;
        if (states[slot] != UNSCHEDULABLE)
        {
            described[slot] = false; // requests or terms may have changed: described again when it next waits
        }
        if (slot == tentativeSlot)
        {
            abandonChain(nanoClock.getAsLong());
        }
        switch (states[slot])
        {
            case ACTIVE -> activeQ.fix(slot);
            case BACKOFF -> backoffQ.fix(slot);
            case ERROR_BACKOFF -> errorBackoffQ.fix(slot);
            case UNSCHEDULABLE ->
            {
                if (isUpdated(old, admitted))
                {
                    materialize(slot);
                    described[slot] = false;
                    requeueAfterBackoff(slot, nanoClock.getAsLong(), false);
                }
            }
            case GATED ->
            {
                if (admitted.schedulingGates().isEmpty())
                {
                    requeueAfterBackoff(slot, nanoClock.getAsLong(), false);
                }
            }
            case IN_FLIGHT -> updatedInFlight[slot] |= isUpdated(old, admitted);
            default -> throw new IllegalStateException("pod " + pod.key() + " in state " + states[slot]);
        }
        return true;
    }

    /**
     * Forgets a pod wherever it is, in flight included (a later requeue of it is ignored).
     *
     * @return whether it was known.
     */
    public boolean delete(final String key)
    {
        final int slot = slotOf(key);
        if (slot < 0)
        {
            return false;
        }
        if (slot == tentativeSlot)
        {
            // the chain goes on from where the deleted pod was
            final long now = nanoClock.getAsLong();
            tentativeSlot = -1;
            final int next = nextCandidate(slot, now);
            detach(slot);
            releaseSlot(slot);
            if (next >= 0)
            {
                requeueAfterBackoff(next, now, false);
                tentativeSlot = next;
            }
            return true;
        }
        detach(slot);
        releaseSlot(slot);
        return true;
    }

    /**
     * The next pod to schedule, now in flight, or null when none is ready. First moves to activeQ the pods whose
     * backoff is over, and flushes the pods unschedulable for too long. Increments the pod's attempts and the
     * scheduling cycle.
     */
    public PodObject pop()
    {
        final long now = nanoClock.getAsLong();
        flushBackoffCompleted(now);
        if (now >= leftoverDeadlineNs)
        {
            flushUnschedulableLeftover(now);
        }
        int slot;
        for (;;)
        {
            if (activeQ.size > 0)
            {
                slot = activeQ.pop();
                lastPopActive = true;
            }
            else if (config.popFromBackoffQ() && backoffQ.size > 0)
            {
                slot = backoffQ.pop();
                lastPopActive = false;
            }
            else
            {
                if (roundOpen)
                {
                    closeRound(now);
                }
                return null;
            }
            poppedInRound = true;
            if (slot != tentativeSlot)
            {
                break;
            }
            // the chain's pod: its attempt, where the exhaustive queue makes it, only if it fits a freed node now
            states[slot] = DETACHED;
            tentativeSlot = -1;
            final boolean fits = hints.fitsOnAny(pods[slot], requestCpu[slot], requestMemory[slot]);
            final int next = nextCandidate(slot, now);
            if (!fits)
            {
                reparkVirtual(slot);
            }
            if (next >= 0)
            {
                requeueAfterBackoff(next, now, false);
                tentativeSlot = next;
            }
            if (fits)
            {
                break;
            }
        }
        lastPopSlot = slot;
        lastPopPriority = priorities[slot];
        lastPopTimestampNs = timestampNs[slot];
        lastPopCreationMs = creationMs[slot];
        lastPopSequence = sequences[slot];
        lastPopExpiryNs = backoffExpiryNs[slot];
        states[slot] = IN_FLIGHT;
        inFlightCount++;
        attempts[slot]++;
        backoffExpiryNs[slot] = NO_TIME;
        poppedAtEvent[slot] = eventCount;
        updatedInFlight[slot] = false;
        schedulingCycle++;
        return pods[slot];
    }

    /**
     * The popped pod was scheduled (bound or assumed): forget it.
     *
     * @return whether it was in flight.
     */
    public boolean done(final String key)
    {
        final int slot = slotOf(key);
        if (slot < 0 || states[slot] != IN_FLIGHT)
        {
            return false;
        }
        if (roundOpen && slot == lastPopSlot && isHinted() &&
            (unschedulablePodToPod.size > 0 || tentativeSlot >= 0 && podToPod[tentativeSlot]))
        {
            admitCountedBehind(pods[slot]);
        }
        detach(slot);
        releaseSlot(slot);
        return true;
    }

    /**
     * The popped pod was found unschedulable (kube's {@code AddUnschedulableIfNotPresent} with rejecting plugins):
     * its timestamp becomes now, and it goes to unschedulablePods, or to backoffQ when a cluster event or an update
     * of the pod arrived while it was in flight. The queue keeps its own latest version of the pod; only the key
     * of {@code pod} is read.
     *
     * @return false when the pod is not in flight (deleted meanwhile, or never popped), and nothing happens.
     */
    public boolean requeueUnschedulable(final PodObject pod)
    {
        return requeue(pod.key(), false);
    }

    /**
     * The popped pod failed with an error rather than a verdict (a failed bind, say): it goes to the error
     * backoffQ, or to activeQ if its backoff is already over.
     *
     * @return false when the pod is not in flight, and nothing happens.
     */
    public boolean requeueAfterError(final PodObject pod)
    {
        return requeue(pod.key(), true);
    }

    /** A cluster event: every unschedulable pod moves to backoffQ, or to activeQ when its backoff is over. */
    public void onClusterEvent(final ClusterEvent event)
    {
        Objects.requireNonNull(event, "event");
        beginEvent();
        roomEpoch++;
        final long now = nanoClock.getAsLong();
        tentativeSlot = -1; // every waiting pod gets its attempt
        while (unschedulablePods.size > 0)
        {
            final int slot = unschedulablePods.slots[unschedulablePods.size - 1];
            materialize(slot);
            requeueAfterBackoff(slot, now, false);
        }
        leftoverDeadlineNs = Long.MAX_VALUE;
    }

    /**
     * An assigned pod was deleted from node slot {@code nodeSlot} (of the engine given to {@link #queueingHints}),
     * and is no longer accounted there. With hints, moves the unschedulable pods that now fit on that node, the
     * pod-to-pod pods whose terms count the deleted pod and those its anti-affinity repelled; without,
     * {@link ClusterEvent#ASSIGNED_POD_DELETE}.
     */
    public void onAssignedPodDelete(final PodObject deleted, final int nodeSlot)
    {
        if (!isHinted())
        {
            onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
            return;
        }
        beginEvent();
        roomEpoch++;
        final long now = nanoClock.getAsLong();
        final boolean repels = !deleted.podAntiAffinity().required().isEmpty();
        // node-local pods go through the round's chain unless the drain began or too many nodes freed room
        final boolean chain = !poppedInRound && hints.addNode(nodeSlot);
        if (!chain)
        {
            abandonChain(now);
        }
        else if (tentativeSlot >= 0)
        {
            // the chain restarts below with this node too; its pod waits again meanwhile, so the hints see it
            final int t = tentativeSlot;
            tentativeSlot = -1;
            detach(t);
            reparkVirtual(t);
        }
        // backwards: moving the pod at i puts the last entry, already visited, into i; when the chain takes the
        // node-local pods and the deleted pod repelled none, only pod-to-pod pods can move
        final SlotList walked = chain && !repels ? unschedulablePodToPod : unschedulablePods;
        for (int i = walked.size - 1; i >= 0; i--)
        {
            final int slot = walked.slots[i];
            final PodObject pod = pods[slot];
            // the deleted pod's anti-affinity may have kept it off the node's domains; a pod-to-pod pod whose terms
            // do not count the deleted pod is, for this deletion, node-local
            final boolean move = repels && QueueingHints.repelled(deleted, pod) && hints.repelledDeletionMayAdmit(
                deleted, pod, nodeSlot, requestCpu[slot], requestMemory[slot], requestGpuMilli[slot], requestGpuWhole[slot]) ||
                podToPod[slot] && QueueingHints.countedBy(pod, deleted) && hints.deletionMayAdmit(pod, deleted,
                    nodeSlot, requestCpu[slot], requestMemory[slot], requestGpuMilli[slot], requestGpuWhole[slot]) ||
                !chain && hints.mayFitOn(pod, requestCpu[slot], requestMemory[slot], nodeSlot);
            if (move)
            {
                materialize(slot);
                requeueAfterBackoff(slot, now, false);
            }
        }
        if (chain)
        {
            restartChain(now);
        }
    }

    /**
     * A pod was assigned to node slot {@code nodeSlot} (placed, or bound by someone else). With hints, moves the
     * unschedulable pod-to-pod pods whose terms count it (a placement takes resources, so it helps no other
     * filter); without, {@link ClusterEvent#ASSIGNED_POD_ADD}.
     */
    public void onAssignedPodAdd(final PodObject added, final int nodeSlot)
    {
        if (!isHinted())
        {
            onClusterEvent(ClusterEvent.ASSIGNED_POD_ADD);
            return;
        }
        beginEvent();
        final long now = nanoClock.getAsLong();
        promoteIfCounted(added, now);
        for (int i = unschedulablePodToPod.size - 1; i >= 0; i--)
        {
            final int slot = unschedulablePodToPod.slots[i];
            if (QueueingHints.countedBy(pods[slot], added) && placementMayAdmit(slot, added) && roomAnywhere(slot))
            {
                materialize(slot);
                requeueAfterBackoff(slot, now, false);
            }
        }
    }

    /** Rounds of retries the hints booked without running them (see the class comment). */
    public long closedRounds()
    {
        return closedRounds;
    }

    /** Runs both periodic flushes now: pods done backing off to activeQ, pods unschedulable for too long out. */
    public void flush()
    {
        final long now = nanoClock.getAsLong();
        flushBackoffCompleted(now);
        flushUnschedulableLeftover(now);
    }

    /**
     * No later than the first time at which a flush would move a pod, if nothing else happens; {@code
     * Long.MAX_VALUE} when none waits. A simulation may advance its clock to it when {@link #pop()} gives null.
     */
    public long nextFlushNs()
    {
        long next = leftoverDeadlineNs;
        if (backoffQ.size > 0)
        {
            next = Math.min(next, backoffCompletesAt(backoffQ.heap[0]));
        }
        if (errorBackoffQ.size > 0)
        {
            next = Math.min(next, backoffCompletesAt(errorBackoffQ.heap[0]));
        }
        return next;
    }

    /** Whether the queue tracks the pod (pending or in flight). */
    public boolean contains(final String key)
    {
        return slotOf(key) >= 0;
    }

    /** A snapshot of the pod's place in the queue, or null when it is not known. */
    public QueuedPodInfo info(final String key)
    {
        final int slot = slotOf(key);
        if (slot < 0)
        {
            return null;
        }
        if (states[slot] == UNSCHEDULABLE)
        {
            materialize(slot);
        }
        final QueuedPodInfo.Queue queue = switch (states[slot])
        {
            case ACTIVE -> QueuedPodInfo.Queue.ACTIVE;
            case BACKOFF -> QueuedPodInfo.Queue.BACKOFF;
            case ERROR_BACKOFF -> QueuedPodInfo.Queue.ERROR_BACKOFF;
            case UNSCHEDULABLE -> QueuedPodInfo.Queue.UNSCHEDULABLE;
            case GATED -> QueuedPodInfo.Queue.GATED;
            case IN_FLIGHT -> QueuedPodInfo.Queue.IN_FLIGHT;
            default -> throw new IllegalStateException("pod " + key + " in state " + states[slot]);
        };
        return new QueuedPodInfo(pods[slot], queue, priorities[slot], timestampNs[slot], initialAttemptNs[slot],
            attempts[slot], backoffExpiry(slot), unknownClass[slot]);
    }

    public int activeSize()
    {
        return activeQ.size;
    }

    /** Pods in backoffQ and the error backoffQ. */
    public int backoffSize()
    {
        return backoffQ.size + errorBackoffQ.size;
    }

    /** Pods in unschedulablePods, the gated ones not included. */
    public int unschedulableSize()
    {
        return unschedulablePods.size;
    }

    /** Pods held by scheduling gates. */
    public int gatedSize()
    {
        return gatedPods.size;
    }

    /** Pods popped and not yet done or requeued. */
    public int inFlightSize()
    {
        return inFlightCount;
    }

    /** Pods waiting in any sub-queue or pool, in flight not included. */
    public int pendingSize()
    {
        return activeQ.size + backoffQ.size + errorBackoffQ.size + unschedulablePods.size + gatedPods.size;
    }

    /** The number of pods popped so far, kube's scheduling cycle. */
    public long schedulingCycle()
    {
        return schedulingCycle;
    }

    /** How many pods added so far named a PriorityClass that does not exist (and were given priority 0). */
    public long unknownPriorityClassPods()
    {
        return unknownClassPods;
    }

    private boolean requeue(final String key, final boolean error)
    {
        final int slot = slotOf(key);
        if (slot < 0 || states[slot] != IN_FLIGHT)
        {
            return false;
        }
        final long now = nanoClock.getAsLong();
        timestampNs[slot] = now;
        backoffExpiryNs[slot] = NO_TIME;
        if (error || poppedAtEvent[slot] != eventCount || updatedInFlight[slot])
        {
            requeueAfterBackoff(slot, now, error);
        }
        else
        {
            toUnschedulable(slot);
        }
        return true;
    }

    private void flushBackoffCompleted(final long now)
    {
        while (backoffQ.size > 0 && !isBackingOff(backoffQ.heap[0], now))
        {
            final int slot = backoffQ.pop();
            states[slot] = DETACHED;
            toActive(slot, now);
        }
        while (errorBackoffQ.size > 0 && !isBackingOff(errorBackoffQ.heap[0], now))
        {
            final int slot = errorBackoffQ.pop();
            states[slot] = DETACHED;
            toActive(slot, now);
        }
    }

    /** kube's {@code flushUnschedulablePodsLeftover}: pods unschedulable for strictly longer than the limit move. */
    private void flushUnschedulableLeftover(final long now)
    {
        final long limit = config.maxInUnschedulableNs();
        long next = Long.MAX_VALUE;
        boolean moved = false;
        // Backwards: removing slot i moves the last entry, already visited, into i.
        for (int i = unschedulablePods.size - 1; i >= 0; i--)
        {
            final int slot = unschedulablePods.slots[i];
            materialize(slot);
            if (now - timestampNs[slot] > limit)
            {
                requeueAfterBackoff(slot, now, false);
                moved = true;
            }
            else
            {
                next = Math.min(next, timestampNs[slot] + limit + 1);
            }
        }
        leftoverDeadlineNs = next;
        if (moved)
        {
            eventCount++; // kube's UnschedulableTimeout event, seen by pods in flight
        }
    }

    /** kube's {@code requeuePodWithQueueingStrategy} with {@code queueAfterBackoff}. */
    private void requeueAfterBackoff(final int slot, final long now, final boolean error)
    {
        if (isBackingOff(slot, now))
        {
            toBackoff(slot, error);
        }
        else
        {
            toActive(slot, now);
        }
    }

    private void toActive(final int slot, final long now)
    {
        if (!pods[slot].schedulingGates().isEmpty())
        {
            toGated(slot);
            return;
        }
        detach(slot);
        if (initialAttemptNs[slot] == NO_TIME)
        {
            initialAttemptNs[slot] = now;
        }
        states[slot] = ACTIVE;
        activeQ.push(slot);
    }

    private void toBackoff(final int slot, final boolean error)
    {
        if (config.popFromBackoffQ() && !pods[slot].schedulingGates().isEmpty())
        {
            toGated(slot);
            return;
        }
        detach(slot);
        backoffExpiry(slot); // cached before the heap compares it
        if (error)
        {
            states[slot] = ERROR_BACKOFF;
            errorBackoffQ.push(slot);
        }
        else
        {
            states[slot] = BACKOFF;
            backoffQ.push(slot);
        }
    }

    private void toUnschedulable(final int slot)
    {
        detach(slot);
        states[slot] = UNSCHEDULABLE;
        unschedulablePods.add(slot);
        // retries booked from the next round that opens after this one (if one is open, it began before)
        parkRound[slot] = roundOpen ? closedRounds + 1 : closedRounds;
        if (hints != null)
        {
            if (!described[slot])
            {
                hints.requests(pods[slot], scratchRequests);
                requestCpu[slot] = scratchRequests[0];
                requestMemory[slot] = scratchRequests[1];
                requestGpuMilli[slot] = QueueingHints.gpuMilliOf(pods[slot]);
                requestGpuWhole[slot] = QueueingHints.gpuWholeOf(pods[slot]);
                podToPod[slot] = QueueingHints.isPodToPod(pods[slot]);
                described[slot] = true;
            }
            if (podToPod[slot])
            {
                unschedulablePodToPod.add(slot);
                // the spread minimums it failed under: placements admit it only by raising them
                parkedSpreadMinimum[slot] = hints.spreadMinimumSum(pods[slot]);
            }
            noteWaitingRequests(slot);
        }
        leftoverDeadlineNs = Math.min(leftoverDeadlineNs, timestampNs[slot] + config.maxInUnschedulableNs() + 1);
    }

    private void toGated(final int slot)
    {
        if (states[slot] == GATED)
        {
            return;
        }
        detach(slot);
        states[slot] = GATED;
        gatedPods.add(slot);
    }

    /** Takes the slot out of whichever sub-queue holds it. */
    private void detach(final int slot)
    {
        switch (states[slot])
        {
            case ACTIVE -> activeQ.remove(slot);
            case BACKOFF -> backoffQ.remove(slot);
            case ERROR_BACKOFF -> errorBackoffQ.remove(slot);
            case UNSCHEDULABLE ->
            {
                unschedulablePods.remove(slot);
                if (hints != null && podToPod[slot])
                {
                    unschedulablePodToPod.remove(slot);
                }
            }
            case GATED -> gatedPods.remove(slot);
            case IN_FLIGHT -> inFlightCount--;
            default ->
            {
            }
        }
        states[slot] = DETACHED;
    }

    /** kube's {@code getBackoffTime}: {@link #NO_TIME} before any attempt, else cached until the next pop. */
    private long backoffExpiry(final int slot)
    {
        if (attempts[slot] == 0)
        {
            return NO_TIME;
        }
        long expiry = backoffExpiryNs[slot];
        if (expiry == NO_TIME)
        {
            expiry = align(timestampNs[slot] + config.backoffNs(attempts[slot]));
            backoffExpiryNs[slot] = expiry;
        }
        return expiry;
    }

    /** kube's {@code isPodBackingoff}. */
    private boolean isBackingOff(final int slot, final long now)
    {
        final long expiry = backoffExpiry(slot);
        if (expiry == NO_TIME)
        {
            return false;
        }
        return config.popFromBackoffQ() ? expiry >= align(now) : expiry > now;
    }

    private long backoffCompletesAt(final int slot)
    {
        final long expiry = backoffExpiry(slot);
        if (expiry == NO_TIME)
        {
            return Long.MIN_VALUE;
        }
        return config.popFromBackoffQ() ? expiry + SchedulingQueueConfig.SECOND_NS : expiry;
    }

    /** Truncates to the ordering window (a whole second) when popFromBackoffQ is on. */
    private long align(final long timeNs)
    {
        return config.popFromBackoffQ() ?
            Math.floorDiv(timeNs, SchedulingQueueConfig.SECOND_NS) * SchedulingQueueConfig.SECOND_NS : timeNs;
    }

    /** Counts the event and opens a round if none is open (the exhaustive queue moves every waiting pod). */
    private void beginEvent()
    {
        eventCount++;
        if (!roundOpen)
        {
            roundOpen = true;
            poppedInRound = false;
            tentativeSlot = -1;
            if (hints != null)
            {
                hints.clearNodes();
            }
            leftoverDeadlineNs = Long.MAX_VALUE; // the exhaustive queue retries every waiting pod in this round
        }
    }

    /** The queue drained after an event: every pod left waiting through the round is booked a failed retry now. */
    private void closeRound(final long now)
    {
        roomEpoch++;
        roundOpen = false;
        tentativeSlot = -1;
        if (!isHinted())
        {
            return;
        }
        closedRounds++;
        lastRoundNs = now;
        if (unschedulablePods.size > 0)
        {
            leftoverDeadlineNs = Math.min(leftoverDeadlineNs, now + config.maxInUnschedulableNs() + 1);
        }
    }

    /** Books the retries of the rounds a waiting pod was left through: attempts and the last round's time. */
    private void materialize(final int slot)
    {
        final long rounds = closedRounds - parkRound[slot];
        if (rounds > 0)
        {
            attempts[slot] = (int)Math.min(Integer.MAX_VALUE, attempts[slot] + rounds);
            timestampNs[slot] = lastRoundNs;
            backoffExpiryNs[slot] = NO_TIME;
            parkRound[slot] = closedRounds;
        }
    }

    /**
     * (Re)starts the round's chain over the node-local pods left waiting: the first of them, in the exhaustive
     * queue's order, with room on a node of the round's deletions moves (tentatively: {@link #pop()} lets it
     * through only if it fits there when its turn comes, and then moves the next such pod behind it). Only those
     * nodes changed for these pods, so the others would fail their retries in this round.
     */
    private void restartChain(final long now)
    {
        roomEpoch++;
        if (tentativeSlot >= 0)
        {
            final int t = tentativeSlot;
            tentativeSlot = -1;
            detach(t);
            reparkVirtual(t);
        }
        final int first = nextCandidate(-1, now);
        if (first >= 0)
        {
            requeueAfterBackoff(first, now, false);
            tentativeSlot = first;
        }
    }

    /**
     * Gives up the chain: the tentative pod becomes an ordinary one and every node-local pod left waiting in this
     * round that fits a node of the round's deletions moves.
     */
    private void abandonChain(final long now)
    {
        roomEpoch++;
        tentativeSlot = -1;
        if (hints.nodeCount() == 0)
        {
            return;
        }
        for (int i = unschedulablePods.size - 1; i >= 0; i--)
        {
            final int slot = unschedulablePods.slots[i];
            if (parkRound[slot] <= closedRounds && hints.fitsOnAny(pods[slot], requestCpu[slot], requestMemory[slot]))
            {
                materialize(slot);
                requeueAfterBackoff(slot, now, false);
            }
        }
        hints.clearNodes();
    }

    /** Whether the waiting (described) pod has room on some live node, each resource alone: if not, no retry yet. */
    private boolean roomAnywhere(final int slot)
    {
        return hints.roomAnywhere(requestCpu[slot], requestMemory[slot], requestGpuMilli[slot], requestGpuWhole[slot]);
    }

    /**
     * A placement of {@code placed}, which the waiting pod-to-pod pod's terms count, can admit it only through its
     * required pod affinity or by raising one of its spread constraints' global minimums above what they were when
     * it last failed (a placement only adds to what anti-affinity repels and to one domain's count).
     */
    private boolean placementMayAdmit(final int slot, final PodObject placed)
    {
        final PodObject pod = pods[slot];
        if (!pod.podAffinity().required().isEmpty())
        {
            return true;
        }
        if (!QueueingHints.spreadCounts(pod, placed))
        {
            return false;
        }
        final long parked = parkedSpreadMinimum[slot];
        if (parked < 0)
        {
            return true;
        }
        final long now = hints.spreadMinimumSum(pod);
        return now < 0 || now > parked;
    }

    /** Lowers the waiting pods' request bounds by a described pod's requests. */
    private void noteWaitingRequests(final int slot)
    {
        final int kind = requestGpuWhole[slot] > 0 ? 2 : requestGpuMilli[slot] > 0 ? 1 : 0;
        waitingMinCpu[kind] = Math.min(waitingMinCpu[kind], requestCpu[slot]);
        waitingMinMemory[kind] = Math.min(waitingMinMemory[kind], requestMemory[slot]);
        waitingMinGpu[kind] = Math.min(waitingMinGpu[kind], kind == 2 ? requestGpuWhole[slot] : requestGpuMilli[slot]);
    }

    /**
     * The node-local pod left waiting in this round that the exhaustive queue pops first after {@code after} (or
     * first of all when -1) among those with room on a node of the round's deletions now; -1 when none.
     */
    private int nextCandidate(final int after, final long now)
    {
        hints.snapshotRoom();
        if (candidatesRoomEpoch != roomEpoch || candidatesNowNs != now || candidatesRound != closedRounds)
        {
            if (!collectCandidates(now))
            {
                return -1;
            }
        }
        // room only shrinks while the list stands (placements), so a pod passed over stays passed over
        while (candidateCursor < candidateCount)
        {
            final int i = candidateCursor++;
            final int slot = candidateSlots[i];
            if (sequences[slot] != candidateSequences[i] || states[slot] != UNSCHEDULABLE ||
                parkRound[slot] > closedRounds ||
                !hints.roomInSnapshot(requestCpu[slot], requestMemory[slot], requestGpuMilli[slot], requestGpuWhole[slot]) ||
                after >= 0 && !exhaustivelyBefore(after, slot, now))
            {
                continue;
            }
            return slot;
        }
        return -1;
    }

    /**
     * Lists the waiting pods with room on the round's nodes now, in the exhaustive queue's order at {@code now}:
     * the chain walks this list until the room on the round's nodes grows again ({@link #roomEpoch}), the time
     * moves or a round closes. False, listing nothing, when the request bounds show no pod has room.
     */
    private boolean collectCandidates(final long now)
    {
        candidateCount = 0;
        candidateCursor = 0;
        candidatesRoomEpoch = -1;
        if (!hints.snapshotMayFit(waitingMinCpu[0], waitingMinMemory[0], 0, false) &&
            !hints.snapshotMayFit(waitingMinCpu[1], waitingMinMemory[1], waitingMinGpu[1], false) &&
            !hints.snapshotMayFit(waitingMinCpu[2], waitingMinMemory[2], waitingMinGpu[2], true))
        {
            return false; // no waiting pod has room on the round's nodes
        }
        Arrays.fill(waitingMinCpu, Long.MAX_VALUE);
        Arrays.fill(waitingMinMemory, Long.MAX_VALUE);
        Arrays.fill(waitingMinGpu, Long.MAX_VALUE);
        for (int i = 0, n = unschedulablePods.size; i < n; i++)
        {
            final int slot = unschedulablePods.slots[i];
            noteWaitingRequests(slot);
            if (parkRound[slot] > closedRounds ||
                !hints.roomInSnapshot(requestCpu[slot], requestMemory[slot], requestGpuMilli[slot], requestGpuWhole[slot]))
            {
                continue;
            }
            materialize(slot);
            if (candidateCount == candidateSlots.length)
            {
                candidateSlots = Arrays.copyOf(candidateSlots, candidateCount * 2);
            }
            candidateSlots[candidateCount++] = slot;
        }
        sortCandidates(now);
        if (candidateSequences.length < candidateCount)
        {
            candidateSequences = new long[candidateSlots.length];
        }
        for (int i = 0; i < candidateCount; i++)
        {
            candidateSequences[i] = sequences[candidateSlots[i]];
        }
        candidatesRoomEpoch = roomEpoch;
        candidatesNowNs = now;
        candidatesRound = closedRounds;
        return true;
    }

    /** Bottom-up merge sort of the candidate list by {@link #exhaustivelyBefore} (a total order: sequences differ). */
    private void sortCandidates(final long now)
    {
        final int n = candidateCount;
        if (candidateScratch.length < n)
        {
            candidateScratch = new int[candidateSlots.length];
        }
        int[] from = candidateSlots;
        int[] to = candidateScratch;
        for (int width = 1; width < n; width *= 2)
        {
            for (int lo = 0; lo < n; lo += 2 * width)
            {
                final int mid = Math.min(lo + width, n);
                final int hi = Math.min(lo + 2 * width, n);
                int a = lo;
                int b = mid;
                int k = lo;
                while (a < mid && b < hi)
                {
                    to[k++] = exhaustivelyBefore(from[b], from[a], now) ? from[b++] : from[a++];
                }
                while (a < mid)
                {
                    to[k++] = from[a++];
                }
                while (b < hi)
                {
                    to[k++] = from[b++];
                }
            }
            final int[] t = from;
            from = to;
            to = t;
        }
        if (from != candidateSlots)
        {
            candidateScratch = candidateSlots;
            candidateSlots = from;
        }
    }

    /**
     * When the chain's pod is a pod-to-pod pod whose terms count {@code changed}, it may now fit beyond the freed
     * nodes: it becomes an ordinary pod (its attempt will run) and the chain goes on behind it.
     */
    private void promoteIfCounted(final PodObject changed, final long now)
    {
        final int t = tentativeSlot;
        if (t >= 0 && podToPod[t] && QueueingHints.countedBy(pods[t], changed))
        {
            tentativeSlot = -1;
            final int next = nextCandidate(t, now);
            if (next >= 0)
            {
                requeueAfterBackoff(next, now, false);
                tentativeSlot = next;
            }
        }
    }

    /** Puts a pod taken out for the chain back among the waiting, as left waiting in this round. */
    private void reparkVirtual(final int slot)
    {
        states[slot] = UNSCHEDULABLE;
        unschedulablePods.add(slot);
        noteWaitingRequests(slot);
        if (podToPod[slot])
        {
            unschedulablePodToPod.add(slot);
        }
    }

    /** Whether the exhaustive queue, having moved both when the round opened, pops {@code a} before {@code b}. */
    private boolean exhaustivelyBefore(final int a, final int b, final long now)
    {
        final boolean aBackingOff = isBackingOff(a, now);
        if (aBackingOff != isBackingOff(b, now))
        {
            return !aBackingOff;
        }
        if (aBackingOff)
        {
            final long ea = backoffExpiry(a);
            final long eb = backoffExpiry(b);
            if (ea != eb)
            {
                return ea < eb;
            }
        }
        return activeLess(a, b);
    }

    /**
     * A pod placed during an open round: the waiting pod-to-pod pods whose terms count it, left waiting in this
     * round although the exhaustive queue would still pop them after it in this round, move now (with the keys
     * they had when the round opened, so they are popped where the exhaustive queue would pop them).
     */
    private void admitCountedBehind(final PodObject placed)
    {
        final long now = nanoClock.getAsLong();
        promoteIfCounted(placed, now);
        for (int i = unschedulablePodToPod.size - 1; i >= 0; i--)
        {
            final int slot = unschedulablePodToPod.slots[i];
            if (parkRound[slot] <= closedRounds && QueueingHints.countedBy(pods[slot], placed) &&
                placementMayAdmit(slot, placed) && roomAnywhere(slot))
            {
                materialize(slot);
                if (poppedAfterLast(slot, now))
                {
                    requeueAfterBackoff(slot, now, false);
                }
            }
        }
    }

    /** Whether the exhaustive queue, which moved the pod when the round opened, pops it after the last popped pod. */
    private boolean poppedAfterLast(final int slot, final long now)
    {
        final boolean backingOff = isBackingOff(slot, now);
        if (lastPopActive)
        {
            return backingOff || !activeBefore(slot);
        }
        if (!backingOff)
        {
            return false;
        }
        final long expiry = backoffExpiry(slot);
        return expiry != lastPopExpiryNs ? expiry > lastPopExpiryNs : !activeBefore(slot);
    }

    /** activeQ's order: whether the slot comes before the last popped pod. */
    private boolean activeBefore(final int slot)
    {
        if (priorities[slot] != lastPopPriority)
        {
            return priorities[slot] > lastPopPriority;
        }
        if (timestampNs[slot] != lastPopTimestampNs)
        {
            return timestampNs[slot] < lastPopTimestampNs;
        }
        if (creationMs[slot] != lastPopCreationMs)
        {
            return creationMs[slot] < lastPopCreationMs;
        }
        return sequences[slot] < lastPopSequence;
    }

    /** kube's {@code isPodUpdated}: a change other than to the pod's status. */
    private static boolean isUpdated(final PodObject old, final PodObject updated)
    {
        return !old.equals(updated) && !withoutStatus(old).equals(withoutStatus(updated));
    }

    private static PodObject withoutStatus(final PodObject pod)
    {
        return pod.toBuilder().phase("").nominatedNodeName("").startTimeMs(0).build();
    }

    /** activeQ's order: priority descending, timestamp, creation time, insertion. */
    private boolean activeLess(final int a, final int b)
    {
        if (priorities[a] != priorities[b])
        {
            return priorities[a] > priorities[b];
        }
        if (timestampNs[a] != timestampNs[b])
        {
            return timestampNs[a] < timestampNs[b];
        }
        if (creationMs[a] != creationMs[b])
        {
            return creationMs[a] < creationMs[b];
        }
        return sequences[a] < sequences[b];
    }

    private boolean less(final int order, final int a, final int b)
    {
        if (order == ACTIVE_ORDER)
        {
            return activeLess(a, b);
        }
        final long expiryA = backoffExpiryNs[a];
        final long expiryB = backoffExpiryNs[b];
        if (expiryA != expiryB)
        {
            return expiryA < expiryB;
        }
        return order == BACKOFF_ORDER && config.popFromBackoffQ() ? activeLess(a, b) : sequences[a] < sequences[b];
    }

    private int slotOf(final String key)
    {
        return slotByKey.getIfAbsent(key, -1);
    }

    private int allocateSlot()
    {
        if (freeCount > 0)
        {
            return freeSlots[--freeCount];
        }
        if (slotLimit == pods.length)
        {
            grow();
        }
        return slotLimit++;
    }

    private void releaseSlot(final int slot)
    {
        slotByKey.remove(pods[slot].key());
        pods[slot] = null;
        states[slot] = DETACHED;
        freeSlots[freeCount++] = slot;
    }

    private void grow()
    {
        final int old = pods.length;
        final int capacity = old * 2;
        pods = Arrays.copyOf(pods, capacity);
        priorities = Arrays.copyOf(priorities, capacity);
        creationMs = Arrays.copyOf(creationMs, capacity);
        timestampNs = Arrays.copyOf(timestampNs, capacity);
        initialAttemptNs = Arrays.copyOf(initialAttemptNs, capacity);
        Arrays.fill(initialAttemptNs, old, capacity, NO_TIME);
        attempts = Arrays.copyOf(attempts, capacity);
        backoffExpiryNs = Arrays.copyOf(backoffExpiryNs, capacity);
        Arrays.fill(backoffExpiryNs, old, capacity, NO_TIME);
        sequences = Arrays.copyOf(sequences, capacity);
        states = Arrays.copyOf(states, capacity);
        positions = Arrays.copyOf(positions, capacity);
        poppedAtEvent = Arrays.copyOf(poppedAtEvent, capacity);
        updatedInFlight = Arrays.copyOf(updatedInFlight, capacity);
        unknownClass = Arrays.copyOf(unknownClass, capacity);
        freeSlots = Arrays.copyOf(freeSlots, capacity);
        parkRound = Arrays.copyOf(parkRound, capacity);
        described = Arrays.copyOf(described, capacity);
        podToPod = Arrays.copyOf(podToPod, capacity);
        requestCpu = Arrays.copyOf(requestCpu, capacity);
        requestMemory = Arrays.copyOf(requestMemory, capacity);
        requestGpuMilli = Arrays.copyOf(requestGpuMilli, capacity);
        parkedSpreadMinimum = Arrays.copyOf(parkedSpreadMinimum, capacity);
        requestGpuWhole = Arrays.copyOf(requestGpuWhole, capacity);
        podToPodPositions = Arrays.copyOf(podToPodPositions, capacity);
    }

    /** A binary min-heap of slots under one of the queue's orders; each slot's index is kept in {@code positions}. */
    private final class SlotHeap
    {
        private final int order;
        private int[] heap = new int[INITIAL_CAPACITY];
        private int size;

        SlotHeap(final int order)
        {
            this.order = order;
        }

        void push(final int slot)
        {
            if (size == heap.length)
            {
                heap = Arrays.copyOf(heap, size * 2);
            }
            heap[size] = slot;
            positions[slot] = size;
            size++;
            siftUp(size - 1);
        }

        int pop()
        {
            final int top = heap[0];
            removeAt(0);
            return top;
        }

        void remove(final int slot)
        {
            removeAt(positions[slot]);
        }

        /** Restores the order after the slot's keys changed. */
        void fix(final int slot)
        {
            final int i = positions[slot];
            if (!siftUp(i))
            {
                siftDown(i);
            }
        }

        private void removeAt(final int i)
        {
            size--;
            if (i != size)
            {
                final int last = heap[size];
                heap[i] = last;
                positions[last] = i;
                if (!siftUp(i))
                {
                    siftDown(i);
                }
            }
        }

        private boolean siftUp(final int start)
        {
            int i = start;
            final int slot = heap[i];
            while (i > 0)
            {
                final int parent = (i - 1) >>> 1;
                final int parentSlot = heap[parent];
                if (!less(order, slot, parentSlot))
                {
                    break;
                }
                heap[i] = parentSlot;
                positions[parentSlot] = i;
                i = parent;
            }
            heap[i] = slot;
            positions[slot] = i;
            return i != start;
        }

        private void siftDown(final int start)
        {
            int i = start;
            final int slot = heap[i];
            final int half = size >>> 1;
            while (i < half)
            {
                int child = 2 * i + 1;
                final int right = child + 1;
                if (right < size && less(order, heap[right], heap[child]))
                {
                    child = right;
                }
                final int childSlot = heap[child];
                if (!less(order, childSlot, slot))
                {
                    break;
                }
                heap[i] = childSlot;
                positions[childSlot] = i;
                i = child;
            }
            heap[i] = slot;
            positions[slot] = i;
        }
    }

    /** An unordered set of slots with O(1) removal; each slot's index is kept in {@code positions}. */
    private final class SlotList
    {
        /** Keeps indexes in {@code podToPodPositions} rather than {@code positions}: a slot is also in another list. */
        private final boolean auxiliary;
        private int[] slots = new int[INITIAL_CAPACITY];
        private int size;

        SlotList(final boolean auxiliary)
        {
            this.auxiliary = auxiliary;
        }

        void add(final int slot)
        {
            if (size == slots.length)
            {
                slots = Arrays.copyOf(slots, size * 2);
            }
            slots[size] = slot;
            (auxiliary ? podToPodPositions : positions)[slot] = size;
            size++;
        }

        void remove(final int slot)
        {
            final int[] index = auxiliary ? podToPodPositions : positions;
            final int i = index[slot];
            final int last = slots[--size];
            slots[i] = last;
            index[last] = i;
        }
    }
}
