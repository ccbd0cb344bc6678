package io.berth.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

import io.berth.mirror.codec.ProfileReader;
import io.berth.perf.replay.ReplayContext;
import io.berth.perf.replay.ReplayDriver;
import io.berth.perf.replay.ReplayProfile;
import io.berth.perf.replay.ReplayProgress;
import io.berth.perf.replay.ReplayReport;
import io.berth.perf.replay.TerminalProgress;
import io.berth.perf.replay.report.HtmlReport;
import io.berth.perf.replay.report.JsonReport;
import io.berth.perf.replay.report.TerminalReport;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceError;
import io.berth.perf.trace.TraceSource;
import io.berth.sched.queue.SchedulingQueueConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code berth replay}: replays a trace (Alibaba openb CSVs, a synthetic trace, or a cluster file) under one or more
 * profiles, side by side, in virtual time as fast as possible or scaled real time, and reports the quality measures
 * per profile on the terminal, as JSON and as an offline HTML page with charts. Lines of the trace that cannot be
 * read are printed on stderr and counted; the replay goes on without them (exit status 1 then, as for the other
 * commands).
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Replay a cluster trace under one or more scheduling profiles and compare them.",
    footer = {
        "",
        "Traces:",
        "  openb:NODES.csv,PODS.csv  Alibaba's openb GPU-sharing trace (cluster-trace-gpu-v2023 of",
        "                            github.com/alibaba/clusterdata; not shipped with Berth)",
        "  synthetic:KEY=V,...       a seeded synthetic trace, e.g. synthetic:nodes=5000,pods=150000,seed=7",
        "  CLUSTER.yaml|json         Kubernetes objects: nodes at time 0, pods arriving at time 0 in file order",
        "                            (bound pods accounted where they are), running for ever" })
final class ReplayCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "SPEC",
        description = "openb:NODES.csv,PODS.csv | synthetic:KEY=V,... | CLUSTER.yaml (see below).")
    String trace;

    @Option(names = "--profile", paramLabel = "PROFILE.yaml",
        description = "KubeSchedulerConfiguration to replay with; repeatable, replayed side by side. Each profile " +
            "is named by its file (and schedulerName when the file has several). Default: kube's default profile.")
    List<Path> profiles = new ArrayList<>();

    @Option(names = "--speed", paramLabel = "max|N", defaultValue = "max",
        description = "max: virtual time as fast as possible, in process (default); N: scaled real time, N " +
            "virtual seconds per wall second, through the watch path: the trace is written into an embedded store " +
            "as Kubernetes objects, the mirror watches it and the scheduler agent (as berth scheduler runs) binds " +
            "pods there; one store, mirror and scheduler per profile. Preemption is off in both modes.")
    String speed;

    @Option(names = "--json", description = "Print the report as JSON on stdout instead of the summary table.")
    boolean json;

    @Option(names = "--html", paramLabel = "FILE", description = "Write a self-contained HTML report with charts.")
    Path html;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
        description = "Seed of the tie breaks between equally scored nodes (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "" + ReplayContext.DEFAULT_SAMPLES,
        description = "Points of each time series (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--keep-pods", description = "Pods never end after their run time: they arrive and stay until " +
        "the cluster is full (how the GPU-fragmentation paper replays openb). Trace deletions still apply.")
    boolean keepPods;

    @Option(names = "--parallel", description = "Replay the profiles on one thread each instead of one after another.")
    boolean parallel;

    @Option(names = "--progress", negatable = true,
        description = "Show a progress bar on stderr (default: only when stderr is a terminal).")
    Boolean progress;

    @Option(names = "--scalar", description = "Run the scalar reference passes instead of the Vector API passes.")
    boolean scalar;

    @Option(names = "--scalar-warmup", paramLabel = "NODE_CYCLES",
        defaultValue = "" + ReplayContext.DEFAULT_SCALAR_WARMUP_NODE_CYCLES,
        description = "Run the scalar twins (same decisions) until the cycles have swept this many node slots, then " +
            "the Vector API passes, which are slow until the JIT has compiled them (default: ${DEFAULT-VALUE}, " +
            "a short trace such as openb's stays scalar; 0: vector from the first cycle).")
    long scalarWarmup;

    @Option(names = "--vector-warmup", paramLabel = "CYCLES",
        defaultValue = "" + ReplayContext.DEFAULT_VECTOR_WARMUP_CYCLES,
        description = "When the trace is longer than the scalar warm-up, compile the Vector API passes on a side " +
            "thread with this many cycles on a small private engine and stay scalar until it is done " +
            "(default: ${DEFAULT-VALUE}; 0: off, the --scalar-warmup budget alone decides).")
    int vectorWarmup;

    @Option(names = "--queueing-hints", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Let an assigned pod's deletion or placement move only the waiting pods it may help (default)" +
            "; --no-queueing-hints retries every waiting pod on every event (the same decisions, slower).")
    boolean queueingHints = true;

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final double factor = parseSpeed();
        final List<ReplayProfile> replayProfiles = loadProfiles(err);
        final Trace t = loadTrace();
        for (final TraceError e : t.errors())
        {
            err.println("berth: " + e);
        }
        if (!t.errors().isEmpty())
        {
            err.printf(Locale.ROOT, "berth: %d trace %s skipped, see above; replaying the rest%n", t.errors().size(),
                t.errors().size() == 1 ? "line" : "lines");
        }
        err.flush();

        final boolean showProgress = progress != null ? progress : TerminalProgress.terminalAttached();
        final ReplayProgress bar = showProgress ? new TerminalProgress(new PrintStream(System.err, true), 200) :
            ReplayProgress.NONE;
        final AtomicLong replayErrors = new AtomicLong();
        final ReplayContext ctx = new ReplayContext().speed(factor).seed(seed).samples(samples)
            .parallelProfiles(parallel).vector(!scalar).scalarWarmupNodeCycles(scalarWarmup).vectorWarmupCycles(vectorWarmup).keepPods(keepPods).progress(bar)
            .queueConfig(SchedulingQueueConfig.DEFAULT.withQueueingHints(queueingHints))
            .errorHandler(ex ->
            {
                replayErrors.incrementAndGet();
                synchronized (err)
                {
                    err.println("berth: " + ex.getMessage());
                    if (verbose)
                    {
                        ex.printStackTrace(err);
                    }
                    err.flush();
                }
            });
        final ReplayReport report = new ReplayDriver(ctx).replay(t, replayProfiles);

        if (json)
        {
            JsonReport.write(report, out);
        }
        else
        {
            TerminalReport.write(report, out);
        }
        if (html != null)
        {
            HtmlReport.write(report, html);
            if (!json)
            {
                out.println("HTML report: " + html);
            }
        }
        out.flush();
        return t.errors().isEmpty() && replayErrors.get() == 0 ? 0 : BerthCommand.EXIT_INPUT_ERROR;
    }

    private double parseSpeed()
    {
        if ("max".equalsIgnoreCase(speed))
        {
            return 0;
        }
        try
        {
            final double v = Double.parseDouble(speed);
            if (v > 0 && !Double.isInfinite(v))
            {
                return v;
            }
        }
        catch (final NumberFormatException ignored)
        {
            // reported below
        }
        throw new ParameterException(spec.commandLine(), "--speed: expected max or a positive number, got \"" + speed + "\"");
    }

    private List<ReplayProfile> loadProfiles(final PrintWriter err)
    {
        if (profiles.isEmpty())
        {
            return List.of(ReplayProfile.defaultProfile());
        }
        final List<ReplayProfile> list = new ArrayList<>();
        final Set<String> names = new HashSet<>();
        final ProfileReader reader = new ProfileReader();
        for (final Path file : profiles)
        {
            ClusterLoader.checkReadable(file);
            final ProfileReader.Result result = reader.read(file);
            for (final String warning : result.warnings())
            {
                err.println("berth: warning: " + warning);
            }
            final String base = file.getFileName().toString().replaceFirst("\\.(ya?ml|json)$", "");
            for (final var p : result.profiles())
            {
                String name = result.profiles().size() == 1 ? base : base + "/" + p.schedulerName();
                final String wanted = name;
                for (int k = 2; !names.add(name); k++)
                {
                    name = wanted + "#" + k;
                }
                list.add(new ReplayProfile(name, p));
            }
        }
        return list;
    }

    private Trace loadTrace()
    {
        return TraceSource.open(trace);
    }
}
