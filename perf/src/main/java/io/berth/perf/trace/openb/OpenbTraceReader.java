package io.berth.perf.trace.openb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceError;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.model.Container;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;

/**
 * Reads Alibaba's "openb" GPU cluster trace (clusterdata {@code cluster-trace-gpu-v2023}, for the ATC '23 paper
 * "Beware of Fragmentation", Weng et al.) into a {@link Trace}. Users get the files from
 * https://github.com/alibaba/clusterdata/tree/master/cluster-trace-gpu-v2023 (folder {@code csv}).
 * <p>
 * Node CSV {@code sn,cpu_milli,memory_mib,gpu,model}: one {@link NodeObject} per line, present at time 0, with
 * allocatable cpu, memory, {@value #PODS_PER_NODE_DEFAULT} pods (or {@link Options#podsPerNode}) and
 * {@value GpuSharing#GPU_COUNT} = {@code gpu}, labels {@code kubernetes.io/hostname} and (when {@code model} is
 * set) {@value GpuSharing#GPU_CARD_MODEL}.
 * <p>
 * Pod CSV {@code name,cpu_milli,memory_mib,num_gpu,gpu_milli,gpu_spec,qos,pod_phase,creation_time,deletion_time,
 * scheduled_time} (columns found by header name, in any order; only {@code name}, {@code cpu_milli} and
 * {@code memory_mib} are required): one {@code POD_CREATE} per line in namespace {@value #NAMESPACE}, one container
 * requesting cpu and memory, GPU sharing as open-gpu-share's annotations ({@code num_gpu} → gpu-count,
 * {@code gpu_milli} → gpu-milli, {@code gpu_spec} → gpu-card-model), {@code qos} and {@code pod_phase} kept as
 * annotations {@value #QOS_ANNOTATION} and {@value #PHASE_ANNOTATION} (the phase is the outcome in the original
 * cluster, not an input). Times are seconds from the trace start: the event is at {@code creation_time}; the pod
 * runs {@code deletion_time - scheduled_time} once placed (its running time in the original cluster), or
 * {@code deletion_time - creation_time} when it has no {@code scheduled_time} (pods that stayed pending there),
 * and forever when it has no {@code deletion_time}. A file without a {@code creation_time} column replays in file
 * order: the k-th pod arrives at {@code k} ms and runs forever.
 * <p>
 * A malformed line (wrong column count, a number that does not parse, is negative or absurd, inconsistent GPU
 * columns, a {@code gpu_spec} naming no model any node has, a repeated name, a deletion before the start) becomes
 * a {@link TraceError} with the file and line and is skipped; reading goes on. A header missing a required column
 * is one error at line 1 and no rows from that file.
 */
public final class OpenbTraceReader
{
    /** Namespace of the pods. */
    public static final String NAMESPACE = "openb";
    /** Pod annotation holding the trace's {@code qos}. */
    public static final String QOS_ANNOTATION = "openb.alibaba.com/qos";
    /** Pod annotation holding the trace's {@code pod_phase}. */
    public static final String PHASE_ANNOTATION = "openb.alibaba.com/pod-phase";
    public static final int PODS_PER_NODE_DEFAULT = 110;

    /** Largest accepted cpu_milli (a 10,000-core node). */
    static final long MAX_CPU_MILLI = 10_000_000L;
    /** Largest accepted memory_mib (64 TiB). */
    static final long MAX_MEMORY_MIB = 64L << 20;
    /** Largest accepted time in seconds (about 100 years). */
    static final long MAX_TIME_S = 100L * 366 * 24 * 3600;
    private static final long MIB = 1024L * 1024L;
    private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._-]+");

    /** Reader settings; defaults in {@link #DEFAULTS}. */
    public record Options(int podsPerNode)
    {
        public static final Options DEFAULTS = new Options(PODS_PER_NODE_DEFAULT);

        public Options
        {
            if (podsPerNode < 1 || podsPerNode > 100_000)
            {
                throw new IllegalArgumentException("podsPerNode must be in [1, 100000], got " + podsPerNode);
            }
        }
    }

    private final Options options;

    public OpenbTraceReader()
    {
        this(Options.DEFAULTS);
    }

    public OpenbTraceReader(final Options options)
    {
        this.options = options;
    }

    /** Reads a node file and a pod file; the trace is named after the pod file. */
    public Trace read(final Path nodeCsv, final Path podCsv)
    {
        try (Reader nodes = Files.newBufferedReader(nodeCsv, StandardCharsets.UTF_8);
            Reader pods = Files.newBufferedReader(podCsv, StandardCharsets.UTF_8))
        {
            final String podName = podCsv.getFileName().toString();
            return read("openb:" + podName.replaceFirst("\\.csv$", ""), nodeCsv.getFileName().toString(), nodes,
                podName, pods);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + nodeCsv + " or " + podCsv, ex);
        }
    }

    /** Reads CSV text held in strings (tests, small inline traces). */
    public Trace readStrings(final String name, final String nodeCsv, final String podCsv)
    {
        try
        {
            return read(name, "nodes.csv", new StringReader(nodeCsv), "pods.csv", new StringReader(podCsv));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads the two files from readers; {@code nodeSource} and {@code podSource} name them in errors. */
    public Trace read(final String name, final String nodeSource, final Reader nodeCsv, final String podSource,
        final Reader podCsv) throws IOException
    {
        final List<TraceError> errors = new ArrayList<>();
        final List<NodeObject> nodes = readNodes(nodeSource, nodeCsv, errors);
        final Set<String> models = new HashSet<>();
        for (final NodeObject n : nodes)
        {
            final String m = GpuSharing.nodeModel(n);
            if (!m.isEmpty())
            {
                models.add(m);
            }
        }
        final List<TraceEvent> events = readPods(podSource, podCsv, models, errors);
        // stable: pods created at the same second keep file order
        events.sort((a, b) -> Long.compare(a.timeMs(), b.timeMs()));
        return new Trace(name, List.copyOf(nodes), List.copyOf(events), List.copyOf(errors));
    }

    private List<NodeObject> readNodes(final String source, final Reader in, final List<TraceError> errors) throws IOException
    {
        final BufferedReader reader = new BufferedReader(in);
        final List<NodeObject> nodes = new ArrayList<>();
        final CsvTable table = CsvTable.readHeader(source, reader, List.of("sn", "cpu_milli", "memory_mib"),
            "sn,cpu_milli,memory_mib,gpu,model", errors);
        if (table == null)
        {
            return nodes;
        }
        final int sn = table.column("sn");
        final int cpu = table.column("cpu_milli");
        final int memory = table.column("memory_mib");
        final int gpu = table.column("gpu");
        final int model = table.column("model");
        final Set<String> names = new HashSet<>();
        long lineNumber = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine())
        {
            lineNumber++;
            if (line.isBlank())
            {
                continue;
            }
            final String[] f = CsvTable.split(line, table.width());
            try
            {
                if (f.length != table.width())
                {
                    throw new LineException("expected " + table.width() + " columns, got " + f.length);
                }
                final String name = f[sn];
                if (name.isEmpty())
                {
                    throw new LineException("empty sn");
                }
                if (!names.add(name))
                {
                    throw new LineException("node " + name + " listed twice");
                }
                final long cpuMilli = number(f, cpu, "cpu_milli", MAX_CPU_MILLI, true);
                final long memoryMib = number(f, memory, "memory_mib", MAX_MEMORY_MIB, true);
                final long devices = gpu < 0 ? 0 : number(f, gpu, "gpu", GpuSharing.MAX_DEVICES, false);
                final String m = model < 0 ? "" : f[model];
                if (!m.isEmpty() && !MODEL.matcher(m).matches())
                {
                    throw new LineException("model " + quote(m) + " is not a GPU model name");
                }
                final Map<String, String> labels = new LinkedHashMap<>();
                labels.put("kubernetes.io/hostname", name);
                if (!m.isEmpty())
                {
                    labels.put(GpuSharing.GPU_CARD_MODEL, m);
                }
                nodes.add(NodeObject.builder(name).labels(labels).allocatable(ResourceList.ofMilli(
                    "cpu", cpuMilli, "memory", memoryMib * MIB * 1000, "pods", options.podsPerNode() * 1000L,
                    GpuSharing.GPU_COUNT, devices * 1000)).build());
            }
            catch (final LineException ex)
            {
                errors.add(new TraceError(source, lineNumber, ex.getMessage()));
            }
        }
        return nodes;
    }

    private List<TraceEvent> readPods(final String source, final Reader in, final Set<String> models,
        final List<TraceError> errors) throws IOException
    {
        final BufferedReader reader = new BufferedReader(in);
        final List<TraceEvent> events = new ArrayList<>();
        final CsvTable table = CsvTable.readHeader(source, reader, List.of("name", "cpu_milli", "memory_mib"),
            "name,cpu_milli,memory_mib,...", errors);
        if (table == null)
        {
            return events;
        }
        final int nameCol = table.column("name");
        final int cpu = table.column("cpu_milli");
        final int memory = table.column("memory_mib");
        final int numGpu = table.column("num_gpu");
        final int gpuMilli = table.column("gpu_milli");
        final int gpuSpec = table.column("gpu_spec");
        final int qos = table.column("qos");
        final int phase = table.column("pod_phase");
        final int creation = table.column("creation_time");
        final int deletion = table.column("deletion_time");
        final int scheduled = table.column("scheduled_time");
        final Set<String> names = new HashSet<>();
        long lineNumber = 1;
        long row = 0;
        for (String line = reader.readLine(); line != null; line = reader.readLine())
        {
            lineNumber++;
            if (line.isBlank())
            {
                continue;
            }
            final String[] f = CsvTable.split(line, table.width());
            try
            {
                if (f.length != table.width())
                {
                    throw new LineException("expected " + table.width() + " columns, got " + f.length);
                }
                final String name = f[nameCol];
                if (name.isEmpty())
                {
                    throw new LineException("empty name");
                }
                if (names.contains(name))
                {
                    throw new LineException("pod " + name + " listed twice");
                }
                final long cpuMilli = number(f, cpu, "cpu_milli", MAX_CPU_MILLI, false);
                final long memoryMib = number(f, memory, "memory_mib", MAX_MEMORY_MIB, false);
                final long count = numGpu < 0 ? 0 : number(f, numGpu, "num_gpu", GpuSharing.MAX_DEVICES, false);
                final long milli = gpuMilli < 0 ? (count > 0 ? GpuSharing.MILLI_PER_DEVICE : 0) :
                    number(f, gpuMilli, "gpu_milli", GpuSharing.MILLI_PER_DEVICE, false);
                if (count == 0 && milli != 0)
                {
                    throw new LineException("gpu_milli " + milli + " without num_gpu");
                }
                if (count > 0 && milli == 0)
                {
                    throw new LineException("num_gpu " + count + " with gpu_milli 0");
                }
                final String spec = gpuSpec < 0 ? "" : f[gpuSpec];
                checkSpec(spec, models);
                final Map<String, String> annotations = new LinkedHashMap<>();
                if (count > 0)
                {
                    annotations.put(GpuSharing.GPU_COUNT, Long.toString(count));
                    annotations.put(GpuSharing.GPU_MILLI, Long.toString(milli));
                    if (!spec.isEmpty())
                    {
                        annotations.put(GpuSharing.GPU_CARD_MODEL, spec);
                    }
                }
                if (qos >= 0 && !f[qos].isEmpty())
                {
                    annotations.put(QOS_ANNOTATION, f[qos]);
                }
                if (phase >= 0 && !f[phase].isEmpty())
                {
                    annotations.put(PHASE_ANNOTATION, f[phase]);
                }
                final long timeMs;
                final long runMs;
                if (creation < 0)
                {
                    timeMs = row;
                    runMs = TraceEvent.RUNS_FOREVER;
                }
                else
                {
                    final long created = time(f, creation, "creation_time", -1);
                    if (created < 0)
                    {
                        throw new LineException("empty creation_time");
                    }
                    final long deleted = deletion < 0 ? -1 : time(f, deletion, "deletion_time", -1);
                    final long started = scheduled < 0 ? -1 : time(f, scheduled, "scheduled_time", -1);
                    if (started >= 0 && started < created)
                    {
                        throw new LineException("scheduled_time " + started + " before creation_time " + created);
                    }
                    final long from = started >= 0 ? started : created;
                    if (deleted >= 0 && deleted < from)
                    {
                        throw new LineException("deletion_time " + deleted + " before " +
                            (started >= 0 ? "scheduled_time " : "creation_time ") + from);
                    }
                    timeMs = created * 1000;
                    runMs = deleted < 0 ? TraceEvent.RUNS_FOREVER : (deleted - from) * 1000;
                }
                final PodObject pod;
                try
                {
                    pod = PodObject.builder(NAMESPACE, name).annotations(annotations).creationTimestampMs(timeMs)
                        .containers(List.of(new Container("main", "", ResourceList.ofMilli(
                            "cpu", cpuMilli, "memory", memoryMib * MIB * 1000)))).build();
                }
                catch (final IllegalArgumentException ex)
                {
                    throw new LineException(ex.getMessage());
                }
                names.add(name);
                events.add(TraceEvent.podCreate(timeMs, pod, runMs));
                row++;
            }
            catch (final LineException ex)
            {
                errors.add(new TraceError(source, lineNumber, ex.getMessage()));
            }
        }
        return events;
    }

    private static void checkSpec(final String spec, final Set<String> models) throws LineException
    {
        if (spec.isEmpty())
        {
            return;
        }
        boolean known = false;
        for (final String m : GpuRequest.models(spec))
        {
            if (!MODEL.matcher(m).matches())
            {
                throw new LineException("gpu_spec " + quote(spec) + ": " + quote(m) + " is not a GPU model name");
            }
            known |= models.contains(m);
        }
        if (!known)
        {
            throw new LineException("unknown gpu_spec " + quote(spec) + ": no node has any of these GPU models");
        }
    }

    private static long number(final String[] f, final int column, final String name, final long max,
        final boolean positive) throws LineException
    {
        final String text = f[column];
        final long v;
        try
        {
            v = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new LineException(name + " " + quote(text) + " is not a whole number");
        }
        if (v < 0 || (positive && v == 0))
        {
            throw new LineException(name + " must be " + (positive ? "positive" : "0 or more") + ", got " + v);
        }
        if (v > max)
        {
            throw new LineException(name + " " + v + " is absurd (more than " + max + ")");
        }
        return v;
    }

    /** A time in seconds, or {@code absent} for an empty field. */
    private static long time(final String[] f, final int column, final String name, final long absent) throws LineException
    {
        return f[column].isEmpty() ? absent : number(f, column, name, MAX_TIME_S, false);
    }

    private static String quote(final String s)
    {
        return '"' + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + '"';
    }

    /** A reason to skip one line. */
    private static final class LineException extends Exception
    {
        LineException(final String message)
        {
            super(message, null, false, false);
        }
    }
}
