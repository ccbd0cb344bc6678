package io.berth.sched.plugins.imagelocality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * kube's ImageLocality: the cases of {@code TestImageLocalityPriority} and {@code TestNormalizedImageName}
 * (image_locality_test.go), the engine path, and vector == scalar == a direct transcription of kube's
 * Score on random clusters.
 */
class ImageLocalityTest
{
    private static final long MB = 1024L * 1024L;

    private static ContainerImage image(final long sizeMb, final String... names)
    {
        return new ContainerImage(List.of(names), sizeMb * MB);
    }

    private static NodeObject node(final String name, final ContainerImage... images)
    {
        return NodeObject.builder(name)
            .allocatable(ResourceList.ofMilli("cpu", 8_000, "memory", 16L * 1024 * 1024 * 1024 * 1000, "pods", 110_000))
            .images(List.of(images)).build();
    }

    private static PodObject pod(final List<String> inits, final List<String> images)
    {
        final List<Container> initContainers = new ArrayList<>();
        for (final String i : inits)
        {
            initContainers.add(new Container("i" + initContainers.size(), i, ResourceList.EMPTY));
        }
        final List<Container> containers = new ArrayList<>();
        for (final String i : images)
        {
            containers.add(new Container("c" + containers.size(), i, ResourceList.EMPTY));
        }
        return PodObject.builder("default", "p").initContainers(initContainers).containers(containers).build();
    }

    private static PodObject pod(final String... images)
    {
        return pod(List.of(), List.of(images));
    }

    // kube's node statuses from TestImageLocalityPriority
    private static final ContainerImage[] NODE_40_300_2000 = {
        image(40, "gcr.io/40:latest", "gcr.io/40:v1", "gcr.io/40:v1"),
        image(300, "gcr.io/300:latest", "gcr.io/300:v1"),
        image(2000, "gcr.io/2000:latest")};
    private static final ContainerImage[] NODE_250_10 = {
        image(250, "gcr.io/250:latest"),
        image(10, "gcr.io/10:latest", "gcr.io/10:v1")};
    private static final ContainerImage[] NODE_600_40_900 = {
        image(600, "gcr.io/600:latest"), image(40, "gcr.io/40:latest"), image(900, "gcr.io/900:latest")};
    private static final ContainerImage[] NODE_300_600_900 = {
        image(300, "gcr.io/300:latest"), image(600, "gcr.io/600:latest"), image(900, "gcr.io/900:latest")};
    private static final ContainerImage[] NODE_4000_30 = {
        image(4000, "gcr.io/4000:latest"), image(30, "gcr.io/30:latest")};
    private static final ContainerImage[] NODE_20_30_40 = {
        image(20, "gcr.io/20:latest"), image(30, "gcr.io/30:latest"), image(40, "gcr.io/40:latest")};
    private static final ContainerImage[] NO_IMAGES = {};

    /** Scores of every node (in order) for a pod, checking that the vector and scalar passes agree. */
    private static long[] scores(final PodObject pod, final ContainerImage[]... nodes)
    {
        final NodeTable table = new NodeTable(8);
        final int[] slots = new int[nodes.length];
        for (int i = 0; i < nodes.length; i++)
        {
            slots[i] = table.upsert(node("node" + (i + 1), nodes[i]));
        }
        final ImageLocality plugin = new ImageLocality();
        final PodRequests requests = new PodRequests(table);
        requests.compile(pod);
        assertThat(plugin.preScore(pod, requests, table)).isTrue();
        final int limit = (table.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
        final long[] vector = new long[limit];
        final long[] scalar = new long[limit];
        plugin.score(table, vector, limit);
        plugin.scoreScalar(table, scalar, limit);
        assertThat(vector).containsExactly(scalar);
        final long[] out = new long[nodes.length];
        for (int i = 0; i < nodes.length; i++)
        {
            out[i] = vector[slots[i]];
        }
        return out;
    }

    @Test
    void kubeTestImageLocalityPriority()
    {
        // "two images spread on two nodes, prefer the larger image one"
        assertThat(scores(pod("gcr.io/40", "gcr.io/250"), NODE_40_300_2000, NODE_250_10)).containsExactly(0, 5);
        // "two images on one node, prefer this node"
        assertThat(scores(pod("gcr.io/40", "gcr.io/300"), NODE_40_300_2000, NODE_250_10)).containsExactly(7, 0);
        // "if exceed limit, use limit"
        assertThat(scores(pod("gcr.io/10", "gcr.io/4000"), NODE_4000_30, NODE_250_10)).containsExactly(100, 0);
        // "if exceed limit, use limit (with node which has no images present)"
        assertThat(scores(pod("gcr.io/10", "gcr.io/4000"), NODE_4000_30, NODE_250_10, NO_IMAGES)).containsExactly(66, 0, 0);
        // "pod with multiple large images, node2 is preferred"
        assertThat(scores(pod("gcr.io/300", "gcr.io/600", "gcr.io/900"), NODE_600_40_900, NODE_300_600_900, NO_IMAGES))
            .containsExactly(32, 36, 0);
        // "pod with multiple small images"
        assertThat(scores(pod("gcr.io/30", "gcr.io/40"), NODE_20_30_40, NODE_4000_30)).containsExactly(1, 0);
        // "include InitContainers: two images spread on two nodes, prefer the larger image one"
        assertThat(scores(pod(List.of("gcr.io/300"), List.of("gcr.io/30")), NODE_40_300_2000, NODE_20_30_40)).containsExactly(6, 0);
    }

    @Test
    void kubeTestNormalizedImageName()
    {
        final String digest = "root@sha256:4813494d137e1631bba301d5acab6e7bb7aa74ce1185d456565ef51d737677b2";
        assertThat(ImageLocality.normalizedImageName("root")).isEqualTo("root:latest");
        assertThat(ImageLocality.normalizedImageName("gcr.io:5000/root")).isEqualTo("gcr.io:5000/root:latest");
        assertThat(ImageLocality.normalizedImageName("root:tag")).isEqualTo("root:tag");
        assertThat(ImageLocality.normalizedImageName(digest)).isEqualTo(digest);
    }

    @Test
    void calculatePriorityEdges()
    {
        assertThat(ImageLocality.calculatePriority(0, 1)).isZero();
        assertThat(ImageLocality.calculatePriority(23 * MB, 1)).isZero();
        assertThat(ImageLocality.calculatePriority(1000 * MB, 1)).isEqualTo(100);
        assertThat(ImageLocality.calculatePriority(5000 * MB, 1)).isEqualTo(100);
        // no containers: maxThreshold 0 < minThreshold, kube's division gives 0
        assertThat(ImageLocality.calculatePriority(0, 0)).isZero();
        assertThat(scores(pod(), NODE_40_300_2000, NODE_250_10)).containsExactly(0, 0);
    }

    @Test
    void duplicatesCountEachTimeAndTagsMatter()
    {
        // the same image twice: 2 * 300M/2 = 300M over 2 containers: 100 * (300M - 23M) / (2000M - 23M) = 14
        assertThat(scores(pod("gcr.io/300", "gcr.io/300:v1"), NODE_40_300_2000, NODE_250_10)).containsExactly(14, 0);
        // a tag the node does not list: nothing
        assertThat(scores(pod("gcr.io/300:v2", "gcr.io/300:v2"), NODE_40_300_2000, NODE_250_10)).containsExactly(0, 0);
    }

    @Test
    void engineScoresWithImageLocality()
    {
        for (final boolean vector : new boolean[] {true, false})
        {
            final NodeTable table = new NodeTable(8);
            final Profile profile = Profile.builder().disableScore("NodeResourcesFit").disableScore("NodeResourcesBalancedAllocation")
                .disableScore("TaintToleration").disableScore("NodeAffinity").disableScore("PodTopologySpread")
                .disableScore("InterPodAffinity").build();
            final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(profile), 3).vector(vector);
            engine.upsertNode(node("node1", NODE_600_40_900));
            engine.upsertNode(node("node2", NODE_300_600_900));
            engine.upsertNode(node("node3", NO_IMAGES));
            final ScorePlugin[] scorers = engine.scorePlugins();
            assertThat(scorers).hasSize(1);
            assertThat(scorers[0].name()).isEqualTo(ImageLocality.NAME);
            assertThat(scorers[0].defaultWeight()).isEqualTo(1);
            final int chosen = engine.schedule(pod("gcr.io/300", "gcr.io/600", "gcr.io/900"));
            assertThat(table.name(chosen)).isEqualTo("node2");
            final long[] s = engine.lastScores(0);
            assertThat(new long[] {s[table.slotOf("node1")], s[table.slotOf("node2")], s[table.slotOf("node3")]})
                .containsExactly(32, 36, 0);
            // totalNumNodes follows the live nodes: without node3, 600 and 900 are on every node
            engine.removeNode("node3");
            engine.selectHost(pod("gcr.io/300", "gcr.io/600", "gcr.io/900"));
            final long[] t = engine.lastScores(0);
            // node1: 100 * (600M + 900M - 23M) / 2977M = 49; node2: + 300M/2 -> 100 * 1627M / 2977M = 54
            assertThat(new long[] {t[table.slotOf("node1")], t[table.slotOf("node2")]}).containsExactly(49, 54);
        }
    }

    // ---------------------------------------------------------------- random: vector == scalar == kube

    /** kube's Score for one node, written out from image_locality.go; {@code numNodes} counts live nodes per name. */
    private static long kubeScore(final PodObject pod, final NodeObject node, final int totalNumNodes,
        final Map<String, Integer> numNodes, final Map<String, Long> sizes)
    {
        final Set<String> onNode = new HashSet<>();
        node.images().forEach(i -> onNode.addAll(i.names()));
        final List<Container> all = new ArrayList<>(pod.initContainers());
        all.addAll(pod.containers());
        long sum = 0;
        for (final Container c : all)
        {
            final String name = ImageLocality.normalizedImageName(c.image());
            if (onNode.contains(name))
            {
                final double spread = (double)numNodes.get(name) / (double)totalNumNodes;
                sum += (long)((double)sizes.get(name) * spread);
            }
        }
        final long maxThreshold = 1000 * MB * all.size();
        if (sum < 23 * MB)
        {
            sum = 23 * MB;
        }
        else if (sum > maxThreshold)
        {
            sum = maxThreshold;
        }
        return 100 * (sum - 23 * MB) / (maxThreshold - 23 * MB);
    }

    @Test
    void vectorScalarAndKubeAgreeOnRandomClusters()
    {
        int checks = 0;
        for (long seed = 1; seed <= 40; seed++)
        {
            final Random r = new Random(seed);
            // an image pool: every name has one size everywhere, so the cache's "first reporter's size" is moot
            final int poolSize = 3 + r.nextInt(30);
            final List<ContainerImage> pool = new ArrayList<>();
            final Map<String, Long> sizes = new HashMap<>();
            for (int i = 0; i < poolSize; i++)
            {
                final long size = r.nextInt(4) == 0 ? r.nextInt(50) * MB : (long)r.nextInt(3000) * MB + r.nextInt(1 << 20);
                final List<String> names = new ArrayList<>();
                names.add("reg.io/img" + i + ":latest");
                if (r.nextBoolean())
                {
                    names.add("reg.io/img" + i + ":v" + r.nextInt(3));
                }
                pool.add(new ContainerImage(names, size));
                names.forEach(n -> sizes.put(n, size));
            }
            final NodeTable table = new NodeTable(16);
            final ImageLocality plugin = new ImageLocality();
            final PodRequests requests = new PodRequests(table);
            final Map<String, NodeObject> live = new LinkedHashMap<>();
            final int count = 1 + r.nextInt(300);
            int seq = 0;
            for (int i = 0; i < count; i++)
            {
                final NodeObject n = randomNode(r, "n" + seq++, pool);
                table.upsert(n);
                live.put(n.name(), n);
            }
            for (int step = 0; step < 60; step++)
            {
                final int action = r.nextInt(6);
                if (action == 0 && live.size() > 1)
                {
                    final String victim = new ArrayList<>(live.keySet()).get(r.nextInt(live.size()));
                    table.remove(victim);
                    live.remove(victim);
                }
                else if (action == 1)
                {
                    final NodeObject n = randomNode(r, "n" + seq++, pool);
                    table.upsert(n);
                    live.put(n.name(), n);
                }
                else if (action == 2)
                {
                    // update a node's images in place
                    final String name = new ArrayList<>(live.keySet()).get(r.nextInt(live.size()));
                    final NodeObject n = randomNode(r, name, pool);
                    table.upsert(n);
                    live.put(name, n);
                }
                final PodObject pod = randomPod(r, pool);
                requests.compile(pod);
                final int limit = (table.slotLimit() + Kernels.LANES - 1) / Kernels.LANES * Kernels.LANES;
                final long[] vector = new long[limit];
                final long[] scalar = new long[limit];
                plugin.preScore(pod, requests, table);
                plugin.score(table, vector, limit);
                plugin.preScore(pod, requests, table);
                plugin.scoreScalar(table, scalar, limit);
                final List<NodeObject> nodes = new ArrayList<>(live.values());
                final Map<String, Integer> numNodes = new HashMap<>();
                for (final NodeObject n : nodes)
                {
                    final Set<String> names = new HashSet<>();
                    n.images().forEach(i -> names.addAll(i.names()));
                    names.forEach(name -> numNodes.merge(name, 1, Integer::sum));
                }
                for (final NodeObject n : nodes)
                {
                    final int slot = table.slotOf(n.name());
                    assertThat(vector[slot]).as("seed %d step %d node %s", seed, step, n.name()).isEqualTo(scalar[slot])
                        .isEqualTo(kubeScore(pod, n, nodes.size(), numNodes, sizes));
                    checks++;
                }
            }
        }
        assertThat(checks).isGreaterThan(50_000);
    }

    private static NodeObject randomNode(final Random r, final String name, final List<ContainerImage> pool)
    {
        final List<ContainerImage> images = new ArrayList<>();
        for (final ContainerImage i : pool)
        {
            if (r.nextInt(3) == 0)
            {
                images.add(i);
            }
        }
        return node(name, images.toArray(new ContainerImage[0]));
    }

    private static PodObject randomPod(final Random r, final List<ContainerImage> pool)
    {
        final List<String> inits = new ArrayList<>();
        final List<String> containers = new ArrayList<>();
        final int ni = r.nextInt(3);
        final int nc = (ni == 0 ? 1 : 0) + r.nextInt(4);
        for (int i = 0; i < ni + nc; i++)
        {
            final String image;
            final int kind = r.nextInt(5);
            final List<String> names = pool.get(r.nextInt(pool.size())).names();
            if (kind == 0)
            {
                image = "unknown/image" + r.nextInt(3);
            }
            else if (kind == 1)
            {
                image = names.get(0).substring(0, names.get(0).lastIndexOf(':')); // untagged: normalized to :latest
            }
            else
            {
                image = names.get(r.nextInt(names.size()));
            }
            (i < ni ? inits : containers).add(image);
        }
        return pod(inits, containers);
    }
}
