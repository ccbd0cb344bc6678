package io.berth.sched.preemption;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.nodeports.NodePorts;
import io.berth.sched.plugins.noderesources.NodeResourcesFit;
import io.berth.sched.table.HostPortIndex;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * kube-scheduler's DefaultPreemption (PostFilter), data-oriented: called after {@link SchedulingEngine#schedule}
 * returned -1. Potential nodes are those where every failing filter reports {@code Unschedulable} rather than
 * {@code UnschedulableAndUnresolvable} ({@link FilterPlugin#preemptionMayHelp}); as kube's DryRunPreemption, they
 * are dry-run from a random (seeded) offset until 10% of them, at least 100, are viable candidates. A node failing
 * only on resources and host ports is dry-run as column arithmetic on copies (its free amounts of the resources the
 * preemptor requests plus the pod count, a small matrix of its lower-priority pods' amounts read from the pod
 * table's per-node lists, and which of them hold a conflicting host port); a node failing on pod anti-affinity or
 * topology spread (or any node, for a
 * preemptor with required pod affinity) is dry-run on the engine itself: its lower-priority pods are taken off,
 * every filter is run on that node's chunk, and the pods go back. Either way victims are chosen as kube's
 * {@code SelectVictimsOnNode} (remove all, then reprieve from the most important, PDB-violating first); the node
 * by kube's {@code pickOneNodeForPreemption}; its victims are removed through {@link SchedulingEngine#removePod}
 * and the preemptor's nominated node is reported; the caller re-schedules it. Single-threaded, on the engine's
 * owner thread; reuses its scratch arrays.
 */
public final class DefaultPreemption
{
    /** kube's message for a pod whose preemption policy is Never. */
    public static final String NOT_ELIGIBLE_NEVER = "not eligible due to preemptionPolicy=Never.";
    /** kube's message for a pod whose nominated node still has a terminating lower-priority pod. */
    public static final String NOT_ELIGIBLE_TERMINATING = "not eligible due to a terminating pod on the nominated node.";
    /** kube's per-node status for nodes that preemption cannot help. */
    public static final String NOT_HELPFUL = "Preemption is not helpful for scheduling";
    /** kube's per-node status for candidate nodes where even removing all lower-priority pods is not enough. */
    public static final String NO_VICTIMS = "No preemption victims found for incoming pod";

    private static final long OFFSET = (long)Integer.MAX_VALUE + 1;

    private PodRequests requests;
    private NodeTable table;

    // preemptor's request row: resource ids and amounts (the pod count is handled apart)
    private int[] resourceIds = new int[8];
    private long[] wanted = new long[8];
    private int width;

    // per node: free amounts (copy of allocatable - requested), potential victims bucketed by node (CSR)
    private long[] free = new long[8];
    private int[] potential = new int[64];
    private PodObject[] victimObjects = new PodObject[256];
    private long[] victimAmounts = new long[256 * 8];
    private int[] order = new int[256];
    private boolean[] violating = new boolean[256];
    private boolean[] chosen = new boolean[256];
    private int[] pdbAllowed = new int[8];

    private long rngState;
    private long freePodsWithoutAll;
    private PodObject preemptor;
    private boolean preemptorHasHostPorts;
    private boolean portBlocked;
    private boolean[] portConflict = new boolean[256];
    private int[] victimPriority = new int[256];
    private long[] victimStart = new long[256];
    private int lastCandidates;

    // best candidate so far and the one being evaluated
    private final Candidate best = new Candidate();
    private final Candidate current = new Candidate();

    /** kube's default {@code minCandidateNodesPercentage}. */
    public static final int MIN_CANDIDATE_NODES_PERCENTAGE = 10;
    /** kube's default {@code minCandidateNodesAbsolute}. */
    public static final int MIN_CANDIDATE_NODES_ABSOLUTE = 100;

    /** A preemption evaluator; binds to the node table of the engine it is first called with. */
    public DefaultPreemption()
    {
        this(0);
    }

    /** A preemption evaluator whose random offset into the candidate nodes (kube's) is drawn from {@code seed}. */
    public DefaultPreemption(final long seed)
    {
        this.rngState = seed;
    }

    /**
     * One victim of a preemption.
     *
     * @param podKey       the victim's {@code namespace/name}.
     * @param nodeName     the node it ran on (the nominated node).
     * @param preemptorKey the key of the pod it makes room for.
     */
    public record Victim(String podKey, String nodeName, String preemptorKey)
    {
    }

    /**
     * What a preemption did.
     *
     * @param nominatedNodeName the node the preemptor is nominated to; null when nothing was preempted.
     * @param victims           the removed pods, most important first.
     * @param pdbViolations     how many victims violate a PodDisruptionBudget.
     * @param message           why nothing was preempted, in kube's words; empty on success.
     */
    public record Result(String nominatedNodeName, List<Victim> victims, int pdbViolations, String message)
    {
        public Result
        {
            victims = List.copyOf(victims);
        }

        /** True when victims were removed and a node nominated. */
        public boolean preempted()
        {
            return nominatedNodeName != null;
        }

        /**
         * True when the pod's earlier nomination ends with this result: kube's preemption clears it when it finds no
         * candidate, and keeps it when the pod may not preempt (policy Never, or a victim still terminating).
         */
        public boolean clearsNomination()
        {
            return !preempted() && !NOT_ELIGIBLE_NEVER.equals(message) && !NOT_ELIGIBLE_TERMINATING.equals(message);
        }

        static Result none(final String message)
        {
            return new Result(null, List.of(), 0, message);
        }
    }

    /** Scored candidate node, kept as primitives with its victims (an array reused across candidates). */
    private static final class Candidate
    {
        int slot = -1;
        int pdbViolations;
        int highestPriority;
        long sumPriorities;
        int victims;
        long earliestStart;
        PodObject[] chosenPods = new PodObject[64];

        void copyFrom(final Candidate c)
        {
            slot = c.slot;
            pdbViolations = c.pdbViolations;
            highestPriority = c.highestPriority;
            sumPriorities = c.sumPriorities;
            victims = c.victims;
            earliestStart = c.earliestStart;
            if (chosenPods.length < c.victims)
            {
                chosenPods = new PodObject[Math.max(c.victims, chosenPods.length * 2)];
            }
            System.arraycopy(c.chosenPods, 0, chosenPods, 0, c.victims);
        }

        /** kube's pickOneNodeForPreemption order: true when this is strictly better than {@code o}. */
        boolean betterThan(final Candidate o)
        {
            if (pdbViolations != o.pdbViolations)
            {
                return pdbViolations < o.pdbViolations;
            }
            if (highestPriority != o.highestPriority)
            {
                return highestPriority < o.highestPriority;
            }
            if (sumPriorities != o.sumPriorities)
            {
                return sumPriorities < o.sumPriorities;
            }
            if (victims != o.victims)
            {
                return victims < o.victims;
            }
            return earliestStart > o.earliestStart;
        }
    }

    /**
     * Preempts for {@code pod} after {@code engine.schedule(pod)} returned -1 (the engine's last fail bits must be
     * that pod's). {@code pdbs} are all PodDisruptionBudgets of the cluster.
     */
    public Result preempt(final PodObject pod, final SchedulingEngine engine, final List<PodDisruptionBudget> pdbs)
    {
        if (PriorityClasses.NEVER.equals(pod.preemptionPolicy()))
        {
            return Result.none(NOT_ELIGIBLE_NEVER);
        }
        if (table != engine.table())
        {
            table = engine.table();
            requests = new PodRequests(table);
        }
        final PodTable pods = engine.pods();
        final int priority = pod.priority();
        if (terminatingOnNominatedNode(pod, pods, priority))
        {
            return Result.none(NOT_ELIGIBLE_TERMINATING);
        }
        if (pods.lowestPriority() >= priority)
        {
            // no pod anywhere could be a victim: every potential node would report no victims
            return Result.none(NO_VICTIMS);
        }
        final long[] fail = engine.lastFailBits();
        final FilterPlugin[] filters = engine.filterPlugins();
        final long fitBit = bitOf(filters, NodeResourcesFit.NAME);
        final long portsBit = bitOf(filters, NodePorts.NAME);
        preemptorHasHostPorts = hasHostPorts(pod);
        this.preemptor = pod;
        final int limit = Math.min(fail.length, table.slotLimit());
        compilePreemptor(pod);
        final boolean requiredAffinity = !pod.podAffinity().required().isEmpty();

        // kube's nodesWherePreemptionMightHelp: every failing plugin says Unschedulable, not ...AndUnresolvable
        if (potential.length < limit)
        {
            potential = new int[Math.max(limit, potential.length * 2)];
        }
        int potentialCount = 0;
        int notHelpful = 0;
        for (int slot = 0; slot < limit; slot++)
        {
            final long bits = fail[slot];
            if ((bits & SchedulingEngine.NOT_LIVE) != 0 || bits == 0)
            {
                continue;
            }
            if (mightHelp(filters, bits, slot))
            {
                potential[potentialCount++] = slot;
            }
            else
            {
                notHelpful++;
            }
        }
        if (potentialCount == 0)
        {
            return Result.none(noCandidateMessage(notHelpful, 0, notHelpful));
        }

        // kube's DryRunPreemption: from a random offset, until enough candidates are found
        final int wanted = numCandidates(potentialCount);
        final int offset = nextInt(potentialCount);
        int noVictims = 0;
        int nonViolating = 0;
        int violating = 0;
        boolean dryRanOnEngine = false;
        best.slot = -1;
        for (int i = 0; i < potentialCount; i++)
        {
            final int slot = potential[(offset + i) % potentialCount];
            final boolean resourcesOnly = (fail[slot] & ~(fitBit | portsBit)) == 0 && !requiredAffinity;
            final boolean found;
            if (resourcesOnly)
            {
                found = selectVictimsByColumns(slot, pods, pdbs, priority);
            }
            else
            {
                dryRanOnEngine = true;
                found = selectVictimsOnEngine(pod, slot, engine, pods, pdbs, priority);
            }
            if (!found)
            {
                noVictims++;
                continue;
            }
            if (current.pdbViolations == 0)
            {
                nonViolating++;
            }
            else
            {
                violating++;
            }
            if (best.slot < 0 || current.betterThan(best))
            {
                best.copyFrom(current);
            }
            if (nonViolating > 0 && nonViolating + violating >= wanted)
            {
                break;
            }
        }
        lastCandidates = nonViolating + violating;
        if (best.slot < 0)
        {
            if (dryRanOnEngine)
            {
                engine.recompile(pod);
            }
            return Result.none(noCandidateMessage(noVictims + notHelpful, noVictims, notHelpful));
        }
        final String nodeName = table.name(best.slot);
        final List<String> bestKeys = new ArrayList<>(best.victims);
        for (int v = 0; v < best.victims; v++)
        {
            bestKeys.add(best.chosenPods[v].key());
        }
        final List<Victim> victims = new ArrayList<>(bestKeys.size());
        for (final String key : bestKeys)
        {
            victims.add(new Victim(key, nodeName, pod.key()));
        }
        for (final String key : bestKeys)
        {
            engine.removePod(key);
        }
        if (dryRanOnEngine)
        {
            engine.recompile(pod);
        }
        return new Result(nodeName, victims, best.pdbViolations, "");
    }

    /** Viable candidates found by the last {@link #preempt} before it stopped looking. */
    public int lastCandidates()
    {
        return lastCandidates;
    }

    /** kube's calculateNumCandidates: 10% of the potential nodes, at least 100, at most all of them. */
    static int numCandidates(final int potentialNodes)
    {
        int n = potentialNodes * MIN_CANDIDATE_NODES_PERCENTAGE / 100;
        if (n < MIN_CANDIDATE_NODES_ABSOLUTE)
        {
            n = MIN_CANDIDATE_NODES_ABSOLUTE;
        }
        return Math.min(n, potentialNodes);
    }

    private boolean mightHelp(final FilterPlugin[] filters, final long bits, final int slot)
    {
        long rest = bits & ~SchedulingEngine.NOMINATED_PODS; // the plugin that failed with nominated pods says
        while (rest != 0)
        {
            final int k = Long.numberOfTrailingZeros(rest) - 1;
            rest &= rest - 1;
            if (!filters[k].preemptionMayHelp(table, slot))
            {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- eligibility and candidates

    /** kube's PodEligibleToPreemptOthers: a lower-priority pod on the nominated node is still terminating. */
    private boolean terminatingOnNominatedNode(final PodObject pod, final PodTable pods, final int priority)
    {
        final String nominated = pod.nominatedNodeName();
        if (nominated == null || nominated.isEmpty())
        {
            return false;
        }
        final int node = table.slotOf(nominated);
        if (node < 0)
        {
            return false;
        }
        for (int p = pods.firstPodOnNode(node); p >= 0; p = pods.nextPodOnNode(p))
        {
            final PodObject other = pods.podAt(p);
            if (other.priority() < priority && other.isTerminating())
            {
                return true;
            }
        }
        return false;
    }

    private static long bitOf(final FilterPlugin[] filters, final String name)
    {
        for (int k = 0; k < filters.length; k++)
        {
            if (name.equals(filters[k].name()))
            {
                return 1L << (k + 1);
            }
        }
        return 0;
    }

    private void compilePreemptor(final PodObject pod)
    {
        requests.compile(pod);
        width = requests.resourceCount();
        if (resourceIds.length < width)
        {
            resourceIds = new int[width * 2];
            wanted = new long[width * 2];
            free = new long[width * 2];
        }
        for (int i = 0; i < width; i++)
        {
            resourceIds[i] = requests.resourceId(i);
            wanted[i] = requests.request(resourceIds[i]);
        }
    }

    /**
     * The lower-priority pods on one node into the victim arrays, each with its row of amounts (the preemptor's
     * resources, then 1 for the pod count) read from the pod table. Returns how many.
     */
    private int gatherVictims(final int node, final PodTable pods, final int priority, final boolean amountsToo)
    {
        int n = 0;
        final int row = width + 1;
        portBlocked = false;
        for (int p = pods.firstPodOnNode(node); p >= 0; p = pods.nextPodOnNode(p))
        {
            final int otherPriority = pods.priorityAt(p);
            if (otherPriority >= priority)
            {
                portBlocked |= preemptorHasHostPorts && portsConflict(preemptor, pods.podAt(p));
                continue;
            }
            final PodObject other = pods.podAt(p);
            if (n == victimObjects.length)
            {
                growVictims(n * 2);
            }
            if (amountsToo)
            {
                if (victimAmounts.length < (n + 1) * row)
                {
                    victimAmounts = Arrays.copyOf(victimAmounts, (n + 1) * row * 2);
                }
                final int base = n * row;
                for (int i = 0; i < width; i++)
                {
                    victimAmounts[base + i] = pods.requested(p, resourceIds[i]);
                }
                victimAmounts[base + width] = 1;
            }
            victimObjects[n] = other;
            victimPriority[n] = otherPriority;
            victimStart[n] = pods.startTimeAt(p);
            portConflict[n] = preemptorHasHostPorts && portsConflict(preemptor, other);
            order[n] = n;
            n++;
        }
        return n;
    }

    private void growVictims(final int size)
    {
        victimObjects = Arrays.copyOf(victimObjects, size);
        order = Arrays.copyOf(order, size);
        violating = Arrays.copyOf(violating, size);
        chosen = Arrays.copyOf(chosen, size);
        portConflict = Arrays.copyOf(portConflict, size);
        victimPriority = Arrays.copyOf(victimPriority, size);
        victimStart = Arrays.copyOf(victimStart, size);
    }

    private static boolean hasHostPorts(final PodObject pod)
    {
        final List<Container> containers = pod.containers();
        for (int c = 0, n = containers.size(); c < n; c++)
        {
            final List<ContainerPort> ports = containers.get(c).ports();
            for (int i = 0, m = ports.size(); i < m; i++)
            {
                if (ports.get(i).hostPort() > 0)
                {
                    return true;
                }
            }
        }
        final List<Container> inits = pod.initContainers();
        for (int c = 0, n = inits.size(); c < n; c++)
        {
            if (inits.get(c).restartPolicyAlways())
            {
                final List<ContainerPort> ports = inits.get(c).ports();
                for (int i = 0, m = ports.size(); i < m; i++)
                {
                    if (ports.get(i).hostPort() > 0)
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** kube's HostPortInfo.CheckConflict between the host ports of two pods (0.0.0.0 overlaps every IP). */
    static boolean portsConflict(final PodObject a, final PodObject b)
    {
        return portsConflict(a.containers(), b) || portsConflictSidecars(a.initContainers(), b);
    }

    private static boolean portsConflictSidecars(final List<Container> inits, final PodObject b)
    {
        for (int c = 0, n = inits.size(); c < n; c++)
        {
            if (inits.get(c).restartPolicyAlways() && portListConflicts(inits.get(c).ports(), b))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean portsConflict(final List<Container> containers, final PodObject b)
    {
        for (int c = 0, n = containers.size(); c < n; c++)
        {
            if (portListConflicts(containers.get(c).ports(), b))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean portListConflicts(final List<ContainerPort> ports, final PodObject b)
    {
        for (int i = 0, n = ports.size(); i < n; i++)
        {
            final ContainerPort p = ports.get(i);
            if (p.hostPort() > 0 && (holdsPort(b.containers(), p, false) || holdsPort(b.initContainers(), p, true)))
            {
                return true;
            }
        }
        return false;
    }

    private static boolean holdsPort(final List<Container> containers, final ContainerPort want, final boolean sidecarsOnly)
    {
        for (int c = 0, n = containers.size(); c < n; c++)
        {
            final Container container = containers.get(c);
            if (sidecarsOnly && !container.restartPolicyAlways())
            {
                continue;
            }
            final List<ContainerPort> ports = container.ports();
            for (int i = 0, m = ports.size(); i < m; i++)
            {
                final ContainerPort p = ports.get(i);
                if (p.hostPort() == want.hostPort() && p.protocol().equals(want.protocol()) &&
                    (p.hostIP().equals(want.hostIP()) || HostPortIndex.WILDCARD_IP.equals(p.hostIP()) ||
                        HostPortIndex.WILDCARD_IP.equals(want.hostIP())))
                {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- dry run

    /**
     * kube's SelectVictimsOnNode for a node that fails only on resources, on column copies; fills
     * {@link #current}. Exact there: removing pods cannot make any other filter fail, except the preemptor's
     * required pod affinity, which goes the engine way. Returns false when the pod does not fit even with every
     * lower-priority pod removed, or when no victim is needed (kube drops such nodes too).
     */
    private boolean selectVictimsByColumns(
        final int slot, final PodTable pods, final List<PodDisruptionBudget> pdbs, final int priority)
    {
        final int n = gatherVictims(slot, pods, priority, true);
        final int row = width + 1;
        if (portBlocked || !fitsWithoutAll(slot, n))
        {
            return false;
        }
        long freePods = freePodsWithoutAll;
        sortMostImportantFirst(n);
        classifyPdbViolations(pdbs, n);

        int violations = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            final boolean wantViolating = pass == 0;
            for (int k = 0; k < n; k++)
            {
                if (violating[k] != wantViolating)
                {
                    continue;
                }
                final int base = order[k] * row;
                for (int i = 0; i < width; i++)
                {
                    free[i] -= victimAmounts[base + i];
                }
                freePods -= victimAmounts[base + width];
                if (!portConflict[order[k]] && fits(freePods))
                {
                    chosen[k] = false;
                    continue;
                }
                for (int i = 0; i < width; i++)
                {
                    free[i] += victimAmounts[base + i];
                }
                freePods += victimAmounts[base + width];
                chosen[k] = true;
                if (wantViolating)
                {
                    violations++;
                }
            }
        }
        return fillCandidate(slot, n, violations);
    }

    /**
     * kube's SelectVictimsOnNode with every filter: the lower-priority pods are taken off the engine (so the
     * pod-to-pod plugins' counters, host ports and resources follow), the node is filtered, the pods are put back
     * one by one from the most important while the preemptor still fits (PDB-violating ones first), and finally
     * everything is restored. For nodes failing on host ports, pod anti-affinity or topology spread, and for
     * preemptors with required pod affinity.
     */
    private boolean selectVictimsOnEngine(final PodObject pod, final int slot, final SchedulingEngine engine,
        final PodTable pods, final List<PodDisruptionBudget> pdbs, final int priority)
    {
        final int n = gatherVictims(slot, pods, priority, true);
        if (n == 0 || portBlocked || !fitsWithoutAll(slot, n))
        {
            return false; // necessary conditions, by arithmetic, before touching the engine
        }
        sortMostImportantFirst(n);
        for (int k = 0; k < n; k++)
        {
            engine.removePod(victimObjects[order[k]].key());
        }
        if (!engine.fitsOn(pod, slot))
        {
            for (int k = 0; k < n; k++)
            {
                engine.addPodOn(victimObjects[order[k]], slot);
            }
            return false;
        }
        classifyPdbViolations(pdbs, n);
        int violations = 0;
        for (int pass = 0; pass < 2; pass++)
        {
            final boolean wantViolating = pass == 0;
            for (int k = 0; k < n; k++)
            {
                if (violating[k] != wantViolating)
                {
                    continue;
                }
                final PodObject victim = victimObjects[order[k]];
                engine.addPodOn(victim, slot);
                if (engine.fitsOn(pod, slot))
                {
                    chosen[k] = false;
                    continue;
                }
                engine.removePod(victim.key());
                chosen[k] = true;
                if (wantViolating)
                {
                    violations++;
                }
            }
        }
        for (int k = 0; k < n; k++)
        {
            if (chosen[k])
            {
                engine.addPodOn(victimObjects[order[k]], slot);
            }
        }
        return fillCandidate(slot, n, violations);
    }

    /**
     * The preemptor's resources fit on the node once all {@code n} gathered pods are gone; leaves the free amounts
     * in {@link #free} and {@link #freePodsWithoutAll}.
     */
    private boolean fitsWithoutAll(final int slot, final int n)
    {
        final int row = width + 1;
        for (int i = 0; i < width; i++)
        {
            final int r = resourceIds[i];
            free[i] = table.allocatable(r).get(slot) - table.requested(r).get(slot);
        }
        long freePods = table.allocatable(Resources.PODS).get(slot) - table.requested(Resources.PODS).get(slot);
        for (int v = 0; v < n; v++)
        {
            final int base = v * row;
            for (int i = 0; i < width; i++)
            {
                free[i] += victimAmounts[base + i];
            }
            freePods += victimAmounts[base + width];
        }
        freePodsWithoutAll = freePods;
        return fits(freePods);
    }

    /** Fills {@link #current} from the chosen victims (in importance order); false when none is needed. */
    private boolean fillCandidate(final int slot, final int n, final int violations)
    {
        final Candidate c = current;
        c.slot = slot;
        c.pdbViolations = violations;
        c.victims = 0;
        c.sumPriorities = 0;
        c.highestPriority = Integer.MIN_VALUE;
        c.earliestStart = Long.MAX_VALUE;
        for (int k = 0; k < n; k++)
        {
            if (!chosen[k])
            {
                continue;
            }
            final PodObject victim = victimObjects[order[k]];
            final int p = victim.priority();
            if (c.victims == 0)
            {
                c.highestPriority = p; // sorted: the first victim has the highest priority
            }
            if (p == c.highestPriority)
            {
                c.earliestStart = Math.min(c.earliestStart, startTime(victim));
            }
            c.sumPriorities += p + OFFSET;
            c.victims++;
            if (c.chosenPods.length < c.victims)
            {
                c.chosenPods = Arrays.copyOf(c.chosenPods, c.victims * 2);
            }
            c.chosenPods[c.victims - 1] = victim;
        }
        return c.victims > 0;
    }

    /** SplitMix64, seeded: kube's random offset into the potential nodes, reproducible. */
    private int nextInt(final int bound)
    {
        long z = (rngState += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (int)Math.floorMod(z, (long)bound);
    }

    private boolean fits(final long freePods)
    {
        if (freePods < 1)
        {
            return false;
        }
        for (int i = 0; i < width; i++)
        {
            if (wanted[i] > free[i])
            {
                return false;
            }
        }
        return true;
    }

    /** kube's MoreImportantPod: higher priority first, then the earlier start time (absent: now, i.e. last). */
    private void sortMostImportantFirst(final int n)
    {
        for (int i = 1; i < n; i++)
        {
            final int v = order[i];
            final int pv = victimPriority[v];
            final long sv = victimStart[v];
            int j = i - 1;
            while (j >= 0 && moreImportant(pv, sv, victimPriority[order[j]], victimStart[order[j]]))
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = v;
        }
    }

    /** kube's MoreImportantPod on the victim columns (start time already mapped: absent is latest). */
    private static boolean moreImportant(final int pa, final long sa, final int pb, final long sb)
    {
        return pa != pb ? pa > pb : sa < sb;
    }

    private static long startTime(final PodObject pod)
    {
        return pod.startTimeMs() == 0 ? Long.MAX_VALUE : pod.startTimeMs();
    }

    /**
     * kube's filterPodsWithPDBViolation over the sorted potential victims of one node: each matching PDB's
     * disruptionsAllowed is decremented per pod (pods in its disruptedPods excepted) and the pod violates when
     * one goes below zero.
     */
    private void classifyPdbViolations(final List<PodDisruptionBudget> pdbs, final int n)
    {
        if (pdbs.isEmpty())
        {
            Arrays.fill(violating, 0, n, false);
            return;
        }
        final int count = pdbs.size();
        if (pdbAllowed.length < count)
        {
            pdbAllowed = new int[count * 2];
        }
        for (int i = 0; i < count; i++)
        {
            pdbAllowed[i] = pdbs.get(i).disruptionsAllowed();
        }
        for (int k = 0; k < n; k++)
        {
            final PodObject victim = victimObjects[order[k]];
            boolean violated = false;
            if (!victim.labels().isEmpty())
            {
                for (int i = 0; i < count; i++)
                {
                    final PodDisruptionBudget pdb = pdbs.get(i);
                    if (!pdb.namespace().equals(victim.namespace()) || !selects(pdb.selector(), victim.labels()))
                    {
                        continue;
                    }
                    if (pdb.disruptedPods().contains(victim.name()))
                    {
                        continue;
                    }
                    pdbAllowed[i]--;
                    if (pdbAllowed[i] < 0)
                    {
                        violated = true;
                    }
                }
            }
            violating[k] = violated;
        }
    }

    /**
     * {@code LabelSelectorAsSelector} then {@code Matches}, where a null, empty or invalid selector matches
     * nothing (kube skips those PDBs).
     */
    static boolean selects(final LabelSelector selector, final Map<String, String> labels)
    {
        if (selector == null || selector.isEmpty())
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
        boolean matches = true;
        for (final LabelSelectorRequirement r : selector.matchExpressions())
        {
            final String value = labels.get(r.key());
            switch (r.operator())
            {
                case "In" ->
                {
                    if (r.values().isEmpty())
                    {
                        return false;
                    }
                    matches &= value != null && r.values().contains(value);
                }
                case "NotIn" ->
                {
                    if (r.values().isEmpty())
                    {
                        return false;
                    }
                    matches &= value == null || !r.values().contains(value);
                }
                case "Exists" ->
                {
                    if (!r.values().isEmpty())
                    {
                        return false;
                    }
                    matches &= value != null;
                }
                case "DoesNotExist" ->
                {
                    if (!r.values().isEmpty())
                    {
                        return false;
                    }
                    matches &= value == null;
                }
                default ->
                {
                    return false;
                }
            }
        }
        return matches;
    }

    private static String noCandidateMessage(final int total, final int noVictims, final int notHelpful)
    {
        final StringBuilder sb = new StringBuilder("0/").append(total).append(" nodes are available: ");
        boolean first = true;
        if (noVictims > 0)
        {
            sb.append(noVictims).append(' ').append(NO_VICTIMS);
            first = false;
        }
        if (notHelpful > 0)
        {
            if (!first)
            {
                sb.append(", ");
            }
            sb.append(notHelpful).append(' ').append(NOT_HELPFUL);
        }
        return sb.append('.').toString();
    }
}
