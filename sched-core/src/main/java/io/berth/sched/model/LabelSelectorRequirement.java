package io.berth.sched.model;

import java.util.List;

/**
 * One {@code matchExpressions} entry of a {@link LabelSelector}: key, operator (In, NotIn, Exists, DoesNotExist)
 * and values; empty strings and lists stand for absent fields.
 */
public record LabelSelectorRequirement(String key, String operator, List<String> values)
{
    public LabelSelectorRequirement
    {
        key = key == null ? "" : key;
        operator = operator == null ? "" : operator;
        values = values == null ? List.of() : List.copyOf(values);
    }
}
