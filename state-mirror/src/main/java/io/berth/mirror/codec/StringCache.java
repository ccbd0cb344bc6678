package io.berth.mirror.codec;

/**
 * A direct-mapped cache of short strings for one decoding thread: the same characters (a namespace, a label value,
 * an image, a scheduler name) come back as the same {@link String} instance instead of a new one per object, which
 * saves the allocation on decode and, more, the memory of every copy the tables would otherwise keep. A slot holds
 * the last string that hashed to it, so unique strings (names, uids, timestamps) cost a hash and an eviction and
 * never grow it. Not thread-safe.
 */
final class StringCache
{
    /** Longer strings are not cached: they are rarely repeated and cost more to compare. */
    static final int MAX_CACHED_CHARS = 96;

    private final String[] slots;
    /** The hash of each slot's string, kept here: String.hashCode would hash every evicted unique string once more. */
    private final int[] hashes;
    private final int mask;

    /** {@code slots} is rounded up to a power of two. */
    StringCache(final int slots)
    {
        if (slots < 1 || slots > 1 << 24)
        {
            throw new IllegalArgumentException("string cache slots must be in 1.." + (1 << 24) + ": " + slots);
        }
        final int size = Integer.highestOneBit(slots - 1 == 0 ? 1 : (slots - 1) << 1);
        this.slots = new String[size];
        this.hashes = new int[size];
        this.mask = size - 1;
    }

    /** The string of {@code length} characters of {@code chars} from {@code offset}: a cached instance when equal. */
    String get(final char[] chars, final int offset, final int length)
    {
        if (length == 0)
        {
            return "";
        }
        if (length > MAX_CACHED_CHARS)
        {
            return new String(chars, offset, length);
        }
        int hash = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            hash = 31 * hash + chars[i];
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        final String cached = slots[slot];
        if (cached != null && hashes[slot] == hash && cached.length() == length &&
            sameChars(cached, chars, offset, length))
        {
            return cached;
        }
        final String made = new String(chars, offset, length);
        slots[slot] = made;
        hashes[slot] = hash;
        return made;
    }

    private static boolean sameChars(final String s, final char[] chars, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (s.charAt(i) != chars[offset + i])
            {
                return false;
            }
        }
        return true;
    }
}
