package io.berth.mirror;

import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.checkpoint.CheckpointRecord;
import io.berth.mirror.checkpoint.RecordEncoder;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import net.openhft.chronicle.map.ChronicleMap;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static io.berth.mirror.MirrorTest.LAYOUT;
import static io.berth.mirror.MirrorTest.catchUp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MirrorCheckpointTest
{
    @TempDir
    Path dir;

    private MirrorContext context(final EmbeddedStore store, final Path file, final List<Throwable> errors)
    {
        return new MirrorContext().source(store).checkpointFile(file).checkpointMaxEntries(20_000)
            .checkpointAverageValueBytes(1024).ringSizeEvents(256).decoderThreads(2).errorHandler(errors::add);
    }

    @Test
    void warmRestartLoadsTheCheckpointWithoutListingThenWatchesOn()
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final MirrorTest.Workload workload = new MirrorTest.Workload(store, 11);
            workload.run(300);
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.warmStart()).isFalse();
                workload.run(50);
                catchUp(mirror, store.currentRevision());
            }
            final long closedAt = store.currentRevision();
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, closedAt);
                assertThat(mirror.relists()).isZero();
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
                workload.run(150);
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.relists()).isZero();
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
            // and once more, from the checkpoint the second run committed at its close
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aCheckpointOpenedOnAnotherThreadIsTheOneTheMirrorLoads() throws Exception
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final MirrorTest.Workload workload = new MirrorTest.Workload(store, 13);
            workload.run(200);
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
            }
            final long closedAt = store.currentRevision();
            final CompletableFuture<CheckpointFile.Opened> opening =
                CompletableFuture.supplyAsync(() -> CheckpointFile.open(file));
            final CheckpointFile.Opened opened = opening.get();
            assertThat(opened.file()).isNotNull();
            try (Mirror mirror = new Mirror(context(store, file, errors).checkpointOpening(opening)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, closedAt);
                assertThat(mirror.relists()).isZero();
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
                workload.run(50);
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
            // an open that found no usable file: the mirror reports nothing for a missing file and lists
            Files.delete(file);
            final CompletableFuture<CheckpointFile.Opened> missing =
                CompletableFuture.completedFuture(CheckpointFile.open(file));
            try (Mirror mirror = new Mirror(context(store, file, errors).checkpointOpening(missing)).start())
            {
                assertThat(mirror.warmStart()).isFalse();
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aCheckpointOpeningWithoutItsFileIsAConfigurationError()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final MirrorContext context = new MirrorContext().source(store)
                .checkpointOpening(CompletableFuture.completedFuture(null));
            assertThatThrownBy(context::conclude).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("checkpointOpening");
        }
    }

    @Test
    void aCompactedCheckpointRevisionRelistsAndDiffsSoNothingStaleSurvives()
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final MirrorTest.Workload workload = new MirrorTest.Workload(store, 23);
            workload.run(300);
            for (int i = 0; i < 5; i++)
            {
                store.put(LAYOUT.node("gone-" + i), MirrorTest.WRITER.node(
                    io.berth.sched.model.NodeObject.builder("gone-" + i).build()));
            }
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.tables().engine().table().slotOf("gone-3")).isGreaterThanOrEqualTo(0);
            }
            // while the mirror is down: nodes deleted, more changes, and the history compacted away
            for (int i = 0; i < 5; i++)
            {
                store.delete(LAYOUT.node("gone-" + i));
            }
            workload.run(200);
            store.compact(store.currentRevision());
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.relists()).isEqualTo(1);
                assertThat(mirror.tables().engine().table().slotOf("gone-3")).isNegative();
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aCorruptCheckpointFileIsReportedDeletedAndRebuiltFromAList() throws Exception
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            new MirrorTest.Workload(store, 5).run(200);
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
            }
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw"))
            {
                raf.seek(0);
                raf.write("this is not a chronicle map header at all".repeat(50).getBytes(StandardCharsets.UTF_8));
            }
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isFalse();
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0).getMessage()).contains("not trusted, rebuilding").contains("cannot open");
            // the rebuilt file is trusted again
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isTrue();
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
        }
    }

    @Test
    void aTamperedEntryFailsTheChecksumAndTheFileIsRebuilt() throws Exception
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            new MirrorTest.Workload(store, 9).run(200);
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
            }
            try (ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
                .recoverPersistedTo(file.toFile(), true))
            {
                final String key = firstEntryKey(map);
                final byte[] value = map.get(key);
                value[value.length - 2] ^= 1;
                map.put(key, value);
            }
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isFalse();
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
            assertThat(errors).singleElement().extracting(Throwable::getMessage).asString().contains("checksum mismatch");
        }
    }

    @Test
    void anOpenedFileHandsOutExactlyItsEntriesOnceVerifiedAndAgainFromTheMap() throws Exception
    {
        final Path file = dir.resolve("entries.cm");
        final Map<String, String> expected = new java.util.TreeMap<>();
        final RecordEncoder encoder = new RecordEncoder();
        long sum = 0;
        try (CheckpointFile checkpoint = CheckpointFile.create(file, new CheckpointFile.Sizing(1000, 40, 200)))
        {
            for (int i = 0; i < 300; i++)
            {
                final String key = "/registry/pods/ns-é/p" + i; // a non-ASCII key: stored as UTF-8
                final String json = "{\"i\":" + i + ",\"pad\":\"" + "x".repeat(i % 50) + "\"}";
                // every third a pod's binary record, the others their JSON (what the applier stores for kinds it
                // keeps as JSON and for values that did not decode)
                final PodObject pod = i % 3 == 0 ? PodObject.builder("ns-é", "p" + i).nodeName("n" + i % 7).build() : null;
                sum += checkpoint.put(key, key.getBytes(StandardCharsets.UTF_8), 1000 + i, pod,
                    json.getBytes(StandardCharsets.UTF_8));
                expected.put(key, (1000 + i) + " " + hex(encoder, pod, json));
            }
            for (int i = 0; i < 30; i++)
            {
                final String key = "/registry/minions/n" + i;
                final String json = "{\"node\":" + i + "}";
                sum += checkpoint.put(key, key.getBytes(StandardCharsets.UTF_8), 3000 + i, null,
                    json.getBytes(StandardCharsets.UTF_8));
                expected.put(key, (3000 + i) + " " + hex(encoder, null, json));
            }
            checkpoint.remove("/registry/pods/ns-é/p7");
            final String removed = expected.remove("/registry/pods/ns-é/p7");
            sum -= checkpoint.entryHash("/registry/pods/ns-é/p7".getBytes(StandardCharsets.UTF_8), 1007,
                java.util.HexFormat.of().parseHex(removed.substring(5)));
            checkpoint.commit(2000, expected.size(), sum);
        }
        final CheckpointFile.Opened opened = CheckpointFile.open(file);
        assertThat(opened.problem()).isNull();
        try (CheckpointFile checkpoint = opened.file())
        {
            assertThat(checkpoint.revision()).isEqualTo(2000);
            for (int pass = 0; pass < 3; pass++) // the verified entries first, then reads of the map
            {
                final Map<String, String> seen = new java.util.TreeMap<>();
                final List<String> order = new ArrayList<>();
                final CheckpointFile.EntryVisitor visitor = (key, record, modRevision) ->
                {
                    order.add(new String(key, StandardCharsets.UTF_8));
                    assertThat(seen.put(new String(key, StandardCharsets.UTF_8),
                        modRevision + " " + java.util.HexFormat.of().formatHex(record))).isNull();
                };
                if (pass == 2)
                {
                    checkpoint.forEach(visitor);
                }
                else
                {
                    // the loader's order: nodes first, as a list of etcd gives them (then the rest)
                    checkpoint.forEach("/registry/minions/".getBytes(StandardCharsets.UTF_8), visitor);
                    assertThat(order.subList(0, 30)).as("pass %d", pass).allMatch(k -> k.startsWith("/registry/minions/"));
                    assertThat(order.subList(30, order.size())).noneMatch(k -> k.startsWith("/registry/minions/"));
                }
                assertThat(seen).as("pass %d", pass).isEqualTo(expected);
            }
        }
    }

    private static String hex(final RecordEncoder encoder, final PodObject pod, final String json)
    {
        final byte[] record = new byte[encoder.encode(pod, json.getBytes(StandardCharsets.UTF_8))];
        encoder.buffer().getBytes(0, record);
        assertThat(record[0]).isEqualTo(pod == null ? CheckpointRecord.TYPE_JSON : CheckpointRecord.TYPE_POD);
        return java.util.HexFormat.of().formatHex(record);
    }

    @Test
    void aRecordThatDoesNotDecodeIsACorruptValueOfItsKeyAndTheRestLoads() throws Exception
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        final List<String> reports = new ArrayList<>();
        final String victim = LAYOUT.pod("default", "victim");
        try (EmbeddedStore store = new EmbeddedStore())
        {
            for (int i = 0; i < 3; i++)
            {
                store.put(LAYOUT.node("n" + i), MirrorTest.WRITER.node(NodeObject.builder("n" + i).build()));
            }
            for (int i = 0; i < 5; i++)
            {
                store.put(LAYOUT.pod("default", "p" + i),
                    MirrorTest.WRITER.pod(PodObject.builder("default", "p" + i).nodeName("n" + i % 3).build()));
            }
            final PodObject victimPod = PodObject.builder("default", "victim").nodeName("n1").build();
            store.put(victim, MirrorTest.WRITER.pod(victimPod));
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
            }
            // damage the victim's record and fix the header's checksum to match: only the record itself can tell
            try (CheckpointFile scratch = CheckpointFile.create(dir.resolve("scratch.cm"),
                new CheckpointFile.Sizing(10, 40, 40));
                 ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
                     .recoverPersistedTo(file.toFile(), true))
            {
                final byte[] value = map.get(victim);
                final long modRevision = java.nio.ByteBuffer.wrap(value).getLong(0);
                final byte[] record = java.util.Arrays.copyOfRange(value, 8, value.length);
                final byte[] truncated = java.util.Arrays.copyOf(record, record.length - 1);
                assertThat(record[0]).isEqualTo(CheckpointRecord.TYPE_POD);
                map.put(victim, java.util.Arrays.copyOf(value, value.length - 1));
                final byte[] keyBytes = victim.getBytes(StandardCharsets.UTF_8);
                final byte[] header = map.get(CheckpointFile.HEADER_KEY);
                final java.nio.ByteBuffer h = java.nio.ByteBuffer.wrap(header);
                h.putLong(32, h.getLong(32) - scratch.entryHash(keyBytes, modRevision, record) +
                    scratch.entryHash(keyBytes, modRevision, truncated));
                map.put(CheckpointFile.HEADER_KEY, header);
            }
            try (Mirror mirror = new Mirror(context(store, file, errors)
                .corruptValueListener((key, revision, error) -> reports.add(key + ": " + error))).start())
            {
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.warmStart()).isTrue();
                assertThat(mirror.corruptValues()).isEqualTo(1);
                assertThat(reports).singleElement().asString().startsWith(victim + ": checkpoint record: truncated");
                assertThat(mirror.tables().engine().pods().count()).isEqualTo(5);
                assertThat(mirror.tables().engine().pods().contains("default/victim")).isFalse();
                // the next change of the key heals it
                store.put(victim, MirrorTest.WRITER.pod(victimPod.toBuilder().labels(Map.of("v", "2")).build()));
                catchUp(mirror, store.currentRevision());
                assertThat(mirror.tables().engine().pods().contains("default/victim")).isTrue();
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void aFileOfTheEarlierJsonFormatIsNotTrustedAndRebuilt() throws Exception
    {
        final Path file = dir.resolve("mirror.cm");
        final List<Throwable> errors = new ArrayList<>();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            new MirrorTest.Workload(store, 13).run(100);
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                catchUp(mirror, store.currentRevision());
            }
            try (ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
                .recoverPersistedTo(file.toFile(), true))
            {
                final byte[] header = map.get(CheckpointFile.HEADER_KEY);
                java.nio.ByteBuffer.wrap(header).putInt(8, 1); // format version 1: values were JSON
                map.put(CheckpointFile.HEADER_KEY, header);
            }
            try (Mirror mirror = new Mirror(context(store, file, errors)).start())
            {
                assertThat(mirror.warmStart()).isFalse();
                catchUp(mirror, store.currentRevision());
                new FreshList(store, LAYOUT).assertSameAs(mirror.tables());
            }
            assertThat(errors).singleElement().extracting(Throwable::getMessage).asString()
                .contains("format version 1, expected " + CheckpointFile.FORMAT_VERSION);
        }
    }

    @Test
    void aFileChangedAfterItsLastCommitIsNotTrusted() throws Exception
    {
        final Path file = dir.resolve("cp.cm");
        try (CheckpointFile checkpoint = CheckpointFile.create(file, new CheckpointFile.Sizing(1000, 40, 200)))
        {
            final byte[] key = "/registry/minions/a".getBytes(StandardCharsets.UTF_8);
            final long hash = checkpoint.put("/registry/minions/a", key, 5, null, "{}".getBytes(StandardCharsets.UTF_8));
            checkpoint.commit(5, 1, hash);
            checkpoint.put("/registry/minions/b", "/registry/minions/b".getBytes(StandardCharsets.UTF_8), 6,
                NodeObject.builder("b").build(), "{}".getBytes(StandardCharsets.UTF_8)); // a crash here: never committed
        }
        final CheckpointFile.Opened opened = CheckpointFile.open(file);
        assertThat(opened.file()).isNull();
        assertThat(opened.problem()).contains("not closed cleanly");
        assertThat(Files.exists(file)).isFalse();
        assertThat(CheckpointFile.open(file).problem()).startsWith("no checkpoint");
    }

    @Test
    void theAgentAppliesEventsAndCommitsOnItsPeriodByTheInjectedClock()
    {
        final Path file = dir.resolve("agent.cm");
        final List<Throwable> errors = new ArrayList<>();
        final CachedNanoClock clock = new CachedNanoClock();
        clock.update(1_000);
        try (EmbeddedStore store = new EmbeddedStore())
        {
            new MirrorTest.Workload(store, 3).run(100);
            final MirrorContext context = context(store, file, errors).clock(clock).checkpointIntervalNs(5_000);
            final Mirror mirror = new Mirror(context);
            final MirrorAgent agent = new MirrorAgent(mirror, context, 64);
            agent.onStart();
            final long deadline = System.nanoTime() + 60_000_000_000L;
            while (mirror.revision() < store.currentRevision() && System.nanoTime() < deadline)
            {
                agent.doWork();
                Thread.onSpinWait();
            }
            assertThat(mirror.revision()).isEqualTo(store.currentRevision());
            assertThat(mirror.tables().checkpointCommits()).isZero();
            clock.update(1_000 + 4_999);
            agent.doWork();
            assertThat(mirror.tables().checkpointCommits()).isZero();
            clock.update(1_000 + 5_000);
            assertThat(agent.doWork()).isPositive();
            assertThat(mirror.tables().checkpointCommits()).isEqualTo(1);
            agent.onClose();
        }
        final CheckpointFile.Opened reopened = CheckpointFile.open(file);
        assertThat(reopened.problem()).isNull();
        reopened.file().close();
    }

    private static String firstEntryKey(final Map<String, byte[]> map)
    {
        for (final String key : map.keySet())
        {
            if (!key.equals(CheckpointFile.HEADER_KEY))
            {
                return key;
            }
        }
        throw new AssertionError("no entries");
    }
}
