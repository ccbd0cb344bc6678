package io.berth.sched.plugins.gpushare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.PodTable;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.table.NodeTable;

/** Per-device GPU accounting on assume, forget, delete and node changes: exact, never below 0 or above 1000. */
class GpuAccountingTest
{
    static NodeObject gpuNode(final String name, final int devices, final String model)
    {
        final Map<String, String> labels = new HashMap<>();
        if (!model.isEmpty())
        {
            labels.put(GpuSharing.GPU_CARD_MODEL, model);
        }
        return NodeObject.builder(name).labels(labels).allocatable(ResourceList.ofMilli("cpu", 96_000L,
            "memory", 1L << 50, "pods", 110_000L, GpuSharing.GPU_COUNT, devices * 1000L)).build();
    }

    static PodObject gpuPod(final String name, final String node, final int count, final long milli, final String spec)
    {
        final Map<String, String> a = new LinkedHashMap<>();
        a.put(GpuSharing.GPU_COUNT, Integer.toString(count));
        a.put(GpuSharing.GPU_MILLI, Long.toString(milli));
        if (!spec.isEmpty())
        {
            a.put(GpuSharing.GPU_CARD_MODEL, spec);
        }
        return PodObject.builder("ns", name).nodeName(node).annotations(a).build();
    }

    private static long[] free(final NodeTable t, final int slot)
    {
        final long[] f = new long[NodeTable.MAX_GPU_DEVICES];
        for (int d = 0; d < f.length; d++)
        {
            f[d] = t.gpuFreeMilli(slot, d);
        }
        return f;
    }

    private static boolean add(final PodTable pods, final NodeTable t, final PodObject pod, final int slot)
    {
        final PodRequests r = new PodRequests(t);
        r.compile(pod);
        return pods.add(pod, r, slot);
    }

    @Test
    void fractionalPodsTakeTheBestFitDeviceLowestIndexOnTiesAndForgetRestoresExactly()
    {
        final NodeTable t = new NodeTable(64);
        final PodTable pods = new PodTable(t);
        final int n = t.upsert(gpuNode("n", 4, "T4"));
        assertThat(t.gpuDevices(n)).isEqualTo(4);
        assertThat(free(t, n)).containsExactly(1000, 1000, 1000, 1000, 0, 0, 0, 0);

        add(pods, t, gpuPod("a", "n", 1, 600, ""), n);      // all tie at 1000: device 0
        add(pods, t, gpuPod("b", "n", 1, 300, ""), n);      // device 0 (400 free) is the tightest fit
        add(pods, t, gpuPod("c", "n", 1, 500, ""), n);      // 100 left on 0: device 1
        assertThat(free(t, n)).containsExactly(100, 500, 1000, 1000, 0, 0, 0, 0);
        add(pods, t, gpuPod("d", "n", 2, 1000, ""), n);     // whole: the two lowest wholly free, 2 and 3
        assertThat(free(t, n)).containsExactly(100, 500, 0, 0, 0, 0, 0, 0);
        assertThat(t.gpuMaxFreeColumn().get(n)).isEqualTo(500);
        assertThat(t.gpuWholeFreeColumn().get(n)).isZero();
        assertThat(t.chooseGpuDevices(n, 1, 501)).isZero();
        assertThat(t.chooseGpuDevices(n, 1, 1000)).isZero();

        pods.remove("ns/b");
        assertThat(free(t, n)).containsExactly(400, 500, 0, 0, 0, 0, 0, 0);
        pods.remove("ns/d");
        pods.remove("ns/a");
        pods.remove("ns/c");
        assertThat(free(t, n)).containsExactly(1000, 1000, 1000, 1000, 0, 0, 0, 0);
        assertThat(t.gpuWholeFreeColumn().get(n)).isEqualTo(4);
        assertThat(pods.gpuNotPlaced()).isZero();
    }

    @Test
    void boundPodsKeepTheirAnnotatedDevicesAndOverflowIsCountedNotAccounted()
    {
        final NodeTable t = new NodeTable(64);
        final PodTable pods = new PodTable(t);
        final int n = t.upsert(gpuNode("n", 2, ""));
        final PodObject onOne = gpuPod("x", "n", 1, 700, "").toBuilder()
            .annotations(Map.of(GpuSharing.GPU_MILLI, "700", GpuSharing.GPU_INDEX, "1")).build();
        add(pods, t, onOne, n);
        assertThat(free(t, n)).startsWith(1000, 300);
        add(pods, t, gpuPod("y", "n", 2, 1000, ""), n);     // no two whole devices left: holds none
        assertThat(pods.gpuNotPlaced()).isEqualTo(1);
        assertThat(free(t, n)).startsWith(1000, 300);
        pods.remove("ns/y");
        assertThat(pods.gpuNotPlaced()).isZero();
        assertThat(free(t, n)).startsWith(1000, 300);
    }

    @Test
    void nodeChangesKeepThePodsDevicesAndAGhostSlotClearsThem()
    {
        final NodeTable t = new NodeTable(64);
        final PodTable pods = new PodTable(t);
        final int n = t.upsert(gpuNode("n", 4, "A10"));
        add(pods, t, gpuPod("a", "n", 1, 250, ""), n);
        add(pods, t, gpuPod("b", "n", 2, 1000, ""), n);
        t.upsert(gpuNode("n", 8, "A10"));                   // grows: used devices stay used
        assertThat(free(t, n)).containsExactly(750, 0, 0, 1000, 1000, 1000, 1000, 1000);
        t.upsert(gpuNode("n", 2, "A10"));                   // shrinks below device 2: its use is kept, free 0
        assertThat(free(t, n)).containsExactly(750, 0, 0, 0, 0, 0, 0, 0);
        assertThat(t.gpuDevices(n)).isEqualTo(2);
        t.remove("n");                                      // ghost while pods remain
        assertThat(free(t, n)).containsOnly(0L);
        pods.remove("ns/b");
        t.upsert(gpuNode("n", 4, "A10"));                   // back: pod a still holds 250 of device 0
        assertThat(free(t, n)).containsExactly(750, 1000, 1000, 1000, 0, 0, 0, 0);
        pods.remove("ns/a");
        assertThat(free(t, n)).containsExactly(1000, 1000, 1000, 1000, 0, 0, 0, 0);
    }

    @Test
    void moreThanEightDevicesIsRejectedWithTheNodeNamed()
    {
        final NodeTable t = new NodeTable(64);
        assertThatThrownBy(() -> t.upsert(gpuNode("big", 9, ""))).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("node big").hasMessageContaining(GpuSharing.GPU_COUNT);
        assertThat(t.liveCount()).isZero();
    }

    @Test
    void malformedGpuAnnotationsAreRejectedWithThePodNamed()
    {
        assertThatThrownBy(() -> gpuPod("p", "", 1, 1001, "")).hasMessageContaining("pod ns/p")
            .hasMessageContaining(GpuSharing.GPU_MILLI);
        assertThatThrownBy(() -> gpuPod("p", "", 2, 500, "")).hasMessageContaining("whole devices");
        assertThatThrownBy(() -> gpuPod("p", "", 9, 1000, "")).hasMessageContaining(GpuSharing.GPU_COUNT);
        assertThatThrownBy(() -> PodObject.builder("ns", "p").annotations(Map.of(GpuSharing.GPU_MILLI, "half")).build())
            .hasMessageContaining("not a whole number");
        assertThatThrownBy(() -> PodObject.builder("ns", "p")
            .annotations(Map.of(GpuSharing.GPU_COUNT, "2", GpuSharing.GPU_INDEX, "0-0")).build())
            .hasMessageContaining(GpuSharing.GPU_INDEX);
        assertThat(gpuPod("p", "", 0, 1000, "").gpuRequest()).isSameAs(GpuRequest.NONE);
        assertThat(gpuPod("p", "", 1, 0, "").gpuRequest()).isSameAs(GpuRequest.NONE);
        assertThat(gpuPod("p", "", 1, 470, "T4| V100M16 ||").gpuRequest().models()).containsExactly("T4", "V100M16");
        assertThat(PodObject.builder("ns", "p").annotations(Map.of(GpuSharing.GPU_MILLI, "300")).build().gpuRequest())
            .isEqualTo(new GpuRequest(1, 300, List.of(), 0));
    }

    /**
     * Random assumes and forgets of fractional and whole-device pods on a few nodes, with node resizes: every
     * device's free milli stays in [0, 1000] and equals 1000 minus the shares of the pods holding it (0 for devices
     * the node lacks), and a pod holds exactly its request.
     */
    @Property(tries = 300)
    void freeMilliIsAlwaysWholeDevicesMinusPlacedShares(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final NodeTable t = new NodeTable(64);
        final PodTable pods = new PodTable(t);
        final int nodes = 1 + random.nextInt(4);
        final int[] devices = new int[nodes];
        for (int i = 0; i < nodes; i++)
        {
            devices[i] = random.nextInt(9);
            t.upsert(gpuNode("n" + i, devices[i], ""));
        }
        final List<String> placed = new ArrayList<>();
        for (int step = 0; step < 200; step++)
        {
            final int action = random.nextInt(10);
            if (action < 6)
            {
                final int node = random.nextInt(nodes);
                final boolean whole = random.nextInt(3) == 0;
                final PodObject pod = gpuPod("p" + step, "", whole ? 1 + random.nextInt(4) : 1,
                    whole ? 1000 : 1 + random.nextInt(999), "");
                final int slot = t.slotOf("n" + node);
                final int expected = t.chooseGpuDevices(slot, pod.gpuRequest().count(), pod.gpuRequest().milliPerDevice());
                if (expected != 0)
                {
                    add(pods, t, pod, slot);
                    assertThat(pods.gpuDevicesAt(pods.slotOf(pod.key()))).isEqualTo(expected);
                    placed.add(pod.key());
                }
            }
            else if (action < 9 && !placed.isEmpty())
            {
                pods.remove(placed.remove(random.nextInt(placed.size())));
            }
            else
            {
                final int node = random.nextInt(nodes);
                devices[node] = random.nextInt(9);
                t.upsert(gpuNode("n" + node, devices[node], ""));
            }
            check(t, pods, nodes, devices);
        }
        while (!placed.isEmpty())
        {
            pods.remove(placed.remove(placed.size() - 1));
        }
        for (int i = 0; i < nodes; i++)
        {
            final int slot = t.slotOf("n" + i);
            for (int d = 0; d < NodeTable.MAX_GPU_DEVICES; d++)
            {
                assertThat(t.gpuFreeMilli(slot, d)).isEqualTo(d < devices[i] ? 1000 : 0);
                assertThat(t.gpuUsedMilli(slot, d)).isZero();
            }
        }
    }

    private static void check(final NodeTable t, final PodTable pods, final int nodes, final int[] devices)
    {
        final long[][] used = new long[nodes][NodeTable.MAX_GPU_DEVICES];
        for (int p = 0; p < pods.slotLimit(); p++)
        {
            final PodObject pod = pods.podAt(p);
            if (pod == null)
            {
                continue;
            }
            final int mask = pods.gpuDevicesAt(p);
            assertThat(Integer.bitCount(mask)).isEqualTo(pod.gpuRequest().count());
            final int node = Integer.parseInt(t.name(pods.nodeSlotAt(p)).substring(1));
            for (int d = 0; d < NodeTable.MAX_GPU_DEVICES; d++)
            {
                if ((mask & (1 << d)) != 0)
                {
                    used[node][d] += pod.gpuRequest().milliPerDevice();
                }
            }
        }
        for (int i = 0; i < nodes; i++)
        {
            final int slot = t.slotOf("n" + i);
            long wholeFree = 0;
            long maxFree = 0;
            for (int d = 0; d < NodeTable.MAX_GPU_DEVICES; d++)
            {
                final long free = t.gpuFreeMilli(slot, d);
                assertThat(free).isBetween(0L, 1000L);
                assertThat(t.gpuUsedMilli(slot, d)).isEqualTo(used[i][d]);
                assertThat(free).isEqualTo(d < devices[i] ? Math.max(0, 1000 - used[i][d]) : 0);
                if (d < devices[i])
                {
                    // placement only ever fills free room, so a present device is never over-committed
                    assertThat(used[i][d]).isLessThanOrEqualTo(1000);
                }
                wholeFree += free == 1000 ? 1 : 0;
                maxFree = Math.max(maxFree, free);
            }
            assertThat(t.gpuWholeFreeColumn().get(slot)).isEqualTo(wholeFree);
            assertThat(t.gpuMaxFreeColumn().get(slot)).isEqualTo(maxFree);
        }
    }
}
