package io.berth.mirror.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/**
 * Manifests with hostile values: random nodes and pods, some with one value anywhere in the document replaced by a
 * value of the wrong type, out of range, empty, huge or deeply nested, or with a field dropped or an unknown one
 * added. Whatever the value, reading never throws, a hostile document costs at most its own object (it is mapped or
 * reported by name), and every other document reads exactly as it reads alone.
 */
class KubeObjectReaderHostileTest
{
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final YAMLMapper YAML = new YAMLMapper();

    @Property(tries = 300)
    void aHostileValueCostsOnlyItsOwnObject(@ForAll final long seed, @ForAll final boolean yaml)
    {
        final Random random = new Random(seed);
        final RandomObjects objects = new RandomObjects(seed);
        final KubeJsonWriter writer = new KubeJsonWriter();
        final KubeObjectReader reader = new KubeObjectReader();
        final int count = 2 + random.nextInt(7);
        final List<String> documents = new ArrayList<>();
        final List<String> names = new ArrayList<>();
        final boolean[] hostile = new boolean[count];
        for (int i = 0; i < count; i++)
        {
            final boolean node = random.nextBoolean();
            final String name = (node ? "node-" : "pod-") + i;
            names.add(name);
            final JsonNode tree = tree(node ? writer.node(objects.node(name)) : writer.pod(objects.pod("default", name)));
            hostile[i] = random.nextInt(5) < 2;
            if (hostile[i])
            {
                mutate((ObjectNode)tree, random);
            }
            documents.add(text(tree, yaml));
        }
        final String file = yaml ? String.join("---\n", documents) : "[" + String.join(",\n", documents) + "]";

        final ReadResult all = reader.readString("hostile", file);

        for (final ObjectError error : all.errors())
        {
            assertThat(error.source()).isEqualTo("hostile");
            assertThat(error.message()).isNotBlank();
        }
        final List<NodeObject> expectedNodes = new ArrayList<>();
        final List<PodObject> expectedPods = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final ReadResult alone = reader.readString("hostile", yaml ? documents.get(i) : "[" + documents.get(i) + "]");
            if (!hostile[i])
            {
                assertThat(alone.errors()).as("a document left as written").isEmpty();
                assertThat(alone.nodes().size() + alone.pods().size()).isEqualTo(1);
            }
            expectedNodes.addAll(alone.nodes());
            expectedPods.addAll(alone.pods());
            if (hostile[i])
            {
                Statistics.label("hostile document").collect(alone.errors().isEmpty() ? "mapped" :
                    alone.nodes().size() + alone.pods().size() + alone.others().size() > 0 ? "mapped, with errors" :
                    "reported");
            }
            if (hostile[i] && alone.nodes().isEmpty() && alone.pods().isEmpty() && alone.others().isEmpty())
            {
                assertThat(alone.errors()).as("a hostile document not mapped is reported: %s", documents.get(i))
                    .isNotEmpty();
            }
        }
        assertThat(all.nodes()).as("every node, in order").isEqualTo(expectedNodes);
        assertThat(all.pods()).as("every pod, in order").isEqualTo(expectedPods);
    }

    /** Replaces one value anywhere in the tree, drops a field or adds an unknown one. */
    private static void mutate(final ObjectNode root, final Random random)
    {
        final List<JsonNode> containers = new ArrayList<>();
        collect(root, containers);
        final JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object)
        {
            final List<String> fields = new ArrayList<>();
            object.fieldNames().forEachRemaining(fields::add);
            final int action = random.nextInt(6);
            if (fields.isEmpty() || action == 0)
            {
                object.set("unknownField" + random.nextInt(3), hostileValue(random));
            }
            else if (action == 1)
            {
                object.remove(fields.get(random.nextInt(fields.size())));
            }
            else
            {
                object.set(fields.get(random.nextInt(fields.size())), hostileValue(random));
            }
        }
        else
        {
            final ArrayNode array = (ArrayNode)target;
            if (array.isEmpty())
            {
                array.add(hostileValue(random));
            }
            else
            {
                array.set(random.nextInt(array.size()), hostileValue(random));
            }
        }
    }

    private static void collect(final JsonNode node, final List<JsonNode> containers)
    {
        if (node.isContainerNode())
        {
            containers.add(node);
            for (final Iterator<JsonNode> it = node.elements(); it.hasNext(); )
            {
                collect(it.next(), containers);
            }
        }
    }

    private static JsonNode hostileValue(final Random random)
    {
        return switch (random.nextInt(20))
        {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.textNode("");
            case 2 -> NODES.textNode("abc");
            case 3 -> NODES.textNode("-1");
            case 4 -> NODES.textNode("1e400");
            case 5 -> NODES.textNode("99999999999999999999Ei");
            case 6 -> NODES.numberNode(-1);
            case 7 -> NODES.numberNode(Long.MAX_VALUE);
            case 8 -> NODES.numberNode(Long.MIN_VALUE);
            case 9 -> NODES.numberNode(1e308);
            case 10 -> NODES.numberNode(new BigInteger("1000000000000000000000000000000"));
            case 11 -> NODES.booleanNode(true);
            case 12 -> NODES.arrayNode();
            case 13 -> NODES.objectNode();
            case 14 -> NODES.arrayNode().add(NODES.nullNode()).add(NODES.nullNode());
            case 15 -> NODES.textNode("\u0000\u0007\u202e\uFEFF");
            case 16 -> NODES.textNode("x".repeat(10_000));
            case 17 -> deep(random.nextBoolean(), 60);
            case 18 -> NODES.objectNode().put("name", 5).set("labels", NODES.arrayNode().add(1));
            default -> NODES.numberNode(0.5);
        };
    }

    private static JsonNode deep(final boolean arrays, final int depth)
    {
        JsonNode node = NODES.textNode("bottom");
        for (int i = 0; i < depth; i++)
        {
            node = arrays ? NODES.arrayNode().add(node) : NODES.objectNode().set("d", node);
        }
        return node;
    }

    private static JsonNode tree(final byte[] json)
    {
        try
        {
            return JSON.readTree(json);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    private static String text(final JsonNode tree, final boolean yaml)
    {
        try
        {
            return yaml ? YAML.writeValueAsString(tree) : JSON.writeValueAsString(tree);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
