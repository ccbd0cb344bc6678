package io.berth.sched.preemption;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.plugins.interpodaffinity.InterPodAffinity;
import io.berth.sched.plugins.podtopologyspread.PodTopologySpread;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * The safety property, checked by brute force independent of the plugins' code: after any sequence of
 * placements (with preemption when a pod fits nowhere), deletions and node additions, no node is over capacity,
 * no two pods violate a required anti-affinity term in either direction, and every pod with a DoNotSchedule
 * spread constraint was placed within its maxSkew (counted just before its placement, victims already gone).
 */
class SchedulingInvariantsPropertyTest
{
    private static final String HOST = "kubernetes.io/hostname";
    private static final String ZONE = "topology.kubernetes.io/zone";
    private static final String[] APPS = {"web", "db", "cache", "batch"};

    @Property(tries = 60)
    void noSequenceOfPlacementsPreemptionsAndDeletionsBreaksTheHardRules(@ForAll final long seed)
    {
        final Random r = new Random(seed);
        final Profile profile = Profile.builder()
            .enableFilter(PodTopologySpread.NAME).enableFilter(InterPodAffinity.NAME)
            .scoreWeight(PodTopologySpread.NAME, 2).scoreWeight(InterPodAffinity.NAME, 2).build();
        final SchedulingEngine engine = new SchedulingEngine(new NodeTable(16), PluginRegistry.build(profile), seed)
            .vector(r.nextBoolean()).cache(r.nextBoolean());
        final DefaultPreemption preemption = new DefaultPreemption(seed);
        final int zones = 1 + r.nextInt(3);
        int nodeCount = 0;
        for (int i = 0, n = 2 + r.nextInt(10); i < n; i++)
        {
            engine.upsertNode(node("n" + nodeCount++, zones, r));
        }
        final List<PodObject> placed = new ArrayList<>();
        for (int step = 0; step < 120; step++)
        {
            final int op = r.nextInt(10);
            if (op == 0)
            {
                engine.upsertNode(node("n" + nodeCount++, zones, r));
            }
            else if (op < 3 && !placed.isEmpty())
            {
                final PodObject gone = placed.remove(r.nextInt(placed.size()));
                assertThat(engine.removePod(gone.key())).isTrue();
            }
            else
            {
                PodObject pod = pod("p" + step, r);
                Map<String, Integer> before = zoneCounts(engine, pod);
                int slot = engine.schedule(pod);
                if (slot < 0)
                {
                    final DefaultPreemption.Result result = preemption.preempt(pod, engine, List.of());
                    if (result.preempted())
                    {
                        for (final DefaultPreemption.Victim v : result.victims())
                        {
                            assertThat(engine.pods().contains(v.podKey())).isFalse();
                            placed.removeIf(p -> p.key().equals(v.podKey()));
                        }
                        pod = pod.toBuilder().nominatedNodeName(result.nominatedNodeName()).build();
                        before = zoneCounts(engine, pod);
                        slot = engine.schedule(pod);
                        assertThat(slot).as("preemptor fits its nominated node").isGreaterThanOrEqualTo(0);
                        assertThat(engine.table().name(slot)).isEqualTo(result.nominatedNodeName());
                    }
                }
                if (slot >= 0)
                {
                    placed.add(pod);
                    checkSkewAtPlacement(engine, pod, slot, before);
                }
            }
            checkCapacity(engine);
            checkAntiAffinity(engine);
        }
    }

    private static NodeObject node(final String name, final int zones, final Random r)
    {
        return NodeObject.builder(name).labels(Map.of(HOST, name, ZONE, "z" + r.nextInt(zones)))
            .allocatable(ResourceList.ofMilli("cpu", (1 + r.nextInt(4)) * 1000L, "memory", (4L << 30) * 1000, "pods", (2 + r.nextInt(6)) * 1000L))
            .build();
    }

    private static PodObject pod(final String name, final Random r)
    {
        final String app = APPS[r.nextInt(APPS.length)];
        final PodObject.Builder b = PodObject.builder("default", name).labels(Map.of("app", app))
            .priority(r.nextInt(4) * 100)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", (1 + r.nextInt(6)) * 200L, "memory", (256L << 20) * 1000))));
        if (r.nextInt(3) == 0)
        {
            b.podAntiAffinity(new PodAffinity(List.of(term(APPS[r.nextInt(APPS.length)], r.nextBoolean() ? HOST : ZONE)), List.of()));
        }
        if (r.nextInt(3) == 0)
        {
            b.topologySpreadConstraints(List.of(new TopologySpreadConstraint(1 + r.nextInt(2), ZONE, "DoNotSchedule",
                new LabelSelector(Map.of("app", app), List.of()), null, "", "", List.of())));
        }
        return b.build();
    }

    private static PodAffinityTerm term(final String app, final String key)
    {
        return new PodAffinityTerm(new LabelSelector(Map.of("app", app), List.of()), List.of(), key, null, List.of(), List.of());
    }

    private static void checkCapacity(final SchedulingEngine engine)
    {
        final NodeTable t = engine.table();
        for (int s = 0; s < t.slotLimit(); s++)
        {
            if (t.isLive(s))
            {
                for (final int res : new int[] {Resources.CPU, Resources.MEMORY, Resources.PODS})
                {
                    assertThat(t.requested(res).get(s)).as("node %s over capacity", t.name(s))
                        .isLessThanOrEqualTo(t.allocatable(res).get(s));
                }
            }
        }
    }

    private static String label(final NodeTable t, final int slot, final String key)
    {
        final NodeObject node = t.object(slot);
        return node == null ? null : node.labels().get(key);
    }

    private static void checkAntiAffinity(final SchedulingEngine engine)
    {
        final NodeTable t = engine.table();
        final List<PodObject> pods = new ArrayList<>();
        final List<Integer> slots = new ArrayList<>();
        engine.pods().forEach((p, s) -> {
            pods.add(p);
            slots.add(s);
        });
        for (int i = 0; i < pods.size(); i++)
        {
            for (final PodAffinityTerm term : pods.get(i).podAntiAffinity().required())
            {
                final String domain = label(t, slots.get(i), term.topologyKey());
                for (int j = 0; j < pods.size(); j++)
                {
                    final Map<String, String> labels = pods.get(j).labels();
                    if (i != j && domain != null && domain.equals(label(t, slots.get(j), term.topologyKey()))
                        && term.labelSelector().matchLabels().entrySet().stream()
                            .allMatch(e -> e.getValue().equals(labels.get(e.getKey()))))
                    {
                        throw new AssertionError("anti-affinity of " + pods.get(i).key() + " violated by " +
                            pods.get(j).key() + " in " + term.topologyKey() + "=" + domain);
                    }
                }
            }
        }
    }

    /** Matching pods per zone for the pod's first DoNotSchedule constraint, with every zone present (0 if empty). */
    private static Map<String, Integer> zoneCounts(final SchedulingEngine engine, final PodObject pod)
    {
        final Map<String, Integer> counts = new HashMap<>();
        if (pod.topologySpreadConstraints().isEmpty())
        {
            return counts;
        }
        final NodeTable t = engine.table();
        for (int s = 0; s < t.slotLimit(); s++)
        {
            if (t.isLive(s))
            {
                counts.putIfAbsent(label(t, s, ZONE), 0);
            }
        }
        final Map<String, String> want = pod.topologySpreadConstraints().get(0).labelSelector().matchLabels();
        engine.pods().forEach((p, s) -> {
            if (t.isLive(s) && want.entrySet().stream().allMatch(e -> e.getValue().equals(p.labels().get(e.getKey()))))
            {
                counts.merge(label(t, s, ZONE), 1, Integer::sum);
            }
        });
        return counts;
    }

    private static void checkSkewAtPlacement(
        final SchedulingEngine engine, final PodObject pod, final int slot, final Map<String, Integer> before)
    {
        if (pod.topologySpreadConstraints().isEmpty())
        {
            return;
        }
        final int min = before.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        final String zone = label(engine.table(), slot, ZONE);
        final int maxSkew = pod.topologySpreadConstraints().get(0).maxSkew();
        assertThat(before.getOrDefault(zone, 0) + 1 - min).as("skew of %s placed in %s, counts %s", pod.key(), zone, before)
            .isLessThanOrEqualTo(maxSkew);
    }
}
