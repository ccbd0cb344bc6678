package io.berth.sched.framework;

import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.NodeTable;

/**
 * Drives the Vector API passes through the JIT on a private small engine, so that an engine in its scalar warm-up
 * ({@link SchedulingEngine#scalarWarmupUntil}) can switch to passes C2 has already compiled instead of paying for
 * them interpreted (a vector allocated per operation) on the full table. Run it on a side thread: it schedules
 * the sample pods over the sample nodes (at most {@value #MAX_NODES}) with the same plugins, forgetting them all
 * when the nodes are full, for {@code cycles} scheduling cycles, then reports {@link #isDone()}. It touches nothing
 * but its own engine; the compiled code it leaves behind is shared by every engine of the JVM.
 * <p>
 * Its engine samples: a cycle looks for a quarter of the nodes ({@link #SAMPLE_NODES}) instead of kube's number,
 * which takes every node under 100. So the JIT's profile of the sampled cycle ({@code selectSampled}) sees, before
 * the full table's cycles are compiled, what a busy cluster brings later: a full circle, no feasible node, a single
 * one, a wrap of the start slot. Without it C2 compiled the large sampled cycle (and the cycle around it, and the
 * pod-to-pod PreFilter) for the branches the first seconds took, and again, up to five times, at each branch a busy
 * cluster took later: 8.6 s of C2 time instead of 7.4 s on the 150,000-pod replay, which ran 15-20 % longer
 * (docs/PERFORMANCE.md, issue 5). A pod that does not fit is tried once more, as the queue retries it, so the
 * profile also has the same pod meeting its class's cached results (a branch of {@code PodClass.same} that threw
 * away four compiled methods, the cycle among them, once a busy cluster's pods started failing).
 */
public final class VectorWarmup implements Runnable, BooleanSupplier
{
    /** Nodes of the private engine: few, so that each interpreted pass is short. */
    public static final int MAX_NODES = 64;
    /** Feasible nodes each of its cycles looks for. */
    static final int SAMPLE_NODES = MAX_NODES / 4;

    private final Supplier<Plugins> plugins;
    private final List<NodeObject> nodes;
    private final List<PodObject> pods;
    private final int cycles;
    private volatile boolean done;
    private volatile int cyclesRun;
    private volatile long nodesExamined;
    private volatile RuntimeException failure;

    /**
     * @param plugins makes the plugins of the engine to warm (a fresh set each time: they hold per-pod state).
     * @param nodes sample nodes (the first {@value #MAX_NODES} are used).
     * @param pods sample pods, cycled through.
     * @param cycles scheduling cycles to run.
     */
    public VectorWarmup(final Supplier<Plugins> plugins, final List<NodeObject> nodes, final List<PodObject> pods, final int cycles)
    {
        if (cycles < 0)
        {
            throw new IllegalArgumentException("vector warm-up cycles must be >= 0: " + cycles);
        }
        this.plugins = plugins;
        this.nodes = nodes.subList(0, Math.min(MAX_NODES, nodes.size()));
        this.pods = pods;
        this.cycles = cycles;
    }

    @Override
    public void run()
    {
        try
        {
            if (nodes.isEmpty() || pods.isEmpty())
            {
                return;
            }
            SchedulingEngine engine = fresh();
            int placed = 0;
            for (int c = 0; c < cycles; c++)
            {
                final PodObject sample = pods.get(c % pods.size());
                final PodObject pod = sample.toBuilder().name(sample.name() + "-warm-" + c).nodeName("").build();
                final long examinedBefore = engine.nodesExamined();
                final boolean fits = engine.schedule(pod) >= 0;
                if (!fits)
                {
                    // retried, as a queue retries an unschedulable pod: the same pod object meets its class's cached
                    // results, a branch a busy cluster takes only once its pods start failing
                    engine.schedule(pod);
                }
                nodesExamined += engine.nodesExamined() - examinedBefore;
                if (fits)
                {
                    placed++;
                }
                else if (placed > 0)
                {
                    engine = fresh(); // full: start over empty
                    placed = 0;
                }
                cyclesRun = c + 1;
            }
        }
        catch (final RuntimeException ex)
        {
            failure = ex; // best effort: the engines just switch to the vector passes now
        }
        finally
        {
            done = true;
        }
    }

    /** What stopped the warm-up early, or null. */
    public RuntimeException failure()
    {
        return failure;
    }

    private SchedulingEngine fresh()
    {
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(MAX_NODES), plugins.get(), 1).vector(true)
            .sampleNodesToFind(SAMPLE_NODES);
        for (final NodeObject n : nodes)
        {
            engine.upsertNode(n);
        }
        return engine;
    }

    /** True once the cycles have run (or the warm-up failed): the vector passes are as warm as it gets them. */
    public boolean isDone()
    {
        return done;
    }

    @Override
    public boolean getAsBoolean()
    {
        return done;
    }

    /** Live nodes its cycles examined, summed (kube's EvaluatedNodes). */
    public long nodesExamined()
    {
        return nodesExamined;
    }

    /** Cycles run so far. */
    public int cyclesRun()
    {
        return cyclesRun;
    }
}
