package io.berth.perf.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.perf.trace.TraceError;
import io.berth.sched.framework.VectorWarmup;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;

/**
 * Replays a {@link Trace} under one or more scheduling profiles, each with its own engine, node table and
 * scheduling queue (kube's queue: backoff 1 s doubling to 10 s, unschedulable pods moved back by node and
 * assigned-pod-delete events, all in virtual time), and reports what each measured.
 * <p>
 * With no speed set in the {@link ReplayContext}, time is virtual and discrete ({@link ProfileRun}): the replay jumps
 * from one instant to the next among the trace's events, the deletions of bound pods ({@code runMs} after their
 * binding) and the queue's flushes. With a speed N, each profile is replayed in scaled real time through the full
 * watch path ({@link PipelineRun}): the trace written into an embedded store at virtual time = wall time × N, the
 * mirror watching it and the scheduler agent binding pods in it, one store, mirror and scheduler per profile. Profiles
 * run one after the other, or one thread each ({@link ReplayContext#parallelProfiles}).
 */
public final class ReplayDriver
{
    private final ReplayContext ctx;

    public ReplayDriver(final ReplayContext ctx)
    {
        this.ctx = ctx.conclude();
    }

    /**
     * Starts the side vector warm-up (a daemon thread) when the replay runs the vector passes and will sweep more
     * node slots than its scalar warm-up budget; null when it will not (a short trace stays scalar anyway).
     */
    private VectorWarmup startVectorWarmup(final TracePlan plan, final ReplayProfile profile)
    {
        final long slots = (long)plan.podCount * Math.max(1, plan.trace.nodes().size());
        if (!ctx.vector() || ctx.speed() > 0 || ctx.vectorWarmupCycles() == 0 || slots <= ctx.scalarWarmupNodeCycles())
        {
            return null;
        }
        final List<PodObject> samples = new ArrayList<>();
        for (int i = 0; i < plan.events.length && samples.size() < 256; i++)
        {
            if (plan.events[i].pod() != null && plan.events[i].kind() == TraceEvent.Kind.POD_CREATE)
            {
                samples.add(plan.events[i].pod());
            }
        }
        final VectorWarmup warmup = new VectorWarmup(() -> PluginRegistry.build(profile.profile()),
            plan.trace.nodes(), samples, ctx.vectorWarmupCycles());
        final Thread thread = new Thread(warmup, "berth-vector-warmup");
        thread.setDaemon(true);
        thread.start();
        return warmup;
    }

    /** Replays the trace once per profile; the results are in the profiles' order. */
    public ReplayReport replay(final Trace trace, final List<ReplayProfile> profiles)
    {
        if (profiles.isEmpty())
        {
            throw new IllegalArgumentException("replay: no profile given");
        }
        final TracePlan plan = new TracePlan(trace);
        final VectorWarmup warmup = startVectorWarmup(plan, profiles.getFirst());
        final List<Callable<ReplayResult>> runs = new ArrayList<>(profiles.size());
        final List<ReplayCounters> counters = new ArrayList<>(profiles.size());
        final List<PipelineRun> pipelines = new ArrayList<>();
        final List<ReplayResult> results = new ArrayList<>(profiles.size());
        try
        {
            for (final ReplayProfile p : profiles)
            {
                if (ctx.speed() > 0)
                {
                    final PipelineRun run = new PipelineRun(plan, p, ctx);
                    pipelines.add(run);
                    runs.add(run::run);
                    counters.add(run.counters());
                }
                else
                {
                    final ProfileRun run = new ProfileRun(plan, p, ctx, warmup);
                    runs.add(run::run);
                    counters.add(run.counters());
                }
            }
            ctx.progress().start(trace.name(), counters, plan.events.length);
            try
            {
                if (ctx.parallelProfiles() && runs.size() > 1)
                {
                    runParallel(runs, results);
                }
                else
                {
                    for (final Callable<ReplayResult> run : runs)
                    {
                        results.add(call(run));
                    }
                }
            }
            finally
            {
                ctx.progress().stop();
            }
        }
        finally
        {
            for (final PipelineRun run : pipelines)
            {
                run.close();
            }
        }
        final List<String> errors = new ArrayList<>();
        for (final TraceError e : trace.errors())
        {
            if (errors.size() == ReplayReport.MAX_LISTED_ERRORS)
            {
                break;
            }
            errors.add(e.toString());
        }
        return new ReplayReport(trace.name(), trace.nodes().size(), plan.events.length, plan.podCount,
            trace.errors().size(), errors, ctx.speed(), results);
    }

    /** Replays under one profile. */
    public ReplayResult replay(final Trace trace, final ReplayProfile profile)
    {
        return replay(trace, List.of(profile)).results().getFirst();
    }

    private static ReplayResult call(final Callable<ReplayResult> run)
    {
        try
        {
            return run.call();
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("replay failed: " + ex, ex);
        }
    }

    private static void runParallel(final List<Callable<ReplayResult>> runs, final List<ReplayResult> results)
    {
        final ExecutorService pool = Executors.newFixedThreadPool(runs.size(), r ->
        {
            final Thread t = new Thread(r, "berth-replay");
            t.setDaemon(true);
            return t;
        });
        try
        {
            final List<Future<ReplayResult>> futures = new ArrayList<>();
            for (final Callable<ReplayResult> run : runs)
            {
                futures.add(pool.submit(run));
            }
            for (final Future<ReplayResult> f : futures)
            {
                results.add(f.get());
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay interrupted", ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException re)
            {
                throw re;
            }
            throw new IllegalStateException("replay failed: " + ex.getCause(), ex.getCause());
        }
        finally
        {
            pool.shutdownNow();
        }
    }
}
