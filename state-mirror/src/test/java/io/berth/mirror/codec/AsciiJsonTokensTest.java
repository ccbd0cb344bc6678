package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The byte reader against Jackson, its reference: the same tokens, names, texts and numbers wherever it does not give
 * up, and the same decoded objects and errors from {@link JsonObjectDecoder} with and without it.
 */
class AsciiJsonTokensTest
{
    private static final JsonFactory JACKSON = new JsonFactory();
    private final KubeJsonWriter writer = new KubeJsonWriter();

    /** Random JSON (and random damage to it): the byte reader gives Jackson's tokens until it gives up, and never accepts what Jackson rejects. */
    @Property(tries = 3000)
    void tokensAreJacksonsOrTheReaderGivesUp(@ForAll final long seed) throws IOException
    {
        final Random random = new Random(seed);
        final StringBuilder sb = new StringBuilder();
        randomObject(sb, random, 0);
        byte[] json = sb.toString().getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(3) == 0)
        {
            json = mutate(json, random);
        }
        compareTokens(json, new Random(seed ^ 0x5DEECE66DL));
    }

    /**
     * Random pods and nodes, then damaged copies of them, then the originals again, through the same two decoders
     * (so the byte reader's subtree memo is hit by equal bytes and missed by damaged ones): the results with the
     * byte reader are exactly those without it, objects and errors.
     */
    @Property(tries = 400)
    void decoderGivesTheSameObjectsAndErrorsWithAndWithoutTheByteReader(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final RandomObjects objects = new RandomObjects(seed);
        final JsonObjectDecoder fast = new JsonObjectDecoder(true);
        final JsonObjectDecoder reference = new JsonObjectDecoder(false);
        final byte[][] originals = new byte[3][];
        final boolean[] pods = new boolean[originals.length];
        for (int i = 0; i < originals.length; i++)
        {
            pods[i] = random.nextBoolean();
            originals[i] = pods[i] ? writer.pod(objects.pod("ns", "p" + i)) : writer.node(objects.node("n" + i));
            assertSameDecode(fast, reference, originals[i], pods[i]);
            assertThat(fast.asciiDecoded()).as("read from the bytes").isEqualTo(i + 1);
        }
        for (int m = 0; m < 6; m++)
        {
            final int i = random.nextInt(originals.length);
            assertSameDecode(fast, reference, mutate(originals[i], random), pods[i]);
        }
        for (int i = 0; i < originals.length; i++)
        {
            assertSameDecode(fast, reference, originals[i], pods[i]);
        }
        assertThat(reference.asciiDecoded()).isZero();
    }

    private static void assertSameDecode(
        final JsonObjectDecoder fast, final JsonObjectDecoder reference, final byte[] json, final boolean pod)
    {
        final Object a = pod ? fast.decodePod(json, 0, json.length) : fast.decodeNode(json, 0, json.length);
        final Object b = pod ? reference.decodePod(json, 0, json.length) : reference.decodeNode(json, 0, json.length);
        final String text = new String(json, StandardCharsets.UTF_8);
        assertThat(a).as(text).isEqualTo(b);
        assertThat(fast.errorField()).as(text).isEqualTo(reference.errorField());
        assertThat(fast.errorMessage()).as(text).isEqualTo(reference.errorMessage());
    }

    @Test
    void readsEveryGeneratedObjectFromTheBytes()
    {
        final GeneratedCluster cluster = ClusterGenerator.generate(
            GeneratorSpec.parse("nodes=30,pods=60,existing=60,seed=11,gpuNodeFraction=0.2,taintedFraction=0.3"));
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        int documents = 0;
        for (final NodeObject node : cluster.nodes())
        {
            final byte[] json = writer.node(node);
            assertThat(decoder.decodeNode(json, 0, json.length)).isEqualTo(node);
            documents++;
        }
        for (final PodObject pod : cluster.boundPods())
        {
            final byte[] json = writer.pod(pod);
            assertThat(decoder.decodePod(json, 0, json.length)).isEqualTo(pod);
            documents++;
        }
        assertThat(decoder.asciiDecoded()).isEqualTo(documents);
        assertThat(decoder.jacksonDecoded()).isZero();
    }

    @Test
    void givesUpOnWhatItDoesNotReadAndTheDecoderFallsBackToJackson()
    {
        for (final String json : new String[] {
            "{\"a\":\"caf\u00e9\"}", "{\"a\":\"x\\ny\"}", "{\"\\u0061\":1}", "{\"a\":1.5}", "{\"a\":1e3}",
            "{\"a\":12345678901234567890}", "{\"a\":01}", "{\"a\":-}", "{\"a\":tru}", "{\"a\":1,}", "[1,]",
            "{\"a\" 1}", "{'a':1}", "{\"a\":1}x", "{\"a\":1}{}", "{\"a\":[1 2]}", "{\"a\":\"\u0001\"}",
            "{\"a\":" + "[".repeat(AsciiJsonTokens.MAX_DEPTH) + "]".repeat(AsciiJsonTokens.MAX_DEPTH) + "}"})
        {
            final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            final AsciiJsonTokens tokens = new AsciiJsonTokens().reset(bytes, 0, bytes.length);
            assertThatThrownBy(() ->
            {
                JsonToken t;
                while ((t = tokens.nextToken()) != null)
                {
                    if (t == JsonToken.VALUE_NUMBER_INT)
                    {
                        tokens.getLongValue();
                    }
                    if (t == JsonToken.VALUE_STRING)
                    {
                        tokens.getText();
                    }
                }
            }).as(json).isSameAs(AsciiJsonTokens.UNSUPPORTED);
        }
        // escapes inside skipped values are checked, not a reason to give up
        final byte[] skipped = "{\"a\":{\"b\":\"x\\\"y\\u00e9\"},\"c\":2}".getBytes(StandardCharsets.UTF_8);
        final AsciiJsonTokens tokens = new AsciiJsonTokens().reset(skipped, 0, skipped.length);
        assertThat(tokens.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        assertThat(tokens.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
        assertThat(tokens.nextToken()).isEqualTo(JsonToken.START_OBJECT);
        tokens.skipChildren();
        assertThat(tokens.currentToken()).isEqualTo(JsonToken.END_OBJECT);
        assertThat(tokens.nextToken()).isEqualTo(JsonToken.FIELD_NAME);
        assertThat(tokens.currentName()).isEqualTo("c");
        assertThat(tokens.nextToken()).isEqualTo(JsonToken.VALUE_NUMBER_INT);
        assertThat(tokens.getIntValue()).isEqualTo(2);

        final byte[] pod = ("{\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\",\"namespace\":\"d\",\"labels\":" +
            "{\"app\":\"caf\u00e9\"}}}").getBytes(StandardCharsets.UTF_8);
        final JsonObjectDecoder decoder = new JsonObjectDecoder();
        assertThat(decoder.decodePod(pod, 0, pod.length).labels()).containsEntry("app", "caf\u00e9");
        assertThat(decoder.asciiDecoded()).isZero();
        assertThat(decoder.jacksonDecoded()).isEqualTo(1);
    }

    /**
     * Walks {@code json} with both readers, skipping children at random starts; where Jackson fails the byte reader
     * must have given up, and everything it gave before is Jackson's.
     */
    private static void compareTokens(final byte[] json, final Random random) throws IOException
    {
        final String text = new String(json, StandardCharsets.UTF_8);
        final AsciiJsonTokens ascii = new AsciiJsonTokens().reset(json, 0, json.length);
        try (JsonParser jackson = JACKSON.createParser(json))
        {
            while (true)
            {
                JsonToken expected;
                try
                {
                    expected = jackson.nextToken();
                }
                catch (final JsonProcessingException ex)
                {
                    // Jackson reads a field's value as it reads the name: the byte reader may give the name first
                    assertThatThrownBy(() ->
                    {
                        if (ascii.nextToken() == JsonToken.FIELD_NAME)
                        {
                            ascii.nextToken();
                        }
                    }).as(text).isSameAs(AsciiJsonTokens.UNSUPPORTED);
                    return;
                }
                final JsonToken actual;
                try
                {
                    actual = ascii.nextToken();
                }
                catch (final AsciiJsonTokens.Unsupported ex)
                {
                    return;
                }
                assertThat(actual).as(text).isEqualTo(expected);
                if (actual == null)
                {
                    return;
                }
                try
                {
                    switch (actual)
                    {
                        case FIELD_NAME -> assertThat(ascii.currentName()).as(text).isEqualTo(jackson.currentName());
                        case VALUE_STRING ->
                        {
                            assertThat(ascii.getText()).as(text).isEqualTo(jackson.getText());
                            assertThat(ascii.getTextLength()).as(text).isEqualTo(jackson.getTextLength());
                        }
                        case VALUE_NUMBER_INT ->
                        {
                            assertThat(ascii.getNumberType()).as(text).isEqualTo(jackson.getNumberType());
                            assertThat(ascii.getLongValue()).as(text).isEqualTo(jackson.getLongValue());
                            assertThat(ascii.numberText()).as(text).isEqualTo(jackson.getNumberValue().toString());
                        }
                        case START_OBJECT, START_ARRAY ->
                        {
                            if (random.nextInt(3) == 0)
                            {
                                boolean jacksonFailed = false;
                                try
                                {
                                    jackson.skipChildren();
                                }
                                catch (final JsonProcessingException ex)
                                {
                                    jacksonFailed = true;
                                }
                                if (jacksonFailed)
                                {
                                    assertThatThrownBy(ascii::skipChildren).as(text).isSameAs(AsciiJsonTokens.UNSUPPORTED);
                                    return;
                                }
                                final int raw = ascii.rawEnd();
                                ascii.skipChildren();
                                assertThat(ascii.currentToken()).as(text).isEqualTo(jackson.currentToken());
                                // a valid subtree: the plain bracket scan finds its end too
                                assertThat(ascii.position()).as(text).isEqualTo(raw);
                            }
                        }
                        default ->
                        {
                        }
                    }
                }
                catch (final AsciiJsonTokens.Unsupported ex)
                {
                    return;
                }
            }
        }
    }

    private static void randomObject(final StringBuilder sb, final Random random, final int depth)
    {
        sb.append('{');
        space(sb, random);
        final int n = random.nextInt(depth > 3 ? 2 : 5);
        for (int i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.append(',');
                space(sb, random);
            }
            randomString(sb, random);
            space(sb, random);
            sb.append(':');
            space(sb, random);
            randomValue(sb, random, depth + 1);
            space(sb, random);
        }
        sb.append('}');
    }

    private static void randomValue(final StringBuilder sb, final Random random, final int depth)
    {
        switch (random.nextInt(depth > 4 ? 5 : 8))
        {
            case 0 -> randomString(sb, random);
            case 1 -> sb.append(switch (random.nextInt(3))
            {
                case 0 -> "true";
                case 1 -> "false";
                default -> "null";
            });
            case 2, 3 -> randomNumber(sb, random);
            case 4 -> sb.append('"').append("v").append(random.nextInt(100)).append('"');
            case 5 ->
            {
                sb.append('[');
                space(sb, random);
                final int n = random.nextInt(4);
                for (int i = 0; i < n; i++)
                {
                    if (i > 0)
                    {
                        sb.append(',');
                        space(sb, random);
                    }
                    randomValue(sb, random, depth + 1);
                    space(sb, random);
                }
                sb.append(']');
            }
            default -> randomObject(sb, random, depth);
        }
    }

    private static void randomNumber(final StringBuilder sb, final Random random)
    {
        sb.append(switch (random.nextInt(12))
        {
            case 0 -> "0";
            case 1 -> "-0";
            case 2 -> Integer.toString(random.nextInt());
            case 3 -> Long.toString(random.nextLong());
            case 4 -> "2147483647";
            case 5 -> "2147483648";
            case 6 -> "-2147483648";
            case 7 -> "-2147483649";
            case 8 -> "1.5";
            case 9 -> "-3e10";
            case 10 -> "999999999999999999";
            default -> "123456789012345678901";
        });
    }

    private static void randomString(final StringBuilder sb, final Random random)
    {
        sb.append('"');
        final int n = random.nextInt(12);
        for (int i = 0; i < n; i++)
        {
            final int kind = random.nextInt(20);
            if (kind == 0)
            {
                sb.append("\\").append("\"\\/bfnrt".charAt(random.nextInt(8)));
            }
            else if (kind == 1)
            {
                sb.append(String.format("\\u%04x", random.nextInt(0x3000)));
            }
            else if (kind == 2)
            {
                sb.append((char)(0xA0 + random.nextInt(0x200)));
            }
            else
            {
                final char c = (char)(' ' + random.nextInt(95));
                sb.append(c == '"' || c == '\\' ? 'q' : c);
            }
        }
        sb.append('"');
    }

    private static void space(final StringBuilder sb, final Random random)
    {
        if (random.nextInt(4) == 0)
        {
            sb.append(" \n\t\r".charAt(random.nextInt(4)));
        }
    }

    private static byte[] mutate(final byte[] json, final Random random)
    {
        final byte[] out = json.clone();
        if (out.length == 0)
        {
            return out;
        }
        final int mutations = 1 + random.nextInt(3);
        for (int m = 0; m < mutations; m++)
        {
            final int at = random.nextInt(out.length);
            switch (random.nextInt(5))
            {
                case 0 -> out[at] = (byte)random.nextInt(256);
                case 1 -> out[at] = (byte)"{}[]\":,0-9.eE\\ntf \u0001".charAt(random.nextInt(19));
                case 2 ->
                {
                    return java.util.Arrays.copyOf(out, at);
                }
                case 3 -> out[at] = out[at] == '"' ? (byte)'7' : (byte)'"';
                default -> out[at] = (byte)(random.nextBoolean() ? ' ' : '\n');
            }
        }
        return out;
    }
}
