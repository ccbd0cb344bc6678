package io.berth.mirror.source;

/** An open watch; closing it stops delivery. */
public interface WatchHandle extends AutoCloseable
{
    @Override
    void close();
}
