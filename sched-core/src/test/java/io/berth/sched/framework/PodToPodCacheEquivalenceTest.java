package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.plugins.interpodaffinity.InterPodAffinity;
import io.berth.sched.plugins.podtopologyspread.PodTopologySpread;
import io.berth.sched.table.NodeTable;

/**
 * The per-class cache with the pod-to-pod plugins on: node-local plugins are served from the cache while
 * InterPodAffinity and PodTopologySpread are recomputed on every node whenever their answer depends on other nodes'
 * pods. Three engines fed the same random sequence of node changes, placements and deletions (cached vector,
 * uncached vector, uncached scalar) must agree on every fail bit, every normalized score, every total and the choice.
 */
class PodToPodCacheEquivalenceTest
{
    private static final String HOST = "kubernetes.io/hostname";
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final String[] APPS = {"web", "db", "cache"};

    static Profile fullProfile()
    {
        return Profile.builder()
            .enableFilter(PodTopologySpread.NAME).enableFilter(InterPodAffinity.NAME)
            .scoreWeight(PodTopologySpread.NAME, 2).scoreWeight(InterPodAffinity.NAME, 2).build();
    }

    @Test
    void cachedAndUncachedEnginesAgreeWithPodToPodPlugins()
    {
        int compared = 0;
        for (long seed = 1; seed <= 40; seed++)
        {
            compared += run(seed);
        }
        assertThat(compared).isGreaterThan(3000);
    }

    private int run(final long seed)
    {
        final Random r = new Random(seed);
        final SchedulingEngine[] engines = {
            new SchedulingEngine(new NodeTable(64), PluginRegistry.build(fullProfile()), seed),
            new SchedulingEngine(new NodeTable(64), PluginRegistry.build(fullProfile()), seed).cache(false),
            new SchedulingEngine(new NodeTable(64), PluginRegistry.build(fullProfile()), seed).cache(false).vector(false)};
        final int nodes = 4 + r.nextInt(60);
        final int zones = 1 + r.nextInt(5);
        final List<String> names = new ArrayList<>();
        for (int i = 0; i < nodes; i++)
        {
            final NodeObject n = node("n" + i, zones, r);
            names.add(n.name());
            for (final SchedulingEngine e : engines)
            {
                e.upsertNode(n);
            }
        }
        final PodObject[] shapes = new PodObject[6];
        for (int i = 0; i < shapes.length; i++)
        {
            shapes[i] = shape(r, i);
        }
        final List<PodObject> placed = new ArrayList<>();
        int compared = 0;
        for (int step = 0; step < 150; step++)
        {
            final int op = r.nextInt(20);
            if (op == 0 && names.size() > 1)
            {
                final String name = names.remove(r.nextInt(names.size()));
                for (final SchedulingEngine e : engines)
                {
                    e.removeNode(name);
                }
                placed.removeIf(p -> engines[0].pods().nodeSlotOf(p.key()) < 0);
            }
            else if (op == 1)
            {
                final NodeObject n = node("late" + step, zones, r);
                names.add(n.name());
                for (final SchedulingEngine e : engines)
                {
                    e.upsertNode(n);
                }
            }
            else if (op < 6 && !placed.isEmpty())
            {
                final PodObject gone = placed.remove(r.nextInt(placed.size()));
                for (final SchedulingEngine e : engines)
                {
                    assertThat(e.removePod(gone.key())).isTrue();
                }
            }
            else
            {
                final PodObject pod = shapes[r.nextInt(shapes.length)].toBuilder().name("p" + step).build();
                final int chosen = engines[0].schedule(pod);
                for (int k = 1; k < engines.length; k++)
                {
                    final int other = engines[k].schedule(pod);
                    assertThat(other).as("choice of engine %d, seed %d step %d", k, seed, step).isEqualTo(chosen);
                    compare(engines[0], engines[k], seed, step);
                }
                if (chosen >= 0)
                {
                    placed.add(pod);
                }
                compared++;
            }
        }
        return compared;
    }

    private static void compare(final SchedulingEngine a, final SchedulingEngine b, final long seed, final int step)
    {
        final int limit = a.table().slotLimit();
        final long[] fa = a.lastFailBits();
        final long[] fb = b.lastFailBits();
        for (int i = 0; i < limit; i++)
        {
            assertThat(fb[i]).as("fail bits slot %d seed %d step %d", i, seed, step).isEqualTo(fa[i]);
        }
        if (a.lastFeasibleCount() < 2)
        {
            return;
        }
        for (int s = 0; s < a.scorePlugins().length; s++)
        {
            final long[] sa = a.lastScores(s);
            final long[] sb = b.lastScores(s);
            for (int i = 0; i < limit; i++)
            {
                if (fa[i] == 0)
                {
                    assertThat(sb[i]).as("%s slot %d seed %d step %d", a.scorePlugins()[s].name(), i, seed, step)
                        .isEqualTo(sa[i]);
                }
            }
        }
        final long[] ta = a.lastTotals();
        final long[] tb = b.lastTotals();
        for (int i = 0; i < limit; i++)
        {
            if (fa[i] == 0)
            {
                assertThat(tb[i]).isEqualTo(ta[i]);
            }
        }
    }

    static NodeObject node(final String name, final int zones, final Random r)
    {
        return NodeObject.builder(name)
            .labels(Map.of(HOST, name, ZONE, "z" + r.nextInt(zones)))
            .allocatable(ResourceList.ofMilli("cpu", (2 + r.nextInt(6)) * 1000L, "memory", 8L << 40, "pods", 110_000L))
            .build();
    }

    /** One pod shape: an app label, a request, and a random mix of pod-to-pod terms. */
    static PodObject shape(final Random r, final int i)
    {
        final String app = APPS[r.nextInt(APPS.length)];
        final LabelSelector same = new LabelSelector(Map.of("app", app), List.of());
        final LabelSelector other = new LabelSelector(Map.of("app", APPS[r.nextInt(APPS.length)]), List.of());
        final PodObject.Builder b = PodObject.builder("default", "shape" + i).labels(Map.of("app", app))
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", (1 + r.nextInt(8)) * 250L))));
        final List<PodAffinityTerm> requiredAnti = new ArrayList<>();
        final List<WeightedPodAffinityTerm> preferredAnti = new ArrayList<>();
        final List<PodAffinityTerm> requiredAff = new ArrayList<>();
        final List<WeightedPodAffinityTerm> preferredAff = new ArrayList<>();
        if (r.nextInt(3) == 0)
        {
            requiredAnti.add(term(same, r.nextBoolean() ? HOST : ZONE));
        }
        if (r.nextInt(3) == 0)
        {
            preferredAnti.add(new WeightedPodAffinityTerm(1 + r.nextInt(100), term(other, HOST)));
        }
        if (r.nextInt(4) == 0)
        {
            requiredAff.add(term(same, ZONE));
        }
        if (r.nextInt(3) == 0)
        {
            preferredAff.add(new WeightedPodAffinityTerm(1 + r.nextInt(100), term(other, ZONE)));
        }
        b.podAntiAffinity(new PodAffinity(requiredAnti, preferredAnti));
        b.podAffinity(new PodAffinity(requiredAff, preferredAff));
        if (r.nextBoolean())
        {
            final List<TopologySpreadConstraint> spread = new ArrayList<>();
            spread.add(new TopologySpreadConstraint(1 + r.nextInt(2), ZONE,
                r.nextBoolean() ? "DoNotSchedule" : "ScheduleAnyway", same, null, "", "", List.of()));
            if (r.nextBoolean())
            {
                spread.add(new TopologySpreadConstraint(1 + r.nextInt(3), HOST, "ScheduleAnyway", same, null, "", "", List.of()));
            }
            b.topologySpreadConstraints(spread);
        }
        return b.build();
    }

    private static PodAffinityTerm term(final LabelSelector selector, final String key)
    {
        return new PodAffinityTerm(selector, List.of(), key, null, List.of(), List.of());
    }
}
