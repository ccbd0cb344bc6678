package io.berth.perf.mirror;

import io.berth.mirror.MirrorTables;
import io.berth.mirror.ring.EventDecoder;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Issue 4's watch-event targets, over a recorded in-memory stream of 5,000 nodes and 150,000 pods (ClusterGenerator,
 * serialized as kube-apiserver stores them): each operation is one pod put event.
 * <ul>
 * <li>{@code decodeAndApply}: the ring's decode step ({@link EventDecoder}: key, kind, streaming JSON decode, name
 * check) then the applier's step ({@link MirrorTables#apply}) on one thread (the ring spreads decoding over several
 * decoder threads, so this is the one-decoder figure); target ≥ 500,000 events/s;</li>
 * <li>{@code applyOnly}: pre-decoded events into the tables; target ≥ 1,000,000 events/s;</li>
 * <li>{@code decodeOnly}: the decode step alone (no target; says which half of {@code decodeAndApply} costs).</li>
 * </ul>
 * Each invocation handles the next {@value #BATCH} pod puts of the stream; after the last batch the tables are
 * rebuilt (untimed: a {@code System.gc()} collects the old ones, then fresh tables get the 5,000 nodes), so every
 * measured put lands in tables of 5,000 nodes and
 * 0–150,000 pods, as in an initial sync. Batches keep an invocation at milliseconds, so an iteration has hundreds of
 * them and the default warm-up (10 × 2 s) lets C2 finish with the decoder before anything is measured.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseParallelGC"})
public class MirrorApplyBenchmark
{
    static final int NODES = 5_000;
    static final int PODS = 150_000;
    static final int BATCH = 10_000;
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;

    private RecordedStream stream;
    private EventDecoder decoder;
    private RawEvent[] decodedPods;
    private final RawEvent event = new RawEvent();
    private MirrorTables tables;
    /** The first pod of the next batch; 0 means the tables are to be rebuilt. */
    private int next;

    @Setup(Level.Trial)
    public void record()
    {
        stream = new RecordedStream(NODES, PODS, LAYOUT);
        decoder = new EventDecoder(new KeyClassifier(LAYOUT));
        decodedPods = new RawEvent[stream.podKeys.length];
        for (int i = 0; i < decodedPods.length; i++)
        {
            final RawEvent e = new RawEvent();
            RecordedStream.fill(e, stream.podKeys[i], stream.podValues[i], 1000 + i);
            decoder.decode(e);
            if (e.decoded == null)
            {
                throw new IllegalStateException("recorded pod does not decode: " + e.error);
            }
            decodedPods[i] = e;
        }
    }

    @Setup(Level.Invocation)
    public void freshTablesWithNodesAfterTheLastBatch()
    {
        if (next != 0 && next < PODS)
        {
            return;
        }
        next = 0;
        tables = null;
        System.gc(); // the last round's tables are garbage: collect them here, untimed, not in a measured batch
        tables = stream.tablesWithNodes(NODES, decoder, event);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long decodeAndApply()
    {
        final byte[][] keys = stream.podKeys;
        final byte[][] values = stream.podValues;
        final int from = next;
        final int to = Math.min(PODS, from + BATCH);
        for (int i = from; i < to; i++)
        {
            RecordedStream.fill(event, keys[i], values[i], 1000 + i);
            decoder.decode(event);
            tables.apply(event);
        }
        next = to;
        return tables.revision();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long applyOnly()
    {
        final RawEvent[] events = decodedPods;
        final int from = next;
        final int to = Math.min(PODS, from + BATCH);
        for (int i = from; i < to; i++)
        {
            tables.apply(events[i]);
        }
        next = to;
        return tables.revision();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int decodeOnly()
    {
        final byte[][] keys = stream.podKeys;
        final byte[][] values = stream.podValues;
        final int from = next;
        final int to = Math.min(PODS, from + BATCH);
        int decoded = 0;
        for (int i = from; i < to; i++)
        {
            RecordedStream.fill(event, keys[i], values[i], 1000 + i);
            decoder.decode(event);
            decoded += event.decoded != null ? 1 : 0;
        }
        next = to;
        return decoded;
    }
}
