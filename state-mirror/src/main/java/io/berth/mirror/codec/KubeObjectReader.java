package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
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

    private static final int MAX_PARSE_MESSAGE_CHARS = 300;

    private final JsonFactory jsonFactory;
    private final AnchorAwareYamlFactory yamlFactory;
    private final KeyTrackingNodeFactory nodeFactory = new KeyTrackingNodeFactory();
    private final ObjectMapper mapper;
    private final ObjectDecoder decoder = new ObjectDecoder();

    public KubeObjectReader()
    {
        jsonFactory = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
        final LoaderOptions loaderOptions = new LoaderOptions();
        loaderOptions.setCodePointLimit(MAX_YAML_DOCUMENT_CODE_POINTS);
        yamlFactory = new AnchorAwareYamlFactory(YAMLFactory.builder()
            .loaderOptions(loaderOptions)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE));
        mapper = JsonMapper.builder(jsonFactory)
            .nodeFactory(nodeFactory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    }

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
        final InputStream buffered = new BufferedInputStream(in);
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int first = -1;
        try
        {
            int b;
            while ((b = buffered.read()) != -1)
            {
                head.write(b);
                if (!isBlankByte(b))
                {
                    first = b;
                    break;
                }
            }
            final InputStream whole = new SequenceInputStream(new ByteArrayInputStream(head.toByteArray()), buffered);
            final boolean json = first == '{' || first == '[';
            return parse(sourceName, json, json ?
                jsonFactory.createParser(whole) :
                yamlFactory.createParser(new InputStreamReader(whole, StandardCharsets.UTF_8)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + sourceName + ": " + ex, ex);
        }
    }

    /** Reads YAML or JSON from a string. */
    public ReadResult readString(final String sourceName, final String text)
    {
        final String content = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
        int i = 0;
        while (i < content.length() && isBlankChar(content.charAt(i)))
        {
            i++;
        }
        final boolean json = i < content.length() && (content.charAt(i) == '{' || content.charAt(i) == '[');
        try
        {
            return parse(sourceName, json, json ?
                jsonFactory.createParser(content) : yamlFactory.createParser(new StringReader(content)));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + sourceName + ": " + ex, ex);
        }
    }

    private ReadResult parse(final String sourceName, final boolean json, final JsonParser parser) throws IOException
    {
        final Collector collector = new Collector(sourceName);
        final YamlTreeBuilder yamlTrees = json ? null : new YamlTreeBuilder(nodeFactory);
        try (parser)
        {
            boolean inTopLevelArray = false;
            while (true)
            {
                final JsonNode value;
                try
                {
                    final JsonToken token = parser.nextToken();
                    if (token == null)
                    {
                        break;
                    }
                    if (json)
                    {
                        // Read a top-level array an element at a time: a syntax error keeps the elements before it.
                        if (!inTopLevelArray && token == JsonToken.START_ARRAY)
                        {
                            inTopLevelArray = true;
                            continue;
                        }
                        if (inTopLevelArray && token == JsonToken.END_ARRAY)
                        {
                            inTopLevelArray = false;
                            continue;
                        }
                        value = mapper.readTree(parser);
                    }
                    else
                    {
                        value = yamlTrees.readDocument((AnchorAwareYamlFactory.Parser)parser);
                    }
                }
                catch (final JsonProcessingException ex)
                {
                    collector.parseError(json, ex.getOriginalMessage(), ex.getLocation());
                    break;
                }
                catch (final RuntimeException ex)
                {
                    // SnakeYAML problems Jackson does not wrap.
                    collector.parseError(json, String.valueOf(ex.getMessage()), null);
                    break;
                }
                collector.document(value);
            }
        }
        return collector.result();
    }

    private static boolean isBlankByte(final int b)
    {
        // White space, and the bytes of a UTF-8 byte order mark.
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xEF || b == 0xBB || b == 0xBF;
    }

    private static boolean isBlankChar(final char c)
    {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
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

        void parseError(final boolean json, final String message, final JsonLocation location)
        {
            final StringBuilder sb = new StringBuilder(json ? "invalid JSON" : "invalid YAML");
            if (location != null && location.getLineNr() > 0)
            {
                sb.append(" at line ").append(location.getLineNr());
                if (location.getColumnNr() > 0)
                {
                    sb.append(", column ").append(location.getColumnNr());
                }
            }
            String detail = message == null ? "" : message.replaceAll("\\s+", " ").strip();
            if (detail.length() > MAX_PARSE_MESSAGE_CHARS)
            {
                detail = detail.substring(0, MAX_PARSE_MESSAGE_CHARS) + "...";
            }
            if (!detail.isEmpty())
            {
                sb.append(": ").append(detail);
            }
            errors.add(new ObjectError(source, "", "", "", sb.toString()));
        }

        ReadResult result()
        {
            return new ReadResult(nodes, pods, priorityClasses, namespaces, podDisruptionBudgets, others, errors);
        }
    }
}
