package io.berth.mirror.source;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Records what a watch delivers, in order, and hands it to a test with a deadline (sources deliver on their thread). */
final class RecordingListener implements WatchListener
{
    /** One delivered callback. */
    sealed interface Item permits Put, Delete, Progress, Compacted, Failed
    {
    }

    record Put(String key, String value, long modRevision) implements Item
    {
    }

    record Delete(String key, long modRevision) implements Item
    {
    }

    record Progress(long revision) implements Item
    {
    }

    record Compacted(long compactRevision) implements Item
    {
    }

    record Failed(Throwable error) implements Item
    {
    }

    static final long DEADLINE_NS = TimeUnit.SECONDS.toNanos(20);

    private final LinkedBlockingQueue<Item> items = new LinkedBlockingQueue<>();

    @Override
    public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
    {
        final String k = new String(key, StandardCharsets.UTF_8);
        items.add(delete ? new Delete(k, modRevision) : new Put(k, new String(value, StandardCharsets.UTF_8), modRevision));
    }

    @Override
    public void onProgress(final long revision)
    {
        items.add(new Progress(revision));
    }

    @Override
    public void onCompacted(final long compactRevision)
    {
        items.add(new Compacted(compactRevision));
    }

    @Override
    public void onError(final Throwable error)
    {
        items.add(new Failed(error));
    }

    /** The next item, waiting up to {@link #DEADLINE_NS}; fails the test when none comes. */
    Item next()
    {
        try
        {
            final Item item = items.poll(DEADLINE_NS, TimeUnit.NANOSECONDS);
            if (item == null)
            {
                throw new AssertionError("no watch callback within " + TimeUnit.NANOSECONDS.toSeconds(DEADLINE_NS) + " s");
            }
            return item;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", ex);
        }
    }

    /** The next item that is not a progress notification. */
    Item nextSkippingProgress()
    {
        Item item = next();
        while (item instanceof Progress)
        {
            item = next();
        }
        return item;
    }

    /** What is queued now, without waiting. */
    Item poll()
    {
        return items.poll();
    }
}
