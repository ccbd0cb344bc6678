package io.berth.sched.plugins.gpushare;

import static io.berth.sched.plugins.gpushare.GpuAccountingTest.gpuNode;
import static io.berth.sched.plugins.gpushare.GpuAccountingTest.gpuPod;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

class GpuShareTest
{
    private static final String[] MODELS = {"T4", "A10", "V100M32", ""};

    private static int padded(final NodeTable t)
    {
        return (t.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
    }

    /** A random cluster of GPU and CPU-only nodes with random shares already placed. */
    private static NodeTable randomTable(final Random random)
    {
        final NodeTable t = new NodeTable(64);
        final PodTable pods = new PodTable(t);
        final int nodes = 1 + random.nextInt(150);
        for (int i = 0; i < nodes; i++)
        {
            t.upsert(gpuNode("n" + i, random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(8), MODELS[random.nextInt(MODELS.length)]));
        }
        for (int i = 0; i < nodes * 3; i++)
        {
            final int slot = random.nextInt(nodes);
            final boolean whole = random.nextInt(3) == 0;
            final PodObject pod = gpuPod("b" + i, "", whole ? 1 + random.nextInt(3) : 1, whole ? 1000 : 1 + random.nextInt(999), "");
            if (t.chooseGpuDevices(slot, pod.gpuRequest().count(), pod.gpuRequest().milliPerDevice()) != 0)
            {
                final PodRequests r = new PodRequests(t);
                r.compile(pod);
                pods.add(pod, r, slot);
            }
        }
        if (random.nextBoolean())
        {
            t.remove("n0");
        }
        return t;
    }

    private static PodObject randomPod(final Random random, final int i)
    {
        final boolean whole = random.nextInt(3) == 0;
        final String spec = switch (random.nextInt(4))
        {
            case 0 -> "T4";
            case 1 -> "A10|V100M32";
            case 2 -> "H100|T4";
            default -> "";
        };
        return gpuPod("p" + i, "", whole ? 1 + random.nextInt(8) : 1, whole ? 1000 : 1 + random.nextInt(999), spec);
    }

    @Property(tries = 200)
    void filterAndScoresGiveTheSameAnswerVectorAndScalar(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final NodeTable t = randomTable(random);
        final int limit = padded(t);
        final PodRequests requests = new PodRequests(t);
        final GpuShare filter = new GpuShare();
        final GpuPacking packing = new GpuPacking();
        final GpuFragmentation fragmentation = new GpuFragmentation();
        for (int i = 0; i < 20; i++)
        {
            final PodObject pod = randomPod(random, i);
            requests.compile(pod);
            assertThat(filter.preFilter(pod, requests, t)).isTrue();
            final long[] v = new long[limit];
            final long[] s = new long[limit];
            filter.filter(t, v, 4, limit);
            filter.filterScalar(t, s, 4, limit);
            assertThat(v).as("fail bits, pod %s", pod.annotations()).containsExactly(s);
            for (final io.berth.sched.framework.ScorePlugin score : List.of(packing, fragmentation))
            {
                assertThat(score.preScore(pod, requests, t)).isTrue();
                final long[] vs = new long[limit];
                final long[] ss = new long[limit];
                score.score(t, vs, limit);
                score.scoreScalar(t, ss, limit);
                assertThat(vs).as("%s, pod %s", score.name(), pod.annotations()).containsExactly(ss);
                for (int slot = 0; slot < limit; slot++)
                {
                    if (v[slot] == 0 && t.isLive(slot))
                    {
                        assertThat(vs[slot]).isBetween(0L, 100L);
                    }
                }
            }
            // a node passes exactly when the table can place the devices and the model matches
            for (int slot = 0; slot < t.slotLimit(); slot++)
            {
                final boolean devices = t.chooseGpuDevices(slot, pod.gpuRequest().count(), pod.gpuRequest().milliPerDevice()) != 0;
                final String model = t.object(slot) == null ? "" : io.berth.sched.model.GpuSharing.nodeModel(t.object(slot));
                final boolean modelOk = pod.gpuRequest().models().isEmpty() || pod.gpuRequest().models().contains(model);
                assertThat(v[slot] == 0).as("slot %d pod %s", slot, pod.annotations()).isEqualTo(devices && modelOk);
            }
        }
    }

    @Test
    void podsWithoutGpusSkipTheFilterAndTheScores()
    {
        final NodeTable t = new NodeTable(64);
        t.upsert(gpuNode("n", 8, "T4"));
        final PodObject plain = PodObject.builder("ns", "plain").build();
        final PodRequests r = new PodRequests(t);
        r.compile(plain);
        assertThat(new GpuShare().preFilter(plain, r, t)).isFalse();
        assertThat(new GpuPacking().preScore(plain, r, t)).isFalse();
        assertThat(new GpuFragmentation().preScore(plain, r, t)).isFalse();
    }

    @Test
    void gpuShareIsInTheDefaultProfileAndTheScoresAreOptIn()
    {
        assertThat(PluginRegistry.DEFAULT_FILTERS).contains(GpuShare.NAME);
        assertThat(PluginRegistry.DEFAULT_SCORES).doesNotContainKeys(GpuPacking.NAME, GpuFragmentation.NAME);
        final var plugins = PluginRegistry.build(Profile.builder().scoreWeight(GpuFragmentation.NAME, 4).build());
        assertThat(plugins.scores()).extracting(io.berth.sched.framework.ScorePlugin::name).contains(GpuFragmentation.NAME)
            .doesNotContain(GpuPacking.NAME);
    }

    @Test
    void theEngineHonoursModelsAndDevicesAndExplainsRejections()
    {
        final NodeTable t = new NodeTable(64);
        final SchedulingEngine e = new SchedulingEngine(t, PluginRegistry.build(Profile.defaultProfile()), 1);
        e.upsertNode(gpuNode("t4", 1, "T4"));
        e.upsertNode(gpuNode("a10", 2, "A10"));
        e.upsertNode(NodeObject.builder("cpu").allocatable(ResourceList.ofMilli("cpu", 96_000L, "memory", 1L << 50,
            "pods", 110_000L)).build());
        assertThat(t.name(e.schedule(gpuPod("a", "", 1, 600, "T4")))).isEqualTo("t4");
        assertThat(e.schedule(gpuPod("b", "", 1, 600, "T4"))).isEqualTo(-1);
        // t4: 400 left; a10: not a T4; cpu: neither
        assertThat(e.unschedulableReasons()).containsEntry(GpuShare.REASON_SHARE, 2)
            .containsEntry(GpuShare.REASON_MODEL, 2).hasSize(2);
        assertThat(t.name(e.schedule(gpuPod("c", "", 1, 400, "T4|V100M32")))).isEqualTo("t4");
        assertThat(t.name(e.schedule(gpuPod("d", "", 2, 1000, "")))).isEqualTo("a10");
        assertThat(e.schedule(gpuPod("e", "", 1, 1000, ""))).isEqualTo(-1);
        assertThat(e.unschedulableReasons()).containsEntry(GpuShare.REASON_WHOLE, 3).hasSize(1);
        e.removePod("ns/d");
        assertThat(t.name(e.schedule(gpuPod("e2", "", 1, 1000, "")))).isEqualTo("a10");
        assertThat(t.name(e.schedule(PodObject.builder("ns", "plain").build()))).isNotNull();
    }

    @Test
    void fragmentationPrefersTheExactFitThenAUsefulRestThenAFreshDevice()
    {
        final NodeTable t = new NodeTable(64);
        final SchedulingEngine e = new SchedulingEngine(t, PluginRegistry.build(Profile.builder()
            .disableScore("*").scoreWeight(GpuFragmentation.NAME, 1).build()), 1);
        for (final String n : List.of("exact", "small-rest", "fresh", "big-rest"))
        {
            e.upsertNode(gpuNode(n, 1, ""));
        }
        e.addBoundPod(gpuPod("x1", "exact", 1, 500, ""));       // 500 free
        e.addBoundPod(gpuPod("x2", "small-rest", 1, 400, ""));  // 600 free: a 500 pod leaves 100
        e.addBoundPod(gpuPod("x3", "big-rest", 1, 100, ""));    // 900 free: a 300 pod leaves 600
        final PodObject pod = gpuPod("p", "", 1, 500, "");
        final var explanation = e.explain(pod);
        final java.util.Map<String, Long> totals = new java.util.HashMap<>();
        explanation.nodes().forEach(n -> totals.put(n.name(), n.total()));
        assertThat(totals.get("exact")).isEqualTo((999 + 500) * 100 / 1998);
        assertThat(totals.get("small-rest")).isEqualTo((999 + 400) * 100 / 1998);
        assertThat(totals.get("fresh")).isEqualTo((999 - 500) * 100 / 1998);
        assertThat(totals.get("exact")).isGreaterThan(totals.get("small-rest"));
        assertThat(totals.get("small-rest")).isGreaterThan(totals.get("fresh"));
        assertThat(t.name(e.schedule(pod))).isEqualTo("exact");
        // whole devices: best fit on the count of free devices
        assertThat(GpuFragmentation.wholeScore(2, 2)).isEqualTo(100);
        assertThat(GpuFragmentation.wholeScore(1, 8)).isEqualTo(16);
    }

    @Test
    void packingFillsSharedDevicesThenUsedNodesThenSmallEmptyNodes()
    {
        assertThat(GpuPacking.score(true, 300, 1, 300, 4, 3)).isEqualTo(100);
        assertThat(GpuPacking.score(true, 300, 1, 999, 4, 3)).isEqualTo(100 - 699 / 20);
        assertThat(GpuPacking.score(true, 300, 1, 1000, 4, 3)).isEqualTo(49);
        assertThat(GpuPacking.score(true, 300, 1, 1000, 4, 4)).isEqualTo(29);
        assertThat(GpuPacking.score(false, 1000, 2, GpuDevices.NO_FIT, 8, 4)).isEqualTo(48);
        assertThat(GpuPacking.score(false, 1000, 2, GpuDevices.NO_FIT, 8, 8)).isEqualTo(25);
        final List<Long> all = new ArrayList<>();
        for (long fit = 1; fit < 1000; fit++)
        {
            all.add(GpuPacking.score(true, 1, 1, fit, 8, 0));
        }
        assertThat(all).allMatch(s -> s >= 51 && s <= 100);
    }
}
