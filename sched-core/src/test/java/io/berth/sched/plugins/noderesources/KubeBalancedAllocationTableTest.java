package io.berth.sched.plugins.noderesources;

import static io.berth.sched.plugins.noderesources.KubeTableSupport.balancedOnly;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.bothPasses;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.engine;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.expect;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.makeNode;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.on;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.pod;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.req;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.rw;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.scores;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * kube's NodeResourcesBalancedAllocation, case by case from balanced_allocation_test.go
 * ({@code TestNodeResourcesBalancedAllocation}, v1.33/v1.34). Each case runs through the engine with only this score
 * plugin and no filter (kube's {@code makeNode} allows no pods), once with the vector pass and once with the scalar
 * twin.
 *
 * <p>Not ported: "include DRA resource on a node for balanced resource allocation" and its "if PreScore not called"
 * twin (v1.35, DRAExtendedResource: an extended resource backed by a DRA device class). kube's "if PreScore not
 * called" case is ported as it stands: Berth always runs PreScore, kube expects the same scores either way.
 */
class KubeBalancedAllocationTableTest
{
    /** A ported case; {@code expected} null means kube's PreScore returns Skip. */
    record BalancedCase(String name, List<ScoringStrategy.ResourceWeight> resources, PodObject pod, List<NodeObject> nodes,
        List<PodObject> existing, Map<String, Long> expected)
    {
        public String toString()
        {
            return name;
        }
    }

    /** kube's {@code defaultResourceBalancedAllocationSet}. */
    private static final List<ScoringStrategy.ResourceWeight> DEFAULT_SET = List.of(rw("cpu", 1), rw("memory", 1));

    /** cpu, memory and {@code nvidia.com/gpu}, weight 1 each. */
    private static final List<ScoringStrategy.ResourceWeight> WITH_GPU =
        List.of(rw("cpu", 1), rw("memory", 1), rw("nvidia.com/gpu", 1));

    // kube's pod specs; NodeName only matters for the existing pods (Score ignores the scored pod's NodeName)

    private static PodObject cpuAndMemoryAndGpu()
    {
        return pod(req("cpu", "1000m", "memory", "2000"), req("cpu", "2000m", "memory", "3000", "nvidia.com/gpu", "3"));
    }

    private static PodObject cpuOnly()
    {
        return pod(req("cpu", "1000m", "memory", "0"), req("cpu", "2000m", "memory", "0"));
    }

    private static PodObject cpuAndMemory()
    {
        return pod(req("cpu", "1000m", "memory", "2000"), req("cpu", "2000m", "memory", "3000"));
    }

    static List<BalancedCase> nodeResourcesBalancedAllocation()
    {
        // {Spec: cpuOnly} is bound to node1, {Spec: cpuAndMemory} to node2, {Spec: cpuAndMemoryAndGPU} to node1
        final List<PodObject> cpuOnlyAndCpuAndMemory = List.of(on("node1", cpuOnly()), on("node2", cpuAndMemory()));
        return List.of(
            new BalancedCase("nothing scheduled, nothing requested, skip in PreScore", DEFAULT_SET, pod(),
                List.of(makeNode("node1", 4000, 10000), makeNode("node2", 4000, 10000)), List.of(), null),
            new BalancedCase("nothing scheduled, resources requested, differently sized nodes", DEFAULT_SET, cpuAndMemory(),
                List.of(makeNode("node1", 4000, 10000), makeNode("node2", 6000, 10000)), List.of(),
                expect("node1", 87, "node2", 100)),
            new BalancedCase("resources requested, pods scheduled with resources", DEFAULT_SET, cpuAndMemory(),
                List.of(makeNode("node1", 10000, 20000), makeNode("node2", 10000, 20000)), cpuOnlyAndCpuAndMemory,
                expect("node1", 82, "node2", 95)),
            new BalancedCase("resources requested, pods scheduled with resources, differently sized nodes", DEFAULT_SET,
                cpuAndMemory(), List.of(makeNode("node1", 10000, 20000), makeNode("node2", 10000, 50000)),
                cpuOnlyAndCpuAndMemory, expect("node1", 82, "node2", 80)),
            new BalancedCase("requested resources at node capacity", DEFAULT_SET, cpuOnly(),
                List.of(makeNode("node1", 6000, 10000), makeNode("node2", 6000, 10000)), cpuOnlyAndCpuAndMemory,
                expect("node1", 50, "node2", 75)),
            new BalancedCase("include scalar resource on a node for balanced resource allocation", WITH_GPU,
                pod(req("memory", "0", "nvidia.com/gpu", "1")),
                List.of(makeNode("node1", 3500, 40000, "nvidia.com/gpu", "8"), makeNode("node2", 3500, 40000, "nvidia.com/gpu", "8")),
                List.of(on("node2", cpuAndMemory()), on("node1", cpuAndMemoryAndGpu())), expect("node1", 70, "node2", 65)),
            new BalancedCase("node without the scalar resource should skip the scalar resource", WITH_GPU, cpuAndMemory(),
                List.of(makeNode("node1", 3500, 40000, "nvidia.com/gpu", "8"), makeNode("node2", 3500, 40000)), List.of(),
                expect("node1", 63, "node2", 63)),
            new BalancedCase("resources requested, pods scheduled with resources if PreScore not called", DEFAULT_SET,
                cpuAndMemory(), List.of(makeNode("node1", 10000, 20000), makeNode("node2", 10000, 20000)),
                cpuOnlyAndCpuAndMemory, expect("node1", 82, "node2", 95)));
    }

    @ParameterizedTest(name = "TestNodeResourcesBalancedAllocation/{0}")
    @MethodSource("nodeResourcesBalancedAllocation")
    void testNodeResourcesBalancedAllocation(final BalancedCase c)
    {
        for (final boolean vector : bothPasses())
        {
            final SchedulingEngine engine = engine(balancedOnly(c.resources()), vector, c.nodes(), c.existing());
            final Map<String, Long> got = scores(engine, c.pod(), NodeResourcesBalancedAllocation.NAME);
            if (c.expected() == null)
            {
                // Skip: the plugin gives every node 0
                assertThat(got.values()).as("%s, vector=%s", c.name(), vector).containsOnly(0L);
            }
            else
            {
                assertThat(got).as("%s, vector=%s", c.name(), vector).containsExactlyEntriesOf(c.expected());
            }
        }
        // PreScore's verdict itself: Skip exactly for kube's Skip case
        final NodeTable table = new NodeTable(64);
        for (final NodeObject n : c.nodes())
        {
            table.upsert(n);
        }
        final PodRequests requests = new PodRequests(table);
        requests.compile(c.pod());
        final boolean scored = new NodeResourcesBalancedAllocation(c.resources()).preScore(c.pod(), requests, table);
        assertThat(scored).as("%s PreScore success (not Skip)", c.name()).isEqualTo(c.expected() != null);
    }
}
