package io.berth.sched.plugins.noderesources;

import static io.berth.sched.plugins.noderesources.KubeTableSupport.bothPasses;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.container;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.engine;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.expect;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.fitScoreOnly;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.makeNode;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.node;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.on;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.pod;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.req;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.requestedToCapacityRatio;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.requestless;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.rl;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.rw;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.scores;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.sidecar;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.strategy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * kube's NodeResourcesFit Score, case by case (v1.33/v1.34): least_allocated_test.go
 * ({@code TestLeastAllocatedScoringStrategy}), most_allocated_test.go ({@code TestMostAllocatedScoringStrategy}),
 * requested_to_capacity_ratio_test.go ({@code TestRequestedToCapacityRatioScoringStrategy},
 * {@code TestBrokenLinearFunction}, {@code TestResourceBinPackingSingleExtended},
 * {@code TestResourceBinPackingMultipleExtended}), fit_test.go ({@code TestFitScore}) and resource_allocation_test.go
 * ({@code TestResourceAllocationScorerCalculateRequests} and the two device-plugin cases of
 * {@code TestCalculateResourceAllocatableRequest}). Each score case runs through the engine with only
 * NodeResourcesFit's Score enabled and no filter, once with the vector pass and once with the scalar twin.
 *
 * <p>Not ported: "Resources not set, pods scheduled with error" of the LeastAllocated and MostAllocated tables (an
 * internal config with no resources errors at Score; Berth's {@link ScoringStrategy} applies the v1 API default, cpu
 * and memory weight 1, as kube's defaulting does before any config reaches the plugin); the DRA cases of
 * {@code TestCalculateResourceAllocatableRequest} and the two v1.35 "LeastAllocated with Extended resources" cases of
 * {@code TestFitScore} (DRAExtendedResource: an extended resource backed by DRA devices). kube's "if PreScore is not called" cases
 * are ported as they stand: Berth always runs PreScore, and kube expects the same scores either way.
 */
class KubeScoringStrategyTableTest
{
    /** A ported score case. */
    record ScoreCase(String name, ScoringStrategy strategy, PodObject pod, List<NodeObject> nodes, List<PodObject> existing,
        Map<String, Long> expected)
    {
        public String toString()
        {
            return name;
        }
    }

    private static final String EXTENDED_RES = "abc.com/xyz";

    /** kube's {@code defaultResources}. */
    private static final List<ScoringStrategy.ResourceWeight> DEFAULT_RESOURCES = List.of(rw("cpu", 1), rw("memory", 1));

    /** kube's {@code extendedResourceSet}. */
    private static final List<ScoringStrategy.ResourceWeight> EXTENDED_RESOURCE_SET =
        List.of(rw("cpu", 1), rw("memory", 1), rw(EXTENDED_RES, 1));

    private static ScoringStrategy least(final List<ScoringStrategy.ResourceWeight> resources)
    {
        return new ScoringStrategy(ScoringStrategy.Type.LeastAllocated, resources, List.of());
    }

    private static ScoringStrategy most(final List<ScoringStrategy.ResourceWeight> resources)
    {
        return new ScoringStrategy(ScoringStrategy.Type.MostAllocated, resources, List.of());
    }

    /** {@code st.MakeNode().Name(name).Capacity(...)}. */
    private static NodeObject capacity(final String name, final String... nameQuantityPairs)
    {
        return node(name, rl(nameQuantityPairs));
    }

    /** {@code st.MakePod().Node(node).Req(...)...Obj()}: one container per request list. */
    private static PodObject bound(final String nodeName, final Container... containers)
    {
        return on(nodeName, pod(containers));
    }

    /** The pod of the LeastAllocated / MostAllocated / RequestedToCapacityRatio tables: two containers. */
    private static PodObject cpu1000Mem2000Cpu2000Mem3000()
    {
        return pod(req("cpu", "1000", "memory", "2000"), req("cpu", "2000", "memory", "3000"));
    }

    // ---------------------------------------------------------------- TestLeastAllocatedScoringStrategy

    static List<ScoreCase> leastAllocated()
    {
        final List<ScoreCase> c = new ArrayList<>();
        c.add(new ScoreCase("nothing scheduled, nothing requested", least(DEFAULT_RESOURCES), pod(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "4000", "memory", "10000")),
            List.of(), expect("node1", 100, "node2", 100)));
        c.add(new ScoreCase("nothing scheduled, resources requested, differently sized nodes", least(DEFAULT_RESOURCES),
            cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "6000", "memory", "10000")),
            List.of(), expect("node1", 37, "node2", 50)));
        // "Resources not set, pods scheduled with error": not ported (see class comment)
        c.add(new ScoreCase("no resources requested, pods scheduled", least(DEFAULT_RESOURCES), pod(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "4000", "memory", "10000")),
            List.of(bound("node1"), bound("node1"), bound("node2"), bound("node2")), expect("node1", 100, "node2", 100)));
        c.add(new ScoreCase("no resources requested, pods scheduled with resources", least(DEFAULT_RESOURCES), pod(),
            List.of(capacity("node1", "cpu", "10000", "memory", "20000"), capacity("node2", "cpu", "10000", "memory", "20000")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node1", req("cpu", "3000", "memory", "0")),
                bound("node2", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 70, "node2", 57)));
        c.add(new ScoreCase("resources requested, pods scheduled with resources", least(DEFAULT_RESOURCES),
            cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "10000", "memory", "20000"), capacity("node2", "cpu", "10000", "memory", "20000")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 57, "node2", 45)));
        c.add(new ScoreCase("resources requested, pods scheduled with resources, differently sized nodes",
            least(DEFAULT_RESOURCES), cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "10000", "memory", "20000"), capacity("node2", "cpu", "10000", "memory", "50000")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 57, "node2", 60)));
        c.add(new ScoreCase("requested resources exceed node capacity", least(DEFAULT_RESOURCES),
            pod(req("cpu", "3000", "memory", "0")),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "4000", "memory", "10000")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 50, "node2", 25)));
        c.add(new ScoreCase("zero node resources, pods scheduled with resources", least(DEFAULT_RESOURCES), pod(),
            List.of(capacity("node1"), capacity("node2")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 0, "node2", 0)));
        // kube's pod here carries Node("node1"); Score ignores it, so the pending pod is left unbound
        c.add(new ScoreCase(
            "nothing scheduled, resources requested with different weight on CPU and memory, differently sized nodes",
            least(List.of(rw("memory", 2), rw("cpu", 1))), cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "6000", "memory", "10000")),
            List.of(), expect("node1", 41, "node2", 50)));
        // "resource with negative weight", "resource with zero weight", "resource weight larger than MaxNodeScore":
        // profile validation, see invalidWeightsAreRejected
        c.add(new ScoreCase("bypass extended resource if the pod does not request", least(EXTENDED_RESOURCE_SET),
            cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "6000", "memory", "10000"),
                capacity("node2", "cpu", "6000", "memory", "10000", EXTENDED_RES, "4")),
            List.of(), expect("node1", 50, "node2", 50)));
        c.add(new ScoreCase("honor extended resource if the pod requests", least(EXTENDED_RESOURCE_SET),
            pod(req("cpu", "3000", "memory", "5000", EXTENDED_RES, "2")),
            List.of(capacity("node1", "cpu", "6000", "memory", "10000", EXTENDED_RES, "4"),
                capacity("node2", "cpu", "6000", "memory", "10000", EXTENDED_RES, "10")),
            List.of(), expect("node1", 50, "node2", 60)));
        c.add(new ScoreCase("if the node doesn't have a resource",
            least(List.of(rw(EXTENDED_RES, 2), rw("cpu", 1), rw("memory", 1))), pod(req("cpu", "3000", "memory", "4000")),
            List.of(capacity("node1", "cpu", "6000", "memory", "10000"),
                capacity("node2", "cpu", "6000", "memory", "10000", EXTENDED_RES, "4")),
            List.of(), expect("node1", 55, "node2", 55)));
        return c;
    }

    // ---------------------------------------------------------------- TestMostAllocatedScoringStrategy

    static List<ScoreCase> mostAllocated()
    {
        final List<ScoreCase> c = new ArrayList<>();
        c.add(new ScoreCase("nothing scheduled, nothing requested", most(DEFAULT_RESOURCES), pod(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "4000", "memory", "10000")),
            List.of(), expect("node1", 0, "node2", 0)));
        c.add(new ScoreCase("nothing scheduled, resources requested, differently sized nodes", most(DEFAULT_RESOURCES),
            cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "6000", "memory", "10000")),
            List.of(), expect("node1", 62, "node2", 50)));
        // "Resources not set, pods scheduled with error": not ported (see class comment)
        c.add(new ScoreCase("no resources requested, pods scheduled with resources", most(DEFAULT_RESOURCES), pod(),
            List.of(capacity("node1", "cpu", "10000", "memory", "20000"), capacity("node2", "cpu", "10000", "memory", "20000")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node1", req("cpu", "3000", "memory", "0")),
                bound("node2", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 30, "node2", 42)));
        c.add(new ScoreCase("resources requested, pods scheduled with resources", most(DEFAULT_RESOURCES),
            cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "10000", "memory", "20000"), capacity("node2", "cpu", "10000", "memory", "20000")),
            List.of(bound("node1", req("cpu", "3000", "memory", "0")), bound("node2", req("cpu", "3000", "memory", "5000"))),
            expect("node1", 42, "node2", 55)));
        c.add(new ScoreCase("resources requested equal node capacity", most(DEFAULT_RESOURCES),
            pod(req("cpu", "2000", "memory", "4000"), req("cpu", "3000", "memory", "5000")),
            List.of(capacity("node1", "cpu", "5000", "memory", "10000"), capacity("node2", "cpu", "10000", "memory", "9000")),
            List.of(), expect("node1", 95, "node2", 75)));
        c.add(new ScoreCase("nothing scheduled, resources requested, differently sized nodes (memory weight 2)",
            most(List.of(rw("memory", 2), rw("cpu", 1))), cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "6000", "memory", "10000")),
            List.of(), expect("node1", 58, "node2", 50)));
        c.add(new ScoreCase("no resources requested, pods scheduled, nonzero request for resource", most(DEFAULT_RESOURCES),
            pod(requestless()),
            List.of(capacity("node1", "cpu", "250m", "memory", "1000Mi"), capacity("node2", "cpu", "250m", "memory", "1000Mi")),
            List.of(bound("node1", requestless()), bound("node1", requestless())), expect("node1", 80, "node2", 30)));
        // "resource with negative weight", "resource with zero weight", "resource weight larger than MaxNodeScore":
        // profile validation, see invalidWeightsAreRejected
        c.add(new ScoreCase("bypass extended resource if the pod does not request", most(EXTENDED_RESOURCE_SET),
            cpu1000Mem2000Cpu2000Mem3000(),
            List.of(capacity("node1", "cpu", "6000", "memory", "10000"),
                capacity("node2", "cpu", "6000", "memory", "10000", EXTENDED_RES, "4")),
            List.of(), expect("node1", 50, "node2", 50)));
        c.add(new ScoreCase("honor extended resource if the pod request", most(EXTENDED_RESOURCE_SET),
            pod(req("cpu", "3000", "memory", "5000", EXTENDED_RES, "2")),
            List.of(capacity("node1", "cpu", "6000", "memory", "10000", EXTENDED_RES, "4"),
                capacity("node2", "cpu", "6000", "memory", "10000", EXTENDED_RES, "10")),
            List.of(), expect("node1", 50, "node2", 40)));
        c.add(new ScoreCase("if the node doesn't have a resource",
            most(List.of(rw(EXTENDED_RES, 2), rw("cpu", 1), rw("memory", 1))), pod(req("cpu", "3000", "memory", "4000")),
            List.of(capacity("node1", "cpu", "6000", "memory", "10000"),
                capacity("node2", "cpu", "6000", "memory", "10000", EXTENDED_RES, "4")),
            List.of(), expect("node1", 45, "node2", 45)));
        return c;
    }

    // ---------------------------------------------------------------- TestRequestedToCapacityRatioScoringStrategy

    static List<ScoreCase> requestedToCapacityRatioCases()
    {
        final ScoringStrategy s = requestedToCapacityRatio(DEFAULT_RESOURCES, 0, 10, 100, 0);
        return List.of(
            new ScoreCase("nothing scheduled, nothing requested (default - least requested nodes have priority)", s, pod(),
                List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "4000", "memory", "10000")),
                List.of(bound("node1"), bound("node1")), expect("node1", 100, "node2", 100)),
            new ScoreCase("nothing scheduled, resources requested, differently sized nodes (default - least requested nodes "
                + "have priority)", s, cpu1000Mem2000Cpu2000Mem3000(),
                List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "6000", "memory", "10000")),
                List.of(bound("node1"), bound("node1")), expect("node1", 38, "node2", 50)),
            new ScoreCase("no resources requested, pods scheduled with resources (default - least requested nodes have "
                + "priority)", s, pod(),
                List.of(capacity("node1", "cpu", "4000", "memory", "10000"), capacity("node2", "cpu", "6000", "memory", "10000")),
                List.of(bound("node1", req("cpu", "3000", "memory", "5000")), bound("node2", req("cpu", "3000", "memory", "5000"))),
                expect("node1", 38, "node2", 50)));
    }

    // ---------------------------------------------------------------- TestResourceBinPackingSingleExtended

    /** kube's bin-packing nodes: {@code makeNode(name, 4000, 10000*1024*1024, extended)}. */
    private static NodeObject binPackingNode(final String name, final String... extended)
    {
        return makeNode(name, 4000, 10000L * 1024 * 1024, extended);
    }

    static List<ScoreCase> resourceBinPackingSingleExtended()
    {
        final ScoringStrategy s = requestedToCapacityRatio(List.of(rw("intel.com/foo", 1)), 0, 0, 100, 1);
        final List<NodeObject> nodes = List.of(binPackingNode("node1", "intel.com/foo", "8"),
            binPackingNode("node2", "intel.com/foo", "4"));
        // kube's existing pod st.MakePod().Obj() has no node: the snapshot files it under node "", none of the nodes
        return List.of(
            new ScoreCase("nothing scheduled, nothing requested", s, pod(), nodes, List.of(), expect("node1", 0, "node2", 0)),
            new ScoreCase("resources requested, pods scheduled with less resources", s, pod(req("intel.com/foo", "2")), nodes,
                List.of(), expect("node1", 2, "node2", 5)),
            new ScoreCase("resources requested, pods scheduled with resources, on node with existing pod running ", s,
                pod(req("intel.com/foo", "2")), nodes, List.of(bound("node2", req("intel.com/foo", "2"))),
                expect("node1", 2, "node2", 10)),
            new ScoreCase("resources requested, pods scheduled with more resources", s, pod(req("intel.com/foo", "4")), nodes,
                List.of(), expect("node1", 5, "node2", 10)));
    }

    // ---------------------------------------------------------------- TestResourceBinPackingMultipleExtended

    static List<ScoreCase> resourceBinPackingMultipleExtended()
    {
        final ScoringStrategy s =
            requestedToCapacityRatio(List.of(rw("intel.com/foo", 3), rw("intel.com/bar", 5)), 0, 0, 100, 1);
        // extendedResources2 on node1, extendedResources1 on node2
        final List<NodeObject> nodes = List.of(
            binPackingNode("node1", "intel.com/foo", "8", "intel.com/bar", "4"),
            binPackingNode("node2", "intel.com/foo", "4", "intel.com/bar", "8"));
        final Container pod1 = req("intel.com/foo", "2", "intel.com/bar", "2");
        final Container pod2 = req("intel.com/foo", "4", "intel.com/bar", "2");
        return List.of(
            new ScoreCase("nothing scheduled, nothing requested", s, pod(), nodes, List.of(), expect("node1", 0, "node2", 0)),
            new ScoreCase("resources requested, pods scheduled with less resources", s, pod(pod1), nodes, List.of(),
                expect("node1", 4, "node2", 3)),
            new ScoreCase("resources requested, pods scheduled with resources, on node with existing pod running ", s,
                pod(pod1), nodes, List.of(bound("node2", pod2)), expect("node1", 4, "node2", 7)),
            new ScoreCase("resources requested, pods scheduled with more resources", s, pod(pod2), nodes, List.of(),
                expect("node1", 5, "node2", 5)));
    }

    // ---------------------------------------------------------------- TestFitScore

    static List<ScoreCase> fitScore()
    {
        final List<NodeObject> nodes = List.of(capacity("node1", "cpu", "4000", "memory", "10000"),
            capacity("node2", "cpu", "6000", "memory", "10000"));
        final List<PodObject> existing = List.of(bound("node1", req("cpu", "2000", "memory", "4000")),
            bound("node2", req("cpu", "1000", "memory", "2000")));
        final ScoringStrategy rtcr1 = requestedToCapacityRatio(DEFAULT_RESOURCES, 0, 10, 100, 0);
        final ScoringStrategy rtcr2 = requestedToCapacityRatio(DEFAULT_RESOURCES, 0, 0, 100, 10);
        final PodObject big = pod(req("cpu", "3000", "memory", "5000"));
        final PodObject small = pod(req("cpu", "1000", "memory", "2000"));
        final List<NodeObject> sameNodes = List.of(capacity("node1", "cpu", "4000", "memory", "10000"),
            capacity("node2", "cpu", "4000", "memory", "10000"));
        final List<PodObject> sidecarPods = List.of(
            on("node1", pod(List.of(req("cpu", "1000", "memory", "2000")), List.of(sidecar(rl("cpu", "1000", "memory", "2000"))),
                ResourceList.EMPTY)),
            bound("node2", req("cpu", "1000", "memory", "2000")));
        return List.of(
            new ScoreCase("test case for ScoringStrategy RequestedToCapacityRatio case1", rtcr1, big, nodes, existing,
                expect("node1", 10, "node2", 32)),
            new ScoreCase("test case for ScoringStrategy RequestedToCapacityRatio case2", rtcr2, big, nodes, existing,
                expect("node1", 95, "node2", 68)),
            new ScoreCase("test case for ScoringStrategy MostAllocated", most(DEFAULT_RESOURCES), small, nodes, existing,
                expect("node1", 67, "node2", 36)),
            new ScoreCase("test case for ScoringStrategy LeastAllocated", least(DEFAULT_RESOURCES), small, nodes, existing,
                expect("node1", 32, "node2", 63)),
            new ScoreCase("test case for ScoringStrategy RequestedToCapacityRatio case1 if PreScore is not called", rtcr1, big,
                nodes, existing, expect("node1", 10, "node2", 32)),
            new ScoreCase("test case for ScoringStrategy MostAllocated if PreScore is not called", most(DEFAULT_RESOURCES),
                small, nodes, existing, expect("node1", 67, "node2", 36)),
            new ScoreCase("test case for ScoringStrategy LeastAllocated if PreScore is not called", least(DEFAULT_RESOURCES),
                small, nodes, existing, expect("node1", 32, "node2", 63)),
            new ScoreCase("test case for ScoringStrategy MostAllocated with sidecar container", most(DEFAULT_RESOURCES), small,
                sameNodes, sidecarPods, expect("node1", 67, "node2", 45)),
            new ScoreCase("test case for ScoringStrategy LeastAllocated with sidecar container", least(DEFAULT_RESOURCES), small,
                sameNodes, sidecarPods, expect("node1", 32, "node2", 55)));
    }

    // ---------------------------------------------------------------- runs

    @ParameterizedTest(name = "TestLeastAllocatedScoringStrategy/{0}")
    @MethodSource("leastAllocated")
    void testLeastAllocatedScoringStrategy(final ScoreCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestMostAllocatedScoringStrategy/{0}")
    @MethodSource("mostAllocated")
    void testMostAllocatedScoringStrategy(final ScoreCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestRequestedToCapacityRatioScoringStrategy/{0}")
    @MethodSource("requestedToCapacityRatioCases")
    void testRequestedToCapacityRatioScoringStrategy(final ScoreCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestResourceBinPackingSingleExtended/{0}")
    @MethodSource("resourceBinPackingSingleExtended")
    void testResourceBinPackingSingleExtended(final ScoreCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestResourceBinPackingMultipleExtended/{0}")
    @MethodSource("resourceBinPackingMultipleExtended")
    void testResourceBinPackingMultipleExtended(final ScoreCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestFitScore/{0}")
    @MethodSource("fitScore")
    void testFitScore(final ScoreCase c)
    {
        check(c);
    }

    /**
     * The weight cases of TestLeastAllocatedScoringStrategy and TestMostAllocatedScoringStrategy ("resource with
     * negative weight", "resource with zero weight", "resource weight larger than MaxNodeScore"): kube's args
     * validation rejects them, Berth's profile validation too.
     */
    @Test
    void invalidWeightsAreRejected()
    {
        final List<List<ScoringStrategy.ResourceWeight>> invalid = List.of(
            List.of(rw("memory", -1), rw("cpu", 1)),
            List.of(rw("memory", 1), rw("cpu", 0)),
            List.of(rw("memory", 1), rw("cpu", 101)),
            List.of(rw("memory", 101)));
        for (final ScoringStrategy.Type type : List.of(ScoringStrategy.Type.LeastAllocated, ScoringStrategy.Type.MostAllocated))
        {
            for (final List<ScoringStrategy.ResourceWeight> resources : invalid)
            {
                final Profile profile = fitScoreOnly(new ScoringStrategy(type, resources, List.of()));
                assertThatThrownBy(() -> PluginRegistry.build(profile)).as("%s %s", type, resources)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("weight must be in [1, 100]");
            }
        }
    }

    /**
     * TestBrokenLinearFunction. kube tests {@code helper.BuildBrokenLinearFunction} on shape scores 0..10; the plugin
     * builds it on scores scaled by {@code MaxNodeScore / MaxCustomPriorityScore} = 10, which is what Berth's
     * {@code brokenLinear} evaluates. The expected values are kube's function on the scaled shape; kube's unscaled
     * expectations are those divided by 10, rounded down, which is checked too.
     */
    @Test
    void testBrokenLinearFunction()
    {
        // points {10, 1}, {90, 9}: kube expects 1 1 1 1 1 1 2 8 9 9 9 9
        checkBrokenLinear(new long[] {10, 1, 90, 9},
            new long[] {-10, 0, 9, 10, 15, 19, 20, 89, 90, 99, 100, 110},
            new long[] {10, 10, 10, 10, 15, 19, 20, 89, 90, 90, 90, 90},
            new long[] {1, 1, 1, 1, 1, 1, 2, 8, 9, 9, 9, 9});
        // points {0, 2}, {40, 10}, {100, 0}
        checkBrokenLinear(new long[] {0, 2, 40, 10, 100, 0},
            new long[] {-10, 0, 20, 30, 40, 70, 100, 110},
            new long[] {20, 20, 60, 80, 100, 50, 0, 0},
            new long[] {2, 2, 6, 8, 10, 5, 0, 0});
        // points {0, 2}, {40, 2}, {100, 2}
        checkBrokenLinear(new long[] {0, 2, 40, 2, 100, 2},
            new long[] {-10, 0, 20, 30, 40, 70, 100, 110},
            new long[] {20, 20, 20, 20, 20, 20, 20, 20},
            new long[] {2, 2, 2, 2, 2, 2, 2, 2});
    }

    private static void checkBrokenLinear(final long[] points, final long[] p, final long[] scaled, final long[] kube)
    {
        final ResourceAllocationScorer scorer =
            new ResourceAllocationScorer(requestedToCapacityRatio(DEFAULT_RESOURCES, points), false);
        for (int i = 0; i < p.length; i++)
        {
            final long got = scorer.brokenLinear(p[i]);
            assertThat(got).as("points %s, p=%d", Arrays.toString(points), p[i]).isEqualTo(scaled[i]);
            assertThat(Math.floorDiv(got, 10)).as("unscaled, p=%d", p[i]).isEqualTo(kube[i]);
        }
    }

    /**
     * TestResourceAllocationScorerCalculateRequests (resource_allocation_test.go): the pod requests NodeResourcesFit
     * scores with, where a container missing cpu or memory counts kube's defaults (100m, 200Mi).
     */
    @Test
    void testResourceAllocationScorerCalculateRequests()
    {
        final long oneMi = 1048576;
        final long defaultCpu = 100;
        final long defaultMemory = 200L * 1024 * 1024;
        final ResourceList oneCpuOneMi = rl("cpu", "1", "memory", "1Mi");
        final ResourceList overhead = rl("cpu", "1", "memory", "1Mi");
        checkNonZero("overhead only", pod(List.of(), List.of(), overhead), 1000, oneMi);
        checkNonZero("1x requestless container", pod(requestless()), defaultCpu, defaultMemory);
        checkNonZero("2x requestless container", pod(requestless(), requestless()), 2 * defaultCpu, 2 * defaultMemory);
        checkNonZero("request container + requestless container", pod(container(oneCpuOneMi), requestless()),
            1000 + defaultCpu, oneMi + defaultMemory);
        checkNonZero("container + requestless container + overhead",
            pod(List.of(container(oneCpuOneMi), requestless()), List.of(), overhead), 2000 + defaultCpu, 2 * oneMi + defaultMemory);
        checkNonZero("init container + container + requestless container + overhead",
            pod(List.of(container(oneCpuOneMi), requestless()), List.of(req("cpu", "3")), overhead),
            4000, 2 * oneMi + defaultMemory);
        checkNonZero("requestless init container + small init container + small container ",
            pod(List.of(req("cpu", "3m", "memory", "3")), List.of(requestless(), req("cpu", "1m", "memory", "1")),
                ResourceList.EMPTY), defaultCpu, defaultMemory);
        checkNonZero("requestless init container + small init container + small container + requestless container ",
            pod(List.of(req("cpu", "3m", "memory", "3"), requestless()), List.of(requestless(), req("cpu", "1m", "memory", "1")),
                ResourceList.EMPTY), 3 + defaultCpu, 3 + defaultMemory);
    }

    private static void checkNonZero(final String name, final PodObject pod, final long milliCpu, final long memory)
    {
        final PodRequests requests = new PodRequests(new NodeTable(64));
        requests.compile(pod);
        assertThat(requests.nonZeroMilliCpu()).as("%s cpu", name).isEqualTo(milliCpu);
        assertThat(requests.nonZeroMemory()).as("%s memory", name).isEqualTo(memory);
        assertThat(requests.scoringRequest(Resources.CPU, false)).isEqualTo(milliCpu);
        assertThat(requests.scoringRequest(Resources.MEMORY, false)).isEqualTo(memory);
    }

    /**
     * TestCalculateResourceAllocatableRequest, "device-plugin-resource-feature-disabled" and
     * "device-plugin-resource-feature-enabled" (identical without DRA): a node with 4 of an extended resource and a
     * pod requesting 1 give the scorer allocatable 4, requested 1, seen here through MostAllocated (1 * 100 / 4) and
     * LeastAllocated ((4 - 1) * 100 / 4).
     */
    @Test
    void testCalculateResourceAllocatableRequestDevicePlugin()
    {
        final String extended = "extended.resource.dra.io/something";
        final List<NodeObject> nodes = List.of(capacity("resource-node", extended, "4"));
        final PodObject pod = pod(req(extended, "1"));
        check(new ScoreCase("device-plugin-resource (MostAllocated)", strategy(ScoringStrategy.Type.MostAllocated,
            rw(extended, 1)), pod, nodes, List.of(), expect("resource-node", 25)));
        check(new ScoreCase("device-plugin-resource (LeastAllocated)", strategy(ScoringStrategy.Type.LeastAllocated,
            rw(extended, 1)), pod, nodes, List.of(), expect("resource-node", 75)));
    }

    private static void check(final ScoreCase c)
    {
        for (final boolean vector : bothPasses())
        {
            final SchedulingEngine engine = engine(fitScoreOnly(c.strategy()), vector, c.nodes(), c.existing());
            assertThat(scores(engine, c.pod(), NodeResourcesFit.NAME)).as("%s, vector=%s", c.name(), vector)
                .containsExactlyEntriesOf(c.expected());
        }
    }
}
