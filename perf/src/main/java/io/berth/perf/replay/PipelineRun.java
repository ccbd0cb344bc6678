package io.berth.perf.replay;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.CompositeAgent;

import io.berth.mirror.MirrorContext;
import io.berth.mirror.scheduler.SchedulerAgent;
import io.berth.mirror.scheduler.SchedulerContext;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * One profile's replay at scaled real time through the full watch path, as {@code berth scheduler --etcd} runs
 * against etcd: an {@link EmbeddedStore}; a {@link TraceFeeder} agent writing the trace into it as Kubernetes objects
 * at virtual time = wall time × speed; the {@link SchedulerAgent} (its {@code Mirror}: list, watch, Disruptor ring,
 * decoders, tables) binding pending pods in the store with compare-and-swap, its queue on the same virtual clock; and
 * a {@link PipelineRecorder} on the scheduler's thread measuring what the mirror and the scheduler observe.
 * <p>
 * Threads: the feeder's, the scheduler's (scheduler + recorder), the mirror's sync and decoder threads, and the
 * store's watch delivery threads. Preemption is off, as in the in-process replay.
 */
final class PipelineRun implements AutoCloseable
{
    /** The longest an idle feeder or scheduler thread parks: bounds pacing error and reaction time (wall). */
    static final long IDLE_MAX_PARK_NS = TimeUnit.MICROSECONDS.toNanos(50);
    /** How often the caller looks whether the replay's threads are still alive while it waits for the end. */
    static final long THREAD_CHECK_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /** The mirror has no checkpoint file: the agent's commit period is never due (virtual time runs fast). */
    static final long NO_CHECKPOINT_NS = Long.MAX_VALUE / 4;
    /** How long the mirror may take to list the empty store before the feeder starts. */
    static final long SYNC_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    private final ReplayProfile profile;
    private final ReplayContext ctx;
    private final VirtualClock clock;
    private final EmbeddedStore store;
    private final SchedulerAgent agent;
    private final TraceFeeder feeder;
    private final PipelineRecorder recorder;
    private final AtomicLong errors = new AtomicLong();
    private final ThreadFactory threads;

    PipelineRun(final TracePlan plan, final ReplayProfile profile, final ReplayContext ctx)
    {
        this.profile = profile;
        this.ctx = ctx;
        this.clock = new VirtualClock(ctx.clock(), ctx.speed());
        this.store = new EmbeddedStore();
        final ErrorHandler errorHandler = ex ->
        {
            errors.incrementAndGet();
            ctx.errorHandler().onError(ex);
        };
        final AtomicInteger n = new AtomicInteger();
        this.threads = r ->
        {
            final Thread t = new Thread(r, "berth-replay-" + profile.name() + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(Math.max(64, plan.trace.nodes().size())),
            PluginRegistry.build(profile.profile()), ctx.seed()).vector(ctx.vector())
            .scalarWarmup(ctx.scalarWarmupNodeCycles());
        // no decoder warm-up: the mirror lists an empty store and the trace's objects come one watch event at a time,
        // so there is no list page in flight to hide the warm-up's document generation behind
        final MirrorContext mirror = new MirrorContext().source(store).layout(KeyLayout.DEFAULT).engine(engine)
            .decoderWarmUpEvents(0)
            .threadFactory(threads)
            .errorHandler(errorHandler)
            .corruptValueListener((key, revision, error) -> errorHandler.onError(
                new IllegalStateException("corrupt value " + key + " at revision " + revision + ": " + error)));
        final SchedulerAgent[] agentRef = new SchedulerAgent[1];
        this.feeder = new TraceFeeder(plan, store, KeyLayout.DEFAULT, clock, ctx.keepPods(),
            () -> agentRef[0].mirror().revision(), errorHandler);
        this.recorder = new PipelineRecorder(plan, profile, ctx, clock, store, feeder);
        final SchedulerContext context = new SchedulerContext().mirrorContext(mirror)
            .clock(clock)
            .cycleClock(ctx.clock()::nanoTime)
            .queueConfig(ctx.queueConfig())
            .preemption(false)
            .checkpointIntervalNs(NO_CHECKPOINT_NS)
            .idleStrategy(idleStrategy())
            .listener(recorder)
            .changeObserver(recorder)
            .errorHandler(errorHandler);
        this.agent = new SchedulerAgent(context);
        agentRef[0] = agent;
        recorder.agent(agent);
    }

    ReplayCounters counters()
    {
        return recorder.counters();
    }

    /** Runs the replay to its end and stops its threads; the store stays readable until {@link #close()}. */
    ReplayResult run()
    {
        final AgentRunner scheduler = new AgentRunner(idleStrategy(), agentErrors(), null,
            new CompositeAgent(agent, recorder));
        AgentRunner feederRunner = null;
        try
        {
            AgentRunner.startOnThread(scheduler, threads);
            final long deadline = System.nanoTime() + SYNC_TIMEOUT_NS;
            while (!agent.mirror().isSynced())
            {
                if (System.nanoTime() - deadline > 0 || scheduler.isClosed())
                {
                    throw new IllegalStateException("replay " + profile.name() + ": the mirror did not list the store");
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            feeder.start(); // virtual time 0, the kubelet watch, the nodes
            feederRunner = new AgentRunner(idleStrategy(), agentErrors(), null, feeder);
            AgentRunner.startOnThread(feederRunner, threads);
            while (!recorder.finished().await(THREAD_CHECK_NS, TimeUnit.NANOSECONDS))
            {
                if (!alive(scheduler) || !alive(feederRunner))
                {
                    throw new IllegalStateException("replay " + profile.name() + ": a replay thread ended before the " +
                        "replay did (see the errors reported)");
                }
            }
            return recorder.result();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("replay " + profile.name() + " interrupted", ex);
        }
        finally
        {
            if (feederRunner != null)
            {
                feederRunner.close();
            }
            scheduler.close(); // the agent's onClose closes the mirror
        }
    }

    /** Releases the store. */
    @Override
    public void close()
    {
        store.close();
    }

    private static boolean alive(final AgentRunner runner)
    {
        final Thread thread = runner.thread();
        return thread == null || thread.isAlive(); // null: not started yet
    }

    private ErrorHandler agentErrors()
    {
        return ex ->
        {
            errors.incrementAndGet();
            ctx.errorHandler().onError(ex);
        };
    }

    private static BackoffIdleStrategy idleStrategy()
    {
        return new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(1), IDLE_MAX_PARK_NS);
    }

    // ---------------------------------------------------------------- for tests (after run)

    EmbeddedStore store()
    {
        return store;
    }

    SchedulerAgent agent()
    {
        return agent;
    }

    TraceFeeder feeder()
    {
        return feeder;
    }

    PipelineRecorder recorder()
    {
        return recorder;
    }

    /** Errors reported on any of the run's threads. */
    long errors()
    {
        return errors.get();
    }
}
