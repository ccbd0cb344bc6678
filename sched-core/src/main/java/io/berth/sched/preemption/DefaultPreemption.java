package io.berth.sched.preemption;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.noderesources.NodeResourcesFit;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * kube-scheduler's DefaultPreemption (PostFilter), data-oriented: called after {@link SchedulingEngine#schedule}
 * returned -1. Candidate nodes are those whose only fail bit is NodeResourcesFit's; each is dry-run as column
 * arithmetic on copies (the node's free amounts of the resources the preemptor requests plus the pod count, and a
 * small matrix of the lower-priority pods' amounts): remove every lower-priority pod, check the fit, then reprieve
 * as many as possible (PDB-violating first, each group from the most important down), as kube's
 * {@code SelectVictimsOnNode}. The node is chosen by kube's {@code pickOneNodeForPreemption}, its victims are
 * removed through {@link SchedulingEngine#removePod} and the preemptor's nominated node is reported; the caller
 * requeues and re-schedules it. Single-threaded, on the engine's owner thread; reuses its scratch arrays.
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
    private int[] start = new int[64];
    private int[] fill = new int[64];
    private int[] victimPods = new int[256];
    private long[] victimAmounts = new long[256 * 8];
    private int[] order = new int[256];
    private boolean[] violating = new boolean[256];
    private boolean[] chosen = new boolean[256];
    private int[] pdbAllowed = new int[8];

    // best candidate so far and the one being evaluated
    private final Candidate best = new Candidate();
    private final Candidate current = new Candidate();

    /** A preemption evaluator; binds to the node table of the engine it is first called with. */
    public DefaultPreemption()
    {
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

        static Result none(final String message)
        {
            return new Result(null, List.of(), 0, message);
        }
    }

    /** Scored candidate node, kept as primitives with its victims' keys. */
    private static final class Candidate
    {
        int slot = -1;
        int pdbViolations;
        int highestPriority;
        long sumPriorities;
        int victims;
        long earliestStart;
        final List<String> keys = new ArrayList<>();

        void copyFrom(final Candidate c)
        {
            slot = c.slot;
            pdbViolations = c.pdbViolations;
            highestPriority = c.highestPriority;
            sumPriorities = c.sumPriorities;
            victims = c.victims;
            earliestStart = c.earliestStart;
            keys.clear();
            keys.addAll(c.keys);
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
        final long[] fail = engine.lastFailBits();
        final long fitBit = fitBit(engine);
        final int limit = fail.length;

        compilePreemptor(pod);
        bucketVictims(pods, fail, fitBit, priority, limit);

        int notHelpful = 0;
        int noVictims = 0;
        best.slot = -1;
        for (int slot = 0; slot < limit; slot++)
        {
            if ((fail[slot] & SchedulingEngine.NOT_LIVE) != 0)
            {
                continue;
            }
            if (fail[slot] != fitBit || fitBit == 0)
            {
                notHelpful++;
                continue;
            }
            if (!selectVictimsOnNode(slot, pods, pdbs))
            {
                noVictims++;
                continue;
            }
            if (best.slot < 0 || current.betterThan(best))
            {
                best.copyFrom(current);
            }
        }
        if (best.slot < 0)
        {
            return Result.none(noCandidateMessage(notHelpful + noVictims, noVictims, notHelpful));
        }
        final String nodeName = table.name(best.slot);
        final List<Victim> victims = new ArrayList<>(best.keys.size());
        for (final String key : best.keys)
        {
            victims.add(new Victim(key, nodeName, pod.key()));
        }
        for (final String key : best.keys)
        {
            engine.removePod(key);
        }
        return new Result(nodeName, victims, best.pdbViolations, "");
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
        for (int p = 0, n = pods.slotLimit(); p < n; p++)
        {
            final PodObject other = pods.podAt(p);
            if (other != null && pods.nodeSlotAt(p) == node && other.priority() < priority && other.isTerminating())
            {
                return true;
            }
        }
        return false;
    }

    private static long fitBit(final SchedulingEngine engine)
    {
        final FilterPlugin[] filters = engine.filterPlugins();
        for (int k = 0; k < filters.length; k++)
        {
            if (NodeResourcesFit.NAME.equals(filters[k].name()))
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
     * One pass over the pod table: the lower-priority pods on candidate nodes, bucketed by node slot, each with its
     * row of amounts (the preemptor's resources, then 1 for the pod count).
     */
    private void bucketVictims(
        final PodTable pods, final long[] fail, final long fitBit, final int priority, final int limit)
    {
        if (start.length < limit + 1)
        {
            start = new int[limit + 1];
            fill = new int[limit + 1];
        }
        Arrays.fill(start, 0, limit + 1, 0);
        final int podLimit = pods.slotLimit();
        for (int p = 0; p < podLimit; p++)
        {
            final int node = candidateNodeOf(pods, p, fail, fitBit, priority, limit);
            if (node >= 0)
            {
                start[node + 1]++;
            }
        }
        for (int s = 0; s < limit; s++)
        {
            start[s + 1] += start[s];
        }
        final int total = start[limit];
        final int row = width + 1;
        if (victimPods.length < total)
        {
            victimPods = new int[total * 2];
            order = new int[total * 2];
            violating = new boolean[total * 2];
            chosen = new boolean[total * 2];
        }
        if (victimAmounts.length < total * row)
        {
            victimAmounts = new long[total * row * 2];
        }
        System.arraycopy(start, 0, fill, 0, limit);
        for (int p = 0; p < podLimit; p++)
        {
            final int node = candidateNodeOf(pods, p, fail, fitBit, priority, limit);
            if (node >= 0)
            {
                final int v = fill[node]++;
                victimPods[v] = p;
                requests.compile(pods.podAt(p));
                final int base = v * row;
                for (int i = 0; i < width; i++)
                {
                    victimAmounts[base + i] = requests.request(resourceIds[i]);
                }
                victimAmounts[base + width] = 1;
            }
        }
    }

    private static int candidateNodeOf(
        final PodTable pods, final int p, final long[] fail, final long fitBit, final int priority, final int limit)
    {
        final PodObject other = pods.podAt(p);
        if (other == null || other.priority() >= priority)
        {
            return -1;
        }
        final int node = pods.nodeSlotAt(p);
        return node >= 0 && node < limit && fitBit != 0 && fail[node] == fitBit ? node : -1;
    }

    // ---------------------------------------------------------------- dry run

    /**
     * kube's SelectVictimsOnNode on column copies; fills {@link #current}. Returns false when the pod does not fit
     * even with every lower-priority pod removed, or when no victim is needed (kube drops such nodes too).
     */
    private boolean selectVictimsOnNode(final int slot, final PodTable pods, final List<PodDisruptionBudget> pdbs)
    {
        final int from = start[slot];
        final int to = start[slot + 1];
        final int row = width + 1;
        for (int i = 0; i < width; i++)
        {
            final int r = resourceIds[i];
            free[i] = table.allocatable(r).get(slot) - table.requested(r).get(slot);
        }
        long freePods = table.allocatable(Resources.PODS).get(slot) - table.requested(Resources.PODS).get(slot);
        int n = 0;
        for (int v = from; v < to; v++)
        {
            final int base = v * row;
            for (int i = 0; i < width; i++)
            {
                free[i] += victimAmounts[base + i];
            }
            freePods += victimAmounts[base + width];
            order[n++] = v;
        }
        if (!fits(freePods))
        {
            return false;
        }
        sortMostImportantFirst(pods, n);
        classifyPdbViolations(pods, pdbs, n);

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
                if (fits(freePods))
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

        final Candidate c = current;
        c.slot = slot;
        c.pdbViolations = violations;
        c.keys.clear();
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
            final PodObject victim = pods.podAt(victimPods[order[k]]);
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
            c.keys.add(victim.key());
        }
        return c.victims > 0;
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
    private void sortMostImportantFirst(final PodTable pods, final int n)
    {
        for (int i = 1; i < n; i++)
        {
            final int v = order[i];
            final PodObject pv = pods.podAt(victimPods[v]);
            int j = i - 1;
            while (j >= 0 && moreImportant(pv, pods.podAt(victimPods[order[j]])))
            {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = v;
        }
    }

    private static boolean moreImportant(final PodObject a, final PodObject b)
    {
        if (a.priority() != b.priority())
        {
            return a.priority() > b.priority();
        }
        return startTime(a) < startTime(b);
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
    private void classifyPdbViolations(final PodTable pods, final List<PodDisruptionBudget> pdbs, final int n)
    {
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
            final PodObject victim = pods.podAt(victimPods[order[k]]);
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
