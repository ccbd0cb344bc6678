package io.berth.mirror.source;

import io.berth.mirror.source.RecordingListener.Compacted;
import io.berth.mirror.source.RecordingListener.Failed;
import io.berth.mirror.source.RecordingListener.Put;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the embedded store promises, or can be driven into deterministically. */
class EmbeddedStoreTest
{
    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void startsAtRevisionOneLikeEtcd()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            assertThat(store.currentRevision()).isEqualTo(EmbeddedStore.INITIAL_REVISION);
            assertThat(store.list("/", (k, v, r) -> { })).isEqualTo(1);
            assertThat(store.put("/a", bytes("1"))).isEqualTo(2);
        }
    }

    @Test
    void writerThreadDeliveryHasDeliveredWhenTheWriteReturns()
    {
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            final RecordingListener listener = new RecordingListener();
            store.watch("/r/", 0, listener);
            final long r = store.put("/r/a", bytes("1"));
            assertThat(listener.poll()).isEqualTo(new Put("/r/a", "1", r));
            assertThat(listener.poll()).isNull();
        }
    }

    @Test
    void watchFromZeroStartsAtTheNextRevision()
    {
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            store.put("/r/old", bytes("old"));
            final RecordingListener listener = new RecordingListener();
            store.watch("/r/", 0, listener);
            assertThat(listener.poll()).isNull();
            final long r = store.put("/r/new", bytes("new"));
            assertThat(listener.poll()).isEqualTo(new Put("/r/new", "new", r));
        }
    }

    @Test
    void compactingAfterTheCurrentRevisionIsAnError()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            store.put("/a", bytes("1"));
            assertThatThrownBy(() -> store.compact(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("current revision is 2");
        }
    }

    @Test
    void aWatchFallingBehindACompactionEndsWithCompacted() throws InterruptedException
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            final CountDownLatch inFirstEvent = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final RecordingListener recorder = new RecordingListener();
            final WatchListener slow = new WatchListener()
            {
                @Override
                public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
                {
                    recorder.onEvent(delete, key, value, modRevision);
                    inFirstEvent.countDown();
                    try
                    {
                        release.await();
                    }
                    catch (final InterruptedException ex)
                    {
                        Thread.currentThread().interrupt();
                    }
                }

                @Override
                public void onCompacted(final long compactRevision)
                {
                    recorder.onCompacted(compactRevision);
                }

                @Override
                public void onError(final Throwable error)
                {
                    recorder.onError(error);
                }
            };
            store.watch("/", 0, slow);
            final long r1 = store.put("/a", bytes("1"));
            assertThat(inFirstEvent.await(20, TimeUnit.SECONDS)).isTrue();
            store.put("/a", bytes("2"));
            final long r3 = store.put("/a", bytes("3"));
            store.compact(r3);
            release.countDown();
            assertThat(recorder.next()).isEqualTo(new Put("/a", "1", r1));
            assertThat(recorder.next()).isEqualTo(new Compacted(r3));
        }
    }

    @Test
    void aListenerThatThrowsEndsItsWatchWithAnError()
    {
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            final RecordingListener recorder = new RecordingListener();
            store.watch("/", 0, new WatchListener()
            {
                @Override
                public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
                {
                    throw new IllegalStateException("listener broke on revision " + modRevision);
                }

                @Override
                public void onCompacted(final long compactRevision)
                {
                }

                @Override
                public void onError(final Throwable error)
                {
                    recorder.onError(error);
                }
            });
            store.put("/a", bytes("1"));
            store.put("/a", bytes("2"));
            final RecordingListener.Item item = recorder.poll();
            assertThat(item).isInstanceOf(Failed.class);
            assertThat(((Failed)item).error()).hasMessage("listener broke on revision 2");
            assertThat(recorder.poll()).isNull();
        }
    }

    @Test
    void aListenerMayWriteFromInsideACallbackWithoutReorderingEvents()
    {
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            final List<Long> seen = new ArrayList<>();
            store.watch("/", 0, new WatchListener()
            {
                @Override
                public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
                {
                    seen.add(modRevision);
                    if (seen.size() < 5)
                    {
                        store.put("/echo", bytes("x"));
                    }
                }

                @Override
                public void onCompacted(final long compactRevision)
                {
                }

                @Override
                public void onError(final Throwable error)
                {
                    throw new AssertionError(error);
                }
            });
            store.put("/a", bytes("1"));
            assertThat(seen).containsExactly(2L, 3L, 4L, 5L, 6L);
        }
    }

    @Test
    void keysSortByUtf8BytesNotUtf16Units()
    {
        // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 9F 98 80) in bytes, after its surrogates in UTF-16
        final String high = "/k/\uD83D\uDE00";
        final String bmp = "/k/\uFF5E";
        assertThat(high.compareTo(bmp)).isNegative();
        assertThat(EmbeddedStore.compareKeys(high, bmp)).isPositive();
        try (EmbeddedStore store = new EmbeddedStore())
        {
            store.put(high, bytes("1"));
            store.put(bmp, bytes("2"));
            final List<String> keys = new ArrayList<>();
            store.list("/k/", (k, v, r) -> keys.add(new String(k, StandardCharsets.UTF_8)));
            assertThat(keys).containsExactly(bmp, high);
        }
    }

    @Test
    void concurrentWritersYieldOneEventPerRevisionInOrderInBothDeliveryModes() throws InterruptedException
    {
        for (final boolean onWriterThread : new boolean[]{false, true})
        {
            try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(onWriterThread)))
            {
                final int writers = 4;
                final int writesEach = 500;
                final long[] seen = new long[writers * writesEach];
                final int[] count = new int[1];
                final CountDownLatch all = new CountDownLatch(1);
                store.watch("/c/", 1, new WatchListener()
                {
                    @Override
                    public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
                    {
                        // one callback at a time per watch: no lock needed here if the store keeps its promise
                        seen[count[0]++] = modRevision;
                        if (count[0] == seen.length)
                        {
                            all.countDown();
                        }
                    }

                    @Override
                    public void onCompacted(final long compactRevision)
                    {
                    }

                    @Override
                    public void onError(final Throwable error)
                    {
                    }
                });
                final List<Thread> threads = new ArrayList<>();
                for (int w = 0; w < writers; w++)
                {
                    final int writer = w;
                    threads.add(Thread.ofPlatform().start(() ->
                    {
                        for (int i = 0; i < writesEach; i++)
                        {
                            store.put("/c/" + writer + "/" + (i % 10), bytes(Integer.toString(i)));
                        }
                    }));
                }
                for (final Thread t : threads)
                {
                    t.join();
                }
                assertThat(all.await(20, TimeUnit.SECONDS)).as("all events delivered, writer thread " + onWriterThread)
                    .isTrue();
                for (int i = 0; i < seen.length; i++)
                {
                    assertThat(seen[i]).as("event %d", i).isEqualTo(EmbeddedStore.INITIAL_REVISION + 1 + i);
                }
            }
        }
    }

    @Test
    void closedStoreRejectsCalls()
    {
        final EmbeddedStore store = new EmbeddedStore();
        store.close();
        assertThatThrownBy(() -> store.put("/a", bytes("1"))).isInstanceOf(IllegalStateException.class);
        store.close();
    }
}
