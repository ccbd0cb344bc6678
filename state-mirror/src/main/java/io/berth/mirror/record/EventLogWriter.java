package io.berth.mirror.record;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.zip.CRC32;

/**
 * Writes an event log (layout in {@code EventLogFormat}): a header, then one checksummed record per listed key or
 * watch event, each stamped with the nanoseconds since the writer was created by the injected clock. List entries
 * are stamped 0. One writer thread; records are encoded into one reused buffer, so steady-state writing allocates
 * only when a record outgrows it.
 */
public final class EventLogWriter implements AutoCloseable
{
    private final OutputStream out;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final CRC32 crc = new CRC32();
    private byte[] buffer = new byte[4096];
    private int length;
    private long records;

    /**
     * Starts a log: writes the header.
     *
     * @param out          where the log goes; closed by {@link #close()}
     * @param prefix       the key prefix recorded (informational: the reader hands it back)
     * @param startEpochMs the wall time the recording begins
     * @param nanoClock    a monotonic clock; each record's time is its reading minus the reading at construction
     */
    public EventLogWriter(final OutputStream out, final String prefix, final long startEpochMs,
        final LongSupplier nanoClock)
    {
        this.out = out;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        final byte[] prefixBytes = prefix.getBytes(StandardCharsets.UTF_8);
        if (prefixBytes.length > EventLogFormat.MAX_PREFIX_BYTES)
        {
            throw new IllegalArgumentException("prefix longer than " + EventLogFormat.MAX_PREFIX_BYTES + " bytes");
        }
        length = 0;
        append(EventLogFormat.MAGIC, EventLogFormat.MAGIC.length);
        appendByte(EventLogFormat.VERSION);
        appendVarint(prefixBytes.length);
        append(prefixBytes, prefixBytes.length);
        for (int shift = 56; shift >= 0; shift -= 8)
        {
            appendByte((int)(startEpochMs >>> shift));
        }
        flushRecord();
    }

    /** A log in a new file (replaced when it exists), buffered. */
    public static EventLogWriter create(final Path file, final String prefix, final long startEpochMs,
        final LongSupplier nanoClock)
    {
        try
        {
            return new EventLogWriter(new BufferedOutputStream(Files.newOutputStream(file), 1 << 16), prefix,
                startEpochMs, nanoClock);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(file + ": cannot write: " + ex.getMessage(), ex);
        }
    }

    /** A key of the initial list, at time 0. */
    public void listEntry(final byte[] key, final byte[] value, final long modRevision)
    {
        write(EventType.LIST_ENTRY, 0, modRevision, key, value);
    }

    /** A watch put, stamped now. */
    public void put(final byte[] key, final byte[] value, final long modRevision)
    {
        write(EventType.PUT, sinceStart(), modRevision, key, value);
    }

    /** A watch delete, stamped now. */
    public void delete(final byte[] key, final long modRevision)
    {
        write(EventType.DELETE, sinceStart(), modRevision, key, null);
    }

    /** Any record with an explicit time (for tools that rewrite logs). */
    public void write(final EventType type, final long nanosSinceStart, final long modRevision, final byte[] key,
        final byte[] value)
    {
        if (nanosSinceStart < 0 || modRevision < 0)
        {
            throw new IllegalArgumentException("negative time or revision: " + nanosSinceStart + ", " + modRevision);
        }
        final int valueLength = value == null ? 0 : value.length;
        if (key.length > EventLogFormat.MAX_KEY_BYTES || valueLength > EventLogFormat.MAX_VALUE_BYTES)
        {
            throw new IllegalArgumentException("key of " + key.length + " bytes or value of " + valueLength +
                " bytes is over the log's limits");
        }
        length = 0;
        appendByte(type.code);
        appendVarint(nanosSinceStart);
        appendVarint(modRevision);
        appendVarint(key.length);
        append(key, key.length);
        appendVarint(valueLength);
        if (valueLength > 0)
        {
            append(value, valueLength);
        }
        flushRecord();
        records++;
    }

    /** Records written so far. */
    public long records()
    {
        return records;
    }

    /** Pushes buffered records to the file. */
    public void flush()
    {
        try
        {
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot flush the event log: " + ex.getMessage(), ex);
        }
    }

    @Override
    public void close()
    {
        try
        {
            out.close();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot close the event log: " + ex.getMessage(), ex);
        }
    }

    private long sinceStart()
    {
        return Math.max(0, nanoClock.getAsLong() - startNanos);
    }

    private void flushRecord()
    {
        crc.reset();
        crc.update(buffer, 0, length);
        final long sum = crc.getValue();
        appendByte((int)(sum >>> 24));
        appendByte((int)(sum >>> 16));
        appendByte((int)(sum >>> 8));
        appendByte((int)sum);
        try
        {
            out.write(buffer, 0, length);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write the event log: " + ex.getMessage(), ex);
        }
    }

    private void appendVarint(final long value)
    {
        long v = value;
        while ((v & ~0x7FL) != 0)
        {
            appendByte((int)((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        appendByte((int)v);
    }

    private void appendByte(final int b)
    {
        ensure(1);
        buffer[length++] = (byte)b;
    }

    private void append(final byte[] bytes, final int count)
    {
        ensure(count);
        System.arraycopy(bytes, 0, buffer, length, count);
        length += count;
    }

    private void ensure(final int more)
    {
        if (length + more > buffer.length)
        {
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
