package io.berth.sched.framework;

import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


class ScalarWarmupTest
{
    @Test
    void switchesToTheVectorPassesAfterTheWarmupAndDecidesAsAVectorEngine()
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse("nodes=60,existing=300,pods=600,seed=3"));
        final SchedulingEngine warm = engine(cluster).scalarWarmup(60L * 200);
        final SchedulingEngine vector = engine(cluster);
        assertThat(warm.inScalarWarmup()).isTrue();
        int switchedAt = -1;
        for (int i = 0; i < cluster.pendingPods().size(); i++)
        {
            final PodObject pod = cluster.pendingPods().get(i);
            assertThat(warm.schedule(pod)).as("pod %d", i).isEqualTo(vector.schedule(pod));
            if (switchedAt < 0 && !warm.inScalarWarmup())
            {
                switchedAt = i;
            }
        }
        // 60 nodes pad to 64 slots: the warm-up of 12,000 node slots lasts 188 cycles
        assertThat(switchedAt).isBetween(150, 200);
        assertThat(warm.isVector()).isTrue();
    }

    @Test
    void staysScalarUntilTheSideVectorWarmupIsDoneThenDecidesAsAVectorEngine() throws InterruptedException
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse("nodes=60,existing=300,pods=600,seed=5"));
        final VectorWarmup side = new VectorWarmup(() -> PluginRegistry.build(Profile.defaultProfile()), cluster.nodes(),
            cluster.pendingPods().subList(0, 50), 300);
        final SchedulingEngine warm = engine(cluster).scalarWarmupUntil(side);
        final SchedulingEngine vector = engine(cluster);
        final List<PodObject> pods = cluster.pendingPods();
        for (int i = 0; i < 100; i++)
        {
            assertThat(warm.schedule(pods.get(i))).as("pod %d", i).isEqualTo(vector.schedule(pods.get(i)));
            assertThat(warm.inScalarWarmup()).as("scalar while the side warm-up has not run").isTrue();
        }
        final Thread thread = new Thread(side);
        thread.start();
        thread.join();
        assertThat(side.isDone()).isTrue();
        assertThat(side.cyclesRun()).isEqualTo(300);
        assertThat(side.failure()).isNull();
        // its cycles sample (a quarter of the nodes to find) though kube's rule examines every node under 100
        assertThat(side.nodesExamined()).isPositive().isLessThan(300L * 60);
        for (int i = 100; i < pods.size(); i++)
        {
            assertThat(warm.schedule(pods.get(i))).as("pod %d", i).isEqualTo(vector.schedule(pods.get(i)));
            assertThat(warm.inScalarWarmup()).as("vector once the side warm-up is done").isFalse();
        }
    }

    @Test
    void aWarmupEngineSamplesASmallTableAndKubesRuleDoesNot()
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse("nodes=60,pods=20,seed=9"));
        final SchedulingEngine kube = engine(cluster);
        final SchedulingEngine sampling = engine(cluster).sampleNodesToFind(8);
        for (final PodObject pod : cluster.pendingPods())
        {
            kube.schedule(pod);
            sampling.schedule(pod);
        }
        assertThat(kube.nodesExamined()).as("under 100 nodes kube examines them all").isEqualTo(20L * 60);
        assertThat(sampling.nodesExamined()).isBetween(20L * 8, 20L * 60 - 1);
        assertThatThrownBy(() -> engine(cluster).sampleNodesToFind(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scalarEnginesIgnoreTheWarmupAndNegativeValuesAreRejected()
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse("nodes=10,pods=1,seed=3"));
        assertThat(engine(cluster).vector(false).scalarWarmup(1_000).inScalarWarmup()).isFalse();
        assertThatThrownBy(() -> engine(cluster).scalarWarmup(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    private static SchedulingEngine engine(final GeneratedCluster cluster)
    {
        final SchedulingEngine e = new SchedulingEngine(new NodeTable(64), PluginRegistry.build(Profile.defaultProfile()), 7);
        for (final NodeObject n : cluster.nodes())
        {
            e.upsertNode(n);
        }
        for (final PodObject p : cluster.boundPods())
        {
            e.addBoundPod(p);
        }
        return e;
    }
}
