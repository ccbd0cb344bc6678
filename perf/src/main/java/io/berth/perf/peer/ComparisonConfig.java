package io.berth.perf.peer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Settings of a Berth-vs-Fenzo comparison, defaults in one place, validated once by the constructor.
 *
 * @param nodes        nodes of the measured workload
 * @param pods         pending pods of the measured workload
 * @param seed         generator seed (also Berth's tie-break seed)
 * @param runs         measured runs of each Berth profile (median reported)
 * @param fenzoRuns    measured runs of Fenzo at each batch size (median reported)
 * @param batchSizes   Fenzo tasks per {@code scheduleOnce} call
 * @param workloads    which workloads to run
 * @param engines      which engines to run: {@code berth-binpack}, {@code berth-default}, {@code fenzo}
 * @param warmupNodes  nodes of the warm-up workload each engine configuration runs once before it is measured
 * @param warmupPods   pods of the warm-up workload
 * @param jsonFile     where to write the results as JSON, or null
 */
record ComparisonConfig(int nodes, int pods, long seed, int runs, int fenzoRuns, List<Integer> batchSizes,
                        List<PeerWorkload.Kind> workloads, List<String> engines, int warmupNodes, int warmupPods, Path jsonFile)
{
    static final int DEFAULT_NODES = 5_000;
    static final int DEFAULT_PODS = 150_000;
    static final long DEFAULT_SEED = 1;
    static final int DEFAULT_RUNS = 3;
    static final int DEFAULT_FENZO_RUNS = 1;
    static final List<Integer> DEFAULT_BATCH_SIZES = List.of(100, 1_000, 10_000);
    static final List<PeerWorkload.Kind> DEFAULT_WORKLOADS = List.of(PeerWorkload.Kind.RESOURCES, PeerWorkload.Kind.ANTI_AFFINITY);
    static final List<String> ENGINES = List.of("berth-binpack", "berth-default", "fenzo");
    static final int DEFAULT_WARMUP_NODES = 500;
    static final int DEFAULT_WARMUP_PODS = 5_000;

    static final String USAGE = """
        usage: scripts/compare-fenzo [options]
          --nodes N          nodes of the workload (default 5000)
          --pods N           pending pods (default 150000)
          --seed N           generator seed (default 1)
          --runs N           measured runs per Berth profile, median reported (default 3)
          --fenzo-runs N     measured runs per Fenzo batch size, median reported (default 1)
          --batches A,B,..   Fenzo tasks per scheduleOnce call (default 100,1000,10000)
          --workloads W,..   resources, anti-affinity (default both)
          --engines E,..     berth-binpack, berth-default, fenzo (default all three)
          --warmup-nodes N   nodes of the warm-up workload (default 500)
          --warmup-pods N    pods of the warm-up workload (default 5000; 0 skips the warm-up)
          --json FILE        also write the results as JSON
        """;

    ComparisonConfig
    {
        positive("nodes", nodes);
        positive("pods", pods);
        positive("runs", runs);
        positive("fenzo-runs", fenzoRuns);
        positive("warmup-nodes", warmupNodes);
        if (warmupPods < 0)
        {
            throw new IllegalArgumentException("--warmup-pods must not be negative, got " + warmupPods);
        }
        batchSizes = List.copyOf(batchSizes);
        workloads = List.copyOf(workloads);
        engines = List.copyOf(engines);
        if (batchSizes.isEmpty() || workloads.isEmpty() || engines.isEmpty())
        {
            throw new IllegalArgumentException("--batches, --workloads and --engines need at least one value");
        }
        for (final String e : engines)
        {
            if (!ENGINES.contains(e))
            {
                throw new IllegalArgumentException("unknown engine \"" + e + "\" (" + String.join(", ", ENGINES) + ")");
            }
        }
        for (final int b : batchSizes)
        {
            positive("batches", b);
        }
    }

    static ComparisonConfig defaults()
    {
        return new ComparisonConfig(DEFAULT_NODES, DEFAULT_PODS, DEFAULT_SEED, DEFAULT_RUNS, DEFAULT_FENZO_RUNS,
            DEFAULT_BATCH_SIZES, DEFAULT_WORKLOADS, ENGINES, DEFAULT_WARMUP_NODES, DEFAULT_WARMUP_PODS, null);
    }

    /** Parses command-line options; throws {@link IllegalArgumentException} naming the bad option. */
    static ComparisonConfig parse(final String[] args)
    {
        int nodes = DEFAULT_NODES;
        int pods = DEFAULT_PODS;
        long seed = DEFAULT_SEED;
        int runs = DEFAULT_RUNS;
        int fenzoRuns = DEFAULT_FENZO_RUNS;
        List<Integer> batches = DEFAULT_BATCH_SIZES;
        List<PeerWorkload.Kind> workloads = DEFAULT_WORKLOADS;
        List<String> engines = ENGINES;
        int warmupNodes = DEFAULT_WARMUP_NODES;
        int warmupPods = DEFAULT_WARMUP_PODS;
        Path json = null;
        for (int i = 0; i < args.length; i++)
        {
            final String option = args[i];
            if (i + 1 >= args.length)
            {
                throw new IllegalArgumentException(option.startsWith("--") ? option + " needs a value" : "unknown argument " + option);
            }
            final String value = args[++i];
            switch (option)
            {
                case "--nodes" -> nodes = intValue(option, value);
                case "--pods" -> pods = intValue(option, value);
                case "--seed" -> seed = longValue(option, value);
                case "--runs" -> runs = intValue(option, value);
                case "--fenzo-runs" -> fenzoRuns = intValue(option, value);
                case "--batches" ->
                {
                    final List<Integer> list = new ArrayList<>();
                    for (final String part : value.split(",", -1))
                    {
                        list.add(intValue(option, part.trim()));
                    }
                    batches = list;
                }
                case "--workloads" ->
                {
                    final List<PeerWorkload.Kind> list = new ArrayList<>();
                    for (final String part : value.split(",", -1))
                    {
                        list.add(PeerWorkload.Kind.parse(part.trim()));
                    }
                    workloads = list;
                }
                case "--engines" ->
                {
                    final List<String> list = new ArrayList<>();
                    for (final String part : value.split(",", -1))
                    {
                        list.add(part.trim());
                    }
                    engines = list;
                }
                case "--warmup-nodes" -> warmupNodes = intValue(option, value);
                case "--warmup-pods" -> warmupPods = intValue(option, value);
                case "--json" -> json = Path.of(value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new ComparisonConfig(nodes, pods, seed, runs, fenzoRuns, batches, workloads, engines, warmupNodes, warmupPods, json);
    }

    private static int intValue(final String option, final String text)
    {
        final long v = longValue(option, text);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException(option + " out of range: " + text);
        }
        return (int)v;
    }

    private static long longValue(final String option, final String text)
    {
        try
        {
            return Long.parseLong(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(option + " is not an integer: \"" + text + "\"");
        }
    }

    private static void positive(final String option, final long value)
    {
        if (value < 1)
        {
            throw new IllegalArgumentException("--" + option + " must be at least 1, got " + value);
        }
    }
}
