package io.berth.sched.framework;

import java.util.List;

/** The filter and score plugins of one profile, in kube's order, with their weights. Built by the registry. */
public record Plugins(List<FilterPlugin> filters, List<ScorePlugin> scores, int[] weights)
{
    public Plugins
    {
        filters = List.copyOf(filters);
        scores = List.copyOf(scores);
        if (weights.length != scores.size())
        {
            throw new IllegalArgumentException("one weight per score plugin");
        }
        if (filters.size() > 62)
        {
            throw new IllegalArgumentException("at most 62 filter plugins");
        }
    }
}
