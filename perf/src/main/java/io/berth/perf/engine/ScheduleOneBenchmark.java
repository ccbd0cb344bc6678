package io.berth.perf.engine;

import java.util.List;
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
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * One full scheduling cycle of the default profile for one pending pod against a generated cluster of
 * {@code nodes} nodes holding 30 bound pods each on average (150,000 at 5,000 nodes): compile the pod, run every
 * filter pass over every node, every score pass, normalize, weigh, select, and assume the pod on the chosen node.
 * <p>
 * Assume then forget: right after {@link SchedulingEngine#schedule} assumes the pod, the benchmark removes it
 * again ({@link SchedulingEngine#removePod}, kube's ForgetPod), so the cluster stays in a steady state however
 * many operations run and every operation sees the same cluster. The forget is part of the measured operation
 * (it updates one node's columns and the pod table). Pending pods of varied shapes are taken
 * cyclically from a pool of 4,096 generated ones. Nothing is cached across pods: the engine's per-class result
 * cache is off unless {@code -p cache=on}.
 * <p>
 * ops/s is pods scheduled per second on one thread. The cost is linear in the number of nodes. Use
 * {@code -bm avgt -tu us} for the time per pod, {@code -prof gc} for the bytes allocated per pod.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms4g", "-Xmx4g", "-XX:+UseParallelGC"})
public class ScheduleOneBenchmark
{
    /** Bound pods per node: the target is 150,000 existing pods at 5,000 nodes. */
    static final int EXISTING_PER_NODE = 30;
    /** Pending pods in the cyclic pool; a power of two. */
    static final int POOL = 4096;

    @Param({"1000", "5000", "50000"})
    public int nodes;

    @Param({"vector", "scalar"})
    public String mode;

    /**
     * The engine's per-class result cache: {@code off} (default) recomputes every node for every pod; {@code on}
     * lets a pod of a class seen before reuse the results of the nodes that did not change since.
     */
    @Param({"off"})
    public String cache;

    @Param({"1"})
    public long seed;

    /** kube's percentageOfNodesToScore: 100 filters and scores every node; 0 is kube's adaptive default (10% at 5,000). */
    @Param({"100"})
    public int percentageOfNodesToScore;

    private SchedulingEngine engine;
    private PodObject[] pending;
    private int next;

    @Setup(Level.Trial)
    public void setUp()
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse(
            "nodes=" + nodes + ",pods=" + POOL + ",existing=" + (long)nodes * EXISTING_PER_NODE + ",seed=" + seed));
        engine = newEngine(cluster, seed, "vector".equals(mode)).cache("on".equals(cache))
            .percentageOfNodesToScore(percentageOfNodesToScore);
        pending = cluster.pendingPods().toArray(new PodObject[0]);
        if (pending.length != POOL)
        {
            throw new IllegalStateException("expected " + POOL + " pending pods, got " + pending.length);
        }
        next = 0;
        // one pass over the pool: fail early if no pod fits, and leave the cluster as it was
        int placed = 0;
        for (final PodObject pod : pending)
        {
            if (scheduleOne(pod) >= 0)
            {
                placed++;
            }
        }
        if (placed == 0)
        {
            throw new IllegalStateException("no pending pod fits the generated cluster");
        }
    }

    /**
     * Builds the default-profile engine over a fresh node table holding the cluster's nodes and bound pods, with
     * kube's adaptive percentageOfNodesToScore.
     */
    static SchedulingEngine newEngine(final GeneratedCluster cluster, final long seed, final boolean vector)
    {
        final List<NodeObject> nodeList = cluster.nodes();
        final NodeTable table = new NodeTable(nodeList.size());
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), seed)
            .vector(vector);
        for (int i = 0, n = nodeList.size(); i < n; i++)
        {
            engine.upsertNode(nodeList.get(i));
        }
        final List<PodObject> bound = cluster.boundPods();
        for (int i = 0, n = bound.size(); i < n; i++)
        {
            engine.addBoundPod(bound.get(i));
        }
        return engine;
    }

    /** Schedules the next pending pod of the pool, then forgets it. Returns the chosen slot or -1. */
    @Benchmark
    public int scheduleOne()
    {
        final PodObject pod = pending[next];
        next = (next + 1) & (POOL - 1);
        return scheduleOne(pod);
    }

    private int scheduleOne(final PodObject pod)
    {
        final int slot = engine.schedule(pod);
        if (slot >= 0)
        {
            engine.removePod(pod.key());
        }
        return slot;
    }
}
