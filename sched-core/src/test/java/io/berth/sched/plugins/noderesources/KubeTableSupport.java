package io.berth.sched.plugins.noderesources;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.berth.sched.framework.Explanation;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.ScoringStrategy;
import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Quantity;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * Builders shaped like kube's test helpers ({@code st.MakePod().Req(...)}, {@code st.MakeNode().Capacity(...)},
 * {@code makeNode}, {@code newResourcePod(framework.Resource{...})}) and the engine set-up shared by the ported
 * noderesources tables. Every quantity goes through {@link Quantity#parseMilli} so kube's literals stay exact.
 */
final class KubeTableSupport
{
    private static final AtomicInteger POD_IDS = new AtomicInteger();

    private KubeTableSupport()
    {
    }

    // ---------------------------------------------------------------- quantities and resource lists

    /** A resource list from alternating name / kube quantity literal pairs ({@code "cpu", "250m", "memory", "1Gi"}). */
    static ResourceList rl(final String... nameQuantityPairs)
    {
        final int n = nameQuantityPairs.length / 2;
        final String[] names = new String[n];
        final long[] milli = new long[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = nameQuantityPairs[2 * i];
            milli[i] = Quantity.parseMilli(nameQuantityPairs[2 * i + 1]);
        }
        return new ResourceList(names, milli);
    }

    /** Appends pairs to a resource list. */
    static ResourceList with(final ResourceList base, final String... nameQuantityPairs)
    {
        final ResourceList extra = rl(nameQuantityPairs);
        final String[] names = new String[base.size() + extra.size()];
        final long[] milli = new long[names.length];
        for (int i = 0; i < base.size(); i++)
        {
            names[i] = base.name(i);
            milli[i] = base.milliValue(i);
        }
        for (int i = 0; i < extra.size(); i++)
        {
            names[base.size() + i] = extra.name(i);
            milli[base.size() + i] = extra.milliValue(i);
        }
        return new ResourceList(names, milli);
    }

    /**
     * The requests of a container built by kube's fit_test {@code newResourcePod(framework.Resource{...})}: cpu
     * {@code NewMilliQuantity(milliCpu)}, memory, pods (0) and ephemeral-storage as {@code NewQuantity}, plus the
     * scalar resources given as name / integer pairs.
     */
    static ResourceList resource(final long milliCpu, final long memory, final long ephemeralStorage, final Object... scalars)
    {
        ResourceList list = rl("cpu", milliCpu + "m", "memory", Long.toString(memory), "pods", "0",
            "ephemeral-storage", Long.toString(ephemeralStorage));
        for (int i = 0; i < scalars.length; i += 2)
        {
            list = with(list, (String)scalars[i], scalars[i + 1].toString());
        }
        return list;
    }

    /** kube's {@code makeAllocatableResources(milliCPU, memory, pods, extendedA, storage, hugePageA)}. */
    static ResourceList makeAllocatableResources(
        final long milliCpu, final long memory, final long pods, final long extendedA, final long storage, final long hugePageA)
    {
        return rl("cpu", milliCpu + "m", "memory", Long.toString(memory), "pods", Long.toString(pods),
            "example.com/aaa", Long.toString(extendedA), "ephemeral-storage", Long.toString(storage),
            "hugepages-2Mi", Long.toString(hugePageA));
    }

    // ---------------------------------------------------------------- nodes

    /** {@code st.MakeNode().Name(name).Capacity(...)}: capacity and allocatable alike, no pods allowed unless given. */
    static NodeObject node(final String name, final ResourceList allocatable)
    {
        return NodeObject.builder(name).allocatable(allocatable).build();
    }

    /** kube's {@code makeNode(name, milliCPU, memory, extendedResource)}: cpu in milli, memory in bytes, extended units. */
    static NodeObject makeNode(final String name, final long milliCpu, final long memory, final String... extended)
    {
        return node(name, with(rl("cpu", milliCpu + "m", "memory", Long.toString(memory)), extended));
    }

    // ---------------------------------------------------------------- containers and pods

    /** A container with the given requests (kube's {@code st.MakePod().Req(...)} appends one). */
    static Container container(final ResourceList requests)
    {
        return new Container("c", "img", requests);
    }

    /** A container with the requests given as name / kube literal pairs. */
    static Container req(final String... nameQuantityPairs)
    {
        return container(rl(nameQuantityPairs));
    }

    /** A container without any request (kube's {@code st.MakePod().Container("container")}). */
    static Container requestless()
    {
        return new Container("c", "img", ResourceList.EMPTY);
    }

    /** A restartable init container ({@code restartPolicy: Always}, kube's {@code SidecarReq}). */
    static Container sidecar(final ResourceList requests)
    {
        return new Container("sidecar", "img", requests, List.of(), true);
    }

    /** A pending pod. */
    static PodObject pod(final List<Container> containers, final List<Container> initContainers, final ResourceList overhead)
    {
        return PodObject.builder("default", "pod-" + POD_IDS.incrementAndGet())
            .containers(containers).initContainers(initContainers).overhead(overhead).build();
    }

    /** A pending pod with app containers only. */
    static PodObject pod(final Container... containers)
    {
        return pod(List.of(containers), List.of(), ResourceList.EMPTY);
    }

    /** The same pod bound to {@code nodeName}. */
    static PodObject on(final String nodeName, final PodObject pod)
    {
        return pod.toBuilder().name("bound-" + POD_IDS.incrementAndGet()).nodeName(nodeName).build();
    }

    // ---------------------------------------------------------------- profiles and engines

    /** Only NodeResourcesFit at the filter point, no score plugin. */
    static Profile fitFilterOnly()
    {
        return Profile.builder().disableFilter(PluginRegistry.ALL).enableFilter(NodeResourcesFit.NAME)
            .disableScore(PluginRegistry.ALL).build();
    }

    /**
     * Only NodeResourcesFit's Score with {@code strategy}, no filter: kube's score tables call Score directly on
     * nodes that allow no pods ({@code st.MakeNode().Capacity} sets no {@code pods}), so the filter must stay out.
     */
    static Profile fitScoreOnly(final ScoringStrategy strategy)
    {
        return Profile.builder().disableFilter(PluginRegistry.ALL).disableScore(PluginRegistry.ALL)
            .scoreWeight(NodeResourcesFit.NAME, 1).fitStrategy(strategy).build();
    }

    /** Only NodeResourcesBalancedAllocation's Score over {@code resources}, no filter. */
    static Profile balancedOnly(final List<ScoringStrategy.ResourceWeight> resources)
    {
        return Profile.builder().disableFilter(PluginRegistry.ALL).disableScore(PluginRegistry.ALL)
            .scoreWeight(NodeResourcesBalancedAllocation.NAME, 1).balancedResources(resources).build();
    }

    static ScoringStrategy.ResourceWeight rw(final String name, final long weight)
    {
        return new ScoringStrategy.ResourceWeight(name, weight);
    }

    static ScoringStrategy strategy(final ScoringStrategy.Type type, final ScoringStrategy.ResourceWeight... resources)
    {
        return new ScoringStrategy(type, List.of(resources), List.of());
    }

    static ScoringStrategy requestedToCapacityRatio(
        final List<ScoringStrategy.ResourceWeight> resources, final long... utilizationScorePairs)
    {
        final List<ScoringStrategy.ShapePoint> shape = new ArrayList<>();
        for (int i = 0; i < utilizationScorePairs.length; i += 2)
        {
            shape.add(new ScoringStrategy.ShapePoint(utilizationScorePairs[i], utilizationScorePairs[i + 1]));
        }
        return new ScoringStrategy(ScoringStrategy.Type.RequestedToCapacityRatio, resources, shape);
    }

    /** An engine over a fresh table holding {@code nodes} and the bound {@code existingPods}. */
    static SchedulingEngine engine(
        final Profile profile, final boolean vector, final List<NodeObject> nodes, final List<PodObject> existingPods)
    {
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(64), PluginRegistry.build(profile), 7).vector(vector);
        for (final NodeObject n : nodes)
        {
            engine.upsertNode(n);
        }
        for (final PodObject p : existingPods)
        {
            assertThat(engine.addBoundPod(p)).as("bound pod %s", p.key()).isTrue();
        }
        return engine;
    }

    /** One plugin's score per node (in the order the nodes were added), every node being feasible. */
    static Map<String, Long> scores(final SchedulingEngine engine, final PodObject pod, final String plugin)
    {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (final Explanation.NodeResult n : engine.explain(pod).nodes())
        {
            assertThat(n.feasible()).as("node %s feasible", n.name()).isTrue();
            out.put(n.name(), n.scores().get(plugin));
        }
        return out;
    }

    /** {@code "node1", 10L, "node2", 32L} as an ordered map. */
    static Map<String, Long> expect(final Object... nodeScorePairs)
    {
        final Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < nodeScorePairs.length; i += 2)
        {
            out.put((String)nodeScorePairs[i], ((Number)nodeScorePairs[i + 1]).longValue());
        }
        return out;
    }

    /** Both passes: the vector kernels and their scalar twins. */
    static List<Boolean> bothPasses()
    {
        return Arrays.asList(Boolean.TRUE, Boolean.FALSE);
    }
}
