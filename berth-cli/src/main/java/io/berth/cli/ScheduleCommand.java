package io.berth.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import org.HdrHistogram.Histogram;

import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.PodObject;
import io.berth.sched.preemption.DefaultPreemption;
import io.berth.sched.queue.ClusterEvent;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.queue.SchedulingQueue;
import io.berth.sched.queue.SchedulingQueueConfig;
import io.berth.sched.table.NodeTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code berth schedule}: schedules every pending pod of a cluster through kube's scheduling queue (priority
 * descending, then creation time; retries on cluster events), assuming each placed pod on its node, preempting
 * lower-priority pods for pods that fit nowhere. Reports placements, preemptions (victim, node, preemptor), the
 * reasons of the pods left pending as of the final cluster (with kube's FitError message for the first few),
 * throughput, per-pod latency (an HdrHistogram of {@code System.nanoTime} around each cycle, JIT warm-up
 * included) and the resulting utilization.
 */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Schedule every pending pod of a cluster (from files, generated, or both) and report the outcome.")
final class ScheduleCommand implements Callable<Integer>
{
    private static final int LABEL_WIDTH = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", paramLabel = "CLUSTER.yaml",
        description = "Nodes and pods (YAML or JSON); pods without a node are scheduled. Repeatable.")
    List<Path> clusters = new ArrayList<>();

    @Option(names = "--pods", paramLabel = "PODS.yaml", description = "More pods to schedule. Repeatable.")
    List<Path> podFiles = new ArrayList<>();

    @Option(names = "--generate", paramLabel = "SPEC",
        description = "Generate a cluster, e.g. nodes=5000,pods=150000,seed=1 (keys: " + GeneratorSpec.KEYS + "). " +
            "Its nodes and pods are added to those of --cluster.")
    String generate;

    @Option(names = "--output", paramLabel = "placements.json",
        description = "Write every placement as JSON: [{\"pod\":\"ns/name\",\"node\":\"n1\"}, " +
            "{\"pod\":\"ns/name2\",\"node\":null,\"reasons\":{\"Insufficient cpu\":4990}}].")
    Path output;

    @Option(names = "--json", description = "Print the summary as JSON.")
    boolean json;

    @Option(names = "--fit-errors", paramLabel = "N", defaultValue = "3",
        description = "How many kube FitError messages of unschedulable pods to show (default: ${DEFAULT-VALUE}).")
    int fitErrors;

    @Mixin
    EngineOptions options;

    /** The outcome of a run. */
    record Summary(
        int nodes,
        int pending,
        String profile,
        boolean vector,
        int placed,
        Map<String, Integer> podsPerReason,
        List<String[]> fitErrors,
        long wallNanos,
        long loadNanos,
        long diagnosticsNanos,
        Histogram latency,
        Map<String, Double> utilization,
        int skipped,
        int gated,
        List<DefaultPreemption.Victim> preempted,
        int preemptors,
        int attempts)
    {
    }

    @Option(names = "--no-preemption", description = "Never preempt. By default a pod that fits nowhere may preempt " +
        "lower-priority pods (kube's DefaultPreemption); victims are listed with their preemptor.")
    boolean noPreemption;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (clusters.isEmpty() && generate == null)
        {
            throw new ParameterException(spec.commandLine(), "give --cluster, --generate or both");
        }
        if (fitErrors < 0)
        {
            throw new ParameterException(spec.commandLine(), "--fit-errors must not be negative");
        }
        final GeneratorSpec generator = generate == null ? null : GeneratorSpec.parse(generate);
        final List<Path> files = new ArrayList<>(clusters);
        files.addAll(podFiles);
        final ClusterLoader.Loaded cluster = ClusterLoader.load(
            files, generator, options.loadProfile(err), options.seed, options.scalar, err);

        final Summary summary = run(cluster, output, fitErrors, !noPreemption);
        out.print(json ? summaryJson(summary) : summaryText(summary));
        out.flush();
        return ClusterLoader.reportSkipped(cluster.skipped(), err);
    }

    /** Schedules the pending pods; writes placements to {@code output} when it is not null. */
    static Summary run(final ClusterLoader.Loaded cluster, final Path output, final int fitErrorCount)
    {
        return run(cluster, output, fitErrorCount, true);
    }

    /**
     * Schedules the pending pods through kube's scheduling queue ({@link SchedulingQueue}: priority, then creation
     * time; failed pods wait in unschedulablePods until a cluster event moves them to backoffQ) on a virtual clock
     * that moves only when the queue would otherwise idle. A pod that fits nowhere may preempt lower-priority pods
     * (kube's DefaultPreemption, PostFilter); the victims' deletion is a cluster event that sends the waiting pods
     * back, and the preemptor takes its nominated node at once (kube binds it there in its next cycle, its
     * nominator keeping the room; Berth has nothing to run in between). Ends when activeQ and backoffQ are empty.
     */
    static Summary run(final ClusterLoader.Loaded cluster, final Path output, final int fitErrorCount, final boolean preempt)
    {
        final DefaultPreemption preemption = preempt ? new DefaultPreemption(cluster.seed()) : null;
        final List<DefaultPreemption.Victim> preempted = new ArrayList<>();
        int preemptors = 0;
        final SchedulingEngine engine = cluster.engine();
        final NodeTable table = cluster.table();
        final long[] virtualNanos = new long[1];
        final SchedulingQueue queue = new SchedulingQueue(
            SchedulingQueueConfig.DEFAULT, PriorityClasses.NONE, () -> virtualNanos[0]).queueingHints(engine);
        // placements since the queue last drained, told to it (ASSIGNED_POD_ADD) when it drains
        PodObject[] placedPods = new PodObject[64];
        int[] placedSlots = new int[64];
        int placedCount = 0;
        for (final PodObject pod : cluster.pending())
        {
            queue.add(pod);
        }

        final Histogram latency = new Histogram(3);
        final Map<String, PodObject> unschedulable = new LinkedHashMap<>();
        int placed = 0;
        int attempts = 0;
        long diagnostics = 0;
        try (JsonGenerator placements = output == null ? null : placementsWriter(output))
        {
            if (placements != null)
            {
                placements.writeStartArray();
            }
            final long start = System.nanoTime();
            while (true)
            {
                PodObject pod = queue.pop();
                if (pod == null && placedCount > 0)
                {
                    for (int i = 0; i < placedCount; i++)
                    {
                        queue.onAssignedPodAdd(placedPods[i], placedSlots[i]);
                        placedPods[i] = null;
                    }
                    placedCount = 0;
                    continue;
                }
                if (pod == null)
                {
                    final long next = queue.nextFlushNs();
                    if (queue.backoffSize() == 0 || next == Long.MAX_VALUE)
                    {
                        break;
                    }
                    virtualNanos[0] = Math.max(virtualNanos[0], next);
                    queue.flush();
                    continue;
                }
                attempts++;
                final long t0 = System.nanoTime();
                int slot = engine.schedule(pod);
                if (slot < 0 && preemption != null)
                {
                    final DefaultPreemption.Result r = preemption.preempt(pod, engine, cluster.disruptionBudgets());
                    if (r.preempted())
                    {
                        preempted.addAll(r.victims());
                        preemptors++;
                        queue.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
                        pod = pod.toBuilder().nominatedNodeName(r.nominatedNodeName()).build();
                        slot = engine.schedule(pod);
                    }
                }
                final long t1 = System.nanoTime();
                latency.recordValue(t1 - t0);
                if (slot >= 0)
                {
                    placed++;
                    queue.done(pod.key());
                    if (placedCount == placedPods.length)
                    {
                        placedPods = Arrays.copyOf(placedPods, placedCount * 2);
                        placedSlots = Arrays.copyOf(placedSlots, placedCount * 2);
                    }
                    placedPods[placedCount] = pod;
                    placedSlots[placedCount++] = slot;
                    unschedulable.remove(pod.key());
                    if (placements != null)
                    {
                        placements.writeStartObject();
                        placements.writeStringField("pod", pod.key());
                        placements.writeStringField("node", table.name(slot));
                        placements.writeEndObject();
                    }
                }
                else
                {
                    unschedulable.put(pod.key(), pod);
                    queue.requeueUnschedulable(pod);
                }
                if (placements != null)
                {
                    diagnostics += System.nanoTime() - t1;
                }
            }
            final long wall = System.nanoTime() - start - diagnostics;
            final long t = System.nanoTime();
            final Map<String, Integer> podsPerReason = new LinkedHashMap<>();
            final List<String[]> fitErrors = new ArrayList<>();
            // why each pod left pending fits nowhere in the final cluster: one more filter pass each (the per-class
            // cache and reasons memo make pods of one shape cheap), not assumed
            for (final Map.Entry<String, PodObject> e : unschedulable.entrySet())
            {
                final Map<String, Integer> reasons = engine.selectHost(e.getValue()) >= 0 ?
                    Map.of("fits now: room was freed after its last attempt", 1) : engine.unschedulableReasons();
                for (final String reason : reasons.keySet())
                {
                    podsPerReason.merge(reason, 1, Integer::sum);
                }
                if (fitErrors.size() < fitErrorCount)
                {
                    fitErrors.add(new String[] { e.getKey(), FitErrors.message(table.liveCount(), reasons) });
                }
                if (placements != null)
                {
                    placements.writeStartObject();
                    placements.writeStringField("pod", e.getKey());
                    placements.writeNullField("node");
                    placements.writeObjectFieldStart("reasons");
                    for (final Map.Entry<String, Integer> r : byCount(reasons))
                    {
                        placements.writeNumberField(r.getKey(), r.getValue());
                    }
                    placements.writeEndObject();
                    placements.writeEndObject();
                }
            }
            if (placements != null)
            {
                placements.writeEndArray();
                placements.flush();
            }
            diagnostics += System.nanoTime() - t;
            return new Summary(table.liveCount(), cluster.pending().size(), cluster.profile().schedulerName(),
                engine.isVector(), placed, podsPerReason, fitErrors, wall, cluster.loadNanos(), diagnostics, latency,
                utilization(table), cluster.skipped(), cluster.gated(), preempted, preemptors, attempts);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + output + ": " + ex.getMessage(), ex);
        }
    }

    private static JsonGenerator placementsWriter(final Path output) throws IOException
    {
        final OutputStream stream = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16);
        final JsonGenerator g = new JsonFactory().createGenerator(stream, JsonEncoding.UTF8);
        g.setPrettyPrinter(new LinePerElementPrinter());
        return g;
    }

    /** Compact JSON with each element of the top-level array on its own line. */
    private static final class LinePerElementPrinter extends MinimalPrettyPrinter
    {
        private static final long serialVersionUID = 1L;

        public void writeStartArray(final JsonGenerator g) throws IOException
        {
            g.writeRaw(topLevel(g) ? "[\n" : "[");
        }

        public void writeArrayValueSeparator(final JsonGenerator g) throws IOException
        {
            g.writeRaw(topLevel(g) ? ",\n" : ",");
        }

        public void writeEndArray(final JsonGenerator g, final int nrOfValues) throws IOException
        {
            g.writeRaw(!topLevel(g) ? "]" : nrOfValues > 0 ? "\n]\n" : "]\n");
        }

        /** True inside the top-level array (the generator enters an array's context before the printer is called). */
        private static boolean topLevel(final JsonGenerator g)
        {
            final JsonStreamContext context = g.getOutputContext();
            return context.inArray() && context.getParent() != null && context.getParent().inRoot();
        }
    }

    /** Requested over allocatable per resource, summed over live nodes; resources no node has are left out. */
    static Map<String, Double> utilization(final NodeTable table)
    {
        final Map<String, Double> out = new LinkedHashMap<>();
        for (int r = 0; r < table.resources().count(); r++)
        {
            long allocatable = 0;
            long requested = 0;
            for (int slot = 0; slot < table.slotLimit(); slot++)
            {
                if (table.isLive(slot))
                {
                    allocatable += table.allocatable(r).get(slot);
                    requested += table.requested(r).get(slot);
                }
            }
            if (allocatable > 0)
            {
                out.put(table.resources().name(r), (double)requested / allocatable);
            }
        }
        return out;
    }

    private static List<Map.Entry<String, Integer>> byCount(final Map<String, Integer> counts)
    {
        final List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        return entries;
    }

    // ---------------------------------------------------------------- summary

    static String summaryText(final Summary s)
    {
        final StringWriter text = new StringWriter();
        final PrintWriter out = new PrintWriter(text);
        out.println("Berth schedule: " + s.nodes() + " nodes, " + s.pending() + " pending pods, profile " + s.profile() +
            (s.vector() ? " (vector passes)" : " (scalar passes)"));
        final int unschedulable = s.pending() - s.placed();
        out.println(label("placed") + String.format(Locale.ROOT, "%9s   (%s)", grouped(s.placed()), percent(s.placed(), s.pending())));
        out.println(label("unschedulable") + String.format(Locale.ROOT, "%9s", grouped(unschedulable)) +
            (unschedulable == 0 ? "" : "   (pods per reason: a pod counts once for each reason any node gave)"));
        for (final Map.Entry<String, Integer> e : byCount(s.podsPerReason()))
        {
            out.println(String.format(Locale.ROOT, "  %9s  %s", grouped(e.getValue()), e.getKey()));
        }
        if (!s.preempted().isEmpty())
        {
            out.println(label("preempted") + String.format(Locale.ROOT, "%9s", grouped(s.preempted().size())) +
                "   (lower-priority pods evicted by " + grouped(s.preemptors()) + " preemptors)");
            for (int i = 0; i < Math.min(5, s.preempted().size()); i++)
            {
                final DefaultPreemption.Victim v = s.preempted().get(i);
                out.println("  " + v.podKey() + " on " + v.nodeName() + " by " + v.preemptorKey());
            }
        }
        if (s.gated() > 0)
        {
            out.println(label("gated") + String.format(Locale.ROOT, "%9s", grouped(s.gated())) +
                "   (spec.schedulingGates not removed: held out of the queue, as kube does)");
        }
        for (final String[] fitError : s.fitErrors())
        {
            out.println("  " + fitError[0] + ": " + fitError[1]);
        }
        out.println(label("attempts") + String.format(Locale.ROOT, "%9s", grouped(s.attempts())) +
            "   (scheduling cycles: pods sent back by cluster events are tried again)");
        final double seconds = s.wallNanos() / 1e9;
        final String throughput = s.pending() == 0 || s.wallNanos() == 0 ? "-" :
            grouped(Math.round(s.pending() / seconds));
        out.println(label("throughput") + String.format(Locale.ROOT, "%9s pods/s   (wall %.2f s for scheduling, load %.2f s%s)",
            throughput, seconds, s.loadNanos() / 1e9,
            s.diagnosticsNanos() > 0 ? String.format(Locale.ROOT, ", reasons and output %.2f s", s.diagnosticsNanos() / 1e9) : ""));
        final Histogram h = s.latency();
        out.println(label("latency") + (h.getTotalCount() == 0 ? "-" :
            "p50 " + duration(h.getValueAtPercentile(50)) + "  p90 " + duration(h.getValueAtPercentile(90)) +
                "  p99 " + duration(h.getValueAtPercentile(99)) + "  p99.9 " + duration(h.getValueAtPercentile(99.9)) +
                "  max " + duration(h.getMaxValue())));
        final StringBuilder util = new StringBuilder();
        for (final Map.Entry<String, Double> e : s.utilization().entrySet())
        {
            util.append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.1f%%", 100 * e.getValue())).append("  ");
        }
        out.println(label("utilization") + util + " (requested / allocatable over live nodes, after scheduling)");
        out.flush();
        return text.toString();
    }

    static String summaryJson(final Summary s)
    {
        final StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text))
        {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            g.writeStartObject();
            g.writeNumberField("nodes", s.nodes());
            g.writeNumberField("pendingPods", s.pending());
            g.writeStringField("profile", s.profile());
            g.writeStringField("passes", s.vector() ? "vector" : "scalar");
            g.writeNumberField("placed", s.placed());
            g.writeNumberField("unschedulable", s.pending() - s.placed());
            g.writeNumberField("gated", s.gated());
            g.writeNumberField("attempts", s.attempts());
            g.writeNumberField("preemptors", s.preemptors());
            g.writeArrayFieldStart("preempted");
            for (final DefaultPreemption.Victim v : s.preempted())
            {
                g.writeStartObject();
                g.writeStringField("victim", v.podKey());
                g.writeStringField("node", v.nodeName());
                g.writeStringField("preemptor", v.preemptorKey());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeObjectFieldStart("podsPerReason");
            for (final Map.Entry<String, Integer> e : byCount(s.podsPerReason()))
            {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("fitErrors");
            for (final String[] fitError : s.fitErrors())
            {
                g.writeStartObject();
                g.writeStringField("pod", fitError[0]);
                g.writeStringField("message", fitError[1]);
                g.writeEndObject();
            }
            g.writeEndArray();
            final double seconds = s.wallNanos() / 1e9;
            g.writeNumberField("podsPerSecond", s.wallNanos() == 0 ? 0.0 : s.pending() / seconds);
            g.writeNumberField("wallSeconds", seconds);
            g.writeNumberField("loadSeconds", s.loadNanos() / 1e9);
            g.writeNumberField("diagnosticsSeconds", s.diagnosticsNanos() / 1e9);
            final Histogram h = s.latency();
            g.writeObjectFieldStart("latencyNanos");
            g.writeNumberField("p50", h.getValueAtPercentile(50));
            g.writeNumberField("p90", h.getValueAtPercentile(90));
            g.writeNumberField("p99", h.getValueAtPercentile(99));
            g.writeNumberField("p99.9", h.getValueAtPercentile(99.9));
            g.writeNumberField("max", h.getMaxValue());
            g.writeNumberField("mean", h.getTotalCount() == 0 ? 0.0 : h.getMean());
            g.writeEndObject();
            g.writeObjectFieldStart("utilization");
            for (final Map.Entry<String, Double> e : s.utilization().entrySet())
            {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeNumberField("skippedObjects", s.skipped());
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return text + System.lineSeparator();
    }

    private static String label(final String label)
    {
        return label + " ".repeat(Math.max(1, LABEL_WIDTH - label.length()));
    }

    private static String grouped(final long n)
    {
        return String.format(Locale.ROOT, "%,d", n);
    }

    private static String percent(final long part, final long whole)
    {
        return whole == 0 ? "-" : String.format(Locale.ROOT, "%.2f%%", 100.0 * part / whole);
    }

    /** Nanoseconds as ns, µs, ms or s with three significant digits or so. */
    static String duration(final long nanos)
    {
        if (nanos < 1_000)
        {
            return nanos + " ns";
        }
        if (nanos < 1_000_000)
        {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000)
        {
            return String.format(Locale.ROOT, "%.1f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }
}
