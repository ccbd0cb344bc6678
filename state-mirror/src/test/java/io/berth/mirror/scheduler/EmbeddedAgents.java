package io.berth.mirror.scheduler;

import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.fail;

/** What the tests of a scheduler agent over the embedded store share: its duty cycles, nodes and pods. */
final class EmbeddedAgents
{
    private EmbeddedAgents()
    {
    }

    /** Duty cycles until {@code done}, 30 s at most. */
    static void runUntil(final SchedulerAgent agent, final BooleanSupplier done)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                fail("the agent did not get there in 30 s");
            }
            if (agent.doWork() == 0)
            {
                Thread.onSpinWait(); // the decoder thread is still at it
            }
        }
    }

    static NodeObject node(final String name, final long milliCpu)
    {
        return NodeObject.builder(name).labels(Map.of("kubernetes.io/hostname", name))
            .allocatable(ResourceList.ofMilli("cpu", milliCpu, "memory", 64L << 40, "pods", 110_000)).build();
    }

    static PodObject pod(final String name, final long milliCpu)
    {
        return PodObject.builder("default", name)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", milliCpu, "memory", 1L << 30))))
            .build();
    }
}
