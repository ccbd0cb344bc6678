package io.berth.mirror.record;

import java.nio.charset.StandardCharsets;

/**
 * The layout of Berth's recorded event log, shared by {@link EventLogWriter} and {@link EventLogReader}.
 * <p>
 * Header: magic {@code "BRTHLOG\n"} (8 bytes), u8 format version, varint prefix length, key prefix (UTF-8),
 * i64 big-endian start wall time (epoch milliseconds), u32 CRC32 of the header bytes before it.
 * <p>
 * Record: u8 type ({@link EventType#code}), varint nanoseconds since start, varint mod revision, varint key length,
 * key (UTF-8), varint value length, value bytes, u32 big-endian CRC32 of the record bytes before it. Varints are
 * unsigned LEB128 of non-negative longs.
 */
final class EventLogFormat
{
    static final byte[] MAGIC = "BRTHLOG\n".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    /** The longest key accepted (etcd keys are short; anything longer is a corrupt length). */
    static final int MAX_KEY_BYTES = 64 * 1024;
    /** The longest value accepted: well above etcd's 1.5 MiB request limit; anything longer is a corrupt length. */
    static final int MAX_VALUE_BYTES = 16 * 1024 * 1024;
    /** The longest prefix accepted in the header. */
    static final int MAX_PREFIX_BYTES = 4096;

    private EventLogFormat()
    {
    }
}
