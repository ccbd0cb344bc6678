package io.berth.mirror.scheduler;

import io.berth.mirror.MirrorContext;
import io.berth.mirror.TableChangeListener;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.model.PodObject;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.berth.mirror.scheduler.EmbeddedAgents.node;
import static io.berth.mirror.scheduler.EmbeddedAgents.pod;
import static io.berth.mirror.scheduler.EmbeddedAgents.runUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hooks a replay observes the scheduler through, against the embedded store: every table change reaches the
 * change observer after the agent (a binding seen on the watch as {@code onBoundPod}), and each cycle is reported
 * with its node and its time on the injected cycle clock.
 */
class SchedulerAgentObserverTest
{
    private static final KubeJsonWriter WRITER = new KubeJsonWriter();
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;

    @Test
    void theObserverHearsEveryChangeAfterTheAgentAndEachCycleIsTimedOnTheCycleClock()
    {
        final List<String> heard = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();
        final long[] cycleTicks = {0};
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final SchedulerAgent[] agentRef = new SchedulerAgent[1];
            final TableChangeListener observer = new TableChangeListener()
            {
                @Override
                public void onPendingPod(final PodObject pod)
                {
                    assertThat(agentRef[0].queue().contains(pod.key())).as("the agent queued it first").isTrue();
                    heard.add("pending " + pod.key());
                }

                @Override
                public void onPendingPodGone(final String podKey)
                {
                    heard.add("pending gone " + podKey);
                }

                @Override
                public void onBoundPod(final PodObject pod)
                {
                    heard.add("bound " + pod.key() + " on " + pod.nodeName());
                }

                @Override
                public void onAssignedPodGone(final String podKey)
                {
                    heard.add("assigned gone " + podKey);
                }

                @Override
                public void onNode(final String nodeName, final boolean added)
                {
                    heard.add((added ? "node added " : "node changed ") + nodeName);
                }
            };
            final SchedulerListener listener = new SchedulerListener()
            {
                @Override
                public void onAttempt(final PodObject pod, final int nodeSlot, final long cycleNs)
                {
                    heard.add("attempt " + pod.key() + " slot " + nodeSlot + " in " + cycleNs + " ns");
                }

                @Override
                public void onBound(final String podKey, final String nodeName, final long modRevision)
                {
                    heard.add("cas " + podKey + " -> " + nodeName);
                }
            };
            final SchedulerAgent agent = new SchedulerAgent(new SchedulerContext()
                .mirrorContext(new MirrorContext().source(store).ringSizeEvents(64).decoderThreads(1)
                    .errorHandler(errors::add))
                .clock(new CachedNanoClock())
                .cycleClock(() -> cycleTicks[0] += 7) // each read 7 ns later: a cycle takes 7 ns
                .listener(listener)
                .changeObserver(observer)
                .errorHandler(errors::add));
            agentRef[0] = agent;
            agent.onStart();
            try
            {
                runUntil(agent, () -> agent.mirror().isSynced());
                store.put(LAYOUT.node("n1"), WRITER.node(node("n1", 4000)));
                store.put(LAYOUT.pod("default", "small"), WRITER.pod(pod("small", 1000)));
                store.put(LAYOUT.pod("default", "big"), WRITER.pod(pod("big", 8000)));
                runUntil(agent, () -> heard.contains("bound default/small on n1") &&
                    heard.stream().anyMatch(s -> s.startsWith("attempt default/big")));
                store.delete(LAYOUT.pod("default", "small"));
                runUntil(agent, () -> heard.contains("assigned gone default/small"));
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
        assertThat(heard).containsSubsequence(
            "node added n1",
            "pending default/small",
            "attempt default/small slot 0 in 7 ns",
            "cas default/small -> n1",
            "pending gone default/small",
            "bound default/small on n1",
            "assigned gone default/small");
        assertThat(heard).contains("attempt default/big slot -1 in 7 ns");
        assertThat(heard).filteredOn(s -> s.startsWith("bound ")).as("one binding seen on the watch").hasSize(1);
    }
}
