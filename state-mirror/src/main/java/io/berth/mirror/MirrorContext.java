package io.berth.mirror;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import io.berth.mirror.checkpoint.CheckpointFile;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.nio.file.Path;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Settings of a {@link Mirror}, with their defaults in one place; {@link #conclude()} validates them once. */
public final class MirrorContext
{
    public static final int RING_SIZE_EVENTS_DEFAULT = 1 << 16;
    public static final int DECODER_THREADS_DEFAULT = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors() / 2));
    public static final int INITIAL_NODE_CAPACITY_DEFAULT = 1024;
    public static final long CHECKPOINT_INTERVAL_NS_DEFAULT = TimeUnit.SECONDS.toNanos(30);
    public static final long CHECKPOINT_MAX_ENTRIES_DEFAULT = 1 << 18;
    public static final double CHECKPOINT_AVERAGE_KEY_BYTES_DEFAULT = 48;
    public static final double CHECKPOINT_AVERAGE_VALUE_BYTES_DEFAULT = 1024;
    public static final long REWATCH_BACKOFF_NS_DEFAULT = TimeUnit.SECONDS.toNanos(1);
    /** Generated values the decoders decode at start so the JIT compiles them early (docs/PERFORMANCE.md, issue 4). */
    public static final int DECODER_WARM_UP_EVENTS_DEFAULT = 8192;
    /** The most warm-up events accepted: more only delays the first real one. */
    public static final int DECODER_WARM_UP_EVENTS_MAX = 1 << 20;

    private ClusterSource source;
    private KeyLayout layout = KeyLayout.DEFAULT;
    private SchedulingEngine engine;
    private int initialNodeCapacity = INITIAL_NODE_CAPACITY_DEFAULT;
    private int ringSizeEvents = RING_SIZE_EVENTS_DEFAULT;
    private int decoderThreads = DECODER_THREADS_DEFAULT;
    private WaitStrategy decoderWaitStrategy;
    private int decoderWarmUpEvents = DECODER_WARM_UP_EVENTS_DEFAULT;
    private Path checkpointFile;
    private Future<CheckpointFile.Opened> checkpointOpening;
    private long checkpointIntervalNs = CHECKPOINT_INTERVAL_NS_DEFAULT;
    private long checkpointMaxEntries = CHECKPOINT_MAX_ENTRIES_DEFAULT;
    private double checkpointAverageKeyBytes = CHECKPOINT_AVERAGE_KEY_BYTES_DEFAULT;
    private double checkpointAverageValueBytes = CHECKPOINT_AVERAGE_VALUE_BYTES_DEFAULT;
    private long rewatchBackoffNs = REWATCH_BACKOFF_NS_DEFAULT;
    private NanoClock clock;
    private ThreadFactory threadFactory;
    private CorruptValueListener corruptValueListener;
    private ErrorHandler errorHandler;
    private boolean concluded;

    /** The store to mirror (required). */
    public MirrorContext source(final ClusterSource source)
    {
        this.source = source;
        return this;
    }

    public ClusterSource source()
    {
        return source;
    }

    /** kube-apiserver's key layout; default prefix {@code /registry}. */
    public MirrorContext layout(final KeyLayout layout)
    {
        this.layout = layout;
        return this;
    }

    public KeyLayout layout()
    {
        return layout;
    }

    /** The engine whose tables the mirror writes; default: a new one with the default profile. */
    public MirrorContext engine(final SchedulingEngine engine)
    {
        this.engine = engine;
        return this;
    }

    public SchedulingEngine engine()
    {
        return engine;
    }

    /** Node slots of the default engine's table at start (it grows). */
    public MirrorContext initialNodeCapacity(final int initialNodeCapacity)
    {
        this.initialNodeCapacity = initialNodeCapacity;
        return this;
    }

    /** Slots of the ring; a power of two. */
    public MirrorContext ringSizeEvents(final int ringSizeEvents)
    {
        this.ringSizeEvents = ringSizeEvents;
        return this;
    }

    public int ringSizeEvents()
    {
        return ringSizeEvents;
    }

    /** Decoder threads the ring fans decoding out to. */
    public MirrorContext decoderThreads(final int decoderThreads)
    {
        this.decoderThreads = decoderThreads;
        return this;
    }

    public int decoderThreads()
    {
        return decoderThreads;
    }

    /** How decoder threads wait for events; default blocking (CPU-friendly). */
    public MirrorContext decoderWaitStrategy(final WaitStrategy waitStrategy)
    {
        this.decoderWaitStrategy = waitStrategy;
        return this;
    }

    public WaitStrategy decoderWaitStrategy()
    {
        return decoderWaitStrategy;
    }

    /**
     * The most generated node and pod values the decoder threads decode between them when the mirror starts, while
     * the first list page is in flight, so the JIT compiles the decoder before the list arrives instead of during
     * it; they stop as soon as the list's first entry (or its end) is published. Not done when the mirror loads a
     * checkpoint (its records are not JSON). 0 turns the warm-up off. Default
     * {@value #DECODER_WARM_UP_EVENTS_DEFAULT}.
     */
    public MirrorContext decoderWarmUpEvents(final int decoderWarmUpEvents)
    {
        this.decoderWarmUpEvents = decoderWarmUpEvents;
        return this;
    }

    public int decoderWarmUpEvents()
    {
        return decoderWarmUpEvents;
    }

    /** The Chronicle Map checkpoint file for warm restarts; null (default) for none. */
    public MirrorContext checkpointFile(final Path checkpointFile)
    {
        this.checkpointFile = checkpointFile;
        return this;
    }

    public Path checkpointFile()
    {
        return checkpointFile;
    }

    /**
     * The {@link #checkpointFile} already being opened (e.g. {@code CompletableFuture.supplyAsync(() ->
     * CheckpointFile.open(file))}), so that a caller overlaps Chronicle Map's first use and the scan of the entries
     * with its own start (connecting to etcd); the mirror takes its result instead of opening the file itself. Null
     * (default): the mirror opens the file when it starts.
     */
    public MirrorContext checkpointOpening(final Future<CheckpointFile.Opened> checkpointOpening)
    {
        this.checkpointOpening = checkpointOpening;
        return this;
    }

    public Future<CheckpointFile.Opened> checkpointOpening()
    {
        return checkpointOpening;
    }

    /** How often {@link MirrorAgent} commits the checkpoint. */
    public MirrorContext checkpointIntervalNs(final long checkpointIntervalNs)
    {
        this.checkpointIntervalNs = checkpointIntervalNs;
        return this;
    }

    public long checkpointIntervalNs()
    {
        return checkpointIntervalNs;
    }

    /** The most keys a new checkpoint file is sized for (Chronicle Map may grow it 4x). */
    public MirrorContext checkpointMaxEntries(final long checkpointMaxEntries)
    {
        this.checkpointMaxEntries = checkpointMaxEntries;
        return this;
    }

    /**
     * Average stored record size a new checkpoint file is sized for (a binary pod record is ~250 bytes, a node's
     * ~2 KB with its image list; other kinds are their JSON).
     */
    public MirrorContext checkpointAverageValueBytes(final double checkpointAverageValueBytes)
    {
        this.checkpointAverageValueBytes = checkpointAverageValueBytes;
        return this;
    }

    public CheckpointFile.Sizing checkpointSizing()
    {
        return new CheckpointFile.Sizing(checkpointMaxEntries, checkpointAverageKeyBytes, checkpointAverageValueBytes);
    }

    /** Wait before watching again after a watch failed. */
    public MirrorContext rewatchBackoffNs(final long rewatchBackoffNs)
    {
        this.rewatchBackoffNs = rewatchBackoffNs;
        return this;
    }

    public long rewatchBackoffNs()
    {
        return rewatchBackoffNs;
    }

    /** The clock of checkpoint periods; default the system's. */
    public MirrorContext clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    public NanoClock clock()
    {
        return clock;
    }

    /** Makes the decoder and sync threads; default daemon threads named {@code berth-mirror-*}. */
    public MirrorContext threadFactory(final ThreadFactory threadFactory)
    {
        this.threadFactory = threadFactory;
        return this;
    }

    public ThreadFactory threadFactory()
    {
        return threadFactory;
    }

    /** Told about corrupt values; default: one line on standard error. */
    public MirrorContext corruptValueListener(final CorruptValueListener listener)
    {
        this.corruptValueListener = listener;
        return this;
    }

    public CorruptValueListener corruptValueListener()
    {
        return corruptValueListener;
    }

    /** Told about source and checkpoint problems; default: one line on standard error. */
    public MirrorContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** Validates the settings and fills defaults; called once by the {@link Mirror}. */
    public MirrorContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (source == null)
        {
            throw new IllegalArgumentException("mirror: a source is required");
        }
        if (layout == null)
        {
            throw new IllegalArgumentException("mirror: layout must not be null");
        }
        if (ringSizeEvents < 2 || Integer.bitCount(ringSizeEvents) != 1)
        {
            throw new IllegalArgumentException("mirror: ringSizeEvents must be a power of two: " + ringSizeEvents);
        }
        if (decoderThreads < 1 || decoderThreads > 64)
        {
            throw new IllegalArgumentException("mirror: decoderThreads must be 1..64: " + decoderThreads);
        }
        if (decoderWarmUpEvents < 0 || decoderWarmUpEvents > DECODER_WARM_UP_EVENTS_MAX)
        {
            throw new IllegalArgumentException("mirror: decoderWarmUpEvents must be 0.." + DECODER_WARM_UP_EVENTS_MAX +
                ": " + decoderWarmUpEvents);
        }
        if (checkpointOpening != null && checkpointFile == null)
        {
            throw new IllegalStateException("mirror: checkpointOpening given without its checkpointFile");
        }
        if (checkpointIntervalNs <= 0 || rewatchBackoffNs < 0)
        {
            throw new IllegalArgumentException("mirror: checkpointIntervalNs must be positive and rewatchBackoffNs " +
                "not negative: " + checkpointIntervalNs + ", " + rewatchBackoffNs);
        }
        if (initialNodeCapacity < 1)
        {
            throw new IllegalArgumentException("mirror: initialNodeCapacity must be positive: " + initialNodeCapacity);
        }
        checkpointSizing();
        if (engine == null)
        {
            engine = new SchedulingEngine(new NodeTable(initialNodeCapacity),
                PluginRegistry.build(Profile.defaultProfile()), 1);
        }
        if (decoderWaitStrategy == null)
        {
            decoderWaitStrategy = new BlockingWaitStrategy();
        }
        if (clock == null)
        {
            clock = SystemNanoClock.INSTANCE;
        }
        if (threadFactory == null)
        {
            final AtomicInteger n = new AtomicInteger();
            threadFactory = r ->
            {
                final Thread t = new Thread(r, "berth-mirror-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
        }
        if (corruptValueListener == null)
        {
            corruptValueListener = (key, revision, error) ->
                System.err.println("berth mirror: corrupt value skipped: " + key + " at revision " + revision + ": " + error);
        }
        if (errorHandler == null)
        {
            errorHandler = error -> System.err.println("berth mirror: " + error);
        }
        concluded = true;
        return this;
    }
}
