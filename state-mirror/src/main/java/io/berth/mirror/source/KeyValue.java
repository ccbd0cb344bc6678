package io.berth.mirror.source;

/** One key with its value and etcd revisions (Kubernetes' resourceVersion is {@code modRevision}). */
public record KeyValue(String key, byte[] value, long createRevision, long modRevision)
{
}
