package io.berth.sched.plugins.nodeaffinity;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.table.NodeTable;

/**
 * kube's NodeAffinity. Filter (kube's {@code RequiredNodeAffinity.Match}): every {@code spec.nodeSelector}
 * label must be on the node with that value, and when required node affinity is set the node must match at
 * least one of its terms (all of a term's matchExpressions and matchFields). Score: the sum of the weights of
 * the preferred terms the node matches, then kube's DefaultNormalizeScore. Terms that kube fails to parse
 * never match. Both are compiled once per pod into a {@link SelectorProgram} run over the label columns.
 */
public final class NodeAffinity implements FilterPlugin, ScorePlugin
{
    public static final String NAME = "NodeAffinity";
    /** kube's ErrReasonPod. */
    public static final String REASON = "node(s) didn't match Pod's node affinity/selector";
    /** kube's errReasonConflict: PreFilter found that the terms' metadata.name requirements select no node. */
    public static final String REASON_CONFLICT = "pod affinity terms conflict";
    /** The status kube gives nodes left out of this plugin's PreFilterResult (metadata.name In terms). */
    public static final String REASON_NOT_IN_PREFILTER_RESULT = "node(s) didn't satisfy plugin(s) [" + NAME + "]";

    private final SelectorProgram required = new SelectorProgram();
    private final SelectorProgram preferred = new SelectorProgram();
    private PodObject filterPod;

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 2;
    }

    // ---------------------------------------------------------------- filter

    public boolean preFilter(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final List<NodeSelectorTerm> terms = pod.nodeAffinity().requiredTerms();
        if (terms == null && pod.nodeSelector().isEmpty())
        {
            filterPod = null;
            return false;
        }
        filterPod = pod;
        required.compileRequired(pod.nodeSelector(), terms, table);
        return true;
    }

    public void filter(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        required.filterVector(failBits, failBit, from, to);
    }

    public void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int from, final int to)
    {
        final SelectorProgram program = required;
        for (int slot = from; slot < to; slot++)
        {
            if (!program.matches(slot))
            {
                failBits[slot] |= failBit;
            }
        }
    }

    /**
     * kube's reason for the slot. When every required term has metadata.name In requirements, kube's PreFilter
     * narrows the nodes it filters to those names: nodes outside get {@link #REASON_NOT_IN_PREFILTER_RESULT},
     * and when the names conflict (empty set) every node gets {@link #REASON_CONFLICT}.
     */
    public void reasons(final NodeTable table, final int slot, final List<String> out)
    {
        final Set<String> names = filterPod == null ? null : preFilterNodeNames(filterPod.nodeAffinity().requiredTerms());
        if (names != null && names.isEmpty())
        {
            out.add(REASON_CONFLICT);
        }
        else if (names != null && !names.contains(table.name(slot)))
        {
            out.add(REASON_NOT_IN_PREFILTER_RESULT);
        }
        else
        {
            out.add(REASON);
        }
    }

    /**
     * kube's PreFilterResult node names: the union over required terms of the intersection of each term's
     * {@code metadata.name In} values; null (all nodes) when there are no terms or some term has none.
     */
    static Set<String> preFilterNodeNames(final List<NodeSelectorTerm> terms)
    {
        if (terms == null || terms.isEmpty())
        {
            return null;
        }
        final Set<String> names = new HashSet<>();
        for (final NodeSelectorTerm term : terms)
        {
            Set<String> termNames = null;
            for (final NodeSelectorRequirement r : term.matchFields())
            {
                if (SelectorProgram.NAME_FIELD.equals(r.key()) && "In".equals(r.operator()))
                {
                    if (termNames == null)
                    {
                        termNames = new HashSet<>(r.values());
                    }
                    else
                    {
                        termNames.retainAll(r.values());
                    }
                }
            }
            if (termNames == null)
            {
                return null;
            }
            names.addAll(termNames);
        }
        return names;
    }

    // ---------------------------------------------------------------- score

    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final List<PreferredSchedulingTerm> terms = pod.nodeAffinity().preferredTerms();
        if (terms.isEmpty())
        {
            return false;
        }
        preferred.compilePreferredStart(table);
        for (int i = 0, n = terms.size(); i < n; i++)
        {
            final PreferredSchedulingTerm term = terms.get(i);
            preferred.addTerm(term.preference(), term.weight());
        }
        preferred.compilePreferredEnd();
        // no term can match any node: every raw score is 0 and stays 0 after normalization, as with Skip
        return preferred.termCount() > 0;
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        preferred.scoreVector(scores, from, to);
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        final SelectorProgram program = preferred;
        for (int slot = from; slot < to; slot++)
        {
            scores[slot] = program.score(slot);
        }
    }

    public Normalization normalization()
    {
        return Normalization.DEFAULT;
    }

    public void normalize(final long[] scores, final long[] failBits, final int from, final int to)
    {
        Kernels.defaultNormalize(scores, failBits, from, to, false);
    }

    public void normalizeScalar(final long[] scores, final long[] failBits, final int from, final int to)
    {
        Kernels.defaultNormalizeScalar(scores, failBits, from, to, false);
    }
}
