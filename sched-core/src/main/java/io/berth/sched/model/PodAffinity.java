package io.berth.sched.model;

import java.util.List;

/**
 * {@code spec.affinity.podAffinity} or {@code spec.affinity.podAntiAffinity}: the terms of
 * {@code requiredDuringSchedulingIgnoredDuringExecution} and {@code preferredDuringSchedulingIgnoredDuringExecution},
 * each empty when absent.
 */
public record PodAffinity(List<PodAffinityTerm> required, List<WeightedPodAffinityTerm> preferred)
{
    /** No terms: the field is absent. */
    public static final PodAffinity NONE = new PodAffinity(List.of(), List.of());

    public PodAffinity
    {
        required = required == null ? List.of() : List.copyOf(required);
        preferred = preferred == null ? List.of() : List.copyOf(preferred);
    }

    /** True when there are no terms at all. */
    public boolean isEmpty()
    {
        return required.isEmpty() && preferred.isEmpty();
    }
}
