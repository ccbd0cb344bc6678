package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/**
 * The streaming view of one JSON document that {@link JsonObjectDecoder} reads: Jackson's {@link JsonParser} calls it
 * uses, under the same names and meanings, plus the few reads it does straight from the parser's characters. Two
 * implementations: {@link JacksonTokens} (any JSON, Jackson's errors) and {@link AsciiJsonTokens} (the common case,
 * ASCII JSON without escapes, read from the bytes; it gives up with {@link AsciiJsonTokens.Unsupported} wherever it
 * is not sure to give Jackson's tokens, and the document is then read again through Jackson).
 */
interface JsonTokens
{
    /** The next token, or null at the end of the input (as {@link JsonParser#nextToken()}). */
    JsonToken nextToken() throws IOException;

    JsonToken currentToken();

    /** The field name of the current {@link JsonToken#FIELD_NAME}. */
    String currentName() throws IOException;

    /** At a start of an object or array: moves to its end; otherwise does nothing. */
    void skipChildren() throws IOException;

    /** The text of the current string (or number) token. */
    String getText() throws IOException;

    /** The length in characters of the current string token. */
    int getTextLength() throws IOException;

    /** The current string token through {@code cache} (no new String when it holds one). */
    String cachedText(StringCache cache) throws IOException;

    /**
     * Epoch milliseconds of the current non-empty string token when it is one of the RFC 3339 shapes
     * {@link JsonObjectDecoder#fastRfc3339Millis(char[], int, int)} reads, else {@link Long#MIN_VALUE}.
     */
    long fastRfc3339Millis() throws IOException;

    JsonParser.NumberType getNumberType() throws IOException;

    int getIntValue() throws IOException;

    long getLongValue() throws IOException;

    /** A number token's text as the tree decoder writes it: the integer, or the exact decimal. */
    String numberText() throws IOException;

    /** The byte offset of the current token in the document. */
    long tokenByteOffset();
}
