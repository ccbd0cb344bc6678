package io.berth.mirror.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Kubernetes v1 objects from YAML or JSON: multi-document YAML, a JSON object, a JSON array of objects, or
 * a {@code List} ({@code kind: List}, {@code NodeList}, {@code PodList}...) of any of these. Nodes, Pods and
 * Namespaces of the core group ({@code apiVersion: v1}, or none), PriorityClasses of {@code scheduling.k8s.io}
 * ({@code v1}, {@code v1beta1}, {@code v1alpha1}, or none) and PodDisruptionBudgets of {@code policy} ({@code v1},
 * {@code v1beta1}, or none) are mapped to the model; other kinds are kept as trees in {@link ReadResult#others()}.
 * <p>
 * Lenient like kube-scheduler, which trusts the API server to have validated objects: unknown fields are ignored.
 * An object that cannot be mapped (a field of the wrong type, a bad or negative quantity, no name, a string over
 * 1 MiB, more than 10,000 labels...) is skipped and reported as an {@link ObjectError}; the other objects are
 * still returned. Text that is not YAML or JSON ends the source with one error, keeping the objects before it.
 * Content never makes {@code read} throw; only I/O failures do, as {@link UncheckedIOException}.
 * <p>
 * An instance reuses its parsers' factories and mapper, and is safe to use from several threads.
 */
public final class KubeObjectReader
{
    /** The largest YAML document accepted, in code points; SnakeYAML's default of 3 MiB is small for a List. */
    public static final int MAX_YAML_DOCUMENT_CODE_POINTS = 256 << 20;

    private final ManifestDocuments documents = new ManifestDocuments();
    private final ObjectDecoder decoder = new ObjectDecoder();

    /**
     * Reads a file of YAML or JSON; its path is the source name in errors.
     *
     * @throws UncheckedIOException if the file cannot be read.
     */
    public ReadResult read(final Path file)
    {
        try (InputStream in = Files.newInputStream(file))
        {
            return read(file.toString(), in);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file + ": " + ex, ex);
        }
    }

    /**
     * Reads YAML or JSON from a stream, which is left open. Text whose first non-blank character is an opening
     * brace or bracket is JSON; any other is YAML.
     *
     * @param sourceName names the source in errors, such as a file name.
     * @throws UncheckedIOException if the stream fails.
     */
    public ReadResult read(final String sourceName, final InputStream in)
    {
        final Collector collector = new Collector(sourceName);
        try
        {
            documents.walk(in, collector);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + sourceName + ": " + ex, ex);
        }
        return collector.result();
    }

    /** Reads YAML or JSON from a string. */
    public ReadResult readString(final String sourceName, final String text)
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
        return collector.result();
    }

    /** Gathers the objects and errors of one source. */
    private final class Collector extends DocumentWalker
    {
        private final List<NodeObject> nodes = new ArrayList<>();
        private final List<PodObject> pods = new ArrayList<>();
        private final List<PriorityClass> priorityClasses = new ArrayList<>();
        private final List<NamespaceObject> namespaces = new ArrayList<>();
        private final List<PodDisruptionBudget> podDisruptionBudgets = new ArrayList<>();
        private final List<OtherObject> others = new ArrayList<>();

        Collector(final String source)
        {
            super(source);
        }

        @Override
        void mapObject(final ObjectNode obj, final String kind, final int ordinal, final String apiVersion)
        {
            try
            {
                switch (mappedKind(kind, apiVersion))
                {
                    case "Node" -> nodes.add(decoder.decodeNode(obj));
                    case "Pod" -> pods.add(decoder.decodePod(obj));
                    case "Namespace" -> namespaces.add(decoder.decodeNamespace(obj));
                    case "PriorityClass" -> priorityClasses.add(decoder.decodePriorityClass(obj));
                    case "PodDisruptionBudget" -> podDisruptionBudgets.add(decoder.decodePodDisruptionBudget(obj));
                    default ->
                    {
                        final JsonNode metadata = obj.get("metadata");
                        final JsonNode name = metadata == null ? null : metadata.get("name");
                        others.add(
                            new OtherObject(kind, name != null && name.isTextual() ? name.textValue() : "", obj));
                    }
                }
            }
            catch (final FieldException ex)
            {
                final boolean namespaced = "Pod".equals(kind) || "PodDisruptionBudget".equals(kind);
                errors.add(new ObjectError(source, kind, DocumentShape.displayName(obj, namespaced, ordinal), ex.field(),
                    ex.getMessage()));
            }
        }

        /** The kind when it is one the reader maps in that API group and version, else empty. */
        private static String mappedKind(final String kind, final String apiVersion)
        {
            if (apiVersion == null)
            {
                return "";
            }
            final boolean none = apiVersion.isEmpty();
            return switch (kind)
            {
                case "Node", "Pod", "Namespace" -> none || "v1".equals(apiVersion) ? kind : "";
                case "PriorityClass" -> none || "scheduling.k8s.io/v1".equals(apiVersion) ||
                    "scheduling.k8s.io/v1beta1".equals(apiVersion) || "scheduling.k8s.io/v1alpha1".equals(apiVersion) ?
                    kind : "";
                case "PodDisruptionBudget" -> none || "policy/v1".equals(apiVersion) ||
                    "policy/v1beta1".equals(apiVersion) ? kind : "";
                default -> "";
            };
        }

        ReadResult result()
        {
            return new ReadResult(nodes, pods, priorityClasses, namespaces, podDisruptionBudgets, others, errors);
        }
    }
}
