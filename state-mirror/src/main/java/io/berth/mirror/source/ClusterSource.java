package io.berth.mirror.source;

/**
 * Where cluster state lives: a key-value store with etcd's revision model, holding Kubernetes objects as JSON under
 * kube-apiserver's key layout ({@link KeyLayout}). Implemented by {@code EtcdSource} (a real etcd through jetcd) and
 * {@code EmbeddedStore} (in process); one contract test suite runs against both.
 * <p>
 * The contract: {@link #list} is a consistent snapshot at one revision; {@link #watch} from {@code revision + 1}
 * then delivers every later change of the prefix exactly once, in revision order, each with its mod revision. A
 * watch whose start revision was compacted reports {@link WatchListener#onCompacted} and ends; the caller relists.
 * Writes return the new mod revision of the key, or {@link #CAS_FAILED} when a compare-and-swap lost.
 */
public interface ClusterSource extends AutoCloseable
{
    /** Returned by a conditional write whose expected mod revision did not match. */
    long CAS_FAILED = -1;

    /** Mod revision to pass to {@link #compareAndSwap} meaning "the key must not exist". */
    long ABSENT = 0;

    /**
     * Lists every key under {@code prefix} at one revision (paginated underneath where the store needs it) and
     * returns that revision. Keys arrive in byte order.
     */
    long list(String prefix, KeyValueVisitor visitor);

    /**
     * Watches {@code prefix} from {@code fromRevision} (inclusive) until the handle is closed. Events are delivered
     * on the source's own thread(s), one at a time, in revision order.
     */
    WatchHandle watch(String prefix, long fromRevision, WatchListener listener);

    /** The current value of {@code key} with its mod revision, or null when absent. */
    KeyValue get(String key);

    /** Writes {@code value} unconditionally; returns the new mod revision. */
    long put(String key, byte[] value);

    /**
     * Writes {@code value} only when the key's mod revision is {@code expectedModRevision} ({@link #ABSENT}: the key
     * must not exist); returns the new mod revision or {@link #CAS_FAILED}.
     */
    long compareAndSwap(String key, long expectedModRevision, byte[] value);

    /** Deletes {@code key}; returns the revision of the delete, or {@link #CAS_FAILED} when it did not exist. */
    long delete(String key);

    /** The store's current revision. */
    long currentRevision();

    /** Compacts history up to {@code revision}: watches from before it fail with {@code onCompacted}. */
    void compact(long revision);

    /** Releases connections and threads; open watches end. */
    @Override
    void close();
}
