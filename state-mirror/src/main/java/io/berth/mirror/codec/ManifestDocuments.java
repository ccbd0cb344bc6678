package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.yaml.snakeyaml.LoaderOptions;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;

/**
 * The documents of one YAML or JSON manifest, parsed a tree at a time and handed to a {@link DocumentWalker}:
 * multi-document YAML (anchors, aliases and merge keys expanded within {@link AnchorAwareYamlFactory}'s limits), a
 * JSON object, concatenated JSON objects, or a JSON array read an element at a time. Text whose first non-blank
 * character is an opening brace or bracket is JSON; any other is YAML. A syntax error ends the source: the documents
 * before it are kept and the error, with its line and column, goes to the walker. The manifest reader and the storage
 * codec read through one of these, so both take and refuse the same files.
 * <p>
 * Its factories and mapper are thread-safe; trees repeat no key ({@link KeyTrackingNodeFactory}) and keep decimals
 * exactly as written.
 */
final class ManifestDocuments
{
    private final JsonFactory jsonFactory;
    private final AnchorAwareYamlFactory yamlFactory;
    private final KeyTrackingNodeFactory nodeFactory = new KeyTrackingNodeFactory();
    private final ObjectMapper mapper;

    ManifestDocuments()
    {
        jsonFactory = JsonFactory.builder().disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();
        final LoaderOptions loaderOptions = new LoaderOptions();
        loaderOptions.setCodePointLimit(KubeObjectReader.MAX_YAML_DOCUMENT_CODE_POINTS);
        yamlFactory = new AnchorAwareYamlFactory(YAMLFactory.builder()
            .loaderOptions(loaderOptions)
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE));
        mapper = JsonMapper.builder(jsonFactory)
            .nodeFactory(nodeFactory)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
    }

    /** The JSON mapper the documents are read with, for single values (stored objects) read and written alike. */
    ObjectMapper mapper()
    {
        return mapper;
    }

    /** Walks the documents of text; a leading byte-order mark is dropped. */
    void walk(final String text, final DocumentWalker walker) throws IOException
    {
        final String content = !text.isEmpty() && text.charAt(0) == '\uFEFF' ? text.substring(1) : text;
        int i = 0;
        while (i < content.length() && isBlankChar(content.charAt(i)))
        {
            i++;
        }
        final boolean json = i < content.length() && (content.charAt(i) == '{' || content.charAt(i) == '[');
        walk(json, json ? jsonFactory.createParser(content) : yamlFactory.createParser(new StringReader(content)),
            walker);
    }

    /** Walks the documents of a UTF-8 stream, which is left open. */
    void walk(final InputStream in, final DocumentWalker walker) throws IOException
    {
        final InputStream buffered = new BufferedInputStream(in);
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        int first = -1;
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
        walk(json, json ? jsonFactory.createParser(whole) :
            yamlFactory.createParser(new InputStreamReader(whole, StandardCharsets.UTF_8)), walker);
    }

    private void walk(final boolean json, final JsonParser parser, final DocumentWalker walker) throws IOException
    {
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
                        // a top-level array an element at a time: a syntax error keeps the elements before it
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
                    walker.parseError(json, ex.getOriginalMessage(), ex.getLocation());
                    break;
                }
                catch (final RuntimeException ex)
                {
                    // SnakeYAML problems Jackson does not wrap
                    walker.parseError(json, String.valueOf(ex.getMessage()), null);
                    break;
                }
                walker.document(value);
            }
        }
    }

    private static boolean isBlankByte(final int b)
    {
        // white space, and the bytes of a UTF-8 byte order mark
        return b == ' ' || b == '\t' || b == '\r' || b == '\n' || b == 0xEF || b == 0xBB || b == 0xBF;
    }

    private static boolean isBlankChar(final char c)
    {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
