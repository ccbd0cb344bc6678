package io.berth.perf.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceError;

/**
 * Replays a {@link Trace} under one or more scheduling profiles, each with its own engine, node table and
 * scheduling queue (kube's queue: backoff 1 s doubling to 10 s, unschedulable pods moved back by node and
 * assigned-pod-delete events, all in virtual time), and reports what each measured.
 * <p>
 * Time is virtual and discrete: the replay jumps from one instant to the next among the trace's events, the
 * deletions of bound pods ({@code runMs} after their binding) and the queue's flushes; with a speed set in the
 * {@link ReplayContext} it waits for the wall clock to reach virtual time / speed before each instant. Profiles
 * run one after the other, or one thread each ({@link ReplayContext#parallelProfiles}).
 */
public final class ReplayDriver
{
    private final ReplayContext ctx;

    public ReplayDriver(final ReplayContext ctx)
    {
        this.ctx = ctx.conclude();
    }

    /** Replays the trace once per profile; the results are in the profiles' order. */
    public ReplayReport replay(final Trace trace, final List<ReplayProfile> profiles)
    {
        if (profiles.isEmpty())
        {
            throw new IllegalArgumentException("replay: no profile given");
        }
        final TracePlan plan = new TracePlan(trace);
        final List<ProfileRun> runs = new ArrayList<>(profiles.size());
        final List<ReplayCounters> counters = new ArrayList<>(profiles.size());
        for (final ReplayProfile p : profiles)
        {
            final ProfileRun run = new ProfileRun(plan, p, ctx);
            runs.add(run);
            counters.add(run.counters());
        }
        final List<ReplayResult> results = new ArrayList<>(runs.size());
        ctx.progress().start(trace.name(), counters, plan.events.length);
        try
        {
            if (ctx.parallelProfiles() && runs.size() > 1)
            {
                runParallel(runs, results);
            }
            else
            {
                for (final ProfileRun run : runs)
                {
                    results.add(run.run());
                }
            }
        }
        finally
        {
            ctx.progress().stop();
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

    private static void runParallel(final List<ProfileRun> runs, final List<ReplayResult> results)
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
            for (final ProfileRun run : runs)
            {
                futures.add(pool.submit(run::run));
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
