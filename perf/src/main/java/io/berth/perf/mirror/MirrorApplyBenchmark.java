package io.berth.perf.mirror;

import io.berth.mirror.MirrorTables;
import io.berth.mirror.ring.EventDecoder;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * Issue 4's watch-event targets, over a recorded in-memory stream of 5,000 nodes and 150,000 pods (ClusterGenerator,
 * serialized as kube-apiserver stores them): each operation is one pod put event.
 * <ul>
 * <li>{@code decodeAndApply}: the ring's decode step ({@link EventDecoder}: key, kind, streaming JSON decode, name
 * check) then the applier's step ({@link MirrorTables#apply}) on one thread (the ring spreads decoding over several
 * decoder threads, so this is the one-decoder figure); target ≥ 500,000 events/s;</li>
 * <li>{@code applyOnly}: pre-decoded events into the tables; target ≥ 1,000,000 events/s.</li>
 * </ul>
 * Each invocation applies all 150,000 pod puts into fresh tables that already hold the 5,000 nodes (set up untimed).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms6g", "-Xmx6g", "-XX:+UseParallelGC"})
public class MirrorApplyBenchmark
{
    static final int NODES = 5_000;
    static final int PODS = 150_000;
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;

    private RecordedStream stream;
    private EventDecoder decoder;
    private RawEvent[] decodedPods;
    private final RawEvent event = new RawEvent();
    private MirrorTables tables;

    @Setup(Level.Trial)
    public void record()
    {
        stream = new RecordedStream(NODES, PODS, LAYOUT);
        decoder = new EventDecoder(new KeyClassifier(LAYOUT));
        decodedPods = new RawEvent[stream.podKeys.length];
        for (int i = 0; i < decodedPods.length; i++)
        {
            final RawEvent e = new RawEvent();
            fill(e, stream.podKeys[i], stream.podValues[i], 1000 + i);
            decoder.decode(e);
            if (e.decoded == null)
            {
                throw new IllegalStateException("recorded pod does not decode: " + e.error);
            }
            decodedPods[i] = e;
        }
    }

    @Setup(Level.Invocation)
    public void freshTablesWithNodes()
    {
        final SchedulingEngine engine =
            new SchedulingEngine(new NodeTable(NODES), PluginRegistry.build(Profile.defaultProfile()), 1);
        tables = new MirrorTables(engine, (key, revision, error) -> { throw new IllegalStateException(key + ": " + error); });
        for (int i = 0; i < stream.nodeKeys.length; i++)
        {
            fill(event, stream.nodeKeys[i], stream.nodeValues[i], 1 + i);
            decoder.decode(event);
            tables.apply(event);
        }
    }

    @Benchmark
    @OperationsPerInvocation(PODS)
    public long decodeAndApply()
    {
        final byte[][] keys = stream.podKeys;
        final byte[][] values = stream.podValues;
        for (int i = 0; i < keys.length; i++)
        {
            fill(event, keys[i], values[i], 1000 + i);
            decoder.decode(event);
            tables.apply(event);
        }
        return tables.revision();
    }

    @Benchmark
    @OperationsPerInvocation(PODS)
    public long applyOnly()
    {
        final RawEvent[] events = decodedPods;
        for (int i = 0; i < events.length; i++)
        {
            tables.apply(events[i]);
        }
        return tables.revision();
    }

    private static void fill(final RawEvent e, final byte[] key, final byte[] value, final long revision)
    {
        e.type = RawEvent.PUT;
        e.key = key;
        e.value = value;
        e.modRevision = revision;
    }
}
