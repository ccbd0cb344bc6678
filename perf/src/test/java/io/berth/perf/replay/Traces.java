package io.berth.perf.replay;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;

/** Small hand-built traces and traces from sched-core's cluster generator, for tests. */
final class Traces
{
    static final long MI = 1024L * 1024;

    private Traces()
    {
    }

    /** {@code shared/traces/alibaba-openb} in the nearest directory above the module that has it, or null. */
    static Path sharedOpenb()
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

    static NodeObject node(final String name, final long milliCpu)
    {
        return node(name, milliCpu, 0);
    }

    static NodeObject node(final String name, final long milliCpu, final long gpus)
    {
        final ResourceList alloc = gpus == 0 ?
            ResourceList.ofMilli("cpu", milliCpu, "memory", 64 * 1024 * MI * 1000, "pods", 110_000) :
            ResourceList.ofMilli("cpu", milliCpu, "memory", 64 * 1024 * MI * 1000, "pods", 110_000,
                ProfileRun.GPU_RESOURCE, gpus * 1000);
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name)).allocatable(alloc).build();
    }

    static PodObject pod(final String name, final long milliCpu)
    {
        return PodObject.builder("default", name)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", MI * 1000))))
            .build();
    }

    static PodObject gpuPod(final String name, final long milliCpu, final long gpus)
    {
        return PodObject.builder("default", name)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", MI * 1000,
                ProfileRun.GPU_RESOURCE, gpus * 1000))))
            .build();
    }

    static Trace trace(final List<NodeObject> nodes, final TraceEvent... events)
    {
        return new Trace("test", nodes, List.of(events), List.of());
    }

    /**
     * The generator's nodes at time 0, its pending pods arriving every {@code gapMs} in its order, each running
     * a seeded 1..{@code maxRunMs} once bound.
     */
    static Trace generated(final String spec, final long gapMs, final long maxRunMs)
    {
        final GeneratedCluster c = ClusterGenerator.generate(GeneratorSpec.parse(spec));
        final SplittableRandom random = new SplittableRandom(c.spec().seed());
        final List<TraceEvent> events = new ArrayList<>();
        for (final PodObject p : c.boundPods())
        {
            events.add(TraceEvent.podCreate(0, p, TraceEvent.RUNS_FOREVER));
        }
        long t = 0;
        for (final PodObject p : c.pendingPods())
        {
            events.add(TraceEvent.podCreate(t, p, 1 + random.nextLong(maxRunMs)));
            t += gapMs;
        }
        return new Trace("generated:" + spec, c.nodes(), events, List.of());
    }
}
