package io.berth.mirror;

import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.framework.PodTable;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.LongColumn;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reference for mirror tests: a fresh engine built from a fresh list of the store (nodes first, then bound
 * pods; pending pods aside), independently of the mirror's ring and applier, and a comparison of two engines'
 * tables by node name (slot numbers depend on history, contents must not).
 */
final class FreshList
{
    final SchedulingEngine engine;
    final Map<String, PodObject> pending = new LinkedHashMap<>();
    final long revision;
    final int corruptKeys;

    FreshList(final ClusterSource source, final KeyLayout layout)
    {
        final KeyClassifier classifier = new KeyClassifier(layout);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        final List<NodeObject> nodes = new ArrayList<>();
        final List<PodObject> pods = new ArrayList<>();
        final int[] corrupt = new int[1];
        revision = source.list(layout.root(), (key, value, modRevision) ->
        {
            final KubeKind kind = classifier.kindOf(key);
            final String name = classifier.nameOf(key);
            if (kind == KubeKind.NODE)
            {
                final NodeObject node = decoder.decodeNode(value, 0, value.length);
                if (node != null && node.name().equals(name))
                {
                    nodes.add(node);
                }
                else
                {
                    corrupt[0]++;
                }
            }
            else if (kind == KubeKind.POD)
            {
                final PodObject pod = decoder.decodePod(value, 0, value.length);
                if (pod != null && pod.key().equals(name))
                {
                    pods.add(pod);
                }
                else
                {
                    corrupt[0]++;
                }
            }
        });
        corruptKeys = corrupt[0];
        engine = new SchedulingEngine(new NodeTable(64), PluginRegistry.build(Profile.defaultProfile()), 1);
        for (final NodeObject node : nodes)
        {
            engine.upsertNode(node);
        }
        for (final PodObject pod : pods)
        {
            if (pod.isTerminal())
            {
                continue;
            }
            if (pod.isBound())
            {
                engine.addBoundPod(pod);
            }
            else
            {
                pending.put(pod.key(), pod);
            }
        }
    }

    /** Asserts the mirror's tables hold exactly what this fresh list holds. */
    void assertSameAs(final MirrorTables tables)
    {
        assertThat(tables.revision()).isEqualTo(revision);
        assertThat(describe(tables.engine())).isEqualTo(describe(engine));
        assertThat(tables.pendingPods()).isEqualTo(pending);
    }

    /** Every table fact by node name, resource name, label text and taint text; every accounted pod. */
    static Map<String, Object> describe(final SchedulingEngine engine)
    {
        final NodeTable table = engine.table();
        final Map<String, Object> nodes = new TreeMap<>();
        for (int slot = 0; slot < table.slotLimit(); slot++)
        {
            final String name = table.name(slot);
            if (name == null)
            {
                continue;
            }
            final Map<String, Object> facts = new TreeMap<>();
            facts.put("live", table.isLive(slot));
            facts.put("flags", table.flags().get(slot));
            facts.put("object", String.valueOf(table.object(slot)));
            final Resources resources = table.resources();
            for (int r = 0; r < resources.count(); r++)
            {
                final long alloc = table.allocatable(r).get(slot);
                final long requested = table.requested(r).get(slot);
                if (alloc != 0 || requested != 0)
                {
                    facts.put("resource " + resources.name(r), alloc + "/" + requested);
                }
            }
            facts.put("nonZero", table.nonZeroRequestedMilliCpu().get(slot) + "/" + table.nonZeroRequestedMemory().get(slot));
            for (int k = 0; k < table.labelKeys().size(); k++)
            {
                final LongColumn column = table.labelValueColumn(k);
                if (column != null && column.get(slot) != NodeTable.ABSENT)
                {
                    facts.put("label " + table.labelKeys().name(k), table.labelValues().name((int)column.get(slot)));
                }
            }
            final TreeSet<String> taints = new TreeSet<>();
            for (int w = 0; w < table.taintWordCount(); w++)
            {
                final long word = table.taintWord(w).get(slot);
                for (int b = 0; b < 64; b++)
                {
                    if ((word & (1L << b)) != 0)
                    {
                        taints.add(String.valueOf(table.taint(w * 64 + b)));
                    }
                }
            }
            facts.put("taints", taints);
            nodes.put(name, facts);
        }
        final Map<String, String> pods = new TreeMap<>();
        final PodTable podTable = engine.pods();
        final Map<String, PodObject> objects = new HashMap<>();
        podTable.forEach((pod, nodeSlot) ->
        {
            pods.put(pod.key(), table.name(nodeSlot));
            objects.put(pod.key(), pod);
        });
        final Map<String, Object> all = new TreeMap<>();
        all.put("nodes", nodes);
        all.put("pods", pods);
        all.put("podObjects", new TreeMap<>(objects));
        all.put("liveCount", table.liveCount());
        return all;
    }
}
