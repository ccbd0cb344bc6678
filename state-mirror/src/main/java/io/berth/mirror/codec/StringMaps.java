package io.berth.mirror.codec;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The string maps (labels, node selectors, annotations, match labels) every decoder of this module makes, one set
 * of classes for all of them: {@link Map#of()} when empty, a {@link StringArrayMap} up to {@value #MAX_ARRAY_ENTRIES}
 * pairs, an unmodifiable {@link LinkedHashMap} above. The code that reads a decoded object's maps (the tables'
 * label columns, the pod-to-pod counters) then sees the same types whether the object came from JSON or from a
 * checkpoint record; a map class it had not seen before throws its compiled code away (a type-check trap in the
 * middle of a warm restart, then seconds of recompiling on a small machine).
 */
public final class StringMaps
{
    /** Pairs kept in one scanned array; larger maps are hash maps, as a scan would cost more than a hash. */
    public static final int MAX_ARRAY_ENTRIES = 16;

    private static final Map<String, String> EMPTY = Map.of();

    private StringMaps()
    {
    }

    /** The empty map. */
    public static Map<String, String> empty()
    {
        return EMPTY;
    }

    /**
     * A map of {@code pairs} ({@code k0, v0, k1, v1, ...}, 1 to {@value #MAX_ARRAY_ENTRIES} pairs, distinct keys,
     * in order); the array is the map's from now on.
     */
    public static Map<String, String> small(final String[] pairs)
    {
        if (pairs.length == 0 || pairs.length > 2 * MAX_ARRAY_ENTRIES || (pairs.length & 1) != 0)
        {
            throw new IllegalArgumentException("small string map of " + pairs.length + " keys and values");
        }
        return new StringArrayMap(pairs, StringArrayMap.hashOf(pairs, pairs.length >> 1));
    }

    /** {@code map} (more than {@value #MAX_ARRAY_ENTRIES} pairs, in order) as the decoders give large maps. */
    public static Map<String, String> large(final LinkedHashMap<String, String> map)
    {
        return Collections.unmodifiableMap(map);
    }
}
