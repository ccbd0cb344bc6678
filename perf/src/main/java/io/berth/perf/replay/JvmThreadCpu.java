package io.berth.perf.replay;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM by kind of thread, from Linux's {@code /proc/self}: the whole process (threads that ended
 * included), HotSpot's C2 and C1 compiler threads, and its GC threads with the VM thread (which runs the
 * collections' safepoint operations). Tells how much of a run's CPU went to the
 * JIT rather than to the replay; {@link #available()} is false where there is no {@code /proc} (numbers are then 0).
 */
final class JvmThreadCpu
{
    /** Clock ticks per second of {@code /proc}'s times (USER_HZ, 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final Path SELF = Path.of("/proc/self");

    double processSeconds;
    double c2Seconds;
    double c1Seconds;
    double gcSeconds;

    private JvmThreadCpu()
    {
    }

    static boolean available()
    {
        return Files.isReadable(SELF.resolve("stat"));
    }

    /** Now, or all zeros when {@code /proc} cannot be read. */
    static JvmThreadCpu now()
    {
        final JvmThreadCpu s = new JvmThreadCpu();
        if (!available())
        {
            return s;
        }
        try
        {
            s.processSeconds = cpuSeconds(Files.readString(SELF.resolve("stat")));
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(SELF.resolve("task")))
            {
                for (final Path task : tasks)
                {
                    final String stat;
                    try
                    {
                        stat = Files.readString(task.resolve("stat"));
                    }
                    catch (final IOException ended)
                    {
                        continue; // the thread ended meanwhile: its time is in the process's
                    }
                    final String name = threadName(stat);
                    final double seconds = cpuSeconds(stat);
                    if (name.startsWith("C2 CompilerThre"))
                    {
                        s.c2Seconds += seconds;
                    }
                    else if (name.startsWith("C1 CompilerThre"))
                    {
                        s.c1Seconds += seconds;
                    }
                    else if (name.startsWith("GC Thread") || name.startsWith("VM Thread"))
                    {
                        s.gcSeconds += seconds;
                    }
                }
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return new JvmThreadCpu();
        }
        return s;
    }

    /** {@code this - before}, field by field. */
    JvmThreadCpu since(final JvmThreadCpu before)
    {
        final JvmThreadCpu d = new JvmThreadCpu();
        d.processSeconds = processSeconds - before.processSeconds;
        d.c2Seconds = c2Seconds - before.c2Seconds;
        d.c1Seconds = c1Seconds - before.c1Seconds;
        d.gcSeconds = gcSeconds - before.gcSeconds;
        return d;
    }

    /** The name in a {@code stat} line: between the first '(' and the last ')' (a name may hold either). */
    static String threadName(final String stat)
    {
        final int open = stat.indexOf('(');
        final int close = stat.lastIndexOf(')');
        if (open < 0 || close < open)
        {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        return stat.substring(open + 1, close);
    }

    /** utime + stime (fields 14 and 15 of a {@code stat} line) in seconds. */
    static double cpuSeconds(final String stat)
    {
        final int close = stat.lastIndexOf(')');
        if (close < 0)
        {
            throw new IllegalArgumentException("not a /proc stat line: " + stat);
        }
        // after the name: state (field 3), then fields 4.. ; utime is field 14, stime field 15
        final String[] f = stat.substring(close + 2).trim().split(" +");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    }
}
