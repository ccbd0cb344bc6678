package io.berth.perf.peer;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.berth.sched.model.PodObject;

/**
 * Berth against Netflix Fenzo 1.0.1 on the same synthetic workload, in one JVM: generates each workload once
 * ({@link PeerWorkload}: 5,000 nodes and 150,000 pods by default, resources only and with per-group host
 * anti-affinity), schedules it through Berth's engine with a bin-packing profile and with kube's default profile
 * ({@link BerthRunner}) and through Fenzo's {@code TaskScheduler} at several batch sizes ({@link FenzoRunner}), and
 * reports pods/s and placement quality per engine, with Berth's ratios against Fenzo's best batch size.
 * <p>
 * Each engine configuration first runs once on a small warm-up workload (same kind and seed), then the measured
 * runs; medians are reported. Every run's placements are checked ({@link PlacementQuality}): no node over capacity,
 * no group twice on a node, no unplaced pod that fits. Run it with {@code scripts/compare-fenzo}; options in
 * {@link ComparisonConfig#USAGE}.
 */
public final class FenzoComparison
{
    private FenzoComparison()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        for (final String a : args)
        {
            if ("--help".equals(a) || "-h".equals(a))
            {
                System.out.print(ComparisonConfig.USAGE);
                return;
            }
        }
        final ComparisonConfig config;
        try
        {
            config = ComparisonConfig.parse(args);
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("compare-fenzo: " + ex.getMessage());
            System.err.print(ComparisonConfig.USAGE);
            System.exit(2);
            return;
        }
        final List<EngineResult> results = run(config, System.err);
        System.out.print(table(config, results));
        if (config.jsonFile() != null)
        {
            writeJson(config, results, config.jsonFile());
            System.err.println("compare-fenzo: wrote " + config.jsonFile());
        }
        boolean valid = true;
        for (final EngineResult r : results)
        {
            valid &= r.allRunsValid();
        }
        if (!valid)
        {
            System.err.println("compare-fenzo: some placements failed their checks (see the checks column)");
            System.exit(1);
        }
    }

    /** Runs every workload of the config through every engine configuration; progress lines go to {@code log}. */
    static List<EngineResult> run(final ComparisonConfig config, final PrintStream log)
    {
        final List<EngineResult> results = new ArrayList<>();
        for (final PeerWorkload.Kind kind : config.workloads())
        {
            long t0 = System.nanoTime();
            final PeerWorkload workload = PeerWorkload.generate(kind, config.nodes(), config.pods(), config.seed());
            final PodObject[] berthPods = workload.berthPods();
            log.printf(Locale.ROOT, "workload %s: %,d nodes, %,d pods, %,d groups, generated in %.1f s%n", kind.label,
                workload.nodeCount(), workload.podCount(), workload.groupCount(), (System.nanoTime() - t0) / 1e9);
            final PeerWorkload warmup = config.warmupPods() == 0 ? null :
                PeerWorkload.generate(kind, config.warmupNodes(), config.warmupPods(), config.seed());
            final PodObject[] warmupPods = warmup == null ? null : warmup.berthPods();

            for (final BerthRunner.BerthProfile profile : BerthRunner.BerthProfile.values())
            {
                if (!config.engines().contains(profile.label))
                {
                    continue;
                }
                if (warmup != null)
                {
                    t0 = System.nanoTime();
                    BerthRunner.run(warmup, warmupPods, profile, config.seed());
                    log.printf(Locale.ROOT, "  %s warm-up (%,d pods) %.1f s%n", profile.label, warmup.podCount(),
                        (System.nanoTime() - t0) / 1e9);
                }
                final List<RunResult> runs = new ArrayList<>();
                for (int r = 0; r < config.runs(); r++)
                {
                    System.gc();
                    final RunResult run = BerthRunner.run(workload, berthPods, profile, config.seed());
                    runs.add(run);
                    logRun(log, run, r, config.runs());
                }
                results.add(EngineResult.of(workload, runs));
            }
            for (final int batch : config.engines().contains("fenzo") ? config.batchSizes() : List.<Integer>of())
            {
                if (warmup != null)
                {
                    t0 = System.nanoTime();
                    FenzoRunner.run(warmup, Math.min(batch, warmup.podCount()));
                    log.printf(Locale.ROOT, "  fenzo batch %,d warm-up (%,d pods) %.1f s%n", batch, warmup.podCount(),
                        (System.nanoTime() - t0) / 1e9);
                }
                final List<RunResult> runs = new ArrayList<>();
                for (int r = 0; r < config.fenzoRuns(); r++)
                {
                    System.gc();
                    final RunResult run = FenzoRunner.run(workload, batch, log);
                    runs.add(run);
                    logRun(log, run, r, config.fenzoRuns());
                }
                results.add(EngineResult.of(workload, runs));
            }
        }
        return results;
    }

    private static void logRun(final PrintStream log, final RunResult run, final int index, final int of)
    {
        log.printf(Locale.ROOT, "  %s%s run %d/%d: %,d of %,d pods placed in %.2f s (%,.0f pods/s)%n", run.engine(),
            run.engine().equals("fenzo") ? " batch " + String.format(Locale.ROOT, "%,d", run.batchSize()) : "",
            index + 1, of, run.placed(), run.nodeOfPod().length, run.wallNs() / 1e9, run.podsPerSecond());
    }

    /** The best Fenzo result (highest median pods/s) of a workload, or null. */
    static EngineResult fenzoBest(final List<EngineResult> results, final PeerWorkload.Kind kind)
    {
        EngineResult best = null;
        for (final EngineResult r : results)
        {
            if (r.workload() == kind && r.isFenzo() && (best == null || r.medianPodsPerSecond() > best.medianPodsPerSecond()))
            {
                best = r;
            }
        }
        return best;
    }

    /** The report as a text table, one block per workload. */
    static String table(final ComparisonConfig config, final List<EngineResult> results)
    {
        final StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "Berth vs Fenzo 1.0.1: %,d nodes, %,d pods, seed %d; %d cpus; medians of %d Berth " +
                "and %d Fenzo run(s) after one warm-up run each (%,d nodes, %,d pods)%n", config.nodes(), config.pods(),
            config.seed(), Runtime.getRuntime().availableProcessors(), config.runs(), config.fenzoRuns(),
            config.warmupNodes(), config.warmupPods()));
        out.append(String.format(Locale.ROOT, "JVM: %s %s, %s%n", System.getProperty("java.vm.name"),
            System.getProperty("java.runtime.version"), String.join(" ", gcNames())));
        for (final PeerWorkload.Kind kind : config.workloads())
        {
            final EngineResult best = fenzoBest(results, kind);
            out.append(String.format(Locale.ROOT, "%nworkload %s%n", kind.label));
            out.append(String.format(Locale.ROOT, "%-14s %6s %11s %23s %9s %8s %8s %8s %6s %-6s %s%n", "engine", "batch",
                "pods/s", "(min - max)", "placed", "unplaced", "cpu", "memory", "nodes", "checks", "vs Fenzo best batch"));
            for (final EngineResult r : results)
            {
                if (r.workload() != kind)
                {
                    continue;
                }
                final PlacementQuality q = r.quality();
                final String versus;
                if (best == null)
                {
                    versus = "";
                }
                else if (r == best)
                {
                    versus = "(Fenzo's best)";
                }
                else
                {
                    versus = String.format(Locale.ROOT, "%.1fx pods/s, placed %+,d", r.medianPodsPerSecond() / best.medianPodsPerSecond(),
                        q.placed() - best.quality().placed());
                }
                out.append(String.format(Locale.ROOT, "%-14s %6s %,11.0f %23s %,9d %,8d %7.1f%% %7.1f%% %,6d %-6s %s%n",
                    r.engine(), r.isFenzo() ? String.format(Locale.ROOT, "%,d", r.batchSize()) : "-",
                    r.medianPodsPerSecond(),
                    String.format(Locale.ROOT, "(%,.0f - %,.0f)", r.minPodsPerSecond(), r.maxPodsPerSecond()),
                    q.placed(), q.unplaced(), 100 * q.cpuAllocated(), 100 * q.memoryAllocated(), q.nodesUsed(),
                    checks(r), versus));
            }
        }
        out.append(String.format(Locale.ROOT, "%ncpu, memory: placed requests / allocatable of all nodes at the end; nodes: nodes " +
            "holding a pod; checks: ok = no node over capacity, no group twice on a node, no unplaced pod that fits%n"));
        return out.toString();
    }

    private static String checks(final EngineResult r)
    {
        if (!r.allRunsValid())
        {
            final PlacementQuality q = r.quality();
            return "FAIL(over " + q.overCapacityNodes() + ", conflicts " + q.groupConflicts() + ", fit " + q.unplacedThatFit() + ")";
        }
        return r.placedEqualAcrossRuns() ? "ok" : "ok*";
    }

    private static List<String> gcNames()
    {
        final List<String> names = new ArrayList<>();
        for (final var gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            names.add(gc.getName());
        }
        return names;
    }

    static void writeJson(final ComparisonConfig config, final List<EngineResult> results, final Path file) throws IOException
    {
        final Map<String, Object> root = new LinkedHashMap<>();
        final Map<String, Object> setup = new LinkedHashMap<>();
        setup.put("nodes", config.nodes());
        setup.put("pods", config.pods());
        setup.put("seed", config.seed());
        setup.put("berthRuns", config.runs());
        setup.put("fenzoRuns", config.fenzoRuns());
        setup.put("warmupNodes", config.warmupNodes());
        setup.put("warmupPods", config.warmupPods());
        setup.put("cpus", Runtime.getRuntime().availableProcessors());
        setup.put("jvm", System.getProperty("java.runtime.version"));
        root.put("setup", setup);
        final List<Map<String, Object>> rows = new ArrayList<>();
        for (final EngineResult r : results)
        {
            final EngineResult best = fenzoBest(results, r.workload());
            final PlacementQuality q = r.quality();
            final Map<String, Object> row = new LinkedHashMap<>();
            row.put("workload", r.workload().label);
            row.put("engine", r.engine());
            row.put("batchSize", r.batchSize());
            row.put("podsPerSecondMedian", Math.round(r.medianPodsPerSecond()));
            row.put("podsPerSecondMin", Math.round(r.minPodsPerSecond()));
            row.put("podsPerSecondMax", Math.round(r.maxPodsPerSecond()));
            final List<Double> walls = new ArrayList<>();
            for (final RunResult run : r.runs())
            {
                walls.add(run.wallNs() / 1e9);
            }
            row.put("wallSeconds", walls);
            row.put("scheduleCalls", r.runs().get(0).scheduleCalls());
            row.put("placed", q.placed());
            row.put("unplaced", q.unplaced());
            row.put("placedBeforeFirstFailure", q.placedBeforeFirstFailure());
            row.put("cpuAllocated", q.cpuAllocated());
            row.put("memoryAllocated", q.memoryAllocated());
            row.put("nodesUsed", q.nodesUsed());
            row.put("overCapacityNodes", q.overCapacityNodes());
            row.put("groupConflicts", q.groupConflicts());
            row.put("unplacedThatFit", q.unplacedThatFit());
            row.put("placedEqualAcrossRuns", r.placedEqualAcrossRuns());
            row.put("allRunsValid", r.allRunsValid());
            if (best != null)
            {
                row.put("podsPerSecondVsFenzoBest", r.medianPodsPerSecond() / best.medianPodsPerSecond());
                row.put("placedVsFenzoBest", q.placed() - best.quality().placed());
                row.put("fenzoBestBatchSize", best.batchSize());
            }
            rows.add(row);
        }
        root.put("results", rows);
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null)
        {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }
}
