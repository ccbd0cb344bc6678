package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Walks the documents of one file (an object, an array of objects, or a typed list such as {@code NodeList}) down
 * to single Kubernetes objects, numbering them in file order, and records what is not an object: not a mapping,
 * no kind, a list whose items are not a list, or a bug of ours while mapping one. What each object becomes is the
 * subclass's {@link #mapObject}; the manifest reader and the storage codec share this walk.
 */
abstract class DocumentWalker
{
    private static final int MAX_PARSE_MESSAGE_CHARS = 300;

    final String source;
    final List<ObjectError> errors = new ArrayList<>();
    /** Objects seen so far, lists not counted: the position that names an object without a name. */
    int ordinal;

    DocumentWalker(final String source)
    {
        this.source = source;
    }

    /**
     * One object of kind {@code kind} ({@code ordinal} in the file; {@code apiVersion} empty when absent, null when
     * not a string). Errors go to {@link #errors}; a {@link RuntimeException} is recorded as a bug of ours.
     */
    abstract void mapObject(ObjectNode obj, String kind, int ordinal, String apiVersion);

    /** Text that is not JSON (or YAML) at {@code location} (null when unknown): one error, which ends the source. */
    final void parseError(final boolean json, final String message, final JsonLocation location)
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
        final String detail = shorten(message);
        if (!detail.isEmpty())
        {
            sb.append(": ").append(detail);
        }
        errors.add(new ObjectError(source, "", "", "", sb.toString()));
    }

    /** A parser's message on one line, cut to a length an error line can carry. */
    static String shorten(final String message)
    {
        final String detail = message == null ? "" : message.replaceAll("\\s+", " ").strip();
        return detail.length() <= MAX_PARSE_MESSAGE_CHARS ? detail :
            detail.substring(0, MAX_PARSE_MESSAGE_CHARS) + "...";
    }

    /** A parsed document: empty, one object, an array of them, or a list. */
    final void document(final JsonNode document)
    {
        if (DocumentShape.isEmpty(document))
        {
            return;
        }
        if (document instanceof ArrayNode array)
        {
            for (final JsonNode element : array)
            {
                object(element, null);
            }
            return;
        }
        object(document, null);
    }

    /** An object; {@code impliedKind} is the kind of items of a typed list, which may omit their kind. */
    private void object(final JsonNode node, final String impliedKind)
    {
        try
        {
            walk(node, impliedKind);
        }
        catch (final RuntimeException ex)
        {
            // a bug of ours rather than bad content: reported with the object instead of losing the source
            errors.add(new ObjectError(source, "", DocumentShape.unnamed(ordinal), "", "cannot read object: " + ex));
        }
    }

    private void walk(final JsonNode node, final String impliedKind)
    {
        if (!(node instanceof ObjectNode obj))
        {
            errors.add(new ObjectError(source, "", DocumentShape.unnamed(++ordinal), "",
                "expected a Kubernetes object, got " + ObjectDecoder.describe(node)));
            return;
        }
        final String kind = DocumentShape.kindOf(obj, impliedKind);
        if (kind == null)
        {
            final JsonNode kindNode = obj.get("kind");
            final String message = kindNode == null || kindNode.isNull() || kindNode.isTextual() ?
                "missing kind" : "expected a string, got " + ObjectDecoder.describe(kindNode);
            errors.add(new ObjectError(source, "", DocumentShape.displayName(obj, false, ++ordinal), "kind", message));
            return;
        }
        if (DocumentShape.isList(kind, obj))
        {
            list(kind, obj);
            return;
        }
        final int number = ++ordinal;
        final JsonNode apiVersionNode = obj.get("apiVersion");
        final String apiVersion = apiVersionNode == null || apiVersionNode.isNull() ? "" :
            apiVersionNode.isTextual() ? apiVersionNode.textValue() : null;
        mapObject(obj, kind, number, apiVersion);
    }

    private void list(final String kind, final ObjectNode list)
    {
        final JsonNode items = list.get("items");
        if (items == null || items.isNull())
        {
            return;
        }
        if (!(items instanceof ArrayNode array))
        {
            errors.add(new ObjectError(source, kind, DocumentShape.displayName(list, false, ++ordinal), "items",
                "expected a list, got " + ObjectDecoder.describe(items)));
            return;
        }
        final String impliedKind = DocumentShape.itemKind(kind);
        for (final JsonNode item : array)
        {
            object(item, impliedKind);
        }
    }
}
