package io.berth.mirror.source;

/** Passes every call to a real source; tests override one call to interleave another writer. */
public class DelegatingSource implements ClusterSource
{
    private final ClusterSource delegate;

    public DelegatingSource(final ClusterSource delegate)
    {
        this.delegate = delegate;
    }

    @Override
    public long list(final String prefix, final KeyValueVisitor visitor)
    {
        return delegate.list(prefix, visitor);
    }

    @Override
    public WatchHandle watch(final String prefix, final long fromRevision, final WatchListener listener)
    {
        return delegate.watch(prefix, fromRevision, listener);
    }

    @Override
    public KeyValue get(final String key)
    {
        return delegate.get(key);
    }

    @Override
    public long put(final String key, final byte[] value)
    {
        return delegate.put(key, value);
    }

    @Override
    public long compareAndSwap(final String key, final long expectedModRevision, final byte[] value)
    {
        return delegate.compareAndSwap(key, expectedModRevision, value);
    }

    @Override
    public long delete(final String key)
    {
        return delegate.delete(key);
    }

    @Override
    public long currentRevision()
    {
        return delegate.currentRevision();
    }

    @Override
    public void compact(final long revision)
    {
        delegate.compact(revision);
    }

    @Override
    public void close()
    {
        delegate.close();
    }
}
