package io.berth.perf.trace;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.berth.mirror.codec.KubeObjectReader;
import io.berth.mirror.codec.ObjectError;
import io.berth.mirror.codec.ReadResult;
import io.berth.mirror.record.EventLogException;
import io.berth.perf.trace.openb.OpenbTraceReader;
import io.berth.perf.trace.record.RecordedTraceReader;
import io.berth.perf.trace.synthetic.SyntheticSpec;
import io.berth.perf.trace.synthetic.SyntheticTrace;
import io.berth.sched.model.PodObject;
import io.berth.sched.queue.PriorityClasses;

/**
 * Opens a trace named by a spec, as {@code berth replay --trace} takes it: {@code openb:NODES.csv,PODS.csv},
 * {@code synthetic:KEY=V,...}, {@code record:FILE} (an event log of {@code berth record}), or the path of a YAML/JSON cluster file (nodes at time 0, pods created at time 0 in
 * file order and never deleted; bound pods are accounted where they are; priorities resolved by the file's
 * PriorityClasses).
 */
public final class TraceSource
{
    public static final String OPENB = "openb:";
    public static final String SYNTHETIC = "synthetic:";
    public static final String RECORD = "record:";

    private TraceSource()
    {
    }

    /**
     * @throws IllegalArgumentException for a malformed spec or a file that is missing or unreadable (one line).
     */
    public static Trace open(final String spec)
    {
        if (spec.startsWith(OPENB))
        {
            final String[] files = spec.substring(OPENB.length()).split(",", -1);
            if (files.length != 2 || files[0].isBlank() || files[1].isBlank())
            {
                throw new IllegalArgumentException("--trace " + spec + ": expected openb:NODES.csv,PODS.csv");
            }
            final Path nodes = readable(Path.of(files[0].strip()));
            final Path pods = readable(Path.of(files[1].strip()));
            return new OpenbTraceReader().read(nodes, pods);
        }
        if (spec.startsWith(SYNTHETIC))
        {
            return SyntheticTrace.generate(SyntheticSpec.parse(spec.substring(SYNTHETIC.length())));
        }
        if (spec.startsWith(RECORD))
        {
            final String file = spec.substring(RECORD.length()).strip();
            if (file.isEmpty())
            {
                throw new IllegalArgumentException("--trace " + spec + ": expected record:FILE");
            }
            try
            {
                return new RecordedTraceReader().read(readable(Path.of(file)));
            }
            catch (final EventLogException ex)
            {
                throw new IllegalArgumentException(ex.getMessage(), ex);
            }
        }
        return clusterFile(Path.of(spec));
    }

    /** A cluster file as a trace; objects that cannot be read become errors (line 0: the reader names objects). */
    public static Trace clusterFile(final Path file)
    {
        readable(file);
        final ReadResult read = new KubeObjectReader().read(file);
        final PriorityClasses classes = PriorityClasses.of(read.priorityClasses());
        final List<TraceEvent> events = new ArrayList<>(read.pods().size());
        for (final PodObject pod : read.pods())
        {
            events.add(TraceEvent.podCreate(0, classes.admit(pod), TraceEvent.RUNS_FOREVER));
        }
        final List<TraceError> errors = new ArrayList<>();
        for (final ObjectError e : read.errors())
        {
            final String what = (e.kind() + " " + e.name()).strip();
            errors.add(new TraceError(e.source(), 0, (what.isEmpty() ? "" : what + ": ") +
                (e.field().isEmpty() ? "" : e.field() + ": ") + e.message()));
        }
        return new Trace(file.getFileName().toString(), read.nodes(), events, errors);
    }

    private static Path readable(final Path file)
    {
        if (!Files.exists(file))
        {
            throw new IllegalArgumentException(file + ": no such file");
        }
        if (!Files.isRegularFile(file))
        {
            throw new IllegalArgumentException(file + ": not a regular file");
        }
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException(file + ": not readable");
        }
        return file;
    }
}
