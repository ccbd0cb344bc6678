package io.berth.sched.framework;

import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * A kube-scheduler score plugin as a pass over the node columns. {@link #preScore} compiles the pod once; the
 * pass writes a raw score for every slot in {@code [0, limit)} (values for infeasible slots are ignored); then
 * {@link #normalize} rescales over the feasible slots ({@code failBits[slot] == 0}) as kube's NormalizeScore does.
 * Scores are integers in {@code [0, 100]} after normalization. Passes must not allocate.
 */
public interface ScorePlugin
{
    /** kube-scheduler's plugin name, e.g. {@code TaintToleration}. */
    String name();

    /** kube's default weight in the default profile. */
    int defaultWeight();

    /** Compiles the pod. Returns false for kube's Skip: every node then scores 0 for this plugin. */
    boolean preScore(PodObject pod, PodRequests requests, NodeTable table);

    /** Vector pass. */
    void score(NodeTable table, long[] scores, int limit);

    /** Scalar reference pass; must give exactly the same scores as {@link #score}. */
    void scoreScalar(NodeTable table, long[] scores, int limit);

    /** Vector NormalizeScore over feasible slots; no-op for plugins without one. */
    default void normalize(final long[] scores, final long[] failBits, final int limit)
    {
    }

    /** Scalar NormalizeScore twin. */
    default void normalizeScalar(final long[] scores, final long[] failBits, final int limit)
    {
    }
}
