package io.berth.sched.model;

import java.util.Set;

/**
 * The parts of a {@code policy/v1} PodDisruptionBudget that preemption reads.
 *
 * @param namespace          its namespace ({@code default} when absent).
 * @param name               its name.
 * @param selector           {@code spec.selector}; null when absent. kube-scheduler's preemption lets a PDB with
 *                           a null or empty selector match no pod.
 * @param minAvailable       {@code spec.minAvailable}; null when absent.
 * @param maxUnavailable     {@code spec.maxUnavailable}; null when absent.
 * @param disruptionsAllowed {@code status.disruptionsAllowed}.
 * @param disruptedPods      the pod names of {@code status.disruptedPods}, already being evicted.
 */
public record PodDisruptionBudget(
    String namespace,
    String name,
    LabelSelector selector,
    IntOrString minAvailable,
    IntOrString maxUnavailable,
    int disruptionsAllowed,
    Set<String> disruptedPods)
{
    public PodDisruptionBudget
    {
        namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
        name = name == null ? "" : name;
        disruptedPods = disruptedPods == null ? Set.of() : Set.copyOf(disruptedPods);
    }
}
