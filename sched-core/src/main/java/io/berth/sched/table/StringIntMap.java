package io.berth.sched.table;

/**
 * An open-addressing hash map from {@code String} keys to {@code int} values (linear probing, load at most a half,
 * backward-shift deletion: no tombstones), for key → slot indexes on the apply path. Each entry keeps its key's hash
 * next to it, so a probe that meets another key compares two ints instead of loading that key (a cache miss, and a
 * compare of the long common prefix kube keys share); a lookup that finds its key compares the strings once. A key
 * seen for the first time costs one probe: {@link #find} answers where it would go and {@link #insertAt} puts it
 * there. Not thread-safe; null keys are not allowed.
 */
public final class StringIntMap
{
    private static final int MIN_CAPACITY = 16;

    private String[] keys;
    private int[] hashes;
    private int[] values;
    private int mask;
    private int size;

    /** A map sized for {@code expected} entries without growing. */
    public StringIntMap(final int expected)
    {
        allocate(capacityFor(expected));
    }

    public StringIntMap()
    {
        this(MIN_CAPACITY / 2);
    }

    private static int capacityFor(final int entries)
    {
        final int wanted = Math.max(MIN_CAPACITY, entries * 2);
        if (wanted > 1 << 30 || wanted < 0)
        {
            throw new IllegalArgumentException("string-int map of " + entries + " entries is too large");
        }
        return Integer.highestOneBit(wanted - 1) << 1;
    }

    private void allocate(final int capacity)
    {
        keys = new String[capacity];
        hashes = new int[capacity];
        values = new int[capacity];
        mask = capacity - 1;
    }

    private static int spread(final int hash)
    {
        return hash ^ hash >>> 16;
    }

    public int size()
    {
        return size;
    }

    /**
     * The index of {@code key}'s entry (read it with {@link #valueAt}), or, when the map does not hold it,
     * {@code -(index where it would go) - 1} for {@link #insertAt}, valid until the map is next changed.
     */
    public int find(final String key)
    {
        final int hash = key.hashCode();
        final String[] keys = this.keys;
        final int[] hashes = this.hashes;
        int i = spread(hash) & mask;
        while (true)
        {
            final String k = keys[i];
            if (k == null)
            {
                return -i - 1;
            }
            if (hashes[i] == hash && (k == key || k.equals(key)))
            {
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    /** The value at an index {@link #find} returned for a key the map holds. */
    public int valueAt(final int index)
    {
        return values[index];
    }

    /** Puts {@code key}, which {@link #find} just did not find ({@code missing} is what it returned), with its value. */
    public void insertAt(final int missing, final String key, final int value)
    {
        final int i = -missing - 1;
        if (keys[i] != null)
        {
            throw new IllegalStateException("insertAt(" + missing + ") for " + key + ": the map changed since find");
        }
        keys[i] = key;
        hashes[i] = key.hashCode();
        values[i] = value;
        if (++size * 2 > keys.length)
        {
            grow();
        }
    }

    /** The value of {@code key}, or {@code missing} when the map does not hold it. */
    public int get(final String key, final int missing)
    {
        final int at = find(key);
        return at >= 0 ? values[at] : missing;
    }

    public boolean containsKey(final String key)
    {
        return find(key) >= 0;
    }

    /** Puts or replaces {@code key}'s value. */
    public void put(final String key, final int value)
    {
        final int at = find(key);
        if (at >= 0)
        {
            values[at] = value;
        }
        else
        {
            insertAt(at, key, value);
        }
    }

    /** Removes {@code key}; returns its value, or {@code missing} when the map did not hold it. */
    public int remove(final String key, final int missing)
    {
        final int at = find(key);
        if (at < 0)
        {
            return missing;
        }
        final int value = values[at];
        removeAt(at);
        return value;
    }

    private void removeAt(final int index)
    {
        // backward shift: move later entries of the probe run into the hole when their home allows it
        int hole = index;
        int j = index;
        while (true)
        {
            j = (j + 1) & mask;
            final String k = keys[j];
            if (k == null)
            {
                break;
            }
            final int home = spread(hashes[j]) & mask;
            // the entry at j may move to the hole unless its home lies cyclically in (hole, j]
            final boolean stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays)
            {
                keys[hole] = k;
                hashes[hole] = hashes[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = null;
        size--;
    }

    private void grow()
    {
        final String[] oldKeys = keys;
        final int[] oldHashes = hashes;
        final int[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++)
        {
            final String k = oldKeys[i];
            if (k != null)
            {
                int j = spread(oldHashes[i]) & mask;
                while (keys[j] != null)
                {
                    j = (j + 1) & mask;
                }
                keys[j] = k;
                hashes[j] = oldHashes[i];
                values[j] = oldValues[i];
            }
        }
    }
}
