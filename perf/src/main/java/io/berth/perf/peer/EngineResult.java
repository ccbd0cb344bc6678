package io.berth.perf.peer;

import java.util.Arrays;
import java.util.List;

/**
 * The measured runs of one engine configuration on one workload: throughput over the runs and the placement
 * quality of the runs (equal across runs when the engine is deterministic; {@link #placedEqualAcrossRuns} says).
 */
record EngineResult(PeerWorkload.Kind workload, String engine, int batchSize, List<RunResult> runs, PlacementQuality quality,
                    boolean placedEqualAcrossRuns, boolean allRunsValid)
{
    static EngineResult of(final PeerWorkload workload, final List<RunResult> runs)
    {
        if (runs.isEmpty())
        {
            throw new IllegalArgumentException("no runs");
        }
        PlacementQuality last = null;
        boolean equal = true;
        boolean valid = true;
        for (final RunResult run : runs)
        {
            final PlacementQuality q = PlacementQuality.of(workload, run.nodeOfPod());
            equal &= last == null || last.placed() == q.placed();
            valid &= q.valid();
            last = q;
        }
        final RunResult first = runs.get(0);
        return new EngineResult(workload.kind, first.engine(), first.batchSize(), List.copyOf(runs), last, equal, valid);
    }

    boolean isFenzo()
    {
        return "fenzo".equals(engine);
    }

    double medianPodsPerSecond()
    {
        return median(rates());
    }

    double minPodsPerSecond()
    {
        return Arrays.stream(rates()).min().orElse(0);
    }

    double maxPodsPerSecond()
    {
        return Arrays.stream(rates()).max().orElse(0);
    }

    double medianWallSeconds()
    {
        final double[] s = new double[runs.size()];
        for (int i = 0; i < s.length; i++)
        {
            s[i] = runs.get(i).wallNs() / 1e9;
        }
        return median(s);
    }

    private double[] rates()
    {
        final double[] r = new double[runs.size()];
        for (int i = 0; i < r.length; i++)
        {
            r[i] = runs.get(i).podsPerSecond();
        }
        return r;
    }

    static double median(final double[] values)
    {
        final double[] v = values.clone();
        Arrays.sort(v);
        final int n = v.length;
        return n == 0 ? 0 : n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
