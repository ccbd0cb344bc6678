package io.berth.perf.mirror;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import io.berth.mirror.MirrorTables;
import io.berth.mirror.ring.EventDecoder;
import io.berth.mirror.ring.EventRing;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.KeyLayout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Issue 4's decode + apply target measured end to end through the mirror's real {@link EventRing}: the recorded
 * in-memory stream of {@link MirrorApplyBenchmark} (5,000 nodes, 150,000 pod puts as kube-apiserver stores them) is
 * published into the ring, decoded by {@code decoders} decoder threads (the ring's {@code BatchEventProcessor}s, as
 * in {@code Mirror}) and applied in sequence order by the benchmark thread through the ring's poller into
 * {@link MirrorTables}; each operation is one pod put applied. The benchmark thread is both the producer (publishing
 * up to {@value #AHEAD} events ahead of the applier, as the sync thread does during a list) and the applier, so the
 * producer's cost counts against the figure. Target ≥ 500,000 events/s; the decoders are extra threads, so the
 * figure depends on the cores there are ({@code -p decoders=N}).
 * <p>
 * As in {@link MirrorApplyBenchmark}, an invocation applies the next {@value #BATCH} pods and after the last one the
 * tables are rebuilt (untimed, after a {@code System.gc()}), so every measured put lands in tables of 5,000 nodes
 * and 0–150,000 pods.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseParallelGC"})
public class MirrorRingBenchmark
{
    static final int NODES = MirrorApplyBenchmark.NODES;
    static final int PODS = MirrorApplyBenchmark.PODS;
    static final int BATCH = MirrorApplyBenchmark.BATCH;
    /** How far the producer may run ahead of the applier (a quarter of the ring). */
    static final int AHEAD = 16_384;
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;

    @Param({"2"})
    public int decoders;

    /** The decoders' wait strategy: {@code blocking} (the mirror's default), {@code sleeping}, {@code yielding}. */
    @Param({"blocking"})
    public String wait;

    private RecordedStream stream;
    private EventDecoder nodeDecoder;
    private EventRing ring;
    private MirrorTables tables;
    private final RawEvent event = new RawEvent();
    private final EventPoller.Handler<RawEvent> applier = this::onEvent;
    /** Pods published into the ring and pods applied, both from the start of the stream; 0 applied: rebuild. */
    private int published;
    private int applied;
    private int target;

    @Setup(Level.Trial)
    public void record()
    {
        stream = new RecordedStream(NODES, PODS, LAYOUT);
        nodeDecoder = new EventDecoder(new KeyClassifier(LAYOUT));
        ring = new EventRing(1 << 16, decoders, new KeyClassifier(LAYOUT), waitStrategy(wait), runnable ->
        {
            final Thread thread = new Thread(runnable, "decoder");
            thread.setDaemon(true);
            return thread;
        });
        ring.start();
    }

    static WaitStrategy waitStrategy(final String name)
    {
        return switch (name)
        {
            case "blocking" -> new BlockingWaitStrategy();
            case "sleeping" -> new SleepingWaitStrategy();
            case "yielding" -> new YieldingWaitStrategy();
            default -> throw new IllegalArgumentException("wait strategy " + name + ": blocking, sleeping or yielding");
        };
    }

    @TearDown(Level.Trial)
    public void stop()
    {
        ring.close();
    }

    @Setup(Level.Invocation)
    public void freshTablesWithNodesAfterTheLastBatch()
    {
        if (applied != 0 && applied < PODS)
        {
            return;
        }
        applied = 0;
        published = 0;
        tables = null;
        System.gc(); // the last round's tables are garbage: collect them here, untimed, not in a measured batch
        tables = stream.tablesWithNodes(NODES, nodeDecoder, event);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long publishDecodeApply()
    {
        final byte[][] keys = stream.podKeys;
        final byte[][] values = stream.podValues;
        target = Math.min(PODS, applied + BATCH);
        while (applied < target)
        {
            final int ahead = Math.min(PODS, applied + AHEAD);
            while (published < ahead && ring.tryPublish(RawEvent.PUT, keys[published], values[published], 1000L + published))
            {
                published++;
            }
            if (!ring.poll(applier))
            {
                Thread.yield(); // nothing decoded yet: let a decoder have the core
            }
        }
        return tables.revision();
    }

    private boolean onEvent(final RawEvent e, final long sequence, final boolean endOfBatch)
    {
        if (e.decoded == null)
        {
            throw new IllegalStateException("recorded pod does not decode: " + e.error);
        }
        tables.apply(e);
        e.clear();
        return ++applied < target;
    }
}
