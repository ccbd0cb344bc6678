package io.berth.mirror.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The shape of Kubernetes documents in a file, shared by the readers that walk them ({@link KubeObjectReader} for
 * the scheduler's objects, {@link ObjectStorageCodec} for what {@code berth apply} stores): empty documents, typed
 * and untyped lists, the kind of an object (or of a list's items), and how an object is named in an error.
 */
final class DocumentShape
{
    private static final String LIST = "List";
    private static final int MAX_DISPLAY_CHARS = 512;

    private DocumentShape()
    {
    }

    /** An empty YAML document, as between two '---' lines (Jackson reads it as "" or null). */
    static boolean isEmpty(final JsonNode document)
    {
        return document == null || document.isNull() || document.isMissingNode() ||
            (document.isTextual() && document.textValue().isEmpty());
    }

    /**
     * The object's {@code kind}, or {@code impliedKind} (the item kind of a typed list) when it has none, or null
     * when it has neither (the caller reports it).
     */
    static String kindOf(final ObjectNode obj, final String impliedKind)
    {
        final JsonNode kindNode = obj.get("kind");
        if (kindNode != null && kindNode.isTextual() && !kindNode.textValue().isEmpty())
        {
            return kindNode.textValue();
        }
        return (kindNode == null || kindNode.isNull()) ? impliedKind : null;
    }

    /** {@code v1 List}, or a typed list such as {@code PodList} with {@code items}. */
    static boolean isList(final String kind, final ObjectNode obj)
    {
        return LIST.equals(kind) || (kind.endsWith(LIST) && kind.length() > LIST.length() && obj.has("items"));
    }

    /** The kind a list's items may omit: {@code Pod} for {@code PodList}, null for a plain {@code List}. */
    static String itemKind(final String listKind)
    {
        return LIST.equals(listKind) ? null : listKind.substring(0, listKind.length() - LIST.length());
    }

    /** {@code namespace/name} for a namespaced object, the name otherwise, or {@code <unnamed #k>}; cut to a readable length. */
    static String displayName(final ObjectNode obj, final boolean namespaced, final int ordinal)
    {
        final JsonNode metadata = obj.get("metadata");
        final JsonNode name = metadata == null ? null : metadata.get("name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty())
        {
            return unnamed(ordinal);
        }
        String display = name.textValue();
        if (namespaced)
        {
            final JsonNode namespace = metadata.get("namespace");
            display = (namespace != null && namespace.isTextual() && !namespace.textValue().isEmpty() ?
                namespace.textValue() : "default") + "/" + display;
        }
        return display.length() <= MAX_DISPLAY_CHARS ? display : display.substring(0, MAX_DISPLAY_CHARS) + "...";
    }

    static String unnamed(final int ordinal)
    {
        return "<unnamed #" + ordinal + ">";
    }
}
