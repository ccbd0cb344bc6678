package io.berth.mirror.codec;

/**
 * The path of the field a streaming decoder is in, kept as a stack of names, map keys and list indices so that no
 * string is built unless an error needs one; {@link #render()} gives the same text as {@link ObjectDecoder}'s paths
 * ({@code spec.containers[0].resources.requests.cpu}, {@code metadata.labels["a.b/c"]}).
 */
final class FieldPath
{
    private static final int MAX_DEPTH = 64;
    private static final byte NAME = 0;
    private static final byte KEY = 1;
    private static final byte INDEX = 2;

    private final String[] names = new String[MAX_DEPTH];
    private final int[] indices = new int[MAX_DEPTH];
    private final byte[] kinds = new byte[MAX_DEPTH];
    private int depth;

    void reset()
    {
        for (int i = 0; i < depth; i++)
        {
            names[i] = null;
        }
        depth = 0;
    }

    /** A field of an object with a fixed schema. */
    void push(final String name)
    {
        kinds[depth] = NAME;
        names[depth++] = name;
    }

    /** A key of a map (labels, resources), quoted when not a plain word. */
    void pushKey(final String key)
    {
        kinds[depth] = KEY;
        names[depth++] = key;
    }

    void pushIndex(final int index)
    {
        kinds[depth] = INDEX;
        indices[depth++] = index;
    }

    /** Replaces the index on top of the stack. */
    void setIndex(final int index)
    {
        indices[depth - 1] = index;
    }

    void pop()
    {
        names[--depth] = null;
    }

    /** The path with {@code extra} (a field name, may be null) appended. */
    String render(final String extra)
    {
        String path = "";
        for (int i = 0; i < depth; i++)
        {
            path = switch (kinds[i])
            {
                case NAME -> ObjectDecoder.field(path, names[i]);
                case KEY -> ObjectDecoder.key(path, names[i]);
                default -> ObjectDecoder.index(path, indices[i]);
            };
        }
        return extra == null ? path : ObjectDecoder.field(path, extra);
    }

    String render()
    {
        return render(null);
    }
}
