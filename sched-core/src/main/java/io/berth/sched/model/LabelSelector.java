package io.berth.sched.model;

import java.util.List;
import java.util.Map;

/**
 * A {@code metav1.LabelSelector}: {@code matchLabels} and {@code matchExpressions}, AND-ed.
 * <p>
 * Kubernetes tells an absent selector from an empty one, so fields of this type are nullable where it does: for
 * {@code metav1.LabelSelectorAsSelector} a null selector selects nothing and an {@link #isEmpty() empty} one
 * selects everything (a pod affinity term's {@code namespaceSelector}: null means "the listed namespaces, or the
 * pod's own", empty means "all namespaces"). Each field holding one says what null means there.
 */
public record LabelSelector(Map<String, String> matchLabels, List<LabelSelectorRequirement> matchExpressions)
{
    /** The empty selector, {@code {}}: selects everything where kube converts it with LabelSelectorAsSelector. */
    public static final LabelSelector EMPTY = new LabelSelector(Map.of(), List.of());

    public LabelSelector
    {
        matchLabels = matchLabels == null ? Map.of() : matchLabels;
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
    }

    /** True when it has no labels and no expressions. */
    public boolean isEmpty()
    {
        return matchLabels.isEmpty() && matchExpressions.isEmpty();
    }
}
