package io.berth.mirror;

import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.codec.RandomObjects;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

class MirrorTest
{
    static final KeyLayout LAYOUT = KeyLayout.DEFAULT;
    static final KubeJsonWriter WRITER = new KubeJsonWriter();

    @Property(tries = 12)
    void afterRandomPutsAndDeletesTheTablesEqualAFreshList(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final Workload workload = new Workload(store, seed);
            workload.run(random.nextInt(60));
            final List<String> corrupt = new ArrayList<>();
            try (Mirror mirror = new Mirror(new MirrorContext().source(store).ringSizeEvents(64)
                .decoderThreads(1 + random.nextInt(3))
                .corruptValueListener((key, revision, error) -> corrupt.add(key))).start())
            {
                for (int round = 0; round < 4; round++)
                {
                    workload.run(random.nextInt(80));
                    if (random.nextBoolean())
                    {
                        mirror.poll(1 + random.nextInt(50));
                    }
                }
                catchUp(mirror, store.currentRevision());
                final FreshList fresh = new FreshList(store, LAYOUT);
                fresh.assertSameAs(mirror.tables());
                assertThat(mirror.corruptValues()).isGreaterThanOrEqualTo(fresh.corruptKeys);
                assertThat((long)corrupt.size()).isLessThanOrEqualTo(mirror.corruptValues());
                assertThat(mirror.tables().namespaces()).containsOnlyKeys(workload.liveNamespaces());
            }
        }
    }

    @Test
    void aRequestedRelistDiffsAgainstTheTablesAndChangesNothingWhenInStep()
    {
        try (EmbeddedStore store = new EmbeddedStore();
             Mirror mirror = new Mirror(new MirrorContext().source(store).ringSizeEvents(128).decoderThreads(2)).start())
        {
            final Workload workload = new Workload(store, 7);
            workload.run(200);
            catchUp(mirror, store.currentRevision());
            final long applied = mirror.tables().appliedEvents();
            mirror.requestRelist();
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (mirror.relists() < 2 || mirror.backlog() > 0 || mirror.tables().appliedEvents() == applied)
            {
                idle(mirror, deadline);
            }
            catchUp(mirror, store.currentRevision());
            new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
        }
    }

    @Test
    void aWatchThatFindsTheRingFullIsDroppedAndResumedWithoutLosingEvents()
    {
        try (EmbeddedStore store = new EmbeddedStore();
             Mirror mirror = new Mirror(new MirrorContext().source(store).ringSizeEvents(16).decoderThreads(1)).start())
        {
            catchUp(mirror, store.currentRevision());
            final Workload workload = new Workload(store, 99);
            workload.run(400); // nobody polls meanwhile: the ring fills, the store's delivery thread must not block
            catchUp(mirror, store.currentRevision());
            assertThat(mirror.watchOverflows()).isPositive();
            new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
        }
    }

    @Test
    void corruptValuesAreCountedReportedOncePerKeyAndSkipped()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final List<String> reports = new ArrayList<>();
            try (Mirror mirror = new Mirror(new MirrorContext().source(store).decoderThreads(2)
                .corruptValueListener((key, revision, error) -> reports.add(key + " @" + revision + ": " + error))).start())
            {
                final String key = LAYOUT.pod("default", "web");
                final PodObject pod = PodObject.builder("default", "web").build();
                store.put(key, WRITER.pod(pod));
                store.put(LAYOUT.node("n1"), "{\"kind\":\"Node\",\"metadata\":{\"name\":\"n1\"},\"status\":{\"allocatable\":{\"cpu\":\"-4\"}}}"
                    .getBytes(StandardCharsets.UTF_8));
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.tables().pendingPods()).containsKey("default/web");

                final long r1 = store.put(key, "{not json".getBytes(StandardCharsets.UTF_8));
                store.put(key, "[]".getBytes(StandardCharsets.UTF_8));
                store.put(LAYOUT.pod("default", "other"), WRITER.pod(PodObject.builder("default", "web").build()));
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.corruptValues()).isEqualTo(4);
                assertThat(mirror.tables().pendingPods()).isEmpty(); // the unreadable pod is gone, not stale
                assertThat(reports).hasSize(3);
                assertThat(reports.get(0)).startsWith("/registry/minions/n1 @").contains("status.allocatable.cpu: negative quantity");
                assertThat(reports.get(1)).isEqualTo("/registry/pods/default/web @" + r1 + ": invalid JSON at byte 1: " +
                    reports.get(1).substring(reports.get(1).indexOf("invalid JSON at byte 1: ") + 24));
                assertThat(reports.get(2)).startsWith("/registry/pods/default/other @")
                    .contains("the object is named \"default/web\", not \"default/other\"");

                store.put(key, WRITER.pod(pod.withNodeName("n1")));
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.tables().engine().pods().contains("default/web")).isTrue();
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
        }
    }

    static void catchUp(final Mirror mirror, final long revision)
    {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!mirror.isSynced() || mirror.revision() < revision || mirror.backlog() > 0)
        {
            idle(mirror, deadline);
        }
    }

    private static void idle(final Mirror mirror, final long deadline)
    {
        if (mirror.poll(1000) == 0)
        {
            if (System.nanoTime() > deadline)
            {
                fail("mirror did not catch up: revision " + mirror.revision() + ", synced " + mirror.isSynced() +
                    ", backlog " + mirror.backlog());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Random writes of nodes, pods, namespaces, priority classes, services and corrupt values; and deletes. */
    static final class Workload
    {
        private final ClusterSource store;
        private final KeyLayout layout;
        private final Random random;
        private final RandomObjects objects;
        private final List<String> keys = new ArrayList<>();
        private final List<String> namespaces = new ArrayList<>();

        Workload(final ClusterSource store, final long seed)
        {
            this(store, seed, LAYOUT);
        }

        Workload(final ClusterSource store, final long seed, final KeyLayout layout)
        {
            this.store = store;
            this.layout = layout;
            this.random = new Random(seed ^ 0x5DEECE66DL);
            this.objects = new RandomObjects(seed);
        }

        void run(final int operations)
        {
            for (int i = 0; i < operations; i++)
            {
                final int op = random.nextInt(100);
                if (op < 20 || keys.isEmpty())
                {
                    final String name = "node-" + random.nextInt(30);
                    put(layout.node(name), WRITER.node(objects.node(name)));
                }
                else if (op < 60)
                {
                    final String ns = "ns" + random.nextInt(3);
                    final String name = "pod-" + random.nextInt(200);
                    put(layout.pod(ns, name), WRITER.pod(objects.pod(ns, name)));
                }
                else if (op < 80)
                {
                    final String key = keys.remove(random.nextInt(keys.size()));
                    store.delete(key);
                    namespaces.remove(key);
                }
                else if (op < 85)
                {
                    final String name = "ns" + random.nextInt(3);
                    final String key = layout.namespace(name);
                    put(key, WRITER.namespace(new NamespaceObject(name, java.util.Map.of("team", name))));
                    if (!namespaces.contains(key))
                    {
                        namespaces.add(key);
                    }
                }
                else if (op < 88)
                {
                    put(layout.priorityClass("high"), WRITER.priorityClass(new PriorityClass("high", 1000, false, "")));
                }
                else if (op < 92)
                {
                    put(layout.service("default", "svc" + random.nextInt(3)), "{\"kind\":\"Service\"}".getBytes(StandardCharsets.UTF_8));
                }
                else
                {
                    final String key = random.nextBoolean() ? layout.node("node-" + random.nextInt(30)) :
                        layout.pod("ns" + random.nextInt(3), "pod-" + random.nextInt(200));
                    put(key, corrupt());
                }
            }
        }

        List<String> liveNamespaces()
        {
            final List<String> names = new ArrayList<>();
            for (final String key : namespaces)
            {
                names.add(key.substring(layout.namespaces().length()));
            }
            return names;
        }

        private byte[] corrupt()
        {
            return switch (random.nextInt(4))
            {
                case 0 -> "{\"kind\":\"Pod\",".getBytes(StandardCharsets.UTF_8);
                case 1 -> "{\"kind\":\"Node\",\"metadata\":{\"name\":\"wrong\"}}".getBytes(StandardCharsets.UTF_8);
                case 2 -> "{\"metadata\":{\"name\":7}}".getBytes(StandardCharsets.UTF_8);
                default -> new byte[] {(byte)0xff, 0, 1};
            };
        }

        private void put(final String key, final byte[] value)
        {
            store.put(key, value);
            if (!keys.contains(key))
            {
                keys.add(key);
            }
        }
    }
}
