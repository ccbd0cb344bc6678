package io.berth.mirror.source;

import io.berth.mirror.source.RecordingListener.Compacted;
import io.berth.mirror.source.RecordingListener.Delete;
import io.berth.mirror.source.RecordingListener.Progress;
import io.berth.mirror.source.RecordingListener.Put;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ClusterSource} contract, run against every implementation (one subclass each). Every test works under a
 * prefix of its own, so implementations backed by one server per class do not see each other's keys.
 */
abstract class ClusterSourceContract
{
    private static final AtomicInteger TEST_IDS = new AtomicInteger();

    /** A fresh source for one test; closed after it. */
    protected abstract ClusterSource newSource();

    /** The page size the implementation lists with (a test lists more keys than this). */
    protected abstract int listPageSize();

    protected ClusterSource source;
    protected String prefix;
    private final List<WatchHandle> handles = new ArrayList<>();

    @BeforeEach
    void openSource()
    {
        source = newSource();
        prefix = "/contract-" + ProcessHandle.current().pid() + "-" + TEST_IDS.incrementAndGet() + "/registry/";
    }

    @AfterEach
    void closeSource()
    {
        for (final WatchHandle handle : handles)
        {
            handle.close();
        }
        source.close();
    }

    protected WatchHandle watch(final String watchPrefix, final long fromRevision, final RecordingListener listener)
    {
        final WatchHandle handle = source.watch(watchPrefix, fromRevision, listener);
        handles.add(handle);
        return handle;
    }

    protected static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    protected static String string(final byte[] b)
    {
        return new String(b, StandardCharsets.UTF_8);
    }

    protected record Listed(String key, String value, long modRevision)
    {
    }

    protected List<Listed> listAll(final String listPrefix, final long[] revision)
    {
        final List<Listed> listed = new ArrayList<>();
        revision[0] = source.list(listPrefix, (k, v, rev) -> listed.add(new Listed(string(k), string(v), rev)));
        return listed;
    }

    /** Requests progress and asserts that the next callback is that notification, at or after {@code atLeast}. */
    protected static void assertProgressNext(final WatchHandle handle, final RecordingListener listener, final long atLeast)
    {
        handle.requestProgress();
        final RecordingListener.Item item = listener.next();
        assertThat(item).isInstanceOf(Progress.class);
        assertThat(((Progress)item).revision()).isGreaterThanOrEqualTo(atLeast);
    }

    @Test
    void writesAdvanceTheRevisionByOneAndKeepTheCreateRevision()
    {
        final long start = source.currentRevision();
        final long created = source.put(prefix + "a", bytes("1"));
        assertThat(created).isEqualTo(start + 1);
        final long updated = source.put(prefix + "a", bytes("2"));
        assertThat(updated).isEqualTo(created + 1);
        final KeyValue kv = source.get(prefix + "a");
        assertThat(kv.key()).isEqualTo(prefix + "a");
        assertThat(string(kv.value())).isEqualTo("2");
        assertThat(kv.createRevision()).isEqualTo(created);
        assertThat(kv.modRevision()).isEqualTo(updated);
        assertThat(source.currentRevision()).isEqualTo(updated);
        assertThat(source.get(prefix + "missing")).isNull();
    }

    @Test
    void listIsSortedByKeyBytesAndStaysUnderThePrefix()
    {
        source.put(prefix + "pods/ns/b", bytes("pb"));
        source.put(prefix + "pods/ns/a", bytes("pa"));
        source.put(prefix + "pods/ns2/a", bytes("other"));
        source.put(prefix + "pods/n", bytes("short"));
        final long last = source.put(prefix + "podsX", bytes("not under pods/"));
        final long[] revision = new long[1];
        final List<Listed> listed = listAll(prefix + "pods/ns/", revision);
        assertThat(revision[0]).isEqualTo(last);
        assertThat(listed).extracting(Listed::key).containsExactly(prefix + "pods/ns/a", prefix + "pods/ns/b");
        assertThat(listed).extracting(Listed::value).containsExactly("pa", "pb");
        final List<Listed> pods = listAll(prefix + "pods/", revision);
        assertThat(pods).extracting(Listed::key).containsExactly(
            prefix + "pods/n", prefix + "pods/ns/a", prefix + "pods/ns/b", prefix + "pods/ns2/a");
        assertThat(listAll(prefix + "nothing/", revision)).isEmpty();
        assertThat(revision[0]).isEqualTo(last);
    }

    @Test
    void listReportsEachKeysModRevision()
    {
        final long a = source.put(prefix + "a", bytes("1"));
        final long b = source.put(prefix + "b", bytes("1"));
        final long a2 = source.put(prefix + "a", bytes("2"));
        final long[] revision = new long[1];
        assertThat(listAll(prefix, revision)).containsExactly(
            new Listed(prefix + "a", "2", a2), new Listed(prefix + "b", "1", b));
        assertThat(a2).isGreaterThan(a);
        assertThat(revision[0]).isEqualTo(a2);
    }

    @Test
    void watchFromListRevisionPlusOneDeliversEveryLaterEventOnceInOrder()
    {
        source.put(prefix + "before", bytes("x"));
        final long[] revision = new long[1];
        assertThat(listAll(prefix, revision)).hasSize(1);
        final RecordingListener listener = new RecordingListener();
        final WatchHandle handle = watch(prefix, revision[0] + 1, listener);

        final long r1 = source.put(prefix + "a", bytes("1"));
        source.put("/elsewhere" + prefix + "a", bytes("not watched"));
        final long r2 = source.put(prefix + "b", bytes("2"));
        final long r3 = source.put(prefix + "a", bytes("3"));
        final long r4 = source.delete(prefix + "before");
        final long r5 = source.compareAndSwap(prefix + "b", r2, bytes("4"));
        assertThat(source.compareAndSwap(prefix + "b", r2, bytes("lost"))).isEqualTo(ClusterSource.CAS_FAILED);
        assertThat(source.delete(prefix + "never-there")).isEqualTo(ClusterSource.CAS_FAILED);

        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "a", "1", r1));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "b", "2", r2));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "a", "3", r3));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Delete(prefix + "before", r4));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "b", "4", r5));
        assertProgressNext(handle, listener, r5);
    }

    @Test
    void watchFromAnEarlierRevisionReplaysHistoryThenGoesLive()
    {
        final long r1 = source.put(prefix + "a", bytes("1"));
        final long r2 = source.put(prefix + "a", bytes("2"));
        final long r3 = source.delete(prefix + "a");
        final RecordingListener listener = new RecordingListener();
        final WatchHandle handle = watch(prefix, r1, listener);
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "a", "1", r1));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "a", "2", r2));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Delete(prefix + "a", r3));
        final long r4 = source.put(prefix + "b", bytes("live"));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "b", "live", r4));
        assertProgressNext(handle, listener, r4);
    }

    @Test
    void twoWatchesEachSeeEveryEventOnce()
    {
        final long from = source.currentRevision() + 1;
        final RecordingListener first = new RecordingListener();
        final RecordingListener second = new RecordingListener();
        final WatchHandle firstHandle = watch(prefix, from, first);
        final WatchHandle secondHandle = watch(prefix + "b", from, second);
        final long r1 = source.put(prefix + "a", bytes("1"));
        final long r2 = source.put(prefix + "b", bytes("2"));
        assertThat(first.nextSkippingProgress()).isEqualTo(new Put(prefix + "a", "1", r1));
        assertThat(first.nextSkippingProgress()).isEqualTo(new Put(prefix + "b", "2", r2));
        assertThat(second.nextSkippingProgress()).isEqualTo(new Put(prefix + "b", "2", r2));
        assertProgressNext(firstHandle, first, r2);
        assertProgressNext(secondHandle, second, r2);
    }

    @Test
    void compareAndSwapWinsOnlyAtTheExpectedModRevision()
    {
        final String key = prefix + "cas";
        final long created = source.compareAndSwap(key, ClusterSource.ABSENT, bytes("v1"));
        assertThat(created).isGreaterThan(0);
        final long afterCreate = source.currentRevision();
        assertThat(source.compareAndSwap(key, ClusterSource.ABSENT, bytes("again"))).isEqualTo(ClusterSource.CAS_FAILED);
        assertThat(source.compareAndSwap(key, created + 1000, bytes("wrong"))).isEqualTo(ClusterSource.CAS_FAILED);
        assertThat(source.currentRevision()).as("a lost CAS writes nothing").isEqualTo(afterCreate);
        final long swapped = source.compareAndSwap(key, created, bytes("v2"));
        assertThat(swapped).isEqualTo(created + 1);
        assertThat(source.compareAndSwap(key, created, bytes("stale"))).isEqualTo(ClusterSource.CAS_FAILED);
        final KeyValue kv = source.get(key);
        assertThat(string(kv.value())).isEqualTo("v2");
        assertThat(kv.modRevision()).isEqualTo(swapped);
        assertThat(kv.createRevision()).isEqualTo(created);
    }

    @Test
    void createIfAbsentWorksAgainAfterADelete()
    {
        final String key = prefix + "recreated";
        final long created = source.compareAndSwap(key, ClusterSource.ABSENT, bytes("1"));
        final long deleted = source.delete(key);
        assertThat(deleted).isEqualTo(created + 1);
        assertThat(source.get(key)).isNull();
        assertThat(source.compareAndSwap(key, created, bytes("stale"))).isEqualTo(ClusterSource.CAS_FAILED);
        final long recreated = source.compareAndSwap(key, ClusterSource.ABSENT, bytes("2"));
        assertThat(recreated).isEqualTo(deleted + 1);
        assertThat(source.get(key).createRevision()).isEqualTo(recreated);
    }

    @Test
    void deleteOfAnAbsentKeyChangesNothing()
    {
        source.put(prefix + "a", bytes("1"));
        final long before = source.currentRevision();
        assertThat(source.delete(prefix + "b")).isEqualTo(ClusterSource.CAS_FAILED);
        assertThat(source.currentRevision()).isEqualTo(before);
        final long deleted = source.delete(prefix + "a");
        assertThat(deleted).isEqualTo(before + 1);
        assertThat(source.delete(prefix + "a")).isEqualTo(ClusterSource.CAS_FAILED);
    }

    @Test
    void listCoversMoreKeysThanOnePageAtOneRevision()
    {
        final int count = listPageSize() * 2 + 37;
        long last = 0;
        for (int i = 0; i < count; i++)
        {
            last = source.put(prefix + "k/" + String.format("%05d", i), bytes("v" + i));
        }
        final String firstKey = prefix + "k/00000";
        final String lateKey = prefix + "k/99999";
        final String lastListedKey = prefix + "k/" + String.format("%05d", count - 1);
        final long[] modRevisionsSeen = {Long.MAX_VALUE, 0};
        final List<String> keys = new ArrayList<>();
        final long revision = source.list(prefix + "k/", (k, v, rev) ->
        {
            final String key = string(k);
            if (key.equals(firstKey))
            {
                // changes made while listing are not part of the snapshot
                source.put(lateKey, bytes("late"));
                source.delete(lastListedKey);
            }
            assertThat(string(v)).isEqualTo("v" + Integer.parseInt(key.substring(key.lastIndexOf('/') + 1)));
            modRevisionsSeen[0] = Math.min(modRevisionsSeen[0], rev);
            modRevisionsSeen[1] = Math.max(modRevisionsSeen[1], rev);
            keys.add(key);
        });
        assertThat(revision).isEqualTo(last);
        assertThat(keys).hasSize(count).isSorted().doesNotContain(lateKey).contains(lastListedKey);
        assertThat(modRevisionsSeen[1]).isEqualTo(last);
        assertThat(modRevisionsSeen[0]).isEqualTo(last - count + 1);
        final long[] after = new long[1];
        assertThat(listAll(prefix + "k/", after)).hasSize(count).extracting(Listed::key)
            .contains(lateKey).doesNotContain(lastListedKey);
        assertThat(after[0]).isEqualTo(last + 2);
    }

    @Test
    void watchFromACompactedRevisionReportsCompacted()
    {
        final long r1 = source.put(prefix + "a", bytes("1"));
        source.put(prefix + "a", bytes("2"));
        final long r3 = source.put(prefix + "b", bytes("3"));
        source.compact(r3);
        final RecordingListener compactedListener = new RecordingListener();
        watch(prefix, r1, compactedListener);
        assertThat(compactedListener.nextSkippingProgress()).isEqualTo(new Compacted(r3));

        // compaction keeps the present: a list still works and a watch from the next revision sees new events
        final long[] revision = new long[1];
        assertThat(listAll(prefix, revision)).extracting(Listed::value).containsExactly("2", "3");
        final RecordingListener live = new RecordingListener();
        final WatchHandle handle = watch(prefix, revision[0] + 1, live);
        final long r4 = source.put(prefix + "c", bytes("4"));
        assertThat(live.nextSkippingProgress()).isEqualTo(new Put(prefix + "c", "4", r4));
        assertProgressNext(handle, live, r4);
        // compacting again at or below the last compaction changes nothing
        source.compact(r1);
        assertThat(source.get(prefix + "c").modRevision()).isEqualTo(r4);
    }

    @Test
    void progressReportsTheCurrentRevisionWhenNothingMatchedChanged()
    {
        final RecordingListener listener = new RecordingListener();
        final WatchHandle handle = watch(prefix + "quiet/", source.currentRevision() + 1, listener);
        final long other = source.put(prefix + "loud/x", bytes("1"));
        assertProgressNext(handle, listener, other);
        assertThat(listener.poll()).isNull();
    }

    @Test
    void closedWatchStopsDelivering()
    {
        final RecordingListener listener = new RecordingListener();
        final WatchHandle handle = watch(prefix, source.currentRevision() + 1, listener);
        final long r1 = source.put(prefix + "a", bytes("1"));
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put(prefix + "a", "1", r1));
        handle.close();
        source.put(prefix + "a", bytes("2"));
        // a second watch sees the later write; by then the closed one would have too, had it been open
        final RecordingListener witness = new RecordingListener();
        final WatchHandle witnessHandle = watch(prefix, r1 + 1, witness);
        assertThat(witness.nextSkippingProgress()).isInstanceOf(Put.class);
        assertProgressNext(witnessHandle, witness, r1 + 1);
        RecordingListener.Item item;
        while ((item = listener.poll()) != null)
        {
            assertThat(item).isInstanceOf(Progress.class);
        }
    }
}
