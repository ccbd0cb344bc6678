package io.berth.sched.model;

import java.util.List;

/** One expression of a node selector term: key, operator (In, NotIn, Exists, DoesNotExist, Gt, Lt), values. */
public record NodeSelectorRequirement(String key, String operator, List<String> values)
{
    public NodeSelectorRequirement
    {
        key = key == null ? "" : key;
        operator = operator == null ? "" : operator;
        values = values == null ? List.of() : List.copyOf(values);
    }
}
