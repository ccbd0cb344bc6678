package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.sched.model.Container;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/** Pod requests as kube's resourcehelper.PodRequests computes them (cases after kube's resource helper tests). */
class PodRequestsTest
{
    private static final long MI = 1024L * 1024;

    private final NodeTable table = new NodeTable(64);
    private final PodRequests requests = new PodRequests(table);

    private static Container c(final String name, final long milliCpu, final long memBytes)
    {
        return new Container(name, "img", ResourceList.ofMilli("cpu", milliCpu, "memory", memBytes * 1000));
    }

    @Test
    void sumsContainersAndTakesMaxWithInitContainersPlusOverhead()
    {
        final PodObject pod = PodObject.builder("ns", "p")
            .containers(List.of(c("a", 100, 100 * MI), c("b", 200, 50 * MI)))
            .initContainers(List.of(c("i1", 500, 10 * MI), c("i2", 50, 400 * MI)))
            .overhead(ResourceList.ofMilli("cpu", 10L, "memory", MI * 1000))
            .build();
        requests.compile(pod);
        assertThat(requests.request(Resources.CPU)).isEqualTo(510);
        assertThat(requests.request(Resources.MEMORY)).isEqualTo(401 * MI);
    }

    @Test
    void sidecarsRunBesideAppContainersAndLaterInitContainers()
    {
        // KEP-753: InitContainerUse(i) = sum(sidecars before i) + init i; app = sum(containers) + sum(sidecars)
        final PodObject pod = PodObject.builder("ns", "p")
            .containers(List.of(c("app", 100, 100 * MI)))
            .initContainers(List.of(
                new Container("side", "img", ResourceList.ofMilli("cpu", 200L, "memory", 10 * MI * 1000), List.of(), true),
                c("init", 250, 10 * MI)))
            .build();
        requests.compile(pod);
        assertThat(requests.request(Resources.CPU)).isEqualTo(450); // max(100 + 200, 200 + 250)
        assertThat(requests.request(Resources.MEMORY)).isEqualTo(110 * MI);
    }

    @Test
    void nonZeroDefaultsApplyOnlyToMissingRequests()
    {
        final PodObject pod = PodObject.builder("ns", "p")
            .containers(List.of(
                new Container("none", "img", ResourceList.EMPTY),
                new Container("zeroCpu", "img", ResourceList.ofMilli("cpu", 0L))))
            .build();
        requests.compile(pod);
        assertThat(requests.request(Resources.CPU)).isZero();
        assertThat(requests.isEmpty()).isTrue();
        // first container: 100m + 200MB; second: explicit cpu 0 stays 0, memory missing -> 200MB
        assertThat(requests.nonZeroMilliCpu()).isEqualTo(100);
        assertThat(requests.nonZeroMemory()).isEqualTo(2 * Resources.DEFAULT_MEMORY_REQUEST);
    }

    @Test
    void podWithoutContainersRequestsNothingEvenForScoring()
    {
        requests.compile(PodObject.builder("ns", "empty").build());
        assertThat(requests.isEmpty()).isTrue();
        assertThat(requests.nonZeroMilliCpu()).isZero();
        assertThat(requests.nonZeroMemory()).isZero();
    }

    @Test
    void fractionalQuantitiesSumBeforeRoundingUp()
    {
        // 0.5 byte + 0.5 byte = 1 byte (kube sums Quantities exactly, then Value() rounds up)
        final PodObject pod = PodObject.builder("ns", "p")
            .containers(List.of(new Container("a", "i", ResourceList.ofMilli("memory", 500L)),
                new Container("b", "i", ResourceList.ofMilli("memory", 500L, "example.com/foo", 1500L))))
            .build();
        requests.compile(pod);
        assertThat(requests.request(Resources.MEMORY)).isEqualTo(1);
        assertThat(requests.request(table.resources().find("example.com/foo"))).isEqualTo(2);
    }

    @Test
    void untrackedResourceNamesAreIgnored()
    {
        final PodObject pod = PodObject.builder("ns", "p")
            .containers(List.of(new Container("a", "i", ResourceList.ofMilli("foo", 5000L, "cpu", 5L)))).build();
        requests.compile(pod);
        assertThat(table.resources().find("foo")).isEqualTo(-1);
        assertThat(requests.resourceCount()).isEqualTo(1);
    }
}
