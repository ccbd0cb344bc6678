package io.berth.sched.table;

import java.util.Arrays;

import org.agrona.collections.Int2ObjectHashMap;

/**
 * Images present on nodes, image-major: for each interned image name a bitset over node slots, the number of
 * nodes holding it and its size. As in kube-scheduler's cache, the size is the one reported by the first node
 * that listed the name while no other node held it.
 */
public final class ImageIndex
{
    private final Interner names = new Interner();
    private final Int2ObjectHashMap<long[]> nodeBits = new Int2ObjectHashMap<>();
    private int[] numNodes = new int[16];
    private long[] sizeBytes = new long[16];
    private int slotWords;

    ImageIndex(final int slotCapacity)
    {
        slotWords = slotCapacity / 64;
    }

    /** Image id or -1 if no node ever reported the name. */
    public int find(final String name)
    {
        return names.find(name);
    }

    public String name(final int id)
    {
        return names.name(id);
    }

    public int numNodes(final int id)
    {
        return numNodes[id];
    }

    public long sizeBytes(final int id)
    {
        return sizeBytes[id];
    }

    /** Bitset over node slots of the nodes holding the image (bit s of word s/64). */
    public long[] nodeBits(final int id)
    {
        return nodeBits.get(id);
    }

    public boolean has(final int id, final int slot)
    {
        final long[] bits = nodeBits.get(id);
        return (bits[slot >>> 6] & (1L << (slot & 63))) != 0;
    }

    public int count()
    {
        return names.size();
    }

    void add(final String name, final long size, final int slot)
    {
        final int before = names.size();
        final int id = names.intern(name);
        if (id == before)
        {
            if (id == numNodes.length)
            {
                numNodes = Arrays.copyOf(numNodes, id * 2);
                sizeBytes = Arrays.copyOf(sizeBytes, id * 2);
            }
            nodeBits.put(id, new long[slotWords]);
        }
        final long[] bits = nodeBits.get(id);
        final long bit = 1L << (slot & 63);
        if ((bits[slot >>> 6] & bit) == 0)
        {
            bits[slot >>> 6] |= bit;
            if (numNodes[id]++ == 0)
            {
                sizeBytes[id] = size;
            }
        }
    }

    void remove(final String name, final int slot)
    {
        final int id = names.find(name);
        if (id < 0)
        {
            return;
        }
        final long[] bits = nodeBits.get(id);
        final long bit = 1L << (slot & 63);
        if ((bits[slot >>> 6] & bit) != 0)
        {
            bits[slot >>> 6] &= ~bit;
            numNodes[id]--;
        }
    }

    void grow(final int newCapacity)
    {
        slotWords = newCapacity / 64;
        for (final Int2ObjectHashMap<long[]>.EntryIterator it = nodeBits.entrySet().iterator(); it.hasNext(); )
        {
            it.next();
            it.setValue(Arrays.copyOf(it.getValue(), slotWords));
        }
    }
}
