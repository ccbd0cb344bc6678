package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.Taint;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.plugins.imagelocality.ImageLocality;
import io.berth.sched.plugins.tainttoleration.TaintToleration;
import io.berth.sched.table.NodeTable;

/**
 * A {@link ScorePlugin#uniform} plugin left out of a cycle changes no decision: on random clusters, half of them
 * without PreferNoSchedule taints, an engine that skips the uniform plugins and one whose plugins never say they
 * are uniform place every pod on the same node (sampled cycles, full circles, the class cache, ties drawn), while
 * an explanation still shows kube's scores for the skipped plugin.
 */
class UniformScoreTest
{
    @Test
    void leavingUniformScoresOutChangesNoDecision()
    {
        int skipped = 0;
        int cycles = 0;
        for (long seed = 1; seed <= 40; seed++)
        {
            final RandomCluster rc = seed % 2 == 1 ? new RandomCluster(seed).withGpus() : new RandomCluster(seed);
            final boolean noPreferTaints = seed % 4 < 2;
            final int pct = rc.random().nextBoolean() ? 0 : 10 + rc.random().nextInt(50);
            final SchedulingEngine skipping = new SchedulingEngine(new NodeTable(64), plugins(false, pct), seed);
            final SchedulingEngine reference = new SchedulingEngine(new NodeTable(64), plugins(true, pct), seed);
            final int tt = indexOf(skipping, TaintToleration.NAME);
            final int nodes = 1 + rc.random().nextInt(250);
            final List<PodObject> recent = new ArrayList<>();
            for (int i = 0; i < nodes; i++)
            {
                NodeObject n = rc.node("n" + i);
                if (noPreferTaints)
                {
                    n = n.toBuilder().taints(n.taints().stream().filter(t -> !Taint.PREFER_NO_SCHEDULE.equals(t.effect())).toList()).build();
                }
                assertThat(skipping.upsertNode(n)).isEqualTo(reference.upsertNode(n));
            }
            for (int i = 0; i < 80; i++)
            {
                final PodObject pod = !recent.isEmpty() && rc.random().nextBoolean() ?
                    recent.get(rc.random().nextInt(recent.size())).toBuilder().name("p" + i).build() : rc.pod("p" + i, "");
                recent.add(pod);
                final int slot = skipping.schedule(pod);
                assertThat(reference.schedule(pod)).as("seed %d pod %d", seed, i).isEqualTo(slot);
                assertThat(reference.lastFeasibleCount()).isEqualTo(skipping.lastFeasibleCount());
                if (slot >= 0 && skipping.lastFeasibleCount() > 1 && max(skipping.lastScores(tt)) == 0 &&
                    max(reference.lastScores(tt)) == Kernels.MAX_NODE_SCORE)
                {
                    skipped++;
                }
                cycles++;
            }
        }
        assertThat(cycles).isEqualTo(40 * 80);
        assertThat(skipped).as("cycles that left TaintToleration out").isGreaterThan(200);
    }

    @Test
    void anExplanationStillShowsTheUniformPluginsScores()
    {
        final RandomCluster rc = new RandomCluster(7);
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(16), PluginRegistry.build(Profile.defaultProfile()), 7);
        for (int i = 0; i < 5; i++)
        {
            final NodeObject n = rc.node("n" + i);
            engine.upsertNode(n.toBuilder().taints(List.of()).build());
        }
        final PodObject pod = rc.pod("p", "").toBuilder().tolerations(List.of()).build();
        final Explanation e = engine.explain(pod);
        final List<Explanation.NodeResult> feasible = e.nodes().stream().filter(Explanation.NodeResult::feasible).toList();
        assertThat(feasible).isNotEmpty();
        assertThat(feasible).allSatisfy(r -> assertThat(r.scores()).containsEntry(TaintToleration.NAME, (long)Kernels.MAX_NODE_SCORE));
    }

    private static long max(final long[] values)
    {
        long m = 0;
        for (final long v : values)
        {
            m = Math.max(m, v);
        }
        return m;
    }

    private static int indexOf(final SchedulingEngine engine, final String name)
    {
        final ScorePlugin[] scorers = engine.scorePlugins();
        for (int i = 0; i < scorers.length; i++)
        {
            if (scorers[i].name().equals(name))
            {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    /** The default plugins; with {@code neverUniform} TaintToleration and ImageLocality never say they are uniform. */
    private static Plugins plugins(final boolean neverUniform, final int percentageOfNodesToScore)
    {
        final Plugins p = PluginRegistry.build(Profile.defaultProfile());
        final List<ScorePlugin> scores = new ArrayList<>();
        for (final ScorePlugin s : p.scores())
        {
            scores.add(neverUniform && (s instanceof TaintToleration || s instanceof ImageLocality) ? new NeverUniform(s) : s);
        }
        return new Plugins(p.filters(), scores, p.weights(), percentageOfNodesToScore);
    }

    /** Delegates every call; never uniform. */
    private record NeverUniform(ScorePlugin delegate) implements ScorePlugin
    {
        public String name()
        {
            return delegate.name();
        }

        public int defaultWeight()
        {
            return delegate.defaultWeight();
        }

        public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
        {
            return delegate.preScore(pod, requests, table);
        }

        public void score(final NodeTable table, final long[] scores, final int from, final int to)
        {
            delegate.score(table, scores, from, to);
        }

        public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
        {
            delegate.scoreScalar(table, scores, from, to);
        }

        public Normalization normalization()
        {
            return delegate.normalization();
        }

        public void normalize(final long[] scores, final long[] failBits, final int from, final int to)
        {
            delegate.normalize(scores, failBits, from, to);
        }

        public void normalizeScalar(final long[] scores, final long[] failBits, final int from, final int to)
        {
            delegate.normalizeScalar(scores, failBits, from, to);
        }
    }
}
