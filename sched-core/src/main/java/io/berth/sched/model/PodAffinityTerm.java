package io.berth.sched.model;

import java.util.List;

/**
 * A {@code v1.PodAffinityTerm}: pods matching {@code labelSelector} in the selected namespaces, co-located (or
 * not) within the domain named by {@code topologyKey}.
 *
 * @param labelSelector     the pods this term is about; null (absent) matches no pod.
 * @param namespaces        namespaces named outright; empty when absent.
 * @param topologyKey       the node label whose value defines a domain.
 * @param namespaceSelector null (absent): the namespaces are {@code namespaces}, or the pod's own when that is
 *                          empty too; an empty selector selects every namespace.
 * @param matchLabelKeys    label keys whose values, taken from the incoming pod, are AND-ed into the selector.
 * @param mismatchLabelKeys label keys whose values, taken from the incoming pod, must differ.
 */
public record PodAffinityTerm(
    LabelSelector labelSelector,
    List<String> namespaces,
    String topologyKey,
    LabelSelector namespaceSelector,
    List<String> matchLabelKeys,
    List<String> mismatchLabelKeys)
{
    public PodAffinityTerm
    {
        namespaces = namespaces == null ? List.of() : List.copyOf(namespaces);
        topologyKey = topologyKey == null ? "" : topologyKey;
        matchLabelKeys = matchLabelKeys == null ? List.of() : List.copyOf(matchLabelKeys);
        mismatchLabelKeys = mismatchLabelKeys == null ? List.of() : List.copyOf(mismatchLabelKeys);
    }
}
