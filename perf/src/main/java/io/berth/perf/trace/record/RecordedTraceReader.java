package io.berth.perf.trace.record;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.record.EventLogException;
import io.berth.mirror.record.EventLogReader;
import io.berth.mirror.record.EventType;
import io.berth.mirror.source.KeyLayout;
import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceError;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/**
 * A {@code berth record} event log as a {@link Trace}. Nodes listed at time 0 are the trace's nodes; later node puts
 * are {@code NODE_UPSERT}s and node deletes {@code NODE_DELETE}s at their recorded time. The first put (or list entry)
 * of each pod is a {@code POD_CREATE} that runs forever; later puts of the same pod are ignored (its binding by the
 * recorded cluster's scheduler among them) and a delete is a {@code POD_DELETE}. A pod that already had
 * {@code spec.nodeName} when recorded is created <em>pending</em> too: the replay places every pod with its own
 * profile, so placements compare profiles rather than reproduce the recorded cluster. Other kinds are ignored.
 * Values that cannot be decoded, deletes of keys never seen and a corrupt or truncated tail become
 * {@link TraceError}s naming the file and the 1-based record number.
 */
public final class RecordedTraceReader
{
    private final JsonObjectDecoder decoder = new JsonObjectDecoder();

    /**
     * @throws EventLogException when the file is not an event log or its header cannot be read
     */
    public Trace read(final Path file)
    {
        final String source = file.toString();
        final List<NodeObject> nodes = new ArrayList<>();
        final List<TraceEvent> events = new ArrayList<>();
        final List<TraceError> errors = new ArrayList<>();
        final Map<String, NodeObject> liveNodes = new HashMap<>();
        final Map<String, PodObject> livePods = new HashMap<>();
        final String[] nodesPrefix = new String[1];
        final String[] podsPrefix = new String[1];
        final EventLogReader.Result result = EventLogReader.read(file, header ->
        {
            final KeyLayout layout;
            try
            {
                layout = new KeyLayout(header.prefix());
            }
            catch (final IllegalArgumentException ex)
            {
                throw new EventLogException(source + ": " + ex.getMessage(), ex);
            }
            nodesPrefix[0] = layout.nodes();
            podsPrefix[0] = layout.pods();
        }, (number, type, nanos, rev, keyBytes, value) ->
        {
            final String key = new String(keyBytes, StandardCharsets.UTF_8);
            final long timeMs = type == EventType.LIST_ENTRY ? 0 : TimeUnit.NANOSECONDS.toMillis(nanos);
            if (key.startsWith(nodesPrefix[0]))
            {
                if (type == EventType.DELETE)
                {
                    final NodeObject node = liveNodes.remove(key);
                    if (node == null)
                    {
                        errors.add(new TraceError(source, number, key + ": delete of a node never recorded"));
                        return;
                    }
                    events.add(TraceEvent.nodeDelete(timeMs, node));
                    return;
                }
                final NodeObject node = decoder.decodeNode(value, 0, value.length);
                if (node == null)
                {
                    errors.add(new TraceError(source, number, key + ": " + decoder.error()));
                    return;
                }
                liveNodes.put(key, node);
                if (type == EventType.LIST_ENTRY)
                {
                    nodes.add(node);
                }
                else
                {
                    events.add(TraceEvent.nodeUpsert(timeMs, node));
                }
            }
            else if (key.startsWith(podsPrefix[0]))
            {
                if (type == EventType.DELETE)
                {
                    final PodObject pod = livePods.remove(key);
                    if (pod == null)
                    {
                        errors.add(new TraceError(source, number, key + ": delete of a pod never recorded"));
                        return;
                    }
                    events.add(TraceEvent.podDelete(timeMs, pod));
                    return;
                }
                if (livePods.containsKey(key))
                {
                    return;
                }
                final PodObject pod = decoder.decodePod(value, 0, value.length);
                if (pod == null)
                {
                    errors.add(new TraceError(source, number, key + ": " + decoder.error()));
                    return;
                }
                final PodObject pending = pod.nodeName().isEmpty() ? pod : pod.withNodeName("");
                livePods.put(key, pending);
                events.add(TraceEvent.podCreate(timeMs, pending, TraceEvent.RUNS_FOREVER));
            }
        });
        if (!result.clean())
        {
            errors.add(new TraceError(source, result.errorRecord(), result.error() +
                "; the " + result.records() + " records before it were used"));
        }
        events.sort(Comparator.comparingLong(TraceEvent::timeMs)); // stable: a hand-edited log keeps its order
        return new Trace(file.getFileName().toString(), nodes, events, errors);
    }
}
