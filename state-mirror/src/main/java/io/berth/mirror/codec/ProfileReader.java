package io.berth.mirror.codec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.plugins.PluginRegistry;

/**
 * Reads scheduling profiles from a KubeSchedulerConfiguration ({@code apiVersion: kubescheduler.config.k8s.io/v1},
 * {@code kind: KubeSchedulerConfiguration}, {@code profiles[]}) or from a file holding one profile object, in
 * YAML or JSON, applying kube-scheduler's defaults and validation:
 * <ul>
 * <li>{@code schedulerName} (defaulted to {@code default-scheduler} when there is one profile; required and
 * unique otherwise).</li>
 * <li>{@code plugins.filter}, {@code plugins.score} and {@code plugins.multiPoint} (which applies to both):
 * {@code disabled[].name}, where {@code *} disables every default plugin of the point so that only the
 * {@code enabled} ones stay; {@code enabled[] {name, weight}}, where a score weight of 0 or none means 1, as in
 * kube's framework. Other extension points are checked for plugin names and otherwise ignored.</li>
 * <li>{@code pluginConfig[]}: NodeResourcesFit's {@code scoringStrategy} ({@code LeastAllocated},
 * {@code MostAllocated}, {@code RequestedToCapacityRatio} with {@code resources} and
 * {@code requestedToCapacityRatio.shape}) and NodeResourcesBalancedAllocation's {@code resources}.</li>
 * </ul>
 * Unknown fields and plugin names, wrong types and bad numbers throw {@link IllegalArgumentException} with the
 * source and the field path, such as
 * {@code profile.yaml: profiles[0].pluginConfig[1].args.scoringStrategy.type: unknown type "Foo"}.
 * {@code percentageOfNodesToScore} is honoured as kube does: a profile's own value, else the configuration's, else
 * 0 (kube's adaptive share). Settings Berth accepts but cannot honour (extenders, ignoredResources, addedAffinity,
 * plugins not implemented yet) come back as warnings.
 */
public final class ProfileReader
{
    public static final String API_VERSION = "kubescheduler.config.k8s.io/v1";
    public static final String KIND = "KubeSchedulerConfiguration";
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    private static final Set<String> CONFIG_FIELDS = Set.of(
        "apiVersion", "kind", "parallelism", "leaderElection", "clientConnection", "healthzBindAddress",
        "metricsBindAddress", "enableProfiling", "enableContentionProfiling", "percentageOfNodesToScore",
        "podInitialBackoffSeconds", "podMaxBackoffSeconds", "profiles", "extenders", "delayCacheUntilActive");
    private static final Set<String> PROFILE_FIELDS = Set.of("schedulerName", "percentageOfNodesToScore", "plugins", "pluginConfig");
    private static final List<String> EXTENSION_POINTS = List.of(
        "preEnqueue", "queueSort", "preFilter", "filter", "postFilter", "preScore", "score", "reserve", "permit",
        "preBind", "bind", "postBind", "multiPoint");
    private static final Set<String> PLUGIN_SET_FIELDS = Set.of("enabled", "disabled");
    private static final Set<String> PLUGIN_FIELDS = Set.of("name", "weight");
    private static final Set<String> PLUGIN_CONFIG_FIELDS = Set.of("name", "args");
    private static final Set<String> FIT_ARGS_FIELDS = Set.of("apiVersion", "kind", "ignoredResources", "ignoredResourceGroups", "scoringStrategy");
    private static final Set<String> STRATEGY_FIELDS = Set.of("type", "resources", "requestedToCapacityRatio");
    private static final Set<String> RESOURCE_FIELDS = Set.of("name", "weight");
    private static final Set<String> RATIO_FIELDS = Set.of("shape");
    private static final Set<String> SHAPE_FIELDS = Set.of("utilization", "score");
    private static final Set<String> BALANCED_ARGS_FIELDS = Set.of("apiVersion", "kind", "resources");
    /** Plugins that do not take part in filtering or scoring: enabling them needs no warning. */
    private static final Set<String> OUTSIDE_FILTER_AND_SCORE = Set.of("PrioritySort", "DefaultBinder", "DefaultPreemption", "SchedulingGates");


    private final ObjectMapper mapper;

    public ProfileReader()
    {
        final YAMLFactory yaml = YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
        mapper = new ObjectMapper(yaml);
    }

    /** The profiles of one file, in file order, and the warnings about settings Berth accepts but ignores. */
    public record Result(String source, List<Profile> profiles, List<String> warnings)
    {
        public Result
        {
            profiles = List.copyOf(profiles);
            warnings = List.copyOf(warnings);
        }

        /**
         * The profile with that scheduler name, or the first one when {@code schedulerName} is null.
         *
         * @throws IllegalArgumentException naming the profiles there are when none has the name.
         */
        public Profile profile(final String schedulerName)
        {
            if (schedulerName == null)
            {
                return profiles.get(0);
            }
            final List<String> names = new ArrayList<>();
            for (final Profile p : profiles)
            {
                if (p.schedulerName().equals(schedulerName))
                {
                    return p;
                }
                names.add(p.schedulerName());
            }
            throw new IllegalArgumentException(source + ": no profile has schedulerName \"" + schedulerName +
                "\" (profiles: " + String.join(", ", names) + ")");
        }
    }

    /**
     * Reads a profile file; its path names it in errors and warnings.
     *
     * @throws UncheckedIOException     if the file cannot be read.
     * @throws IllegalArgumentException if the content is not a valid configuration.
     */
    public Result read(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
        return readString(file.toString(), text);
    }

    /** Reads profiles from YAML or JSON text; {@code source} names it in errors and warnings. */
    public Result readString(final String source, final String text)
    {
        final JsonNode root;
        try (JsonParser parser = mapper.createParser(text))
        {
            root = mapper.readTree(parser);
            if (root != null && parser.nextToken() != null)
            {
                throw new IllegalArgumentException(source + ": holds more than one YAML document; expected one " +
                    KIND + " or one profile");
            }
        }
        catch (final JsonProcessingException ex)
        {
            final String where = ex.getLocation() == null ? "" :
                " (line " + ex.getLocation().getLineNr() + ", column " + ex.getLocation().getColumnNr() + ")";
            throw new IllegalArgumentException(source + ": not valid YAML or JSON: " + ex.getOriginalMessage() + where, ex);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + source + ": " + ex, ex);
        }
        return new Run(source).read(root);
    }

    /** The state of reading one source. */
    private static final class Run
    {
        private final String source;
        private final List<String> warnings = new ArrayList<>();

        Run(final String source)
        {
            this.source = source;
        }

        Result read(final JsonNode root)
        {
            if (root == null || root.isNull() || root.isMissingNode() || (root.isTextual() && root.textValue().isEmpty()))
            {
                throw new IllegalArgumentException(source + ": empty; expected a " + KIND + " or one profile");
            }
            if (!(root instanceof ObjectNode obj))
            {
                throw new IllegalArgumentException(source + ": expected a " + KIND + " or a profile object, got " + describe(root));
            }
            final JsonNode kind = obj.get("kind");
            final JsonNode apiVersion = obj.get("apiVersion");
            if (kind == null && apiVersion == null && !obj.has("profiles"))
            {
                final Profile p = profile(obj, "", true, null);
                return new Result(source, List.of(p), warnings);
            }
            return configuration(obj);
        }

        private Result configuration(final ObjectNode obj)
        {
            final String kind = string(obj.get("kind"), "kind", false);
            if (kind == null)
            {
                throw error("kind", "required: " + KIND);
            }
            if (!KIND.equals(kind))
            {
                throw error("kind", "expected " + KIND + ", got \"" + kind + "\"");
            }
            final String apiVersion = string(obj.get("apiVersion"), "apiVersion", false);
            if (apiVersion == null)
            {
                throw error("apiVersion", "required: " + API_VERSION);
            }
            if (!API_VERSION.equals(apiVersion))
            {
                throw error("apiVersion", "unsupported \"" + apiVersion + "\", expected " + API_VERSION);
            }
            checkFields(obj, "", CONFIG_FIELDS);
            final Integer percentage = percentage(obj.get("percentageOfNodesToScore"), "percentageOfNodesToScore");
            final ArrayNode extenders = array(obj.get("extenders"), "extenders");
            if (extenders != null && !extenders.isEmpty())
            {
                warn("extenders", "scheduler extenders are not supported by Berth; ignored");
            }

            final List<Profile> profiles = new ArrayList<>();
            final ArrayNode list = array(obj.get("profiles"), "profiles");
            if (list == null || list.isEmpty())
            {
                profiles.add(Profile.builder().schedulerName(DEFAULT_SCHEDULER_NAME)
                    .percentageOfNodesToScore(percentage == null ? 0 : percentage).build());
                return new Result(source, profiles, warnings);
            }
            final Set<String> names = new HashSet<>();
            for (int i = 0; i < list.size(); i++)
            {
                final String path = "profiles[" + i + "]";
                final JsonNode node = list.get(i);
                if (!(node instanceof ObjectNode p))
                {
                    throw error(path, "expected an object, got " + describe(node));
                }
                final Profile profile = profile(p, path + ".", list.size() == 1, percentage);
                if (!names.add(profile.schedulerName()))
                {
                    throw error(path + ".schedulerName", "duplicate \"" + profile.schedulerName() + "\"");
                }
                profiles.add(profile);
            }
            return new Result(source, profiles, warnings);
        }

        /**
         * One profile; {@code prefix} is its path with a trailing dot, empty for a file holding just the profile;
         * {@code globalPercentage} the configuration's percentageOfNodesToScore, or null.
         */
        private Profile profile(final ObjectNode obj, final String prefix, final boolean only, final Integer globalPercentage)
        {
            checkFields(obj, prefix, PROFILE_FIELDS);
            String name = string(obj.get("schedulerName"), prefix + "schedulerName", false);
            if (name == null)
            {
                if (!only)
                {
                    throw error(prefix + "schedulerName", "required when there are several profiles");
                }
                name = DEFAULT_SCHEDULER_NAME;
            }
            if (name.isEmpty())
            {
                throw error(prefix + "schedulerName", "must not be empty");
            }
            final Integer own = percentage(obj.get("percentageOfNodesToScore"), prefix + "percentageOfNodesToScore");
            final Integer percentage = own != null ? own : globalPercentage;

            final Profile.Builder b = Profile.builder().schedulerName(name)
                .percentageOfNodesToScore(percentage == null ? 0 : percentage);
            plugins(obj.get("plugins"), prefix + "plugins", b);
            pluginConfig(obj.get("pluginConfig"), prefix + "pluginConfig", b);
            final Profile profile = b.build();
            try
            {
                PluginRegistry.build(profile);
            }
            catch (final IllegalArgumentException ex)
            {
                throw error(prefix.isEmpty() ? "profile" : prefix.substring(0, prefix.length() - 1), ex.getMessage());
            }
            return profile;
        }

        // ------------------------------------------------------------ plugins

        /** The names and weights of one extension point's plugin set. */
        private static final class PluginSet
        {
            final Set<String> disabled = new LinkedHashSet<>();
            final Map<String, Integer> enabled = new LinkedHashMap<>();
        }

        private void plugins(final JsonNode node, final String path, final Profile.Builder b)
        {
            final ObjectNode plugins = object(node, path);
            if (plugins == null)
            {
                return;
            }
            checkFields(plugins, path + ".", new HashSet<>(EXTENSION_POINTS));
            final Map<String, PluginSet> sets = new LinkedHashMap<>();
            for (final String point : EXTENSION_POINTS)
            {
                sets.put(point, pluginSet(plugins.get(point), path + "." + point, point));
            }
            final PluginSet multi = sets.get("multiPoint");
            final PluginSet filter = sets.get("filter");
            final PluginSet score = sets.get("score");
            final boolean multiAll = multi.disabled.contains(PluginRegistry.ALL);
            final boolean filterAll = filter.disabled.contains(PluginRegistry.ALL);
            final boolean scoreAll = score.disabled.contains(PluginRegistry.ALL);

            // filter: explicitly enabled filters, and with multiPoint '*' the multiPoint ones before them
            final Set<String> enabledFilters = new LinkedHashSet<>();
            if (multiAll && !filterAll)
            {
                for (final String name : multi.enabled.keySet())
                {
                    if (isFilter(name))
                    {
                        enabledFilters.add(name);
                    }
                }
            }
            enabledFilters.addAll(filter.enabled.keySet());
            final Set<String> disabledFilters = new LinkedHashSet<>(multi.disabled);
            disabledFilters.addAll(filter.disabled);
            disabledFilters.removeAll(filter.enabled.keySet());
            disabledFilters.removeAll(multi.enabled.keySet());
            enabledFilters.forEach(b::enableFilter);
            disabledFilters.forEach(b::disableFilter);

            // score: weights of the multiPoint plugins (unless the score point disables '*'), then the score point's
            final Map<String, Integer> weights = new LinkedHashMap<>();
            if (!scoreAll)
            {
                for (final Map.Entry<String, Integer> e : multi.enabled.entrySet())
                {
                    if (isScore(e.getKey()))
                    {
                        weights.put(e.getKey(), e.getValue());
                    }
                }
            }
            weights.putAll(score.enabled);
            final Set<String> disabledScores = new LinkedHashSet<>(multi.disabled);
            disabledScores.addAll(score.disabled);
            disabledScores.removeAll(score.enabled.keySet());
            disabledScores.removeAll(multi.enabled.keySet());
            if (multiAll || scoreAll)
            {
                disabledScores.add(PluginRegistry.ALL);
            }
            weights.forEach((name, weight) -> b.scoreWeight(name, weight == 0 ? 1 : weight));
            disabledScores.forEach(b::disableScore);
        }

        private PluginSet pluginSet(final JsonNode node, final String path, final String point)
        {
            final PluginSet set = new PluginSet();
            final ObjectNode obj = object(node, path);
            if (obj == null)
            {
                return set;
            }
            checkFields(obj, path + ".", PLUGIN_SET_FIELDS);
            final ArrayNode disabled = array(obj.get("disabled"), path + ".disabled");
            for (int i = 0; disabled != null && i < disabled.size(); i++)
            {
                final String p = path + ".disabled[" + i + "]";
                final ObjectNode plugin = pluginEntry(disabled.get(i), p);
                final String name = pluginName(plugin, p, true);
                set.disabled.add(name);
            }
            final ArrayNode enabled = array(obj.get("enabled"), path + ".enabled");
            for (int i = 0; enabled != null && i < enabled.size(); i++)
            {
                final String p = path + ".enabled[" + i + "]";
                final ObjectNode plugin = pluginEntry(enabled.get(i), p);
                final String name = pluginName(plugin, p, false);
                final int weight = (int)integer(plugin.get("weight"), p + ".weight", 0, 100, 0);
                if (set.enabled.containsKey(name))
                {
                    throw error(p + ".name", "plugin \"" + name + "\" enabled twice");
                }
                if ("filter".equals(point) && !isFilter(name) && !PluginRegistry.NOT_YET_IMPLEMENTED.contains(name))
                {
                    throw error(p + ".name", "plugin \"" + name + "\" does not extend filter plugin");
                }
                if ("score".equals(point) && !isScore(name) && !PluginRegistry.NOT_YET_IMPLEMENTED.contains(name))
                {
                    throw error(p + ".name", "plugin \"" + name + "\" does not extend score plugin");
                }
                if (("filter".equals(point) || "score".equals(point) || "multiPoint".equals(point)) &&
                    PluginRegistry.NOT_YET_IMPLEMENTED.contains(name) && !OUTSIDE_FILTER_AND_SCORE.contains(name))
                {
                    warn(p + ".name", "plugin " + name + " is not implemented by Berth yet; ignored");
                }
                set.enabled.put(name, weight);
            }
            return set;
        }

        private ObjectNode pluginEntry(final JsonNode node, final String path)
        {
            if (!(node instanceof ObjectNode obj))
            {
                throw error(path, "expected an object with a name, got " + describe(node));
            }
            checkFields(obj, path + ".", PLUGIN_FIELDS);
            return obj;
        }

        private String pluginName(final ObjectNode plugin, final String path, final boolean allowAll)
        {
            final String name = string(plugin.get("name"), path + ".name", true);
            if (allowAll && PluginRegistry.ALL.equals(name))
            {
                return name;
            }
            if (!PluginRegistry.isKnown(name))
            {
                throw error(path + ".name", "unknown plugin \"" + name + "\"");
            }
            return name;
        }

        private static boolean isFilter(final String name)
        {
            return PluginRegistry.FILTER_ORDER.contains(name);
        }

        private static boolean isScore(final String name)
        {
            return PluginRegistry.DEFAULT_SCORE_WEIGHTS.containsKey(name);
        }

        // ------------------------------------------------------------ plugin args

        private void pluginConfig(final JsonNode node, final String path, final Profile.Builder b)
        {
            final ArrayNode list = array(node, path);
            if (list == null)
            {
                return;
            }
            final Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++)
            {
                final String p = path + "[" + i + "]";
                final JsonNode entry = list.get(i);
                if (!(entry instanceof ObjectNode obj))
                {
                    throw error(p, "expected an object with name and args, got " + describe(entry));
                }
                checkFields(obj, p + ".", PLUGIN_CONFIG_FIELDS);
                final String name = string(obj.get("name"), p + ".name", true);
                if (!PluginRegistry.isKnown(name))
                {
                    throw error(p + ".name", "unknown plugin \"" + name + "\"");
                }
                if (!seen.add(name))
                {
                    throw error(p + ".name", "duplicate plugin config for \"" + name + "\"");
                }
                final JsonNode args = obj.get("args");
                if (args != null && !args.isNull() && !args.isObject())
                {
                    throw error(p + ".args", "expected an object, got " + describe(args));
                }
                final ObjectNode a = args == null || args.isNull() ? null : (ObjectNode)args;
                switch (name)
                {
                    case "NodeResourcesFit" -> fitArgs(a, p + ".args", b);
                    case "NodeResourcesBalancedAllocation" -> balancedArgs(a, p + ".args", b);
                    case "NodeAffinity" ->
                    {
                        if (a != null && a.has("addedAffinity") && !a.get("addedAffinity").isNull())
                        {
                            warn(p + ".args.addedAffinity", "not supported by Berth yet; ignored");
                        }
                    }
                    default ->
                    {
                        // arguments of plugins Berth does not configure: accepted as they are
                    }
                }
            }
        }

        private void fitArgs(final ObjectNode args, final String path, final Profile.Builder b)
        {
            if (args == null)
            {
                return;
            }
            checkFields(args, path + ".", FIT_ARGS_FIELDS);
            for (final String ignored : List.of("ignoredResources", "ignoredResourceGroups"))
            {
                final ArrayNode list = array(args.get(ignored), path + "." + ignored);
                if (list != null && !list.isEmpty())
                {
                    warn(path + "." + ignored, "not supported by Berth yet; ignored");
                }
            }
            final String sp = path + ".scoringStrategy";
            final ObjectNode strategy = object(args.get("scoringStrategy"), sp);
            if (strategy == null)
            {
                return; // kube's default: LeastAllocated over cpu and memory
            }
            checkFields(strategy, sp + ".", STRATEGY_FIELDS);
            final String typeName = string(strategy.get("type"), sp + ".type", false);
            final ScoringStrategy.Type type = strategyType(typeName, sp + ".type");
            final List<ScoringStrategy.ResourceWeight> resources = resources(strategy.get("resources"), sp + ".resources", false);
            final List<ScoringStrategy.ShapePoint> shape = new ArrayList<>();
            final String rp = sp + ".requestedToCapacityRatio";
            final ObjectNode ratio = object(strategy.get("requestedToCapacityRatio"), rp);
            if (type == ScoringStrategy.Type.RequestedToCapacityRatio)
            {
                if (ratio == null)
                {
                    throw error(rp, "must be specified when type is RequestedToCapacityRatio");
                }
                checkFields(ratio, rp + ".", RATIO_FIELDS);
                shape.addAll(shape(ratio.get("shape"), rp + ".shape"));
            }
            else if (ratio != null)
            {
                throw error(rp, "must be absent when type is not RequestedToCapacityRatio");
            }
            b.fitStrategy(new ScoringStrategy(type, resources, shape));
        }

        private ScoringStrategy.Type strategyType(final String name, final String path)
        {
            if (name == null)
            {
                throw error(path, "required: one of LeastAllocated, MostAllocated, RequestedToCapacityRatio");
            }
            for (final ScoringStrategy.Type t : ScoringStrategy.Type.values())
            {
                if (t.name().equals(name))
                {
                    return t;
                }
            }
            throw error(path, "unknown type \"" + name + "\" (supported: LeastAllocated, MostAllocated, RequestedToCapacityRatio)");
        }

        private void balancedArgs(final ObjectNode args, final String path, final Profile.Builder b)
        {
            if (args == null)
            {
                return;
            }
            checkFields(args, path + ".", BALANCED_ARGS_FIELDS);
            b.balancedResources(resources(args.get("resources"), path + ".resources", true));
        }

        /** {@code [{name, weight}]}; absent or empty gives kube's default (cpu and memory, weight 1); weight 0 means 1. */
        private List<ScoringStrategy.ResourceWeight> resources(final JsonNode node, final String path, final boolean balanced)
        {
            final ArrayNode list = array(node, path);
            if (list == null || list.isEmpty())
            {
                return ScoringStrategy.DEFAULT_RESOURCES;
            }
            final List<ScoringStrategy.ResourceWeight> out = new ArrayList<>();
            final Set<String> seen = new HashSet<>();
            for (int i = 0; i < list.size(); i++)
            {
                final String p = path + "[" + i + "]";
                final JsonNode entry = list.get(i);
                if (!(entry instanceof ObjectNode obj))
                {
                    throw error(p, "expected an object with name and weight, got " + describe(entry));
                }
                checkFields(obj, p + ".", RESOURCE_FIELDS);
                final String name = string(obj.get("name"), p + ".name", true);
                if (name.isEmpty())
                {
                    throw error(p + ".name", "must not be empty");
                }
                long weight = integer(obj.get("weight"), p + ".weight", Integer.MIN_VALUE, Integer.MAX_VALUE, 0);
                weight = weight == 0 ? 1 : weight;
                if (balanced)
                {
                    if (!seen.add(name))
                    {
                        throw error(p + ".name", "duplicate resource \"" + name + "\"");
                    }
                    if (weight != 1)
                    {
                        throw error(p + ".weight", "must be 1, got " + weight);
                    }
                }
                else if (weight < 1 || weight > 100)
                {
                    throw error(p + ".weight", "resource weight of " + name + " not in valid range (0, 100], got " + weight);
                }
                out.add(new ScoringStrategy.ResourceWeight(name, weight));
            }
            return out;
        }

        private List<ScoringStrategy.ShapePoint> shape(final JsonNode node, final String path)
        {
            final ArrayNode list = array(node, path);
            if (list == null || list.isEmpty())
            {
                throw error(path, "at least one point must be specified");
            }
            final List<ScoringStrategy.ShapePoint> out = new ArrayList<>();
            long previous = Long.MIN_VALUE;
            for (int i = 0; i < list.size(); i++)
            {
                final String p = path + "[" + i + "]";
                final JsonNode entry = list.get(i);
                if (!(entry instanceof ObjectNode obj))
                {
                    throw error(p, "expected an object with utilization and score, got " + describe(entry));
                }
                checkFields(obj, p + ".", SHAPE_FIELDS);
                final long utilization = integer(obj.get("utilization"), p + ".utilization", 0, 100, 0);
                final long score = integer(obj.get("score"), p + ".score", 0, 10, 0);
                if (utilization <= previous)
                {
                    throw error(p + ".utilization", "values must be sorted in increasing order, got " + utilization +
                        " after " + previous);
                }
                previous = utilization;
                out.add(new ScoringStrategy.ShapePoint(utilization, score));
            }
            return out;
        }

        // ------------------------------------------------------------ typed access

        private Integer percentage(final JsonNode node, final String path)
        {
            if (node == null || node.isNull())
            {
                return null;
            }
            return (int)integer(node, path, 0, 100, 0);
        }

        private void checkFields(final ObjectNode obj, final String prefix, final Set<String> allowed)
        {
            for (final Map.Entry<String, JsonNode> e : obj.properties())
            {
                if (!allowed.contains(e.getKey()))
                {
                    throw error(prefix + e.getKey(), "unknown field");
                }
            }
        }

        private ObjectNode object(final JsonNode node, final String path)
        {
            if (node == null || node.isNull())
            {
                return null;
            }
            if (node instanceof ObjectNode obj)
            {
                return obj;
            }
            throw error(path, "expected an object, got " + describe(node));
        }

        private ArrayNode array(final JsonNode node, final String path)
        {
            if (node == null || node.isNull())
            {
                return null;
            }
            if (node instanceof ArrayNode array)
            {
                return array;
            }
            throw error(path, "expected a list, got " + describe(node));
        }

        private String string(final JsonNode node, final String path, final boolean required)
        {
            if (node == null || node.isNull())
            {
                if (required)
                {
                    throw error(path, "required");
                }
                return null;
            }
            if (!node.isTextual())
            {
                throw error(path, "expected a string, got " + describe(node));
            }
            return node.textValue();
        }

        private long integer(final JsonNode node, final String path, final long min, final long max, final long absent)
        {
            if (node == null || node.isNull())
            {
                return absent;
            }
            if (!node.isIntegralNumber() || !node.canConvertToLong())
            {
                throw error(path, "expected an integer, got " + describe(node));
            }
            final long v = node.longValue();
            if (v < min || v > max)
            {
                throw error(path, "not in valid range [" + min + ", " + max + "], got " + v);
            }
            return v;
        }

        private static String describe(final JsonNode node)
        {
            if (node == null || node.isNull())
            {
                return "null";
            }
            if (node.isTextual())
            {
                final String t = node.textValue();
                return "a string \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
            }
            if (node.isNumber())
            {
                return "the number " + node.asText();
            }
            if (node.isBoolean())
            {
                return "a boolean";
            }
            if (node.isArray())
            {
                return "a list";
            }
            if (node.isObject())
            {
                return "an object";
            }
            return node.getNodeType().name().toLowerCase(Locale.ROOT);
        }

        private IllegalArgumentException error(final String path, final String message)
        {
            return new IllegalArgumentException(source + ": " + (path.isEmpty() ? "" : path + ": ") + message);
        }

        private void warn(final String path, final String message)
        {
            warnings.add(source + ": " + path + ": " + message);
        }
    }
}
