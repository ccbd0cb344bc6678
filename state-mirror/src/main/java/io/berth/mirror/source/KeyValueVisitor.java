package io.berth.mirror.source;

/** Receives the entries of a {@link ClusterSource#list}. The arrays belong to the visitor once passed. */
@FunctionalInterface
public interface KeyValueVisitor
{
    /** One listed key. */
    void onKeyValue(byte[] key, byte[] value, long modRevision);
}
