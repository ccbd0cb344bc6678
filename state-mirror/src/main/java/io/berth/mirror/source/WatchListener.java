package io.berth.mirror.source;

/**
 * Receives a watch's events on the source's thread. Implementations hand them on quickly (the mirror publishes them
 * into its Disruptor ring) and never block for long.
 */
public interface WatchListener
{
    /** A put ({@code delete == false}) or delete ({@code value} is empty) at {@code modRevision}. */
    void onEvent(boolean delete, byte[] key, byte[] value, long modRevision);

    /** Nothing under the prefix changed up to {@code revision} (etcd progress notification). */
    default void onProgress(final long revision)
    {
    }

    /** The watch's start revision was compacted away (compaction at {@code compactRevision}); the watch has ended. */
    void onCompacted(long compactRevision);

    /** The source gave up reconnecting, or another unrecoverable error; the watch has ended. */
    void onError(Throwable error);
}
