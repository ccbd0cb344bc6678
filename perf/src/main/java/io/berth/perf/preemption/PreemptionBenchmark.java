package io.berth.perf.preemption;

import java.util.ArrayList;
import java.util.HashMap;
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
import org.openjdk.jmh.annotations.TearDown;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.preemption.DefaultPreemption;
import io.berth.sched.table.NodeTable;

/**
 * Issue 3's preemption workload: a full cluster of 5,000 nodes (32 cpu each, {@code podsPerNode} bound pods of one
 * cpu at priorities 0–99 from 50 zones' worth of apps, so a couple of cpu free per node) and a stream of
 * high-priority pods asking for more than any node has free. One operation is the whole preempting cycle of one
 * pod: the filter and score cycle that finds no node, DefaultPreemption (kube's candidate search over the potential
 * nodes, victim selection, node choice, eviction) and the cycle that binds the pod to its nominated node. The
 * cluster is put back after each operation (outside the measurement). Sample mode gives the latency distribution:
 * read p0.99 against the target of 5 ms. Full default profile (PodTopologySpread and InterPodAffinity on).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"})
public class PreemptionBenchmark
{
    private static final long MI = 1024L * 1024;

    @Param({"5000"})
    public int nodes;

    @Param({"30"})
    public int podsPerNode;

    private SchedulingEngine engine;
    private DefaultPreemption preemption;
    private final Map<String, PodObject> bound = new HashMap<>();
    private PodObject[] preemptors;
    private int next;
    private PodObject current;
    private DefaultPreemption.Result result;

    @Setup(Level.Trial)
    public void setUp()
    {
        engine = new SchedulingEngine(new NodeTable(nodes), PluginRegistry.build(Profile.defaultProfile()), 1);
        preemption = new DefaultPreemption(1);
        for (int i = 0; i < nodes; i++)
        {
            final String name = "node-" + i;
            engine.upsertNode(NodeObject.builder(name)
                .labels(Map.of("kubernetes.io/hostname", name, "topology.kubernetes.io/zone", "zone-" + (i % 50)))
                .allocatable(ResourceList.ofMilli("cpu", 32_000L, "memory", 128 * 1024 * MI * 1000, "pods", 110_000L))
                .build());
        }
        int p = 0;
        for (int i = 0; i < nodes; i++)
        {
            for (int k = 0; k < podsPerNode; k++, p++)
            {
                final PodObject pod = PodObject.builder("default", "low-" + p)
                    .labels(Map.of("app", "app-" + (p % 500)))
                    .priority(p % 100).startTimeMs(p)
                    .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", 1000L, "memory", 2 * 1024 * MI * 1000))))
                    .nodeName("node-" + i).build();
                engine.addBoundPod(pod);
                bound.put(pod.key(), pod);
            }
        }
        final List<PodObject> list = new ArrayList<>();
        for (int i = 0; i < 256; i++)
        {
            list.add(PodObject.builder("default", "urgent-" + i).labels(Map.of("app", "urgent"))
                .priority(1000)
                .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", 4000L, "memory", 4 * 1024 * MI * 1000))))
                .build());
        }
        preemptors = list.toArray(new PodObject[0]);
    }

    /** One preempting pod: fails, preempts, binds to its nominated node. Returns the node slot. */
    @Benchmark
    public int preemptOne()
    {
        final PodObject pod = preemptors[next++ & (preemptors.length - 1)];
        if (engine.schedule(pod) >= 0)
        {
            throw new IllegalStateException("the cluster is not full: " + pod.key() + " fits");
        }
        result = preemption.preempt(pod, engine, List.of());
        if (!result.preempted())
        {
            throw new IllegalStateException("no preemption for " + pod.key() + ": " + result.message());
        }
        current = pod.toBuilder().nominatedNodeName(result.nominatedNodeName()).build();
        final int slot = engine.schedule(current);
        if (slot < 0)
        {
            throw new IllegalStateException(pod.key() + " does not fit its nominated node " + result.nominatedNodeName());
        }
        return slot;
    }

    /** Puts the victims back and takes the preemptor off, so every operation meets the same full cluster. */
    @TearDown(Level.Invocation)
    public void restore()
    {
        if (current != null)
        {
            engine.removePod(current.key());
            for (final DefaultPreemption.Victim v : result.victims())
            {
                engine.addBoundPod(bound.get(v.podKey()));
            }
            current = null;
        }
    }
}
