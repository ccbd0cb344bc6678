package io.berth.perf.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import io.berth.sched.framework.FilterPlugin;
import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.Plugins;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * The passes of one scheduling cycle, Vector API against the scalar reference twins, for one representative
 * pending pod on a generated cluster of 5,000 nodes with 150,000 bound pods. {@code pass} selects what one
 * operation runs:
 * <ul>
 * <li>{@code cycle}: {@link SchedulingEngine#selectHost} (compile, every filter and score pass, normalize,
 * weigh, select; no assume), with the engine's per-class result cache off;</li>
 * <li>{@code filters}: every filter pass the pod does not skip, as the engine runs them (no PreFilter);</li>
 * <li>{@code scores}: every score pass the pod does not skip, each followed by its NormalizeScore as the engine
 * runs it for a pod computed from scratch (no PreScore, no weighted total);</li>
 * <li>{@code filter.<Plugin>} / {@code score.<Plugin>}: one plugin's pass (a score pass with its normalize);</li>
 * <li>{@code compile}: the per-pod work before the passes: {@link PodRequests#compile}, every PreFilter and
 * every PreScore.</li>
 * </ul>
 * The representative pod is the first generated pending pod that more than one node fits and that the most
 * passes do not skip, so that every pass does real work; for a single plugin's pass, the first such pod that
 * does not skip that plugin (the setup prints which pod it took). PreFilter and PreScore run once in setup with
 * a {@link PodRequests} compiled for it. Filter passes only OR bits, so repeating one over the same fail-bit
 * column (computed once in setup from every filter) is idempotent; score passes overwrite their column.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+UseParallelGC"})
public class PassesBenchmark
{
    /** Generated pending pods the representative pod is chosen from. */
    static final int CANDIDATES = 1024;

    @Param({"5000"})
    public int nodes;

    @Param({"vector", "scalar"})
    public String mode;

    @Param({
        "cycle", "compile", "filters", "scores",
        "filter.NodeUnschedulable", "filter.TaintToleration", "filter.NodeAffinity", "filter.NodePorts",
        "filter.NodeResourcesFit",
        "score.TaintToleration", "score.NodeAffinity", "score.NodeResourcesFit", "score.NodeResourcesBalancedAllocation",
        "score.ImageLocality"})
    public String pass;

    @Param({"1"})
    public long seed;

    private SchedulingEngine engine;
    private NodeTable table;
    private PodObject pod;
    private boolean vector;
    private boolean cycle;
    private boolean compileOnly;
    private PodRequests requests;
    private List<FilterPlugin> allFilters;
    private List<ScorePlugin> allScores;
    private boolean[] filterActive;
    private boolean[] scoreActive;
    private FilterPlugin[] filters;
    private long[] filterBits;
    private ScorePlugin[] scorers;
    private long[][] scores;
    private long[][] normalized;
    private long[] failBits;
    private int limit;

    @Setup(Level.Trial)
    public void setUp()
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse(
            "nodes=" + nodes + ",pods=" + CANDIDATES + ",existing=" + (long)nodes * ScheduleOneBenchmark.EXISTING_PER_NODE +
            ",seed=" + seed));
        vector = "vector".equals(mode);
        engine = ScheduleOneBenchmark.newEngine(cluster, seed, vector).cache(false).percentageOfNodesToScore(100);
        table = engine.table();
        final Plugins plugins = PluginRegistry.build(Profile.defaultProfile());
        allFilters = plugins.filters();
        allScores = plugins.scores();
        requests = new PodRequests(table);
        filterActive = new boolean[allFilters.size()];
        scoreActive = new boolean[allScores.size()];

        cycle = "cycle".equals(pass);
        compileOnly = "compile".equals(pass);
        pod = pickPod(cluster.pendingPods(), pass.startsWith("filter.") || pass.startsWith("score.") ? pass : null);
        compile(pod);

        limit = (table.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
        failBits = new long[table.capacity()];
        for (int i = 0; i < limit; i++)
        {
            failBits[i] = table.isLive(i) ? 0 : SchedulingEngine.NOT_LIVE;
        }
        for (int k = 0; k < allFilters.size(); k++)
        {
            if (filterActive[k])
            {
                allFilters.get(k).filterScalar(table, failBits, 1L << (k + 1), limit);
            }
        }

        final List<FilterPlugin> fs = new ArrayList<>();
        final List<Long> bits = new ArrayList<>();
        final List<ScorePlugin> ss = new ArrayList<>();
        boolean named = false;
        for (int k = 0; k < allFilters.size(); k++)
        {
            final FilterPlugin p = allFilters.get(k);
            named |= pass.equals("filter." + p.name());
            if (filterActive[k] && ("filters".equals(pass) || pass.equals("filter." + p.name())))
            {
                fs.add(p);
                bits.add(1L << (k + 1));
            }
        }
        for (int s = 0; s < allScores.size(); s++)
        {
            final ScorePlugin p = allScores.get(s);
            named |= pass.equals("score." + p.name());
            if (scoreActive[s] && ("scores".equals(pass) || pass.equals("score." + p.name())))
            {
                ss.add(p);
            }
        }
        if (!named && !cycle && !compileOnly && !"filters".equals(pass) && !"scores".equals(pass))
        {
            throw new IllegalArgumentException("pass " + pass + " names no pass of the default profile");
        }
        if (named && fs.isEmpty() && ss.isEmpty())
        {
            System.out.println("\n# note: every generated pending pod skips " + pass +
                " (kube's Skip), so there is nothing to measure: the operation is empty");
        }
        filters = fs.toArray(new FilterPlugin[0]);
        filterBits = new long[bits.size()];
        for (int i = 0; i < filterBits.length; i++)
        {
            filterBits[i] = bits.get(i);
        }
        scorers = ss.toArray(new ScorePlugin[0]);
        scores = new long[scorers.length][table.capacity()];
        normalized = new long[scorers.length][table.capacity()];
        int feasible = 0;
        for (int i = 0; i < limit; i++)
        {
            feasible += failBits[i] == 0 ? 1 : 0;
        }
        System.out.println("\n# pod " + pod.key() + ": " + feasible + " of " + table.liveCount() + " nodes feasible");
    }

    /**
     * The first pending pod, among those that fit more than one node (and do not skip the plugin of
     * {@code onePass}, when given), with the most passes not skipped; else the first pending pod.
     */
    private PodObject pickPod(final List<PodObject> pending, final String onePass)
    {
        PodObject best = pending.get(0);
        int bestActive = -1;
        for (final PodObject candidate : pending)
        {
            if (engine.selectHost(candidate) < 0 || engine.lastFeasibleCount() < 2)
            {
                continue;
            }
            final int active = compile(candidate);
            if (onePass != null && !activeFor(onePass))
            {
                continue;
            }
            if (active > bestActive)
            {
                best = candidate;
                bestActive = active;
            }
        }
        return best;
    }

    private boolean activeFor(final String onePass)
    {
        for (int k = 0; k < allFilters.size(); k++)
        {
            if (filterActive[k] && onePass.equals("filter." + allFilters.get(k).name()))
            {
                return true;
            }
        }
        for (int s = 0; s < allScores.size(); s++)
        {
            if (scoreActive[s] && onePass.equals("score." + allScores.get(s).name()))
            {
                return true;
            }
        }
        return false;
    }

    /** PreFilter then PreScore, in the engine's order; returns the number of passes not skipped. */
    private int compile(final PodObject p)
    {
        requests.compile(p);
        int active = 0;
        for (int k = 0, n = allFilters.size(); k < n; k++)
        {
            filterActive[k] = allFilters.get(k).preFilter(p, requests, table);
            active += filterActive[k] ? 1 : 0;
        }
        for (int s = 0, n = allScores.size(); s < n; s++)
        {
            scoreActive[s] = allScores.get(s).preScore(p, requests, table);
            active += scoreActive[s] ? 1 : 0;
        }
        return active;
    }

    /** NormalizeScore as the engine runs it for a class computed from scratch; returns one normalized score. */
    private long normalize(final ScorePlugin p, final long[] raw, final long[] out, final long[] fail, final int n)
    {
        switch (p.normalization())
        {
            case NONE ->
            {
                return raw[n - 1];
            }
            case CUSTOM ->
            {
                System.arraycopy(raw, 0, out, 0, n);
                if (vector)
                {
                    p.normalize(out, fail, n);
                }
                else
                {
                    p.normalizeScalar(out, fail, n);
                }
                return out[n - 1];
            }
            default ->
            {
                final boolean reverse = p.normalization() == ScorePlugin.Normalization.DEFAULT_REVERSE;
                if (vector)
                {
                    Kernels.normalizeWithMax(raw, out, 0, n, Kernels.feasibleMax(raw, fail, n), reverse);
                }
                else
                {
                    Kernels.normalizeWithMaxScalar(raw, out, 0, n, Kernels.feasibleMaxScalar(raw, fail, n), reverse);
                }
                return out[n - 1];
            }
        }
    }

    /** Runs the selected passes once; returns a value that depends on their output. */
    @Benchmark
    public long run()
    {
        if (cycle)
        {
            return engine.selectHost(pod);
        }
        if (compileOnly)
        {
            return compile(pod);
        }
        final long[] fail = failBits;
        final int n = limit;
        for (int k = 0; k < filters.length; k++)
        {
            if (vector)
            {
                filters[k].filter(table, fail, filterBits[k], n);
            }
            else
            {
                filters[k].filterScalar(table, fail, filterBits[k], n);
            }
        }
        long sink = fail[n - 1];
        for (int s = 0; s < scorers.length; s++)
        {
            final ScorePlugin p = scorers[s];
            final long[] raw = scores[s];
            final long[] out = normalized[s];
            if (vector)
            {
                p.score(table, raw, n);
            }
            else
            {
                p.scoreScalar(table, raw, n);
            }
            sink += normalize(p, raw, out, fail, n);
        }
        return sink;
    }
}
