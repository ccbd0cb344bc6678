package io.berth.mirror.source;

/** An open watch; closing it stops delivery. */
public interface WatchHandle extends AutoCloseable
{
    /**
     * Asks for a progress notification: once every event up to the store's current revision has been delivered,
     * the listener's {@link WatchListener#onProgress} receives that revision (etcd's {@code RequestProgress}).
     */
    void requestProgress();

    @Override
    void close();
}
