package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * {@link JsonTokens} read straight from the bytes of a document, for the JSON kube-apiserver writes: field names and
 * the strings the decoder reads are ASCII without escapes, numbers it reads are integers. It is reused for every
 * document (no parser to build per value), canonicalizes field names and map keys through its own
 * {@link StringCache} on bytes, and gives string values to the decoder's cache as bytes (no char decoding).
 * <p>
 * It gives exactly Jackson's token sequence or gives up: wherever it is not sure (an escape or a non-ASCII byte in a
 * name or a string the decoder reads, a fraction or exponent in a number the decoder reads, an integer of more than
 * {@value #MAX_INT_DIGITS} digits, nesting deeper than {@value #MAX_DEPTH}, anything that is not valid JSON, content
 * after the root object) it throws {@link Unsupported}, and {@link JsonObjectDecoder} reads the document again through
 * Jackson, so the errors and objects are Jackson's. Skipped subtrees are validated as strictly (escapes are checked
 * there, non-ASCII bytes give up). Not thread-safe.
 */
final class AsciiJsonTokens implements JsonTokens
{
    /** Thrown (one stackless instance) where this reader cannot be sure to read as Jackson does. */
    static final class Unsupported extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private Unsupported()
        {
            super("not plain ASCII JSON", null, false, false);
        }
    }

    static final Unsupported UNSUPPORTED = new Unsupported();
    static final int MAX_DEPTH = 64;
    /** Integers of up to 18 digits fit a long whatever the digits. */
    static final int MAX_INT_DIGITS = 18;
    /** Skipped numbers longer than this give up (Jackson limits numbers to 200 characters here). */
    private static final int MAX_SKIPPED_NUMBER_CHARS = 100;
    /** Names longer than this give up (Jackson's default name limit is 50,000). */
    private static final int MAX_NAME_BYTES = 4096;
    private static final int NAME_CACHE_SLOTS = 2048;
    private static final int MAX_TIMESTAMP_CHARS = 64;
    static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long SPACES = 0x2020202020202020L;
    private static final long HIGHS = 0x8080808080808080L;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};

    private final StringCache names = new StringCache(NAME_CACHE_SLOTS);
    /** Per depth: true for an object, false for an array. */
    private final boolean[] inObject = new boolean[MAX_DEPTH + 1];
    private final char[] timestampChars = new char[MAX_TIMESTAMP_CHARS];
    private byte[] buf;
    private int pos;
    private int end;
    private int depth;
    private boolean started;
    /** While true (inside {@link #skipChildren()}), names are checked but not made into strings. */
    private boolean skipping;
    private JsonToken token;
    private int tokenStart;
    private String name;
    /** The current string token: bytes from {@link #textStart}, {@link #textLength} of them, their hash. */
    private int textStart;
    private int textLength;
    private int textHash;
    /** The current integer token's value. */
    private long number;

    /** Starts reading the document of {@code length} bytes of {@code json} from {@code offset}. */
    AsciiJsonTokens reset(final byte[] json, final int offset, final int length)
    {
        buf = json;
        pos = offset;
        end = offset + length;
        depth = 0;
        started = false;
        skipping = false;
        token = null;
        name = null;
        return this;
    }

    /** Lets go of the last document. */
    void release()
    {
        buf = null;
        name = null;
    }

    @Override
    public JsonToken nextToken()
    {
        final JsonToken last = token;
        if (last == JsonToken.FIELD_NAME)
        {
            return token = value(skipSpace());
        }
        if (depth == 0)
        {
            final int at = skipSpaceOrEnd();
            if (started)
            {
                if (at < end)
                {
                    throw UNSUPPORTED; // content after the root value
                }
                return token = null;
            }
            started = true;
            if (at == end)
            {
                return token = null; // nothing but white space: no token, as Jackson
            }
            if (buf[at] != '{')
            {
                throw UNSUPPORTED; // documents are objects; Jackson's rules for other root values differ
            }
            return token = value(at);
        }
        final int at = skipSpace();
        final byte b = buf[at];
        final boolean first = last == JsonToken.START_OBJECT || last == JsonToken.START_ARRAY;
        if (inObject[depth])
        {
            return token = b == '}' ? close(at, JsonToken.END_OBJECT) : fieldName(member(at, first));
        }
        return token = b == ']' ? close(at, JsonToken.END_ARRAY) : value(member(at, first));
    }

    /** The closing bracket at {@code at}: one level up. */
    private JsonToken close(final int at, final JsonToken end)
    {
        tokenStart = at;
        pos = at + 1;
        depth--;
        return end;
    }

    /** Where the next member starts: at {@code at} for the first, after a comma and white space for the others. */
    private int member(final int at, final boolean first)
    {
        if (first)
        {
            return at;
        }
        if (buf[at] != ',')
        {
            throw UNSUPPORTED;
        }
        pos = at + 1;
        return skipSpace();
    }

    /** The position of the next byte that is not JSON white space; gives up at the end of the input. */
    private int skipSpace()
    {
        final int at = skipSpaceOrEnd();
        if (at >= end)
        {
            throw UNSUPPORTED;
        }
        return at;
    }

    private int skipSpaceOrEnd()
    {
        int i = pos;
        final byte[] b = buf;
        while (i < end)
        {
            final byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
            {
                break;
            }
            i++;
        }
        pos = i;
        return i;
    }

    /** A field name at {@code at} (a '"'), then its ':'; the name is made a string unless skipping. */
    private JsonToken fieldName(final int at)
    {
        if (buf[at] != '"')
        {
            throw UNSUPPORTED; // "{,", "{]", a trailing comma, or an unquoted name
        }
        tokenStart = at;
        final int close = string(at);
        if (!skipping)
        {
            if (textLength > MAX_NAME_BYTES)
            {
                throw UNSUPPORTED;
            }
            name = names.name(buf, textStart, textLength, textHash);
        }
        pos = close;
        final int colon = skipSpace();
        if (buf[colon] != ':')
        {
            throw UNSUPPORTED;
        }
        pos = colon + 1;
        return JsonToken.FIELD_NAME;
    }

    /** The value starting at {@code at}. */
    private JsonToken value(final int at)
    {
        tokenStart = at;
        final byte b = buf[at];
        switch (b)
        {
            case '{' ->
            {
                push(true);
                pos = at + 1;
                return JsonToken.START_OBJECT;
            }
            case '[' ->
            {
                push(false);
                pos = at + 1;
                return JsonToken.START_ARRAY;
            }
            case '"' ->
            {
                pos = string(at);
                return JsonToken.VALUE_STRING;
            }
            case 't' ->
            {
                literal(at, TRUE);
                return JsonToken.VALUE_TRUE;
            }
            case 'f' ->
            {
                literal(at, FALSE);
                return JsonToken.VALUE_FALSE;
            }
            case 'n' ->
            {
                literal(at, NULL);
                return JsonToken.VALUE_NULL;
            }
            default ->
            {
                if (b == '-' || (b >= '0' && b <= '9'))
                {
                    return number(at);
                }
                throw UNSUPPORTED;
            }
        }
    }

    private void push(final boolean object)
    {
        if (depth == MAX_DEPTH)
        {
            throw UNSUPPORTED;
        }
        inObject[++depth] = object;
    }

    /** The bytes of {@code literal} at {@code at}, then a delimiter. */
    private void literal(final int at, final byte[] literal)
    {
        final int n = literal.length;
        if (at + n > end)
        {
            throw UNSUPPORTED;
        }
        for (int k = 1; k < n; k++)
        {
            if (buf[at + k] != literal[k])
            {
                throw UNSUPPORTED;
            }
        }
        pos = at + n;
        delimiter(pos);
    }

    /** What may follow a scalar: white space, ',', '}', ']' or the end of the input. */
    private void delimiter(final int at)
    {
        if (at < end)
        {
            final byte c = buf[at];
            if (c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n' && c != '\r' && c != '\t')
            {
                throw UNSUPPORTED;
            }
        }
    }

    /**
     * The string whose opening quote is at {@code at}: sets {@link #textStart}, {@link #textLength} and
     * {@link #textHash} (a hash of its bytes, see {@link #mix}) and returns the position after the closing quote.
     * Eight bytes at a time: a word with no quote, backslash, control or non-ASCII byte is mixed into the hash whole.
     * Escapes are accepted (checked, not decoded) only while skipping, where no hash is needed.
     */
    private int string(final int at)
    {
        if (skipping)
        {
            return skippedString(at);
        }
        final byte[] b = buf;
        final int limit = end;
        final int start = at + 1;
        int i = start;
        long hash = 0;
        while (i + 8 <= limit)
        {
            final long w = (long)LONGS.get(b, i);
            final long special = special(w);
            if (special != 0)
            {
                final int k = Long.numberOfTrailingZeros(special) >>> 3;
                i += k;
                if (b[i] != '"')
                {
                    throw UNSUPPORTED;
                }
                if (k != 0)
                {
                    hash = mix(hash, w & (-1L >>> (64 - 8 * k)));
                }
                return endString(start, i, hash);
            }
            hash = mix(hash, w);
            i += 8;
        }
        // the last bytes of the document: one at a time, into the same eight-byte chunks
        long chunk = 0;
        int shift = 0;
        while (true)
        {
            if (i >= limit)
            {
                throw UNSUPPORTED;
            }
            final byte c = b[i];
            if (c == '"')
            {
                break;
            }
            if (c < 0x20 || c == '\\') // negative: a non-ASCII byte
            {
                throw UNSUPPORTED;
            }
            chunk |= (long)c << shift;
            shift += 8;
            if (shift == 64)
            {
                hash = mix(hash, chunk);
                chunk = 0;
                shift = 0;
            }
            i++;
        }
        if (shift != 0)
        {
            hash = mix(hash, chunk);
        }
        return endString(start, i, hash);
    }

    private int endString(final int start, final int close, final long hash)
    {
        textStart = start;
        textLength = close - start;
        final long h = mix(hash, textLength);
        textHash = (int)(h ^ h >>> 32);
        return close + 1;
    }

    /** A skipped string: checked, escapes included, no hash. */
    private int skippedString(final int at)
    {
        final byte[] b = buf;
        final int limit = end;
        int i = at + 1;
        while (true)
        {
            while (i + 8 <= limit)
            {
                final long special = special((long)LONGS.get(b, i));
                if (special != 0)
                {
                    i += Long.numberOfTrailingZeros(special) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= limit)
            {
                throw UNSUPPORTED;
            }
            final byte c = b[i];
            if (c == '"')
            {
                textStart = at + 1;
                textLength = i - textStart;
                textHash = 0;
                return i + 1;
            }
            if (c == '\\')
            {
                i = escape(i);
            }
            else if (c < 0x20) // negative: a non-ASCII byte
            {
                throw UNSUPPORTED;
            }
            else
            {
                i++;
            }
        }
    }

    /**
     * The high bit of each byte of {@code w} that is a quote, a backslash, below 0x20 or above 0x7F; exact for the
     * lowest such byte (the borrows of the subtractions only flag bytes above a flagged one).
     */
    private static long special(final long w)
    {
        final long quote = w ^ 0x2222222222222222L;
        final long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
        return ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash | (w - SPACES) & ~w | w) & HIGHS;
    }

    static long mix(final long hash, final long chunk)
    {
        final long h = (hash ^ chunk) * 0x9E3779B97F4A7C15L;
        return h ^ h >>> 29;
    }

    /** Checks the escape at {@code at} (a backslash) and returns the position after it. */
    private int escape(final int at)
    {
        if (at + 1 >= end)
        {
            throw UNSUPPORTED;
        }
        final byte c = buf[at + 1];
        switch (c)
        {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' ->
            {
                return at + 2;
            }
            case 'u' ->
            {
                if (at + 6 > end)
                {
                    throw UNSUPPORTED;
                }
                for (int k = at + 2; k < at + 6; k++)
                {
                    final byte h = buf[k];
                    if (!((h >= '0' && h <= '9') || (h >= 'a' && h <= 'f') || (h >= 'A' && h <= 'F')))
                    {
                        throw UNSUPPORTED;
                    }
                }
                return at + 6;
            }
            default -> throw UNSUPPORTED;
        }
    }

    /**
     * A number at {@code at}: JSON's grammar exactly ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}). An
     * integer sets {@link #number}; a number with a fraction or exponent is accepted only while skipping.
     */
    private JsonToken number(final int at)
    {
        final byte[] b = buf;
        int i = at;
        final boolean negative = b[i] == '-';
        if (negative)
        {
            i++;
        }
        final int digits = i;
        if (i >= end)
        {
            throw UNSUPPORTED;
        }
        long value = 0;
        if (b[i] == '0')
        {
            i++;
        }
        else if (b[i] >= '1' && b[i] <= '9')
        {
            while (i < end && b[i] >= '0' && b[i] <= '9')
            {
                value = value * 10 + (b[i] - '0');
                i++;
                if (i - digits > MAX_INT_DIGITS && !skipping)
                {
                    throw UNSUPPORTED;
                }
            }
        }
        else
        {
            throw UNSUPPORTED;
        }
        boolean integer = true;
        if (i < end && b[i] == '.')
        {
            integer = false;
            i = digitsAfter(i + 1);
        }
        if (i < end && (b[i] == 'e' || b[i] == 'E'))
        {
            integer = false;
            int k = i + 1;
            if (k < end && (b[k] == '+' || b[k] == '-'))
            {
                k++;
            }
            i = digitsAfter(k);
        }
        if (!integer && !skipping || i - at > MAX_SKIPPED_NUMBER_CHARS)
        {
            throw UNSUPPORTED;
        }
        delimiter(i);
        pos = i;
        number = negative ? -value : value;
        return integer ? JsonToken.VALUE_NUMBER_INT : JsonToken.VALUE_NUMBER_FLOAT;
    }

    /** The position after one or more digits starting at {@code at}. */
    private int digitsAfter(final int at)
    {
        int i = at;
        while (i < end && buf[i] >= '0' && buf[i] <= '9')
        {
            i++;
        }
        if (i == at)
        {
            throw UNSUPPORTED;
        }
        return i;
    }

    /** The document's bytes. */
    byte[] buffer()
    {
        return buf;
    }

    /** Where the current token starts. */
    int tokenStart()
    {
        return tokenStart;
    }

    /** Where the next token is looked for: after the current one. */
    int position()
    {
        return pos;
    }

    /**
     * At the start of an object or array: the position after its matching end by a plain scan of brackets and
     * strings, or -1 when the input ends first. Nothing is checked: the answer is right only for valid JSON, so use it
     * only to compare the bytes with a subtree read before (identical bytes are as valid as they were then).
     */
    int rawEnd()
    {
        final byte[] b = buf;
        final int limit = end;
        int i = tokenStart;
        int open = 0;
        while (true)
        {
            // outside strings: skip eight bytes at a time to the next quote or bracket
            while (i + 8 <= limit)
            {
                final long found = structural((long)LONGS.get(b, i));
                if (found != 0)
                {
                    i += Long.numberOfTrailingZeros(found) >>> 3;
                    break;
                }
                i += 8;
            }
            if (i >= limit)
            {
                return -1;
            }
            final byte c = b[i++];
            if (c == '"')
            {
                while (true)
                {
                    while (i + 8 <= limit)
                    {
                        final long w = (long)LONGS.get(b, i);
                        final long quote = w ^ 0x2222222222222222L;
                        final long backslash = w ^ 0x5C5C5C5C5C5C5C5CL;
                        final long found = ((quote - ONES) & ~quote | (backslash - ONES) & ~backslash) & HIGHS;
                        if (found != 0)
                        {
                            i += Long.numberOfTrailingZeros(found) >>> 3;
                            break;
                        }
                        i += 8;
                    }
                    if (i >= limit)
                    {
                        return -1;
                    }
                    final byte s = b[i++];
                    if (s == '"')
                    {
                        break;
                    }
                    if (s == '\\')
                    {
                        i++;
                    }
                }
            }
            else if (c == '{' || c == '[')
            {
                open++;
            }
            else if (c == '}' || c == ']')
            {
                if (--open == 0)
                {
                    return i;
                }
            }
        }
    }

    /** The high bit of each byte of {@code w} that is a quote or a bracket (exact for the lowest). */
    private static long structural(final long w)
    {
        final long quote = w ^ 0x2222222222222222L;
        final long lower = w | 0x2020202020202020L; // '[' and ']' become '{' and '}'
        final long opening = lower ^ 0x7B7B7B7B7B7B7B7BL;
        final long closing = lower ^ 0x7D7D7D7D7D7D7D7DL;
        return ((quote - ONES) & ~quote | (opening - ONES) & ~opening | (closing - ONES) & ~closing) & HIGHS;
    }

    /**
     * At the start of an object or array whose end {@link #rawEnd()} found at {@code after}: moves past it, as
     * {@link #skipChildren()} would (the current token becomes its end).
     */
    void jumpTo(final int after)
    {
        token = token == JsonToken.START_OBJECT ? JsonToken.END_OBJECT : JsonToken.END_ARRAY;
        tokenStart = after - 1;
        depth--;
        pos = after;
    }

    @Override
    public JsonToken currentToken()
    {
        return token;
    }

    @Override
    public String currentName()
    {
        return name;
    }

    @Override
    public void skipChildren()
    {
        if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY)
        {
            return;
        }
        final int target = depth - 1;
        skipping = true;
        while (depth > target)
        {
            nextToken();
        }
        skipping = false;
    }

    @Override
    public String getText()
    {
        if (token == JsonToken.VALUE_STRING)
        {
            return new String(buf, textStart, textLength, StandardCharsets.ISO_8859_1);
        }
        if (token == JsonToken.VALUE_NUMBER_INT)
        {
            return numberText();
        }
        throw UNSUPPORTED;
    }

    @Override
    public int getTextLength()
    {
        if (token != JsonToken.VALUE_STRING)
        {
            throw UNSUPPORTED;
        }
        return textLength;
    }

    @Override
    public String cachedText(final StringCache cache)
    {
        if (token != JsonToken.VALUE_STRING)
        {
            throw UNSUPPORTED;
        }
        return cache.get(buf, textStart, textLength, textHash);
    }

    @Override
    public long fastRfc3339Millis()
    {
        if (token != JsonToken.VALUE_STRING || textLength > MAX_TIMESTAMP_CHARS)
        {
            return Long.MIN_VALUE;
        }
        final char[] chars = timestampChars;
        for (int i = 0; i < textLength; i++)
        {
            chars[i] = (char)buf[textStart + i];
        }
        return JsonObjectDecoder.fastRfc3339Millis(chars, 0, textLength);
    }

    @Override
    public JsonParser.NumberType getNumberType()
    {
        if (token != JsonToken.VALUE_NUMBER_INT)
        {
            throw UNSUPPORTED;
        }
        return number == (int)number ? JsonParser.NumberType.INT : JsonParser.NumberType.LONG;
    }

    @Override
    public int getIntValue()
    {
        if (token != JsonToken.VALUE_NUMBER_INT || number != (int)number)
        {
            throw UNSUPPORTED;
        }
        return (int)number;
    }

    @Override
    public long getLongValue()
    {
        if (token != JsonToken.VALUE_NUMBER_INT)
        {
            throw UNSUPPORTED;
        }
        return number;
    }

    @Override
    public String numberText()
    {
        if (token != JsonToken.VALUE_NUMBER_INT)
        {
            throw UNSUPPORTED;
        }
        return Long.toString(number);
    }

    @Override
    public long tokenByteOffset()
    {
        return tokenStart;
    }
}
