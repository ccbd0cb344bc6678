package io.berth.perf.trace.openb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceError;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

class OpenbTraceReaderTest
{
    private static final String NODES = """
        sn,cpu_milli,memory_mib,gpu,model
        node-a,32000,262144,0,
        node-b,96000,393216,8,V100M32
        node-c,64000,262144,2,T4
        node-d,abc,1024,0,
        node-e,64000,-5,0,
        node-f,64000,1024,9,T4
        node-g,64000,1024
        node-b,1000,1000,0,
        """;

    private static final String PODS = """
        name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,scheduled_time
        p0,12000,16384,1,1000,,LS,Running,50,1050,60
        p1,6000,12288,1,460,V100M32|T4,LS,Running,10,20,
        p2,1000,1000,0,0,,BE,Pending,30,,
        p3,1000,1000,2,500,,BE,Running,40,50,40
        p4,1000,1000,1,200,H100,BE,Running,40,50,40
        p5,1000,1000,0,0,,BE,Running,40,30,40
        p6,1000,1000,0,0,,BE,Running,40,50,
        p6,1000,1000,0,0,,BE,Running,41,50,
        p7,1000,1000,0,300,,BE,Running,40,50,
        p8,99999999999,1000,0,0,,BE,Running,40,50,
        p9,1000,1000,0,0,,BE,Running,40,50,30
        p10,1000,1000,0,0,,BE,Running,,50,
        p11,1000,1000,0,0,,BE
        p12,1000,1000,0,0,,BE,Running,10,20,10
        """;

    @Test
    void readsGoodLinesAndReportsEveryBadOneWithFileAndLine()
    {
        final Trace t = new OpenbTraceReader().readStrings("inline", NODES, PODS);
        assertThat(t.nodes()).extracting(NodeObject::name).containsExactly("node-a", "node-b", "node-c");
        final NodeObject b = t.nodes().get(1);
        assertThat(GpuSharing.nodeDevices(b)).isEqualTo(8);
        assertThat(GpuSharing.nodeModel(b)).isEqualTo("V100M32");
        assertThat(b.allocatable().milliValue("cpu")).isEqualTo(96_000);
        assertThat(b.allocatable().milliValue("memory")).isEqualTo(393216L * 1024 * 1024 * 1000);
        assertThat(b.allocatable().milliValue("pods")).isEqualTo(110_000);
        assertThat(GpuSharing.nodeDevices(t.nodes().get(0))).isZero();

        assertThat(t.errors()).extracting(TraceError::source, TraceError::line).containsExactly(
            org.assertj.core.groups.Tuple.tuple("nodes.csv", 5L), org.assertj.core.groups.Tuple.tuple("nodes.csv", 6L),
            org.assertj.core.groups.Tuple.tuple("nodes.csv", 7L), org.assertj.core.groups.Tuple.tuple("nodes.csv", 8L),
            org.assertj.core.groups.Tuple.tuple("nodes.csv", 9L),
            org.assertj.core.groups.Tuple.tuple("pods.csv", 5L), org.assertj.core.groups.Tuple.tuple("pods.csv", 6L),
            org.assertj.core.groups.Tuple.tuple("pods.csv", 7L), org.assertj.core.groups.Tuple.tuple("pods.csv", 9L),
            org.assertj.core.groups.Tuple.tuple("pods.csv", 10L), org.assertj.core.groups.Tuple.tuple("pods.csv", 11L),
            org.assertj.core.groups.Tuple.tuple("pods.csv", 12L), org.assertj.core.groups.Tuple.tuple("pods.csv", 13L),
            org.assertj.core.groups.Tuple.tuple("pods.csv", 14L));
        assertThat(messages(t)).anySatisfy(m -> assertThat(m).contains("cpu_milli \"abc\" is not a whole number"))
            .anySatisfy(m -> assertThat(m).contains("memory_mib must be positive, got -5"))
            .anySatisfy(m -> assertThat(m).contains("gpu 9 is absurd"))
            .anySatisfy(m -> assertThat(m).contains("expected 5 columns, got 3"))
            .anySatisfy(m -> assertThat(m).contains("node node-b listed twice"))
            .anySatisfy(m -> assertThat(m).contains("whole devices"))
            .anySatisfy(m -> assertThat(m).contains("unknown gpu_spec \"H100\""))
            .anySatisfy(m -> assertThat(m).contains("deletion_time 30 before scheduled_time 40"))
            .anySatisfy(m -> assertThat(m).contains("pod p6 listed twice"))
            .anySatisfy(m -> assertThat(m).contains("gpu_milli 300 without num_gpu"))
            .anySatisfy(m -> assertThat(m).contains("cpu_milli 99999999999 is absurd"))
            .anySatisfy(m -> assertThat(m).contains("scheduled_time 30 before creation_time 40"))
            .anySatisfy(m -> assertThat(m).contains("empty creation_time"))
            .anySatisfy(m -> assertThat(m).contains("expected 11 columns, got 7"));

        // time order, ties in file order; run time from scheduled_time, else creation_time; none: forever
        assertThat(t.events()).extracting(e -> e.pod().name()).containsExactly("p1", "p12", "p2", "p6", "p0");
        assertThat(t.events()).extracting(TraceEvent::timeMs).containsExactly(10_000L, 10_000L, 30_000L, 40_000L, 50_000L);
        assertThat(t.events()).extracting(TraceEvent::runMs)
            .containsExactly(10_000L, 10_000L, TraceEvent.RUNS_FOREVER, 10_000L, 990_000L);
        assertThat(t.events()).allMatch(e -> e.kind() == TraceEvent.Kind.POD_CREATE);
        final PodObject p1 = t.events().get(0).pod();
        assertThat(p1.namespace()).isEqualTo(OpenbTraceReader.NAMESPACE);
        assertThat(p1.gpuRequest()).isEqualTo(new GpuRequest(1, 460, List.of("V100M32", "T4"), 0));
        assertThat(p1.containers().get(0).requests().milliValue("cpu")).isEqualTo(6000);
        assertThat(p1.annotations()).containsEntry(OpenbTraceReader.QOS_ANNOTATION, "LS")
            .containsEntry(OpenbTraceReader.PHASE_ANNOTATION, "Running");
        assertThat(p1.phase()).isEmpty();
        assertThat(t.events().get(4).pod().gpuRequest()).isEqualTo(new GpuRequest(1, 1000, List.of(), 0));
    }

    @Test
    void filesWithoutTimeColumnsReplayInFileOrderAndColumnsAreFoundByName()
    {
        final Trace t = new OpenbTraceReader().readStrings("order",
            "model,gpu,sn,memory_mib,cpu_milli\nA10,4,n1,1024,8000\n",
            "gpu_milli,name,num_gpu,cpu_milli,memory_mib\n1000,z,8,100,100\n250,y,1,100,100\nbad,x,1,1,1\n0,w,0,1,1\n");
        assertThat(t.nodes()).hasSize(1);
        assertThat(GpuSharing.nodeDevices(t.nodes().get(0))).isEqualTo(4);
        assertThat(t.events()).extracting(e -> e.pod().name()).containsExactly("z", "y", "w");
        assertThat(t.events()).extracting(TraceEvent::timeMs).containsExactly(0L, 1L, 2L);
        assertThat(t.events()).allMatch(e -> e.runMs() == TraceEvent.RUNS_FOREVER);
        assertThat(t.events().get(0).pod().gpuRequest().count()).isEqualTo(8);
        assertThat(t.errors()).singleElement().satisfies(e -> assertThat(e.line()).isEqualTo(4));
    }

    @Test
    void aHeaderWithoutARequiredColumnIsOneErrorAndNoRows()
    {
        final Trace t = new OpenbTraceReader().readStrings("nohead", "sn,cpu\nn,1\n", "");
        assertThat(t.nodes()).isEmpty();
        assertThat(t.events()).isEmpty();
        assertThat(t.errors()).extracting(TraceError::toString)
            .containsExactly("nodes.csv:1: header lacks column cpu_milli: sn,cpu", "pods.csv:1: empty file: expected a header name,cpu_milli,memory_mib,...");
    }

    @Test
    void theDefaultOpenbTraceParsesCompletely()
    {
        final Path dir = sharedTraces();
        assumeThat(dir).as("../shared/traces/alibaba-openb (CI has it)").isNotNull();
        final OpenbTraceReader reader = new OpenbTraceReader();
        final Trace t = reader.read(dir.resolve("openb_node_list_all_node.csv"), dir.resolve("openb_pod_list_default.csv"));
        assertThat(t.errors()).isEmpty();
        assertThat(t.nodes()).hasSize(1523);
        assertThat(t.events()).hasSize(8152);
        assertThat(t.nodes().stream().mapToInt(GpuSharing::nodeDevices).sum()).isEqualTo(24 + 518 * 2 + 54 * 4 + 617 * 8);
        assertThat(t.events().stream().filter(e -> e.pod().gpuRequest().isFractional()).count()).isGreaterThan(2000);
        for (int i = 1; i < t.events().size(); i++)
        {
            assertThat(t.events().get(i).timeMs()).isGreaterThanOrEqualTo(t.events().get(i - 1).timeMs());
        }
        assertThat(t.events()).allMatch(e -> e.runMs() >= 0);

        final Trace multi = reader.read(dir.resolve("openb_node_list_all_node.csv"), dir.resolve("openb_pod_list_multigpu50.csv"));
        assertThat(multi.errors()).isEmpty();
        assertThat(multi.events()).hasSize(9061);
        assertThat(multi.events()).allMatch(e -> e.runMs() == TraceEvent.RUNS_FOREVER);
        assertThat(multi.events().get(0).pod().name()).isEqualTo("openb-pod-0000");
    }

    private static List<String> messages(final Trace t)
    {
        return t.errors().stream().map(TraceError::message).toList();
    }

    /** {@code shared/traces/alibaba-openb} in the nearest directory above the module that has it, or null. */
    static Path sharedTraces()
    {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent())
        {
            final Path candidate = p.resolve("shared").resolve("traces").resolve("alibaba-openb");
            if (Files.isDirectory(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
