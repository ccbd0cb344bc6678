package io.berth.sched.model;

import java.util.List;

/**
 * {@code spec.affinity.nodeAffinity}. {@code requiredTerms} is null when
 * {@code requiredDuringSchedulingIgnoredDuringExecution} is absent (everything matches); an empty list
 * means the field is present with no terms (nothing matches, as in Kubernetes).
 */
public record NodeAffinity(List<NodeSelectorTerm> requiredTerms, List<PreferredSchedulingTerm> preferredTerms)
{
    public static final NodeAffinity NONE = new NodeAffinity(null, List.of());

    public NodeAffinity
    {
        requiredTerms = requiredTerms == null ? null : List.copyOf(requiredTerms);
        preferredTerms = preferredTerms == null ? List.of() : List.copyOf(preferredTerms);
    }
}
