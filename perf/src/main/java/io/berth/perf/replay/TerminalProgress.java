package io.berth.perf.replay;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar (me.tongfei progressbar) on a terminal stream while a replay runs: trace events applied over all
 * profiles against their total, with ETA, and pods placed and pending of the profile running. A daemon thread
 * reads the replays' {@link ReplayCounters} every {@code updateMs}; the replay loops never touch the bar.
 */
public final class TerminalProgress implements ReplayProgress
{
    private final PrintStream out;
    private final int updateMs;
    private ProgressBar bar;
    private ScheduledExecutorService ticker;
    private List<ReplayCounters> runs;

    /**
     * @param out      where the bar is drawn, usually {@code System.err}.
     * @param updateMs how often it is redrawn.
     */
    public TerminalProgress(final PrintStream out, final int updateMs)
    {
        if (updateMs <= 0)
        {
            throw new IllegalArgumentException("progress: updateMs must be positive: " + updateMs);
        }
        this.out = out;
        this.updateMs = updateMs;
    }

    /** Whether a progress bar makes sense: the JVM has a console (stdout and stderr on a terminal, stdin too). */
    public static boolean terminalAttached()
    {
        return System.console() != null && System.console().isTerminal();
    }

    public synchronized void start(final String traceName, final List<ReplayCounters> runs, final long eventsPerRun)
    {
        this.runs = List.copyOf(runs);
        bar = new ProgressBarBuilder()
            .setTaskName("replay")
            .setInitialMax(Math.max(1, eventsPerRun * runs.size()))
            .setStyle(ProgressBarStyle.ASCII)
            .setUnit(" events", 1)
            .setUpdateIntervalMillis(updateMs)
            .setConsumer(new ConsoleProgressBarConsumer(out, 160))
            .continuousUpdate()
            .build();
        ticker = Executors.newSingleThreadScheduledExecutor(r ->
        {
            final Thread t = new Thread(r, "berth-replay-progress");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(this::tick, updateMs, updateMs, TimeUnit.MILLISECONDS);
    }

    /** Copies the counters into the bar. */
    synchronized void tick()
    {
        if (bar == null)
        {
            return;
        }
        long events = 0;
        ReplayCounters current = runs.getFirst();
        for (final ReplayCounters c : runs)
        {
            events += c.events();
            if (c.events() > 0)
            {
                current = c;
            }
        }
        bar.stepTo(events);
        bar.setExtraMessage(String.format(Locale.ROOT, "%s: placed %,d, pending %,d, t=%,d s",
            current.profile(), current.placed(), current.pending(), current.virtualMs() / 1000));
    }

    public synchronized void stop()
    {
        if (ticker != null)
        {
            ticker.shutdownNow();
            ticker = null;
        }
        if (bar != null)
        {
            tick();
            bar.close();
            bar = null;
        }
    }
}
