package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.PriorityClass;
import io.berth.sched.model.Quantity;
import io.berth.sched.model.QuantityFormatException;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;

import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes the JSON values kube-apiserver stores in etcd into the model, for the mirror's hot path: Pods and Nodes
 * are read with Jackson's streaming {@link JsonParser} straight into the model (no tree), and give objects equal
 * to {@link KubeObjectReader}'s for the same JSON. Namespaces, PriorityClasses and PodDisruptionBudgets, rare and
 * small, go through the tree decoder.
 * <p>
 * Never trusts its input and never throws: a value that is not JSON, of the wrong {@code kind} or
 * {@code apiVersion}, with a field of the wrong type, a bad, negative or out-of-range quantity, a label key over
 * {@value #MAX_LABEL_KEY_CHARS} or value over {@value #MAX_LABEL_VALUE_CHARS} characters (kube's validation), a
 * string over 1 MiB, more than 10,000 entries in a list or map, or a value over {@value #MAX_VALUE_BYTES} bytes
 * (etcd's default request limit) makes the decode method return null, with {@link #errorField()} and
 * {@link #errorMessage()} saying what was wrong.
 * <p>
 * Pod and Node values that start with a brace are read from their bytes by {@link AsciiJsonTokens} (no parser made
 * per value), with the subtrees a workload's pods share taken from {@link SubtreeMemo}s by their exact bytes; where the
 * byte reader cannot be sure to read as Jackson does it gives up and the value is read again through Jackson, so
 * results and errors are the same either way.
 * <p>
 * Not thread-safe: one instance per decoding thread (the parser factory underneath is shared).
 */
public final class JsonObjectDecoder
{
    /** The largest value accepted, in bytes: etcd's default {@code --max-request-bytes}, 1.5 MiB. */
    public static final int MAX_VALUE_BYTES = 1536 * 1024;
    /** A label key is an optional DNS-subdomain prefix (253) and a slash before a name of 63: 317 characters. */
    public static final int MAX_LABEL_KEY_CHARS = 317;
    /** Pod annotations with this prefix (GPU sharing's) are decoded; the others are skipped. */
    static final String GPU_ANNOTATION_PREFIX = "alibabacloud.com/gpu-";
    /** A label value has at most 63 characters. */
    public static final int MAX_LABEL_VALUE_CHARS = 63;

    private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
        .maxNestingDepth(200)
        .maxNumberLength(200)
        .maxStringLength(MAX_VALUE_BYTES)
        .build();
    private static final JsonFactory FACTORY = JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
    /**
     * For values that can only be UTF-8 (see {@link #surelyUtf8}): Jackson's charset detection (BOM and UTF-16/32
     * probing of the first four bytes) was a sixth of the time of decoding a pod; values it could matter for go
     * through {@link #FACTORY}, which detects.
     */
    private static final JsonFactory UTF8_FACTORY = JsonFactory.builder().streamReadConstraints(CONSTRAINTS)
        .disable(JsonFactory.Feature.CHARSET_DETECTION).build();
    private static final ObjectMapper TREE_MAPPER = JsonMapper.builder(FACTORY)
        .nodeFactory(new KeyTrackingNodeFactory())
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .build();
    private static final Map<String, String> NO_STRINGS = Map.of();
    private static final int STRING_CACHE_SLOTS = 16384;
    /**
     * Memo slots: a cluster has a label set per ReplicaSet (12,714 among the benchmark's 150,000 pods), fewer
     * container lists (3,934) and affinities (2,308); with two slots per hash a memo keeps nearly all of them with
     * about four slots each (measured steady-state misses: labels 10 % with 32,768 slots, containers 4 % with 16,384).
     */
    private static final int LABEL_MEMO_SLOTS = 65536;
    private static final int CONTAINER_MEMO_SLOTS = 16384;
    private static final int MEMO_SLOTS = 4096;
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final NodeSelectorTerm EMPTY_TERM = new NodeSelectorTerm(List.of(), List.of());
    private static final PodAffinityTerm EMPTY_POD_AFFINITY_TERM =
        new PodAffinityTerm(null, null, null, null, null, null);


    private final ObjectDecoder treeDecoder = new ObjectDecoder();
    private final PodObject.Builder podBuilder = new PodObject.Builder();
    private final FieldPath path = new FieldPath();
    /** Repeated string values (namespaces, label values, images, node names) as one instance per decoder. */
    private final StringCache strings = new StringCache(STRING_CACHE_SLOTS);
    /** Maps, resource lists, containers, tolerations and their lists shared between the pods of a workload. */
    private final DecodeShapes shapes = new DecodeShapes();
    /** The document being read: {@link #ascii} or {@link #jackson}. */
    private JsonTokens p;
    private final AsciiJsonTokens ascii = new AsciiJsonTokens();
    private final JacksonTokens jackson = new JacksonTokens();
    /** False: every document through Jackson (the reference the fast reader is tested against). */
    private final boolean asciiFirst;
    private long asciiDecoded;
    /**
     * Subtrees shared by the pods of a workload, by their bytes (read with {@link #ascii} only); one memo per reader,
     * since the same bytes (say {@code {}}) decode to another type under another field.
     */
    private final SubtreeMemo containerMemo = new SubtreeMemo(CONTAINER_MEMO_SLOTS);
    private final SubtreeMemo initContainerMemo = new SubtreeMemo(MEMO_SLOTS);
    private final SubtreeMemo nodeAffinityMemo = new SubtreeMemo(MEMO_SLOTS);
    /** For podAffinity and podAntiAffinity: one reader. */
    private final SubtreeMemo podAffinityMemo = new SubtreeMemo(MEMO_SLOTS);
    private final SubtreeMemo tolerationMemo = new SubtreeMemo(MEMO_SLOTS);
    private final SubtreeMemo spreadMemo = new SubtreeMemo(MEMO_SLOTS);
    private final SubtreeMemo labelMemo = new SubtreeMemo(LABEL_MEMO_SLOTS);
    private final SubtreeReader containersReader = field -> containers(field, false);
    private final SubtreeReader initContainersReader = field -> containers(field, true);
    private final SubtreeReader nodeAffinityReader = this::nodeAffinity;
    private final SubtreeReader podAffinityReader = this::podAffinity;
    private final SubtreeReader tolerationsReader = this::tolerations;
    private final SubtreeReader spreadReader = field -> List.copyOf(spreadConstraints(field));
    private final SubtreeReader labelsReader = field -> stringMap(field, true);
    private long jacksonDecoded;
    private String errorField = "";
    private String errorMessage = "";

    // Per-object scratch, reset for each pod.
    private String[] resourceNames = new String[8];
    private long[] resourceValues = new long[8];
    /** A map being read: key, value, key, value...; {@link #pairIndex} finds keys once there are many. */
    private String[] pairs = new String[16];
    private HashMap<String, Integer> pairIndex;
    private Container[] containerScratch = new Container[4];
    private Toleration[] tolerationScratch = new Toleration[4];
    private boolean hostNetwork;
    private boolean hasPriority;
    private int priority;

    /** A decoder that reads plain ASCII documents from their bytes and the others through Jackson. */
    public JsonObjectDecoder()
    {
        this(true);
    }

    /**
     * With {@code asciiFirst} false, every Pod and Node document goes through Jackson: the reference
     * {@link AsciiJsonTokens} is held to (same objects, same errors).
     */
    JsonObjectDecoder(final boolean asciiFirst)
    {
        this.asciiFirst = asciiFirst;
    }

    /** Pod and Node documents read to their end by the byte reader (an object or a field error) so far. */
    public long asciiDecoded()
    {
        return asciiDecoded;
    }

    /** Pod and Node documents read through Jackson so far (the byte reader gave up on them, or was off). */
    public long jacksonDecoded()
    {
        return jacksonDecoded;
    }

    /** The field the last failed decode named (a JSON path such as {@code spec.containers[0].image}), or empty. */
    public String errorField()
    {
        return errorField;
    }

    /** What was wrong with the last value that failed to decode; empty after a success. */
    public String errorMessage()
    {
        return errorMessage;
    }

    /** {@code field: message}, or just the message when no field is named. */
    public String error()
    {
        return errorField.isEmpty() ? errorMessage : errorField + ": " + errorMessage;
    }

    /** Decodes a value of the given kind; null on error (see {@link #error()}) and for {@link KubeKind#OTHER}. */
    public Object decode(final KubeKind kind, final byte[] json)
    {
        return switch (kind)
        {
            case NODE -> decodeNode(json, 0, json.length);
            case POD -> decodePod(json, 0, json.length);
            case NAMESPACE -> decodeNamespace(json);
            case PRIORITY_CLASS -> decodePriorityClass(json);
            case POD_DISRUPTION_BUDGET -> decodePodDisruptionBudget(json);
            case OTHER -> null;
        };
    }

    /** A v1 Pod, or null on error. */
    public PodObject decodePod(final byte[] json, final int offset, final int length)
    {
        return decodeDocument(json, offset, length, podDocument);
    }

    /** A v1 Node, or null on error. */
    public NodeObject decodeNode(final byte[] json, final int offset, final int length)
    {
        return decodeDocument(json, offset, length, nodeDocument);
    }

    /** Reads one document with the parser in {@link #p}. */
    @FunctionalInterface
    private interface DocumentReader<T>
    {
        T read() throws IOException, FieldException;
    }

    private final DocumentReader<PodObject> podDocument = this::pod;
    private final DocumentReader<NodeObject> nodeDocument = this::node;

    /**
     * One document read by {@code reader}, or null with the error recorded: first from its bytes when it looks like
     * plain UTF-8 JSON, and through a Jackson parser when the byte reader gives up (so with Jackson's errors).
     */
    private <T> T decodeDocument(final byte[] json, final int offset, final int length, final DocumentReader<T> reader)
    {
        if (!begin(length))
        {
            return null;
        }
        final boolean utf8 = surelyUtf8(json, offset, length);
        if (utf8 && asciiFirst)
        {
            p = ascii.reset(json, offset, length);
            try
            {
                final T decoded = reader.read();
                asciiDecoded++;
                return decoded;
            }
            catch (final FieldException ex)
            {
                // the same tokens as Jackson's up to here, so the same error Jackson's pass would find
                asciiDecoded++;
                return fail(ex.field(), ex.getMessage());
            }
            catch (final IOException | RuntimeException ex)
            {
                // AsciiJsonTokens.Unsupported, or anything unexpected: read it again through Jackson, from the start
                path.reset();
            }
            finally
            {
                ascii.release();
                end();
            }
        }
        jacksonDecoded++;
        try (JsonParser parser = (utf8 ? UTF8_FACTORY : FACTORY).createParser(json, offset, length))
        {
            p = jackson.wrap(parser);
            return reader.read();
        }
        catch (final FieldException ex)
        {
            return fail(ex.field(), ex.getMessage());
        }
        catch (final JsonProcessingException ex)
        {
            return invalidJson(ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            return fail("", "cannot decode: " + ex);
        }
        finally
        {
            jackson.wrap(null);
            end();
        }
    }

    /**
     * True when charset detection would find UTF-8 without a BOM: an object's '{' then a byte that is not 0 (UTF-16
     * and UTF-32 put zero bytes next to it, a BOM starts with another byte), which is every value kube-apiserver
     * writes.
     */
    private static boolean surelyUtf8(final byte[] json, final int offset, final int length)
    {
        return length >= 2 && json[offset] == '{' && json[offset + 1] != 0;
    }

    /** A v1 Namespace, or null on error. */
    public NamespaceObject decodeNamespace(final byte[] json)
    {
        final ObjectNode obj = tree(json, KubeKind.NAMESPACE);
        try
        {
            return obj == null ? null : treeDecoder.decodeNamespace(obj);
        }
        catch (final FieldException ex)
        {
            return fail(ex.field(), ex.getMessage());
        }
    }

    /** A scheduling.k8s.io PriorityClass, or null on error. */
    public PriorityClass decodePriorityClass(final byte[] json)
    {
        final ObjectNode obj = tree(json, KubeKind.PRIORITY_CLASS);
        try
        {
            return obj == null ? null : treeDecoder.decodePriorityClass(obj);
        }
        catch (final FieldException ex)
        {
            return fail(ex.field(), ex.getMessage());
        }
    }

    /** A policy PodDisruptionBudget, or null on error. */
    public PodDisruptionBudget decodePodDisruptionBudget(final byte[] json)
    {
        final ObjectNode obj = tree(json, KubeKind.POD_DISRUPTION_BUDGET);
        try
        {
            return obj == null ? null : treeDecoder.decodePodDisruptionBudget(obj);
        }
        catch (final FieldException ex)
        {
            return fail(ex.field(), ex.getMessage());
        }
    }

    // ---------------------------------------------------------------- framing and errors

    private boolean begin(final int length)
    {
        errorField = "";
        errorMessage = "";
        if (length > MAX_VALUE_BYTES)
        {
            fail("", "value of " + length + " bytes is larger than the limit of " + MAX_VALUE_BYTES);
            return false;
        }
        return true;
    }

    private void end()
    {
        p = null;
        path.reset();
    }

    private <T> T fail(final String field, final String message)
    {
        errorField = field == null ? "" : field;
        errorMessage = message == null ? "" : message;
        return null;
    }

    private <T> T invalidJson(final JsonProcessingException ex)
    {
        String detail = String.valueOf(ex.getOriginalMessage()).replaceAll("\\s+", " ").strip();
        if (detail.length() > 200)
        {
            detail = detail.substring(0, 200) + "...";
        }
        final var location = ex.getLocation();
        final long offset = location == null ? -1 : Math.max(location.getByteOffset(), location.getCharOffset());
        return fail("", "invalid JSON" + (offset < 0 ? "" : " at byte " + offset) + ": " + detail);
    }

    private ObjectNode tree(final byte[] json, final KubeKind kind)
    {
        if (!begin(json.length))
        {
            return null;
        }
        final JsonNode node;
        try
        {
            node = TREE_MAPPER.readTree(json);
        }
        catch (final JsonProcessingException ex)
        {
            return invalidJson(ex);
        }
        catch (final IOException | RuntimeException ex)
        {
            return fail("", "cannot decode: " + ex);
        }
        if (!(node instanceof ObjectNode obj))
        {
            return fail("", "expected a JSON object, got " + (node == null ? "nothing" : ObjectDecoder.describe(node)));
        }
        final JsonNode kindNode = obj.get("kind");
        if (kindNode != null && !kindNode.isNull() && !kind.kindName().equals(kindNode.asText()))
        {
            return fail("kind", "expected " + kind.kindName() + ", got " + ObjectDecoder.describe(kindNode));
        }
        final JsonNode apiVersion = obj.get("apiVersion");
        if (apiVersion != null && !apiVersion.isNull() &&
            (!apiVersion.isTextual() || !kind.acceptsApiVersion(apiVersion.textValue())))
        {
            return fail("apiVersion", "not an API version of " + kind.kindName() + ": " +
                ObjectDecoder.describe(apiVersion));
        }
        return obj;
    }

    /** Reads {@code {"kind": ..., "apiVersion": ...}} fields of the root; false for any other field. */
    private boolean rootField(final String field, final KubeKind kind) throws IOException, FieldException
    {
        if ("kind".equals(field))
        {
            final String text = string("kind");
            if (text != null && !text.equals(kind.kindName()))
            {
                throw new FieldException("kind", "expected " + kind.kindName() + ", got " + ObjectDecoder.quote(text));
            }
            return true;
        }
        if ("apiVersion".equals(field))
        {
            final String text = string("apiVersion");
            if (text != null && !kind.acceptsApiVersion(text))
            {
                throw new FieldException(
                    "apiVersion", "not an API version of " + kind.kindName() + ": " + ObjectDecoder.quote(text));
            }
            return true;
        }
        return false;
    }

    private void beginRoot() throws IOException, FieldException
    {
        final JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT)
        {
            throw new FieldException("", "expected a JSON object, got " + (t == null ? "nothing" : describe()));
        }
    }

    private void endRoot() throws IOException, FieldException
    {
        if (p.nextToken() != null)
        {
            throw new FieldException("", "unexpected content after the object at byte " +
                p.tokenByteOffset());
        }
    }

    // ---------------------------------------------------------------- Node

    private NodeObject node() throws IOException, FieldException
    {
        beginRoot();
        final NodeObject.Builder b = new NodeObject.Builder();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            if (rootField(field, KubeKind.NODE))
            {
                continue;
            }
            switch (field)
            {
                case "metadata" -> nodeMetadata(b);
                case "spec" -> nodeSpec(b);
                case "status" -> nodeStatus(b);
                default -> p.skipChildren();
            }
        }
        endRoot();
        final NodeObject node = b.build();
        if (node.name() == null || node.name().isEmpty())
        {
            throw new FieldException("metadata.name", "missing name");
        }
        return node;
    }

    private void nodeMetadata(final NodeObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("metadata"))
        {
            return;
        }
        path.push("metadata");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "name" -> b.name(string(field));
                case "labels" -> b.labels(stringMap(field, true));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private void nodeSpec(final NodeObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("spec"))
        {
            return;
        }
        path.push("spec");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "unschedulable" -> b.unschedulable(bool(field));
                case "taints" -> b.taints(taints(field));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private void nodeStatus(final NodeObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("status"))
        {
            return;
        }
        path.push("status");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "allocatable" -> b.allocatable(resources(field));
                case "images" -> b.images(images(field));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private List<Taint> taints(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        final List<Taint> taints = new ArrayList<>(4);
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            String key = null;
            String value = null;
            String effect = null;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "key" -> key = string(f);
                    case "value" -> value = scalarText(f);
                    case "effect" -> effect = string(f);
                    default -> p.skipChildren();
                }
            }
            taints.add(new Taint(key, value, effect));
        }
        path.pop();
        path.pop();
        return taints;
    }

    private List<ContainerImage> images(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        final List<ContainerImage> images = new ArrayList<>();
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            List<String> names = List.of();
            long sizeBytes = 0;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "names" -> names = stringList(f);
                    case "sizeBytes" -> sizeBytes = int64(f);
                    default -> p.skipChildren();
                }
            }
            images.add(new ContainerImage(names, sizeBytes));
        }
        path.pop();
        path.pop();
        return images;
    }

    // ---------------------------------------------------------------- Pod

    private PodObject pod() throws IOException, FieldException
    {
        beginRoot();
        final PodObject.Builder b = podBuilder.reset();
        hostNetwork = false;
        hasPriority = false;
        priority = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            if (rootField(field, KubeKind.POD))
            {
                continue;
            }
            switch (field)
            {
                case "metadata" -> podMetadata(b);
                case "spec" -> podSpec(b);
                case "status" -> podStatus(b);
                default -> p.skipChildren();
            }
        }
        endRoot();
        b.priority(priority).hasPriority(hasPriority);
        PodObject pod;
        try
        {
            pod = b.build();
        }
        catch (final IllegalArgumentException ex)
        {
            // the only check the model makes: GPU sharing annotations (GpuRequest.of), as the tree decoder reports it
            throw new FieldException("metadata.annotations", ex.getMessage());
        }
        finally
        {
            b.reset();
        }
        if (pod.name().isEmpty())
        {
            throw new FieldException("metadata.name", "missing name");
        }
        if (hostNetwork)
        {
            pod = pod.toBuilder()
                .containers(withHostNetworkPorts(pod.containers()))
                .initContainers(withHostNetworkPorts(pod.initContainers()))
                .build();
        }
        return pod;
    }

    private void podMetadata(final PodObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("metadata"))
        {
            return;
        }
        path.push("metadata");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "name" -> b.name(uniqueString(field));
                case "namespace" -> b.namespace(string(field));
                case "labels" -> b.labels(memo(labelMemo, field, labelsReader));
                case "annotations" -> b.annotations(stringMap(field, false, GPU_ANNOTATION_PREFIX));
                case "creationTimestamp" -> b.creationTimestampMs(timestamp(field));
                case "deletionTimestamp" -> b.deletionTimestampMs(timestamp(field));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private void podSpec(final PodObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("spec"))
        {
            return;
        }
        path.push("spec");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "hostNetwork" -> hostNetwork = bool(field);
                case "priority" ->
                {
                    hasPriority = p.currentToken() != JsonToken.VALUE_NULL;
                    priority = int32(field);
                }
                case "priorityClassName" -> b.priorityClassName(string(field));
                case "preemptionPolicy" -> b.preemptionPolicy(string(field));
                case "schedulingGates" -> b.schedulingGates(schedulingGates(field));
                case "nodeName" -> b.nodeName(string(field));
                case "containers" -> b.containers(memo(containerMemo, field, containersReader));
                case "initContainers" -> b.initContainers(memo(initContainerMemo, field, initContainersReader));
                case "overhead" -> b.overhead(resources(field));
                case "nodeSelector" -> b.nodeSelector(stringMap(field, false));
                case "affinity" -> affinity(b);
                case "tolerations" -> b.tolerations(memo(tolerationMemo, field, tolerationsReader));
                case "topologySpreadConstraints" -> b.topologySpreadConstraints(memo(spreadMemo, field, spreadReader));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private void podStatus(final PodObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("status"))
        {
            return;
        }
        path.push("status");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "phase" -> b.phase(string(field));
                case "nominatedNodeName" -> b.nominatedNodeName(string(field));
                case "startTime" -> b.startTimeMs(timestamp(field));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private List<Container> containers(final String field, final boolean init) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        int n = 0;
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            String name = null;
            String image = null;
            ResourceList requests = ResourceList.EMPTY;
            ResourceList limits = ResourceList.EMPTY;
            List<ContainerPort> ports = List.of();
            String restartPolicy = null;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "name" -> name = string(f);
                    case "image" -> image = string(f);
                    case "ports" -> ports = ports(f);
                    case "restartPolicy" -> restartPolicy = string(f);
                    case "resources" ->
                    {
                        if (beginObject(f))
                        {
                            path.push(f);
                            while (p.nextToken() == JsonToken.FIELD_NAME)
                            {
                                final String r = p.currentName();
                                p.nextToken();
                                switch (r)
                                {
                                    case "requests" -> requests = resources(r);
                                    case "limits" -> limits = resources(r);
                                    default -> p.skipChildren();
                                }
                            }
                            path.pop();
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            ResourceList effective = ObjectDecoder.withDefaultsFrom(requests, limits);
            if (effective != requests)
            {
                effective = shapes.resourceList(effective);
            }
            if (n == containerScratch.length)
            {
                containerScratch = Arrays.copyOf(containerScratch, n * 2);
            }
            containerScratch[n++] = shapes.container(name, image, effective, ports, init && "Always".equals(restartPolicy));
        }
        path.pop();
        path.pop();
        final List<Container> containers = shapes.list(containerScratch, n);
        Arrays.fill(containerScratch, 0, n, null);
        return containers;
    }

    private List<ContainerPort> ports(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        final List<ContainerPort> ports = new ArrayList<>(2);
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            int containerPort = 0;
            int hostPort = 0;
            String protocol = null;
            String hostIP = null;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "containerPort" -> containerPort = int32(f);
                    case "hostPort" -> hostPort = int32(f);
                    case "protocol" -> protocol = string(f);
                    case "hostIP" -> hostIP = string(f);
                    default -> p.skipChildren();
                }
            }
            ports.add(new ContainerPort(containerPort, hostPort, protocol, hostIP));
        }
        path.pop();
        path.pop();
        return ports;
    }

    /** API-server defaulting with {@code hostNetwork}: a port without a host port gets its container port. */
    private static List<Container> withHostNetworkPorts(final List<Container> containers)
    {
        final List<Container> result = new ArrayList<>(containers.size());
        for (final Container c : containers)
        {
            final List<ContainerPort> ports = new ArrayList<>(c.ports().size());
            for (final ContainerPort port : c.ports())
            {
                ports.add(port.hostPort() != 0 ? port :
                    new ContainerPort(port.containerPort(), port.containerPort(), port.protocol(), port.hostIP()));
            }
            result.add(new Container(c.name(), c.image(), c.requests(), ports, c.restartPolicyAlways()));
        }
        return result;
    }

    private List<String> schedulingGates(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        List<String> gates = null;
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            String name = null;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                if ("name".equals(f))
                {
                    name = string(f);
                }
                else
                {
                    p.skipChildren();
                }
            }
            if (gates == null)
            {
                gates = new ArrayList<>(2);
            }
            gates.add(name == null ? "" : name);
        }
        path.pop();
        path.pop();
        return gates == null ? List.of() : gates;
    }

    private List<Toleration> tolerations(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        int n = 0;
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            String key = null;
            String operator = null;
            String value = null;
            String effect = null;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "key" -> key = string(f);
                    case "operator" -> operator = string(f);
                    case "value" -> value = scalarText(f);
                    case "effect" -> effect = string(f);
                    default -> p.skipChildren();
                }
            }
            if (n == tolerationScratch.length)
            {
                tolerationScratch = Arrays.copyOf(tolerationScratch, n * 2);
            }
            tolerationScratch[n++] = shapes.toleration(key, operator, value, effect);
        }
        path.pop();
        path.pop();
        final List<Toleration> tolerations = shapes.list(tolerationScratch, n);
        Arrays.fill(tolerationScratch, 0, n, null);
        return tolerations;
    }

    private void affinity(final PodObject.Builder b) throws IOException, FieldException
    {
        if (!beginObject("affinity"))
        {
            return;
        }
        path.push("affinity");
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String field = p.currentName();
            p.nextToken();
            switch (field)
            {
                case "nodeAffinity" -> b.nodeAffinity(memo(nodeAffinityMemo, field, nodeAffinityReader));
                case "podAffinity" -> b.podAffinity(memo(podAffinityMemo, field, podAffinityReader));
                case "podAntiAffinity" -> b.podAntiAffinity(memo(podAffinityMemo, field, podAffinityReader));
                default -> p.skipChildren();
            }
        }
        path.pop();
    }

    private NodeAffinity nodeAffinity(final String field) throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return NodeAffinity.NONE;
        }
        path.push(field);
        List<NodeSelectorTerm> required = null;
        final List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String f = p.currentName();
            p.nextToken();
            switch (f)
            {
                case "requiredDuringSchedulingIgnoredDuringExecution" ->
                {
                    if (beginObject(f))
                    {
                        required = new ArrayList<>();
                        path.push(f);
                        while (p.nextToken() == JsonToken.FIELD_NAME)
                        {
                            final String r = p.currentName();
                            p.nextToken();
                            if ("nodeSelectorTerms".equals(r))
                            {
                                nodeSelectorTerms(r, required);
                            }
                            else
                            {
                                p.skipChildren();
                            }
                        }
                        path.pop();
                    }
                }
                case "preferredDuringSchedulingIgnoredDuringExecution" -> preferredTerms(f, preferred);
                default -> p.skipChildren();
            }
        }
        path.pop();
        return new NodeAffinity(required, preferred);
    }

    private void nodeSelectorTerms(final String field, final List<NodeSelectorTerm> terms)
        throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return;
        }
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            terms.add(nodeSelectorTerm(null));
        }
        path.pop();
        path.pop();
    }

    private void preferredTerms(final String field, final List<PreferredSchedulingTerm> preferred)
        throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return;
        }
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            int weight = 0;
            NodeSelectorTerm preference = EMPTY_TERM;
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "weight" -> weight = int32(f);
                    case "preference" -> preference = nodeSelectorTerm(f);
                    default -> p.skipChildren();
                }
            }
            preferred.add(new PreferredSchedulingTerm(weight, preference));
        }
        path.pop();
        path.pop();
    }

    /** A term; null or absent is the empty term, as the tree decoder reads it. */
    private NodeSelectorTerm nodeSelectorTerm(final String field) throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return EMPTY_TERM;
        }
        if (field != null)
        {
            path.push(field);
        }
        List<NodeSelectorRequirement> expressions = List.of();
        List<NodeSelectorRequirement> fields = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String f = p.currentName();
            p.nextToken();
            switch (f)
            {
                case "matchExpressions" -> expressions = nodeRequirements(f);
                case "matchFields" -> fields = nodeRequirements(f);
                default -> p.skipChildren();
            }
        }
        if (field != null)
        {
            path.pop();
        }
        return new NodeSelectorTerm(expressions, fields);
    }

    private List<NodeSelectorRequirement> nodeRequirements(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        return requirements(field, new ArrayList<>(2), NodeSelectorRequirement::new);
    }

    /** Makes a selector requirement of {@code key}, {@code operator} and {@code values}. */
    @FunctionalInterface
    private interface RequirementMaker<T>
    {
        T make(String key, String operator, List<String> values);
    }

    /**
     * The requirements of a selector ({@code {key, operator, values}} objects) of the array {@code field} the parser
     * has just begun, appended to {@code out}; the node and label selectors share this shape.
     */
    private <T> List<T> requirements(final String field, final List<T> out, final RequirementMaker<T> maker)
        throws IOException, FieldException
    {
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            String key = null;
            String operator = null;
            List<String> values = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "key" -> key = string(f);
                    case "operator" -> operator = string(f);
                    case "values" -> values = stringList(f);
                    default -> p.skipChildren();
                }
            }
            out.add(maker.make(key, operator, values));
        }
        path.pop();
        path.pop();
        return out;
    }

    private PodAffinity podAffinity(final String field) throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return PodAffinity.NONE;
        }
        path.push(field);
        final List<PodAffinityTerm> required = new ArrayList<>();
        final List<WeightedPodAffinityTerm> preferred = new ArrayList<>();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String f = p.currentName();
            p.nextToken();
            switch (f)
            {
                case "requiredDuringSchedulingIgnoredDuringExecution" ->
                {
                    if (beginArray(f))
                    {
                        path.push(f);
                        path.pushIndex(0);
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY)
                        {
                            path.setIndex(i);
                            countEntry(++i);
                            final PodAffinityTerm term = podAffinityTerm(null);
                            if (term != null)
                            {
                                required.add(term);
                            }
                        }
                        path.pop();
                        path.pop();
                    }
                }
                case "preferredDuringSchedulingIgnoredDuringExecution" ->
                {
                    if (beginArray(f))
                    {
                        path.push(f);
                        path.pushIndex(0);
                        int i = 0;
                        while (p.nextToken() != JsonToken.END_ARRAY)
                        {
                            path.setIndex(i);
                            countEntry(++i);
                            if (!beginObject(null))
                            {
                                continue;
                            }
                            int weight = 0;
                            PodAffinityTerm term = null;
                            while (p.nextToken() == JsonToken.FIELD_NAME)
                            {
                                final String w = p.currentName();
                                p.nextToken();
                                switch (w)
                                {
                                    case "weight" -> weight = int32(w);
                                    case "podAffinityTerm" -> term = podAffinityTerm(w);
                                    default -> p.skipChildren();
                                }
                            }
                            preferred.add(new WeightedPodAffinityTerm(weight,
                                term == null ? EMPTY_POD_AFFINITY_TERM : term));
                        }
                        path.pop();
                        path.pop();
                    }
                }
                default -> p.skipChildren();
            }
        }
        path.pop();
        return required.isEmpty() && preferred.isEmpty() ? PodAffinity.NONE : new PodAffinity(required, preferred);
    }

    /** Null for a null term. */
    private PodAffinityTerm podAffinityTerm(final String field) throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return null;
        }
        if (field != null)
        {
            path.push(field);
        }
        LabelSelector labelSelector = null;
        List<String> namespaces = List.of();
        String topologyKey = null;
        LabelSelector namespaceSelector = null;
        List<String> matchLabelKeys = List.of();
        List<String> mismatchLabelKeys = List.of();
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String f = p.currentName();
            p.nextToken();
            switch (f)
            {
                case "labelSelector" -> labelSelector = labelSelector(f);
                case "namespaces" -> namespaces = stringList(f);
                case "topologyKey" -> topologyKey = string(f);
                case "namespaceSelector" -> namespaceSelector = labelSelector(f);
                case "matchLabelKeys" -> matchLabelKeys = stringList(f);
                case "mismatchLabelKeys" -> mismatchLabelKeys = stringList(f);
                default -> p.skipChildren();
            }
        }
        if (field != null)
        {
            path.pop();
        }
        return new PodAffinityTerm(labelSelector, namespaces, topologyKey, namespaceSelector, matchLabelKeys,
            mismatchLabelKeys);
    }

    private List<TopologySpreadConstraint> spreadConstraints(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        List<TopologySpreadConstraint> constraints = null;
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            if (!beginObject(null))
            {
                continue;
            }
            int maxSkew = 0;
            String topologyKey = null;
            String whenUnsatisfiable = null;
            LabelSelector labelSelector = null;
            Integer minDomains = null;
            String nodeAffinityPolicy = null;
            String nodeTaintsPolicy = null;
            List<String> matchLabelKeys = List.of();
            while (p.nextToken() == JsonToken.FIELD_NAME)
            {
                final String f = p.currentName();
                p.nextToken();
                switch (f)
                {
                    case "maxSkew" -> maxSkew = int32(f);
                    case "topologyKey" -> topologyKey = string(f);
                    case "whenUnsatisfiable" -> whenUnsatisfiable = string(f);
                    case "labelSelector" -> labelSelector = labelSelector(f);
                    case "minDomains" -> minDomains = p.currentToken() == JsonToken.VALUE_NULL ? null : int32(f);
                    case "nodeAffinityPolicy" -> nodeAffinityPolicy = string(f);
                    case "nodeTaintsPolicy" -> nodeTaintsPolicy = string(f);
                    case "matchLabelKeys" -> matchLabelKeys = stringList(f);
                    default -> p.skipChildren();
                }
            }
            if (constraints == null)
            {
                constraints = new ArrayList<>(2);
            }
            constraints.add(new TopologySpreadConstraint(maxSkew, topologyKey, whenUnsatisfiable, labelSelector,
                minDomains, nodeAffinityPolicy, nodeTaintsPolicy, matchLabelKeys));
        }
        path.pop();
        path.pop();
        return constraints == null ? List.of() : constraints;
    }

    /** Null when absent or null. */
    private LabelSelector labelSelector(final String field) throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return null;
        }
        path.push(field);
        Map<String, String> matchLabels = NO_STRINGS;
        final List<LabelSelectorRequirement> expressions = new ArrayList<>(2);
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String f = p.currentName();
            p.nextToken();
            switch (f)
            {
                case "matchLabels" -> matchLabels = stringMap(f, false);
                case "matchExpressions" ->
                {
                    if (beginArray(f))
                    {
                        expressions.clear();
                        requirements(f, expressions, LabelSelectorRequirement::new);
                    }
                }
                default -> p.skipChildren();
            }
        }
        path.pop();
        return new LabelSelector(matchLabels, expressions);
    }

    /** Reads the subtree of {@code field} the parser is at; its result is immutable and depends on its bytes alone. */
    @FunctionalInterface
    private interface SubtreeReader
    {
        Object read(String field) throws IOException, FieldException;
    }

    /**
     * {@code reader}'s result for the object or array the parser is at, taken from {@code memo} when a subtree of the
     * same bytes was read before (the parser then moves past it), else read and kept. Null and other tokens, and
     * documents read through Jackson, go to {@code reader} directly.
     */
    @SuppressWarnings("unchecked")
    private <T> T memo(final SubtreeMemo memo, final String field, final SubtreeReader reader)
        throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (p != ascii || (t != JsonToken.START_ARRAY && t != JsonToken.START_OBJECT))
        {
            return (T)reader.read(field);
        }
        final int start = ascii.tokenStart();
        final int end = ascii.rawEnd();
        if (end < 0 || end - start > SubtreeMemo.MAX_BYTES)
        {
            return (T)reader.read(field);
        }
        final byte[] bytes = ascii.buffer();
        final int hash = SubtreeMemo.hash(bytes, start, end);
        final Object kept = memo.get(bytes, start, end, hash);
        if (kept != null)
        {
            ascii.jumpTo(end);
            return (T)kept;
        }
        final Object value = reader.read(field);
        if (value != null && ascii.position() == end)
        {
            memo.put(bytes, start, end, hash, value);
        }
        return (T)value;
    }

    // ---------------------------------------------------------------- scalars and maps

    /** A resource list: names in document order, values in milli-units; a repeated name is an error. */
    private ResourceList resources(final String field) throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return ResourceList.EMPTY;
        }
        path.push(field);
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String name = p.currentName();
            p.nextToken();
            countEntry(n + 1);
            path.pushKey(name);
            checkLength(name, null);
            for (int i = 0; i < n; i++)
            {
                if (resourceNames[i].equals(name))
                {
                    throw new FieldException(path.render(),
                        "resource " + ObjectDecoder.quote(name) + " is listed more than once");
                }
            }
            if (n == resourceNames.length)
            {
                resourceNames = Arrays.copyOf(resourceNames, n * 2);
                resourceValues = Arrays.copyOf(resourceValues, n * 2);
            }
            resourceValues[n] = quantity();
            path.pop();
            resourceNames[n++] = name;
        }
        path.pop();
        if (n == 0)
        {
            return ResourceList.EMPTY;
        }
        final ResourceList list = shapes.resourceList(resourceNames, resourceValues, n);
        Arrays.fill(resourceNames, 0, n, null);
        return list;
    }

    /** The current value as a quantity in milli-units; the path names the resource. */
    private long quantity() throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        final String text;
        if (t == JsonToken.VALUE_NULL)
        {
            return 0;
        }
        else if (t == JsonToken.VALUE_STRING)
        {
            checkLength(null);
            text = text().strip();
        }
        else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT)
        {
            text = numberText();
        }
        else
        {
            throw wrongType(null, "a quantity");
        }
        final long cached = shapes.quantity(text);
        if (cached != Long.MIN_VALUE)
        {
            return cached;
        }
        final long milli;
        try
        {
            milli = Quantity.parseMilli(text);
        }
        catch (final QuantityFormatException ex)
        {
            throw new FieldException(path.render(), ex.getMessage());
        }
        if (milli < 0)
        {
            throw new FieldException(path.render(), "negative quantity " + ObjectDecoder.quote(text));
        }
        shapes.quantity(text, milli);
        return milli;
    }

    /**
     * A map of strings; scalar values that are not strings become their text, null becomes "". With
     * {@code labels}, keys and values are held to kube's label lengths.
     */
    private Map<String, String> stringMap(final String field, final boolean labels) throws IOException, FieldException
    {
        return stringMap(field, labels, null);
    }

    /**
     * {@link #stringMap(String, boolean)} keeping only the keys starting with {@code keyPrefix} (all when null);
     * the others are skipped unread. Pod annotations keep GPU sharing's {@code alibabacloud.com/gpu-*} (see
     * {@link GpuSharing}); the rest are often large ({@code kubectl.kubernetes.io/last-applied-configuration}).
     */
    private Map<String, String> stringMap(final String field, final boolean labels, final String keyPrefix)
        throws IOException, FieldException
    {
        if (!beginObject(field))
        {
            return NO_STRINGS;
        }
        path.push(field);
        pairIndex = null;
        int entries = 0;
        int n = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME)
        {
            final String key = p.currentName();
            p.nextToken();
            countEntry(++entries);
            if (keyPrefix != null && !key.startsWith(keyPrefix))
            {
                p.skipChildren();
                continue;
            }
            path.pushKey(key);
            checkLength(key, null);
            String value = scalarText(null);
            value = value == null ? "" : value;
            if (labels && key.length() > MAX_LABEL_KEY_CHARS)
            {
                throw new FieldException(path.render(), "label key of " + key.length() +
                    " characters is longer than the limit of " + MAX_LABEL_KEY_CHARS);
            }
            if (labels && value.length() > MAX_LABEL_VALUE_CHARS)
            {
                throw new FieldException(path.render(), "label value of " + value.length() +
                    " characters is longer than the limit of " + MAX_LABEL_VALUE_CHARS);
            }
            path.pop();
            n = putPair(key, value, n);
        }
        path.pop();
        final Map<String, String> map = shapes.stringMap(pairs, n);
        Arrays.fill(pairs, 0, 2 * n, null);
        pairIndex = null;
        return map;
    }

    /**
     * Puts a pair into {@link #pairs} after the first {@code n}; a repeated key keeps its place and takes the new
     * value, as a {@link LinkedHashMap} (and so the tree decoder) does. Returns the new count.
     */
    private int putPair(final String key, final String value, final int n)
    {
        if (n <= 64)
        {
            for (int i = 0; i < 2 * n; i += 2)
            {
                if (pairs[i].equals(key))
                {
                    pairs[i + 1] = value;
                    return n;
                }
            }
        }
        else
        {
            if (pairIndex == null)
            {
                pairIndex = new HashMap<>();
                for (int i = 0; i < 2 * n; i += 2)
                {
                    pairIndex.put(pairs[i], i);
                }
            }
            final Integer at = pairIndex.putIfAbsent(key, 2 * n);
            if (at != null)
            {
                pairs[at + 1] = value;
                return n;
            }
        }
        if (2 * n + 2 > pairs.length)
        {
            pairs = Arrays.copyOf(pairs, pairs.length * 2);
        }
        pairs[2 * n] = key;
        pairs[2 * n + 1] = value;
        return n + 1;
    }

    private List<String> stringList(final String field) throws IOException, FieldException
    {
        if (!beginArray(field))
        {
            return List.of();
        }
        List<String> list = null;
        path.push(field);
        path.pushIndex(0);
        int i = 0;
        while (p.nextToken() != JsonToken.END_ARRAY)
        {
            path.setIndex(i);
            countEntry(++i);
            final String value = scalarText(null);
            if (list == null)
            {
                list = new ArrayList<>(4);
            }
            list.add(value == null ? "" : value);
        }
        path.pop();
        path.pop();
        return list == null ? List.of() : list;
    }

    /** True at the start of an object, false for null; any other value is an error naming {@code field}. */
    private boolean beginObject(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT)
        {
            return true;
        }
        if (t == JsonToken.VALUE_NULL)
        {
            return false;
        }
        throw wrongType(field, "an object");
    }

    private boolean beginArray(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.START_ARRAY)
        {
            return true;
        }
        if (t == JsonToken.VALUE_NULL)
        {
            return false;
        }
        throw wrongType(field, "a list");
    }

    private String string(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING)
        {
            checkLength(field);
            return text();
        }
        if (t == JsonToken.VALUE_NULL)
        {
            return null;
        }
        throw wrongType(field, "a string");
    }

    /** The current string value, from the parser's characters through the cache (no String when cached). */
    private String text() throws IOException
    {
        return p.cachedText(strings);
    }

    /** Text of a string, number or boolean; null for null. */
    private String scalarText(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        return switch (t)
        {
            case VALUE_STRING ->
            {
                checkLength(field);
                yield text();
            }
            case VALUE_NULL -> null;
            case VALUE_TRUE -> "true";
            case VALUE_FALSE -> "false";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> numberText();
            default -> throw wrongType(field, "a string");
        };
    }

    /** A number's text as the tree decoder writes it: the integer, or the exact decimal. */
    private String numberText() throws IOException
    {
        return p.numberText();
    }

    private boolean bool(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_TRUE)
        {
            return true;
        }
        if (t == JsonToken.VALUE_FALSE || t == JsonToken.VALUE_NULL)
        {
            return false;
        }
        throw wrongType(field, "a boolean");
    }

    private int int32(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT)
        {
            if (p.getNumberType() == JsonParser.NumberType.INT)
            {
                return p.getIntValue();
            }
            throw new FieldException(path.render(field), "integer " + numberText() + " does not fit in 32 bits");
        }
        if (t == JsonToken.VALUE_NULL)
        {
            return 0;
        }
        throw wrongType(field, "an integer");
    }

    private long int64(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_NUMBER_INT)
        {
            final JsonParser.NumberType type = p.getNumberType();
            if (type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG)
            {
                return p.getLongValue();
            }
            throw new FieldException(path.render(field), "integer " + numberText() + " does not fit in 64 bits");
        }
        if (t == JsonToken.VALUE_NULL)
        {
            return 0;
        }
        throw wrongType(field, "an integer");
    }

    /** A string field that is rarely repeated (a pod's name): made directly, not through the string cache. */
    private String uniqueString(final String field) throws IOException, FieldException
    {
        final JsonToken t = p.currentToken();
        if (t == JsonToken.VALUE_STRING)
        {
            checkLength(field);
            return p.getText();
        }
        if (t == JsonToken.VALUE_NULL)
        {
            return null;
        }
        throw wrongType(field, "a string");
    }

    private long timestamp(final String field) throws IOException, FieldException
    {
        if (p.currentToken() == JsonToken.VALUE_STRING)
        {
            // the common shapes straight from the parser's characters, no String
            checkLength(field);
            final int length = p.getTextLength();
            if (length == 0)
            {
                return 0;
            }
            final long fast = p.fastRfc3339Millis();
            if (fast != Long.MIN_VALUE)
            {
                return fast;
            }
        }
        final String text = string(field);
        if (text == null || text.isEmpty())
        {
            return 0;
        }
        try
        {
            return OffsetDateTime.parse(text, RFC_3339).toInstant().toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw new FieldException(path.render(field), "cannot parse RFC 3339 time " + ObjectDecoder.quote(text));
        }
    }

    /**
     * Epoch milliseconds of the common shapes kube writes, {@code 2024-12-23T16:41:12Z} or with a fraction and/or a
     * numeric offset, or {@link Long#MIN_VALUE} for anything else (which then goes through
     * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}, the reference, so both paths accept and reject the same text).
     */
    static long fastRfc3339Millis(final String t)
    {
        return fastRfc3339Millis(t.toCharArray(), 0, t.length());
    }

    /** {@link #fastRfc3339Millis(String)} of {@code length} characters of {@code chars} from {@code offset}. */
    static long fastRfc3339Millis(final char[] chars, final int offset, final int length)
    {
        final int n = length;
        if (n < 20 || chars[offset + 4] != '-' || chars[offset + 7] != '-' || chars[offset + 10] != 'T' ||
            chars[offset + 13] != ':' || chars[offset + 16] != ':')
        {
            return Long.MIN_VALUE;
        }
        final int year = digits(chars, offset, 4);
        final int month = digits(chars, offset + 5, 2);
        final int day = digits(chars, offset + 8, 2);
        final int hour = digits(chars, offset + 11, 2);
        final int minute = digits(chars, offset + 14, 2);
        final int second = digits(chars, offset + 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour < 0 ||
            hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        {
            return Long.MIN_VALUE;
        }
        int i = 19;
        long nanos = 0;
        if (chars[offset + i] == '.')
        {
            i++;
            final int start = i;
            while (i < n && chars[offset + i] >= '0' && chars[offset + i] <= '9')
            {
                if (i - start < 9)
                {
                    nanos = nanos * 10 + (chars[offset + i] - '0');
                }
                i++;
            }
            final int count = i - start;
            if (count == 0 || count > 9)
            {
                return Long.MIN_VALUE;
            }
            for (int k = count; k < 9; k++)
            {
                nanos *= 10;
            }
        }
        if (i >= n)
        {
            return Long.MIN_VALUE;
        }
        final int offsetSeconds;
        final char z = chars[offset + i];
        if (z == 'Z' && i == n - 1)
        {
            offsetSeconds = 0;
        }
        else if ((z == '+' || z == '-') && i == n - 6 && chars[offset + i + 3] == ':')
        {
            final int oh = digits(chars, offset + i + 1, 2);
            final int om = digits(chars, offset + i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59 || (oh == 18 && om != 0))
            {
                return Long.MIN_VALUE;
            }
            offsetSeconds = (z == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        }
        else
        {
            return Long.MIN_VALUE;
        }
        final long epochDay = epochDay(year, month, day);
        final long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return Math.addExact(Math.multiplyExact(seconds, 1000L), nanos / 1_000_000);
    }

    /** Days since 1970-01-01 of a valid proleptic Gregorian date, as {@code LocalDate.toEpochDay} (no object). */
    static long epochDay(final int year, final int month, final int day)
    {
        // Howard Hinnant's days_from_civil
        final long y = month <= 2 ? year - 1L : year;
        final long era = Math.floorDiv(y, 400);
        final long yearOfEra = y - era * 400;
        final int shiftedMonth = month > 2 ? month - 3 : month + 9;
        final long dayOfYear = (153L * shiftedMonth + 2) / 5 + day - 1;
        final long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097 + dayOfEra - 719_468;
    }

    private static int digits(final char[] t, final int from, final int count)
    {
        int v = 0;
        for (int i = from; i < from + count; i++)
        {
            final char c = t[i];
            if (c < '0' || c > '9')
            {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysInMonth(final int year, final int month)
    {
        return switch (month)
        {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private void checkLength(final String field) throws IOException, FieldException
    {
        final int length = p.getTextLength();
        if (length > ObjectDecoder.MAX_STRING_CHARS)
        {
            throw new FieldException(path.render(field), "string of " + length +
                " characters is longer than the limit of " + ObjectDecoder.MAX_STRING_CHARS);
        }
    }

    private void checkLength(final String text, final String field) throws FieldException
    {
        if (text.length() > ObjectDecoder.MAX_STRING_CHARS)
        {
            throw new FieldException(path.render(field), "string of " + text.length() +
                " characters is longer than the limit of " + ObjectDecoder.MAX_STRING_CHARS);
        }
    }

    private void countEntry(final int count) throws FieldException
    {
        if (count > ObjectDecoder.MAX_ENTRIES)
        {
            throw new FieldException(path.render(), "more than the limit of " + ObjectDecoder.MAX_ENTRIES + " entries");
        }
    }

    private FieldException wrongType(final String field, final String expected) throws IOException
    {
        return new FieldException(path.render(field), "expected " + expected + ", got " + describe());
    }

    /** The current token as {@link ObjectDecoder#describe} words it. */
    private String describe() throws IOException
    {
        final JsonToken t = p.currentToken();
        return switch (t)
        {
            case VALUE_STRING -> "a string " + ObjectDecoder.quote(p.getText());
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number " + numberText();
            case VALUE_TRUE -> "a boolean true";
            case VALUE_FALSE -> "a boolean false";
            case START_ARRAY -> "a list";
            case START_OBJECT -> "an object";
            case VALUE_NULL -> "null";
            default -> String.valueOf(t);
        };
    }
}
