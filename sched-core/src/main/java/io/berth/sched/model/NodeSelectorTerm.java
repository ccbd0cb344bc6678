package io.berth.sched.model;

import java.util.List;

/** A node selector term: its label expressions and field expressions are AND-ed. */
public record NodeSelectorTerm(List<NodeSelectorRequirement> matchExpressions, List<NodeSelectorRequirement> matchFields)
{
    public NodeSelectorTerm
    {
        matchExpressions = matchExpressions == null ? List.of() : List.copyOf(matchExpressions);
        matchFields = matchFields == null ? List.of() : List.copyOf(matchFields);
    }
}
