package io.berth.perf.podtopod;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.plugins.interpodaffinity.InterPodAffinity;
import io.berth.sched.plugins.podtopologyspread.PodTopologySpread;
import io.berth.sched.table.NodeTable;

/**
 * Issue 3's pod-to-pod workloads, shaped like kube's scheduler_perf ones, on 5,000 nodes in 50 zones, with the full
 * default profile (PodTopologySpread and InterPodAffinity enabled), all nodes filtered and scored. Each operation
 * schedules one pod of the workload and forgets it again (assume then forget), after {@code existing} pods of the
 * same workload were placed at setup. With the cache on, the node-local plugins come from the per-class cache and
 * the pod-to-pod plugins are recomputed on every node.
 * <ul>
 * <li>{@code antiAffinity}: required pod anti-affinity on hostname against pods of the same app (kube threshold 60 pods/s);</li>
 * <li>{@code preferredAffinity}: preferred pod affinity on zone and anti-affinity on hostname (kube: 90 pods/s);</li>
 * <li>{@code spread}: DoNotSchedule spread over zones (maxSkew 1) and ScheduleAnyway over hostnames.</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"})
public class PodToPodBenchmark
{
    static final int ZONES = 50;

    @Param({"antiAffinity", "preferredAffinity", "spread"})
    public String workload;

    @Param({"5000"})
    public int nodes;

    @Param({"1000"})
    public int existing;

    /** The engine's per-class cache: on (node-local plugins cached, pod-to-pod plugins recomputed) or off. */
    @Param({"on", "off"})
    public String cache;

    /** kube's percentageOfNodesToScore: 100 filters and scores every node; 0 is kube's adaptive default (10% at 5,000). */
    @Param({"100"})
    public int percentageOfNodesToScore;

    private SchedulingEngine engine;
    private PodObject[] pods;
    private int next;

    @Setup(Level.Trial)
    public void setUp()
    {
        final Profile profile = Profile.builder()
            .enableFilter(PodTopologySpread.NAME).enableFilter(InterPodAffinity.NAME)
            .scoreWeight(PodTopologySpread.NAME, 2).scoreWeight(InterPodAffinity.NAME, 2).build();
        engine = new SchedulingEngine(new NodeTable(nodes), PluginRegistry.build(profile), 1).cache("on".equals(cache))
            .percentageOfNodesToScore(percentageOfNodesToScore);
        for (int i = 0; i < nodes; i++)
        {
            final String name = "node-" + i;
            engine.upsertNode(NodeObject.builder(name)
                .labels(Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", "zone-" + (i % ZONES)))
                .allocatable(ResourceList.ofMilli("cpu", 32_000L, "memory", 128L * 1024 * 1024 * 1024 * 1000, "pods", 110_000L))
                .build());
        }
        final List<PodObject> pool = new ArrayList<>();
        for (int i = 0; i < existing + 1024; i++)
        {
            pool.add(pod(i));
        }
        for (int i = 0; i < existing; i++)
        {
            engine.schedule(pool.get(i));
        }
        pods = pool.subList(existing, pool.size()).toArray(new PodObject[0]);
    }

    private PodObject pod(final int i)
    {
        final Map<String, String> labels = Map.of("app", "bench");
        final LabelSelector sameApp = new LabelSelector(labels, List.of());
        final PodObject.Builder b = PodObject.builder("default", "p-" + i).labels(labels).creationTimestampMs(i)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", 100L, "memory", 128L * 1024 * 1024 * 1000))));
        switch (workload)
        {
            case "antiAffinity" -> b.podAntiAffinity(new PodAffinity(
                List.of(new PodAffinityTerm(sameApp, List.of(), "kubernetes.io/hostname", null, List.of(), List.of())), List.of()));
            case "preferredAffinity" ->
            {
                b.podAffinity(new PodAffinity(List.of(), List.of(new WeightedPodAffinityTerm(10,
                    new PodAffinityTerm(sameApp, List.of(), "topology.kubernetes.io/zone", null, List.of(), List.of())))));
                b.podAntiAffinity(new PodAffinity(List.of(), List.of(new WeightedPodAffinityTerm(5,
                    new PodAffinityTerm(sameApp, List.of(), "kubernetes.io/hostname", null, List.of(), List.of())))));
            }
            case "spread" -> b.topologySpreadConstraints(List.of(
                new TopologySpreadConstraint(1, "topology.kubernetes.io/zone", "DoNotSchedule", sameApp, null, "", "", List.of()),
                new TopologySpreadConstraint(1, "kubernetes.io/hostname", "ScheduleAnyway", sameApp, null, "", "", List.of())));
            default -> throw new IllegalArgumentException(workload);
        }
        return b.build();
    }

    /** Schedules the next pod of the workload, then forgets it. */
    @Benchmark
    public int scheduleOne()
    {
        final PodObject pod = pods[next];
        next = (next + 1) & 1023;
        final int slot = engine.schedule(pod);
        if (slot >= 0)
        {
            engine.removePod(pod.key());
        }
        return slot;
    }
}
