package io.berth.sched.model;

/**
 * A {@code scheduling.k8s.io/v1} PriorityClass.
 *
 * @param name             its {@code metadata.name}.
 * @param value            the priority its pods get.
 * @param globalDefault    whether pods naming no class get this one.
 * @param preemptionPolicy {@code PreemptLowerPriority} or {@code Never}; empty when absent, which the API server
 *                         defaults to {@code PreemptLowerPriority}.
 */
public record PriorityClass(String name, int value, boolean globalDefault, String preemptionPolicy)
{
    /** kube's built-in {@code system-cluster-critical} class. */
    public static final PriorityClass SYSTEM_CLUSTER_CRITICAL =
        new PriorityClass("system-cluster-critical", 2_000_000_000, false, "PreemptLowerPriority");
    /** kube's built-in {@code system-node-critical} class. */
    public static final PriorityClass SYSTEM_NODE_CRITICAL =
        new PriorityClass("system-node-critical", 2_000_001_000, false, "PreemptLowerPriority");

    public PriorityClass
    {
        name = name == null ? "" : name;
        preemptionPolicy = preemptionPolicy == null ? "" : preemptionPolicy;
    }
}
