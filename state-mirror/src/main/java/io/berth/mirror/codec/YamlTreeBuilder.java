package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the JSON tree of one YAML document from an {@link AnchorAwareYamlFactory.Parser}. Jackson's own tree
 * reading turns an alias into a string naming its anchor; this expands anchors, aliases and merge keys
 * ({@code <<: *base}) as Kubernetes' YAML reader does, with a budget on the nodes aliases may add (against
 * "billion laughs"). Scalars are typed as Jackson types them, floats as exact decimals; a float Jackson cannot
 * read ({@code .inf}) is kept as its text, so only the field holding it fails.
 * <p>
 * Aliases share the anchored node rather than copying it: the tree must be treated as read-only.
 */
final class YamlTreeBuilder
{
    /** The most nodes that aliases may add to one document, counting each use of an alias in full. */
    static final long MAX_ALIAS_EXPANSION = 1_000_000;

    private static final String MERGE_KEY = "<<";

    private final JsonNodeFactory factory;
    private final int maxDepth = StreamReadConstraints.defaults().getMaxNestingDepth();
    private final Map<String, Built> anchors = new HashMap<>();
    private long aliasNodes;

    private record Built(JsonNode node, long weight)
    {
    }

    YamlTreeBuilder(final JsonNodeFactory factory)
    {
        this.factory = factory;
    }

    /** Reads the document whose first token is the parser's current token; anchors do not carry over. */
    JsonNode readDocument(final AnchorAwareYamlFactory.Parser parser) throws IOException
    {
        anchors.clear();
        aliasNodes = 0;
        return read(parser, 0).node();
    }

    private Built read(final AnchorAwareYamlFactory.Parser parser, final int depth) throws IOException
    {
        if (depth > maxDepth)
        {
            throw new JsonParseException(parser, "document nested deeper than " + maxDepth + " levels");
        }
        if (parser.isCurrentAlias())
        {
            final String name = parser.getText();
            final Built target = anchors.get(name);
            if (target == null)
            {
                throw new JsonParseException(parser, "unknown YAML alias *" + name);
            }
            aliasNodes += target.weight();
            if (aliasNodes > MAX_ALIAS_EXPANSION)
            {
                throw new JsonParseException(
                    parser, "YAML aliases expand to more than " + MAX_ALIAS_EXPANSION + " nodes");
            }
            return target;
        }

        final String anchor = parser.anchor();
        final JsonToken token = parser.currentToken();
        final Built built = switch (token)
        {
            case START_OBJECT -> object(parser, depth);
            case START_ARRAY -> array(parser, depth);
            case VALUE_STRING -> new Built(factory.textNode(parser.getText()), 1);
            case VALUE_NUMBER_INT -> new Built(integer(parser), 1);
            case VALUE_NUMBER_FLOAT -> new Built(decimal(parser), 1);
            case VALUE_TRUE, VALUE_FALSE -> new Built(factory.booleanNode(token == JsonToken.VALUE_TRUE), 1);
            case VALUE_NULL -> new Built(factory.nullNode(), 1);
            case VALUE_EMBEDDED_OBJECT -> new Built(embedded(parser), 1);
            default -> throw new JsonParseException(parser, "unexpected " + token);
        };
        if (anchor != null)
        {
            anchors.put(anchor, built);
        }
        return built;
    }

    private Built object(final AnchorAwareYamlFactory.Parser parser, final int depth) throws IOException
    {
        final ObjectNode node = factory.objectNode();
        long weight = 1;
        List<ObjectNode> merges = null;
        JsonToken token;
        while ((token = parser.nextToken()) == JsonToken.FIELD_NAME)
        {
            final String name = parser.currentName();
            parser.nextToken();
            final Built value = read(parser, depth + 1);
            weight += value.weight();
            if (MERGE_KEY.equals(name) && isMergeable(value.node()))
            {
                merges = merges == null ? new ArrayList<>() : merges;
                if (value.node() instanceof ObjectNode source)
                {
                    merges.add(source);
                }
                else
                {
                    for (final JsonNode source : value.node())
                    {
                        merges.add((ObjectNode)source);
                    }
                }
                continue;
            }
            node.replace(name, value.node());
        }
        if (token != JsonToken.END_OBJECT)
        {
            throw new JsonParseException(parser, "unexpected " + token + " in a mapping");
        }
        if (merges != null)
        {
            // Keys of the mapping itself win, then earlier merged mappings over later ones.
            for (final ObjectNode source : merges)
            {
                for (final Map.Entry<String, JsonNode> entry : source.properties())
                {
                    node.putIfAbsent(entry.getKey(), entry.getValue());
                }
            }
        }
        return new Built(node, weight);
    }

    private Built array(final AnchorAwareYamlFactory.Parser parser, final int depth) throws IOException
    {
        final ArrayNode node = factory.arrayNode();
        long weight = 1;
        JsonToken token;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY)
        {
            if (token == null)
            {
                throw new JsonParseException(parser, "unexpected end of input in a sequence");
            }
            final Built value = read(parser, depth + 1);
            weight += value.weight();
            node.add(value.node());
        }
        return new Built(node, weight);
    }

    private static boolean isMergeable(final JsonNode value)
    {
        if (value.isObject())
        {
            return true;
        }
        if (!value.isArray() || value.isEmpty())
        {
            return false;
        }
        for (final JsonNode element : value)
        {
            if (!element.isObject())
            {
                return false;
            }
        }
        return true;
    }

    private JsonNode integer(final AnchorAwareYamlFactory.Parser parser) throws IOException
    {
        return switch (parser.getNumberType())
        {
            case INT -> factory.numberNode(parser.getIntValue());
            case LONG -> factory.numberNode(parser.getLongValue());
            default -> factory.numberNode(parser.getBigIntegerValue());
        };
    }

    private JsonNode decimal(final AnchorAwareYamlFactory.Parser parser) throws IOException
    {
        try
        {
            return DecimalNode.valueOf(parser.getDecimalValue());
        }
        catch (final IOException | NumberFormatException ex)
        {
            return factory.textNode(parser.getText());
        }
    }

    private JsonNode embedded(final AnchorAwareYamlFactory.Parser parser) throws IOException
    {
        return parser.getEmbeddedObject() instanceof byte[] bytes ? factory.binaryNode(bytes) :
            factory.textNode(parser.getText());
    }
}
