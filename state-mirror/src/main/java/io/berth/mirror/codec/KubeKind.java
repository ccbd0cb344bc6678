package io.berth.mirror.codec;

/** The kinds of stored objects the mirror maps to the model, and {@link #OTHER} for every other key. */
public enum KubeKind
{
    NODE("Node"),
    POD("Pod"),
    NAMESPACE("Namespace"),
    PRIORITY_CLASS("PriorityClass"),
    POD_DISRUPTION_BUDGET("PodDisruptionBudget"),
    OTHER("");

    private final String kind;

    KubeKind(final String kind)
    {
        this.kind = kind;
    }

    /** The object's {@code kind} field, such as {@code Pod}; empty for {@link #OTHER}. */
    public String kindName()
    {
        return kind;
    }

    /** True when {@code apiVersion} (empty when absent) is one this kind is read in. */
    boolean acceptsApiVersion(final String apiVersion)
    {
        if (apiVersion.isEmpty())
        {
            return true;
        }
        return switch (this)
        {
            case NODE, POD, NAMESPACE -> "v1".equals(apiVersion);
            case PRIORITY_CLASS -> "scheduling.k8s.io/v1".equals(apiVersion) ||
                "scheduling.k8s.io/v1beta1".equals(apiVersion) || "scheduling.k8s.io/v1alpha1".equals(apiVersion);
            case POD_DISRUPTION_BUDGET -> "policy/v1".equals(apiVersion) || "policy/v1beta1".equals(apiVersion);
            case OTHER -> true;
        };
    }
}
