package io.berth.sched.model;

/** A {@code v1.WeightedPodAffinityTerm}: a preferred pod (anti-)affinity term and its weight (1..100). */
public record WeightedPodAffinityTerm(int weight, PodAffinityTerm term)
{
}
