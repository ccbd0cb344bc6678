package io.berth.sched.plugins.noderesources;

import static io.berth.sched.plugins.noderesources.KubeTableSupport.bothPasses;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.container;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.engine;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.fitFilterOnly;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.makeAllocatableResources;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.node;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.on;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.pod;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.resource;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.rl;
import static io.berth.sched.plugins.noderesources.KubeTableSupport.sidecar;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.berth.sched.framework.Explanation;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;

/**
 * kube's NodeResourcesFit Filter, case by case from fit_test.go (v1.33/v1.34): {@code TestEnoughRequests},
 * {@code TestNotEnoughRequests}, {@code TestStorageRequests} and {@code TestRestartableInitContainers}. Each case
 * runs through the engine with only NodeResourcesFit enabled, once with the vector pass and once with the scalar
 * twin, and checks feasibility and kube's reason strings in kube's order.
 *
 * <p>Not ported (Berth does not model them): in {@code TestEnoughRequests}, "skip checking ignored extended
 * resource" and "skip checking ignored extended resource via resource groups" (NodeResourcesFitArgs
 * ignoredResources / ignoredResourceGroups), the seven pod-level resources cases (PodLevelResources) and the four
 * v1.35 cases whose outcome comes from DRA delegation (DRAExtendedResource; the three v1.35 cases whose outcome does
 * not depend on DRA are ported); in {@code TestRestartableInitContainers}, "not allow pod with restartable init
 * containers if sidecar containers is disabled" (SidecarContainers is always on in Berth, as it is locked on in
 * kube 1.33); {@code TestPreFilterDisabled} (Filter without PreFilter state, an internal framework error; Berth's
 * engine always runs PreFilter). kube 1.35 also returns UnschedulableAndUnresolvable when a request exceeds the
 * node's allocatable; Berth reports reasons only, so status codes are not compared.
 */
class KubeFitTableTest
{
    private static final String NODE = "machine";

    /** One ported case: the pod, the pods already on the node, the node's allocatable, kube's reasons. */
    record FitCase(String name, PodObject pod, List<PodObject> existing, ResourceList allocatable, List<String> reasons)
    {
        public String toString()
        {
            return name;
        }
    }

    // ---------------------------------------------------------------- kube's fit_test helpers

    /** {@code framework.Resource{MilliCPU: cpu, Memory: mem, ScalarResources: {...}}}. */
    private static ResourceList r(final long milliCpu, final long memory, final Object... scalars)
    {
        return resource(milliCpu, memory, 0, scalars);
    }

    /** {@code newResourcePod(usage...)}: one container per usage. */
    private static PodObject newResourcePod(final ResourceList... usage)
    {
        return pod(containers(usage), List.of(), ResourceList.EMPTY);
    }

    /** {@code newResourceInitPod(pod, usage...)}: the init containers replaced by one per usage. */
    private static PodObject newResourceInitPod(final PodObject pod, final ResourceList... usage)
    {
        return pod.toBuilder().initContainers(containers(usage)).build();
    }

    /** {@code newResourceOverheadPod(pod, overhead)}. */
    private static PodObject newResourceOverheadPod(final PodObject pod, final ResourceList overhead)
    {
        return pod.toBuilder().overhead(overhead).build();
    }

    private static List<Container> containers(final ResourceList... usage)
    {
        final List<Container> out = new ArrayList<>();
        for (final ResourceList u : usage)
        {
            out.add(container(u));
        }
        return out;
    }

    /** {@code framework.NewNodeInfo(pods...)} on the test's node. */
    private static List<PodObject> nodeInfo(final PodObject... pods)
    {
        final List<PodObject> out = new ArrayList<>();
        for (final PodObject p : pods)
        {
            out.add(on(NODE, p));
        }
        return out;
    }

    private static String insufficient(final String resource)
    {
        return "Insufficient " + resource;
    }

    private static final String CPU = insufficient("cpu");
    private static final String MEMORY = insufficient("memory");
    private static final String EXTENDED_A = "example.com/aaa";
    private static final String EXTENDED_B = "example.com/bbb";
    private static final String KUBERNETES_IO_A = "kubernetes.io/something";
    private static final String KUBERNETES_IO_B = "subdomain.kubernetes.io/something";
    private static final String HUGE_PAGE_A = "hugepages-2Mi";
    private static final String EXTENDED_DRA = "extended.resource.dra.io/something";

    // ---------------------------------------------------------------- TestEnoughRequests

    /** TestEnoughRequests: node allocatable {@code makeAllocatableResources(10, 20, 32, 5, 20, 5)}. */
    static List<FitCase> enoughRequests()
    {
        final ResourceList alloc = makeAllocatableResources(10, 20, 32, 5, 20, 5);
        final List<FitCase> c = new ArrayList<>();
        c.add(new FitCase("no resources requested always fits",
            pod(), nodeInfo(newResourcePod(r(10, 20))), alloc, List.of()));
        c.add(new FitCase("too many resources fails",
            newResourcePod(r(1, 1)), nodeInfo(newResourcePod(r(10, 20))), alloc, List.of(CPU, MEMORY)));
        c.add(new FitCase("too many resources fails due to init container cpu",
            newResourceInitPod(newResourcePod(r(1, 1)), r(3, 1)), nodeInfo(newResourcePod(r(8, 19))), alloc, List.of(CPU)));
        c.add(new FitCase("too many resources fails due to highest init container cpu",
            newResourceInitPod(newResourcePod(r(1, 1)), r(3, 1), r(2, 1)), nodeInfo(newResourcePod(r(8, 19))), alloc,
            List.of(CPU)));
        c.add(new FitCase("too many resources fails due to init container memory",
            newResourceInitPod(newResourcePod(r(1, 1)), r(1, 3)), nodeInfo(newResourcePod(r(9, 19))), alloc, List.of(MEMORY)));
        c.add(new FitCase("too many resources fails due to highest init container memory",
            newResourceInitPod(newResourcePod(r(1, 1)), r(1, 3), r(1, 2)), nodeInfo(newResourcePod(r(9, 19))), alloc,
            List.of(MEMORY)));
        c.add(new FitCase("init container fits because it's the max, not sum, of containers and init containers",
            newResourceInitPod(newResourcePod(r(1, 1)), r(1, 1)), nodeInfo(newResourcePod(r(9, 19))), alloc, List.of()));
        c.add(new FitCase("multiple init containers fit because it's the max, not sum, of containers and init containers",
            newResourceInitPod(newResourcePod(r(1, 1)), r(1, 1), r(1, 1)), nodeInfo(newResourcePod(r(9, 19))), alloc,
            List.of()));
        c.add(new FitCase("both resources fit",
            newResourcePod(r(1, 1)), nodeInfo(newResourcePod(r(5, 5))), alloc, List.of()));
        c.add(new FitCase("one resource memory fits",
            newResourcePod(r(2, 1)), nodeInfo(newResourcePod(r(9, 5))), alloc, List.of(CPU)));
        c.add(new FitCase("one resource cpu fits",
            newResourcePod(r(1, 2)), nodeInfo(newResourcePod(r(5, 19))), alloc, List.of(MEMORY)));
        c.add(new FitCase("equal edge case",
            newResourcePod(r(5, 1)), nodeInfo(newResourcePod(r(5, 19))), alloc, List.of()));
        c.add(new FitCase("equal edge case for init container",
            newResourceInitPod(newResourcePod(r(4, 1)), r(5, 1)), nodeInfo(newResourcePod(r(5, 19))), alloc, List.of()));
        c.add(new FitCase("extended resource fits",
            newResourcePod(r(0, 0, EXTENDED_A, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc, List.of()));
        c.add(new FitCase("extended resource fits for init container",
            newResourceInitPod(newResourcePod(r(0, 0)), r(0, 0, EXTENDED_A, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc,
            List.of()));
        c.add(new FitCase("extended resource capacity enforced",
            newResourcePod(r(1, 1, EXTENDED_A, 10)), nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 0))), alloc,
            List.of(insufficient(EXTENDED_A))));
        c.add(new FitCase("extended resource capacity enforced for init container",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, EXTENDED_A, 10)),
            nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 0))), alloc, List.of(insufficient(EXTENDED_A))));
        c.add(new FitCase("extended resource allocatable enforced",
            newResourcePod(r(1, 1, EXTENDED_A, 1)), nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 5))), alloc,
            List.of(insufficient(EXTENDED_A))));
        c.add(new FitCase("extended resource allocatable enforced for init container",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, EXTENDED_A, 1)),
            nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 5))), alloc, List.of(insufficient(EXTENDED_A))));
        c.add(new FitCase("extended resource allocatable enforced for multiple containers",
            newResourcePod(r(1, 1, EXTENDED_A, 3), r(1, 1, EXTENDED_A, 3)), nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 2))),
            alloc, List.of(insufficient(EXTENDED_A))));
        c.add(new FitCase("extended resource allocatable admits multiple init containers",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, EXTENDED_A, 3), r(1, 1, EXTENDED_A, 3)),
            nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 2))), alloc, List.of()));
        c.add(new FitCase("extended resource allocatable enforced for multiple init containers",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, EXTENDED_A, 6), r(1, 1, EXTENDED_A, 3)),
            nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 2))), alloc, List.of(insufficient(EXTENDED_A))));
        c.add(new FitCase("extended resource allocatable enforced for unknown resource",
            newResourcePod(r(1, 1, EXTENDED_B, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc,
            List.of(insufficient(EXTENDED_B))));
        c.add(new FitCase("extended resource allocatable enforced for unknown resource for init container",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, EXTENDED_B, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc,
            List.of(insufficient(EXTENDED_B))));
        c.add(new FitCase("kubernetes.io resource capacity enforced",
            newResourcePod(r(1, 1, KUBERNETES_IO_A, 10)), nodeInfo(newResourcePod(r(0, 0))), alloc,
            List.of(insufficient(KUBERNETES_IO_A))));
        c.add(new FitCase("kubernetes.io resource capacity enforced for init container",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, KUBERNETES_IO_B, 10)), nodeInfo(newResourcePod(r(0, 0))),
            alloc, List.of(insufficient(KUBERNETES_IO_B))));
        c.add(new FitCase("hugepages resource capacity enforced",
            newResourcePod(r(1, 1, HUGE_PAGE_A, 10)), nodeInfo(newResourcePod(r(0, 0, HUGE_PAGE_A, 0))), alloc,
            List.of(insufficient(HUGE_PAGE_A))));
        c.add(new FitCase("hugepages resource capacity enforced for init container",
            newResourceInitPod(newResourcePod(r(0, 0)), r(1, 1, HUGE_PAGE_A, 10)),
            nodeInfo(newResourcePod(r(0, 0, HUGE_PAGE_A, 0))), alloc, List.of(insufficient(HUGE_PAGE_A))));
        c.add(new FitCase("hugepages resource allocatable enforced for multiple containers",
            newResourcePod(r(1, 1, HUGE_PAGE_A, 3), r(1, 1, HUGE_PAGE_A, 3)), nodeInfo(newResourcePod(r(0, 0, HUGE_PAGE_A, 2))),
            alloc, List.of(insufficient(HUGE_PAGE_A))));
        // "skip checking ignored extended resource": needs NodeResourcesFitArgs.ignoredResources, not ported
        c.add(new FitCase("resources + pod overhead fits",
            newResourceOverheadPod(newResourcePod(r(1, 1)), rl("cpu", "3m", "memory", "13")),
            nodeInfo(newResourcePod(r(5, 5))), alloc, List.of()));
        c.add(new FitCase("requests + overhead does not fit for memory",
            newResourceOverheadPod(newResourcePod(r(1, 1)), rl("cpu", "1m", "memory", "15")),
            nodeInfo(newResourcePod(r(5, 5))), alloc, List.of(MEMORY)));
        // "skip checking ignored extended resource via resource groups": needs ignoredResourceGroups, not ported
        c.add(new FitCase("skip checking extended resource request with quantity zero via resource groups",
            newResourcePod(r(1, 1, EXTENDED_A, 0)), nodeInfo(newResourcePod(r(0, 0, EXTENDED_A, 6))), alloc, List.of()));
        c.add(new FitCase("skip checking resource request with quantity zero",
            newResourcePod(r(0, 0, EXTENDED_A, 1)), nodeInfo(newResourcePod(r(20, 30, EXTENDED_A, 1))), alloc, List.of()));
        // the seven pod-level resources cases (spec.resources): not modelled, not ported
        // v1.35 adds DRAExtendedResource cases; those whose outcome does not depend on DRA are ported:
        c.add(new FitCase("extended resource backed by device plugin",
            newResourcePod(r(0, 0, EXTENDED_A, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc, List.of()));
        c.add(new FitCase("extended resource backed by DRA not enabled",
            newResourcePod(r(1, 1, EXTENDED_DRA, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc,
            List.of(insufficient(EXTENDED_DRA))));
        c.add(new FitCase("extended resource NOT backed by DRA",
            newResourcePod(r(1, 1, EXTENDED_B, 1)), nodeInfo(newResourcePod(r(0, 0))), alloc,
            List.of(insufficient(EXTENDED_B))));
        // not ported (DRA delegation): "extended resource backed by DRA", "extended resource backed by DRA, nil
        // draManager", "extended resource was backed by Device Plugin (Allocatable: 0)" and its "global cache" twin
        return c;
    }

    // ---------------------------------------------------------------- TestNotEnoughRequests

    /** TestNotEnoughRequests: node allocatable {@code makeAllocatableResources(10, 20, 1, 0, 0, 0)}. */
    static List<FitCase> notEnoughRequests()
    {
        final ResourceList alloc = makeAllocatableResources(10, 20, 1, 0, 0, 0);
        final List<String> tooMany = List.of("Too many pods");
        return List.of(
            new FitCase("even without specified resources, predicate fails when there's no space for additional pod",
                pod(), nodeInfo(newResourcePod(r(10, 20))), alloc, tooMany),
            new FitCase("even if both resources fit, predicate fails when there's no space for additional pod",
                newResourcePod(r(1, 1)), nodeInfo(newResourcePod(r(5, 5))), alloc, tooMany),
            new FitCase("even for equal edge case, predicate fails when there's no space for additional pod",
                newResourcePod(r(5, 1)), nodeInfo(newResourcePod(r(5, 19))), alloc, tooMany),
            new FitCase("even for equal edge case, predicate fails when there's no space for additional pod due to init container",
                newResourceInitPod(newResourcePod(r(5, 1)), r(5, 1)), nodeInfo(newResourcePod(r(5, 19))), alloc, tooMany));
    }

    // ---------------------------------------------------------------- TestStorageRequests

    /** TestStorageRequests: node allocatable {@code makeAllocatableResources(10, 20, 32, 5, 20, 5)}. */
    static List<FitCase> storageRequests()
    {
        final ResourceList alloc = makeAllocatableResources(10, 20, 32, 5, 20, 5);
        return List.of(
            new FitCase("empty storage requested, and pod fits",
                newResourcePod(r(1, 1)), nodeInfo(newResourcePod(r(2, 10))), alloc, List.of()),
            new FitCase("storage ephemeral local storage request exceeds allocatable",
                newResourcePod(resource(0, 0, 25)), nodeInfo(newResourcePod(r(2, 2))), alloc,
                List.of(insufficient("ephemeral-storage"))),
            new FitCase("ephemeral local storage is sufficient",
                newResourceInitPod(newResourcePod(resource(0, 0, 5))), nodeInfo(newResourcePod(resource(2, 2, 10))), alloc,
                List.of()),
            new FitCase("pod fits",
                newResourcePod(resource(0, 0, 10)), nodeInfo(newResourcePod(r(2, 2))), alloc, List.of()));
    }

    // ---------------------------------------------------------------- TestRestartableInitContainers

    /** {@code newPodWithRestartableInitContainers(request, sidecarRequest)}; null means no requests. */
    private static PodObject newPodWithRestartableInitContainers(final ResourceList request, final ResourceList sidecarRequest)
    {
        return pod(List.of(new Container("regular", "img", request)),
            List.of(sidecar(sidecarRequest == null ? ResourceList.EMPTY : sidecarRequest)), ResourceList.EMPTY);
    }

    /** TestRestartableInitContainers: node allocatable {@code makeAllocatableResources(2, 0, 1, 0, 0, 0)}, no pods. */
    static List<FitCase> restartableInitContainers()
    {
        final ResourceList alloc = makeAllocatableResources(2, 0, 1, 0, 0, 0);
        final PodObject newPod = pod(new Container("regular", "img", ResourceList.EMPTY));
        return List.of(
            // the feature gate is moot for a pod without sidecars: kube allows it either way
            new FitCase("allow pod without restartable init containers if sidecar containers is disabled",
                newPod, List.of(), alloc, List.of()),
            // "not allow pod with restartable init containers if sidecar containers is disabled": not ported
            new FitCase("allow pod without restartable init containers if sidecar containers is enabled",
                newPod, List.of(), alloc, List.of()),
            new FitCase("allow pod with restartable init containers if sidecar containers is enabled",
                newPodWithRestartableInitContainers(null, null), List.of(), alloc, List.of()),
            new FitCase("allow pod if the total requested resources do not exceed the node's allocatable resources",
                newPodWithRestartableInitContainers(rl("cpu", "1m"), rl("cpu", "1m")), List.of(), alloc, List.of()),
            new FitCase("not allow pod if the total requested resources do exceed the node's allocatable resources",
                newPodWithRestartableInitContainers(rl("cpu", "1m"), rl("cpu", "2m")), List.of(), alloc, List.of(CPU)));
    }

    // ---------------------------------------------------------------- runs

    @ParameterizedTest(name = "TestEnoughRequests/{0}")
    @MethodSource("enoughRequests")
    void testEnoughRequests(final FitCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestNotEnoughRequests/{0}")
    @MethodSource("notEnoughRequests")
    void testNotEnoughRequests(final FitCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestStorageRequests/{0}")
    @MethodSource("storageRequests")
    void testStorageRequests(final FitCase c)
    {
        check(c);
    }

    @ParameterizedTest(name = "TestRestartableInitContainers/{0}")
    @MethodSource("restartableInitContainers")
    void testRestartableInitContainers(final FitCase c)
    {
        check(c);
    }

    /**
     * Not a kube case: every reason at once, in fitsRequest's order (pods, cpu, memory, ephemeral-storage, then
     * scalar resources). kube ranges over a Go map for the scalar ones, so their relative order is unspecified there;
     * Berth reports them in resource interning order, which this test does not pin.
     */
    @Test
    void reasonsComeInFitsRequestOrder()
    {
        final ResourceList alloc = makeAllocatableResources(10, 20, 1, 5, 20, 5);
        final PodObject pod = newResourcePod(resource(11, 21, 21, EXTENDED_A, 6, HUGE_PAGE_A, 6));
        for (final boolean vector : bothPasses())
        {
            final SchedulingEngine engine = engine(fitFilterOnly(), vector, List.of(node(NODE, alloc)),
                nodeInfo(newResourcePod(r(0, 0))));
            final Explanation.NodeResult n = engine.explain(pod).nodes().get(0);
            assertThat(n.feasible()).isFalse();
            assertThat(n.reasons()).hasSize(6);
            assertThat(n.reasons().subList(0, 4)).as("vector=%s", vector)
                .containsExactly("Too many pods", CPU, MEMORY, insufficient("ephemeral-storage"));
            assertThat(n.reasons().subList(4, 6)).as("vector=%s", vector)
                .containsExactlyInAnyOrder(insufficient(EXTENDED_A), insufficient(HUGE_PAGE_A));
        }
    }

    private static void check(final FitCase c)
    {
        for (final boolean vector : bothPasses())
        {
            final SchedulingEngine engine = engine(fitFilterOnly(), vector, List.of(node(NODE, c.allocatable())), c.existing());
            final Explanation e = engine.explain(c.pod());
            assertThat(e.nodes()).hasSize(1);
            final Explanation.NodeResult n = e.nodes().get(0);
            assertThat(n.reasons()).as("%s, vector=%s", c.name(), vector).containsExactlyElementsOf(c.reasons());
            assertThat(n.feasible()).as("%s feasible, vector=%s", c.name(), vector).isEqualTo(c.reasons().isEmpty());
            if (!n.feasible())
            {
                assertThat(n.failedPlugin()).isEqualTo(NodeResourcesFit.NAME);
            }
            // the engine's own verdict agrees: schedule onto the node or report kube's FitError counts
            final int slot = engine.selectHost(c.pod());
            assertThat(slot >= 0).as("%s selectHost, vector=%s", c.name(), vector).isEqualTo(c.reasons().isEmpty());
            if (slot < 0)
            {
                assertThat(engine.unschedulableReasons()).containsOnlyKeys(c.reasons());
            }
        }
    }
}
