package io.berth.mirror;

import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.ring.EventRing;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.WatchHandle;
import io.berth.mirror.source.WatchListener;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * Keeps the ring fed from the source, on its own thread: loads the checkpoint or lists, then watches from the
 * revision after; relists when the watch reports compaction; watches again (from the mirror's revision) after a
 * watch error. Publishing blocks while the ring is full, which is why this is not the applier's thread.
 */
final class SyncAgent implements Agent, WatchListener
{
    private enum State
    {
        LOAD_CHECKPOINT, LIST, WATCH, WATCHING, BACKOFF
    }

    private final ClusterSource source;
    private final String prefix;
    private final EventRing ring;
    private final MirrorTables tables;
    private final ErrorHandler errorHandler;
    private final NanoClock clock;
    private final long rewatchBackoffNs;
    private CheckpointFile checkpointToLoad;
    private State state;
    private long watchFrom;
    private long backoffUntilNs;
    private WatchHandle watch;
    private volatile boolean compacted;
    private volatile Throwable watchError;
    private volatile boolean relistRequested;
    private long relists;

    SyncAgent(
        final ClusterSource source,
        final String prefix,
        final EventRing ring,
        final MirrorTables tables,
        final CheckpointFile checkpointToLoad,
        final ErrorHandler errorHandler,
        final NanoClock clock,
        final long rewatchBackoffNs)
    {
        this.source = source;
        this.prefix = prefix;
        this.ring = ring;
        this.tables = tables;
        this.checkpointToLoad = checkpointToLoad;
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.rewatchBackoffNs = rewatchBackoffNs;
        this.state = checkpointToLoad != null ? State.LOAD_CHECKPOINT : State.LIST;
    }

    @Override
    public int doWork()
    {
        switch (state)
        {
            case LOAD_CHECKPOINT ->
            {
                ring.publishMarker(RawEvent.RELIST_BEGIN, 0);
                checkpointToLoad.forEach((key, json, modRevision) ->
                    ring.publish(RawEvent.CHECKPOINT_ENTRY, key, json, modRevision));
                final long revision = checkpointToLoad.revision();
                ring.publishMarker(RawEvent.RELIST_END, revision);
                checkpointToLoad = null;
                watchFrom = revision + 1;
                state = State.WATCH;
                return 1;
            }
            case LIST ->
            {
                relists++;
                relistRequested = false;
                ring.publishMarker(RawEvent.RELIST_BEGIN, 0);
                final long revision;
                try
                {
                    revision = source.list(prefix, (key, value, modRevision) ->
                        ring.publish(RawEvent.LIST_ENTRY, key, value, modRevision));
                }
                catch (final RuntimeException ex)
                {
                    // The begun list never ends: the next list's begin supersedes it; nothing is deleted meanwhile.
                    errorHandler.onError(new IllegalStateException("list of " + prefix + " failed: " + ex, ex));
                    backoff(State.LIST);
                    return 1;
                }
                ring.publishMarker(RawEvent.RELIST_END, revision);
                watchFrom = revision + 1;
                state = State.WATCH;
                return 1;
            }
            case WATCH ->
            {
                compacted = false;
                watchError = null;
                try
                {
                    watch = source.watch(prefix, watchFrom, this);
                    state = State.WATCHING;
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(new IllegalStateException("watch of " + prefix + " failed: " + ex, ex));
                    backoff(State.WATCH);
                }
                return 1;
            }
            case WATCHING ->
            {
                if (compacted || relistRequested)
                {
                    closeWatch();
                    state = State.LIST;
                    return 1;
                }
                final Throwable error = watchError;
                if (error != null)
                {
                    closeWatch();
                    errorHandler.onError(new IllegalStateException("watch of " + prefix + " ended: " + error, error));
                    watchFrom = Math.max(watchFrom, tables.revision() + 1);
                    backoff(State.WATCH);
                    return 1;
                }
                return 0;
            }
            case BACKOFF ->
            {
                if (clock.nanoTime() - backoffUntilNs >= 0)
                {
                    state = backoffNext;
                    return 1;
                }
                return 0;
            }
            default -> throw new IllegalStateException(String.valueOf(state));
        }
    }

    private State backoffNext;

    private void backoff(final State next)
    {
        backoffNext = next;
        backoffUntilNs = clock.nanoTime() + rewatchBackoffNs;
        state = State.BACKOFF;
    }

    /** Asks for a full relist with diff (any thread). */
    void requestRelist()
    {
        relistRequested = true;
    }

    long relists()
    {
        return relists;
    }

    private void closeWatch()
    {
        if (watch != null)
        {
            watch.close();
            watch = null;
        }
    }

    @Override
    public void onClose()
    {
        closeWatch();
    }

    @Override
    public String roleName()
    {
        return "berth-mirror-sync";
    }

    // ---------------------------------------------------------------- WatchListener (the source's thread)

    @Override
    public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
    {
        ring.publish(delete ? RawEvent.DELETE : RawEvent.PUT, key, value, modRevision);
    }

    @Override
    public void onProgress(final long revision)
    {
        ring.publishMarker(RawEvent.PROGRESS, revision);
    }

    @Override
    public void onCompacted(final long compactRevision)
    {
        compacted = true;
    }

    @Override
    public void onError(final Throwable error)
    {
        watchError = error;
    }
}
