package io.berth.mirror.codec;

import java.util.Arrays;

/**
 * Decoded subtrees of documents by their exact bytes, for one decoding thread: the pods of a workload carry the
 * same containers, affinity and tolerations byte for byte, so a subtree whose bytes equal one decoded before takes
 * that decode's (immutable) result without reading a token of it. Only successful decodes are kept, so identical
 * bytes are valid JSON that decodes without error; the result of a subtree depends on its bytes alone (a field
 * path matters only for errors). Direct-mapped: a slot keeps the last subtree that hashed to it. Not thread-safe.
 */
final class SubtreeMemo
{
    /** Larger subtrees are not kept: rarely shared, and costly to compare. */
    static final int MAX_BYTES = 4096;

    private final int mask;
    /** Made on the first {@link #put}: a decoder that never reads a pod costs nothing. */
    private byte[][] keys;
    private int[] hashes;
    private Object[] values;

    /** {@code slots}: a power of two. */
    SubtreeMemo(final int slots)
    {
        if (Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("memo slots must be a power of two: " + slots);
        }
        mask = slots - 1;
    }

    /** A hash of the bytes {@code from} (inclusive) to {@code to} (exclusive), eight at a time. */
    static int hash(final byte[] bytes, final int from, final int to)
    {
        long h = to - from;
        int i = from;
        for (; i + 8 <= to; i += 8)
        {
            h = AsciiJsonTokens.mix(h, word(bytes, i));
        }
        long tail = 0;
        for (int shift = 0; i < to; i++, shift += 8)
        {
            tail |= (bytes[i] & 0xFFL) << shift;
        }
        h = AsciiJsonTokens.mix(h, tail);
        return (int)(h ^ h >>> 32);
    }

    private static long word(final byte[] bytes, final int at)
    {
        return (long)AsciiJsonTokens.LONGS.get(bytes, at);
    }

    /** The value kept for exactly these bytes, or null; two slots per hash. */
    Object get(final byte[] bytes, final int from, final int to, final int hash)
    {
        if (keys == null)
        {
            return null;
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        if (same(slot, bytes, from, to, hash))
        {
            return values[slot];
        }
        final int other = slot ^ 1;
        if (same(other, bytes, from, to, hash))
        {
            return values[other];
        }
        return null;
    }

    private boolean same(final int slot, final byte[] bytes, final int from, final int to, final int hash)
    {
        final byte[] key = keys[slot];
        return key != null && hashes[slot] == hash && key.length == to - from &&
            Arrays.equals(key, 0, key.length, bytes, from, to);
    }

    /**
     * Keeps {@code value} (not null, immutable) as the decode of these bytes: in the first of its two slots, the
     * subtree there moving to the second (so each pair keeps the last two that hashed to it).
     */
    void put(final byte[] bytes, final int from, final int to, final int hash, final Object value)
    {
        if (to - from > MAX_BYTES)
        {
            return;
        }
        if (keys == null)
        {
            keys = new byte[mask + 1][];
            hashes = new int[mask + 1];
            values = new Object[mask + 1];
        }
        final int slot = (hash ^ hash >>> 16) & mask;
        final int other = slot ^ 1;
        keys[other] = keys[slot];
        hashes[other] = hashes[slot];
        values[other] = values[slot];
        keys[slot] = Arrays.copyOfRange(bytes, from, to);
        hashes[slot] = hash;
        values[slot] = value;
    }
}
