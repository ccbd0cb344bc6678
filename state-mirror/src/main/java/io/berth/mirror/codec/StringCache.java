package io.berth.mirror.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A direct-mapped cache of short strings for one decoding thread: the same characters (a namespace, a label value,
 * an image, a scheduler name) come back as the same {@link String} instance instead of a new one per object, which
 * saves the allocation on decode and, more, the memory of every copy the tables would otherwise keep. A slot holds
 * the last string that hashed to it, so unique strings (names, uids, timestamps) cost a hash and an eviction and
 * never grow it. Not thread-safe.
 */
final class StringCache
{
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Longer strings are not cached: they are rarely repeated and cost more to compare. */
    static final int MAX_CACHED_CHARS = 96;

    private final String[] slots;
    /** The hash of each slot's string, kept here: String.hashCode would hash every evicted unique string once more. */
    private final int[] hashes;
    /**
     * Each slot's characters as bytes when they are all Latin-1 (else null), compared with a vectorized
     * {@link Arrays#equals} or a plain loop: {@code String.charAt} per character was a sixth of decoding a pod.
     */
    private final byte[][] latin1;
    /**
     * For the byte path without touching {@link #latin1}: each slot's length when Latin-1 (else -1), its first eight
     * bytes (zero-padded) and, for 9 to 16 bytes, its last eight: strings of up to 16 bytes (most names and values)
     * are compared as one or two words.
     */
    private final int[] byteLengths;
    private final long[] heads;
    private final long[] tails;
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
        this.latin1 = new byte[size][];
        this.byteLengths = new int[size];
        this.heads = new long[size];
        this.tails = new long[size];
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
        boolean isLatin1 = true;
        for (int i = offset, end = offset + length; i < end; i++)
        {
            final char c = chars[i];
            hash = 31 * hash + c;
            isLatin1 &= c <= 0xFF;
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        final String cached = slots[slot];
        if (cached != null && hashes[slot] == hash && cached.length() == length &&
            sameChars(cached, latin1[slot], chars, offset, length))
        {
            return cached;
        }
        final String made = new String(chars, offset, length);
        byte[] bytes = null;
        if (isLatin1)
        {
            bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)chars[offset + i];
            }
        }
        store(slot, made, hash, bytes);
        return made;
    }

    /**
     * The string of the {@code length} ASCII bytes of {@code ascii} from {@code offset}, whose hash (any function of
     * the bytes alone) is {@code hash}: a cached instance when equal. A slot keeps one hash, so text cached through
     * chars is found through bytes (and back) only when the two hashes meet; either way the answer is right.
     */
    String get(final byte[] ascii, final int offset, final int length, final int hash)
    {
        if (length == 0)
        {
            return "";
        }
        if (length > MAX_CACHED_CHARS)
        {
            return new String(ascii, offset, length, StandardCharsets.ISO_8859_1);
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        if (holds(slot, ascii, offset, length, hash))
        {
            return slots[slot];
        }
        final byte[] copy = Arrays.copyOfRange(ascii, offset, offset + length);
        final String made = new String(copy, StandardCharsets.ISO_8859_1);
        store(slot, made, hash, copy);
        return made;
    }

    /**
     * {@link #get(byte[], int, int, int)} for field names: a string made on a miss is {@link String#intern interned},
     * so it is the very instance of the same literal in code and a {@code switch} on it matches by identity, as
     * Jackson's interned names do.
     */
    String name(final byte[] ascii, final int offset, final int length, final int hash)
    {
        if (length == 0)
        {
            return "";
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        if (holds(slot, ascii, offset, length, hash))
        {
            return slots[slot];
        }
        final byte[] copy = Arrays.copyOfRange(ascii, offset, offset + length);
        final String made = new String(copy, StandardCharsets.ISO_8859_1).intern();
        if (length <= MAX_CACHED_CHARS)
        {
            store(slot, made, hash, copy);
        }
        return made;
    }

    /** True when {@code slot} holds the {@code length} bytes of {@code ascii} from {@code offset} (hash {@code hash}). */
    private boolean holds(final int slot, final byte[] ascii, final int offset, final int length, final int hash)
    {
        if (hashes[slot] != hash || byteLengths[slot] != length || slots[slot] == null)
        {
            return false;
        }
        if (length <= 16)
        {
            return heads[slot] == head(ascii, offset, length) &&
                (length <= 8 || tails[slot] == (long)LONGS.get(ascii, offset + length - 8));
        }
        return Arrays.equals(latin1[slot], 0, length, ascii, offset, offset + length);
    }

    private void store(final int slot, final String made, final int hash, final byte[] bytes)
    {
        slots[slot] = made;
        hashes[slot] = hash;
        latin1[slot] = bytes;
        if (bytes == null)
        {
            byteLengths[slot] = -1;
            return;
        }
        final int length = bytes.length;
        byteLengths[slot] = length;
        heads[slot] = head(bytes, 0, length);
        tails[slot] = length > 8 && length <= 16 ? (long)LONGS.get(bytes, length - 8) : 0;
    }

    /** The first eight of the {@code length} bytes from {@code offset} as a little-endian word, zero-padded. */
    private static long head(final byte[] bytes, final int offset, final int length)
    {
        if (length >= 8)
        {
            return (long)LONGS.get(bytes, offset);
        }
        if (offset + 8 <= bytes.length)
        {
            return (long)LONGS.get(bytes, offset) & (-1L >>> (64 - 8 * length));
        }
        long word = 0;
        for (int i = length - 1; i >= 0; i--)
        {
            word = word << 8 | (bytes[offset + i] & 0xFF);
        }
        return word;
    }

    private static boolean sameChars(
        final String s, final byte[] bytes, final char[] chars, final int offset, final int length)
    {
        if (bytes != null)
        {
            for (int i = 0; i < length; i++)
            {
                if (chars[offset + i] != (bytes[i] & 0xFF))
                {
                    return false;
                }
            }
            return true;
        }
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
