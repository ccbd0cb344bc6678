package io.berth.sched.framework;

import java.util.List;

import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * A kube-scheduler filter plugin as a pass over the node columns. Per pod the engine calls {@link #preFilter}
 * once (kube's PreFilter: compile the pod into masks and numbers held by the plugin), then one of the two passes
 * over slots {@code [from, to)}: {@link #filter} (Vector API, the default) or {@link #filterScalar} (the
 * reference twin). Both bounds are multiples of {@link Kernels#LANES}; the engine passes the whole table or, when
 * it reuses an earlier pod's results, only the chunks whose nodes changed. A pass sets {@code failBit} in
 * {@code failBits[slot]} for every node that fails; it never clears bits. The result for a slot must depend only
 * on the pod and that slot's columns. Implementations are single-threaded and must not allocate in the passes.
 */
public interface FilterPlugin
{
    /** kube-scheduler's plugin name, e.g. {@code NodeResourcesFit}. */
    String name();

    /**
     * Compiles the pod. Returns false when the plugin cannot reject any node for this pod (kube's Skip),
     * in which case the engine skips the pass.
     */
    boolean preFilter(PodObject pod, PodRequests requests, NodeTable table);

    /** Vector pass over {@code [from, to)}. */
    void filter(NodeTable table, long[] failBits, long failBit, int from, int to);

    /** Scalar reference pass; must give exactly the same bits as {@link #filter}. */
    void filterScalar(NodeTable table, long[] failBits, long failBit, int from, int to);

    /** Vector pass over {@code [0, limit)}. */
    default void filter(final NodeTable table, final long[] failBits, final long failBit, final int limit)
    {
        filter(table, failBits, failBit, 0, limit);
    }

    /** Scalar pass over {@code [0, limit)}. */
    default void filterScalar(final NodeTable table, final long[] failBits, final long failBit, final int limit)
    {
        filterScalar(table, failBits, failBit, 0, limit);
    }

    /**
     * kube's reason strings for a slot this plugin rejects (after {@link #preFilter} for the same pod), e.g.
     * {@code Insufficient cpu}. Called only to explain a decision; may allocate.
     */
    void reasons(NodeTable table, int slot, List<String> out);

    /**
     * kube's status code for a slot this plugin rejects (after {@link #preFilter} for the same pod): true for
     * {@code Unschedulable}, which removing pods from the node may cure, false for
     * {@code UnschedulableAndUnresolvable}, which preemption cannot help (the default).
     */
    default boolean preemptionMayHelp(final NodeTable table, final int slot)
    {
        return false;
    }
}
