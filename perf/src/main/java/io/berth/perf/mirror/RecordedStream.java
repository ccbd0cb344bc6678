package io.berth.perf.mirror;

import io.berth.mirror.MirrorTables;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.ring.EventDecoder;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

import java.nio.charset.StandardCharsets;

/**
 * A cluster from {@link ClusterGenerator} as the keys and JSON values kube-apiserver would store in etcd: nodes
 * first, then bound pods and pending pods interleaved as the generator made them.
 */
final class RecordedStream
{
    final byte[][] nodeKeys;
    final byte[][] nodeValues;
    final byte[][] podKeys;
    final byte[][] podValues;
    final long bytes;

    RecordedStream(final int nodes, final int pods, final KeyLayout layout)
    {
        final int bound = pods * 2 / 3;
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse(
            "nodes=" + nodes + ",existing=" + bound + ",pods=" + (pods - bound) + ",seed=7"));
        final KubeJsonWriter writer = new KubeJsonWriter();
        nodeKeys = new byte[cluster.nodes().size()][];
        nodeValues = new byte[nodeKeys.length][];
        long total = 0;
        for (int i = 0; i < nodeKeys.length; i++)
        {
            final NodeObject node = cluster.nodes().get(i);
            nodeKeys[i] = layout.node(node.name()).getBytes(StandardCharsets.UTF_8);
            nodeValues[i] = writer.node(node);
            total += nodeValues[i].length;
        }
        final int podCount = cluster.boundPods().size() + cluster.pendingPods().size();
        podKeys = new byte[podCount][];
        podValues = new byte[podCount][];
        int n = 0;
        for (final PodObject pod : cluster.boundPods())
        {
            podKeys[n] = layout.pod(pod.namespace(), pod.name()).getBytes(StandardCharsets.UTF_8);
            podValues[n] = writer.pod(pod);
            total += podValues[n++].length;
        }
        for (final PodObject pod : cluster.pendingPods())
        {
            podKeys[n] = layout.pod(pod.namespace(), pod.name()).getBytes(StandardCharsets.UTF_8);
            podValues[n] = writer.pod(pod);
            total += podValues[n++].length;
        }
        bytes = total;
    }

    /**
     * Fresh tables over a new engine of {@code nodeSlots} slots holding the stream's nodes, decoded with
     * {@code decoder} through {@code scratch}: the untimed starting point of every round of the mirror benchmarks.
     */
    MirrorTables tablesWithNodes(final int nodeSlots, final EventDecoder decoder, final RawEvent scratch)
    {
        final SchedulingEngine engine =
            new SchedulingEngine(new NodeTable(nodeSlots), PluginRegistry.build(Profile.defaultProfile()), 1);
        final MirrorTables tables =
            new MirrorTables(engine, (key, revision, error) -> { throw new IllegalStateException(key + ": " + error); });
        for (int i = 0; i < nodeKeys.length; i++)
        {
            fill(scratch, nodeKeys[i], nodeValues[i], 1 + i);
            decoder.decode(scratch);
            tables.apply(scratch);
        }
        return tables;
    }

    /** Makes {@code e} a put of {@code key} = {@code value} at {@code revision}. */
    static void fill(final RawEvent e, final byte[] key, final byte[] value, final long revision)
    {
        e.type = RawEvent.PUT;
        e.key = key;
        e.value = value;
        e.modRevision = revision;
    }
}
