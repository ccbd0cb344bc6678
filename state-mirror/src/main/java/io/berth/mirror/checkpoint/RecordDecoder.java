package io.berth.mirror.checkpoint;

import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.codec.StringMaps;
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
import org.agrona.concurrent.UnsafeBuffer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@link CheckpointRecord}s back into model objects, through a flyweight over the record's bytes. JSON records
 * go to the given {@link JsonObjectDecoder}. Every length and count is checked against the bytes left, so a damaged
 * or hostile record is an error naming the offset and what was wrong, never an exception of another kind or a large
 * allocation. Repeated short strings (namespaces, label keys and values, node names in pods, images, resource names)
 * come back as one instance per decoder. One per decoding thread.
 */
public final class RecordDecoder
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[0]);
    private final ByteStringCache strings = new ByteStringCache(8192);
    private byte[] scratch = new byte[256];
    private int position;
    private int limit;
    private String error;

    /** Thrown inside the decoder on a malformed record; turned into {@link #error()}. */
    private static final class MalformedRecord extends RuntimeException
    {
        MalformedRecord(final String message)
        {
            super(message, null, false, false);
        }
    }

    /** Why the last {@link #decode} returned null. */
    public String error()
    {
        return error;
    }

    /**
     * The object of one record stored under a key of {@code kind}: a {@link NodeObject}, a {@link PodObject}, or
     * what {@code json} decodes a JSON record to. Null, with {@link #error()} set, when the record or its JSON is
     * malformed, of another layout version, or of a type that does not fit {@code kind}.
     */
    public Object decode(final KubeKind kind, final byte[] record, final JsonObjectDecoder json)
    {
        error = null;
        if (record.length < CheckpointRecord.HEADER_BYTES)
        {
            error = "checkpoint record of " + record.length + " bytes is truncated";
            return null;
        }
        final byte type = record[0];
        if (type == CheckpointRecord.TYPE_JSON)
        {
            final byte[] value = java.util.Arrays.copyOfRange(record, CheckpointRecord.HEADER_BYTES, record.length);
            final Object decoded = json.decode(kind, value);
            if (decoded == null)
            {
                error = json.error();
            }
            return decoded;
        }
        buffer.wrap(record);
        return decodeWrapped(kind, record.length);
    }

    /**
     * The node or pod of a binary record in {@code length} bytes of {@code source} from {@code offset} (no JSON
     * records here); null with {@link #error()} set when it is malformed or does not fit {@code kind}.
     */
    public Object decode(final KubeKind kind, final DirectBuffer source, final int offset, final int length)
    {
        buffer.wrap(source, offset, length);
        return decodeWrapped(kind, length);
    }

    private Object decodeWrapped(final KubeKind kind, final int length)
    {
        error = null;
        position = 0;
        limit = length;
        try
        {
            final int type = u8();
            final int version = u8();
            if (version != CheckpointRecord.LAYOUT_VERSION)
            {
                throw malformed("layout version " + version + ", expected " + CheckpointRecord.LAYOUT_VERSION);
            }
            final Object decoded;
            if (type == CheckpointRecord.TYPE_NODE && kind == KubeKind.NODE)
            {
                decoded = node();
            }
            else if (type == CheckpointRecord.TYPE_POD && kind == KubeKind.POD)
            {
                decoded = pod();
            }
            else
            {
                throw malformed("record type " + type + " under a key of kind " + kind);
            }
            if (position != limit)
            {
                throw malformed((limit - position) + " bytes after the " + kind.kindName());
            }
            return decoded;
        }
        catch (final MalformedRecord ex)
        {
            error = "checkpoint record: " + ex.getMessage();
            return null;
        }
        catch (final IllegalArgumentException ex) // a model constructor's check (a pod's GPU annotations)
        {
            error = "checkpoint record: " + ex.getMessage();
            return null;
        }
    }

    private NodeObject node()
    {
        final String name = uniqueStr();
        final Map<String, String> labels = map();
        final boolean unschedulable = flag();
        final int taintCount = count(3);
        final List<Taint> taints;
        if (taintCount == 0)
        {
            taints = List.of();
        }
        else
        {
            final Taint[] array = new Taint[taintCount];
            for (int i = 0; i < taintCount; i++)
            {
                array[i] = new Taint(str(), str(), str());
            }
            taints = List.of(array);
        }
        final ResourceList allocatable = resources();
        final int imageCount = count(2);
        final List<ContainerImage> images;
        if (imageCount == 0)
        {
            images = List.of();
        }
        else
        {
            final ContainerImage[] array = new ContainerImage[imageCount];
            for (int i = 0; i < imageCount; i++)
            {
                array[i] = new ContainerImage(strings(), vlong());
            }
            images = List.of(array);
        }
        return new NodeObject(name, labels, unschedulable, taints, allocatable, images);
    }

    private PodObject pod()
    {
        final String namespace = str();
        final String name = uniqueStr();
        final Map<String, String> labels = map();
        final long creationTimestampMs = vlong();
        final int priority = vint();
        final boolean hasPriority = flag();
        final String nodeName = str();
        final String phase = str();
        final List<Container> containers = containers();
        final List<Container> initContainers = containers();
        final ResourceList overhead = resources();
        final Map<String, String> nodeSelector = map();
        final NodeAffinity nodeAffinity = nodeAffinity();
        final int tolerationCount = count(4);
        final List<Toleration> tolerations;
        if (tolerationCount == 0)
        {
            tolerations = List.of();
        }
        else
        {
            final Toleration[] array = new Toleration[tolerationCount];
            for (int i = 0; i < tolerationCount; i++)
            {
                array[i] = new Toleration(str(), str(), str(), str());
            }
            tolerations = List.of(array);
        }
        final String priorityClassName = str();
        final String preemptionPolicy = str();
        final List<String> schedulingGates = strings();
        final PodAffinity podAffinity = podAffinity();
        final PodAffinity podAntiAffinity = podAffinity();
        final int spreadCount = count(8);
        final List<TopologySpreadConstraint> spread;
        if (spreadCount == 0)
        {
            spread = List.of();
        }
        else
        {
            final TopologySpreadConstraint[] array = new TopologySpreadConstraint[spreadCount];
            for (int i = 0; i < spreadCount; i++)
            {
                final int maxSkew = vint();
                final String topologyKey = str();
                final String whenUnsatisfiable = str();
                final LabelSelector selector = optionalSelector();
                final Integer minDomains = flag() ? Integer.valueOf(vint()) : null;
                array[i] = new TopologySpreadConstraint(maxSkew, topologyKey, whenUnsatisfiable, selector, minDomains,
                    str(), str(), strings());
            }
            spread = List.of(array);
        }
        final String nominatedNodeName = str();
        final long startTimeMs = vlong();
        final long deletionTimestampMs = vlong();
        final Map<String, String> annotations = map();
        return new PodObject(namespace, name, labels, creationTimestampMs, priority, nodeName, phase, containers,
            initContainers, overhead, nodeSelector, nodeAffinity, tolerations, hasPriority, priorityClassName,
            preemptionPolicy, schedulingGates, podAffinity, podAntiAffinity, spread, nominatedNodeName, startTimeMs,
            deletionTimestampMs, annotations);
    }

    private List<Container> containers()
    {
        final int n = count(5);
        if (n == 0)
        {
            return List.of();
        }
        final Container[] array = new Container[n];
        for (int i = 0; i < n; i++)
        {
            final String name = str();
            final String image = str();
            final ResourceList requests = resources();
            final int portCount = count(4);
            final List<ContainerPort> ports;
            if (portCount == 0)
            {
                ports = List.of();
            }
            else
            {
                final ContainerPort[] portArray = new ContainerPort[portCount];
                for (int k = 0; k < portCount; k++)
                {
                    portArray[k] = new ContainerPort(vint(), vint(), str(), str());
                }
                ports = List.of(portArray);
            }
            array[i] = new Container(name, image, requests, ports, flag());
        }
        return List.of(array);
    }

    private NodeAffinity nodeAffinity()
    {
        List<NodeSelectorTerm> required = null;
        if (flag())
        {
            final int n = count(2);
            final NodeSelectorTerm[] array = new NodeSelectorTerm[n];
            for (int i = 0; i < n; i++)
            {
                array[i] = nodeTerm();
            }
            required = List.of(array);
        }
        final int preferredCount = count(3);
        if (required == null && preferredCount == 0)
        {
            return NodeAffinity.NONE;
        }
        final PreferredSchedulingTerm[] preferred = new PreferredSchedulingTerm[preferredCount];
        for (int i = 0; i < preferredCount; i++)
        {
            preferred[i] = new PreferredSchedulingTerm(vint(), nodeTerm());
        }
        return new NodeAffinity(required, List.of(preferred));
    }

    private NodeSelectorTerm nodeTerm()
    {
        return new NodeSelectorTerm(nodeRequirements(), nodeRequirements());
    }

    private List<NodeSelectorRequirement> nodeRequirements()
    {
        final int n = count(3);
        if (n == 0)
        {
            return List.of();
        }
        final NodeSelectorRequirement[] array = new NodeSelectorRequirement[n];
        for (int i = 0; i < n; i++)
        {
            array[i] = new NodeSelectorRequirement(str(), str(), strings());
        }
        return List.of(array);
    }

    private PodAffinity podAffinity()
    {
        final int requiredCount = count(6);
        final PodAffinityTerm[] required = new PodAffinityTerm[requiredCount];
        for (int i = 0; i < requiredCount; i++)
        {
            required[i] = podTerm();
        }
        final int preferredCount = count(7);
        if (requiredCount == 0 && preferredCount == 0)
        {
            return PodAffinity.NONE;
        }
        final WeightedPodAffinityTerm[] preferred = new WeightedPodAffinityTerm[preferredCount];
        for (int i = 0; i < preferredCount; i++)
        {
            preferred[i] = new WeightedPodAffinityTerm(vint(), podTerm());
        }
        return new PodAffinity(List.of(required), List.of(preferred));
    }

    private PodAffinityTerm podTerm()
    {
        final LabelSelector labelSelector = optionalSelector();
        final List<String> namespaces = strings();
        final String topologyKey = str();
        final LabelSelector namespaceSelector = optionalSelector();
        return new PodAffinityTerm(labelSelector, namespaces, topologyKey, namespaceSelector, strings(), strings());
    }

    private LabelSelector optionalSelector()
    {
        if (!flag())
        {
            return null;
        }
        final Map<String, String> matchLabels = map();
        final int n = count(3);
        if (n == 0)
        {
            return new LabelSelector(matchLabels, List.of());
        }
        final LabelSelectorRequirement[] array = new LabelSelectorRequirement[n];
        for (int i = 0; i < n; i++)
        {
            array[i] = new LabelSelectorRequirement(str(), str(), strings());
        }
        return new LabelSelector(matchLabels, List.of(array));
    }

    private ResourceList resources()
    {
        final int n = count(2);
        if (n == 0)
        {
            return ResourceList.EMPTY;
        }
        final String[] names = new String[n];
        final long[] values = new long[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = str();
            values[i] = vlong();
        }
        return new ResourceList(names, values);
    }

    private Map<String, String> map()
    {
        final int n = count(2);
        if (n == 0)
        {
            return StringMaps.empty();
        }
        if (n > StringMaps.MAX_ARRAY_ENTRIES)
        {
            final LinkedHashMap<String, String> map = new LinkedHashMap<>(n * 2);
            for (int i = 0; i < n; i++)
            {
                final String key = str();
                if (map.put(key, str()) != null)
                {
                    throw repeatedKey(key);
                }
            }
            return StringMaps.large(map);
        }
        // the classes the JSON decoder makes (see StringMaps), each key checked against the ones before it
        final String[] pairs = new String[2 * n];
        for (int i = 0; i < 2 * n; i += 2)
        {
            final String key = str();
            for (int j = 0; j < i; j += 2)
            {
                if (pairs[j].equals(key))
                {
                    throw repeatedKey(key);
                }
            }
            pairs[i] = key;
            pairs[i + 1] = str();
        }
        return StringMaps.small(pairs);
    }

    private static MalformedRecord repeatedKey(final String key)
    {
        return malformed("map key \"" + key + "\" repeated");
    }

    private List<String> strings()
    {
        final int n = count(1);
        if (n == 0)
        {
            return List.of();
        }
        final String[] array = new String[n];
        for (int i = 0; i < n; i++)
        {
            array[i] = str();
        }
        return List.of(array);
    }

    /** A string likely repeated across records: through the cache. */
    private String str()
    {
        final int length = stringLength();
        final String s = strings.get(scratch, 0, length);
        position += length;
        return s;
    }

    /** A string unique to its record (an object's name): not cached. */
    private String uniqueStr()
    {
        final int length = stringLength();
        final String s = ByteStringCache.decode(scratch, 0, length);
        position += length;
        return s;
    }

    /** Reads a string's length, checks it, and copies its bytes into {@link #scratch}. */
    private int stringLength()
    {
        final int at = position;
        final int length = uvarint();
        if (length < 0 || length > limit - position)
        {
            throw malformed("string of " + (length & 0xFFFF_FFFFL) + " bytes at offset " + at + " runs past the " +
                limit + "-byte record");
        }
        if (length > scratch.length)
        {
            scratch = new byte[Math.max(length, scratch.length * 2)];
        }
        buffer.getBytes(position, scratch, 0, length);
        return length;
    }

    /** A count of elements each at least {@code minBytes} long, checked against the bytes left. */
    private int count(final int minBytes)
    {
        final int at = position;
        final int n = uvarint();
        if (n < 0 || (long)n * minBytes > limit - position)
        {
            throw malformed("count " + (n & 0xFFFF_FFFFL) + " at offset " + at + " does not fit the " + limit +
                "-byte record");
        }
        return n;
    }

    private boolean flag()
    {
        final int at = position;
        final int v = u8();
        if (v > 1)
        {
            throw malformed("flag " + v + " at offset " + at);
        }
        return v == 1;
    }

    private int u8()
    {
        if (position >= limit)
        {
            throw malformed("truncated at offset " + position + " of " + limit);
        }
        return buffer.getByte(position++) & 0xFF;
    }

    private int uvarint()
    {
        int value = 0;
        for (int shift = 0; shift < 35; shift += 7)
        {
            final int b = u8();
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw malformed("varint longer than 5 bytes before offset " + position);
    }

    private int vint()
    {
        final int z = uvarint();
        return (z >>> 1) ^ -(z & 1);
    }

    private long vlong()
    {
        long z = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            final int b = u8();
            z |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return (z >>> 1) ^ -(z & 1);
            }
        }
        throw malformed("varint longer than 10 bytes before offset " + position);
    }

    private static MalformedRecord malformed(final String message)
    {
        return new MalformedRecord(message);
    }
}
