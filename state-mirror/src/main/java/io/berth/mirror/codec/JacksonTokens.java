package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;

/** {@link JsonTokens} over a Jackson parser: any JSON, with Jackson's checks and error messages. */
final class JacksonTokens implements JsonTokens
{
    private JsonParser p;

    /** Reads {@code parser} from now on (null to let go of the last one). */
    JacksonTokens wrap(final JsonParser parser)
    {
        p = parser;
        return this;
    }

    @Override
    public JsonToken nextToken() throws IOException
    {
        return p.nextToken();
    }

    @Override
    public JsonToken currentToken()
    {
        return p.currentToken();
    }

    @Override
    public String currentName() throws IOException
    {
        return p.currentName();
    }

    @Override
    public void skipChildren() throws IOException
    {
        p.skipChildren();
    }

    @Override
    public String getText() throws IOException
    {
        return p.getText();
    }

    @Override
    public int getTextLength() throws IOException
    {
        return p.getTextLength();
    }

    @Override
    public String cachedText(final StringCache cache) throws IOException
    {
        return cache.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    @Override
    public long fastRfc3339Millis() throws IOException
    {
        return JsonObjectDecoder.fastRfc3339Millis(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
    }

    @Override
    public JsonParser.NumberType getNumberType() throws IOException
    {
        return p.getNumberType();
    }

    @Override
    public int getIntValue() throws IOException
    {
        return p.getIntValue();
    }

    @Override
    public long getLongValue() throws IOException
    {
        return p.getLongValue();
    }

    @Override
    public String numberText() throws IOException
    {
        return p.currentToken() == JsonToken.VALUE_NUMBER_INT ?
            p.getNumberValue().toString() : p.getDecimalValue().toString();
    }

    @Override
    public long tokenByteOffset()
    {
        return p.currentTokenLocation().getByteOffset();
    }
}
