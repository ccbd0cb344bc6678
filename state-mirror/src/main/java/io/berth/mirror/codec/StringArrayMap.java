package io.berth.mirror.codec;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * An immutable map of strings in insertion order, kept as one array of keys and values: what the streaming decoder
 * gives for labels and node selectors (a few entries each, many equal maps shared between pods of one workload, see
 * {@link DecodeShapes}). Lookups scan the array, so it is only made for small maps
 * ({@value #MAX_ENTRIES} entries at most). Equal to any {@link Map} with the same entries; its hash code is
 * {@link Map#hashCode()}'s, computed once.
 */
final class StringArrayMap extends AbstractMap<String, String>
{
    /** Larger maps are made as hash maps: a scan would cost more than a hash. */
    static final int MAX_ENTRIES = StringMaps.MAX_ARRAY_ENTRIES;

    private final String[] keysAndValues;
    private final int hash;
    private Set<Map.Entry<String, String>> entrySet;

    /** {@code keysAndValues} is {@code k0, v0, k1, v1, ...} with distinct keys, owned by the map from now on. */
    StringArrayMap(final String[] keysAndValues, final int hash)
    {
        this.keysAndValues = keysAndValues;
        this.hash = hash;
    }

    /** {@link Map#hashCode()} of the first {@code n} pairs of {@code keysAndValues}. */
    static int hashOf(final String[] keysAndValues, final int n)
    {
        int h = 0;
        for (int i = 0; i < 2 * n; i += 2)
        {
            h += keysAndValues[i].hashCode() ^ keysAndValues[i + 1].hashCode();
        }
        return h;
    }

    /** True when this map holds exactly the first {@code n} pairs of {@code keysAndValues}, in that order. */
    boolean sameAs(final String[] pairs, final int n)
    {
        if (keysAndValues.length != 2 * n)
        {
            return false;
        }
        for (int i = 0; i < 2 * n; i++)
        {
            final String mine = keysAndValues[i];
            if (mine != pairs[i] && !mine.equals(pairs[i]))
            {
                return false;
            }
        }
        return true;
    }

    @Override
    public int size()
    {
        return keysAndValues.length >> 1;
    }

    @Override
    public boolean isEmpty()
    {
        return keysAndValues.length == 0;
    }

    @Override
    public String get(final Object key)
    {
        final String[] kv = keysAndValues;
        for (int i = 0; i < kv.length; i += 2)
        {
            if (kv[i].equals(key))
            {
                return kv[i + 1];
            }
        }
        return null;
    }

    @Override
    public boolean containsKey(final Object key)
    {
        final String[] kv = keysAndValues;
        for (int i = 0; i < kv.length; i += 2)
        {
            if (kv[i].equals(key))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public String getOrDefault(final Object key, final String defaultValue)
    {
        final String[] kv = keysAndValues;
        for (int i = 0; i < kv.length; i += 2)
        {
            if (kv[i].equals(key))
            {
                return kv[i + 1];
            }
        }
        return defaultValue;
    }

    @Override
    public void forEach(final BiConsumer<? super String, ? super String> action)
    {
        Objects.requireNonNull(action);
        final String[] kv = keysAndValues;
        for (int i = 0; i < kv.length; i += 2)
        {
            action.accept(kv[i], kv[i + 1]);
        }
    }

    @Override
    public Set<Map.Entry<String, String>> entrySet()
    {
        Set<Map.Entry<String, String>> set = entrySet;
        if (set == null)
        {
            set = new AbstractSet<>()
            {
                @Override
                public Iterator<Map.Entry<String, String>> iterator()
                {
                    return new Iterator<>()
                    {
                        private int at;

                        @Override
                        public boolean hasNext()
                        {
                            return at < keysAndValues.length;
                        }

                        @Override
                        public Map.Entry<String, String> next()
                        {
                            if (at >= keysAndValues.length)
                            {
                                throw new NoSuchElementException();
                            }
                            final Map.Entry<String, String> e =
                                new AbstractMap.SimpleImmutableEntry<>(keysAndValues[at], keysAndValues[at + 1]);
                            at += 2;
                            return e;
                        }
                    };
                }

                @Override
                public int size()
                {
                    return keysAndValues.length >> 1;
                }
            };
            entrySet = set;
        }
        return set;
    }

    @Override
    public int hashCode()
    {
        return hash;
    }
}
