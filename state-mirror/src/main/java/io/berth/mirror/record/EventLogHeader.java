package io.berth.mirror.record;

/** The header of an event log: format version, the key prefix recorded, and the wall time the recording began. */
public record EventLogHeader(int version, String prefix, long startEpochMs)
{
}
