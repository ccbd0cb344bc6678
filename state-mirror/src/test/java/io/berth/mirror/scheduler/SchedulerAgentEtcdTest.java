package io.berth.mirror.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.mirror.source.DelegatingSource;
import io.berth.mirror.MirrorContext;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.EtcdServer;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.KeyValue;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.Container;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The scheduler agent against a real etcd: pending pods are bound by compare-and-swap, no node goes over capacity,
 * the engine's accounting equals what etcd holds (no double count of a pod assumed, then seen bound), a restart from
 * the checkpoint resumes without a list, corrupt values are skipped, a lost swap is retried on the new version, and
 * preemption deletes its victims from etcd.
 */
class SchedulerAgentEtcdTest
{
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    private static final KubeJsonWriter WRITER = new KubeJsonWriter();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NODE_CPU_MILLI = 4000;
    private static final long POD_CPU_MILLI = 700;
    private static final long STEP_NS = TimeUnit.MILLISECONDS.toNanos(100);

    @TempDir
    Path dir;

    private final CachedNanoClock clock = new CachedNanoClock();
    private final List<Throwable> errors = new ArrayList<>();
    private final List<String> corruptKeys = new ArrayList<>();
    private final List<String> boundLines = new ArrayList<>();
    private final List<String> victims = new ArrayList<>();

    private static EtcdSource source()
    {
        return new EtcdSource(new EtcdSource.Context().endpoint(ETCD.endpoint()));
    }

    private SchedulerAgent agent(final ClusterSource source, final KeyLayout layout, final Path checkpoint)
    {
        final MirrorContext mirror = new MirrorContext().source(source).layout(layout).checkpointFile(checkpoint)
            .checkpointMaxEntries(10_000).checkpointAverageValueBytes(1024).ringSizeEvents(256).decoderThreads(2)
            .errorHandler(errors::add).clock(clock)
            .corruptValueListener((key, modRevision, error) -> corruptKeys.add(key));
        final SchedulerAgent agent = new SchedulerAgent(new SchedulerContext().mirrorContext(mirror).clock(clock)
            .scheduleLimit(8).listener(new SchedulerListener()
            {
                @Override
                public void onBound(final String podKey, final String nodeName, final long modRevision)
                {
                    boundLines.add(podKey + " -> " + nodeName);
                }

                @Override
                public void onPreempted(final String victimKey, final String nodeName, final String preemptorKey)
                {
                    victims.add(victimKey + " on " + nodeName + " by " + preemptorKey);
                }
            }));
        agent.onStart();
        return agent;
    }

    /** Duty cycles until {@code done}; the hand clock moves 100 ms a cycle so backoffs expire; etcd gets a deadline. */
    private void runUntil(final SchedulerAgent agent, final BooleanSupplier done)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!done.getAsBoolean())
        {
            if (agent.doWork() == 0)
            {
                if (System.nanoTime() > deadline)
                {
                    fail("scheduler did not settle: bound " + agent.bound() + ", pending " + agent.pendingPods() +
                        ", revision " + agent.mirror().revision() + ", errors " + errors);
                }
                LockSupport.parkNanos(200_000);
            }
            clock.advance(STEP_NS);
        }
    }

    /** One node full of five priority-10 pods, and a pending priority-1000 pod that needs three of them gone. */
    private static void putFullNodeAndPreemptor(final ClusterSource source, final KeyLayout layout)
    {
        putNodes(source, layout, 1);
        for (int i = 0; i < 5; i++)
        {
            source.put(layout.pod("default", "low-" + i),
                WRITER.pod(pod("low-" + i, POD_CPU_MILLI).toBuilder().priority(10).nodeName("n0").build()));
        }
        source.put(layout.pod("default", "urgent"), WRITER.pod(pod("urgent", 2000).toBuilder().priority(1000).build()));
    }

    private static PodObject pod(final String name, final long cpuMilli)
    {
        return PodObject.builder("default", name).creationTimestampMs(1_000)
            .containers(List.of(new Container("c", "img", ResourceList.ofMilli("cpu", cpuMilli)))).build();
    }

    private static void putNodes(final ClusterSource source, final KeyLayout layout, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            source.put(layout.node("n" + i), WRITER.node(NodeObject.builder("n" + i)
                .allocatable(ResourceList.ofMilli("cpu", NODE_CPU_MILLI, "memory", (8L << 30) * 1000, "pods", 110_000L))
                .build()));
        }
    }

    private static Map<String, JsonNode> listPods(final ClusterSource source, final KeyLayout layout,
        final Map<String, Long> modRevisions)
    {
        final Map<String, JsonNode> pods = new HashMap<>();
        source.list(layout.pods(), (keyBytes, value, modRevision) ->
        {
            final String key = new String(keyBytes, StandardCharsets.UTF_8);
            modRevisions.put(key, modRevision);
            try
            {
                pods.put(key, JSON.readTree(value));
            }
            catch (final IOException ex)
            {
                pods.put(key, null); // the corrupt one
            }
        });
        return pods;
    }

    /** Every node's requested cpu, as etcd's bound pods say and as the engine accounts it, and never over capacity. */
    private static void assertAccountingMatchesEtcd(final Map<String, JsonNode> pods, final NodeTable table)
    {
        final Map<String, Long> cpuByNode = new HashMap<>();
        for (final JsonNode pod : pods.values())
        {
            if (pod != null && pod.path("spec").hasNonNull("nodeName"))
            {
                long cpu = 0;
                for (final JsonNode c : pod.path("spec").path("containers"))
                {
                    cpu += milli(c.path("resources").path("requests").path("cpu").asText("0"));
                }
                cpuByNode.merge(pod.path("spec").path("nodeName").asText(), cpu, Long::sum);
            }
        }
        for (final Map.Entry<String, Long> e : cpuByNode.entrySet())
        {
            assertThat(e.getValue()).as("cpu on " + e.getKey()).isLessThanOrEqualTo(NODE_CPU_MILLI);
            assertThat(table.requested(Resources.CPU).get(table.slotOf(e.getKey())))
                .as("engine's cpu on " + e.getKey()).isEqualTo(e.getValue());
        }
    }

    private static long milli(final String quantity)
    {
        return quantity.endsWith("m") ? Long.parseLong(quantity.substring(0, quantity.length() - 1)) :
            Long.parseLong(quantity) * 1000;
    }

    @Test
    void bindsEveryPodThatFitsSkipsTheCorruptOneAndNeverOvercommits()
    {
        final KeyLayout layout = new KeyLayout("/sched-a");
        try (EtcdSource source = source())
        {
            putNodes(source, layout, 4);
            source.put(layout.pod("default", "running"), WRITER.pod(pod("running", 700).withNodeName("n0")));
            final Map<String, Long> created = new HashMap<>();
            for (int i = 0; i < 22; i++)
            {
                final String key = layout.pod("default", "web-" + i);
                created.put(key, source.put(key, WRITER.pod(pod("web-" + i, POD_CPU_MILLI))));
            }
            source.put(layout.pod("default", "huge"), WRITER.pod(pod("huge", 5000)));
            source.put(layout.pod("default", "broken"), "{\"kind\":\"Pod\",".getBytes(StandardCharsets.UTF_8));

            final SchedulerAgent agent = agent(source, layout, null);
            try
            {
                // 4 nodes of 4 cpu hold 5 pods of 0.7 cpu each; n0 already runs one, so 19 of 22 fit
                runUntil(agent, () -> agent.isSettled() && agent.bound() == 19);
                assertThat(agent.conflicts()).isZero();
                assertThat(agent.errors()).isZero();
                assertThat(corruptKeys).containsExactly(layout.pod("default", "broken"));
                assertThat(agent.mirror().corruptValues()).isPositive();

                final Map<String, Long> revisions = new HashMap<>();
                final Map<String, JsonNode> pods = listPods(source, layout, revisions);
                int boundInEtcd = 0;
                for (final Map.Entry<String, Long> e : created.entrySet())
                {
                    if (pods.get(e.getKey()).path("spec").hasNonNull("nodeName"))
                    {
                        boundInEtcd++;
                        assertThat(revisions.get(e.getKey())).as("resource version of " + e.getKey())
                            .isGreaterThan(e.getValue());
                    }
                }
                assertThat(boundInEtcd).isEqualTo(19);
                assertThat(boundLines).hasSize(19).allMatch(line -> line.matches("default/web-\\d+ -> n[0-3]"));
                assertThat(pods.get(layout.pod("default", "huge")).path("spec").has("nodeName")).isFalse();
                assertThat(pods.get(layout.pod("default", "broken"))).isNull();
                assertAccountingMatchesEtcd(pods, agent.mirror().tables().engine().table());
                // the pods left wait as unschedulable; a new node is a cluster event that places them
                putNodes(source, layout, 5);
                runUntil(agent, () -> agent.isSettled() && agent.bound() == 22);
                assertAccountingMatchesEtcd(listPods(source, layout, new HashMap<>()),
                    agent.mirror().tables().engine().table());
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aRestartResumesFromTheCheckpointAndSchedulesPodsAddedWhileDown()
    {
        final KeyLayout layout = new KeyLayout("/sched-b");
        final Path checkpoint = dir.resolve("scheduler.cm");
        try (EtcdSource source = source())
        {
            putNodes(source, layout, 2);
            for (int i = 0; i < 6; i++)
            {
                source.put(layout.pod("default", "a-" + i), WRITER.pod(pod("a-" + i, POD_CPU_MILLI)));
            }
            final SchedulerAgent first = agent(source, layout, checkpoint);
            try
            {
                assertThat(first.mirror().warmStart()).isFalse();
                runUntil(first, () -> first.isSettled() && first.bound() == 6);
            }
            finally
            {
                first.onClose();
            }

            for (int i = 0; i < 6; i++)
            {
                source.put(layout.pod("default", "b-" + i), WRITER.pod(pod("b-" + i, POD_CPU_MILLI)));
            }
            final SchedulerAgent second = agent(source, layout, checkpoint);
            try
            {
                assertThat(second.mirror().warmStart()).isTrue();
                // 2 nodes hold 10 pods of 0.7 cpu: 4 of the 6 new ones fit next to the 6 bound before the restart
                runUntil(second, () -> second.isSettled() && second.bound() == 4);
                assertThat(second.mirror().relists()).isZero();
                final Map<String, JsonNode> pods = listPods(source, layout, new HashMap<>());
                assertThat(pods.values()).filteredOn(p -> p.path("spec").hasNonNull("nodeName")).hasSize(10);
                assertAccountingMatchesEtcd(pods, second.mirror().tables().engine().table());
            }
            finally
            {
                second.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aLostCompareAndSwapForgetsTheAssumptionAndBindsTheNewVersion()
    {
        final KeyLayout layout = new KeyLayout("/sched-c");
        final String contested = layout.pod("default", "contested");
        try (EtcdSource etcd = source())
        {
            putNodes(etcd, layout, 1);
            etcd.put(contested, WRITER.pod(pod("contested", POD_CPU_MILLI)));
            // another writer changes the pod between the scheduler's decision and its write, once
            final int[] interleaved = new int[1];
            final ClusterSource racing = new DelegatingSource(etcd)
            {
                @Override
                public long compareAndSwap(final String key, final long expectedModRevision, final byte[] value)
                {
                    if (key.equals(contested) && interleaved[0]++ == 0)
                    {
                        etcd.put(key, relabeled(etcd.get(key)));
                    }
                    return super.compareAndSwap(key, expectedModRevision, value);
                }
            };
            final SchedulerAgent agent = agent(racing, layout, null);
            try
            {
                runUntil(agent, () -> agent.isSettled() && agent.bound() == 1);
                assertThat(agent.conflicts()).isEqualTo(1);
                assertThat(interleaved[0]).isEqualTo(2);
                final JsonNode stored = readTree(etcd.get(contested));
                assertThat(stored.path("spec").path("nodeName").asText()).isEqualTo("n0");
                assertThat(stored.path("metadata").path("labels").path("touched").asText()).isEqualTo("yes");
                assertAccountingMatchesEtcd(Map.of(contested, stored), agent.mirror().tables().engine().table());
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void theRoomAPreemptionMadeIsKeptForItsPreemptor()
    {
        final KeyLayout layout = new KeyLayout("/sched-n");
        try (EtcdSource source = source())
        {
            putFullNodeAndPreemptor(source, layout);
            // next in the queue after the preemptor, while it waits: fits the freed room, but not beside it
            source.put(layout.pod("default", "sneaky"), WRITER.pod(pod("sneaky", 1000).toBuilder().priority(10).build()));
            final SchedulerAgent agent = agent(source, layout, null);
            try
            {
                runUntil(agent, () -> agent.isSettled() && agent.preempted() >= 3 && agent.bound() >= 1);
                assertThat(agent.preempted()).as("one preemption: sneaky never took the room").isEqualTo(3);
                assertThat(agent.bound()).isEqualTo(1);
                final SchedulingEngine engine = agent.mirror().tables().engine();
                assertThat(engine.nominator().isEmpty()).as("bound: the nomination ended").isTrue();
                final Map<String, JsonNode> pods = listPods(source, layout, new HashMap<>());
                assertThat(pods.get(layout.pod("default", "urgent")).path("spec").path("nodeName").asText())
                    .isEqualTo("n0");
                assertThat(pods.get(layout.pod("default", "urgent")).path("status").path("nominatedNodeName").asText())
                    .as("recorded as kube-scheduler records it").isEqualTo("n0");
                assertThat(agent.conflicts()).as("the binding swapped over the scheduler's own status write").isZero();
                assertThat(pods.get(layout.pod("default", "sneaky")).path("spec").path("nodeName").asText())
                    .as("1.4 + 2 of 4 cpu: no room for it").isEmpty();
                assertAccountingMatchesEtcd(pods, engine.table());
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aPodThatFitsNowherePreemptsLowerPriorityPodsDeletingThemFromEtcd()
    {
        final KeyLayout layout = new KeyLayout("/sched-d");
        try (EtcdSource source = source())
        {
            putFullNodeAndPreemptor(source, layout);
            final SchedulerAgent agent = agent(source, layout, null);
            try
            {
                runUntil(agent, () -> agent.isSettled() && agent.bound() == 1);
                // 5 x 0.7 = 3.5 of 4 cpu used: 2 cpu need three victims (two are reprieved)
                assertThat(agent.preempted()).isEqualTo(3);
                assertThat(victims).hasSize(3).allMatch(v -> v.matches("default/low-\\d on n0 by default/urgent"));
                final Map<String, JsonNode> pods = listPods(source, layout, new HashMap<>());
                assertThat(pods).hasSize(3).containsKey(layout.pod("default", "urgent"));
                assertThat(pods.get(layout.pod("default", "urgent")).path("spec").path("nodeName").asText())
                    .isEqualTo("n0");
                assertAccountingMatchesEtcd(pods, agent.mirror().tables().engine().table());
            }
            finally
            {
                agent.onClose();
            }
        }
        assertThat(errors).isEmpty();
    }

    private static byte[] relabeled(final KeyValue current)
    {
        final ObjectNode tree = (ObjectNode)readTree(current);
        tree.with("metadata").with("labels").put("touched", "yes");
        try
        {
            return JSON.writeValueAsBytes(tree);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static JsonNode readTree(final KeyValue kv)
    {
        try
        {
            return JSON.readTree(kv.value());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
