package io.berth.perf.replay;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.berth.mirror.codec.ProfileReader;
import io.berth.perf.replay.report.HtmlReport;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceSource;

/**
 * The replay's perf harness: reads a trace, replays it under the given profiles (each profile file's first
 * profile; none = kube's default) and writes the HTML report, {@code runs} times in one JVM, printing per run the
 * parse, replay and report times, the replay thread's CPU time during the replay (steadier than wall time on a
 * busy machine; profiles replayed in parallel run on other threads and are not in it), placed pods and attempts
 * per second, and bytes allocated per scheduling attempt by the replay thread; on Linux also the process's CPU
 * time during the replay and what of it the JIT's compiler threads and the GC took (in a fresh JVM's first run,
 * on a small machine, as much as the replay's own). Run:
 * <pre>
 * java $(cat perf/target/jvm.flags) -cp "perf/target/classes:perf/target/lib/*" io.berth.perf.replay.ReplayHarness \
 *     openb:NODES.csv,PODS.csv 5 [PROFILE.yaml ...]
 * </pre>
 */
public final class ReplayHarness
{
    private ReplayHarness()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        if (args.length < 2)
        {
            System.err.println("usage: ReplayHarness TRACE-SPEC RUNS [PROFILE.yaml ...]");
            System.exit(1);
        }
        final int runs = Integer.parseInt(args[1]);
        final List<ReplayProfile> profiles = new ArrayList<>();
        for (int i = 2; i < args.length; i++)
        {
            final Path file = Path.of(args[i]);
            profiles.add(new ReplayProfile(file.getFileName().toString(), new ProfileReader().read(file).profile(null)));
        }
        if (profiles.isEmpty())
        {
            profiles.add(ReplayProfile.defaultProfile());
        }
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
        final Path html = Files.createTempFile("berth-replay", ".html");
        for (int run = 1; run <= runs; run++)
        {
            final long t0 = System.nanoTime();
            final Trace trace = TraceSource.open(args[0]);
            final long t1 = System.nanoTime();
            final long bytes0 = threads.getCurrentThreadAllocatedBytes();
            final JvmThreadCpu jvm0 = JvmThreadCpu.now();
            final long cpu0 = threads.getCurrentThreadCpuTime();
            final ReplayReport report = new ReplayDriver(new ReplayContext()).replay(trace, profiles);
            final long cpu1 = threads.getCurrentThreadCpuTime();
            final JvmThreadCpu jvm = JvmThreadCpu.now().since(jvm0);
            final long bytes1 = threads.getCurrentThreadAllocatedBytes();
            final long t2 = System.nanoTime();
            HtmlReport.write(report, html);
            final long t3 = System.nanoTime();
            long placed = 0;
            long attempts = 0;
            for (final ReplayResult r : report.results())
            {
                placed += r.podsPlaced();
                attempts += r.scheduleAttempts();
            }
            System.out.printf(Locale.ROOT, "run %d: parse %.3f s, replay %.3f s (cpu %.3f s), html %.3f s, total %.3f s; " +
                    "%,.0f placed/s, %,.0f attempts/s, %.1f B/attempt (%d profiles, %,d placed, %,d attempts)%n",
                run, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (cpu1 - cpu0) / 1e9, (t3 - t2) / 1e9, (t3 - t0) / 1e9, placed / ((t2 - t1) / 1e9),
                attempts / ((t2 - t1) / 1e9), (bytes1 - bytes0) / (double)Math.max(1, attempts), profiles.size(),
                placed, attempts);
            if (JvmThreadCpu.available())
            {
                final double replayCpu = (cpu1 - cpu0) / 1e9;
                System.out.printf(Locale.ROOT, "    during the replay: process cpu %.2f s = replay thread %.2f s + C2 compiler %.2f s + " +
                    "C1 compiler %.2f s + GC %.2f s + other threads (vector warm-up, ...) %.2f s%n", jvm.processSeconds, replayCpu,
                    jvm.c2Seconds, jvm.c1Seconds, jvm.gcSeconds,
                    jvm.processSeconds - replayCpu - jvm.c2Seconds - jvm.c1Seconds - jvm.gcSeconds);
            }
        }
        Files.deleteIfExists(html);
    }
}
