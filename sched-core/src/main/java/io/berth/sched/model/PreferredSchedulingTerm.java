package io.berth.sched.model;

/** A weighted preferred node affinity term. */
public record PreferredSchedulingTerm(int weight, NodeSelectorTerm preference)
{
}
