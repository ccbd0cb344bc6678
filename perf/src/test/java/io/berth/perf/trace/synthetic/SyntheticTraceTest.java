package io.berth.perf.trace.synthetic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

class SyntheticTraceTest
{
    @Property(tries = 20)
    void theSameSeedGivesAnEqualTraceAndAnotherSeedAnotherOne(@ForAll @LongRange(min = 1, max = 1_000_000) final long seed)
    {
        final String spec = "nodes=40,pods=300,seed=" + seed + ",gpuNodeFraction=0.3,gpuPodFraction=0.3";
        final Trace a = SyntheticTrace.generate(spec);
        final Trace b = SyntheticTrace.generate(spec);
        assertThat(a.nodes()).isEqualTo(b.nodes());
        assertThat(a.events()).isEqualTo(b.events());
        final Trace c = SyntheticTrace.generate(spec.replace("seed=" + seed, "seed=" + (seed + 1)));
        assertThat(c.events()).isNotEqualTo(a.events());
    }

    @Test
    void loadSetsTheArrivalRateSoThatRunningPodsAskForThatShareOfTheCpu()
    {
        // cpu binds here (little memory per core, no GPU pods): rate x mean run x mean cpu request = load x cpu
        final String base = "nodes=300,pods=20000,seed=5,meanRunMs=60000,memoryMibPerCore=256,gpuPodFraction=0";
        final Trace t = SyntheticTrace.generate(base + ",load=0.8");
        final double rate = 20_000 / (t.events().getLast().timeMs() / 1000.0);
        final double meanCpuMilli = t.events().stream()
            .mapToLong(e -> e.pod().containers().getFirst().requests().milliValue("cpu")).average().orElseThrow();
        final double cpuMilli = t.nodes().stream().mapToLong(n -> n.allocatable().milliValue("cpu")).sum();
        assertThat(rate * 60 * meanCpuMilli / cpuMilli).isBetween(0.75, 0.85);
        final Trace doubled = SyntheticTrace.generate(base + ",load=1.6");
        assertThat(doubled.events().getLast().timeMs()).isBetween((long)(t.events().getLast().timeMs() * 0.45),
            (long)(t.events().getLast().timeMs() * 0.55));
        assertThat(SyntheticSpec.parse(base + ",load=0.8").toString()).contains("load=0.8");
        assertThatThrownBy(() -> SyntheticSpec.parse("load=0.8,ratePerS=10"))
            .hasMessageContaining("give ratePerS or load, not both");
        assertThatThrownBy(() -> SyntheticSpec.parse("load=0.8,arrival=bursts")).hasMessageContaining("poisson");
        assertThatThrownBy(() -> SyntheticSpec.parse("load=11")).hasMessageContaining("load must be in [0, 10]");
    }

    @Test
    void poissonArrivalsAtTheRateWithExponentialRunTimesAndTheAskedMix()
    {
        final Trace t = SyntheticTrace.generate("nodes=200,pods=20000,seed=3,ratePerS=500,meanRunMs=60000," +
            "gpuNodeFraction=0.2,gpuPodFraction=0.25,gpuShareFraction=0.5,antiAffinityFraction=0.1,spreadFraction=0.2," +
            "preferredAffinityFraction=0.3,apps=10");
        assertThat(t.errors()).isEmpty();
        assertThat(t.nodes()).hasSize(200);
        assertThat(t.events()).hasSize(20_000).allMatch(e -> e.kind() == TraceEvent.Kind.POD_CREATE);
        for (int i = 1; i < t.events().size(); i++)
        {
            assertThat(t.events().get(i).timeMs()).isGreaterThanOrEqualTo(t.events().get(i - 1).timeMs());
        }
        final double seconds = t.events().getLast().timeMs() / 1000.0;
        assertThat(20_000 / seconds).isBetween(470.0, 530.0);
        final double meanRun = t.events().stream().mapToLong(TraceEvent::runMs).average().orElseThrow();
        assertThat(meanRun).isBetween(57_000.0, 63_000.0);
        assertThat(fraction(t, p -> p.gpuRequest().wantsGpu())).isBetween(0.23, 0.27);
        assertThat(fraction(t, p -> p.gpuRequest().isFractional())).isBetween(0.11, 0.14);
        assertThat(fraction(t, p -> !p.podAntiAffinity().required().isEmpty())).isBetween(0.09, 0.11);
        assertThat(fraction(t, p -> !p.topologySpreadConstraints().isEmpty())).isBetween(0.18, 0.22);
        assertThat(fraction(t, p -> !p.podAffinity().preferred().isEmpty())).isBetween(0.28, 0.32);
        final long gpuNodes = t.nodes().stream().filter(n -> GpuSharing.nodeDevices(n) > 0).count();
        assertThat(gpuNodes).isBetween(20L, 60L);
        for (final NodeObject n : t.nodes())
        {
            if (GpuSharing.nodeDevices(n) > 0)
            {
                assertThat(GpuSharing.nodeModel(n)).isEqualTo("V100M16");
                assertThat(n.labels()).containsKey(ClusterGenerator.ZONE_LABEL);
            }
        }
        // GPU pods tolerate the GPU nodes' taint
        assertThat(t.events()).filteredOn(e -> e.pod().gpuRequest().wantsGpu())
            .allMatch(e -> e.pod().tolerations().stream().anyMatch(tol -> tol.tolerates(ClusterGenerator.GPU_TAINT)));
    }

    @Test
    void burstsLognormalAndForever()
    {
        final Trace bursts = SyntheticTrace.generate("nodes=10,pods=1000,arrival=bursts,burstSize=300,burstGapMs=5000," +
            "duration=lognormal,sigma=0.5,meanRunMs=10000");
        assertThat(bursts.events()).extracting(TraceEvent::timeMs).containsOnly(0L, 5000L, 10_000L, 15_000L);
        assertThat(bursts.events().stream().filter(e -> e.timeMs() == 0).count()).isEqualTo(300);
        final double mean = bursts.events().stream().mapToLong(TraceEvent::runMs).average().orElseThrow();
        assertThat(mean).isBetween(9_000.0, 11_000.0);
        assertThat(SyntheticTrace.generate("nodes=5,pods=50,duration=forever").events())
            .allMatch(e -> e.runMs() == TraceEvent.RUNS_FOREVER);
    }

    @Test
    void badSpecsNameTheKey()
    {
        assertThatThrownBy(() -> SyntheticSpec.parse("nodez=3")).hasMessageContaining("unknown key nodez");
        assertThatThrownBy(() -> SyntheticSpec.parse("pods=1,pods=2")).hasMessageContaining("pods given twice");
        assertThatThrownBy(() -> SyntheticSpec.parse("arrival=uniform")).hasMessageContaining("arrival must be one of");
        assertThatThrownBy(() -> SyntheticSpec.parse("spreadFraction=1.5")).hasMessageContaining("spreadFraction");
        assertThatThrownBy(() -> SyntheticSpec.parse("cpuMinMilli=500,cpuMaxMilli=100")).hasMessageContaining("cpuMaxMilli");
        assertThat(SyntheticSpec.parse(SyntheticSpec.defaults().toString())).isEqualTo(SyntheticSpec.defaults());
    }

    private static double fraction(final Trace t, final java.util.function.Predicate<PodObject> p)
    {
        return t.events().stream().filter(e -> p.test(e.pod())).count() / (double)t.events().size();
    }
}
