package io.berth.sched.plugins.tainttoleration;

import java.util.List;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.SegmentArray;

/**
 * kube's TaintToleration. Filter: a node fails if it has a {@code NoSchedule} or {@code NoExecute} taint that no
 * toleration of the pod tolerates. Score: the number of the node's {@code PreferNoSchedule} taints not tolerated
 * by the pod's tolerations with an empty or {@code PreferNoSchedule} effect, normalized in reverse (fewer is
 * better). Per pod, the tolerations are compiled into masks over the interned taint ids, so that the passes are
 * an AND (filter) or a popcount (score) of the node's taint bitset words.
 */
public final class TaintToleration implements FilterPlugin, ScorePlugin
{
    public static final String NAME = "TaintToleration";

    private final TaintMasks hard = new TaintMasks();
    private final TaintMasks prefer = new TaintMasks();
    private List<Toleration> tolerations = List.of();

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 3;
    }

    // ---------------------------------------------------------------- filter

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        tolerations = pod.tolerations();
        return hard.compile(table, tolerations, false);
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final int n = hard.bind(table);
        if (n == 0)
        {
            return;
        }
        final int[] words = hard.words;
        final long[] masks = hard.masks;
        final SegmentArray columns = hard.columns;
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            VectorMask<Long> fail = Kernels.load(columns.get(0), slot).and(masks[words[0]]).compare(VectorOperators.NE, 0L);
            for (int i = 1; i < n; i++)
            {
                fail = fail.or(Kernels.load(columns.get(i), slot).and(masks[words[i]]).compare(VectorOperators.NE, 0L));
            }
            Kernels.orBits(failBits, slot, fail, failBit);
        }
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final int n = hard.wordCount;
        for (int slot = from; slot < to; slot++)
        {
            for (int i = 0; i < n; i++)
            {
                final int w = hard.words[i];
                if ((table.taintWord(w).get(slot) & hard.masks[w]) != 0)
                {
                    failBits[slot] |= failBit;
                    break;
                }
            }
        }
    }

    /** kube's reason names the first untolerated NoSchedule/NoExecute taint in the node's taint order. */
    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        final NodeObject node = table.object(slot);
        if (node == null)
        {
            return;
        }
        final List<Taint> taints = node.taints();
        for (int i = 0, n = taints.size(); i < n; i++)
        {
            final Taint t = taints.get(i);
            if (isHard(t.effect()) && !tolerated(tolerations, t, false))
            {
                out.add("node(s) had untolerated taint {" + t.key() + ": " + t.value() + "}");
                return;
            }
        }
    }

    // ---------------------------------------------------------------- score

    /** Never skips: with no intolerable PreferNoSchedule taint every node scores the maximum, as in kube. */
    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        prefer.compile(table, pod.tolerations(), true);
        return true;
    }

    /** No intolerable PreferNoSchedule taint: every node scores 0 raw, the maximum once normalized. */
    public boolean uniform()
    {
        return prefer.wordCount == 0;
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final int n = prefer.bind(table);
        final int[] words = prefer.words;
        final long[] masks = prefer.masks;
        final SegmentArray columns = prefer.columns;
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            LongVector count = LongVector.zero(Kernels.LONGS);
            for (int i = 0; i < n; i++)
            {
                count = count.add(Kernels.load(columns.get(i), slot).and(masks[words[i]]).lanewise(VectorOperators.BIT_COUNT));
            }
            count.intoArray(scores, slot);
        }
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final int n = prefer.wordCount;
        for (int slot = from; slot < to; slot++)
        {
            long count = 0;
            for (int i = 0; i < n; i++)
            {
                final int w = prefer.words[i];
                count += Long.bitCount(table.taintWord(w).get(slot) & prefer.masks[w]);
            }
            scores[slot] = count;
        }
    }

    public Normalization normalization()
    {
        return Normalization.DEFAULT_REVERSE;
    }

    public void normalize(final long[] scores, final long[] failBits, final int from, final int to)
    {
        Kernels.defaultNormalize(scores, failBits, from, to, true);
    }

    public void normalizeScalar(final long[] scores, final long[] failBits, final int from, final int to)
    {
        Kernels.defaultNormalizeScalar(scores, failBits, from, to, true);
    }

    // ---------------------------------------------------------------- helpers

    static boolean isHard(final String effect)
    {
        return Taint.NO_SCHEDULE.equals(effect) || Taint.NO_EXECUTE.equals(effect);
    }

    /**
     * kube's {@code TolerationsTolerateTaint}; with {@code preferOnly}, over the tolerations kube's
     * {@code getAllTolerationPreferNoSchedule} keeps (empty or PreferNoSchedule effect).
     */
    static boolean tolerated(final List<Toleration> tolerations, final Taint taint, final boolean preferOnly)
    {
        for (int i = 0, n = tolerations.size(); i < n; i++)
        {
            final Toleration t = tolerations.get(i);
            if (preferOnly && !t.effect().isEmpty() && !Taint.PREFER_NO_SCHEDULE.equals(t.effect()))
            {
                continue;
            }
            if (t.tolerates(taint))
            {
                return true;
            }
        }
        return false;
    }
}
