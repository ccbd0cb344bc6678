package io.berth.cli;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.berth.mirror.record.EventLogWriter;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.WatchHandle;
import io.berth.mirror.source.WatchListener;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth record}: captures a live cluster into an event log ({@link EventLogWriter}): every key under the
 * prefix as a list entry at time 0, then every watch event from the list's revision + 1, until Ctrl-C,
 * {@code --duration} or {@code --events}. {@code berth replay --trace record:FILE} plays it back.
 */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Record a live cluster (etcd) into a compact event log for berth replay --trace record:FILE.",
    footer = {"", "Exit status: 0 ok; 1 the watch failed (the events before it are kept); 2 no etcd answered."})
final class RecordCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The event log to write.")
    Path output;

    @Option(names = "--duration", paramLabel = "SECONDS",
        description = "Stop after this many seconds of watching (default: until Ctrl-C or --events).")
    double durationS;

    @Option(names = "--events", paramLabel = "N",
        description = "Stop after N watch events (default: until Ctrl-C or --duration).")
    long maxEvents;

    @Mixin
    EtcdOptions etcd;

    @Override
    public Integer call() throws InterruptedException
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        if (durationS < 0 || maxEvents < 0)
        {
            throw new IllegalArgumentException("--duration and --events must not be negative");
        }
        final KeyLayout layout = etcd.layout();
        final long startNs = System.nanoTime();
        try (EtcdSource source = etcd.connect(err))
        {
            if (source == null)
            {
                return EtcdOptions.EXIT_NO_ETCD;
            }
            final Recorder recorder;
            try
            {
                recorder = new Recorder(EventLogWriter.create(output, layout.prefix(), System.currentTimeMillis(),
                    System::nanoTime), maxEvents);
            }
            catch (final UncheckedIOException ex)
            {
                throw new IllegalArgumentException(ex.getMessage(), ex);
            }
            final Thread onCtrlC = new Thread(recorder::stopAndWaitForClose, "berth-record-shutdown");
            Runtime.getRuntime().addShutdownHook(onCtrlC);
            try
            {
                final long revision = source.list(layout.root(), recorder.writer::listEntry);
                recorder.listed = recorder.writer.records();
                err.println("berth: listed " + recorder.listed + " objects at revision " + revision +
                    "; recording every change after it to " + output + " (Ctrl-C to stop)");
                err.flush();
                try (WatchHandle ignored = source.watch(layout.root(), revision + 1, recorder))
                {
                    if (durationS > 0)
                    {
                        recorder.stopped.await((long)(durationS * 1e9), TimeUnit.NANOSECONDS);
                    }
                    else
                    {
                        recorder.stopped.await();
                    }
                }
            }
            finally
            {
                recorder.close();
                try
                {
                    Runtime.getRuntime().removeShutdownHook(onCtrlC);
                }
                catch (final IllegalStateException shuttingDown)
                {
                    // Ctrl-C: the hook is running and waits for the close above.
                }
            }
            out.printf("recorded %d objects and %d events (%d puts, %d deletes) to %s in %.1f s%n",
                recorder.listed, recorder.puts + recorder.deletes, recorder.puts, recorder.deletes, output,
                (System.nanoTime() - startNs) / 1e9);
            out.flush();
            if (recorder.failure != null)
            {
                err.println("berth: the watch ended: " + recorder.failure + "; the events before it were kept");
                err.flush();
                return BerthCommand.EXIT_INPUT_ERROR;
            }
            return 0;
        }
    }

    /** Writes watch events on the source's watch thread (the only writer once the list is done). */
    static final class Recorder implements WatchListener
    {
        final EventLogWriter writer;
        final CountDownLatch stopped = new CountDownLatch(1);
        final CountDownLatch closed = new CountDownLatch(1);
        private final long maxEvents;
        volatile long listed;
        volatile long puts;
        volatile long deletes;
        volatile String failure;
        private boolean done;

        Recorder(final EventLogWriter writer, final long maxEvents)
        {
            this.writer = writer;
            this.maxEvents = maxEvents;
        }

        @Override
        public synchronized void onEvent(final boolean delete, final byte[] key, final byte[] value,
            final long modRevision)
        {
            if (done)
            {
                return;
            }
            if (delete)
            {
                writer.delete(key, modRevision);
                deletes++;
            }
            else
            {
                writer.put(key, value, modRevision);
                puts++;
            }
            if (maxEvents > 0 && puts + deletes >= maxEvents)
            {
                done = true;
                stopped.countDown();
            }
        }

        @Override
        public void onCompacted(final long compactRevision)
        {
            failure = "history compacted at revision " + compactRevision + " before the watch started";
            stopped.countDown();
        }

        @Override
        public void onError(final Throwable error)
        {
            failure = String.valueOf(error.getMessage());
            stopped.countDown();
        }

        /** Ends the recording: no event is written after this returns. */
        synchronized void close()
        {
            done = true;
            if (closed.getCount() > 0)
            {
                writer.close();
                closed.countDown();
            }
            stopped.countDown();
        }

        /** Ctrl-C: wakes the command and waits (a few seconds at most) until it has closed the file. */
        void stopAndWaitForClose()
        {
            stopped.countDown();
            try
            {
                closed.await(5, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }
}
