package io.berth.mirror.source;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link ClusterSource} backed by a real etcd (v3 API, through jetcd).
 * <p>
 * {@link #list} pages ({@link Context#listPageSize()} keys a page, 25,000 by default), every page after the first
 * pinned at the first page's revision, so the listing is one consistent snapshot; the next page is requested before
 * the current one is visited. Pages after the first are serializable reads: a read at a fixed, already served
 * revision needs no quorum round (this source talks to one endpoint). If that revision is compacted while paging,
 * {@code list} throws and the caller lists again.
 * <p>
 * Why pages are large: etcd 3.4 answers a ranged read with a limit by collecting every revision from the page's
 * first key to the end of the range and then cutting it to the limit, so a list of N keys in pages of P costs
 * about N²/2P index visits on the server: 500-key pages (kube's reflector, which in practice is served by
 * kube-apiserver's watch cache, not etcd) made the list of 155,000 keys take 17–24 s.
 * <p>
 * A watch keeps the revision after the last event it delivered. When the stream breaks (etcd restarted, connection
 * lost) it reopens from exactly that revision after an exponential backoff ({@link Context#watchRetryInitialBackoffNs()}
 * doubling to {@link Context#watchRetryMaxBackoffNs()}), and drops any event below it, so no event is lost or
 * delivered twice. A start revision that was compacted ends the watch with {@link WatchListener#onCompacted}. Progress
 * notifications are passed on but never move the resume revision: etcd 3.4 may answer a progress request before
 * events it has not yet sent.
 * <p>
 * Writes are single requests; {@link #compareAndSwap} is a transaction comparing the key's mod revision (0 for
 * "must not exist", as kube-apiserver does). Each call waits at most {@link Context#requestTimeoutNs()} and throws
 * {@link ClusterSourceException} naming the endpoint, operation and key when etcd does not answer.
 */
public final class EtcdSource implements ClusterSource
{
    /** Settings of an {@link EtcdSource}; defaults here, validated once by the constructor. */
    public static final class Context
    {
        public static final String ENDPOINT_DEFAULT = "http://127.0.0.1:2379";
        public static final long CONNECT_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(3);
        public static final long REQUEST_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(10);
        /**
         * Keys per list page: etcd 3.4's ranged read walks the whole rest of the range per page, so small pages make
         * a large list quadratic (155,001 keys: 18–28 s in pages of 500, 1.3–4.5 s in pages of 10,000–50,000); 25,000
         * pods of ~600 bytes (or nodes of ~2.6 KB) are 15–65 MB a page.
         */
        public static final int LIST_PAGE_SIZE_DEFAULT = 25_000;
        public static final long WATCH_RETRY_INITIAL_BACKOFF_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(100);
        public static final long WATCH_RETRY_MAX_BACKOFF_NS_DEFAULT = TimeUnit.SECONDS.toNanos(5);
        /** Never give up reconnecting a watch (kube's reflector does not either). */
        public static final long WATCH_RETRY_GIVE_UP_NS_DEFAULT = Long.MAX_VALUE;
        public static final boolean PROGRESS_NOTIFY_DEFAULT = true;
        public static final long CLOSE_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(5);
        /** gRPC's 4 MiB default is less than 500 large pods; kube-apiserver allows any size. */
        public static final int MAX_INBOUND_MESSAGE_BYTES_DEFAULT = Integer.MAX_VALUE;

        private String endpoint = ENDPOINT_DEFAULT;
        private long connectTimeoutNs = CONNECT_TIMEOUT_NS_DEFAULT;
        private long requestTimeoutNs = REQUEST_TIMEOUT_NS_DEFAULT;
        private int listPageSize = LIST_PAGE_SIZE_DEFAULT;
        private long watchRetryInitialBackoffNs = WATCH_RETRY_INITIAL_BACKOFF_NS_DEFAULT;
        private long watchRetryMaxBackoffNs = WATCH_RETRY_MAX_BACKOFF_NS_DEFAULT;
        private long watchRetryGiveUpNs = WATCH_RETRY_GIVE_UP_NS_DEFAULT;
        private boolean progressNotify = PROGRESS_NOTIFY_DEFAULT;
        private long closeTimeoutNs = CLOSE_TIMEOUT_NS_DEFAULT;
        private int maxInboundMessageBytes = MAX_INBOUND_MESSAGE_BYTES_DEFAULT;

        /** The client URL, e.g. {@code http://127.0.0.1:2379}. */
        public Context endpoint(final String endpoint)
        {
            this.endpoint = endpoint;
            return this;
        }

        public String endpoint()
        {
            return endpoint;
        }

        /** TCP connect timeout of the gRPC channel. */
        public Context connectTimeoutNs(final long connectTimeoutNs)
        {
            this.connectTimeoutNs = connectTimeoutNs;
            return this;
        }

        public long connectTimeoutNs()
        {
            return connectTimeoutNs;
        }

        /** How long one request (a page, a put, a transaction) may take. */
        public Context requestTimeoutNs(final long requestTimeoutNs)
        {
            this.requestTimeoutNs = requestTimeoutNs;
            return this;
        }

        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /** Keys per list page. */
        public Context listPageSize(final int listPageSize)
        {
            this.listPageSize = listPageSize;
            return this;
        }

        public int listPageSize()
        {
            return listPageSize;
        }

        /** First wait before reopening a broken watch; doubles per failure. */
        public Context watchRetryInitialBackoffNs(final long watchRetryInitialBackoffNs)
        {
            this.watchRetryInitialBackoffNs = watchRetryInitialBackoffNs;
            return this;
        }

        public long watchRetryInitialBackoffNs()
        {
            return watchRetryInitialBackoffNs;
        }

        /** Longest wait between attempts to reopen a watch. */
        public Context watchRetryMaxBackoffNs(final long watchRetryMaxBackoffNs)
        {
            this.watchRetryMaxBackoffNs = watchRetryMaxBackoffNs;
            return this;
        }

        public long watchRetryMaxBackoffNs()
        {
            return watchRetryMaxBackoffNs;
        }

        /** After failing this long without a successful reopen a watch ends with {@code onError}. */
        public Context watchRetryGiveUpNs(final long watchRetryGiveUpNs)
        {
            this.watchRetryGiveUpNs = watchRetryGiveUpNs;
            return this;
        }

        public long watchRetryGiveUpNs()
        {
            return watchRetryGiveUpNs;
        }

        /** Ask etcd for periodic progress notifications on every watch. */
        public Context progressNotify(final boolean progressNotify)
        {
            this.progressNotify = progressNotify;
            return this;
        }

        public boolean progressNotify()
        {
            return progressNotify;
        }

        /** How long {@link EtcdSource#close()} waits for its retry thread. */
        public Context closeTimeoutNs(final long closeTimeoutNs)
        {
            this.closeTimeoutNs = closeTimeoutNs;
            return this;
        }

        public long closeTimeoutNs()
        {
            return closeTimeoutNs;
        }

        /** The largest response accepted (a list page, a batch of watch events). */
        public Context maxInboundMessageBytes(final int maxInboundMessageBytes)
        {
            this.maxInboundMessageBytes = maxInboundMessageBytes;
            return this;
        }

        public int maxInboundMessageBytes()
        {
            return maxInboundMessageBytes;
        }

        /** Validates the settings; the constructor calls it. */
        public Context conclude()
        {
            if (endpoint == null)
            {
                throw new IllegalArgumentException("etcd endpoint is null");
            }
            final URI uri;
            try
            {
                uri = URI.create(endpoint);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new IllegalArgumentException("etcd endpoint must look like http://HOST:PORT: " + endpoint, ex);
            }
            if (!"http".equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() <= 0)
            {
                throw new IllegalArgumentException("etcd endpoint must look like http://HOST:PORT: " + endpoint);
            }
            requirePositive("connectTimeoutNs", connectTimeoutNs);
            requirePositive("requestTimeoutNs", requestTimeoutNs);
            requirePositive("listPageSize", listPageSize);
            requirePositive("watchRetryInitialBackoffNs", watchRetryInitialBackoffNs);
            requirePositive("watchRetryGiveUpNs", watchRetryGiveUpNs);
            requirePositive("closeTimeoutNs", closeTimeoutNs);
            requirePositive("maxInboundMessageBytes", maxInboundMessageBytes);
            if (watchRetryMaxBackoffNs < watchRetryInitialBackoffNs)
            {
                throw new IllegalArgumentException("watchRetryMaxBackoffNs (" + watchRetryMaxBackoffNs +
                    ") is below watchRetryInitialBackoffNs (" + watchRetryInitialBackoffNs + ")");
            }
            return this;
        }

        private static void requirePositive(final String name, final long value)
        {
            if (value <= 0)
            {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
        }
    }

    private static final ByteSequence ZERO_KEY = ByteSequence.from(new byte[]{0});
    private static final ByteString ZERO_BYTE = ByteString.copyFrom(new byte[]{0});
    private static final AtomicInteger RETRY_THREAD_IDS = new AtomicInteger();

    private final String endpoint;
    private final long requestTimeoutNs;
    private final int listPageSize;
    private final long watchRetryInitialBackoffNs;
    private final long watchRetryMaxBackoffNs;
    private final long watchRetryGiveUpNs;
    private final boolean progressNotify;
    private final long closeTimeoutNs;
    private final Client client;
    private final KV kv;
    private final Watch watchClient;
    private final ScheduledExecutorService retryExecutor;
    private final List<EtcdWatch> watches = new ArrayList<>();
    private boolean closed;

    /** Connects lazily: the first request opens the channel. */
    public EtcdSource(final Context context)
    {
        context.conclude();
        endpoint = context.endpoint();
        requestTimeoutNs = context.requestTimeoutNs();
        listPageSize = context.listPageSize();
        watchRetryInitialBackoffNs = context.watchRetryInitialBackoffNs();
        watchRetryMaxBackoffNs = context.watchRetryMaxBackoffNs();
        watchRetryGiveUpNs = context.watchRetryGiveUpNs();
        progressNotify = context.progressNotify();
        closeTimeoutNs = context.closeTimeoutNs();
        client = Client.builder()
            .endpoints(endpoint)
            .connectTimeout(Duration.ofNanos(context.connectTimeoutNs()))
            .maxInboundMessageSize(context.maxInboundMessageBytes())
            .build();
        kv = client.getKVClient();
        watchClient = client.getWatchClient();
        retryExecutor = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "berth-etcd-watch-retry-" + RETRY_THREAD_IDS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The endpoint this source talks to. */
    public String endpoint()
    {
        return endpoint;
    }

    @Override
    public long list(final String prefix, final KeyValueVisitor visitor)
    {
        final ByteSequence start = prefixStart(prefix);
        final ByteSequence end = prefixEnd(prefix);
        long revision = 0;
        GetResponse page = awaitPage(kv.get(start, pageOption(end, 0)), prefix, 0);
        while (true)
        {
            if (revision == 0)
            {
                revision = page.getHeader().getRevision();
            }
            final RangeResponse range = RangePage.of(page);
            final List<io.etcd.jetcd.KeyValue> kvs = range == null ? page.getKvs() : null;
            final int count = range == null ? kvs.size() : range.getKvsCount();
            final boolean more = page.isMore() && count > 0;
            // ask for the next page before visiting this one, so etcd and the network work while the visitor does
            final CompletableFuture<GetResponse> next = more ?
                kv.get(range == null ? kvs.getLast().getKey().concat(ZERO_KEY) :
                    ByteSequence.from(range.getKvs(count - 1).getKey().concat(ZERO_BYTE)), pageOption(end, revision)) :
                null;
            try
            {
                if (range != null)
                {
                    for (int i = 0; i < count; i++)
                    {
                        final io.etcd.jetcd.api.KeyValue entry = range.getKvs(i);
                        visitor.onKeyValue(
                            entry.getKey().toByteArray(), entry.getValue().toByteArray(), entry.getModRevision());
                    }
                }
                else
                {
                    for (int i = 0; i < count; i++)
                    {
                        final io.etcd.jetcd.KeyValue entry = kvs.get(i);
                        visitor.onKeyValue(entry.getKey().getBytes(), entry.getValue().getBytes(), entry.getModRevision());
                    }
                }
            }
            catch (final RuntimeException ex)
            {
                if (next != null)
                {
                    next.cancel(true);
                }
                throw ex;
            }
            if (next == null)
            {
                return revision;
            }
            page = awaitPage(next, prefix, revision);
        }
    }

    private GetOption pageOption(final ByteSequence end, final long revision)
    {
        // the first page is linearizable (it picks the snapshot's revision: the latest); the rest read that revision
        return GetOption.builder().withRange(end).withLimit(listPageSize).withRevision(revision)
            .withSerializable(revision != 0).build();
    }

    private GetResponse awaitPage(final CompletableFuture<GetResponse> page, final String prefix, final long revision)
    {
        try
        {
            return await(page, "list", prefix);
        }
        catch (final ClusterSourceException ex)
        {
            if (revision != 0 && ex.getCause() instanceof CompactedException)
            {
                throw new ClusterSourceException("etcd at " + endpoint + ": list of " + prefix + " at revision " +
                    revision + ": compacted while paging; list again", ex.getCause());
            }
            throw ex;
        }
    }

    @Override
    public WatchHandle watch(final String prefix, final long fromRevision, final WatchListener listener)
    {
        if (listener == null)
        {
            throw new IllegalArgumentException("watch of " + prefix + ": listener is null");
        }
        final long start = fromRevision <= 0 ? currentRevision() + 1 : fromRevision;
        final EtcdWatch watch = new EtcdWatch(prefix, start, listener);
        synchronized (watches)
        {
            if (closed)
            {
                throw new IllegalStateException("etcd source for " + endpoint + " is closed");
            }
            watches.add(watch);
        }
        watch.open();
        return watch;
    }

    @Override
    public KeyValue get(final String key)
    {
        final GetResponse response = await(kv.get(bytes(requireKey(key))), "get", key);
        if (response.getKvs().isEmpty())
        {
            return null;
        }
        final io.etcd.jetcd.KeyValue entry = response.getKvs().getFirst();
        return new KeyValue(key, entry.getValue().getBytes(), entry.getCreateRevision(), entry.getModRevision());
    }

    @Override
    public long put(final String key, final byte[] value)
    {
        requireValue(key, value);
        return await(kv.put(bytes(requireKey(key)), ByteSequence.from(value)), "put", key).getHeader().getRevision();
    }

    @Override
    public long compareAndSwap(final String key, final long expectedModRevision, final byte[] value)
    {
        requireValue(key, value);
        if (expectedModRevision < 0)
        {
            throw new IllegalArgumentException(
                "compare-and-swap of " + key + ": expected mod revision is negative: " + expectedModRevision);
        }
        final ByteSequence k = bytes(requireKey(key));
        final TxnResponse response = await(kv.txn()
            .If(new Cmp(k, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)))
            .Then(Op.put(k, ByteSequence.from(value), PutOption.DEFAULT))
            .commit(), "compare-and-swap", key);
        return response.isSucceeded() ? response.getHeader().getRevision() : CAS_FAILED;
    }

    @Override
    public long delete(final String key)
    {
        final DeleteResponse response = await(kv.delete(bytes(requireKey(key))), "delete", key);
        return response.getDeleted() == 0 ? CAS_FAILED : response.getHeader().getRevision();
    }

    @Override
    public long currentRevision()
    {
        return currentRevision(requestTimeoutNs);
    }

    /**
     * The current revision, waiting at most {@code timeoutNs}: a quick "is etcd there" probe for commands.
     *
     * @throws ClusterSourceException when etcd did not answer in time.
     */
    public long currentRevision(final long timeoutNs)
    {
        return await(kv.get(ZERO_KEY, GetOption.builder().withCountOnly(true).build()), "read the revision", "",
            timeoutNs).getHeader().getRevision();
    }

    @Override
    public void compact(final long revision)
    {
        try
        {
            await(kv.compact(revision, CompactOption.newBuilder().withCompactPhysical(true).build()),
                "compact at revision " + revision, "");
        }
        catch (final ClusterSourceException ex)
        {
            final String message = String.valueOf(ex.getCause() == null ? null : ex.getCause().getMessage());
            if (ex.getCause() instanceof CompactedException || message.contains("required revision has been compacted"))
            {
                return; // at or below an earlier compaction: nothing to do, as the contract says
            }
            if (message.contains("future revision"))
            {
                throw new IllegalArgumentException("cannot compact at revision " + revision +
                    ": it is after etcd's current revision (" + endpoint + ")", ex.getCause());
            }
            throw ex;
        }
    }

    @Override
    public void close()
    {
        final EtcdWatch[] open;
        synchronized (watches)
        {
            if (closed)
            {
                return;
            }
            closed = true;
            open = watches.toArray(new EtcdWatch[0]);
        }
        for (final EtcdWatch watch : open)
        {
            watch.close();
        }
        retryExecutor.shutdownNow();
        try
        {
            retryExecutor.awaitTermination(closeTimeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        client.close();
    }

    private <T> T await(final CompletableFuture<T> future, final String operation, final String key)
    {
        return await(future, operation, key, requestTimeoutNs);
    }

    private <T> T await(final CompletableFuture<T> future, final String operation, final String key,
        final long timeoutNs)
    {
        try
        {
            return future.get(timeoutNs, TimeUnit.NANOSECONDS);
        }
        catch (final TimeoutException ex)
        {
            future.cancel(true);
            throw new ClusterSourceException("etcd at " + endpoint + ": " + operation + describeKey(key) +
                ": no answer within " + TimeUnit.NANOSECONDS.toMillis(timeoutNs) + " ms", ex);
        }
        catch (final ExecutionException ex)
        {
            final Throwable cause = ex.getCause() == null ? ex : ex.getCause();
            throw new ClusterSourceException("etcd at " + endpoint + ": " + operation + describeKey(key) + " failed: " +
                cause.getMessage(), cause);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            future.cancel(true);
            throw new ClusterSourceException("etcd at " + endpoint + ": " + operation + describeKey(key) +
                ": interrupted", ex);
        }
    }

    private static String describeKey(final String key)
    {
        return key.isEmpty() ? "" : " of " + key;
    }

    private static String requireKey(final String key)
    {
        if (key == null || key.isEmpty())
        {
            throw new IllegalArgumentException("key is null or empty");
        }
        return key;
    }

    private static void requireValue(final String key, final byte[] value)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("value of " + key + " is null");
        }
    }

    private static ByteSequence bytes(final String s)
    {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    /** The first key of a prefix range; the empty prefix (everything) starts at the zero byte, as etcdctl does. */
    private static ByteSequence prefixStart(final String prefix)
    {
        if (prefix == null)
        {
            throw new IllegalArgumentException("prefix is null");
        }
        return prefix.isEmpty() ? ZERO_KEY : bytes(prefix);
    }

    private static ByteSequence prefixEnd(final String prefix)
    {
        return prefix.isEmpty() ? ZERO_KEY : OptionsUtil.prefixEndOf(bytes(prefix));
    }

    /**
     * One watch over a succession of jetcd watchers: each (re)open makes a new watcher and a new generation, and
     * callbacks of older generations are ignored. State is guarded by {@code lock}; jetcd is never called while
     * holding it (jetcd calls back into us while holding its own lock).
     */
    private final class EtcdWatch implements WatchHandle
    {
        private final String prefix;
        private final WatchListener listener;
        private final Object lock = new Object();
        /** The revision after the last delivered event: where a reopened watcher starts. */
        private long nextRevision;
        private int generation;
        private Watch.Watcher watcher;
        private boolean ended;
        private boolean progressWanted;
        /** The current generation's watcher was created by etcd. */
        private boolean created;
        private int failures;
        private long firstFailureNs;

        EtcdWatch(final String prefix, final long fromRevision, final WatchListener listener)
        {
            this.prefix = prefix;
            this.nextRevision = fromRevision;
            this.listener = listener;
        }

        void open()
        {
            final int openGeneration;
            final long startRevision;
            synchronized (lock)
            {
                if (ended)
                {
                    return;
                }
                openGeneration = ++generation;
                startRevision = nextRevision;
                created = false;
            }
            final WatchOption.Builder option = WatchOption.builder()
                .withRevision(startRevision)
                .withProgressNotify(progressNotify)
                .withCreateNotify(true);
            if (prefix.isEmpty())
            {
                option.withRange(ZERO_KEY);
            }
            else
            {
                option.isPrefix(true);
            }
            final Watch.Watcher opened;
            try
            {
                opened = watchClient.watch(prefixStart(prefix), option.build(), new Generation(openGeneration));
            }
            catch (final RuntimeException ex)
            {
                onFailure(openGeneration, ex);
                return;
            }
            final boolean stale;
            synchronized (lock)
            {
                stale = ended || generation != openGeneration;
                if (!stale)
                {
                    watcher = opened;
                }
            }
            if (stale)
            {
                opened.close();
                return;
            }
            // jetcd waits for a channel that is not ready instead of failing: a watcher not created in time counts
            // as a failure, so that backoff and giving up work while etcd is away
            try
            {
                retryExecutor.schedule(() -> checkCreated(openGeneration), requestTimeoutNs, TimeUnit.NANOSECONDS);
            }
            catch (final RuntimeException rejected)
            {
                // the source is closing
            }
        }

        private void checkCreated(final int openGeneration)
        {
            synchronized (lock)
            {
                if (ended || generation != openGeneration || created)
                {
                    return;
                }
            }
            handleFailure(openGeneration, new ClusterSourceException("etcd at " + endpoint + ": watch of " + prefix +
                " from revision " + nextRevisionForMessage() + " not created within " +
                TimeUnit.NANOSECONDS.toMillis(requestTimeoutNs) + " ms"));
        }

        private long nextRevisionForMessage()
        {
            synchronized (lock)
            {
                return nextRevision;
            }
        }

        /** Runs on jetcd's thread, one response at a time per watcher. */
        void onResponse(final int responseGeneration, final WatchResponse response)
        {
            boolean askProgress = false;
            synchronized (lock)
            {
                if (ended || responseGeneration != generation)
                {
                    return;
                }
                try
                {
                    if (response.isCreatedNotify())
                    {
                        created = true;
                        failures = 0;
                        askProgress = progressWanted;
                    }
                    else if (response.isProgressNotify())
                    {
                        progressWanted = false;
                        listener.onProgress(response.getHeader().getRevision());
                    }
                    else
                    {
                        final List<WatchEvent> events = response.getEvents();
                        final long from = nextRevision;
                        long last = -1;
                        for (int i = 0, n = events.size(); i < n; i++)
                        {
                            final WatchEvent event = events.get(i);
                            final io.etcd.jetcd.KeyValue entry = event.getKeyValue();
                            final long modRevision = entry.getModRevision();
                            if (modRevision < from)
                            {
                                continue; // already delivered before a reconnect
                            }
                            final boolean delete = event.getEventType() == WatchEvent.EventType.DELETE;
                            listener.onEvent(delete, entry.getKey().getBytes(),
                                delete ? new byte[0] : entry.getValue().getBytes(), modRevision);
                            last = Math.max(last, modRevision);
                        }
                        if (last >= 0)
                        {
                            nextRevision = last + 1;
                        }
                        failures = 0;
                    }
                }
                catch (final RuntimeException ex)
                {
                    endLocked();
                    deliverError(ex);
                }
            }
            final Watch.Watcher current = currentWatcher();
            if (askProgress && current != null)
            {
                current.requestProgress();
            }
        }

        /** Runs on jetcd's thread while it holds its own lock: only hands the failure to the retry thread. */
        void onFailure(final int failedGeneration, final Throwable error)
        {
            try
            {
                retryExecutor.execute(() -> handleFailure(failedGeneration, error));
            }
            catch (final RuntimeException rejected)
            {
                // the source is closing; the watch ends with it
            }
        }

        private void handleFailure(final int failedGeneration, final Throwable error)
        {
            final Watch.Watcher broken;
            long delayNs = -1;
            synchronized (lock)
            {
                if (ended || failedGeneration != generation)
                {
                    return;
                }
                broken = watcher;
                watcher = null;
                generation++; // whatever the broken watcher still sends is ignored
                if (error instanceof CompactedException compacted)
                {
                    endLocked();
                    try
                    {
                        listener.onCompacted(compacted.getCompactedRevision());
                    }
                    catch (final RuntimeException ignored)
                    {
                        // the watch has ended either way
                    }
                }
                else
                {
                    final long now = System.nanoTime();
                    if (failures++ == 0)
                    {
                        firstFailureNs = now;
                    }
                    if (now - firstFailureNs >= watchRetryGiveUpNs)
                    {
                        endLocked();
                        deliverError(new ClusterSourceException("etcd at " + endpoint + ": watch of " + prefix +
                            " from revision " + nextRevision + ": gave up reconnecting after " +
                            TimeUnit.NANOSECONDS.toMillis(now - firstFailureNs) + " ms: " + error.getMessage(), error));
                    }
                    else
                    {
                        final int shift = Math.min(failures - 1, 30);
                        delayNs = Math.min(watchRetryMaxBackoffNs, watchRetryInitialBackoffNs << shift);
                        if (delayNs <= 0)
                        {
                            delayNs = watchRetryMaxBackoffNs;
                        }
                    }
                }
            }
            if (broken != null)
            {
                broken.close();
            }
            if (delayNs >= 0)
            {
                try
                {
                    retryExecutor.schedule(this::open, delayNs, TimeUnit.NANOSECONDS);
                }
                catch (final RuntimeException rejected)
                {
                    // the source is closing
                }
            }
        }

        private void deliverError(final Throwable error)
        {
            try
            {
                listener.onError(error);
            }
            catch (final RuntimeException ignored)
            {
                // the watch has ended either way
            }
        }

        private void endLocked()
        {
            ended = true;
            generation++;
            synchronized (watches)
            {
                watches.remove(this);
            }
        }

        private Watch.Watcher currentWatcher()
        {
            synchronized (lock)
            {
                return ended ? null : watcher;
            }
        }

        @Override
        public void requestProgress()
        {
            final Watch.Watcher current;
            synchronized (lock)
            {
                if (ended)
                {
                    return;
                }
                progressWanted = true;
                current = watcher;
            }
            if (current != null)
            {
                current.requestProgress();
            }
        }

        @Override
        public void close()
        {
            final Watch.Watcher open;
            synchronized (lock)
            {
                if (ended)
                {
                    open = watcher;
                    watcher = null;
                }
                else
                {
                    endLocked();
                    open = watcher;
                    watcher = null;
                }
            }
            if (open != null)
            {
                open.close();
            }
        }

        /** jetcd's listener for one generation. */
        private final class Generation implements Watch.Listener
        {
            private final int id;

            Generation(final int id)
            {
                this.id = id;
            }

            @Override
            public void onNext(final WatchResponse response)
            {
                onResponse(id, response);
            }

            @Override
            public void onError(final Throwable throwable)
            {
                onFailure(id, throwable);
            }

            @Override
            public void onCompleted()
            {
                // jetcd calls this when a watcher is closed, by us or after a failure it reported through onError
            }
        }
    }
}
