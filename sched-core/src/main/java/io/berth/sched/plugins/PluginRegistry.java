package io.berth.sched.plugins;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Plugins;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.plugins.gpushare.GpuFragmentation;
import io.berth.sched.plugins.gpushare.GpuPacking;
import io.berth.sched.plugins.gpushare.GpuShare;
import io.berth.sched.plugins.imagelocality.ImageLocality;
import io.berth.sched.plugins.interpodaffinity.InterPodAffinity;
import io.berth.sched.plugins.nodeaffinity.NodeAffinity;
import io.berth.sched.plugins.nodename.NodeName;
import io.berth.sched.plugins.nodeports.NodePorts;
import io.berth.sched.plugins.noderesources.NodeResourcesBalancedAllocation;
import io.berth.sched.plugins.noderesources.NodeResourcesFit;
import io.berth.sched.plugins.nodeunschedulable.NodeUnschedulable;
import io.berth.sched.plugins.podtopologyspread.PodTopologySpread;
import io.berth.sched.plugins.tainttoleration.TaintToleration;

/**
 * The one list of plugins, as kube-scheduler's in-tree registry: names, factories, and the default profile's
 * order and weights. {@link #build} validates a {@link Profile} once and instantiates its plugins.
 */
public final class PluginRegistry
{
    /**
     * Filter order of kube's default profile, with Berth's GpuShare (GPU sharing as open-gpu-share does it) after
     * NodeResourcesFit: it skips every pod that asks for no GPU, so it is on by default.
     */
    public static final List<String> FILTER_ORDER = List.of(
        NodeUnschedulable.NAME, NodeName.NAME, TaintToleration.NAME, NodeAffinity.NAME, NodePorts.NAME,
        NodeResourcesFit.NAME, GpuShare.NAME, PodTopologySpread.NAME, InterPodAffinity.NAME);

    /** Score order and default weights of kube's default profile. */
    public static final Map<String, Integer> DEFAULT_SCORE_WEIGHTS;

    /** Plugins kube's default profile has that Berth does not implement yet (accepted in profiles, ignored). */
    public static final Set<String> NOT_YET_IMPLEMENTED = Set.of(
        "VolumeBinding", "VolumeRestrictions", "VolumeZone",
        "NodeVolumeLimits", "EBSLimits", "GCEPDLimits", "AzureDiskLimits", "DynamicResources", "DefaultPreemption",
        "PrioritySort", "DefaultBinder", "SchedulingGates");

    static
    {
        final Map<String, Integer> w = new LinkedHashMap<>();
        w.put(TaintToleration.NAME, 3);
        w.put(NodeAffinity.NAME, 2);
        w.put(NodeResourcesFit.NAME, 1);
        w.put(PodTopologySpread.NAME, 2);
        w.put(InterPodAffinity.NAME, 2);
        w.put(NodeResourcesBalancedAllocation.NAME, 1);
        w.put(ImageLocality.NAME, 1);
        w.put(GpuPacking.NAME, 1);
        w.put(GpuFragmentation.NAME, 1);
        DEFAULT_SCORE_WEIGHTS = java.util.Collections.unmodifiableMap(w);
    }

    /**
     * Implemented, in kube's default order and weights, but run only when a profile enables them explicitly
     * (filter/score {@code enabled}, or {@code multiPoint}): their passes are correct and tested, but a pod they
     * apply to (every labelled pod, through PodTopologySpread's system default constraints) bypasses the per-class
     * cache and costs far more than the other plugins until issue 3's performance work lands. Enable both with
     * docs/examples/profile-pod-to-pod.yaml. The GPU scores (GpuPacking, GpuFragmentation) are Berth's, not kube's,
     * and are policies to compare, so a profile chooses them (docs/examples/profile-gpu-fragmentation.yaml).
     */
    public static final Set<String> OPT_IN = Set.of(GpuPacking.NAME, GpuFragmentation.NAME);

    /** The filters a profile that changes nothing runs, in order: {@link #FILTER_ORDER} less {@link #OPT_IN}. */
    public static final List<String> DEFAULT_FILTERS = FILTER_ORDER.stream().filter(n -> !OPT_IN.contains(n)).toList();

    /** The scores and weights a profile that changes nothing runs: {@link #DEFAULT_SCORE_WEIGHTS} less {@link #OPT_IN}. */
    public static final Map<String, Integer> DEFAULT_SCORES;

    static
    {
        final Map<String, Integer> d = new LinkedHashMap<>(DEFAULT_SCORE_WEIGHTS);
        d.keySet().removeAll(OPT_IN);
        DEFAULT_SCORES = java.util.Collections.unmodifiableMap(d);
    }

    /** The disabled name that disables every default plugin of an extension point. */
    public static final String ALL = "*";

    private PluginRegistry()
    {
    }

    /**
     * The filter names of a profile in kube's order (its framework's MultiPoint expansion): default filters enabled
     * explicitly at the filter point, in the order given; then the other default filters not disabled; then the
     * remaining explicitly enabled ones. With {@code *} disabled, only the explicitly enabled ones, in order.
     * Names Berth does not implement yet stay in the list; {@link #build} skips them.
     */
    public static List<String> filterOrder(final Profile profile)
    {
        final Set<String> disabled = profile.disabledFilters();
        final List<String> enabled = profile.enabledFilters();
        final List<String> order = new ArrayList<>();
        if (!disabled.contains(ALL))
        {
            for (final String name : enabled)
            {
                if (FILTER_ORDER.contains(name) && !OPT_IN.contains(name) && !disabled.contains(name) && !order.contains(name))
                {
                    order.add(name);
                }
            }
            for (final String name : FILTER_ORDER)
            {
                // an opt-in plugin runs at its place in kube's default order once a profile enables it
                final boolean optIn = OPT_IN.contains(name);
                if (!disabled.contains(name) && (optIn ? enabled.contains(name) : !enabled.contains(name)))
                {
                    order.add(name);
                }
            }
        }
        for (final String name : enabled)
        {
            if (!order.contains(name))
            {
                order.add(name);
            }
        }
        return order;
    }

    /** True for a plugin name this registry knows (implemented or accepted-and-ignored). */
    public static boolean isKnown(final String name)
    {
        return FILTER_ORDER.contains(name) || DEFAULT_SCORE_WEIGHTS.containsKey(name) || NOT_YET_IMPLEMENTED.contains(name);
    }

    /** Instantiates the profile's plugins; throws {@link IllegalArgumentException} naming what is invalid. */
    public static Plugins build(final Profile profile)
    {
        validate(profile);
        final Map<String, Object> instances = new LinkedHashMap<>();
        final Map<String, Function<Profile, Object>> factories = new LinkedHashMap<>();
        factories.put(NodeUnschedulable.NAME, p -> new NodeUnschedulable());
        factories.put(NodeName.NAME, p -> new NodeName());
        factories.put(TaintToleration.NAME, p -> new TaintToleration());
        factories.put(NodeAffinity.NAME, p -> new NodeAffinity());
        factories.put(NodePorts.NAME, p -> new NodePorts());
        factories.put(NodeResourcesFit.NAME, p -> new NodeResourcesFit(p.fitStrategy()));
        factories.put(NodeResourcesBalancedAllocation.NAME, p -> new NodeResourcesBalancedAllocation(p.balancedResources()));
        factories.put(ImageLocality.NAME, p -> new ImageLocality());
        factories.put(PodTopologySpread.NAME, p -> new PodTopologySpread());
        factories.put(InterPodAffinity.NAME, p -> new InterPodAffinity());
        factories.put(GpuShare.NAME, p -> new GpuShare());
        factories.put(GpuPacking.NAME, p -> new GpuPacking());
        factories.put(GpuFragmentation.NAME, p -> new GpuFragmentation());

        final List<FilterPlugin> filters = new ArrayList<>();
        for (final String name : filterOrder(profile))
        {
            if (FILTER_ORDER.contains(name))
            {
                filters.add((FilterPlugin)instances.computeIfAbsent(name, n -> factories.get(n).apply(profile)));
            }
        }
        final boolean allScoresDisabled = profile.disabledScores().contains(ALL);
        final List<ScorePlugin> scores = new ArrayList<>();
        final List<Integer> weights = new ArrayList<>();
        for (final Map.Entry<String, Integer> e : DEFAULT_SCORE_WEIGHTS.entrySet())
        {
            final String name = e.getKey();
            final int weight = profile.scoreWeights().getOrDefault(name, e.getValue());
            final boolean enabled = allScoresDisabled || OPT_IN.contains(name) ?
                profile.scoreWeights().containsKey(name) : !profile.disabledScores().contains(name);
            if (enabled && weight != 0)
            {
                scores.add((ScorePlugin)instances.computeIfAbsent(name, n -> factories.get(n).apply(profile)));
                weights.add(weight);
            }
        }
        return new Plugins(filters, scores, weights.stream().mapToInt(Integer::intValue).toArray(),
            profile.percentageOfNodesToScore());
    }

    private static void validate(final Profile profile)
    {
        for (final String name : profile.disabledFilters())
        {
            if (!name.equals(ALL) && !isKnown(name))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": unknown filter plugin " + name);
            }
        }
        for (final String name : profile.disabledScores())
        {
            if (!name.equals(ALL) && !isKnown(name))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": unknown score plugin " + name);
            }
        }
        for (final String name : profile.enabledFilters())
        {
            if (!isKnown(name))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": unknown filter plugin " + name);
            }
            if (!FILTER_ORDER.contains(name) && !NOT_YET_IMPLEMENTED.contains(name))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": plugin " + name +
                    " does not extend filter plugin");
            }
        }
        for (final Map.Entry<String, Integer> e : profile.scoreWeights().entrySet())
        {
            if (!isKnown(e.getKey()))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": unknown score plugin " + e.getKey());
            }
            if (!DEFAULT_SCORE_WEIGHTS.containsKey(e.getKey()) && !NOT_YET_IMPLEMENTED.contains(e.getKey()))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": plugin " + e.getKey() +
                    " does not extend score plugin");
            }
            if (e.getValue() < 0 || e.getValue() > 100)
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": weight of " + e.getKey() +
                    " must be in [0, 100], got " + e.getValue());
            }
        }
        final ScoringStrategy s = profile.fitStrategy();
        for (final ScoringStrategy.ResourceWeight rw : s.resources())
        {
            if (rw.weight() < 1 || rw.weight() > 100)
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() + ": NodeResourcesFit resource " +
                    rw.name() + " weight must be in [1, 100], got " + rw.weight());
            }
        }
        if (s.type() == ScoringStrategy.Type.RequestedToCapacityRatio)
        {
            if (s.shape().isEmpty())
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() +
                    ": RequestedToCapacityRatio needs at least one shape point");
            }
            long prev = -1;
            for (final ScoringStrategy.ShapePoint p : s.shape())
            {
                if (p.utilization() < 0 || p.utilization() > 100 || p.utilization() <= prev)
                {
                    throw new IllegalArgumentException("profile " + profile.schedulerName() +
                        ": shape utilization must increase strictly within [0, 100], got " + p.utilization());
                }
                if (p.score() < 0 || p.score() > 10)
                {
                    throw new IllegalArgumentException("profile " + profile.schedulerName() +
                        ": shape score must be within [0, 10], got " + p.score());
                }
                prev = p.utilization();
            }
        }
        final Set<String> balanced = new HashSet<>();
        for (final ScoringStrategy.ResourceWeight rw : profile.balancedResources())
        {
            if (!balanced.add(rw.name()))
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() +
                    ": NodeResourcesBalancedAllocation resource " + rw.name() + " given twice");
            }
            if (rw.weight() != 1)
            {
                throw new IllegalArgumentException("profile " + profile.schedulerName() +
                    ": NodeResourcesBalancedAllocation resource " + rw.name() + " weight must be 1, got " + rw.weight());
            }
        }
    }
}
