package io.berth.mirror.scheduler;

import io.berth.mirror.MirrorContext;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.PodObject;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.berth.mirror.scheduler.EmbeddedAgents.node;
import static io.berth.mirror.scheduler.EmbeddedAgents.runUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the scheduler's nominations come from and where they end, against the embedded store: a pending pod's
 * {@code status.nominatedNodeName}, a preemption, and kube's prepareCandidate, which ends the nominations of pods of
 * lower priority to the node a preemptor is nominated to.
 */
class SchedulerAgentNominationTest
{
    private static final KubeJsonWriter WRITER = new KubeJsonWriter();
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;

    private final List<Throwable> errors = new ArrayList<>();

    private SchedulerAgent agent(final EmbeddedStore store, final boolean preemption)
    {
        final SchedulerAgent agent = new SchedulerAgent(new SchedulerContext()
            .mirrorContext(new MirrorContext().source(store).ringSizeEvents(64).decoderThreads(1).errorHandler(errors::add))
            .clock(new CachedNanoClock())
            .scheduleLimit(1)
            .preemption(preemption)
            .errorHandler(errors::add));
        agent.onStart();
        return agent;
    }

    @Test
    void aPendingPodsStatusNominatesItAndItsRoomIsKept()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            store.put(LAYOUT.node("n0"), WRITER.node(node("n0", 4000)));
            store.put(LAYOUT.node("n1"), WRITER.node(node("n1", 4000)));
            store.put(LAYOUT.pod("default", "on-n1"), WRITER.pod(pod("on-n1", 1000, 0).withNodeName("n1")));
            // too big for any node: stays pending, nominated by an earlier scheduler's preemption
            store.put(LAYOUT.pod("default", "big"), WRITER.pod(pod("big", 10_000, 100).toBuilder()
                .nominatedNodeName("n0").build()));
            final SchedulerAgent agent = agent(store, false);
            try
            {
                runUntil(agent, () -> agent.mirror().isSynced() && agent.unschedulableAttempts() >= 1);
                final SchedulingEngine engine = agent.mirror().tables().engine();
                assertThat(engine.nominator().nodeOf("default/big")).isEqualTo("n0");

                // n0 is emptier, so q would go there, but not beside the nominated pod
                store.put(LAYOUT.pod("default", "q"), WRITER.pod(pod("q", 1000, 0)));
                runUntil(agent, () -> agent.bound() == 1);
                assertThat(engine.pods().nodeSlotOf("default/q")).isEqualTo(engine.table().slotOf("n1"));

                store.delete(LAYOUT.pod("default", "big"));
                runUntil(agent, () -> engine.nominator().isEmpty());
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aPreemptorEndsTheNominationsOfLessImportantPodsToItsNode()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            store.put(LAYOUT.node("n0"), WRITER.node(node("n0", 4000)));
            for (int i = 0; i < 4; i++)
            {
                store.put(LAYOUT.pod("default", "low-" + i), WRITER.pod(pod("low-" + i, 1000, 10).withNodeName("n0")));
            }
            // too big to place; it may not preempt (policy Never), which keeps its nomination (kube's eligibility)
            store.put(LAYOUT.pod("default", "mid"), WRITER.pod(pod("mid", 10_000, 500).toBuilder()
                .preemptionPolicy("Never").nominatedNodeName("n0").build()));
            final SchedulerAgent agent = agent(store, true);
            try
            {
                runUntil(agent, () -> agent.mirror().isSynced() && agent.unschedulableAttempts() >= 1);
                assertThat(engineOf(agent).nominator().nodeOf("default/mid")).isEqualTo("n0");
                assertThat(agent.preempted()).isZero();

                store.put(LAYOUT.pod("default", "urgent"), WRITER.pod(pod("urgent", 2000, 1000)));
                runUntil(agent, () -> agent.preempted() == 2);
                assertThat(engineOf(agent).nominator().nodeOf("default/urgent")).isEqualTo("n0");
                assertThat(engineOf(agent).nominator().nodeOf("default/mid")).as("kube's prepareCandidate").isNull();
                runUntil(agent, () -> agent.bound() == 1);
                assertThat(engineOf(agent).pods().nodeSlotOf("default/urgent")).isZero();
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    private static SchedulingEngine engineOf(final SchedulerAgent agent)
    {
        return agent.mirror().tables().engine();
    }

    private static PodObject pod(final String name, final long milliCpu, final int priority)
    {
        return EmbeddedAgents.pod(name, milliCpu).toBuilder().priority(priority).creationTimestampMs(1_000).build();
    }
}
