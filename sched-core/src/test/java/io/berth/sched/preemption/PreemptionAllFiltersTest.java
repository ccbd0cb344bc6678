package io.berth.sched.preemption;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.plugins.interpodaffinity.InterPodAffinity;
import io.berth.sched.plugins.podtopologyspread.PodTopologySpread;
import io.berth.sched.table.NodeTable;

/**
 * Preemption where the node fails on something other than resources: the dry run re-runs every filter with the
 * victims removed, as kube's SelectVictimsOnNode does (host ports, pod anti-affinity both ways, topology spread),
 * and a preemptor's required affinity to a pod that would be evicted makes that node no candidate.
 */
class PreemptionAllFiltersTest
{
    private static final long MI = 1024L * 1024;
    private static final String HOST = "kubernetes.io/hostname";
    private static final String ZONE = "topology.kubernetes.io/zone";

    private static SchedulingEngine engine(final String[] nodes, final String[] zones)
    {
        final Profile profile = Profile.builder()
            .enableFilter(PodTopologySpread.NAME).enableFilter(InterPodAffinity.NAME)
            .scoreWeight(PodTopologySpread.NAME, 2).scoreWeight(InterPodAffinity.NAME, 2).build();
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(8), PluginRegistry.build(profile), 1);
        for (int i = 0; i < nodes.length; i++)
        {
            engine.upsertNode(NodeObject.builder(nodes[i]).labels(Map.of(HOST, nodes[i], ZONE, zones[i]))
                .allocatable(ResourceList.ofMilli("cpu", 4000L, "memory", 64 * 1024 * MI * 1000, "pods", 110_000L))
                .build());
        }
        return engine;
    }

    private static PodObject.Builder pod(final String name, final int priority, final long milliCpu, final String app)
    {
        return PodObject.builder("default", name).priority(priority).labels(Map.of("app", app))
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", MI * 1000))));
    }

    private static PodAffinity required(final String app, final String key)
    {
        return new PodAffinity(List.of(new PodAffinityTerm(new LabelSelector(Map.of("app", app), List.of()), List.of(), key,
            null, List.of(), List.of())), List.of());
    }

    private static DefaultPreemption.Result preempt(final SchedulingEngine engine, final PodObject pod)
    {
        assertThat(engine.schedule(pod)).isEqualTo(-1);
        final DefaultPreemption.Result r = new DefaultPreemption().preempt(pod, engine, List.of());
        if (r.preempted())
        {
            final int slot = engine.schedule(pod);
            assertThat(slot).isGreaterThanOrEqualTo(0);
            assertThat(engine.table().name(slot)).isEqualTo(r.nominatedNodeName());
        }
        return r;
    }

    private static List<String> keys(final DefaultPreemption.Result r)
    {
        final List<String> keys = new ArrayList<>();
        r.victims().forEach(v -> keys.add(v.podKey()));
        return keys;
    }

    @Test
    void hostPortConflictIsResolvedByEvictingTheHolder()
    {
        final SchedulingEngine engine = engine(new String[] {"n0"}, new String[] {"a"});
        final Container withPort = new Container("c", "img", ResourceList.ofMilli("cpu", 100L), 
            List.of(new ContainerPort(80, 8080, "TCP", "")), false);
        engine.addBoundPod(pod("low", 1, 100, "x").containers(List.of(withPort)).nodeName("n0").build());
        engine.addBoundPod(pod("other", 1, 100, "y").nodeName("n0").build());
        final DefaultPreemption.Result r = preempt(engine, pod("high", 100, 100, "x").containers(List.of(withPort)).build());
        assertThat(r.nominatedNodeName()).isEqualTo("n0");
        assertThat(keys(r)).containsExactly("default/low");
    }

    @Test
    void preemptorsAntiAffinityEvictsTheMatchingPodOnly()
    {
        final SchedulingEngine engine = engine(new String[] {"n0"}, new String[] {"a"});
        engine.addBoundPod(pod("db", 1, 100, "db").nodeName("n0").build());
        engine.addBoundPod(pod("web", 1, 100, "web").nodeName("n0").build());
        final DefaultPreemption.Result r = preempt(engine,
            pod("high", 100, 100, "cache").podAntiAffinity(required("db", HOST)).build());
        assertThat(keys(r)).containsExactly("default/db");
    }

    @Test
    void existingPodsAntiAffinityIsResolvedByEvictingIt()
    {
        final SchedulingEngine engine = engine(new String[] {"n0"}, new String[] {"a"});
        engine.addBoundPod(pod("loner", 1, 100, "loner").podAntiAffinity(required("web", HOST)).nodeName("n0").build());
        engine.addBoundPod(pod("bystander", 1, 100, "x").nodeName("n0").build());
        final DefaultPreemption.Result r = preempt(engine, pod("web", 100, 100, "web").build());
        assertThat(keys(r)).containsExactly("default/loner");
    }

    @Test
    void higherPriorityBlockerIsNotPreempted()
    {
        final SchedulingEngine engine = engine(new String[] {"n0"}, new String[] {"a"});
        engine.addBoundPod(pod("db", 500, 100, "db").nodeName("n0").build());
        final DefaultPreemption.Result r = preempt(engine,
            pod("high", 100, 100, "cache").podAntiAffinity(required("db", HOST)).build());
        assertThat(r.preempted()).isFalse();
    }

    @Test
    void requiredAffinityToAVictimMakesTheNodeNoCandidate()
    {
        // zone a: n0 holds the only db pod (full), n1 is full of others; the preemptor needs db in its zone
        final SchedulingEngine engine = engine(new String[] {"n0", "n1"}, new String[] {"a", "a"});
        engine.addBoundPod(pod("db", 1, 4000, "db").nodeName("n0").build());
        engine.addBoundPod(pod("filler", 1, 4000, "x").nodeName("n1").build());
        final DefaultPreemption.Result r = preempt(engine, pod("high", 100, 1000, "app").podAffinity(required("db", ZONE)).build());
        assertThat(r.nominatedNodeName()).isEqualTo("n1");
        assertThat(keys(r)).containsExactly("default/filler");
    }

    @Test
    void topologySpreadSkewIsResolvedByEvictingMatchingPods()
    {
        // zone a holds two matching low pods, zone b's only node is full of high-priority pods
        final SchedulingEngine engine = engine(new String[] {"n0", "n1"}, new String[] {"a", "b"});
        engine.addBoundPod(pod("m1", 1, 100, "web").nodeName("n0").build());
        engine.addBoundPod(pod("m2", 1, 100, "web").nodeName("n0").build());
        engine.addBoundPod(pod("keep", 1, 100, "x").nodeName("n0").build());
        engine.addBoundPod(pod("big", 1000, 4000, "y").nodeName("n1").build());
        final TopologySpreadConstraint spread = new TopologySpreadConstraint(1, ZONE, "DoNotSchedule",
            new LabelSelector(Map.of("app", "web"), List.of()), null, "", "", List.of());
        final DefaultPreemption.Result r = preempt(engine,
            pod("high", 100, 100, "web").topologySpreadConstraints(List.of(spread)).build());
        assertThat(r.nominatedNodeName()).isEqualTo("n0");
        assertThat(keys(r)).containsExactlyInAnyOrder("default/m1", "default/m2");
    }

    @Test
    void missingTopologyLabelIsUnresolvable()
    {
        final SchedulingEngine engine = engine(new String[] {"n0"}, new String[] {"a"});
        engine.addBoundPod(pod("low", 1, 4000, "x").nodeName("n0").build());
        final TopologySpreadConstraint spread = new TopologySpreadConstraint(1, "example.com/rack", "DoNotSchedule",
            new LabelSelector(Map.of("app", "web"), List.of()), null, "", "", List.of());
        final DefaultPreemption.Result r = preempt(engine,
            pod("high", 100, 100, "web").topologySpreadConstraints(List.of(spread)).build());
        assertThat(r.preempted()).isFalse();
        assertThat(r.message()).contains(DefaultPreemption.NOT_HELPFUL);
    }
}
