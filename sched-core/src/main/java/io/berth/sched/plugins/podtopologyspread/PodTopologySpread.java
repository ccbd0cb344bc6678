package io.berth.sched.plugins.podtopologyspread;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodAwarePlugin;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.SegmentArray;

/**
 * kube's PodTopologySpread (v1.33/1.34, every feature gate of that era on: minDomains, node inclusion policies,
 * matchLabelKeys).
 * <p>
 * Filter ({@code DoNotSchedule} constraints): a node lacking a constraint's topology key fails with
 * {@link #REASON_MISSING_LABEL}; otherwise it fails with {@link #REASON} when
 * {@code matching pods in its domain + self match - global minimum > maxSkew}, the global minimum taken over the
 * eligible domains (live nodes having every constraint's key and passing the constraint's node inclusion
 * policies), and taken as 0 when there are fewer eligible domains than {@code minDomains}.
 * <p>
 * Score ({@code ScheduleAnyway} constraints, or kube's system defaults for a pod that declares none:
 * {@code kubernetes.io/hostname} maxSkew 3 and {@code topology.kubernetes.io/zone} maxSkew 5): per node
 * {@code round(sum over constraints of count * log(size + 2) + maxSkew - 1)}, then kube's NormalizeScore,
 * {@code 100 * (max + min - s) / max} over the feasible nodes that are not ignored (nodes lacking a topology key
 * when the pod has its own constraints), 100 everywhere when max is 0, and 0 for ignored nodes.
 * <p>
 * Deviation: kube builds the system default constraints' selector from the Services, ReplicationControllers,
 * ReplicaSets and StatefulSets selecting the pod; Berth has none of those objects, so it uses the pod's own
 * labels (e.g. {@code app} and {@code pod-template-hash}) as the selector, and skips pods without labels (as kube
 * does for a pod no workload selects). kube's owner-reference shortcut of later versions is not needed: the
 * selector is the same for a workload's pods.
 * <p>
 * Data layout: {@link SpreadCounters} keeps per interned selector a column of matching pods per node slot,
 * updated on every pod accounted or forgotten. Per pod, PreFilter/PreScore fold those columns into per-domain
 * counts indexed by label value id (+1; index 0 stands for "node lacks the key"); the passes then gather these
 * by each node's value id with the Vector API gather ({@code LongVector.fromArray} with an int index map), the
 * scalar twins with a plain array load. The score's topology weights depend on the feasible set, which kube's
 * PreScore receives and Berth's does not: the score pass writes each node's per-constraint counts, and
 * {@link #normalize} computes the weights from the fail bits (a scalar distinct-count loop in both twins), then
 * the float score, its rounding and NormalizeScore (vector in {@link #normalize}).
 */
public final class PodTopologySpread implements FilterPlugin, ScorePlugin, PodAwarePlugin
{
    public static final String NAME = "PodTopologySpread";
    /** kube's ErrReasonConstraintsNotMatch. */
    public static final String REASON = "node(s) didn't match pod topology spread constraints";
    /** kube's ErrReasonNodeLabelNotMatch. */
    public static final String REASON_MISSING_LABEL = REASON + " (missing required label)";
    public static final String HOSTNAME = "kubernetes.io/hostname";
    public static final String ZONE = "topology.kubernetes.io/zone";
    private static final String DO_NOT_SCHEDULE = "DoNotSchedule";
    private static final String SCHEDULE_ANYWAY = "ScheduleAnyway";
    private static final long MAX_INT32 = Integer.MAX_VALUE;

    private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, VectorShape.forBitSize(Kernels.LANES * 32));

    private final SpreadCounters counters = new SpreadCounters(NodeTable.SLOT_GRANULE);
    private final SelectorKey probe = new SelectorKey();
    private final BiConsumer<String, String> mergeLabel = probe::merge;
    private final Constraints hard = new Constraints();
    private final Constraints soft = new Constraints();
    private final Constraints hintConstraints = new Constraints();
    private final int[] gatherIndex = new int[Kernels.LANES];
    private boolean useDomainSums = true;

    // node inclusion, per pod
    private PodObject inclusionPod;
    private long inclusionEpoch = -1;
    private boolean affinityDone;
    private boolean affinityRequired = true;
    private boolean taintsDone;
    private boolean[] affinityOk = new boolean[0];
    private boolean[] taintsOk = new boolean[0];

    // score state
    private boolean requireAll;
    private long[][] slotCounts = new long[0][];
    private int[][] stamps = new int[0][];
    private int stamp;
    private int emptyValueIndex;
    private NodeTable scoreTable;
    private double[] accScratch = new double[0];

    /** Constraints of one kind compiled for the current pod, with their per-domain counts. */
    private static final class Constraints
    {
        int count;
        int[] selector = new int[4];
        LongColumn[] column = new LongColumn[4];
        final SegmentArray segment = new SegmentArray(4);
        long[] maxSkew = new long[4];
        long[] minDomains = new long[4];
        boolean[] affinityHonor = new boolean[4];
        boolean[] taintsHonor = new boolean[4];
        boolean[] hostname = new boolean[4];
        long[] selfMatch = new long[4];
        long[] threshold = new long[4];
        long[] globalMin = new long[4];
        int[] domains = new int[4];
        /** Per constraint: count per value id + 1; index 0 is the "lacks the key" entry. */
        long[][] table = new long[4][1];
        boolean[][] seen = new boolean[4][1];
        int[][] touched = new int[4][8];
        int[] touchedCount = new int[4];

        void add(final int sel, final LongColumn col, final long skew, final long minDom, final boolean affinity,
            final boolean taints, final boolean host, final long self)
        {
            if (count == selector.length)
            {
                final int n = count * 2;
                selector = Arrays.copyOf(selector, n);
                column = Arrays.copyOf(column, n);
                segment.ensureCapacity(n);
                maxSkew = Arrays.copyOf(maxSkew, n);
                minDomains = Arrays.copyOf(minDomains, n);
                affinityHonor = Arrays.copyOf(affinityHonor, n);
                taintsHonor = Arrays.copyOf(taintsHonor, n);
                hostname = Arrays.copyOf(hostname, n);
                selfMatch = Arrays.copyOf(selfMatch, n);
                threshold = Arrays.copyOf(threshold, n);
                globalMin = Arrays.copyOf(globalMin, n);
                domains = Arrays.copyOf(domains, n);
                table = Arrays.copyOf(table, n);
                seen = Arrays.copyOf(seen, n);
                touched = Arrays.copyOf(touched, n);
                touchedCount = Arrays.copyOf(touchedCount, n);
                for (int c = count; c < n; c++)
                {
                    table[c] = new long[1];
                    seen[c] = new boolean[1];
                    touched[c] = new int[8];
                }
            }
            final int c = count++;
            selector[c] = sel;
            column[c] = col;
            segment.set(c, col == null ? null : col.segment());
            maxSkew[c] = skew;
            minDomains[c] = minDom;
            affinityHonor[c] = affinity;
            taintsHonor[c] = taints;
            hostname[c] = host;
            selfMatch[c] = self;
        }

        /** Clears the previous pod's domain counts and sizes the tables for {@code size} indexes. */
        void resetDomains(final int size)
        {
            for (int c = 0; c < count; c++)
            {
                if (table[c].length < size)
                {
                    table[c] = new long[size + (size >> 1)];
                    seen[c] = new boolean[table[c].length];
                }
                else
                {
                    final long[] t = table[c];
                    final boolean[] s = seen[c];
                    final int[] list = touched[c];
                    for (int i = 0, n = touchedCount[c]; i < n; i++)
                    {
                        t[list[i]] = 0;
                        s[list[i]] = false;
                    }
                    t[0] = 0;
                }
                touchedCount[c] = 0;
            }
        }

        void addToDomain(final int c, final int index, final long n)
        {
            if (!seen[c][index])
            {
                seen[c][index] = true;
                if (touchedCount[c] == touched[c].length)
                {
                    touched[c] = Arrays.copyOf(touched[c], touchedCount[c] * 2);
                }
                touched[c][touchedCount[c]++] = index;
            }
            table[c][index] += n;
        }

        boolean anyAffinityHonor()
        {
            for (int c = 0; c < count; c++)
            {
                if (affinityHonor[c])
                {
                    return true;
                }
            }
            return false;
        }

        boolean anyTaintsHonor()
        {
            for (int c = 0; c < count; c++)
            {
                if (taintsHonor[c])
                {
                    return true;
                }
            }
            return false;
        }
    }

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 2;
    }

    // ---------------------------------------------------------------- pod-aware hooks

    public void podAdded(final PodObject pod, final int podSlot, final int nodeSlot, final NodeTable table)
    {
        counters.ensureCapacity(table.capacity());
        counters.podAdded(pod, podSlot, nodeSlot);
    }

    public void podRemoved(final PodObject pod, final int podSlot, final int nodeSlot, final NodeTable table)
    {
        counters.podRemoved(pod, podSlot, nodeSlot);
    }

    public boolean readsOtherNodes(final PodObject pod)
    {
        return hard.count > 0 || hasSoftConstraints(pod);
    }

    private static boolean hasSoftConstraints(final PodObject pod)
    {
        final List<TopologySpreadConstraint> list = pod.topologySpreadConstraints();
        if (list.isEmpty())
        {
            return !pod.labels().isEmpty();
        }
        for (int i = 0, n = list.size(); i < n; i++)
        {
            if (SCHEDULE_ANYWAY.equals(list.get(i).whenUnsatisfiable()))
            {
                return true;
            }
        }
        return false;
    }

    /** Tests: false folds the per-node columns over every node, as before the kept domain sums. */
    void useDomainSums(final boolean use)
    {
        useDomainSums = use;
    }

    /** The incremental counters, for tests. */
    SpreadCounters counters()
    {
        return counters;
    }

    // ---------------------------------------------------------------- compilation

    /** kube's filterTopologySpreadConstraints / buildDefaultConstraints for one action. */
    private void compile(final PodObject pod, final String action, final Constraints out, final NodeTable table)
    {
        out.count = 0;
        final List<TopologySpreadConstraint> list = pod.topologySpreadConstraints();
        if (!list.isEmpty())
        {
            for (int i = 0, n = list.size(); i < n; i++)
            {
                final TopologySpreadConstraint c = list.get(i);
                if (!action.equals(c.whenUnsatisfiable()))
                {
                    continue;
                }
                probe.reset(pod.namespace(), c.labelSelector());
                final List<String> keys = c.matchLabelKeys();
                for (int k = 0, nk = keys.size(); k < nk; k++)
                {
                    final String value = pod.labels().get(keys.get(k));
                    if (value != null)
                    {
                        probe.merge(keys.get(k), value);
                    }
                }
                final int sel = counters.intern(probe);
                out.add(sel, column(table, c.topologyKey()), c.maxSkew(), c.minDomains() == null ? 1 : c.minDomains(),
                    !"Ignore".equals(c.nodeAffinityPolicy()), "Honor".equals(c.nodeTaintsPolicy()),
                    HOSTNAME.equals(c.topologyKey()), counters.matchesLabels(sel, pod) ? 1 : 0);
            }
        }
        else if (SCHEDULE_ANYWAY.equals(action) && !pod.labels().isEmpty())
        {
            probe.reset(pod.namespace(), null);
            pod.labels().forEach(mergeLabel);
            final int sel = counters.intern(probe);
            final long self = counters.matchesLabels(sel, pod) ? 1 : 0;
            out.add(sel, column(table, HOSTNAME), 3, 1, true, false, true, self);
            out.add(sel, column(table, ZONE), 5, 1, true, false, false, self);
        }
    }

    private static LongColumn column(final NodeTable table, final String key)
    {
        return table.labelValueColumn(table.labelKeys().find(key));
    }

    /** Computes the node inclusion flags the constraints need, once per pod and table epoch. */
    private void inclusion(final PodObject pod, final NodeTable table, final Constraints cs)
    {
        // the per-node answers depend on the pod's node affinity / tolerations and the nodes only: kept while the
        // node table's epoch stands and the next pod has equal ones (pods of one workload do)
        if (inclusionPod == null || table.epoch() != inclusionEpoch || affinityOk.length < table.capacity())
        {
            affinityDone = false;
            taintsDone = false;
            inclusionEpoch = table.epoch();
            if (affinityOk.length < table.capacity())
            {
                affinityOk = new boolean[table.capacity()];
                taintsOk = new boolean[table.capacity()];
            }
        }
        else if (pod != inclusionPod)
        {
            if (!pod.nodeSelector().equals(inclusionPod.nodeSelector()) ||
                !pod.nodeAffinity().equals(inclusionPod.nodeAffinity()))
            {
                affinityDone = false;
            }
            if (!pod.tolerations().equals(inclusionPod.tolerations()))
            {
                taintsDone = false;
            }
        }
        inclusionPod = pod;
        final int limit = table.slotLimit();
        if (!affinityDone && cs.anyAffinityHonor())
        {
            final boolean any = NodeInclusion.hasRequiredAffinity(pod);
            affinityRequired = any;
            for (int slot = 0; slot < limit; slot++)
            {
                final NodeObject node = table.object(slot);
                affinityOk[slot] = node != null && (!any || NodeInclusion.matchesAffinity(pod, node));
            }
            affinityDone = true;
        }
        if (!taintsDone && cs.anyTaintsHonor())
        {
            for (int slot = 0; slot < limit; slot++)
            {
                final NodeObject node = table.object(slot);
                taintsOk[slot] = node != null && NodeInclusion.toleratesTaints(pod, node);
            }
            taintsDone = true;
        }
    }

    private boolean included(final Constraints cs, final int c, final int slot)
    {
        return (!cs.affinityHonor[c] || affinityOk[slot]) && (!cs.taintsHonor[c] || taintsOk[slot]);
    }

    // ---------------------------------------------------------------- filter

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        if (pod.topologySpreadConstraints().isEmpty())
        {
            hard.count = 0;
            return false;
        }
        counters.ensureCapacity(table.capacity());
        compile(pod, DO_NOT_SCHEDULE, hard, table);
        if (hard.count == 0)
        {
            return false;
        }
        inclusion(pod, table, hard);
        final Constraints cs = hard;
        final int n = cs.count;
        cs.resetDomains(table.labelValues().size() + 1);
        final int limit = table.slotLimit();
        // nodes count only when they have every hard constraint's key; then per constraint over its per-epoch
        // domain index column (see the score side)
        final boolean oneColumn = sameColumn(cs);
        boolean[] complete = null;
        for (int c = 0; c < n; c++)
        {
            // a pod without required node affinity includes every live node under nodeAffinityPolicy Honor
            final boolean checkInclusion = cs.affinityHonor[c] && affinityRequired || cs.taintsHonor[c];
            if (useDomainSums && !checkInclusion && oneColumn && !cs.hostname[c])
            {
                // every live node having the key counts: the kept domain sums, O(domains)
                final DomainSums sums = counters.domainSums(cs.selector[c], cs.column[c], table);
                for (int i = 0, present = sums.presentCount(); i < present; i++)
                {
                    cs.addToDomain(c, sums.presentValueIndex(i), sums.presentSum(i));
                }
                continue;
            }
            if (complete == null)
            {
                complete = nodesWithAllKeys(cs, 0, table, limit);
            }
            final int[] domains = domainIndexes(cs, 2 * c, c, table, limit);
            final long[] perNode = counters.perNode(cs.selector[c]);
            for (int slot = 0; slot < limit; slot++)
            {
                if (!complete[slot] || checkInclusion && !included(cs, c, slot))
                {
                    continue;
                }
                cs.addToDomain(c, domains[slot], perNode[slot]);
            }
        }
        for (int c = 0; c < n; c++)
        {
            long min = MAX_INT32;
            final long[] t = cs.table[c];
            final int[] list = cs.touched[c];
            for (int i = 0, m = cs.touchedCount[c]; i < m; i++)
            {
                min = Math.min(min, t[list[i]]);
            }
            cs.domains[c] = cs.touchedCount[c];
            if (cs.touchedCount[c] < cs.minDomains[c])
            {
                min = 0;
            }
            cs.globalMin[c] = min;
            cs.threshold[c] = cs.maxSkew[c] + min - cs.selfMatch[c];
            t[0] = Long.MAX_VALUE; // a node lacking the key always fails
        }
        return true;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final Constraints cs = hard;
        final int[] index = gatherIndex;
        for (int c = 0; c < cs.count; c++)
        {
            final MemorySegment seg = cs.segment.get(c);
            if (seg == null)
            {
                for (int i = from; i < to; i++)
                {
                    failBits[i] |= failBit;
                }
                continue;
            }
            final long[] counts = cs.table[c];
            final long threshold = cs.threshold[c];
            for (int i = from; i < to; i += Kernels.LANES)
            {
                ((IntVector)Kernels.load(seg, i).add(1L).convertShape(VectorOperators.L2I, INTS, 0)).intoArray(index, 0);
                final VectorMask<Long> fail = LongVector.fromArray(Kernels.LONGS, counts, 0, index, 0)
                    .compare(VectorOperators.GT, threshold);
                Kernels.orBits(failBits, i, fail, failBit);
            }
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final Constraints cs = hard;
        for (int slot = from; slot < to; slot++)
        {
            if (failsAt(cs, slot) != null)
            {
                failBits[slot] |= failBit;
            }
        }
    }

    /** The reason the slot fails the hard constraints (kube's Filter, constraint by constraint), or null. */
    private static String failsAt(final Constraints cs, final int slot)
    {
        for (int c = 0; c < cs.count; c++)
        {
            final long value = cs.column[c] == null ? NodeTable.ABSENT : cs.column[c].get(slot);
            if (value == NodeTable.ABSENT)
            {
                return REASON_MISSING_LABEL;
            }
            if (cs.table[c][(int)value + 1] > cs.threshold[c])
            {
                return REASON;
            }
        }
        return null;
    }

    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        final String reason = failsAt(hard, slot);
        if (reason != null)
        {
            out.add(reason);
        }
    }

    /** kube: a node lacking a topology key is {@code UnschedulableAndUnresolvable}; a skew is {@code Unschedulable}. */
    @Override
    public boolean preemptionMayHelp(final NodeTable table, final int slot)
    {
        return REASON.equals(failsAt(hard, slot));
    }

    /** {@link #hardConstraintsAt}: every hard constraint passes on the node's domains. */
    public static final int PASSES = 1;
    /** {@link #hardConstraintsAt}: some hard constraint fails on the node's domains (or the node lacks the key). */
    public static final int FAILS = 0;
    /** {@link #hardConstraintsAt}: not told cheaply (node inclusion applies, keys differ, hostname keys). */
    public static final int UNKNOWN = -1;

    /**
     * For queueing hints: whether {@code waiting}'s {@code DoNotSchedule} constraints pass, with the counts as they
     * are now, on every node of {@code nodeSlot}'s domain ({@link #PASSES}, also when it has none), fail there
     * ({@link #FAILS}), or cannot be told from the kept domain sums ({@link #UNKNOWN}). Leaves the cycle's own
     * compiled state alone.
     */
    public int hardConstraintsAt(final PodObject waiting, final NodeTable table, final int nodeSlot)
    {
        final int compiled = compileForHint(waiting, table);
        if (compiled != PASSES)
        {
            return compiled;
        }
        final Constraints cs = hintConstraints;
        if (cs.count == 0)
        {
            return PASSES;
        }
        if (nodeSlot < 0 || nodeSlot >= table.slotLimit())
        {
            return UNKNOWN;
        }
        final long value = cs.column[0].get(nodeSlot);
        if (value == NodeTable.ABSENT)
        {
            return FAILS;
        }
        for (int c = 0; c < cs.count; c++)
        {
            final DomainSums sums = counters.domainSums(cs.selector[c], cs.column[c], table);
            if (sums.sumOfValue((int)value + 1) + cs.selfMatch[c] - hintMinimum(cs, c, sums) > cs.maxSkew[c])
            {
                return FAILS;
            }
        }
        return PASSES;
    }

    /**
     * For queueing hints: the sum over {@code waiting}'s {@code DoNotSchedule} constraints of their global minimum
     * now (0 when it has none), or -1 when the kept domain sums cannot tell it (see {@link #hardConstraintsAt}).
     * Placements only raise counts, so they can admit a pod its spread kept out only by raising a minimum.
     */
    public long hardMinimumSum(final PodObject waiting, final NodeTable table)
    {
        if (compileForHint(waiting, table) != PASSES)
        {
            return -1;
        }
        final Constraints cs = hintConstraints;
        long total = 0;
        for (int c = 0; c < cs.count; c++)
        {
            total += hintMinimum(cs, c, counters.domainSums(cs.selector[c], cs.column[c], table));
        }
        return total;
    }

    /** Compiles the waiting pod's hard constraints into the hint scratch: PASSES when the sums can answer. */
    private int compileForHint(final PodObject waiting, final NodeTable table)
    {
        final Constraints cs = hintConstraints;
        cs.count = 0;
        if (waiting.topologySpreadConstraints().isEmpty())
        {
            return PASSES;
        }
        counters.ensureCapacity(table.capacity());
        compile(waiting, DO_NOT_SCHEDULE, cs, table);
        if (cs.count == 0)
        {
            return PASSES;
        }
        if (!sameColumn(cs) || cs.column[0] == null || cs.hostname[0])
        {
            return UNKNOWN;
        }
        final boolean requiredAffinity = NodeInclusion.hasRequiredAffinity(waiting);
        for (int c = 0; c < cs.count; c++)
        {
            if (cs.affinityHonor[c] && requiredAffinity || cs.taintsHonor[c])
            {
                return UNKNOWN;
            }
        }
        return PASSES;
    }

    /** kube's global minimum of one constraint from the kept sums (0 below minDomains eligible domains). */
    private static long hintMinimum(final Constraints cs, final int c, final DomainSums sums)
    {
        final int present = sums.presentCount();
        if (present < cs.minDomains[c])
        {
            return 0;
        }
        long min = MAX_INT32;
        for (int i = 0; i < present; i++)
        {
            min = Math.min(min, sums.presentSum(i));
        }
        return min;
    }

    /** For tests: the global minimum and eligible domain count of hard constraint {@code c} for the last pod. */
    long hardGlobalMin(final int c)
    {
        return hard.globalMin[c];
    }

    int hardDomains(final int c)
    {
        return hard.domains[c];
    }

    // ---------------------------------------------------------------- score

    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        counters.ensureCapacity(table.capacity());
        compile(pod, SCHEDULE_ANYWAY, soft, table);
        final Constraints cs = soft;
        final int n = cs.count;
        if (n == 0)
        {
            return false;
        }
        scoreTable = table;
        // kube: nodes must have every key only for the pod's own constraints (the system defaults let nodes
        // without a zone label still spread by hostname)
        requireAll = !pod.topologySpreadConstraints().isEmpty();
        inclusion(pod, table, cs);
        final int values = table.labelValues().size();
        // domain index of a node lacking the key when it is not ignored: kube reads "" for it
        final int emptyId = table.labelValues().find("");
        emptyValueIndex = emptyId >= 0 ? emptyId + 1 : values + 1;
        cs.resetDomains(values + 2);
        if (slotCounts.length < n || slotCounts[0].length < table.capacity())
        {
            slotCounts = new long[Math.max(n, slotCounts.length)][table.capacity()];
        }
        if (stamps.length < n || stamps[0].length < values + 2)
        {
            stamps = new int[Math.max(n, stamps.length)][values + 2 + ((values + 2) >> 1)];
            stamp = 0;
        }
        final int limit = table.slotLimit();
        // per-domain counts of the zone-like constraints (hostname ones are read per node by the pass), constraint
        // by constraint over a per-epoch column of each live node's domain index: no segment reads, no dead nodes
        boolean[] complete = null;
        final boolean oneColumn = !requireAll || sameColumn(cs);
        for (int c = 0; c < n; c++)
        {
            if (cs.hostname[c])
            {
                continue;
            }
            // a pod without required node affinity includes every live node under nodeAffinityPolicy Honor
            final boolean checkInclusion = cs.affinityHonor[c] && affinityRequired || cs.taintsHonor[c];
            if (useDomainSums && !checkInclusion && oneColumn)
            {
                // the kept domain sums, O(domains); a node lacking the key counts in kube's "" domain unless the
                // pod's own constraints require every key
                final DomainSums sums = counters.domainSums(cs.selector[c], cs.column[c], table);
                for (int i = 0, present = sums.presentCount(); i < present; i++)
                {
                    cs.addToDomain(c, sums.presentValueIndex(i), sums.presentSum(i));
                }
                if (!requireAll && sums.nodesLackingKey() > 0)
                {
                    cs.addToDomain(c, emptyValueIndex, sums.sumLackingKey());
                }
                continue;
            }
            if (requireAll && complete == null)
            {
                complete = nodesWithAllKeys(cs, 1, table, limit);
            }
            final int[] domains = domainIndexes(cs, 2 * c + 1, c, table, limit);
            final long[] perNode = counters.perNode(cs.selector[c]);
            for (int slot = 0; slot < limit; slot++)
            {
                final int index = domains[slot];
                if (index < 0 || complete != null && !complete[slot] || checkInclusion && !included(cs, c, slot))
                {
                    continue;
                }
                cs.addToDomain(c, index, perNode[slot]);
            }
        }
        for (int c = 0; c < n; c++)
        {
            cs.table[c][0] = -1; // lacks the key: the constraint adds nothing on this node
        }
        return true;
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final Constraints cs = soft;
        final int[] index = gatherIndex;
        final LongVector zero = LongVector.zero(Kernels.LONGS);
        for (int i = from; i < to; i += Kernels.LANES)
        {
            zero.intoArray(scores, i);
        }
        for (int c = 0; c < cs.count; c++)
        {
            final long[] out = slotCounts[c];
            final MemorySegment seg = cs.segment.get(c);
            if (seg == null)
            {
                Arrays.fill(out, from, to, -1L);
                if (requireAll)
                {
                    Arrays.fill(scores, from, to, -1L);
                }
                continue;
            }
            final long[] perNode = counters.perNode(cs.selector[c]);
            final long[] counts = cs.table[c];
            for (int i = from; i < to; i += Kernels.LANES)
            {
                final LongVector ids = Kernels.load(seg, i);
                final LongVector cnt;
                if (cs.hostname[c])
                {
                    cnt = LongVector.fromArray(Kernels.LONGS, perNode, i).blend(-1L, ids.compare(VectorOperators.EQ, NodeTable.ABSENT));
                }
                else
                {
                    ((IntVector)ids.add(1L).convertShape(VectorOperators.L2I, INTS, 0)).intoArray(index, 0);
                    cnt = LongVector.fromArray(Kernels.LONGS, counts, 0, index, 0);
                }
                cnt.intoArray(out, i);
                if (requireAll)
                {
                    // ignored node (lacks a key): raw score -1, kube's invalidScore
                    LongVector.fromArray(Kernels.LONGS, scores, i).or(cnt.compare(VectorOperators.LT, 0L).toVector().reinterpretAsLongs())
                        .intoArray(scores, i);
                }
            }
        }
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final Constraints cs = soft;
        for (int slot = from; slot < to; slot++)
        {
            boolean ignored = false;
            for (int c = 0; c < cs.count; c++)
            {
                final long value = cs.column[c] == null ? NodeTable.ABSENT : cs.column[c].get(slot);
                final long cnt;
                if (value == NodeTable.ABSENT)
                {
                    cnt = -1;
                }
                else if (cs.hostname[c])
                {
                    cnt = counters.perNode(cs.selector[c])[slot];
                }
                else
                {
                    cnt = cs.table[c][(int)value + 1];
                }
                slotCounts[c][slot] = cnt;
                ignored |= cnt < 0;
            }
            scores[slot] = requireAll && ignored ? -1 : 0;
        }
    }

    public Normalization normalization()
    {
        return Normalization.CUSTOM;
    }

    /**
     * kube's topologyNormalizingWeight per constraint from the feasible, not ignored nodes: log(distinct domains
     * + 2), or log(nodes + 2) for hostname. Scalar in both twins (a distinct count). Returns nothing; fills
     * {@code weights}.
     */
    /**
     * kube's topology normalizing weights: {@code log(size + 2)} with size the number of distinct values of the
     * constraint's key among the scored nodes (for hostname: the scored nodes). The scan of a key stops as soon as
     * every value the live nodes carry has been seen (a zone key is complete after a few hundred nodes), and the
     * scored nodes are counted with the Vector API.
     */
    private void weights(final long[] scores, final long[] failBits, final int from, final int to, final double[] weights)
    {
        final Constraints cs = soft;
        final int n = cs.count;
        final long nodes = countScored(scores, failBits, from, to);
        int open = 0;
        for (int c = 0; c < n; c++)
        {
            weights[c] = 0;
            if (!cs.hostname[c])
            {
                open++;
            }
        }
        if (open > 0)
        {
            stamp++;
            if (stamp == Integer.MAX_VALUE)
            {
                for (final int[] s : stamps)
                {
                    Arrays.fill(s, 0);
                }
                stamp = 1;
            }
            final int[] bound = distinctBounds(cs);
            scan:
            for (int slot = from; slot < to; slot++)
            {
                if (failBits[slot] != 0 || scores[slot] < 0)
                {
                    continue;
                }
                for (int c = 0; c < n; c++)
                {
                    if (!cs.hostname[c] && weights[c] < bound[c])
                    {
                        final long value = cs.column[c] == null ? NodeTable.ABSENT : cs.column[c].get(slot);
                        final int index = value == NodeTable.ABSENT ? emptyValueIndex : (int)value + 1;
                        if (stamps[c][index] != stamp)
                        {
                            stamps[c][index] = stamp;
                            weights[c]++;
                            if (weights[c] == bound[c] && --open == 0)
                            {
                                break scan;
                            }
                        }
                    }
                }
            }
        }
        for (int c = 0; c < n; c++)
        {
            weights[c] = GoMath.log((cs.hostname[c] ? nodes : (long)weights[c]) + 2);
        }
    }

    private static long countScored(final long[] scores, final long[] failBits, final int from, final int to)
    {
        long nodes = 0;
        for (int i = from; i < to; i += Kernels.LANES)
        {
            nodes += LongVector.fromArray(Kernels.LONGS, failBits, i).compare(VectorOperators.EQ, 0L)
                .and(LongVector.fromArray(Kernels.LONGS, scores, i).compare(VectorOperators.GE, 0L)).trueCount();
        }
        return nodes;
    }

    // distinct domain values per constraint among live nodes, kept per node-table epoch (an upper bound of the
    // values among scored nodes, which lets the weight scan stop early)
    private LongColumn[] boundColumns = new LongColumn[4];
    private long[] boundEpochs = {-1, -1, -1, -1};
    private int[] bounds = new int[4];
    private int[] boundStamps = new int[0];
    private int boundStamp;

    private int[] distinctBounds(final Constraints cs)
    {
        final NodeTable table = scoreTable;
        final int n = cs.count;
        if (bounds.length < n)
        {
            boundColumns = Arrays.copyOf(boundColumns, n);
            final int old = boundEpochs.length;
            boundEpochs = Arrays.copyOf(boundEpochs, n);
            Arrays.fill(boundEpochs, old, n, -1L);
            bounds = Arrays.copyOf(bounds, n);
        }
        final int values = table.labelValues().size() + 2;
        for (int c = 0; c < n; c++)
        {
            if (cs.hostname[c])
            {
                continue;
            }
            if (cs.column[c] == null)
            {
                bounds[c] = 1; // no node has the key: every node is in the one "" domain
                continue;
            }
            if (table.epoch() == boundEpochs[c] && boundColumns[c] == cs.column[c])
            {
                continue;
            }
            if (boundStamps.length < values)
            {
                boundStamps = new int[values + (values >> 1)];
                boundStamp = 0;
            }
            boundStamp++;
            int distinct = 0;
            for (int slot = 0, limit = table.slotLimit(); slot < limit; slot++)
            {
                if (!table.isLive(slot))
                {
                    continue;
                }
                final long value = cs.column[c].get(slot);
                final int index = value == NodeTable.ABSENT ? emptyValueIndex : (int)value + 1;
                if (index < boundStamps.length && boundStamps[index] != boundStamp)
                {
                    boundStamps[index] = boundStamp;
                    distinct++;
                }
                else if (index >= boundStamps.length)
                {
                    distinct = Integer.MAX_VALUE; // cannot bound: never stop early
                    break;
                }
            }
            bounds[c] = distinct;
            boundEpochs[c] = table.epoch();
            boundColumns[c] = cs.column[c];
        }
        return bounds;
    }

    // per constraint: each slot's domain index (value id + 1, the "" index when it lacks the key, -1 when not live),
    // rebuilt when the node table's epoch, the column or the "" index changes
    private int[][] domainIndexes = new int[4][];
    private LongColumn[] domainColumns = new LongColumn[4];
    private long[] domainEpochs = {-1, -1, -1, -1};
    private int[] domainEmpty = new int[4];
    private int[] domainLimits = new int[4];

    /** {@code cache}: 2c for hard constraint c, 2c + 1 for soft constraint c (their columns differ). */
    private int[] domainIndexes(final Constraints cs, final int cache, final int c, final NodeTable table, final int limit)
    {
        if (domainIndexes.length <= cache)
        {
            final int old = domainEpochs.length;
            domainIndexes = Arrays.copyOf(domainIndexes, cache + 1);
            domainColumns = Arrays.copyOf(domainColumns, cache + 1);
            domainEpochs = Arrays.copyOf(domainEpochs, cache + 1);
            Arrays.fill(domainEpochs, old, cache + 1, -1L);
            domainEmpty = Arrays.copyOf(domainEmpty, cache + 1);
            domainLimits = Arrays.copyOf(domainLimits, cache + 1);
        }
        int[] d = domainIndexes[cache];
        if (d != null && domainLimits[cache] == limit && domainEpochs[cache] == table.epoch() &&
            domainColumns[cache] == cs.column[c] && domainEmpty[cache] == emptyValueIndex)
        {
            return d;
        }
        if (d == null || d.length < table.capacity())
        {
            d = new int[table.capacity()];
            domainIndexes[cache] = d;
        }
        final LongColumn column = cs.column[c];
        for (int slot = 0; slot < limit; slot++)
        {
            if (!table.isLive(slot))
            {
                d[slot] = -1;
                continue;
            }
            final long value = column == null ? NodeTable.ABSENT : column.get(slot);
            d[slot] = value == NodeTable.ABSENT ? emptyValueIndex : (int)value + 1;
        }
        domainEpochs[cache] = table.epoch();
        domainColumns[cache] = column;
        domainEmpty[cache] = emptyValueIndex;
        domainLimits[cache] = limit;
        return d;
    }

    /** Whether every constraint reads the same topology key column (a node has all keys when it has that one). */
    private static boolean sameColumn(final Constraints cs)
    {
        for (int c = 1; c < cs.count; c++)
        {
            if (cs.column[c] != cs.column[0])
            {
                return false;
            }
        }
        return true;
    }

    // live nodes having every key of the hard (0) / soft (1) constraints, kept per epoch and set of key columns
    private boolean[][] completeMasks = new boolean[2][0];
    private long[] completeEpochs = {-1, -1};
    private int[] completeLimits = new int[2];
    private LongColumn[][] completeColumns = new LongColumn[2][0];

    /** Live nodes having every constraint's key (kube's requireAllTopologies for a pod's own constraints). */
    private boolean[] nodesWithAllKeys(final Constraints cs, final int which, final NodeTable table, final int limit)
    {
        boolean[] ok = completeMasks[which];
        final LongColumn[] seen = completeColumns[which];
        boolean same = completeEpochs[which] == table.epoch() && completeLimits[which] == limit && seen.length == cs.count;
        for (int c = 0; same && c < cs.count; c++)
        {
            same = seen[c] == cs.column[c];
        }
        if (same)
        {
            return ok;
        }
        if (ok.length < table.capacity())
        {
            ok = new boolean[table.capacity()];
            completeMasks[which] = ok;
        }
        nodes:
        for (int slot = 0; slot < limit; slot++)
        {
            ok[slot] = false;
            if (!table.isLive(slot))
            {
                continue;
            }
            for (int c = 0; c < cs.count; c++)
            {
                if (cs.column[c] == null || cs.column[c].get(slot) == NodeTable.ABSENT)
                {
                    continue nodes;
                }
            }
            ok[slot] = true;
        }
        completeEpochs[which] = table.epoch();
        completeLimits[which] = limit;
        completeColumns[which] = Arrays.copyOf(cs.column, cs.count);
        return ok;
    }

    private double[] weightScratch = new double[4];

    private double[] weightScratch()
    {
        if (weightScratch.length < soft.count)
        {
            weightScratch = new double[soft.count];
        }
        return weightScratch;
    }

    public void normalize(final long[] scores, final long[] failBits, final int from, final int to)
    {
        final Constraints cs = soft;
        final double[] w = weightScratch();
        weights(scores, failBits, from, to, w);
        long max = 0;
        long min = Long.MAX_VALUE;
        LongVector maxV = LongVector.zero(Kernels.LONGS);
        LongVector minV = LongVector.broadcast(Kernels.LONGS, Long.MAX_VALUE);
        if (cs.count <= 2)
        {
            // one or two constraints (kube's system defaults are two): both terms summed in the rounding pass, in
            // the same order and arithmetic as the general path below, with no double column in between
            final boolean two = cs.count == 2;
            final long[] counts0 = slotCounts[0];
            final long[] counts1 = two ? slotCounts[1] : counts0;
            final double weight0 = w[0];
            final double skew0 = (double)(cs.maxSkew[0] - 1);
            final double weight1 = two ? w[1] : 0.0;
            final double skew1 = two ? (double)(cs.maxSkew[1] - 1) : 0.0;
            final VectorMask<Double> noSecond = Kernels.DOUBLES.maskAll(!two);
            final DoubleVector zero = DoubleVector.zero(Kernels.DOUBLES);
            for (int i = from; i < to; i += Kernels.LANES)
            {
                final DoubleVector cnt0 = (DoubleVector)LongVector.fromArray(Kernels.LONGS, counts0, i)
                    .convert(VectorOperators.L2D, 0);
                final DoubleVector cnt1 = (DoubleVector)LongVector.fromArray(Kernels.LONGS, counts1, i)
                    .convert(VectorOperators.L2D, 0);
                // a missing second term adds 0.0, which leaves the (non-negative) sum exactly as it was
                final DoubleVector acc = zero
                    .add(cnt0.mul(weight0).add(skew0).blend(0.0, cnt0.compare(VectorOperators.LT, 0.0)))
                    .add(cnt1.mul(weight1).add(skew1).blend(0.0, cnt1.compare(VectorOperators.LT, 0.0).or(noSecond)));
                final LongVector t = (LongVector)acc.convert(VectorOperators.D2L, 0);
                final DoubleVector frac = acc.sub((DoubleVector)t.convert(VectorOperators.L2D, 0));
                final LongVector up = (LongVector)frac.compare(VectorOperators.GE, 0.5).cast(Kernels.LONGS).toVector();
                final LongVector raw = t.sub(up);
                final LongVector invalid = (LongVector)LongVector.fromArray(Kernels.LONGS, failBits, i).compare(VectorOperators.NE, 0L)
                    .or(LongVector.fromArray(Kernels.LONGS, scores, i).compare(VectorOperators.LT, 0L)).toVector();
                maxV = maxV.max(raw.and(invalid.not()));
                minV = minV.min(raw.or(invalid.and(Long.MAX_VALUE)));
                raw.or(invalid).intoArray(scores, i);
            }
        }
        else
        {
            // one pass per constraint into a double column: no vector carried around an inner loop (C2 would box it)
            if (accScratch.length < to)
            {
                accScratch = new double[Math.max(to, accScratch.length * 2)];
            }
            final double[] accs = accScratch;
            java.util.Arrays.fill(accs, from, to, 0.0);
            for (int c = 0; c < cs.count; c++)
            {
                final long[] counts = slotCounts[c];
                final double weight = w[c];
                final double skew = (double)(cs.maxSkew[c] - 1);
                for (int i = from; i < to; i += Kernels.LANES)
                {
                    final DoubleVector cnt = (DoubleVector)LongVector.fromArray(Kernels.LONGS, counts, i)
                        .convert(VectorOperators.L2D, 0);
                    DoubleVector.fromArray(Kernels.DOUBLES, accs, i)
                        .add(cnt.mul(weight).add(skew).blend(0.0, cnt.compare(VectorOperators.LT, 0.0)))
                        .intoArray(accs, i);
                }
            }
            for (int i = from; i < to; i += Kernels.LANES)
            {
                final LongVector marker = LongVector.fromArray(Kernels.LONGS, scores, i);
                final DoubleVector acc = DoubleVector.fromArray(Kernels.DOUBLES, accs, i);
                // Go's math.Round on non-negative values: truncate, then up when the fraction is at least one half
                final LongVector t = (LongVector)acc.convert(VectorOperators.D2L, 0);
                final DoubleVector frac = acc.sub((DoubleVector)t.convert(VectorOperators.L2D, 0));
                final LongVector up = (LongVector)frac.compare(VectorOperators.GE, 0.5).cast(Kernels.LONGS).toVector();
                final LongVector raw = t.sub(up); // up is -1 where the fraction rounds up
                // invalid: infeasible, or ignored (marker -1)
                final LongVector invalid = (LongVector)LongVector.fromArray(Kernels.LONGS, failBits, i).compare(VectorOperators.NE, 0L)
                    .or(marker.compare(VectorOperators.LT, 0L)).toVector();
                maxV = maxV.max(raw.and(invalid.not()));
                minV = minV.min(raw.or(invalid.and(Long.MAX_VALUE)));
                raw.or(invalid).intoArray(scores, i);
            }
        }
        max = maxV.reduceLanes(VectorOperators.MAX);
        min = minV.reduceLanes(VectorOperators.MIN);
        final LongVector top = LongVector.broadcast(Kernels.LONGS, Kernels.MAX_NODE_SCORE);
        if (max == 0)
        {
            for (int i = from; i < to; i += Kernels.LANES)
            {
                final LongVector s = LongVector.fromArray(Kernels.LONGS, scores, i);
                top.and((LongVector)s.compare(VectorOperators.GE, 0L).toVector()).intoArray(scores, i);
            }
            return;
        }
        rescale(scores, from, to, max, min);
    }

    /**
     * kube's NormalizeScore {@code 100 * (max + min - s) / max} on valid lanes, 0 elsewhere, with the exact
     * division written out in the loop (see {@link Kernels}: a helper call there boxes the vectors).
     */
    private static void rescale(final long[] scores, final int from, final int to, final long max, final long min)
    {
        final LongVector maxB = LongVector.broadcast(Kernels.LONGS, max);
        final DoubleVector inverse = DoubleVector.broadcast(Kernels.DOUBLES, 1.0 / max);
        final LongVector sum = LongVector.broadcast(Kernels.LONGS, max + min);
        for (int i = from; i < to; i += Kernels.LANES)
        {
            final LongVector s = LongVector.fromArray(Kernels.LONGS, scores, i);
            final LongVector valid = (LongVector)s.compare(VectorOperators.GE, 0L).toVector();
            final LongVector a = sum.sub(s.max(0L).min(maxB)).mul(Kernels.MAX_NODE_SCORE);
            // Kernels.floorDiv(a, maxB, inverse), written out (a call here would box the vectors)
            LongVector q = (LongVector)((DoubleVector)a.convert(VectorOperators.L2D, 0)).mul(inverse)
                .convert(VectorOperators.D2L, 0);
            q = q.add((LongVector)q.mul(maxB).compare(VectorOperators.GT, a).toVector());
            q = q.sub((LongVector)q.add(1L).mul(maxB).compare(VectorOperators.LE, a).toVector());
            q.and(valid).intoArray(scores, i);
        }
    }

    public void normalizeScalar(final long[] scores, final long[] failBits, final int from, final int to)
    {
        final Constraints cs = soft;
        final double[] w = weightScratch();
        weights(scores, failBits, from, to, w);
        long max = 0;
        long min = Long.MAX_VALUE;
        for (int slot = from; slot < to; slot++)
        {
            if (failBits[slot] != 0 || scores[slot] < 0)
            {
                scores[slot] = -1; // kube's invalidScore (ignored) or not scored at all (infeasible)
                continue;
            }
            double score = 0;
            for (int c = 0; c < cs.count; c++)
            {
                final long cnt = slotCounts[c][slot];
                if (cnt >= 0)
                {
                    score += (double)cnt * w[c] + (double)(cs.maxSkew[c] - 1);
                }
            }
            final long raw = Math.round(score);
            scores[slot] = raw;
            min = Math.min(min, raw);
            max = Math.max(max, raw);
        }
        for (int slot = from; slot < to; slot++)
        {
            final long s = scores[slot];
            if (s < 0)
            {
                scores[slot] = 0;
            }
            else if (max == 0)
            {
                scores[slot] = Kernels.MAX_NODE_SCORE;
            }
            else
            {
                scores[slot] = Kernels.MAX_NODE_SCORE * (max + min - s) / max;
            }
        }
    }
}
