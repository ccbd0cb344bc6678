package io.berth.mirror.source;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process {@link ClusterSource} with etcd's revision model: one global revision counter (an empty store is at
 * revision 1, as etcd is; each successful write adds one), per-key create and mod revisions, lists at the current
 * revision in key byte order, watches from any revision not yet compacted (the event history since the last
 * compaction is kept and replayed, then live events follow), compare-and-swap on the mod revision, and compaction.
 * <p>
 * Writers may call from any thread. Each watch sees every matching event once, in revision order. Delivery runs on a
 * thread of the watch's own by default; with {@link Context#deliverOnWriterThread(boolean)} it runs on the thread
 * that wrote (or opened the watch, or asked for progress), so that with one writer thread an event has reached every
 * listener when the write returns, which makes tests deterministic. A listener that throws ends its watch and is told
 * through {@link WatchListener#onError}.
 * <p>
 * Like etcd: a delete of an absent key changes nothing (and returns {@link #CAS_FAILED}); {@code watch} from revision
 * 0 or less means "from the next revision"; a watch from a revision below the compaction revision, or one that falls
 * behind a compaction, ends with {@link WatchListener#onCompacted}; compacting at or below an earlier compaction does
 * nothing; compacting after the current revision is an error.
 */
public final class EmbeddedStore implements ClusterSource
{
    /** Settings of an {@link EmbeddedStore}; defaults here. */
    public static final class Context
    {
        /** Default for {@link #deliverOnWriterThread()}: each watch has its own delivery thread. */
        public static final boolean DELIVER_ON_WRITER_THREAD_DEFAULT = false;
        /** Default for {@link #closeTimeoutNs()}. */
        public static final long CLOSE_TIMEOUT_NS_DEFAULT = TimeUnit.SECONDS.toNanos(5);

        private boolean deliverOnWriterThread = DELIVER_ON_WRITER_THREAD_DEFAULT;
        private long closeTimeoutNs = CLOSE_TIMEOUT_NS_DEFAULT;

        /** Deliver watch events on the writing thread instead of a thread per watch. */
        public Context deliverOnWriterThread(final boolean deliverOnWriterThread)
        {
            this.deliverOnWriterThread = deliverOnWriterThread;
            return this;
        }

        public boolean deliverOnWriterThread()
        {
            return deliverOnWriterThread;
        }

        /** How long closing a watch waits for its delivery thread to finish the event in hand. */
        public Context closeTimeoutNs(final long closeTimeoutNs)
        {
            this.closeTimeoutNs = closeTimeoutNs;
            return this;
        }

        public long closeTimeoutNs()
        {
            return closeTimeoutNs;
        }

        Context conclude()
        {
            if (closeTimeoutNs < 0)
            {
                throw new IllegalArgumentException("closeTimeoutNs must not be negative: " + closeTimeoutNs);
            }
            return this;
        }
    }

    /** The revision of an empty store (etcd's too). */
    public static final long INITIAL_REVISION = 1;

    private static final byte[] EMPTY = new byte[0];
    private static final AtomicInteger WATCH_IDS = new AtomicInteger();

    private final boolean deliverOnWriterThread;
    private final long closeTimeoutNs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final TreeMap<String, Entry> entries = new TreeMap<>(EmbeddedStore::compareKeys);
    /** Events of revisions historyFirstRevision..revision, one per revision (every write touches one key). */
    private final ArrayList<Event> history = new ArrayList<>();
    private final ArrayList<StoreWatch> watches = new ArrayList<>();
    private long historyFirstRevision = INITIAL_REVISION + 1;
    private long revision = INITIAL_REVISION;
    private long compactRevision;
    private boolean closed;

    /** A store with the default {@link Context}. */
    public EmbeddedStore()
    {
        this(new Context());
    }

    public EmbeddedStore(final Context context)
    {
        context.conclude();
        deliverOnWriterThread = context.deliverOnWriterThread();
        closeTimeoutNs = context.closeTimeoutNs();
    }

    @Override
    public long list(final String prefix, final KeyValueVisitor visitor)
    {
        requirePrefix(prefix);
        final List<KeyValue> snapshot = new ArrayList<>();
        final long listRevision;
        lock.lock();
        try
        {
            ensureOpen();
            listRevision = revision;
            for (final Map.Entry<String, Entry> e : entries.tailMap(prefix, true).entrySet())
            {
                if (!e.getKey().startsWith(prefix))
                {
                    break;
                }
                final Entry entry = e.getValue();
                snapshot.add(new KeyValue(e.getKey(), entry.value, entry.createRevision, entry.modRevision));
            }
        }
        finally
        {
            lock.unlock();
        }
        for (int i = 0, n = snapshot.size(); i < n; i++)
        {
            final KeyValue kv = snapshot.get(i);
            visitor.onKeyValue(kv.key().getBytes(StandardCharsets.UTF_8), kv.value().clone(), kv.modRevision());
        }
        return listRevision;
    }

    @Override
    public WatchHandle watch(final String prefix, final long fromRevision, final WatchListener listener)
    {
        requirePrefix(prefix);
        if (listener == null)
        {
            throw new IllegalArgumentException("watch of " + prefix + ": listener is null");
        }
        final StoreWatch watch;
        lock.lock();
        try
        {
            ensureOpen();
            watch = new StoreWatch(prefix, fromRevision <= 0 ? revision + 1 : fromRevision, listener);
            watches.add(watch);
        }
        finally
        {
            lock.unlock();
        }
        if (deliverOnWriterThread)
        {
            watch.drain();
        }
        else
        {
            watch.start();
        }
        return watch;
    }

    @Override
    public KeyValue get(final String key)
    {
        requireKey(key);
        lock.lock();
        try
        {
            ensureOpen();
            final Entry entry = entries.get(key);
            return entry == null ? null : new KeyValue(key, entry.value.clone(), entry.createRevision, entry.modRevision);
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public long put(final String key, final byte[] value)
    {
        requireKey(key);
        requireValue(key, value);
        final long modRevision;
        lock.lock();
        try
        {
            ensureOpen();
            modRevision = writeLocked(key, value.clone());
        }
        finally
        {
            lock.unlock();
        }
        afterWrite();
        return modRevision;
    }

    @Override
    public long compareAndSwap(final String key, final long expectedModRevision, final byte[] value)
    {
        requireKey(key);
        requireValue(key, value);
        if (expectedModRevision < 0)
        {
            throw new IllegalArgumentException(
                "compare-and-swap of " + key + ": expected mod revision is negative: " + expectedModRevision);
        }
        final long modRevision;
        lock.lock();
        try
        {
            ensureOpen();
            final Entry existing = entries.get(key);
            final long actual = existing == null ? ABSENT : existing.modRevision;
            if (actual != expectedModRevision)
            {
                return CAS_FAILED;
            }
            modRevision = writeLocked(key, value.clone());
        }
        finally
        {
            lock.unlock();
        }
        afterWrite();
        return modRevision;
    }

    @Override
    public long delete(final String key)
    {
        requireKey(key);
        final long deleteRevision;
        lock.lock();
        try
        {
            ensureOpen();
            if (entries.remove(key) == null)
            {
                return CAS_FAILED;
            }
            deleteRevision = ++revision;
            history.add(new Event(key, key.getBytes(StandardCharsets.UTF_8), EMPTY, true, deleteRevision));
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        afterWrite();
        return deleteRevision;
    }

    @Override
    public long currentRevision()
    {
        lock.lock();
        try
        {
            ensureOpen();
            return revision;
        }
        finally
        {
            lock.unlock();
        }
    }

    /** The revision of the last compaction (0: never compacted). */
    public long compactRevision()
    {
        lock.lock();
        try
        {
            return compactRevision;
        }
        finally
        {
            lock.unlock();
        }
    }

    @Override
    public void compact(final long compactTo)
    {
        lock.lock();
        try
        {
            ensureOpen();
            if (compactTo > revision)
            {
                throw new IllegalArgumentException(
                    "cannot compact at revision " + compactTo + ": the current revision is " + revision);
            }
            if (compactTo <= compactRevision)
            {
                return;
            }
            compactRevision = compactTo;
            final long drop = Math.min(history.size(), compactTo - historyFirstRevision);
            if (drop > 0)
            {
                history.subList(0, (int)drop).clear();
                historyFirstRevision += drop;
            }
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        afterWrite();
    }

    @Override
    public void close()
    {
        final StoreWatch[] open;
        lock.lock();
        try
        {
            if (closed)
            {
                return;
            }
            closed = true;
            open = watches.toArray(new StoreWatch[0]);
            changed.signalAll();
        }
        finally
        {
            lock.unlock();
        }
        for (final StoreWatch watch : open)
        {
            watch.close();
        }
    }

    private long writeLocked(final String key, final byte[] value)
    {
        final long modRevision = ++revision;
        final Entry existing = entries.get(key);
        entries.put(key, new Entry(value, existing == null ? modRevision : existing.createRevision, modRevision));
        history.add(new Event(key, key.getBytes(StandardCharsets.UTF_8), value, false, modRevision));
        changed.signalAll();
        return modRevision;
    }

    private void afterWrite()
    {
        if (!deliverOnWriterThread)
        {
            return;
        }
        final StoreWatch[] open;
        lock.lock();
        try
        {
            open = watches.toArray(new StoreWatch[0]);
        }
        finally
        {
            lock.unlock();
        }
        for (final StoreWatch watch : open)
        {
            watch.drain();
        }
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException("embedded store is closed");
        }
    }

    private static void requirePrefix(final String prefix)
    {
        if (prefix == null)
        {
            throw new IllegalArgumentException("prefix is null");
        }
    }

    private static void requireKey(final String key)
    {
        if (key == null || key.isEmpty())
        {
            throw new IllegalArgumentException("key is null or empty");
        }
    }

    private static void requireValue(final String key, final byte[] value)
    {
        if (value == null)
        {
            throw new IllegalArgumentException("value of " + key + " is null");
        }
    }

    /** Orders keys as etcd does, by their UTF-8 bytes (the same as by code points). */
    static int compareKeys(final String a, final String b)
    {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length())
        {
            final int ca = a.codePointAt(i);
            final int cb = b.codePointAt(j);
            if (ca != cb)
            {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private record Entry(byte[] value, long createRevision, long modRevision)
    {
    }

    private record Event(String key, byte[] keyBytes, byte[] value, boolean delete, long revision)
    {
    }

    /** What a watch found to deliver next, taken under the store lock and delivered outside it. */
    private enum Next
    {
        NOTHING, EVENT, PROGRESS, COMPACTED, ENDED
    }

    private final class StoreWatch implements WatchHandle, Runnable
    {
        private final String prefix;
        private final WatchListener listener;
        private final ReentrantLock deliveryLock = new ReentrantLock();
        private Thread thread;
        /** Next revision to look at; guarded by the store lock. */
        private long cursor;
        /** Guarded by the store lock. */
        private boolean progressRequested;
        private volatile boolean ended;
        /** Guarded by deliveryLock: a listener wrote to the store from inside a callback on this thread. */
        private boolean delivering;

        // Per take: what to deliver, filled under the store lock.
        private Event event;
        private long number;

        StoreWatch(final String prefix, final long fromRevision, final WatchListener listener)
        {
            this.prefix = prefix;
            this.cursor = fromRevision;
            this.listener = listener;
        }

        void start()
        {
            thread = new Thread(this, "berth-embedded-watch-" + WATCH_IDS.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void run()
        {
            while (!ended)
            {
                deliverAvailable();
                lock.lock();
                try
                {
                    while (!ended && !closed && !pendingLocked())
                    {
                        changed.awaitUninterruptibly();
                    }
                    if (closed)
                    {
                        ended = true;
                    }
                }
                finally
                {
                    lock.unlock();
                }
            }
        }

        /** Delivers on the calling thread; a concurrent or nested call leaves the work to the one delivering. */
        void drain()
        {
            while (!ended)
            {
                if (!deliveryLock.tryLock())
                {
                    return;
                }
                try
                {
                    if (delivering)
                    {
                        return;
                    }
                    delivering = true;
                    try
                    {
                        deliverAvailable();
                    }
                    finally
                    {
                        delivering = false;
                    }
                }
                finally
                {
                    deliveryLock.unlock();
                }
                lock.lock();
                try
                {
                    if (!pendingLocked())
                    {
                        return;
                    }
                }
                finally
                {
                    lock.unlock();
                }
            }
        }

        private boolean pendingLocked()
        {
            return cursor <= revision || progressRequested || cursor < compactRevision;
        }

        private void deliverAvailable()
        {
            while (true)
            {
                final Next next = take();
                try
                {
                    switch (next)
                    {
                        case NOTHING, ENDED ->
                        {
                            return;
                        }
                        case EVENT ->
                        {
                            final Event e = event;
                            event = null;
                            listener.onEvent(e.delete, e.keyBytes.clone(), e.value.clone(), e.revision);
                        }
                        case PROGRESS -> listener.onProgress(number);
                        case COMPACTED ->
                        {
                            endWatch();
                            listener.onCompacted(number);
                            return;
                        }
                    }
                }
                catch (final RuntimeException ex)
                {
                    endWatch();
                    try
                    {
                        listener.onError(ex);
                    }
                    catch (final RuntimeException ignored)
                    {
                        // the listener failed twice; the watch has ended either way
                    }
                    return;
                }
            }
        }

        private Next take()
        {
            lock.lock();
            try
            {
                if (ended || closed)
                {
                    return Next.ENDED;
                }
                if (cursor < compactRevision)
                {
                    number = compactRevision;
                    return Next.COMPACTED;
                }
                if (cursor < historyFirstRevision)
                {
                    cursor = historyFirstRevision;
                }
                while (cursor <= revision)
                {
                    final Event e = history.get((int)(cursor - historyFirstRevision));
                    cursor++;
                    if (e.key.startsWith(prefix))
                    {
                        event = e;
                        return Next.EVENT;
                    }
                }
                if (progressRequested)
                {
                    progressRequested = false;
                    number = revision;
                    return Next.PROGRESS;
                }
                return Next.NOTHING;
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public void requestProgress()
        {
            lock.lock();
            try
            {
                if (ended || closed)
                {
                    return;
                }
                progressRequested = true;
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
            if (deliverOnWriterThread)
            {
                drain();
            }
        }

        private void endWatch()
        {
            lock.lock();
            try
            {
                ended = true;
                watches.remove(this);
                changed.signalAll();
            }
            finally
            {
                lock.unlock();
            }
        }

        @Override
        public void close()
        {
            endWatch();
            final Thread t = thread;
            if (t != null && t != Thread.currentThread())
            {
                try
                {
                    t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(closeTimeoutNs)));
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public String toString()
        {
            return "watch of " + prefix + " at revision " + cursor + (ended ? " (ended)" : "");
        }
    }

    @Override
    public String toString()
    {
        lock.lock();
        try
        {
            return "EmbeddedStore{revision=" + revision + ", compactRevision=" + compactRevision +
                ", keys=" + entries.size() + ", history=" + history.size() + '}';
        }
        finally
        {
            lock.unlock();
        }
    }
}
