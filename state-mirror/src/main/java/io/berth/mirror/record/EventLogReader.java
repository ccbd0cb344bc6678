package io.berth.mirror.record;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * Reads an event log written by {@link EventLogWriter}. Every intact record goes to the visitor in file order; the
 * first record that is truncated, fails its checksum or holds an impossible field ends the read, and is reported in
 * the {@link Result} by its 1-based number with what was wrong: the records before it stay usable. A log whose header
 * cannot be read is refused with an {@link EventLogException}.
 */
public final class EventLogReader
{
    /**
     * What a read found.
     *
     * @param header      the log's header
     * @param records     intact records delivered
     * @param errorRecord the number of the first unusable record, or 0 when the log ended cleanly
     * @param error       what was wrong with it, or null
     */
    public record Result(EventLogHeader header, long records, long errorRecord, String error)
    {
        /** Whether the whole log was read. */
        public boolean clean()
        {
            return error == null;
        }
    }

    private final String name;
    private final InputStream in;
    private final CRC32 crc = new CRC32();
    private byte[] buffer = new byte[4096];
    private int length;

    /** Reads from {@code in}; {@code name} (a file name) is used in messages. */
    public EventLogReader(final String name, final InputStream in)
    {
        this.name = name;
        this.in = in;
    }

    /** Reads a whole file. */
    public static Result read(final Path file, final EventLogVisitor visitor)
    {
        return read(file, header -> { }, visitor);
    }

    /** Reads a whole file, handing its header to {@code onHeader} before the first record. */
    public static Result read(final Path file, final Consumer<EventLogHeader> onHeader, final EventLogVisitor visitor)
    {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16))
        {
            return new EventLogReader(file.toString(), in).read(onHeader, visitor);
        }
        catch (final IOException ex)
        {
            throw new EventLogException(file + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    /** Reads the header, then every record to the end or to the first unusable one. */
    public Result read(final EventLogVisitor visitor)
    {
        return read(header -> { }, visitor);
    }

    /** {@link #read(EventLogVisitor)}, handing the header to {@code onHeader} before the first record. */
    public Result read(final Consumer<EventLogHeader> onHeader, final EventLogVisitor visitor)
    {
        final EventLogHeader header = header();
        onHeader.accept(header);
        long number = 0;
        while (true)
        {
            final long recordNumber = number + 1;
            length = 0;
            final int first;
            try
            {
                first = in.read();
            }
            catch (final IOException ex)
            {
                return new Result(header, number, recordNumber, "cannot read: " + ex.getMessage());
            }
            if (first < 0)
            {
                return new Result(header, number, 0, null);
            }
            try
            {
                append(first);
                final EventType type = EventType.ofCode(first);
                if (type == null)
                {
                    throw new CorruptRecord("unknown record type " + first);
                }
                final long nanos = varint();
                final long modRevision = varint();
                final byte[] key = bytes(varint(), EventLogFormat.MAX_KEY_BYTES, "key");
                final byte[] value = bytes(varint(), EventLogFormat.MAX_VALUE_BYTES, "value");
                checksum();
                visitor.onRecord(recordNumber, type, nanos, modRevision, key, value);
                number = recordNumber;
            }
            catch (final EOFException ex)
            {
                return new Result(header, number, recordNumber, "truncated record (" + length + " bytes)");
            }
            catch (final CorruptRecord ex)
            {
                return new Result(header, number, recordNumber, ex.getMessage());
            }
            catch (final IOException ex)
            {
                return new Result(header, number, recordNumber, "cannot read: " + ex.getMessage());
            }
        }
    }

    private EventLogHeader header()
    {
        length = 0;
        try
        {
            for (final byte m : EventLogFormat.MAGIC)
            {
                if (next() != (m & 0xFF))
                {
                    throw new EventLogException(name + ": not a Berth event log (bad magic)");
                }
            }
            final int version = next();
            if (version != EventLogFormat.VERSION)
            {
                throw new EventLogException(name + ": event log format version " + version + ", this Berth reads " +
                    EventLogFormat.VERSION);
            }
            final byte[] prefix = bytes(varint(), EventLogFormat.MAX_PREFIX_BYTES, "prefix");
            long startEpochMs = 0;
            for (int i = 0; i < 8; i++)
            {
                startEpochMs = (startEpochMs << 8) | next();
            }
            checksum();
            return new EventLogHeader(version, new String(prefix, StandardCharsets.UTF_8), startEpochMs);
        }
        catch (final EOFException ex)
        {
            throw new EventLogException(name + ": truncated event log header", ex);
        }
        catch (final CorruptRecord ex)
        {
            throw new EventLogException(name + ": corrupt event log header: " + ex.getMessage(), ex);
        }
        catch (final IOException ex)
        {
            throw new EventLogException(name + ": cannot read: " + ex.getMessage(), ex);
        }
    }

    private void checksum() throws IOException
    {
        crc.reset();
        crc.update(buffer, 0, length);
        final long expected = crc.getValue();
        long stored = 0;
        for (int i = 0; i < 4; i++)
        {
            stored = (stored << 8) | next();
        }
        if (stored != expected)
        {
            throw new CorruptRecord("checksum mismatch");
        }
    }

    private byte[] bytes(final long count, final int max, final String what) throws IOException
    {
        if (count > max)
        {
            throw new CorruptRecord(what + " length " + count + " over the limit of " + max);
        }
        final byte[] bytes = in.readNBytes((int)count);
        if (bytes.length < count)
        {
            length += bytes.length;
            throw new EOFException();
        }
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
        return bytes;
    }

    private long varint() throws IOException
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            final int b = next();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
        throw new CorruptRecord("varint longer than 9 bytes");
    }

    private int next() throws IOException
    {
        final int b = in.read();
        if (b < 0)
        {
            throw new EOFException();
        }
        append(b);
        return b;
    }

    private void append(final int b)
    {
        ensure(1);
        buffer[length++] = (byte)b;
    }

    private void ensure(final int more)
    {
        if (length + more > buffer.length)
        {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private static final class CorruptRecord extends IOException
    {
        CorruptRecord(final String message)
        {
            super(message);
        }
    }
}
