package io.berth.sched.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

class ClusterGeneratorTest
{
    @Test
    void sameSeedGivesTheSameClusterAndAnotherSeedAnother()
    {
        final GeneratorSpec spec = GeneratorSpec.parse("nodes=300,pods=2000,existing=3000,seed=7");
        final GeneratedCluster a = ClusterGenerator.generate(spec);
        final GeneratedCluster b = ClusterGenerator.generate(spec);
        assertThat(b.nodes()).isEqualTo(a.nodes());
        assertThat(b.boundPods()).isEqualTo(a.boundPods());
        assertThat(b.pendingPods()).isEqualTo(a.pendingPods());

        final GeneratedCluster c = ClusterGenerator.generate(GeneratorSpec.parse("nodes=300,pods=2000,existing=3000,seed=8"));
        assertThat(c.nodes()).isNotEqualTo(a.nodes());
        assertThat(c.pendingPods()).isNotEqualTo(a.pendingPods());
    }

    @Test
    void nodesDoNotDependOnThePodCount()
    {
        final GeneratedCluster a = ClusterGenerator.generate(GeneratorSpec.parse("nodes=200,pods=10,seed=3"));
        final GeneratedCluster b = ClusterGenerator.generate(GeneratorSpec.parse("nodes=200,pods=5000,existing=100,seed=3"));
        assertThat(b.nodes()).isEqualTo(a.nodes());
    }

    @Test
    void countsNamesAndOrder()
    {
        final GeneratedCluster g = ClusterGenerator.generate(GeneratorSpec.parse("nodes=500,pods=4000,existing=6000,seed=2"));
        assertThat(g.nodes()).hasSize(500);
        assertThat(g.boundPods()).hasSize(6000);
        assertThat(g.pendingPods()).hasSize(4000);

        final Set<String> nodeNames = new HashSet<>();
        for (final NodeObject n : g.nodes())
        {
            assertThat(nodeNames.add(n.name())).as("unique node name %s", n.name()).isTrue();
        }
        final Set<String> keys = new HashSet<>();
        for (final PodObject p : g.boundPods())
        {
            assertThat(p.isBound()).isTrue();
            assertThat(nodeNames).contains(p.nodeName());
            assertThat(p.creationTimestampMs()).isLessThan(ClusterGenerator.BASE_TIME_MS);
            assertThat(keys.add(p.key())).as("unique pod %s", p.key()).isTrue();
        }
        long last = Long.MIN_VALUE;
        final Set<Integer> priorities = new HashSet<>();
        for (final PodObject p : g.pendingPods())
        {
            assertThat(p.isBound()).isFalse();
            assertThat(p.creationTimestampMs()).isGreaterThan(last);
            last = p.creationTimestampMs();
            priorities.add(p.priority());
            assertThat(keys.add(p.key())).as("unique pod %s", p.key()).isTrue();
            assertThat(p.labels()).containsKey("app");
        }
        assertThat(priorities).hasSizeBetween(2, 4).isSubsetOf(0, 1000, 100_000, 2_000_000_000);
    }

    @Test
    void boundPodsNeverExceedAllocatableAndFillARealisticShare()
    {
        final GeneratedCluster g = ClusterGenerator.generate(GeneratorSpec.parse("nodes=400,pods=0,existing=8000,seed=5"));
        final NodeTable table = new NodeTable(g.nodes().size());
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(Profile.defaultProfile()), 1);
        g.nodes().forEach(engine::upsertNode);
        for (final PodObject p : g.boundPods())
        {
            assertThat(engine.addBoundPod(p)).isTrue();
        }
        assertThat(table.liveCount()).isEqualTo(400);
        long cpuRequested = 0;
        long cpuAllocatable = 0;
        for (int slot = 0; slot < table.slotLimit(); slot++)
        {
            assertThat(table.isLive(slot)).as("no ghost slot").isTrue();
            for (int r = 0; r < table.resources().count(); r++)
            {
                assertThat(table.requested(r).get(slot))
                    .as("%s of %s", table.resources().name(r), table.name(slot))
                    .isLessThanOrEqualTo(table.allocatable(r).get(slot));
            }
            cpuRequested += table.requested(Resources.CPU).get(slot);
            cpuAllocatable += table.allocatable(Resources.CPU).get(slot);
        }
        // 20 pods per node: nodes fill to its 30-60% target (GPU nodes may stop short of it: few GPUs)
        final double share = (double)cpuRequested / cpuAllocatable;
        assertThat(share).isBetween(0.25, 0.62);
    }

    @Test
    void tooManyExistingPodsIsAnError()
    {
        assertThatThrownBy(() -> ClusterGenerator.generate(GeneratorSpec.parse("nodes=2,existing=1000")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("existing=1000");
    }

    @Test
    void nodesLookLikeCloudNodes()
    {
        final GeneratedCluster g = ClusterGenerator.generate(GeneratorSpec.parse("nodes=5000,pods=0,seed=1"));
        int cordoned = 0;
        int prefer = 0;
        int infra = 0;
        int gpu = 0;
        final Set<String> zones = new HashSet<>();
        final Set<String> types = new HashSet<>();
        int popularOnNode = 0;
        final String popular = "registry.example.com/platform/envoy:1.29.1";
        for (final NodeObject n : g.nodes())
        {
            assertThat(n.labels()).containsKeys(ClusterGenerator.HOSTNAME_LABEL, ClusterGenerator.OS_LABEL,
                ClusterGenerator.ARCH_LABEL, ClusterGenerator.INSTANCE_TYPE_LABEL, ClusterGenerator.ZONE_LABEL,
                ClusterGenerator.REGION_LABEL);
            assertThat(n.labels().get(ClusterGenerator.HOSTNAME_LABEL)).isEqualTo(n.name());
            zones.add(n.labels().get(ClusterGenerator.ZONE_LABEL));
            types.add(n.labels().get(ClusterGenerator.INSTANCE_TYPE_LABEL));
            assertThat(n.allocatable().milliValue("pods")).isEqualTo(110_000);
            assertThat(n.allocatable().milliValue("cpu")).isBetween(3_000L, 64_000L);
            assertThat(n.allocatable().milliValue("ephemeral-storage")).isPositive();
            assertThat(n.images()).hasSizeBetween(5, 15);
            assertThat(n.images().stream().map(ContainerImage::sizeBytes).toList())
                .allSatisfy(s -> assertThat(s).isBetween(50_000_000L, 2_000_000_000L));
            if (n.images().stream().anyMatch(i -> i.names().contains(popular)))
            {
                popularOnNode++;
            }
            cordoned += n.unschedulable() ? 1 : 0;
            prefer += n.taints().contains(ClusterGenerator.SPOT_TAINT) ? 1 : 0;
            infra += n.taints().contains(ClusterGenerator.INFRA_TAINT) ? 1 : 0;
            if (n.allocatable().contains(ClusterGenerator.GPU_RESOURCE))
            {
                gpu++;
                assertThat(n.taints()).contains(ClusterGenerator.GPU_TAINT);
                assertThat(n.labels()).containsEntry(ClusterGenerator.GPU_PRESENT_LABEL, "true");
            }
        }
        assertThat(zones).hasSize(15);
        assertThat(types).hasSize(ClusterGenerator.instanceTypes().size());
        assertThat(cordoned).isBetween(60, 140);
        assertThat(prefer).isBetween(180, 320);
        assertThat(infra).isBetween(20, 90);
        assertThat(gpu).isBetween(200, 400);
        assertThat(popularOnNode).isGreaterThan(3500);
    }

    @Test
    void podsHaveTheRequestedMix()
    {
        final List<PodObject> pods = ClusterGenerator.generate(GeneratorSpec.parse("nodes=10,pods=100000,seed=11")).pendingPods();
        int gpu = 0;
        int bestEffort = 0;
        int required = 0;
        int preferred = 0;
        int tolerations = 0;
        int hostPort = 0;
        int inits = 0;
        final Set<String> namespaces = new HashSet<>();
        for (final PodObject p : pods)
        {
            namespaces.add(p.namespace());
            final boolean isGpu = p.containers().get(0).requests().contains(ClusterGenerator.GPU_RESOURCE);
            gpu += isGpu ? 1 : 0;
            bestEffort += p.containers().stream().allMatch(c -> c.requests().isEmpty()) ? 1 : 0;
            required += !p.nodeSelector().isEmpty() || p.nodeAffinity().requiredTerms() != null ? 1 : 0;
            preferred += p.nodeAffinity().preferredTerms().isEmpty() ? 0 : 1;
            tolerations += !isGpu && !p.tolerations().isEmpty() ? 1 : 0;
            hostPort += p.containers().stream().anyMatch(c -> c.ports().stream().anyMatch(pt -> pt.hostPort() > 0)) ? 1 : 0;
            inits += p.initContainers().isEmpty() ? 0 : 1;
            if (isGpu)
            {
                assertThat(p.tolerations()).anySatisfy(t -> assertThat(t.tolerates(ClusterGenerator.GPU_TAINT)).isTrue());
            }
        }
        assertThat(namespaces).hasSize(6);
        assertThat(gpu).isBetween(1_000, 3_000);
        assertThat(bestEffort).isBetween(5_000, 13_000);
        assertThat(required).isBetween(14_000, 26_000);
        assertThat(preferred).isBetween(14_000, 26_000);
        assertThat(tolerations).isBetween(6_000, 14_000);
        assertThat(hostPort).isBetween(300, 2_000);
        assertThat(inits).isBetween(12_000, 24_000);
    }

    @Test
    void parsesSpecsAndDefaults()
    {
        final GeneratorSpec d = GeneratorSpec.defaults();
        assertThat(d.nodes()).isEqualTo(100);
        assertThat(d.pods()).isEqualTo(1000);
        assertThat(d.existing()).isZero();
        assertThat(d.seed()).isEqualTo(1);
        assertThat(d.zones()).isEqualTo(3);

        final GeneratorSpec s = GeneratorSpec.parse(" nodes=5000, pods=150_000 ,seed=1,taintedFraction=0.1");
        assertThat(s.nodes()).isEqualTo(5000);
        assertThat(s.pods()).isEqualTo(150_000);
        assertThat(s.zones()).isEqualTo(15);
        assertThat(s.taintedFraction()).isEqualTo(0.1);
        assertThat(GeneratorSpec.parse(s.toString())).isEqualTo(s);
        assertThat(GeneratorSpec.parse("nodes=10,zones=7").zones()).isEqualTo(7);
    }

    @Test
    void specErrorsNameTheKey()
    {
        assertThatThrownBy(() -> GeneratorSpec.parse("nodes=5,color=blue"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown key \"color\"");
        assertThatThrownBy(() -> GeneratorSpec.parse("nodes=five"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes").hasMessageContaining("\"five\"");
        assertThatThrownBy(() -> GeneratorSpec.parse("taintedFraction=lots"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taintedFraction");
        assertThatThrownBy(() -> GeneratorSpec.parse("taintedFraction=1.5"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("taintedFraction must be in [0, 1]");
        assertThatThrownBy(() -> GeneratorSpec.parse("pods=-1"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pods must be in");
        assertThatThrownBy(() -> GeneratorSpec.parse("nodes=1,nodes=2"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nodes given twice");
        assertThatThrownBy(() -> GeneratorSpec.parse("nodes"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"nodes\" is not key=value");
        assertThatThrownBy(() -> GeneratorSpec.parse("nodes=1,,pods=2"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty item");
        assertThatThrownBy(() -> GeneratorSpec.parse("fillMin=0.7,fillMax=0.5"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fillMin");
        assertThatThrownBy(() -> GeneratorSpec.parse("seed=99999999999999999999"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("seed");
    }
}
