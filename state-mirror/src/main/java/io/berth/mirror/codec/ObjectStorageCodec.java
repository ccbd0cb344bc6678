package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.mirror.source.KeyLayout;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Turns the objects of a YAML or JSON file into what kube-apiserver stores in etcd, and reads stored values back.
 * <p>
 * Stored kinds: Node, Pod, Namespace, Service, Endpoints, PriorityClass, PodDisruptionBudget ({@link Kind}); the
 * value is the object's JSON (kube-apiserver's {@code --storage-media-type=application/json}) under the key
 * {@link KeyLayout} gives it. Writing strips {@code metadata.resourceVersion} (etcd's mod revision is the version),
 * fills {@code apiVersion}, {@code kind} and the namespace ({@code default}) when absent, and sets
 * {@code metadata.creationTimestamp} and {@code metadata.uid} when absent on create; an update keeps the stored
 * ones. Reading sets {@code metadata.resourceVersion} to the key's mod revision.
 * <p>
 * Every object is validated as the scheduler will decode it ({@link ObjectDecoder}); an object that fails, or has a
 * kind that is not stored, or a name that cannot be a key, becomes an {@link ObjectError} naming it, and the others
 * are still returned.
 */
public final class ObjectStorageCodec
{
    /** The kinds {@code berth apply} stores, with their resource names and default API versions. */
    public enum Kind
    {
        NODE("Node", "node", "nodes", "v1", false),
        POD("Pod", "pod", "pods", "v1", true),
        NAMESPACE("Namespace", "namespace", "namespaces", "v1", false),
        SERVICE("Service", "service", "services", "v1", true),
        ENDPOINTS("Endpoints", "endpoints", "endpoints", "v1", true),
        PRIORITY_CLASS("PriorityClass", "priorityclass", "priorityclasses", "scheduling.k8s.io/v1", false),
        POD_DISRUPTION_BUDGET("PodDisruptionBudget", "poddisruptionbudget", "poddisruptionbudgets", "policy/v1", true);

        private final String kind;
        private final String resource;
        private final String plural;
        private final String defaultApiVersion;
        private final boolean namespaced;

        Kind(final String kind, final String resource, final String plural, final String defaultApiVersion,
            final boolean namespaced)
        {
            this.kind = kind;
            this.resource = resource;
            this.plural = plural;
            this.defaultApiVersion = defaultApiVersion;
            this.namespaced = namespaced;
        }

        /** As in {@code kind:}, e.g. {@code PodDisruptionBudget}. */
        public String kind()
        {
            return kind;
        }

        /** Lower-case singular resource name, as kubectl prints it: {@code pod/default/web-1}. */
        public String resource()
        {
            return resource;
        }

        public String plural()
        {
            return plural;
        }

        public String defaultApiVersion()
        {
            return defaultApiVersion;
        }

        public boolean namespaced()
        {
            return namespaced;
        }

        /** The key prefix of all objects of this kind (with a trailing slash). */
        public String prefix(final KeyLayout layout)
        {
            return switch (this)
            {
                case NODE -> layout.nodes();
                case POD -> layout.pods();
                case NAMESPACE -> layout.namespaces();
                case SERVICE -> layout.services();
                case ENDPOINTS -> layout.endpoints();
                case PRIORITY_CLASS -> layout.priorityClasses();
                case POD_DISRUPTION_BUDGET -> layout.podDisruptionBudgets();
            };
        }

        /** The key of one object; {@code namespace} is ignored for cluster-scoped kinds. */
        public String key(final KeyLayout layout, final String namespace, final String name)
        {
            return namespaced ? prefix(layout) + namespace + "/" + name : prefix(layout) + name;
        }

        /** The kind named by {@code kind:}, or null. */
        public static Kind ofKind(final String kind)
        {
            for (final Kind k : values())
            {
                if (k.kind.equals(kind))
                {
                    return k;
                }
            }
            return null;
        }

        /** The kind of a resource name as kubectl accepts it (singular, plural or short name), or null. */
        public static Kind ofResource(final String name)
        {
            return switch (name)
            {
                case "node", "nodes", "no" -> NODE;
                case "pod", "pods", "po" -> POD;
                case "namespace", "namespaces", "ns" -> NAMESPACE;
                case "service", "services", "svc" -> SERVICE;
                case "endpoints", "ep" -> ENDPOINTS;
                case "priorityclass", "priorityclasses", "pc" -> PRIORITY_CLASS;
                case "poddisruptionbudget", "poddisruptionbudgets", "pdb" -> POD_DISRUPTION_BUDGET;
                default -> null;
            };
        }

        boolean acceptsApiVersion(final String apiVersion)
        {
            if (apiVersion.isEmpty())
            {
                return true;
            }
            return switch (this)
            {
                case NODE, POD, NAMESPACE, SERVICE, ENDPOINTS -> "v1".equals(apiVersion);
                case PRIORITY_CLASS -> "scheduling.k8s.io/v1".equals(apiVersion) ||
                    "scheduling.k8s.io/v1beta1".equals(apiVersion) || "scheduling.k8s.io/v1alpha1".equals(apiVersion);
                case POD_DISRUPTION_BUDGET -> "policy/v1".equals(apiVersion) || "policy/v1beta1".equals(apiVersion);
            };
        }
    }

    /**
     * One object of a file, ready to store: {@code object} is normalized (kind, apiVersion, namespace filled,
     * resourceVersion removed) but has no server-set fields yet; see {@link #forCreate} and {@link #forUpdate}.
     */
    public record FileObject(Kind kind, String namespace, String name, String key, ObjectNode object)
    {
        /** {@code pod/default/web-1}, {@code node/node-a}. */
        public String displayName()
        {
            return kind.resource() + "/" + (kind.namespaced() ? namespace + "/" : "") + name;
        }
    }

    /** The objects of one file that can be stored, and one error for each one that cannot. */
    public record FileObjects(List<FileObject> objects, List<ObjectError> errors)
    {
        public FileObjects
        {
            objects = List.copyOf(objects);
            errors = List.copyOf(errors);
        }
    }

    /** A stored value that cannot be used; the message names the key. */
    public static final class CorruptValueException extends Exception
    {
        public CorruptValueException(final String message)
        {
            super(message);
        }
    }

    /** kube's DNS-1123 subdomain: object names (and so key segments) must be one. */
    private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    /** kube's DNS-1123 label: namespace names must be one. */
    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_SUBDOMAIN_CHARS = 253;
    private static final int MAX_LABEL_CHARS = 63;

    private final KeyLayout layout;
    private final Clock clock;
    private final Supplier<UUID> uids;
    private final ManifestDocuments documents = new ManifestDocuments();
    private final ObjectMapper mapper = documents.mapper();
    private final ObjectDecoder decoder = new ObjectDecoder();

    /** A codec for {@code layout} using the system clock and random UUIDs. */
    public ObjectStorageCodec(final KeyLayout layout)
    {
        this(layout, Clock.systemUTC(), UUID::randomUUID);
    }

    /** A codec with the clock and uid source to stamp new objects with (tests pass fixed ones). */
    public ObjectStorageCodec(final KeyLayout layout, final Clock clock, final Supplier<UUID> uids)
    {
        this.layout = layout;
        this.clock = clock;
        this.uids = uids;
    }

    public KeyLayout layout()
    {
        return layout;
    }

    /**
     * Reads the objects of a YAML or JSON file (multi-document YAML, a JSON object or array, {@code List}s).
     *
     * @throws UncheckedIOException if the file cannot be read.
     */
    public FileObjects read(final Path file)
    {
        final String text;
        try
        {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
        return read(file.toString(), text);
    }

    /** Reads the objects of YAML or JSON text; {@code sourceName} names it in errors. */
    public FileObjects read(final String sourceName, final String text)
    {
        final Collector collector = new Collector(sourceName);
        try
        {
            documents.walk(text, collector);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + sourceName + ": " + ex, ex);
        }
        return new FileObjects(collector.objects, collector.errors);
    }

    /** The object to store when its key is absent: {@code creationTimestamp} and {@code uid} set when absent. */
    public ObjectNode forCreate(final FileObject fileObject)
    {
        final ObjectNode object = fileObject.object().deepCopy();
        final ObjectNode metadata = (ObjectNode)object.get("metadata");
        if (!hasText(metadata, "creationTimestamp"))
        {
            metadata.put("creationTimestamp", Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        }
        if (!hasText(metadata, "uid"))
        {
            metadata.put("uid", uids.get().toString());
        }
        return object;
    }

    /**
     * The object to store over {@code stored} (decoded from the key's current value): the stored {@code uid} and
     * {@code creationTimestamp} are kept, and so is what the file does not say that the cluster set, as
     * {@code kubectl apply} keeps it: {@code status} when the file has none, and a pod's {@code spec.nodeName}.
     */
    public ObjectNode forUpdate(final FileObject fileObject, final ObjectNode stored)
    {
        final ObjectNode object = fileObject.object().deepCopy();
        final ObjectNode metadata = (ObjectNode)object.get("metadata");
        final JsonNode storedMetadata = stored.get("metadata");
        for (final String field : new String[]{"uid", "creationTimestamp"})
        {
            final JsonNode storedValue = storedMetadata == null ? null : storedMetadata.get(field);
            if (storedValue != null && storedValue.isTextual())
            {
                metadata.set(field, storedValue);
            }
        }
        if (!object.has("status") && stored.has("status"))
        {
            object.set("status", stored.get("status").deepCopy());
        }
        if (fileObject.kind() == Kind.POD)
        {
            final JsonNode storedSpec = stored.get("spec");
            final JsonNode storedNode = storedSpec == null ? null : storedSpec.get("nodeName");
            final JsonNode spec = object.get("spec");
            if (storedNode != null && storedNode.isTextual() && spec instanceof ObjectNode s && !hasText(s, "nodeName"))
            {
                s.set("nodeName", storedNode);
            }
        }
        return forCreate(new FileObject(fileObject.kind(), fileObject.namespace(), fileObject.name(), fileObject.key(),
            object));
    }

    /** The bytes to store. */
    public byte[] encode(final ObjectNode object)
    {
        try
        {
            return mapper.writeValueAsBytes(object);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("cannot write JSON of " + object.path("kind").asText() + " " +
                object.path("metadata").path("name").asText() + ": " + ex.getOriginalMessage(), ex);
        }
    }

    /** The kind stored under {@code key}, from its prefix, or null when the key is not one of ours. */
    public Kind kindOfKey(final String key)
    {
        for (final Kind kind : Kind.values())
        {
            if (key.startsWith(kind.prefix(layout)))
            {
                return kind;
            }
        }
        return null;
    }

    /**
     * Decodes a stored value: JSON of an object of the kind its key says, with a name matching the key, that the
     * scheduler can decode; {@code metadata.resourceVersion} is set to {@code modRevision}.
     *
     * @throws CorruptValueException naming the key and what is wrong.
     */
    public ObjectNode decode(final String key, final byte[] value, final long modRevision) throws CorruptValueException
    {
        final Kind kind = kindOfKey(key);
        if (kind == null)
        {
            throw new CorruptValueException(key + ": not under a known prefix of " + layout.prefix());
        }
        final JsonNode tree;
        try
        {
            tree = mapper.readTree(value);
        }
        catch (final IOException ex)
        {
            throw new CorruptValueException(key + ": not JSON: " + DocumentWalker.shorten(
                ex instanceof JsonProcessingException j ? j.getOriginalMessage() : String.valueOf(ex.getMessage())));
        }
        if (!(tree instanceof ObjectNode obj))
        {
            throw new CorruptValueException(key + ": expected a JSON object, got " + ObjectDecoder.describe(tree));
        }
        final JsonNode kindNode = obj.get("kind");
        if (kindNode == null || !kind.kind().equals(kindNode.asText()))
        {
            throw new CorruptValueException(key + ": expected kind " + kind.kind() + ", got " +
                (kindNode == null ? "none" : ObjectDecoder.describe(kindNode)));
        }
        final JsonNode metadata = obj.get("metadata");
        final String name = metadata == null ? null : metadata.path("name").textValue();
        final String namespace = metadata == null ? null : metadata.path("namespace").textValue();
        final String expectedKey = name == null || (kind.namespaced() && namespace == null) ? null :
            kind.key(layout, namespace, name);
        if (!key.equals(expectedKey))
        {
            throw new CorruptValueException(key + ": metadata (namespace " + namespace + ", name " + name +
                ") does not match the key");
        }
        try
        {
            validate(kind, obj);
        }
        catch (final FieldException ex)
        {
            throw new CorruptValueException(key + ": " + ex.field() + ": " + ex.getMessage());
        }
        ((ObjectNode)metadata).put("resourceVersion", Long.toString(modRevision));
        return obj;
    }

    private void validate(final Kind kind, final ObjectNode obj) throws FieldException
    {
        switch (kind)
        {
            case NODE -> decoder.decodeNode(obj);
            case POD -> decoder.decodePod(obj);
            case NAMESPACE -> decoder.decodeNamespace(obj);
            case PRIORITY_CLASS -> decoder.decodePriorityClass(obj);
            case POD_DISRUPTION_BUDGET -> decoder.decodePodDisruptionBudget(obj);
            case SERVICE, ENDPOINTS ->
            {
                // not read by the scheduler: the object shape and name checks are all
            }
        }
    }

    private static boolean hasText(final JsonNode node, final String field)
    {
        final JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty();
    }

    /** Gathers the objects and errors of one file. */
    private final class Collector extends DocumentWalker
    {
        private final List<FileObject> objects = new ArrayList<>();

        Collector(final String source)
        {
            super(source);
        }

        @Override
        void mapObject(final ObjectNode obj, final String kindName, final int number, final String apiVersion)
        {
            final Kind kind = Kind.ofKind(kindName);
            if (kind == null || apiVersion == null || !kind.acceptsApiVersion(apiVersion))
            {
                errors.add(new ObjectError(source, kindName, DocumentShape.displayName(obj, false, number), "",
                    "kind " + kindName + (apiVersion == null || apiVersion.isEmpty() ? "" : " of " + apiVersion) +
                        " is not stored by berth; it stores Node, Pod, Namespace, Service, Endpoints, PriorityClass " +
                        "and PodDisruptionBudget"));
                return;
            }
            final String display = DocumentShape.displayName(obj, kind.namespaced(), number);
            final JsonNode metadataNode = obj.get("metadata");
            if (!(metadataNode instanceof ObjectNode metadata))
            {
                errors.add(new ObjectError(source, kindName, display, "metadata", "missing metadata"));
                return;
            }
            final JsonNode nameNode = metadata.get("name");
            if (nameNode == null || !nameNode.isTextual() || nameNode.textValue().isEmpty())
            {
                errors.add(new ObjectError(source, kindName, display, "metadata.name", "missing name"));
                return;
            }
            final String name = nameNode.textValue();
            if (name.length() > MAX_SUBDOMAIN_CHARS || !DNS_SUBDOMAIN.matcher(name).matches())
            {
                errors.add(new ObjectError(source, kindName, display, "metadata.name",
                    "not a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', at most 253)"));
                return;
            }
            String namespace = "";
            if (kind.namespaced())
            {
                final JsonNode namespaceNode = metadata.get("namespace");
                if (namespaceNode == null || namespaceNode.isNull() ||
                    (namespaceNode.isTextual() && namespaceNode.textValue().isEmpty()))
                {
                    namespace = "default";
                }
                else if (!namespaceNode.isTextual())
                {
                    errors.add(new ObjectError(source, kindName, display, "metadata.namespace",
                        "expected a string, got " + ObjectDecoder.describe(namespaceNode)));
                    return;
                }
                else
                {
                    namespace = namespaceNode.textValue();
                }
                if (namespace.length() > MAX_LABEL_CHARS || !DNS_LABEL.matcher(namespace).matches())
                {
                    errors.add(new ObjectError(source, kindName, display, "metadata.namespace",
                        "not a DNS-1123 label (lower-case letters, digits and '-', at most 63)"));
                    return;
                }
            }
            try
            {
                validate(kind, obj);
            }
            catch (final FieldException ex)
            {
                errors.add(new ObjectError(source, kindName, display, ex.field(), ex.getMessage()));
                return;
            }
            // Normalize into a fresh tree in kube's field order: apiVersion, kind, metadata, then the rest.
            final ObjectNode stored = mapper.createObjectNode();
            stored.put("apiVersion", apiVersion.isEmpty() ? kind.defaultApiVersion() : apiVersion);
            stored.put("kind", kind.kind());
            final ObjectNode storedMetadata = metadata.deepCopy();
            storedMetadata.remove("resourceVersion");
            if (kind.namespaced())
            {
                storedMetadata.put("namespace", namespace);
            }
            else
            {
                storedMetadata.remove("namespace");
            }
            stored.set("metadata", storedMetadata);
            obj.properties().forEach(e ->
            {
                if (!"apiVersion".equals(e.getKey()) && !"kind".equals(e.getKey()) && !"metadata".equals(e.getKey()))
                {
                    stored.set(e.getKey(), e.getValue().deepCopy());
                }
            });
            objects.add(new FileObject(kind, namespace, name, kind.key(layout, namespace, name), stored));
        }
    }
}
