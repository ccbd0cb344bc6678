package io.berth.mirror;

import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.ring.EventRing;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.WatchHandle;
import io.berth.mirror.source.WatchListener;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.LockSupport;

/**
 * Keeps the ring fed from the source, on its own thread: loads the checkpoint or lists, then watches from the
 * revision after; relists when the watch reports compaction; watches again (from the mirror's revision) after a
 * watch error. List and checkpoint entries wait for ring space here, which is why this is not the applier's thread.
 * <p>
 * The watch listener runs on the source's thread (jetcd's event loop, which also carries the client's other
 * requests), so it never waits: when the ring is full it drops the event and every later one of that watch, and
 * this agent closes the watch and, once the applier has drained half the ring, watches again from the first dropped
 * revision (a compacted one relists). Events of that revision already published arrive twice; applying a put or
 * delete again at the same revision changes nothing. This is how kube's watch cache treats a slow consumer.
 */
final class SyncAgent implements Agent, WatchListener
{
    private enum State
    {
        LOAD_CHECKPOINT, LIST, WATCH, WATCHING, DRAIN, BACKOFF
    }

    private final ClusterSource source;
    private final String prefix;
    private final byte[] nodesPrefix;
    private final EventRing ring;
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
    private volatile boolean overflowed;
    private volatile long overflowRevision;
    private volatile long lastPublishedRevision;
    private volatile boolean closing;
    private long relists;
    private long overflows;

    SyncAgent(
        final ClusterSource source,
        final KeyLayout layout,
        final EventRing ring,
        final CheckpointFile checkpointToLoad,
        final ErrorHandler errorHandler,
        final NanoClock clock,
        final long rewatchBackoffNs)
    {
        this.source = source;
        this.prefix = layout.root();
        this.nodesPrefix = layout.nodes().getBytes(StandardCharsets.UTF_8);
        this.ring = ring;
        this.checkpointToLoad = checkpointToLoad;
        this.errorHandler = errorHandler;
        this.clock = clock;
        this.rewatchBackoffNs = rewatchBackoffNs;
        this.state = checkpointToLoad != null ? State.LOAD_CHECKPOINT : State.LIST;
    }

    @Override
    public int doWork()
    {
        try
        {
            return work();
        }
        catch (final Closing ex)
        {
            return 0;
        }
    }

    private int work()
    {
        switch (state)
        {
            case LOAD_CHECKPOINT ->
            {
                waitPublishMarker(RawEvent.RELIST_BEGIN, 0);
                try
                {
                    checkpointToLoad.forEach(nodesPrefix, (key, record, modRevision) ->
                        waitPublish(RawEvent.CHECKPOINT_ENTRY, key, record, modRevision));
                }
                catch (final Closing ex)
                {
                    return 0;
                }
                final long revision = checkpointToLoad.revision();
                waitPublishMarker(RawEvent.RELIST_END, revision);
                checkpointToLoad = null;
                watchFrom = revision + 1;
                state = State.WATCH;
                return 1;
            }
            case LIST ->
            {
                relists++;
                relistRequested = false;
                waitPublishMarker(RawEvent.RELIST_BEGIN, 0);
                final long revision;
                try
                {
                    revision = source.list(prefix, (key, value, modRevision) ->
                        waitPublish(RawEvent.LIST_ENTRY, key, value, modRevision));
                }
                catch (final Closing ex)
                {
                    return 0;
                }
                catch (final RuntimeException ex)
                {
                    if (closing)
                    {
                        return 0;
                    }
                    // The begun list never ends: the next list's begin supersedes it; nothing is deleted meanwhile.
                    errorHandler.onError(new IllegalStateException("list of " + prefix + " failed: " + ex, ex));
                    backoff(State.LIST);
                    return 1;
                }
                waitPublishMarker(RawEvent.RELIST_END, revision);
                watchFrom = revision + 1;
                state = State.WATCH;
                return 1;
            }
            case WATCH ->
            {
                compacted = false;
                watchError = null;
                overflowed = false;
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
                if (overflowed)
                {
                    closeWatch();
                    overflows++;
                    watchFrom = overflowRevision;
                    state = State.DRAIN;
                    return 1;
                }
                final Throwable error = watchError;
                if (error != null)
                {
                    closeWatch();
                    errorHandler.onError(new IllegalStateException("watch of " + prefix + " ended: " + error, error));
                    // again from the last revision handed on: its events (a transaction's several) may come twice,
                    // which is harmless; none is skipped
                    watchFrom = Math.max(watchFrom, lastPublishedRevision);
                    backoff(State.WATCH);
                    return 1;
                }
                return 0;
            }
            case DRAIN ->
            {
                if (ring.backlog() <= ring.size() / 2)
                {
                    state = State.WATCH;
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

    /** Watches given up because the ring was full (and resumed). */
    long overflows()
    {
        return overflows;
    }

    /** Makes a list or load in progress give up, so the agent can be closed while nobody polls. */
    void stop()
    {
        closing = true;
    }

    /** Thrown through the source's list to abandon it when closing. */
    private static final class Closing extends RuntimeException
    {
        Closing()
        {
            super("mirror closing", null, false, false);
        }
    }

    private void waitPublishMarker(final int type, final long revision)
    {
        waitPublish(type, null, null, revision);
    }

    private void waitPublish(final int type, final byte[] key, final byte[] value, final long modRevision)
    {
        while (!ring.tryPublish(type, key, value, modRevision))
        {
            if (closing)
            {
                throw new Closing();
            }
            LockSupport.parkNanos(50_000);
        }
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
        if (overflowed)
        {
            return;
        }
        if (ring.tryPublish(delete ? RawEvent.DELETE : RawEvent.PUT, key, value, modRevision))
        {
            lastPublishedRevision = modRevision;
        }
        else
        {
            overflowRevision = modRevision;
            overflowed = true;
        }
    }

    @Override
    public void onProgress(final long revision)
    {
        if (!overflowed)
        {
            ring.tryPublish(RawEvent.PROGRESS, null, null, revision); // advisory: dropped when the ring is full
        }
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
