package io.berth.perf.mirror;

import io.berth.mirror.MirrorTables;
import io.berth.mirror.ring.EventDecoder;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.KeyLayout;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * {@link MirrorApplyBenchmark}'s three measurements (decode, apply, decode + apply of the 150,000 recorded pod puts
 * into tables holding 5,000 nodes), timed by the measuring thread's own CPU time and allocation counter instead of
 * the wall clock: on a machine shared with other builds (load far above its cores) a thread's CPU time still says
 * what the work costs while wall time says who else ran. Each round handles every pod once, into fresh tables; the
 * first rounds warm the JIT up; the median of the measured rounds is printed.
 * <pre>
 * java @perf/target/jvm.flags -Xms4g -Xmx6g -XX:+UseParallelGC -XX:+AlwaysPreTouch \
 *   -cp 'perf/target/berth-perf-0.1.0-SNAPSHOT.jar:perf/target/lib/*' \
 *   io.berth.perf.mirror.MirrorApplyCpuHarness [--warmup ROUNDS] [--rounds ROUNDS]
 * </pre>
 * {@code -XX:+AlwaysPreTouch}: without it, the first rounds that reach young-generation pages never touched before
 * pay their page faults in the thread's CPU time (2-3x slower rounds, applyOnly included, in a build that allocates
 * little).
 * Not a replacement for the JMH benchmark on a quiet machine: CPU time still includes what sharing a core costs
 * (caches, hyper-threads), and a round includes the pods' table growth, as an initial sync does.
 */
public final class MirrorApplyCpuHarness
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    private MirrorApplyCpuHarness()
    {
    }

    public static void main(final String[] args)
    {
        int warmup = 6;
        int rounds = 5;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (--warmup N, --rounds N)");
            }
        }
        final KeyLayout layout = KeyLayout.DEFAULT;
        final RecordedStream stream =
            new RecordedStream(MirrorApplyBenchmark.NODES, MirrorApplyBenchmark.PODS, layout);
        final EventDecoder decoder = new EventDecoder(new KeyClassifier(layout));
        final RawEvent[] decoded = new RawEvent[stream.podKeys.length];
        for (int i = 0; i < decoded.length; i++)
        {
            decoded[i] = new RawEvent();
            RecordedStream.fill(decoded[i], stream.podKeys[i], stream.podValues[i], 1000 + i);
            decoder.decode(decoded[i]);
            if (decoded[i].decoded == null)
            {
                throw new IllegalStateException("recorded pod does not decode: " + decoded[i].error);
            }
        }
        final String[] names = {"decodeOnly", "applyOnly", "decodeAndApply"};
        final double[][] nsPerEvent = new double[3][rounds];
        final double[][] bytesPerEvent = new double[3][rounds];
        final RawEvent event = new RawEvent();
        for (int round = 0; round < warmup + rounds; round++)
        {
            for (int kind = 0; kind < 3; kind++)
            {
                final MirrorTables tables = kind == 0 ? null : stream.tablesWithNodes(MirrorApplyBenchmark.NODES, decoder, event);
                final long thread = Thread.currentThread().threadId();
                final long bytes0 = THREADS.getThreadAllocatedBytes(thread);
                final long cpu0 = THREADS.getCurrentThreadCpuTime();
                long check = 0;
                for (int i = 0; i < decoded.length; i++)
                {
                    switch (kind)
                    {
                        case 0 ->
                        {
                            RecordedStream.fill(event, stream.podKeys[i], stream.podValues[i], 1000 + i);
                            decoder.decode(event);
                            check += event.decoded != null ? 1 : 0;
                        }
                        case 1 -> tables.apply(decoded[i]);
                        default ->
                        {
                            RecordedStream.fill(event, stream.podKeys[i], stream.podValues[i], 1000 + i);
                            decoder.decode(event);
                            tables.apply(event);
                        }
                    }
                }
                final long cpu = THREADS.getCurrentThreadCpuTime() - cpu0;
                final long bytes = THREADS.getThreadAllocatedBytes(thread) - bytes0;
                if (kind == 0 && check != decoded.length)
                {
                    throw new IllegalStateException("decoded " + check + " of " + decoded.length);
                }
                if (kind != 0 && tables.keyCount() != stream.nodeKeys.length + decoded.length)
                {
                    throw new IllegalStateException("tables hold " + tables.keyCount() + " keys");
                }
                if (round >= warmup)
                {
                    nsPerEvent[kind][round - warmup] = (double)cpu / decoded.length;
                    bytesPerEvent[kind][round - warmup] = (double)bytes / decoded.length;
                }
            }
        }
        System.out.printf("%d pod puts per round, %d warm-up rounds, median of %d rounds (thread CPU time; load %.1f)%n",
            decoded.length, warmup, rounds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (int kind = 0; kind < 3; kind++)
        {
            final double ns = median(nsPerEvent[kind]);
            System.out.printf("%-16s %,12.0f events per CPU second  %8.0f ns/event  %7.0f B/event  (rounds: %s ns)%n",
                names[kind], 1e9 / ns, ns, median(bytesPerEvent[kind]), Arrays.toString(round(nsPerEvent[kind])));
        }
    }

    private static double median(final double[] values)
    {
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    private static long[] round(final double[] values)
    {
        final long[] rounded = new long[values.length];
        for (int i = 0; i < values.length; i++)
        {
            rounded[i] = Math.round(values[i]);
        }
        return rounded;
    }
}
