package io.berth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import io.berth.mirror.codec.ReadResult;
import io.berth.sched.framework.Explanation;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.PodObject;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth explain}: for each pod of a file, every node's feasibility, kube's reasons where it fails, each
 * score plugin's normalized score and the weighted total, and the node kube-scheduler would pick. The pods are
 * explained one by one against the same cluster; none is assumed.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Show how each pod of a file would be scheduled on a cluster, and why.")
final class ExplainCommand implements Callable<Integer>
{
    /** Output formats. */
    enum Format
    {
        table, json
    }

    private static final Map<String, String> SHORT_NAMES = Map.of(
        "TaintToleration", "TAINT",
        "NodeAffinity", "AFFINITY",
        "NodeResourcesFit", "FIT",
        "NodeResourcesBalancedAllocation", "BALANCED",
        "ImageLocality", "IMAGE",
        "PodTopologySpread", "SPREAD",
        "InterPodAffinity", "INTERPOD");

    @Spec
    CommandSpec spec;

    @Option(names = "--cluster", required = true, paramLabel = "CLUSTER.yaml",
        description = "Nodes and the pods bound to them (YAML or JSON, several documents or a List); repeatable.")
    List<Path> clusters;

    @Option(names = "--pod", required = true, paramLabel = "POD.yaml", description = "The pod(s) to explain.")
    Path podFile;

    @Option(names = { "--output", "-o" }, paramLabel = "FORMAT", defaultValue = "table",
        description = "table (default) or json (one JSON object per pod, one per line).")
    Format output;

    @Mixin
    EngineOptions options;

    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final ClusterLoader.Loaded cluster = ClusterLoader.load(
            clusters, null, options.loadProfile(err), options.seed, options.scalar, err);
        final ReadResult podsRead = ClusterLoader.read(List.of(podFile), err);
        final int skipped = cluster.skipped() + podsRead.errors().size();
        if (podsRead.pods().isEmpty())
        {
            ClusterLoader.reportSkipped(skipped, err);
            throw new IllegalArgumentException(podFile + ": no pod to explain");
        }
        final SchedulingEngine engine = cluster.engine();
        boolean first = true;
        for (final PodObject pod : podsRead.pods())
        {
            final Explanation explanation = engine.explain(pod);
            if (output == Format.json)
            {
                out.println(json(explanation));
            }
            else
            {
                if (!first)
                {
                    out.println();
                }
                table(explanation, engine, out);
            }
            first = false;
        }
        out.flush();
        return ClusterLoader.reportSkipped(skipped, err);
    }

    /** Feasible nodes first, by total descending, then by name; then infeasible nodes by name. */
    static List<Explanation.NodeResult> sorted(final Explanation explanation)
    {
        final List<Explanation.NodeResult> nodes = new ArrayList<>(explanation.nodes());
        nodes.sort(Comparator.comparing((Explanation.NodeResult n) -> !n.feasible())
            .thenComparing(n -> n.total() == null ? 0L : -n.total())
            .thenComparing(Explanation.NodeResult::name));
        return nodes;
    }

    /**
     * The explanation as one line of JSON: {@code {"pod":"ns/name","selected":"node-or-null","nodes":[{"name":"n1",
     * "feasible":true,"reasons":[],"scores":{"NodeResourcesFit":37},"total":512}]}}.
     */
    static String json(final Explanation explanation)
    {
        final StringWriter text = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(text))
        {
            g.writeStartObject();
            g.writeStringField("pod", explanation.pod());
            g.writeStringField("selected", explanation.selected());
            g.writeArrayFieldStart("nodes");
            for (final Explanation.NodeResult n : sorted(explanation))
            {
                g.writeStartObject();
                g.writeStringField("name", n.name());
                g.writeBooleanField("feasible", n.feasible());
                g.writeArrayFieldStart("reasons");
                for (final String r : n.reasons())
                {
                    g.writeString(r);
                }
                g.writeEndArray();
                g.writeObjectFieldStart("scores");
                if (n.feasible())
                {
                    for (final Map.Entry<String, Long> s : n.scores().entrySet())
                    {
                        g.writeNumberField(s.getKey(), s.getValue());
                    }
                }
                g.writeEndObject();
                if (n.feasible() && n.total() != null)
                {
                    g.writeNumberField("total", n.total());
                }
                else
                {
                    g.writeNullField("total");
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return text.toString();
    }

    /** The explanation as an aligned table, after a summary line and a line with the score weights. */
    static void table(final Explanation explanation, final SchedulingEngine engine, final PrintWriter out)
    {
        final List<Explanation.NodeResult> nodes = sorted(explanation);
        final long feasible = nodes.stream().filter(Explanation.NodeResult::feasible).count();
        out.println("pod " + explanation.pod() + " selected " + (explanation.selected() == null ? "none" : explanation.selected()) +
            " (" + feasible + "/" + nodes.size() + " feasible)");
        if (feasible == 0)
        {
            final Map<String, Integer> reasons = new LinkedHashMap<>();
            for (final Explanation.NodeResult n : nodes)
            {
                for (final String r : n.reasons())
                {
                    reasons.merge(r, 1, Integer::sum);
                }
            }
            out.println(FitErrors.message(nodes.size(), reasons));
        }

        final ScorePlugin[] scorers = engine.scorePlugins();
        final StringBuilder weights = new StringBuilder("weights:");
        final List<String> header = new ArrayList<>(List.of("NODE", "FEASIBLE", "TOTAL"));
        for (int s = 0; s < scorers.length; s++)
        {
            final String name = scorers[s].name();
            final String shortName = SHORT_NAMES.getOrDefault(name, name);
            weights.append(s == 0 ? " " : ", ").append(shortName).append('=').append(name).append(" x").append(engine.weight(s));
            header.add(shortName);
        }
        header.add("REASONS");
        out.println(scorers.length == 0 ? "weights: no score plugins" : weights.toString());

        final List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (final Explanation.NodeResult n : nodes)
        {
            final List<String> row = new ArrayList<>();
            row.add(n.name());
            row.add(n.feasible() ? "yes" : "no");
            row.add(n.feasible() && n.total() != null ? Long.toString(n.total()) : "-");
            for (final ScorePlugin scorer : scorers)
            {
                final Long v = n.scores().get(scorer.name());
                row.add(n.feasible() && v != null ? Long.toString(v) : "-");
            }
            row.add(n.feasible() ? "" : String.join("; ", n.reasons()));
            rows.add(row);
        }
        printAligned(rows, out);
    }

    /** Prints rows with columns padded to their widest cell, two spaces apart; score columns are right-aligned. */
    static void printAligned(final List<List<String>> rows, final PrintWriter out)
    {
        final int columns = rows.get(0).size();
        final int[] width = new int[columns];
        for (final List<String> row : rows)
        {
            for (int c = 0; c < columns; c++)
            {
                width[c] = Math.max(width[c], row.get(c).length());
            }
        }
        for (int r = 0; r < rows.size(); r++)
        {
            final List<String> row = rows.get(r);
            final StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++)
            {
                final String cell = row.get(c);
                final boolean last = c == columns - 1;
                final boolean numeric = c >= 2 && !last;
                if (c > 0)
                {
                    line.append("  ");
                }
                if (numeric)
                {
                    line.append(" ".repeat(width[c] - cell.length())).append(cell);
                }
                else
                {
                    line.append(cell);
                    if (!last)
                    {
                        line.append(" ".repeat(width[c] - cell.length()));
                    }
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }
}
