package io.berth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.agrona.concurrent.AgentRunner;

import io.berth.mirror.MirrorContext;
import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.scheduler.SchedulerAgent;
import io.berth.mirror.scheduler.SchedulerContext;
import io.berth.mirror.scheduler.SchedulerListener;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.table.NodeTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code berth scheduler --etcd URL}: the scheduler against etcd. Mirrors the cluster (list or checkpoint, then
 * watch) and binds pending pods as they appear, each with a compare-and-swap on the pod's mod revision, on one
 * {@link SchedulerAgent} thread, until SIGINT/SIGTERM (the shutdown hook stops the agent and commits the checkpoint)
 * or, with {@code --once}, until nothing left pending can be placed.
 */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Schedule the pending pods of the cluster in etcd as they appear, binding each with a " +
        "compare-and-swap; prints a line per bound pod and a periodic status line.",
    footer = {"", "Exit status: 0 ok; 1 errors on the scheduler's thread (each printed); 2 no etcd answered."})
final class SchedulerCommand implements Callable<Integer>
{
    /** Node slots of the engine's table at start (it grows). */
    static final int INITIAL_NODE_CAPACITY = 1024;
    /** How often {@code --once} looks whether the agent has settled. */
    static final long ONCE_POLL_NS = TimeUnit.MILLISECONDS.toNanos(20);

    @Spec
    CommandSpec spec;

    @Option(names = "--etcd", paramLabel = "URL", defaultValue = EtcdSource.Context.ENDPOINT_DEFAULT,
        description = "etcd client URL (default: ${DEFAULT-VALUE}; scripts/etcd start runs one).")
    String endpoint;

    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", defaultValue = KeyLayout.DEFAULT_PREFIX,
        description = "Key prefix of the cluster, as kube-apiserver's --etcd-prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--checkpoint", paramLabel = "FILE",
        description = "Chronicle Map checkpoint for warm restarts: loaded instead of a full list when trusted, " +
            "committed periodically and at exit.")
    Path checkpoint;

    @Option(names = "--once", description = "Exit once the cluster is mirrored and no pending pod can be placed.")
    boolean once;

    @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "10",
        description = "Seconds between status lines (default: ${DEFAULT-VALUE}).")
    long statusIntervalSeconds;

    @Option(names = "--no-preemption", description = "Never preempt lower-priority pods.")
    boolean noPreemption;

    @Mixin
    EngineOptions options;

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (statusIntervalSeconds < 1)
        {
            throw new ParameterException(spec.commandLine(), "--status-interval must be at least 1 second");
        }
        final Profile profile = options.loadProfile(err);
        final EtcdOptions etcd = new EtcdOptions();
        etcd.endpoint = endpoint;
        etcd.prefix = prefix;
        etcd.verbose = options.verbose;
        final KeyLayout layout = etcd.layout();
        // a restart's checkpoint opens (Chronicle Map's first use, the scan of its entries) while etcd is connected
        final CompletableFuture<CheckpointFile.Opened> opening = checkpoint == null ? null :
            CompletableFuture.supplyAsync(() -> CheckpointFile.open(checkpoint),
                task -> Thread.ofPlatform().name("berth-checkpoint-open").daemon().start(task));
        final EtcdSource source = etcd.connect(err);
        if (source == null)
        {
            if (opening != null)
            {
                try
                {
                    close(opening.join().file()); // leave the file as a clean close leaves it
                }
                catch (final RuntimeException ignored)
                {
                    // no etcd is what the user hears about; the next start opens the file again
                }
            }
            return EtcdOptions.EXIT_NO_ETCD;
        }
        try
        {
            return run(source, layout, profile, opening, out, err);
        }
        finally
        {
            source.close();
        }
    }

    private static void close(final CheckpointFile file)
    {
        if (file != null)
        {
            file.close();
        }
    }

    /**
     * Runs the scheduler on {@code source} (etcd for the command; the AOT training runs it on an embedded store) until
     * stopped or, with {@code --once}, settled; {@code checkpointOpening}, when not null, is the {@code --checkpoint}
     * file being opened already. Leaves the source open.
     */
    int run(final ClusterSource source, final KeyLayout layout, final Profile profile,
        final Future<CheckpointFile.Opened> checkpointOpening, final PrintWriter out, final PrintWriter err)
    {
        final AtomicLong reportedErrors = new AtomicLong();
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(INITIAL_NODE_CAPACITY),
            PluginRegistry.build(profile), options.seed).vector(!options.scalar);
        final MirrorContext mirror = new MirrorContext().source(source).layout(layout).engine(engine)
            .checkpointFile(checkpoint).checkpointOpening(checkpointOpening)
            .corruptValueListener((key, modRevision, error) ->
                line(err, "berth: corrupt value skipped: " + key + " (revision " + modRevision + "): " + error))
            .errorHandler(ex ->
            {
                reportedErrors.incrementAndGet();
                line(err, "berth: " + ex.getMessage());
                if (options.verbose)
                {
                    ex.printStackTrace(err);
                }
            });
        final SchedulerContext context = new SchedulerContext().mirrorContext(mirror)
            .preemption(!noPreemption).preemptionSeed(options.seed)
            .listener(new SchedulerListener()
            {
                @Override
                public void onBound(final String podKey, final String nodeName, final long modRevision)
                {
                    line(out, podKey + " -> " + nodeName);
                }

                @Override
                public void onPreempted(final String victimKey, final String nodeName, final String preemptorKey)
                {
                    line(out, "preempted " + victimKey + " on " + nodeName + " for " + preemptorKey);
                }
            });
        final SchedulerAgent agent = new SchedulerAgent(context);
        final AgentRunner runner = new AgentRunner(context.idleStrategy(), context.errorHandler(), null, agent);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() ->
        {
            runner.close(); // the agent's onClose commits and closes the checkpoint
            line(out, status(agent));
            stopped.countDown();
        }, "berth-scheduler-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        AgentRunner.startOnThread(runner);
        try
        {
            if (once)
            {
                final long statusEveryNs = TimeUnit.SECONDS.toNanos(statusIntervalSeconds);
                long nextStatusNs = System.nanoTime() + statusEveryNs;
                while (!agent.isSettled() && !runner.isClosed())
                {
                    stopped.await(ONCE_POLL_NS, TimeUnit.NANOSECONDS);
                    if (System.nanoTime() - nextStatusNs >= 0)
                    {
                        line(out, status(agent));
                        nextStatusNs += statusEveryNs;
                    }
                }
                runner.close();
            }
            else
            {
                while (!stopped.await(statusIntervalSeconds, TimeUnit.SECONDS))
                {
                    line(out, status(agent));
                }
                return reportedErrors.get() > 0 ? 1 : 0; // the hook printed the last status; the JVM is exiting
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            runner.close();
        }
        finally
        {
            if (once)
            {
                try
                {
                    Runtime.getRuntime().removeShutdownHook(hook);
                }
                catch (final IllegalStateException shuttingDown)
                {
                    // the hook is running: it closes the agent
                }
            }
        }
        line(out, status(agent));
        return reportedErrors.get() > 0 ? 1 : 0;
    }

    static String status(final SchedulerAgent agent)
    {
        return String.format(Locale.ROOT,
            "status: pending %d, bound %d, preempted %d, conflicts %d, revision %d, corrupt values %d, errors %d, %s",
            agent.pendingPods(), agent.bound(), agent.preempted(), agent.conflicts(), agent.mirror().revision(),
            agent.mirror().corruptValues(), agent.errors(),
            agent.mirror().warmStart() ? "started from the checkpoint" : "started from a list");
    }

    private static void line(final PrintWriter writer, final String text)
    {
        synchronized (writer)
        {
            writer.println(text);
            writer.flush();
        }
    }
}
