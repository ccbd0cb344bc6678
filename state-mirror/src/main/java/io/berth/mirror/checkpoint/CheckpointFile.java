package io.berth.mirror.checkpoint;

import net.openhft.chronicle.hash.Data;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * The mirror's warm-restart checkpoint: a Chronicle Map file of etcd key → (mod revision, {@link CheckpointRecord}),
 * plus a header entry under {@value #HEADER_KEY} (no etcd key starts with {@code #}): magic, format version, state
 * (clean or dirty), the revision the entries reflect, their count and an order-independent checksum (the sum of
 * one hash per entry). The mirror's applier writes entries as it applies changes, marks the header dirty at the
 * first change after a commit, and commits (clean header) on a period and at shutdown; a file whose header is
 * missing, dirty, of another version, or whose entries do not add up to its count and checksum is not trusted.
 * <p>
 * Nodes and pods are stored as compact binary records of the model object the applier placed (every field it has),
 * so a warm start rebuilds them without parsing JSON; other kinds, and values that did not decode, are stored as
 * their JSON and decoded again. Opening reads the entries once, as stored (no Chronicle-made strings or arrays to
 * copy again), to verify them, and keeps them for the load that follows. Writes come from the applier thread; reads
 * happen before the applier starts writing.
 */
public final class CheckpointFile implements AutoCloseable
{
    /** The key of the header entry. */
    public static final String HEADER_KEY = "#berth-mirror-checkpoint";
    /** Bumped whenever the entry or header layout changes. */
    public static final int FORMAT_VERSION = 2;

    private static final long MAGIC = 0x4245_5254_484D_4952L; // "BERTHMIR"
    private static final int STATE_CLEAN = 1;
    private static final int STATE_DIRTY = 2;
    private static final int HEADER_BYTES = 8 + 4 + 4 + 8 + 8 + 8;
    private static final int REVISION_BYTES = 8;
    private static final byte[] HEADER_KEY_BYTES = HEADER_KEY.getBytes(StandardCharsets.UTF_8);

    private final Path file;
    private final ChronicleMap<String, byte[]> map;
    private final CRC32C crc = new CRC32C();
    private final RecordEncoder encoder = new RecordEncoder();
    private boolean dirty;
    private long revision;
    private long entryCount;
    private long checksum;
    /** The entries as verified on open, kept for the one {@link #forEach} that loads them; null after it. */
    private byte[][] verifiedKeys;
    private byte[][] verifiedRecords;
    private long[] verifiedRevisions;
    private int verifiedCount;

    private CheckpointFile(final Path file, final ChronicleMap<String, byte[]> map)
    {
        this.file = file;
        this.map = map;
    }

    /** Sizing of a new file. */
    public record Sizing(long maxEntries, double averageKeyBytes, double averageValueBytes)
    {
        public Sizing
        {
            if (maxEntries < 1 || averageKeyBytes < 1 || averageValueBytes < 1)
            {
                throw new IllegalArgumentException("checkpoint sizing must be positive: " + maxEntries + ", " +
                    averageKeyBytes + ", " + averageValueBytes);
            }
        }
    }

    /** What {@link #open} found: a trusted file, or why there is none (the file is then deleted). */
    public record Opened(CheckpointFile file, String problem)
    {
    }

    /** Receives the entries of a verified file: the key's UTF-8, its {@link CheckpointRecord} and mod revision. */
    @FunctionalInterface
    public interface EntryVisitor
    {
        void onEntry(byte[] key, byte[] record, long modRevision);
    }

    /** Creates an empty file, replacing any file there; its header is clean at revision 0. */
    public static CheckpointFile create(final Path file, final Sizing sizing) throws IOException
    {
        Files.deleteIfExists(file);
        if (file.getParent() != null)
        {
            Files.createDirectories(file.getParent());
        }
        final ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
            .name("berth-mirror-checkpoint")
            .entries(sizing.maxEntries())
            .averageKeySize(sizing.averageKeyBytes())
            .averageValueSize(sizing.averageValueBytes() + REVISION_BYTES)
            .maxBloatFactor(4.0)
            .skipCloseOnExitHook(true) // the owner commits the header, then closes, from its own shutdown path
            .createPersistedTo(file.toFile());
        final CheckpointFile checkpoint = new CheckpointFile(file, map);
        checkpoint.writeHeader(STATE_CLEAN, 0, 0, 0);
        // One pass of the open's scan over the new file (its header alone) loads Chronicle's iteration classes now,
        // before the applier's put path is compiled. Loaded later (the next open in this JVM, a warm restart after
        // a cold sync) they would add implementations of interfaces that C2 had bound to the query context's only
        // ones, and the compiled applier, which inlines the put, would be thrown away mid-restart and recompiled.
        map.forEachEntryWhile(checkpoint.new Scan(1));
        return checkpoint;
    }

    /**
     * Opens an existing file and verifies it: header present, clean, this format version, and the entries' count
     * and checksum equal to the header's. On any problem (including a file Chronicle Map cannot open) the file is
     * closed and deleted and the problem returned; {@code file} is null then. A missing file is a problem too.
     */
    public static Opened open(final Path file)
    {
        if (!Files.exists(file))
        {
            return new Opened(null, "no checkpoint at " + file);
        }
        ChronicleMap<String, byte[]> map = null;
        String problem;
        try
        {
            // Maps the existing file as it is (no recovery scan of every segment, which costs seconds on a large
            // file): the header and checksum below decide whether its content is trusted.
            map = ChronicleMap.of(String.class, byte[].class)
                .name("berth-mirror-checkpoint")
                .skipCloseOnExitHook(true)
                .createPersistedTo(file.toFile());
            final CheckpointFile checkpoint = new CheckpointFile(file, map);
            problem = checkpoint.verify();
            if (problem == null)
            {
                return new Opened(checkpoint, null);
            }
        }
        catch (final Throwable ex) // Chronicle throws Errors as well as exceptions on garbage
        {
            problem = "cannot open: " + ex;
        }
        if (map != null)
        {
            try
            {
                map.close();
            }
            catch (final Throwable ignored)
            {
                // the file is deleted next anyway
            }
        }
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ex)
        {
            problem += "; and cannot delete it: " + ex;
        }
        return new Opened(null, "checkpoint " + file + " not trusted, rebuilding: " + problem);
    }

    /** Null when the header is clean and matches the entries; else what is wrong. */
    private String verify()
    {
        final byte[] header = map.get(HEADER_KEY);
        if (header == null || header.length != HEADER_BYTES)
        {
            return "no header";
        }
        final ByteBuffer h = ByteBuffer.wrap(header);
        if (h.getLong() != MAGIC)
        {
            return "bad magic";
        }
        final int version = h.getInt();
        if (version != FORMAT_VERSION)
        {
            return "format version " + version + ", expected " + FORMAT_VERSION;
        }
        final int state = h.getInt();
        if (state != STATE_CLEAN)
        {
            return "not closed cleanly (changes after its last commit)";
        }
        final long headerRevision = h.getLong();
        final long headerCount = h.getLong();
        final long headerChecksum = h.getLong();
        if (headerCount < 0 || headerCount > Integer.MAX_VALUE - 16)
        {
            return "header says " + headerCount + " entries";
        }
        // One pass over the raw entries (the key's UTF-8 and the value's bytes as stored, no String or value array
        // made by Chronicle): checks them and keeps them for the load, so the load does not iterate the map again.
        final Scan scan = new Scan((int)Math.min(headerCount + 1, map.longSize()));
        map.forEachEntryWhile(scan);
        if (scan.problem != null)
        {
            return scan.problem;
        }
        if (!scan.dropHeader())
        {
            return "no header among the entries";
        }
        final long count = scan.count;
        final long sum = scan.sum;
        if (count != headerCount)
        {
            return count + " entries, header says " + headerCount;
        }
        if (sum != headerChecksum)
        {
            return "checksum mismatch";
        }
        revision = headerRevision;
        entryCount = headerCount;
        checksum = headerChecksum;
        verifiedKeys = scan.keys;
        verifiedRecords = scan.records;
        verifiedRevisions = scan.revisions;
        verifiedCount = scan.count;
        return null;
    }

    /**
     * Reads, checks and keeps every entry, the header too, and stops at the first problem; {@link #dropHeader} then
     * takes the header out. Telling the header apart inside the pass would be a branch taken once in the whole scan,
     * somewhere in Chronicle's hash order: C2 compiles the pass without it, and the header's turn threw the
     * compiled scan away in the middle of a restart.
     */
    private final class Scan implements Predicate<MapEntry<String, byte[]>>
    {
        private final byte[] revisionBytes = new byte[REVISION_BYTES];
        byte[][] keys;
        byte[][] records;
        long[] revisions;
        int count;
        long sum;
        String problem;

        Scan(final int expected)
        {
            final int capacity = Math.max(16, expected);
            keys = new byte[capacity][];
            records = new byte[capacity][];
            revisions = new long[capacity];
        }

        @Override
        public boolean test(final MapEntry<String, byte[]> entry)
        {
            final Data<String> k = entry.key();
            final Data<byte[]> v = entry.value();
            if (k.size() > Integer.MAX_VALUE || v.size() > Integer.MAX_VALUE)
            {
                problem = "an entry of " + k.size() + " + " + v.size() + " bytes";
                return false;
            }
            final byte[] key = new byte[(int)k.size()];
            k.bytes().read(k.offset(), key, 0, key.length);
            if (v.size() < REVISION_BYTES) // never the header, whose value is longer
            {
                problem = "entry " + new String(key, StandardCharsets.UTF_8) + " is truncated";
                return false;
            }
            v.bytes().read(v.offset(), revisionBytes, 0, REVISION_BYTES);
            final long modRevision = ByteBuffer.wrap(revisionBytes).getLong(0);
            final byte[] value = new byte[(int)v.size() - REVISION_BYTES];
            v.bytes().read(v.offset() + REVISION_BYTES, value, 0, value.length);
            if (count == keys.length)
            {
                if (count >= Integer.MAX_VALUE / 2)
                {
                    problem = "more than " + count + " entries";
                    return false;
                }
                keys = Arrays.copyOf(keys, count * 2);
                records = Arrays.copyOf(records, count * 2);
                revisions = Arrays.copyOf(revisions, count * 2);
            }
            keys[count] = key;
            records[count] = value;
            revisions[count] = modRevision;
            count++;
            sum += hash(key, value, 0, value.length, modRevision);
            return true;
        }

        /** Takes the header's entry out of what was kept, and its hash out of the sum; false when it is not there. */
        boolean dropHeader()
        {
            for (int i = 0; i < count; i++)
            {
                if (Arrays.equals(keys[i], HEADER_KEY_BYTES))
                {
                    sum -= hash(keys[i], records[i], 0, records[i].length, revisions[i]);
                    count--;
                    keys[i] = keys[count];
                    records[i] = records[count];
                    revisions[i] = revisions[count];
                    keys[count] = null;
                    records[count] = null;
                    return true;
                }
            }
            return false;
        }
    }

    /** The revision the entries reflect, as of the last commit (or as verified on open). */
    public long revision()
    {
        return revision;
    }

    public long entryCount()
    {
        return entryCount;
    }

    public long checksum()
    {
        return checksum;
    }

    public Path path()
    {
        return file;
    }

    /**
     * Visits every entry (not the header); for the loader, before the applier writes. The first call after
     * {@link #open} hands out the entries read by its verification (and lets them go as it goes); any other call
     * reads the map.
     */
    public void forEach(final EntryVisitor visitor)
    {
        forEach(null, visitor);
    }

    /**
     * {@link #forEach(EntryVisitor)}, entries whose key starts with {@code firstPrefix} (UTF-8; null for none) first.
     * The loader passes the nodes' prefix: a list (keys in order) gives the applier nodes before the pods bound to
     * them, and a load in that order takes the applier's compiled paths, where the map's hash order would bind pods
     * to nodes it does not know yet and throw away the compiled applier (an uncommon branch) in the middle of a restart.
     */
    public void forEach(final byte[] firstPrefix, final EntryVisitor visitor)
    {
        if (verifiedKeys != null)
        {
            final byte[][] keys = verifiedKeys;
            final byte[][] records = verifiedRecords;
            final long[] revisions = verifiedRevisions;
            final int count = verifiedCount;
            verifiedKeys = null;
            verifiedRecords = null;
            verifiedRevisions = null;
            verifiedCount = 0;
            if (firstPrefix != null)
            {
                for (int i = 0; i < count; i++)
                {
                    if (startsWith(keys[i], firstPrefix))
                    {
                        visit(visitor, keys, records, revisions, i);
                    }
                }
            }
            for (int i = 0; i < count; i++)
            {
                if (keys[i] != null)
                {
                    visit(visitor, keys, records, revisions, i);
                }
            }
            return;
        }
        final String prefix = firstPrefix == null ? null : new String(firstPrefix, StandardCharsets.UTF_8);
        if (prefix != null)
        {
            visitMap(visitor, prefix, true);
        }
        visitMap(visitor, prefix, false);
    }

    private static void visit(
        final EntryVisitor visitor, final byte[][] keys, final byte[][] records, final long[] revisions, final int i)
    {
        final byte[] key = keys[i];
        final byte[] value = records[i];
        keys[i] = null;
        records[i] = null;
        visitor.onEntry(key, value, revisions[i]);
    }

    /** The map's entries with keys that start with {@code prefix} ({@code with}) or do not (null: all). */
    private void visitMap(final EntryVisitor visitor, final String prefix, final boolean with)
    {
        for (final Map.Entry<String, byte[]> e : map.entrySet())
        {
            final String key = e.getKey();
            if (HEADER_KEY.equals(key) || prefix != null && key.startsWith(prefix) != with)
            {
                continue;
            }
            final byte[] value = e.getValue();
            final byte[] record = new byte[value.length - REVISION_BYTES];
            System.arraycopy(value, REVISION_BYTES, record, 0, record.length);
            visitor.onEntry(key.getBytes(StandardCharsets.UTF_8), record, ByteBuffer.wrap(value).getLong(0));
        }
    }

    private static boolean startsWith(final byte[] key, final byte[] prefix)
    {
        return key.length >= prefix.length && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
    }

    /**
     * Stores a key's value as its record: {@code decoded} (a node or pod) in binary, anything else as {@code json}
     * (see {@link RecordEncoder#encode}). Returns the entry's hash for the caller's running checksum.
     */
    public long put(final String key, final byte[] keyBytes, final long modRevision, final Object decoded,
        final byte[] json)
    {
        markDirty();
        final int length = encoder.encode(decoded, json);
        final byte[] value = new byte[REVISION_BYTES + length];
        ByteBuffer.wrap(value).putLong(0, modRevision);
        System.arraycopy(encoder.byteArray(), 0, value, REVISION_BYTES, length);
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key))
        {
            c.updateLock().lock();
            final MapEntry<String, byte[]> entry = c.entry();
            final Data<byte[]> data = c.wrapValueAsData(value);
            if (entry != null)
            {
                c.replaceValue(entry, data);
            }
            else
            {
                c.insert(c.absentEntry(), data);
            }
        }
        return hash(keyBytes, value, REVISION_BYTES, length, modRevision);
    }

    /** Removes a key. */
    public void remove(final String key)
    {
        markDirty();
        try (ExternalMapQueryContext<String, byte[], ?> c = map.queryContext(key))
        {
            c.updateLock().lock();
            final MapEntry<String, byte[]> entry = c.entry();
            if (entry != null)
            {
                c.remove(entry);
            }
        }
    }

    /** Writes a clean header: the entries reflect {@code revision}, number {@code count}, sum to {@code checksum}. */
    public void commit(final long revision, final long count, final long checksum)
    {
        writeHeader(STATE_CLEAN, revision, count, checksum);
        this.revision = revision;
        this.entryCount = count;
        this.checksum = checksum;
        dirty = false;
    }

    private void markDirty()
    {
        if (!dirty)
        {
            writeHeader(STATE_DIRTY, revision, entryCount, checksum);
            dirty = true;
        }
    }

    private void writeHeader(final int state, final long revision, final long count, final long checksum)
    {
        final ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.putLong(MAGIC).putInt(FORMAT_VERSION).putInt(state).putLong(revision).putLong(count).putLong(checksum);
        map.put(HEADER_KEY, h.array());
    }

    /** The hash of one entry (its key's UTF-8, mod revision and record), summed into the checksum. */
    public long entryHash(final byte[] keyBytes, final long modRevision, final byte[] record)
    {
        return hash(keyBytes, record, 0, record.length, modRevision);
    }

    private long hash(final byte[] key, final byte[] value, final int offset, final int length, final long modRevision)
    {
        crc.reset();
        crc.update(key, 0, key.length);
        final long keyCrc = crc.getValue();
        crc.update(value, offset, length);
        final long valueCrc = crc.getValue();
        return (keyCrc << 32 | valueCrc) * 0x9E37_79B9_7F4A_7C15L + modRevision * 0xC2B2_AE3D_27D4_EB4FL;
    }

    @Override
    public void close()
    {
        map.close();
    }
}
