package io.berth.mirror.source;

import io.berth.mirror.source.RecordingListener.Failed;
import io.berth.mirror.source.RecordingListener.Progress;
import io.berth.mirror.source.RecordingListener.Put;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What only the etcd source has: reconnects across etcd restarts, small pages, timeouts, thread clean-up. */
class EtcdSourceTest
{
    @RegisterExtension
    static final EtcdServer ETCD = new EtcdServer();

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static EtcdSource.Context context()
    {
        return new EtcdSource.Context().endpoint(ETCD.endpoint());
    }

    @Test
    void watchResumesAcrossEtcdRestartsWithoutLossOrDuplicates()
    {
        try (EtcdSource source = new EtcdSource(context().watchRetryMaxBackoffNs(TimeUnit.MILLISECONDS.toNanos(500))))
        {
            final String prefix = "/restart/";
            final RecordingListener listener = new RecordingListener();
            final WatchHandle handle = source.watch(prefix, source.currentRevision() + 1, listener);
            final long[] expected = new long[150];
            int written = 0;
            for (int round = 0; round < 3; round++)
            {
                for (int i = 0; i < 50; i++)
                {
                    expected[written] = source.put(prefix + "k" + (written % 7), bytes("v" + written));
                    written++;
                }
                // round 0: a clean stop; round 1: SIGKILL; the watch may not have seen the last writes yet
                if (round == 0)
                {
                    ETCD.restart();
                }
                else if (round == 1)
                {
                    ETCD.kill();
                    ETCD.start();
                }
            }
            for (int i = 0; i < written; i++)
            {
                final RecordingListener.Item item = listener.nextSkippingProgress();
                assertThat(item).as("event %d", i).isInstanceOf(Put.class);
                final Put put = (Put)item;
                assertThat(put.modRevision()).as("event %d", i).isEqualTo(expected[i]);
                assertThat(put.value()).isEqualTo("v" + i);
                assertThat(put.key()).isEqualTo(prefix + "k" + (i % 7));
            }
            handle.requestProgress();
            RecordingListener.Item item = listener.next();
            assertThat(item).as("after the last event only progress, no duplicate").isInstanceOf(Progress.class);
            assertThat(((Progress)item).revision()).isGreaterThanOrEqualTo(expected[written - 1]);
        }
    }

    @Test
    void listPagesWithSmallPagesAtOneRevision()
    {
        try (EtcdSource source = new EtcdSource(context().listPageSize(7)))
        {
            long last = 0;
            for (int i = 0; i < 50; i++)
            {
                last = source.put("/paged/" + (char)('a' + i % 26) + i, bytes(Integer.toString(i)));
            }
            source.put("/paged0", bytes("outside the prefix"));
            final Set<String> keys = new HashSet<>();
            final StringBuilder order = new StringBuilder();
            final long revision = source.list("/paged/", (k, v, rev) ->
            {
                final String key = new String(k, StandardCharsets.UTF_8);
                assertThat(keys.add(key)).as("listed twice: %s", key).isTrue();
                order.append(key).append('\n');
            });
            assertThat(keys).hasSize(50);
            assertThat(order.toString().lines().toList()).isSorted();
            assertThat(revision).isEqualTo(last + 1);
        }
    }

    @Test
    void listsPagesLargerThanGrpcsDefaultMessageLimit()
    {
        try (EtcdSource source = new EtcdSource(context()))
        {
            final byte[] value = new byte[200 * 1024];
            java.util.Arrays.fill(value, (byte)'p');
            for (int i = 0; i < 30; i++)
            {
                source.put("/big/" + i, value);
            }
            final long[] bytesListed = new long[1];
            source.list("/big/", (k, v, rev) -> bytesListed[0] += v.length);
            assertThat(bytesListed[0]).as("one page of 6 MB, over gRPC's 4 MiB default").isEqualTo(30L * value.length);
        }
    }

    @Test
    void requestsFailWithTheEndpointWhenNoEtcdAnswers() throws Exception
    {
        final int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            port = socket.getLocalPort();
        }
        final EtcdSource.Context unreachable = new EtcdSource.Context()
            .endpoint("http://127.0.0.1:" + port)
            .connectTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300))
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(1));
        try (EtcdSource source = new EtcdSource(unreachable))
        {
            assertThatThrownBy(source::currentRevision)
                .isInstanceOf(ClusterSourceException.class)
                .hasMessageContaining("etcd at http://127.0.0.1:" + port);
        }
    }

    @Test
    void aWatchThatCannotReconnectGivesUpWithAnError()
    {
        final EtcdSource.Context context = context()
            .requestTimeoutNs(TimeUnit.SECONDS.toNanos(1))
            .watchRetryInitialBackoffNs(TimeUnit.MILLISECONDS.toNanos(50))
            .watchRetryMaxBackoffNs(TimeUnit.MILLISECONDS.toNanos(200))
            .watchRetryGiveUpNs(TimeUnit.SECONDS.toNanos(2));
        try (EtcdSource source = new EtcdSource(context))
        {
            final RecordingListener listener = new RecordingListener();
            final long r = source.put("/giveup/a", bytes("1"));
            source.watch("/giveup/", r, listener);
            assertThat(listener.nextSkippingProgress()).isEqualTo(new Put("/giveup/a", "1", r));
            ETCD.stop();
            try
            {
                final RecordingListener.Item item = listener.nextSkippingProgress();
                assertThat(item).isInstanceOf(Failed.class);
                assertThat(((Failed)item).error()).hasMessageContaining("gave up reconnecting")
                    .hasMessageContaining("/giveup/");
            }
            finally
            {
                ETCD.start();
            }
        }
    }

    @Test
    void invalidSettingsAreRejectedOnce()
    {
        assertThatThrownBy(() -> new EtcdSource(new EtcdSource.Context().endpoint("127.0.0.1:2379")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http://HOST:PORT");
        assertThatThrownBy(() -> new EtcdSource(context().listPageSize(0)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listPageSize");
        assertThatThrownBy(() -> new EtcdSource(context().watchRetryMaxBackoffNs(1).watchRetryInitialBackoffNs(2)))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("watchRetryMaxBackoffNs");
    }

    @Test
    void compactingAfterTheCurrentRevisionIsAnError()
    {
        try (EtcdSource source = new EtcdSource(context()))
        {
            final long current = source.currentRevision();
            assertThatThrownBy(() -> source.compact(current + 1000))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("after etcd's current revision");
        }
    }

    @Test
    void closeEndsEveryThreadItStarted() throws InterruptedException
    {
        final Set<Thread> before = Thread.getAllStackTraces().keySet();
        final EtcdSource source = new EtcdSource(context());
        final RecordingListener listener = new RecordingListener();
        final long r = source.put("/threads/a", bytes("1"));
        source.watch("/threads/", r, listener);
        assertThat(listener.nextSkippingProgress()).isEqualTo(new Put("/threads/a", "1", r));
        source.close();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Set<String> left;
        do
        {
            left = new HashSet<>();
            for (final Thread t : Thread.getAllStackTraces().keySet())
            {
                if (!before.contains(t) && t.isAlive() && !t.getName().startsWith("ForkJoinPool"))
                {
                    left.add(t.getName() + (t.isDaemon() ? " (daemon)" : ""));
                }
            }
            if (left.isEmpty())
            {
                break;
            }
            Thread.sleep(50); // threads of the real client wind down on their own schedule; bounded by the deadline
        }
        while (System.nanoTime() - deadline < 0);
        assertThat(left).as("threads left after close").isEmpty();
    }
}
