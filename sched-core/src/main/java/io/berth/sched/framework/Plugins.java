package io.berth.sched.framework;

import java.util.List;

/**
 * The filter and score plugins of one profile, in kube's order, with their weights and the profile's
 * percentageOfNodesToScore (0: kube's adaptive default). Built by the registry.
 */
public record Plugins(List<FilterPlugin> filters, List<ScorePlugin> scores, int[] weights, int percentageOfNodesToScore)
{
    /** Plugins with kube's adaptive percentageOfNodesToScore. */
    public Plugins(final List<FilterPlugin> filters, final List<ScorePlugin> scores, final int[] weights)
    {
        this(filters, scores, weights, 0);
    }

    public Plugins
    {
        if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100)
        {
            throw new IllegalArgumentException("percentageOfNodesToScore must be in [0, 100]: " + percentageOfNodesToScore);
        }
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
