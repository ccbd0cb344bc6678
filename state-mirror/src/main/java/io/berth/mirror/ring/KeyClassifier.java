package io.berth.mirror.ring;

import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.source.KeyLayout;

import java.nio.charset.StandardCharsets;

/**
 * Tells the kind of object a key holds from kube-apiserver's key layout by comparing bytes, and cuts the object's
 * name ({@code name}, or {@code namespace/name} for namespaced kinds) out of it. Stateless once built; safe to share.
 */
public final class KeyClassifier
{
    private final byte[][] prefixes;
    private final KubeKind[] kinds;
    private final boolean[] namespaced;

    public KeyClassifier(final KeyLayout layout)
    {
        prefixes = new byte[][] {
            bytes(layout.pods()), bytes(layout.nodes()), bytes(layout.namespaces()), bytes(layout.priorityClasses()),
            bytes(layout.podDisruptionBudgets())};
        kinds = new KubeKind[] {
            KubeKind.POD, KubeKind.NODE, KubeKind.NAMESPACE, KubeKind.PRIORITY_CLASS, KubeKind.POD_DISRUPTION_BUDGET};
        namespaced = new boolean[] {true, false, false, false, true};
    }

    /** The kind stored under {@code key}, or {@link KubeKind#OTHER} (services, endpoints, anything malformed). */
    public KubeKind kindOf(final byte[] key)
    {
        final int i = match(key);
        return i < 0 ? KubeKind.OTHER : kinds[i];
    }

    /**
     * The object's name part of a key of a mapped kind: {@code name}, or {@code namespace/name}; null when the key
     * does not have that shape (an empty part, or too many slashes).
     */
    public String nameOf(final byte[] key)
    {
        final int start = nameStart(key);
        return start < 0 ? null : new String(key, start, key.length - start, StandardCharsets.UTF_8);
    }

    /**
     * Where {@link #nameOf} would cut the name from (it runs to the key's end), without making it: -1 when the key is
     * of no mapped kind or has not the shape of one.
     */
    public int nameStart(final byte[] key)
    {
        final int i = match(key);
        if (i < 0)
        {
            return -1;
        }
        final int start = prefixes[i].length;
        int slashes = 0;
        int slashAt = -1;
        for (int k = start; k < key.length; k++)
        {
            if (key[k] == '/')
            {
                slashes++;
                slashAt = k;
            }
        }
        final int wanted = namespaced[i] ? 1 : 0;
        if (key.length == start || slashes != wanted ||
            (wanted == 1 && (slashAt == start || slashAt == key.length - 1)))
        {
            return -1;
        }
        return start;
    }

    private int match(final byte[] key)
    {
        for (int i = 0; i < prefixes.length; i++)
        {
            if (startsWith(key, prefixes[i]))
            {
                return i;
            }
        }
        return -1;
    }

    private static boolean startsWith(final byte[] key, final byte[] prefix)
    {
        if (key.length < prefix.length)
        {
            return false;
        }
        for (int i = 0; i < prefix.length; i++)
        {
            if (key[i] != prefix[i])
            {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
