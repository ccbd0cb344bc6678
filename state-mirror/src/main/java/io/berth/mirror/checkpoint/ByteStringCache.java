package io.berth.mirror.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A direct-mapped cache of short strings by their UTF-8 bytes, for one decoding thread: the same bytes come back as
 * the same {@link String}. A slot keeps the last string that hashed to it (and its bytes, to compare), so unique
 * strings cost a hash and an eviction and never grow it. Not thread-safe.
 */
final class ByteStringCache
{
    /** Longer strings are not cached: rarely repeated, and dearer to compare. */
    static final int MAX_CACHED_BYTES = 96;

    private final String[] strings;
    private final byte[][] bytes;
    private final int[] hashes;
    private final int mask;

    /** {@code slots}: a power of two. */
    ByteStringCache(final int slots)
    {
        if (slots < 1 || Integer.bitCount(slots) != 1 || slots > 1 << 24)
        {
            throw new IllegalArgumentException("string cache slots must be a power of two up to 2^24: " + slots);
        }
        strings = new String[slots];
        bytes = new byte[slots][];
        hashes = new int[slots];
        mask = slots - 1;
    }

    /** The string of {@code length} UTF-8 bytes of {@code source} from {@code offset}: a cached one when equal. */
    String get(final byte[] source, final int offset, final int length)
    {
        if (length == 0)
        {
            return "";
        }
        if (length > MAX_CACHED_BYTES)
        {
            return decode(source, offset, length);
        }
        int hash = 0;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            hash = 31 * hash + source[i];
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        final byte[] cached = bytes[slot];
        if (cached != null && hashes[slot] == hash &&
            Arrays.equals(cached, 0, cached.length, source, offset, offset + length))
        {
            return strings[slot];
        }
        final String made = decode(source, offset, length);
        strings[slot] = made;
        bytes[slot] = Arrays.copyOfRange(source, offset, offset + length);
        hashes[slot] = hash;
        return made;
    }

    /** A new string of UTF-8 bytes (malformed sequences become U+FFFD, as {@link String} does). */
    static String decode(final byte[] source, final int offset, final int length)
    {
        return length == 0 ? "" : new String(source, offset, length, StandardCharsets.UTF_8);
    }
}
