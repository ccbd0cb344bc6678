package io.berth.sched.model;

import java.util.List;

/**
 * A {@code v1.TopologySpreadConstraint} ({@code spec.topologySpreadConstraints[]}).
 *
 * @param maxSkew            the largest allowed difference between domains' matching pod counts.
 * @param topologyKey        the node label whose value defines a domain.
 * @param whenUnsatisfiable  {@code DoNotSchedule} or {@code ScheduleAnyway}.
 * @param labelSelector      the pods counted; null (absent) counts no pod.
 * @param minDomains         the fewest eligible domains assumed; null when absent.
 * @param nodeAffinityPolicy {@code Honor} or {@code Ignore}; empty when absent (kube then honors).
 * @param nodeTaintsPolicy   {@code Honor} or {@code Ignore}; empty when absent (kube then ignores).
 * @param matchLabelKeys     label keys whose values, taken from the incoming pod, are AND-ed into the selector.
 */
public record TopologySpreadConstraint(
    int maxSkew,
    String topologyKey,
    String whenUnsatisfiable,
    LabelSelector labelSelector,
    Integer minDomains,
    String nodeAffinityPolicy,
    String nodeTaintsPolicy,
    List<String> matchLabelKeys)
{
    public TopologySpreadConstraint
    {
        topologyKey = topologyKey == null ? "" : topologyKey;
        whenUnsatisfiable = whenUnsatisfiable == null ? "" : whenUnsatisfiable;
        nodeAffinityPolicy = nodeAffinityPolicy == null ? "" : nodeAffinityPolicy;
        nodeTaintsPolicy = nodeTaintsPolicy == null ? "" : nodeTaintsPolicy;
        matchLabelKeys = matchLabelKeys == null ? List.of() : List.copyOf(matchLabelKeys);
    }
}
