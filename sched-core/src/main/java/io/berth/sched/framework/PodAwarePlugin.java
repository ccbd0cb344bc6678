package io.berth.sched.framework;

import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * A plugin whose answer on a node depends on the pods placed on other nodes (kube's InterPodAffinity and
 * PodTopologySpread). It keeps incremental counters (per selector and topology domain) that the engine's
 * {@link PodTable} updates on every pod it accounts or forgets, on the scheduling thread. Counters that depend on
 * node labels are to be rebuilt (from {@link PodTable#forEach}) when {@link NodeTable#epoch()} has moved since they
 * were built.
 */
public interface PodAwarePlugin
{
    /**
     * A pod was accounted on a node slot (bound, or assumed by the engine). {@code podSlot} is its {@link PodTable}
     * slot: unique among accounted pods and the same at its {@link #podRemoved}, so a plugin can keep per-pod state
     * in arrays indexed by it instead of a map keyed by the pod's key (a slot is reused after the removal).
     */
    void podAdded(PodObject pod, int podSlot, int nodeSlot, NodeTable table);

    /** A pod was removed from a node slot (deleted, or an assumption forgotten); {@code podSlot} as it was added. */
    void podRemoved(PodObject pod, int podSlot, int nodeSlot, NodeTable table);

    /**
     * After {@code preFilter} compiled {@code pod} (before {@code preScore}, so answer from the pod and the
     * counters): true when this plugin's result on some node
     * for this pod depends on pods on other nodes (the pod has pod-to-pod terms, or existing pods' terms could
     * match it). The engine then recomputes this plugin's passes on every node instead of reusing its per-class
     * cache, whose invalidation is per node; the other plugins' cached results are still reused.
     */
    boolean readsOtherNodes(PodObject pod);
}
