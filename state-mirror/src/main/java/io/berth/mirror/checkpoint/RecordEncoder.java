package io.berth.mirror.checkpoint;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Writes {@link CheckpointRecord}s into one reusable buffer: a node or pod as its binary record, anything else (or a
 * value that did not decode) as a JSON record. One per writing thread (the mirror's applier); allocates nothing once
 * its buffer has grown to the largest record, except for the UTF-8 bytes of a non-ASCII string.
 */
public final class RecordEncoder
{
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(4096);
    private int position;

    /**
     * Encodes the record of one stored value: {@code decoded} when it is a {@link NodeObject} or {@link PodObject},
     * else {@code json}. Returns the record's length; its bytes are {@link #buffer()} from 0.
     */
    public int encode(final Object decoded, final byte[] json)
    {
        position = 0;
        if (decoded instanceof NodeObject node)
        {
            header(CheckpointRecord.TYPE_NODE);
            node(node);
        }
        else if (decoded instanceof PodObject pod)
        {
            header(CheckpointRecord.TYPE_POD);
            pod(pod);
        }
        else
        {
            header(CheckpointRecord.TYPE_JSON);
            buffer.putBytes(position, json);
            position += json.length;
        }
        return position;
    }

    /** The last record, from index 0 ({@link #encode} returned its length); valid until the next encode. */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /** The array behind {@link #buffer()}. */
    byte[] byteArray()
    {
        return buffer.byteArray();
    }

    private void header(final byte type)
    {
        u8(type);
        u8(CheckpointRecord.LAYOUT_VERSION);
    }

    private void node(final NodeObject node)
    {
        str(node.name());
        map(node.labels());
        u8(node.unschedulable() ? 1 : 0);
        final List<Taint> taints = node.taints();
        uvarint(taints.size());
        for (int i = 0; i < taints.size(); i++)
        {
            final Taint t = taints.get(i);
            str(t.key());
            str(t.value());
            str(t.effect());
        }
        resources(node.allocatable());
        final List<ContainerImage> images = node.images();
        uvarint(images.size());
        for (int i = 0; i < images.size(); i++)
        {
            final ContainerImage image = images.get(i);
            strings(image.names());
            vlong(image.sizeBytes());
        }
    }

    private void pod(final PodObject pod)
    {
        str(pod.namespace());
        str(pod.name());
        map(pod.labels());
        vlong(pod.creationTimestampMs());
        vint(pod.priority());
        u8(pod.hasPriority() ? 1 : 0);
        str(pod.nodeName());
        str(pod.phase());
        containers(pod.containers());
        containers(pod.initContainers());
        resources(pod.overhead());
        map(pod.nodeSelector());
        nodeAffinity(pod.nodeAffinity());
        final List<Toleration> tolerations = pod.tolerations();
        uvarint(tolerations.size());
        for (int i = 0; i < tolerations.size(); i++)
        {
            final Toleration t = tolerations.get(i);
            str(t.key());
            str(t.operator());
            str(t.value());
            str(t.effect());
        }
        str(pod.priorityClassName());
        str(pod.preemptionPolicy());
        strings(pod.schedulingGates());
        podAffinity(pod.podAffinity());
        podAffinity(pod.podAntiAffinity());
        final List<TopologySpreadConstraint> spread = pod.topologySpreadConstraints();
        uvarint(spread.size());
        for (int i = 0; i < spread.size(); i++)
        {
            final TopologySpreadConstraint c = spread.get(i);
            vint(c.maxSkew());
            str(c.topologyKey());
            str(c.whenUnsatisfiable());
            optionalSelector(c.labelSelector());
            if (c.minDomains() == null)
            {
                u8(0);
            }
            else
            {
                u8(1);
                vint(c.minDomains());
            }
            str(c.nodeAffinityPolicy());
            str(c.nodeTaintsPolicy());
            strings(c.matchLabelKeys());
        }
        str(pod.nominatedNodeName());
        vlong(pod.startTimeMs());
        vlong(pod.deletionTimestampMs());
        map(pod.annotations());
    }

    private void containers(final List<Container> containers)
    {
        uvarint(containers.size());
        for (int i = 0; i < containers.size(); i++)
        {
            final Container c = containers.get(i);
            str(c.name());
            str(c.image());
            resources(c.requests());
            final List<ContainerPort> ports = c.ports();
            uvarint(ports.size());
            for (int k = 0; k < ports.size(); k++)
            {
                final ContainerPort p = ports.get(k);
                vint(p.containerPort());
                vint(p.hostPort());
                str(p.protocol());
                str(p.hostIP());
            }
            u8(c.restartPolicyAlways() ? 1 : 0);
        }
    }

    private void nodeAffinity(final NodeAffinity affinity)
    {
        final List<NodeSelectorTerm> required = affinity.requiredTerms();
        if (required == null)
        {
            u8(0);
        }
        else
        {
            u8(1);
            uvarint(required.size());
            for (int i = 0; i < required.size(); i++)
            {
                nodeTerm(required.get(i));
            }
        }
        final List<PreferredSchedulingTerm> preferred = affinity.preferredTerms();
        uvarint(preferred.size());
        for (int i = 0; i < preferred.size(); i++)
        {
            vint(preferred.get(i).weight());
            nodeTerm(preferred.get(i).preference());
        }
    }

    private void nodeTerm(final NodeSelectorTerm term)
    {
        nodeRequirements(term.matchExpressions());
        nodeRequirements(term.matchFields());
    }

    private void nodeRequirements(final List<NodeSelectorRequirement> requirements)
    {
        uvarint(requirements.size());
        for (int i = 0; i < requirements.size(); i++)
        {
            final NodeSelectorRequirement r = requirements.get(i);
            str(r.key());
            str(r.operator());
            strings(r.values());
        }
    }

    private void podAffinity(final PodAffinity affinity)
    {
        final List<PodAffinityTerm> required = affinity.required();
        uvarint(required.size());
        for (int i = 0; i < required.size(); i++)
        {
            podTerm(required.get(i));
        }
        final List<WeightedPodAffinityTerm> preferred = affinity.preferred();
        uvarint(preferred.size());
        for (int i = 0; i < preferred.size(); i++)
        {
            vint(preferred.get(i).weight());
            podTerm(preferred.get(i).term());
        }
    }

    private void podTerm(final PodAffinityTerm term)
    {
        optionalSelector(term.labelSelector());
        strings(term.namespaces());
        str(term.topologyKey());
        optionalSelector(term.namespaceSelector());
        strings(term.matchLabelKeys());
        strings(term.mismatchLabelKeys());
    }

    private void optionalSelector(final LabelSelector selector)
    {
        if (selector == null)
        {
            u8(0);
            return;
        }
        u8(1);
        map(selector.matchLabels());
        final List<LabelSelectorRequirement> expressions = selector.matchExpressions();
        uvarint(expressions.size());
        for (int i = 0; i < expressions.size(); i++)
        {
            final LabelSelectorRequirement r = expressions.get(i);
            str(r.key());
            str(r.operator());
            strings(r.values());
        }
    }

    private void resources(final ResourceList resources)
    {
        final int n = resources.size();
        uvarint(n);
        for (int i = 0; i < n; i++)
        {
            str(resources.name(i));
            vlong(resources.milliValue(i));
        }
    }

    private void map(final Map<String, String> map)
    {
        uvarint(map.size());
        for (final Map.Entry<String, String> e : map.entrySet())
        {
            str(e.getKey());
            str(e.getValue());
        }
    }

    private void strings(final List<String> strings)
    {
        uvarint(strings.size());
        for (int i = 0; i < strings.size(); i++)
        {
            str(strings.get(i));
        }
    }

    private void str(final String s)
    {
        final int n = s.length();
        boolean ascii = true;
        for (int i = 0; i < n; i++)
        {
            if (s.charAt(i) >= 0x80)
            {
                ascii = false;
                break;
            }
        }
        if (ascii)
        {
            uvarint(n);
            position += buffer.putStringWithoutLengthAscii(position, s);
        }
        else
        {
            final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            uvarint(utf8.length);
            buffer.putBytes(position, utf8);
            position += utf8.length;
        }
    }

    private void u8(final int value)
    {
        buffer.putByte(position++, (byte)value);
    }

    private void uvarint(final int value)
    {
        int v = value;
        while ((v & ~0x7F) != 0)
        {
            buffer.putByte(position++, (byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.putByte(position++, (byte)v);
    }

    private void vint(final int value)
    {
        uvarint((value << 1) ^ (value >> 31));
    }

    private void vlong(final long value)
    {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0)
        {
            buffer.putByte(position++, (byte)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        buffer.putByte(position++, (byte)v);
    }
}
