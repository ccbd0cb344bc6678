package io.berth.mirror.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Plugins;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.plugins.PluginRegistry;

class ProfileReaderTest
{
    private static final String HEAD = "apiVersion: kubescheduler.config.k8s.io/v1\nkind: KubeSchedulerConfiguration\n";
    private static final List<String> DEFAULT_FILTERS = PluginRegistry.DEFAULT_FILTERS;

    private final ProfileReader reader = new ProfileReader();

    private ProfileReader.Result read(final String yaml)
    {
        return reader.readString("profile.yaml", yaml);
    }

    private Profile only(final String yaml)
    {
        final ProfileReader.Result r = read(yaml);
        assertThat(r.profiles()).hasSize(1);
        return r.profiles().get(0);
    }

    private static List<String> filters(final Profile p)
    {
        return PluginRegistry.build(p).filters().stream().map(FilterPlugin::name).toList();
    }

    /** Score plugin name to weight, in the registry's order. */
    private static Map<String, Integer> scores(final Profile p)
    {
        final Plugins plugins = PluginRegistry.build(p);
        final Map<String, Integer> out = new LinkedHashMap<>();
        for (int i = 0; i < plugins.scores().size(); i++)
        {
            out.put(plugins.scores().get(i).name(), plugins.weights()[i]);
        }
        return out;
    }

    private void fails(final String yaml, final String message)
    {
        assertThatThrownBy(() -> read(yaml)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    // ---------------------------------------------------------------- whole files

    @Test
    void readsTheMostAllocatedExample()
    {
        final ProfileReader.Result r = reader.read(Path.of("../docs/examples/profile-mostallocated.yaml"));
        assertThat(r.warnings()).isEmpty();
        final Profile p = r.profile(null);
        assertThat(p.schedulerName()).isEqualTo("bin-packing");
        assertThat(r.profile("bin-packing")).isSameAs(p);
        assertThat(p.fitStrategy()).isEqualTo(new ScoringStrategy(ScoringStrategy.Type.MostAllocated, List.of(
            new ScoringStrategy.ResourceWeight("cpu", 1), new ScoringStrategy.ResourceWeight("memory", 1),
            new ScoringStrategy.ResourceWeight("nvidia.com/gpu", 3)), List.of()));
        assertThat(filters(p)).isEqualTo(DEFAULT_FILTERS);
        assertThat(scores(p)).containsExactly(
            Map.entry("TaintToleration", 3), Map.entry("NodeAffinity", 2), Map.entry("NodeResourcesFit", 5),
            Map.entry("PodTopologySpread", 2), Map.entry("InterPodAffinity", 2), Map.entry("ImageLocality", 1));
    }

    @Test
    void noProfilesMeansTheDefaultProfile()
    {
        final ProfileReader.Result r = read(HEAD + "parallelism: 16\nleaderElection:\n  leaderElect: false\n");
        assertThat(r.profiles()).hasSize(1);
        final Profile p = r.profiles().get(0);
        assertThat(p.schedulerName()).isEqualTo("default-scheduler");
        assertThat(filters(p)).isEqualTo(DEFAULT_FILTERS);
        assertThat(scores(p)).isEqualTo(PluginRegistry.DEFAULT_SCORES);
        assertThat(p.fitStrategy()).isEqualTo(ScoringStrategy.LEAST_ALLOCATED);
    }

    @Test
    void readsAFileHoldingOneProfile()
    {
        final Profile p = only("schedulerName: lean\nplugins:\n  score:\n    disabled:\n      - name: ImageLocality\n");
        assertThat(p.schedulerName()).isEqualTo("lean");
        assertThat(scores(p)).doesNotContainKey("ImageLocality").hasSize(PluginRegistry.DEFAULT_SCORES.size() - 1);

        final Profile unnamed = only("plugins:\n  filter:\n    disabled: [{name: NodePorts}]\n");
        assertThat(unnamed.schedulerName()).isEqualTo("default-scheduler");
        assertThat(filters(unnamed)).doesNotContain("NodePorts").hasSize(DEFAULT_FILTERS.size() - 1);
    }

    @Test
    void readsJson()
    {
        final Profile p = only("{\"apiVersion\": \"kubescheduler.config.k8s.io/v1\", \"kind\": \"KubeSchedulerConfiguration\"," +
            " \"profiles\": [{\"schedulerName\": \"j\", \"plugins\": {\"score\": {\"enabled\": [{\"name\": \"ImageLocality\", \"weight\": 7}]}}}]}");
        assertThat(p.schedulerName()).isEqualTo("j");
        assertThat(scores(p)).containsEntry("ImageLocality", 7);
    }

    @Test
    void severalProfilesArePickedByName()
    {
        final ProfileReader.Result r = read(HEAD + "profiles:\n  - schedulerName: a\n  - schedulerName: b\n" +
            "    plugins:\n      multiPoint:\n        disabled: [{name: TaintToleration}]\n");
        assertThat(r.profiles()).extracting(Profile::schedulerName).containsExactly("a", "b");
        assertThat(r.profile(null).schedulerName()).isEqualTo("a");
        final Profile b = r.profile("b");
        assertThat(filters(b)).doesNotContain("TaintToleration");
        assertThat(scores(b)).doesNotContainKey("TaintToleration");
        assertThatThrownBy(() -> r.profile("c")).isInstanceOf(IllegalArgumentException.class)
            .hasMessage("profile.yaml: no profile has schedulerName \"c\" (profiles: a, b)");
    }

    // ---------------------------------------------------------------- plugin sets

    @Test
    void starDisablesTheDefaultFiltersAndKeepsTheEnabledOnesInOrder()
    {
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      filter:\n        disabled: [{name: '*'}]\n" +
            "        enabled: [{name: NodeResourcesFit}, {name: TaintToleration}]\n");
        assertThat(filters(p)).containsExactly("NodeResourcesFit", "TaintToleration");
        assertThat(scores(p)).isEqualTo(PluginRegistry.DEFAULT_SCORES);
    }

    @Test
    void starDisablesTheDefaultScoresAndAnEnabledWeightOfZeroMeansOne()
    {
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      score:\n        disabled: [{name: '*'}]\n" +
            "        enabled: [{name: ImageLocality}, {name: NodeResourcesFit, weight: 4}]\n");
        assertThat(scores(p)).containsExactly(Map.entry("NodeResourcesFit", 4), Map.entry("ImageLocality", 1));
        assertThat(filters(p)).isEqualTo(DEFAULT_FILTERS);
    }

    @Test
    void multiPointStarKeepsOnlyTheMultiPointPlugins()
    {
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      multiPoint:\n        disabled: [{name: '*'}]\n" +
            "        enabled: [{name: NodeResourcesFit, weight: 2}, {name: NodeUnschedulable}, {name: PrioritySort}]\n");
        assertThat(filters(p)).containsExactly("NodeResourcesFit", "NodeUnschedulable");
        assertThat(scores(p)).containsExactly(Map.entry("NodeResourcesFit", 2));
    }

    @Test
    void aDefaultFilterEnabledAtTheFilterPointRunsFirst()
    {
        // kube's expandMultiPointPlugins: plugins re-configured at the extension point come first, in their order
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      filter:\n        enabled: [{name: NodeResourcesFit}]\n");
        assertThat(filters(p).get(0)).isEqualTo("NodeResourcesFit");
        assertThat(filters(p)).hasSameElementsAs(DEFAULT_FILTERS);
    }

    @Test
    void anExplicitEnableWinsOverADisable()
    {
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      multiPoint:\n        disabled: [{name: ImageLocality}]\n" +
            "      score:\n        enabled: [{name: ImageLocality, weight: 9}]\n");
        assertThat(scores(p)).containsEntry("ImageLocality", 9);
    }

    @Test
    void defaultPluginWeightsCanBeRaised()
    {
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      score:\n        enabled:\n" +
            "          - {name: TaintToleration, weight: 10}\n          - {name: NodeAffinity, weight: 0}\n");
        assertThat(scores(p)).containsEntry("TaintToleration", 10).containsEntry("NodeAffinity", 1);
    }

    @Test
    void otherExtensionPointsAreCheckedAndIgnored()
    {
        final Profile p = only(HEAD + "profiles:\n  - plugins:\n      queueSort:\n        enabled: [{name: PrioritySort}]\n" +
            "      preScore:\n        disabled: [{name: '*'}]\n      bind:\n        enabled: [{name: DefaultBinder}]\n");
        assertThat(filters(p)).isEqualTo(DEFAULT_FILTERS);
        assertThat(read(HEAD + "profiles:\n  - plugins:\n      preFilter:\n        enabled: [{name: NodeResourcesFit}]\n")
            .warnings()).isEmpty();
        fails(HEAD + "profiles:\n  - plugins:\n      reserve:\n        enabled: [{name: Nope}]\n",
            "profile.yaml: profiles[0].plugins.reserve.enabled[0].name: unknown plugin \"Nope\"");
    }

    @Test
    void pluginsNotImplementedYetAreAcceptedWithAWarning()
    {
        final ProfileReader.Result r = read(HEAD + "profiles:\n  - plugins:\n      score:\n" +
            "        enabled: [{name: VolumeBinding, weight: 1}]\n");
        assertThat(r.warnings()).containsExactly(
            "profile.yaml: profiles[0].plugins.score.enabled[0].name: plugin VolumeBinding is not implemented by Berth yet; ignored");
        assertThat(scores(r.profiles().get(0))).isEqualTo(PluginRegistry.DEFAULT_SCORES);
    }

    // ---------------------------------------------------------------- plugin args

    @Test
    void readsRequestedToCapacityRatio()
    {
        final Profile p = only(HEAD + """
            profiles:
              - pluginConfig:
                  - name: NodeResourcesFit
                    args:
                      scoringStrategy:
                        type: RequestedToCapacityRatio
                        resources: [{name: cpu, weight: 3}, {name: memory}]
                        requestedToCapacityRatio:
                          shape:
                            - {utilization: 0, score: 0}
                            - {utilization: 100, score: 10}
            """);
        assertThat(p.fitStrategy()).isEqualTo(new ScoringStrategy(ScoringStrategy.Type.RequestedToCapacityRatio,
            List.of(new ScoringStrategy.ResourceWeight("cpu", 3), new ScoringStrategy.ResourceWeight("memory", 1)),
            List.of(new ScoringStrategy.ShapePoint(0, 0), new ScoringStrategy.ShapePoint(100, 10))));
    }

    @Test
    void aStrategyWithoutResourcesUsesCpuAndMemory()
    {
        final Profile p = only(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesFit\n        args:\n" +
            "          scoringStrategy: {type: MostAllocated}\n");
        assertThat(p.fitStrategy().type()).isEqualTo(ScoringStrategy.Type.MostAllocated);
        assertThat(p.fitStrategy().resources()).isEqualTo(ScoringStrategy.DEFAULT_RESOURCES);
    }

    @Test
    void readsBalancedAllocationResources()
    {
        final Profile p = only(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesBalancedAllocation\n" +
            "        args:\n          resources: [{name: cpu, weight: 1}, {name: memory}, {name: nvidia.com/gpu, weight: 1}]\n");
        assertThat(p.balancedResources()).extracting(ScoringStrategy.ResourceWeight::name)
            .containsExactly("cpu", "memory", "nvidia.com/gpu");
        assertThat(p.balancedResources()).extracting(ScoringStrategy.ResourceWeight::weight).containsOnly(1L);
    }

    @Test
    void argsOfOtherPluginsAreAccepted()
    {
        final ProfileReader.Result r = read(HEAD + """
            profiles:
              - pluginConfig:
                  - name: PodTopologySpread
                    args: {defaultingType: List}
                  - name: NodeAffinity
                    args:
                      addedAffinity:
                        requiredDuringSchedulingIgnoredDuringExecution:
                          nodeSelectorTerms: [{matchExpressions: [{key: a, operator: Exists}]}]
                  - name: NodeResourcesFit
                    args:
                      ignoredResources: [example.com/foo]
            """);
        assertThat(r.warnings()).containsExactly(
            "profile.yaml: profiles[0].pluginConfig[1].args.addedAffinity: not supported by Berth yet; ignored",
            "profile.yaml: profiles[0].pluginConfig[2].args.ignoredResources: not supported by Berth yet; ignored");
    }

    // ---------------------------------------------------------------- percentageOfNodesToScore, extenders

    @Test
    void percentageOfNodesToScoreIsTheProfilesOwnElseTheConfigurationsElseAdaptive()
    {
        assertThat(read(HEAD).profiles().get(0).percentageOfNodesToScore()).isZero();
        assertThat(read(HEAD + "percentageOfNodesToScore: 100\n").profiles().get(0).percentageOfNodesToScore()).isEqualTo(100);
        final ProfileReader.Result both = read(HEAD + "percentageOfNodesToScore: 50\nprofiles:\n" +
            "  - schedulerName: a\n    percentageOfNodesToScore: 100\n  - schedulerName: b\n");
        assertThat(both.warnings()).isEmpty();
        assertThat(both.profiles()).extracting(Profile::percentageOfNodesToScore).containsExactly(100, 50);
        assertThat(read(HEAD + "profiles:\n  - percentageOfNodesToScore: 30\n").profiles().get(0).percentageOfNodesToScore())
            .isEqualTo(30);
        assertThat(read("percentageOfNodesToScore: 7\n").profiles().get(0).percentageOfNodesToScore()).isEqualTo(7);
        assertThat(new ProfileReader().read(Path.of("../docs/examples/profile-all-nodes.yaml")).profiles())
            .extracting(Profile::schedulerName, Profile::percentageOfNodesToScore).containsExactly(tuple("all-nodes", 100));
        fails(HEAD + "percentageOfNodesToScore: 150\n",
            "profile.yaml: percentageOfNodesToScore: not in valid range [0, 100], got 150");
        fails(HEAD + "profiles:\n  - percentageOfNodesToScore: -1\n",
            "profile.yaml: profiles[0].percentageOfNodesToScore: not in valid range [0, 100], got -1");
        assertThat(read(HEAD + "extenders: [{urlPrefix: 'http://x'}]\n").warnings()).containsExactly(
            "profile.yaml: extenders: scheduler extenders are not supported by Berth; ignored");
    }

    // ---------------------------------------------------------------- errors

    @Test
    void errorsNameTheFileAndThePath()
    {
        fails(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesBalancedAllocation\n      - name: NodeResourcesFit\n" +
            "        args:\n          scoringStrategy: {type: Foo}\n",
            "profile.yaml: profiles[0].pluginConfig[1].args.scoringStrategy.type: unknown type \"Foo\" " +
                "(supported: LeastAllocated, MostAllocated, RequestedToCapacityRatio)");
        fails(HEAD + "profiles:\n  - plugins:\n      filter:\n        disabled: [{name: NodeUnschedulable}, {name: Foo}]\n",
            "profile.yaml: profiles[0].plugins.filter.disabled[1].name: unknown plugin \"Foo\"");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        enabled: [{name: ImageLocality, weight: abc}]\n",
            "profile.yaml: profiles[0].plugins.score.enabled[0].weight: expected an integer, got a string \"abc\"");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        enabled: [{name: ImageLocality, weight: 1.5}]\n",
            "profile.yaml: profiles[0].plugins.score.enabled[0].weight: expected an integer, got the number 1.5");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        enabled: [{name: ImageLocality, weight: 101}]\n",
            "profile.yaml: profiles[0].plugins.score.enabled[0].weight: not in valid range [0, 100], got 101");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        enabled: [{name: NodeUnschedulable}]\n",
            "profile.yaml: profiles[0].plugins.score.enabled[0].name: plugin \"NodeUnschedulable\" does not extend score plugin");
        fails(HEAD + "profiles:\n  - plugins:\n      filter:\n        enabled: [{name: ImageLocality}]\n",
            "profile.yaml: profiles[0].plugins.filter.enabled[0].name: plugin \"ImageLocality\" does not extend filter plugin");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        enabled: [{name: ImageLocality}, {name: ImageLocality}]\n",
            "profile.yaml: profiles[0].plugins.score.enabled[1].name: plugin \"ImageLocality\" enabled twice");
        fails(HEAD + "profiles:\n  - plugins:\n      scores: {}\n",
            "profile.yaml: profiles[0].plugins.scores: unknown field");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        disabled: ImageLocality\n",
            "profile.yaml: profiles[0].plugins.score.disabled: expected a list, got a string \"ImageLocality\"");
        fails(HEAD + "profiles:\n  - plugins:\n      score:\n        disabled: [ImageLocality]\n",
            "profile.yaml: profiles[0].plugins.score.disabled[0]: expected an object with a name, got a string \"ImageLocality\"");
        fails(HEAD + "profiles: 3\n", "profile.yaml: profiles: expected a list, got the number 3");
        fails(HEAD + "profilez: []\n", "profile.yaml: profilez: unknown field");
    }

    @Test
    void argErrors()
    {
        final String fit = HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesFit\n        args:\n";
        fails(fit + "          scoringStrategy: {type: RequestedToCapacityRatio}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio: " +
                "must be specified when type is RequestedToCapacityRatio");
        fails(fit + "          scoringStrategy: {type: MostAllocated, requestedToCapacityRatio: {shape: [{utilization: 0, score: 0}]}}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio: " +
                "must be absent when type is not RequestedToCapacityRatio");
        fails(fit + "          scoringStrategy: {type: RequestedToCapacityRatio, requestedToCapacityRatio: {shape: []}}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape: " +
                "at least one point must be specified");
        fails(fit + "          scoringStrategy:\n            type: RequestedToCapacityRatio\n            requestedToCapacityRatio:\n" +
            "              shape: [{utilization: 50, score: 5}, {utilization: 40, score: 6}]\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[1].utilization: " +
                "values must be sorted in increasing order, got 40 after 50");
        fails(fit + "          scoringStrategy:\n            type: RequestedToCapacityRatio\n            requestedToCapacityRatio:\n" +
            "              shape: [{utilization: 50, score: 11}]\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.requestedToCapacityRatio.shape[0].score: " +
                "not in valid range [0, 10], got 11");
        fails(fit + "          scoringStrategy: {type: LeastAllocated, resources: [{name: cpu, weight: 200}]}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].weight: " +
                "resource weight of cpu not in valid range (0, 100], got 200");
        fails(fit + "          scoringStrategy: {type: LeastAllocated, resources: [{weight: 2}]}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.resources[0].name: required");
        fails(fit + "          scoringStrategy: {kind: LeastAllocated}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.kind: unknown field");
        fails(fit + "          scoringStrategy: {resources: []}\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.scoringStrategy.type: required: one of LeastAllocated, " +
                "MostAllocated, RequestedToCapacityRatio");
        fails(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesBalancedAllocation\n        args:\n" +
            "          resources: [{name: cpu, weight: 2}]\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.resources[0].weight: must be 1, got 2");
        fails(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesBalancedAllocation\n        args:\n" +
            "          resources: [{name: cpu}, {name: cpu}]\n",
            "profile.yaml: profiles[0].pluginConfig[0].args.resources[1].name: duplicate resource \"cpu\"");
        fails(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesFit\n      - name: NodeResourcesFit\n",
            "profile.yaml: profiles[0].pluginConfig[1].name: duplicate plugin config for \"NodeResourcesFit\"");
        fails(HEAD + "profiles:\n  - pluginConfig:\n      - name: Coscheduling\n        args: {}\n",
            "profile.yaml: profiles[0].pluginConfig[0].name: unknown plugin \"Coscheduling\"");
        fails(HEAD + "profiles:\n  - pluginConfig:\n      - name: NodeResourcesFit\n        args: [1]\n",
            "profile.yaml: profiles[0].pluginConfig[0].args: expected an object, got a list");
    }

    @Test
    void documentErrors()
    {
        fails("", "profile.yaml: empty; expected a KubeSchedulerConfiguration or one profile");
        fails("- a\n- b\n", "profile.yaml: expected a KubeSchedulerConfiguration or a profile object, got a list");
        fails("apiVersion: kubescheduler.config.k8s.io/v1beta3\nkind: KubeSchedulerConfiguration\n",
            "profile.yaml: apiVersion: unsupported \"kubescheduler.config.k8s.io/v1beta3\", expected kubescheduler.config.k8s.io/v1");
        fails("apiVersion: v1\nkind: Pod\n", "profile.yaml: kind: expected KubeSchedulerConfiguration, got \"Pod\"");
        fails("kind: KubeSchedulerConfiguration\n", "profile.yaml: apiVersion: required: kubescheduler.config.k8s.io/v1");
        fails(HEAD + "---\n" + HEAD,
            "profile.yaml: holds more than one YAML document; expected one KubeSchedulerConfiguration or one profile");
        fails(HEAD + "profiles:\n  - schedulerName: a\n  - schedulerName: a\n",
            "profile.yaml: profiles[1].schedulerName: duplicate \"a\"");
        fails(HEAD + "profiles:\n  - schedulerName: a\n  - plugins: {}\n",
            "profile.yaml: profiles[1].schedulerName: required when there are several profiles");
        assertThatThrownBy(() -> read(HEAD + "profiles: []\nprofiles: []\n")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("profile.yaml: not valid YAML or JSON: Duplicate field 'profiles'");
        assertThatThrownBy(() -> read(HEAD + "profiles: [\n")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageStartingWith("profile.yaml: not valid YAML or JSON: ");
        assertThatThrownBy(() -> read(HEAD + "kind: KubeSchedulerConfiguration\n")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("kind");
        assertThatThrownBy(() -> reader.read(Path.of("no-such-profile.yaml"))).isInstanceOf(UncheckedIOException.class)
            .hasMessageContaining("no-such-profile.yaml");
    }

    @Test
    void theRegistryStillValidatesProfilesBuiltInCode()
    {
        final Profile bad = Profile.builder().balancedResources(List.of(new ScoringStrategy.ResourceWeight("cpu", 3))).build();
        assertThatThrownBy(() -> PluginRegistry.build(bad)).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("weight must be 1");
        final Profile filterStar = Profile.builder().disableFilter("*").enableFilter("NodeName").build();
        assertThat(filters(filterStar)).containsExactly("NodeName");
        assertThat(Arrays.asList(PluginRegistry.filterOrder(Profile.defaultProfile()).toArray())).isEqualTo(DEFAULT_FILTERS);
    }
}
