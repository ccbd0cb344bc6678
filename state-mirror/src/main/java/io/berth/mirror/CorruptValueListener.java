package io.berth.mirror;

/** Told, on the applier thread, when a key's value cannot be mapped (once per key until it is fixed or deleted). */
@FunctionalInterface
public interface CorruptValueListener
{
    void onCorruptValue(String key, long modRevision, String error);
}
