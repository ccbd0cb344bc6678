package io.berth.sched.framework;

import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * A kube-scheduler score plugin as a pass over the node columns. {@link #preScore} compiles the pod once; the
 * pass writes a raw score for every slot in {@code [from, to)} (values for infeasible slots are ignored; a slot's
 * raw score may depend only on the pod, that slot's columns and table-wide counts that change only when a node is
 * added, changed or removed); then {@link #normalize} rescales over the feasible slots ({@code failBits[slot] == 0}) as kube's NormalizeScore does.
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

    /**
     * Asked after {@link #preScore} returned true: whether every node gets the same raw score for this pod (kube's
     * TaintToleration when no node carries a PreferNoSchedule taint the pod does not tolerate). Its normalized score
     * is then the same on every feasible node and adds the same amount to every total, so it cannot change which
     * node wins or how many tie: a scheduling cycle leaves the plugin out, an explanation still shows its scores.
     * False unless the plugin knows it cheaply.
     */
    default boolean uniform()
    {
        return false;
    }

    /** Vector pass over {@code [from, to)} (multiples of {@link Kernels#LANES}). */
    void score(NodeTable table, long[] scores, int from, int to);

    /** Scalar reference pass; must give exactly the same scores as {@link #score}. */
    void scoreScalar(NodeTable table, long[] scores, int from, int to);

    /** Vector pass over {@code [0, limit)}. */
    default void score(final NodeTable table, final long[] scores, final int limit)
    {
        score(table, scores, 0, limit);
    }

    /** Scalar pass over {@code [0, limit)}. */
    default void scoreScalar(final NodeTable table, final long[] scores, final int limit)
    {
        scoreScalar(table, scores, 0, limit);
    }

    /** The plugin's NormalizeScore step. */
    enum Normalization
    {
        /** No NormalizeScore: raw scores are final. */
        NONE,
        /** kube's {@code DefaultNormalizeScore(MaxNodeScore, false)}: the engine runs it (incrementally when it can). */
        DEFAULT,
        /** kube's {@code DefaultNormalizeScore(MaxNodeScore, true)}: the engine runs it (incrementally when it can). */
        DEFAULT_REVERSE,
        /** The plugin's own {@link #normalize}/{@link #normalizeScalar}, run over all slots every cycle. */
        CUSTOM
    }

    /** Which NormalizeScore the plugin has; NONE by default. */
    default Normalization normalization()
    {
        return Normalization.NONE;
    }

    /**
     * Vector NormalizeScore over the feasible slots of {@code [from, to)} (multiples of {@link Kernels#LANES}):
     * minimum, maximum and domain counts come from those slots only, as kube normalizes over the nodes it scored.
     * No-op for plugins without one.
     */
    default void normalize(final long[] scores, final long[] failBits, final int from, final int to)
    {
    }

    /** Scalar NormalizeScore twin. */
    default void normalizeScalar(final long[] scores, final long[] failBits, final int from, final int to)
    {
    }

    /** Vector NormalizeScore over {@code [0, limit)}. */
    default void normalize(final long[] scores, final long[] failBits, final int limit)
    {
        normalize(scores, failBits, 0, limit);
    }

    /** Scalar NormalizeScore over {@code [0, limit)}. */
    default void normalizeScalar(final long[] scores, final long[] failBits, final int limit)
    {
        normalizeScalar(scores, failBits, 0, limit);
    }
}
