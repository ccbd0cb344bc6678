package io.berth.sched.framework;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A scheduling profile, shaped like one entry of KubeSchedulerConfiguration's {@code profiles}: which plugins
 * are disabled, score weights that differ from the defaults, and NodeResourcesFit's scoring strategy.
 * A disabled name {@code *} disables every default plugin of that extension point: then only the filters given to
 * {@link Builder#enableFilter} (in that order) and the score plugins given a weight with {@link Builder#scoreWeight}
 * stay. {@code percentageOfNodesToScore} is kube's (0, the default: its adaptive share; 100: every node).
 * Validated once by {@link PluginRegistry#build}.
 */
public final class Profile
{
    private final String schedulerName;
    private final Set<String> disabledFilters;
    private final Set<String> disabledScores;
    private final List<String> enabledFilters;
    private final Map<String, Integer> scoreWeights;
    private final ScoringStrategy fitStrategy;
    private final List<ScoringStrategy.ResourceWeight> balancedResources;
    private final int percentageOfNodesToScore;

    private Profile(final Builder b)
    {
        schedulerName = b.schedulerName;
        disabledFilters = Collections.unmodifiableSet(new LinkedHashSet<>(b.disabledFilters));
        disabledScores = Collections.unmodifiableSet(new LinkedHashSet<>(b.disabledScores));
        enabledFilters = List.copyOf(new LinkedHashSet<>(b.enabledFilters));
        scoreWeights = Collections.unmodifiableMap(new LinkedHashMap<>(b.scoreWeights));
        fitStrategy = b.fitStrategy;
        balancedResources = List.copyOf(b.balancedResources);
        percentageOfNodesToScore = b.percentageOfNodesToScore;
    }

    /** kube-scheduler's default profile. */
    public static Profile defaultProfile()
    {
        return builder().build();
    }

    public static Builder builder()
    {
        return new Builder();
    }

    public String schedulerName()
    {
        return schedulerName;
    }

    public Set<String> disabledFilters()
    {
        return disabledFilters;
    }

    public Set<String> disabledScores()
    {
        return disabledScores;
    }

    /**
     * Filter plugins enabled explicitly at the filter extension point, in the order given: as in kube, default
     * filters listed here run first, and after {@code *} is disabled they are the only filters.
     */
    public List<String> enabledFilters()
    {
        return enabledFilters;
    }

    /** Weight overrides by score plugin name; after {@code *} is disabled, the score plugins that stay. */
    public Map<String, Integer> scoreWeights()
    {
        return scoreWeights;
    }

    public ScoringStrategy fitStrategy()
    {
        return fitStrategy;
    }

    public List<ScoringStrategy.ResourceWeight> balancedResources()
    {
        return balancedResources;
    }

    /** kube's percentageOfNodesToScore for this profile: 0 is its adaptive default, 100 examines every node. */
    public int percentageOfNodesToScore()
    {
        return percentageOfNodesToScore;
    }

    /** Builds a {@link Profile}. */
    public static final class Builder
    {
        private String schedulerName = "default-scheduler";
        private final List<String> disabledFilters = new ArrayList<>();
        private final List<String> disabledScores = new ArrayList<>();
        private final List<String> enabledFilters = new ArrayList<>();
        private final Map<String, Integer> scoreWeights = new LinkedHashMap<>();
        private ScoringStrategy fitStrategy = ScoringStrategy.LEAST_ALLOCATED;
        private List<ScoringStrategy.ResourceWeight> balancedResources = ScoringStrategy.DEFAULT_RESOURCES;
        private int percentageOfNodesToScore;

        public Builder schedulerName(final String name)
        {
            schedulerName = name;
            return this;
        }

        public Builder disableFilter(final String plugin)
        {
            disabledFilters.add(plugin);
            return this;
        }

        public Builder disableScore(final String plugin)
        {
            disabledScores.add(plugin);
            return this;
        }

        /** Enables a filter plugin explicitly at the filter extension point (kube's {@code plugins.filter.enabled}). */
        public Builder enableFilter(final String plugin)
        {
            enabledFilters.add(plugin);
            return this;
        }

        public Builder scoreWeight(final String plugin, final int weight)
        {
            scoreWeights.put(plugin, weight);
            return this;
        }

        public Builder fitStrategy(final ScoringStrategy strategy)
        {
            fitStrategy = strategy;
            return this;
        }

        public Builder balancedResources(final List<ScoringStrategy.ResourceWeight> resources)
        {
            balancedResources = resources;
            return this;
        }

        /** kube's percentageOfNodesToScore, in [0, 100]; 0 (the default) is its adaptive share. */
        public Builder percentageOfNodesToScore(final int percentage)
        {
            if (percentage < 0 || percentage > 100)
            {
                throw new IllegalArgumentException("percentageOfNodesToScore must be in [0, 100]: " + percentage);
            }
            percentageOfNodesToScore = percentage;
            return this;
        }

        public Profile build()
        {
            return new Profile(this);
        }
    }
}
