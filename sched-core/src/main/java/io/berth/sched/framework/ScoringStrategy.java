package io.berth.sched.framework;

import java.util.List;

/**
 * {@code NodeResourcesFitArgs.scoringStrategy}: the type, the resources with their weights, and for
 * RequestedToCapacityRatio the utilization/score shape (score 0..10 as in the kube API).
 */
public record ScoringStrategy(Type type, List<ResourceWeight> resources, List<ShapePoint> shape)
{
    /** kube's ScoringStrategyType. */
    public enum Type
    {
        LeastAllocated, MostAllocated, RequestedToCapacityRatio
    }

    /** A resource name and its weight. */
    public record ResourceWeight(String name, long weight)
    {
    }

    /** A point of the RequestedToCapacityRatio shape: utilization 0..100, score 0..10. */
    public record ShapePoint(long utilization, long score)
    {
    }

    /** kube's defaults: cpu and memory, weight 1 each. */
    public static final List<ResourceWeight> DEFAULT_RESOURCES = List.of(new ResourceWeight("cpu", 1), new ResourceWeight("memory", 1));

    public static final ScoringStrategy LEAST_ALLOCATED = new ScoringStrategy(Type.LeastAllocated, DEFAULT_RESOURCES, List.of());

    public ScoringStrategy
    {
        resources = resources == null || resources.isEmpty() ? DEFAULT_RESOURCES : List.copyOf(resources);
        shape = shape == null ? List.of() : List.copyOf(shape);
    }
}
