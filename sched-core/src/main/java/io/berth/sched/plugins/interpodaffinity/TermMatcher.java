package io.berth.sched.plugins.interpodaffinity;

import java.util.Map;
import java.util.Set;

import io.berth.sched.model.PodObject;

/**
 * kube's {@code framework.AffinityTerm} without its topology key: the pods a term is about. A pod matches when its
 * namespace is listed or the namespace selector matches the namespace's labels, and the label selector matches
 * the pod's labels ({@code AffinityTerm.Matches}).
 */
final class TermMatcher
{
    private final LabelMatcher selector;
    private final Set<String> namespaces;
    private final LabelMatcher namespaceSelector;

    TermMatcher(final LabelMatcher selector, final Set<String> namespaces, final LabelMatcher namespaceSelector)
    {
        this.selector = selector;
        this.namespaces = namespaces;
        this.namespaceSelector = namespaceSelector;
    }

    LabelMatcher selector()
    {
        return selector;
    }

    /** kube's {@code AffinityTerm.Matches(pod, nsLabels)}; {@code namespaceLabels} may be null (none). */
    boolean matches(final PodObject pod, final Map<String, String> namespaceLabels)
    {
        if (namespaces.contains(pod.namespace()) || namespaceSelector.matches(namespaceLabels))
        {
            return selector.matches(pod.labels());
        }
        return false;
    }
}
