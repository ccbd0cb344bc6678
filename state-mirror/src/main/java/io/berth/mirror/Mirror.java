package io.berth.mirror;

import com.lmax.disruptor.EventPoller;
import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.ring.EventRing;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.ring.RawEvent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * Keeps the sched-core tables in step with a {@link io.berth.mirror.source.ClusterSource} (etcd, or the embedded
 * store): list (or load the checkpoint), then watch from the revision after, every change going through the
 * {@link EventRing} (decoded on its decoder threads) into {@link MirrorTables}, applied by whichever thread calls
 * {@link #poll} (the scheduling agent's duty cycle: {@link MirrorAgent}). That thread is the tables' one writer.
 * <p>
 * On compaction of the watched revision it relists and diffs: keys no longer listed are deleted, keys whose mod
 * revision changed are replaced, so no stale node or pod survives. Corrupt values are counted, reported once per key
 * and skipped (the key's earlier object is dropped, as kube-apiserver can no longer serve it either).
 * <p>
 * With a checkpoint file, every applied change is written to it and {@link #checkpoint()} commits it; a later start
 * loads it instead of listing and watches from its revision (a compacted one falls back to a relist with diff); a
 * missing, dirty or corrupt file is reported, deleted and rebuilt from a full list.
 */
public final class Mirror implements AutoCloseable
{
    private final MirrorContext context;
    private final EventRing ring;
    private final MirrorTables tables;
    private final EventPoller.Handler<RawEvent> handler = this::onEvent;
    private AgentRunner syncRunner;
    private SyncAgent sync;
    private CheckpointFile checkpoint;
    private int pollLimit;
    private int polled;
    private boolean warmStart;
    private boolean started;

    public Mirror(final MirrorContext context)
    {
        this.context = context.conclude();
        this.tables = new MirrorTables(context.engine(), context.corruptValueListener());
        this.ring = new EventRing(context.ringSizeEvents(), context.decoderThreads(),
            new KeyClassifier(context.layout()), context.layout(), context.decoderWarmUpEvents(),
            context.decoderWaitStrategy(), context.threadFactory());
    }

    /**
     * Starts the decoders (warming up while the rest starts), opens or creates the checkpoint, starts the sync thread.
     * Returns at once; poll to apply.
     *
     * @throws UncheckedIOException if a new checkpoint file cannot be created.
     */
    public Mirror start()
    {
        if (started)
        {
            throw new IllegalStateException("mirror already started");
        }
        started = true;
        // the decoders start first and warm up while the checkpoint opens (or the list's first page is in flight),
        // on binary records when a checkpoint file is there to load, else on JSON
        final boolean checkpointThere = context.checkpointFile() != null && Files.exists(context.checkpointFile());
        ring.start(checkpointThere ? EventRing.WarmUp.CHECKPOINT_RECORDS : EventRing.WarmUp.JSON);
        final CheckpointFile toLoad;
        try
        {
            toLoad = openCheckpoint();
        }
        catch (final RuntimeException | Error ex)
        {
            ring.close(); // the caller gets no mirror to close
            throw ex;
        }
        sync = new SyncAgent(context.source(), context.layout(), ring, toLoad,
            context.errorHandler(), context.clock(), context.rewatchBackoffNs());
        syncRunner = new AgentRunner(new SleepingMillisIdleStrategy(1), context.errorHandler(), null, sync);
        AgentRunner.startOnThread(syncRunner, context.threadFactory());
        return this;
    }

    /** Opens or creates the checkpoint, if there is one; returns the file to load, or null for a list. */
    private CheckpointFile openCheckpoint()
    {
        CheckpointFile toLoad = null;
        if (context.checkpointFile() != null)
        {
            final CheckpointFile.Opened opened = context.checkpointOpening() != null ?
                opened(context.checkpointOpening()) : CheckpointFile.open(context.checkpointFile());
            if (opened.file() != null)
            {
                checkpoint = opened.file();
                toLoad = checkpoint;
                warmStart = true;
            }
            else
            {
                if (!opened.problem().startsWith("no checkpoint"))
                {
                    context.errorHandler().onError(new IllegalStateException(opened.problem()));
                }
                try
                {
                    checkpoint = CheckpointFile.create(context.checkpointFile(), context.checkpointSizing());
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException("cannot create checkpoint " + context.checkpointFile(), ex);
                }
            }
            tables.checkpoint(checkpoint);
        }
        return toLoad;
    }

    /** The result of an open the caller started (see {@link MirrorContext#checkpointOpening}); waits for it. */
    private static CheckpointFile.Opened opened(final Future<CheckpointFile.Opened> opening)
    {
        try
        {
            return opening.get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the checkpoint was being opened", ex);
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof RuntimeException cause)
            {
                throw cause;
            }
            throw new IllegalStateException("checkpoint open failed", ex.getCause());
        }
    }

    /**
     * Applies up to {@code limit} decoded events, in order, on the calling thread (the tables' single writer).
     * Returns how many were applied; 0 when none was ready.
     */
    public int poll(final int limit)
    {
        pollLimit = limit;
        polled = 0;
        ring.poll(handler);
        return polled;
    }

    private boolean onEvent(final RawEvent event, final long sequence, final boolean endOfBatch)
    {
        tables.apply(event);
        event.clear();
        return ++polled < pollLimit;
    }

    /** The applied state; read it on the polling thread. */
    public MirrorTables tables()
    {
        return tables;
    }

    /** The store revision the tables reflect. */
    public long revision()
    {
        return tables.revision();
    }

    /** True once the first list or the checkpoint has been applied in full. */
    public boolean isSynced()
    {
        return tables.isSynced();
    }

    /** Values that could not be mapped (each event counted). */
    public long corruptValues()
    {
        return tables.corruptValues();
    }

    /** True when this start loaded a trusted checkpoint instead of listing. */
    public boolean warmStart()
    {
        return warmStart;
    }

    /** Full lists done by the sync thread (the first one, and one per compaction or request). */
    public long relists()
    {
        return sync == null ? 0 : sync.relists();
    }

    /** Watches given up (and resumed) because the ring was full. */
    public long watchOverflows()
    {
        return sync == null ? 0 : sync.overflows();
    }

    /** Events published and not yet applied. */
    public long backlog()
    {
        return ring.backlog();
    }

    /** Asks for a relist with diff (any thread). */
    public void requestRelist()
    {
        sync.requestRelist();
    }

    /** Commits the checkpoint at the applied revision; call on the polling thread. No-op without a checkpoint. */
    public void checkpoint()
    {
        tables.commitCheckpoint();
    }

    /**
     * Stops watching and decoding, commits and closes the checkpoint. Call on the polling thread (or after it
     * stopped polling). Events published but not applied are not lost: the checkpoint's revision is the applied one,
     * so the next start watches from there.
     */
    @Override
    public void close()
    {
        if (syncRunner != null)
        {
            sync.stop();
            syncRunner.close();
        }
        ring.close();
        if (checkpoint != null)
        {
            try
            {
                tables.commitCheckpoint();
            }
            finally
            {
                checkpoint.close();
                checkpoint = null;
            }
        }
    }
}
