package io.berth.mirror.record;

/** Receives the intact records of an event log in file order. The arrays belong to the visitor once passed. */
@FunctionalInterface
public interface EventLogVisitor
{
    /** Record {@code number} (1-based). {@code value} is empty for a delete. */
    void onRecord(long number, EventType type, long nanosSinceStart, long modRevision, byte[] key, byte[] value);
}
