package io.berth.mirror.ring;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import io.berth.mirror.source.KeyLayout;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The mirror's LMAX Disruptor ring: pre-allocated {@link RawEvent}s, published by any number of producers (the
 * source's watch thread, the list or checkpoint loader), decoded by {@code decoders} {@link BatchEventProcessor}s on
 * their own threads (event sequence modulo the decoder count picks the decoder, so decoding fans out), and consumed
 * in sequence order by ONE applier through an {@link EventPoller} gated on every decoder's sequence. The applier is
 * not a thread of the ring: whoever calls {@link #poll} (the scheduling agent's duty cycle) is it, so the tables it
 * writes have that single writer and the scheduler reads them without locks.
 */
public final class EventRing implements AutoCloseable
{
    private final RingBuffer<RawEvent> ring;
    private final BatchEventProcessor<RawEvent>[] processors;
    private final Thread[] threads;
    private final EventPoller<RawEvent> poller;
    private final DecoderWarmUp warmUp;

    /** A ring whose decoders start without a warm-up. */
    public EventRing(
        final int sizeEvents,
        final int decoders,
        final KeyClassifier classifier,
        final WaitStrategy waitStrategy,
        final ThreadFactory threadFactory)
    {
        this(sizeEvents, decoders, classifier, null, 0, waitStrategy, threadFactory);
    }

    /**
     * A ring whose decoders, on their threads before the first event, decode up to {@code warmUpEvents} generated
     * node and pod values (keys under {@code layout}) between them, so the JIT compiles the decoder early, stopping
     * as soon as the ring holds more than one event; 0 for none.
     */
    @SuppressWarnings("unchecked")
    public EventRing(
        final int sizeEvents,
        final int decoders,
        final KeyClassifier classifier,
        final KeyLayout layout,
        final int warmUpEvents,
        final WaitStrategy waitStrategy,
        final ThreadFactory threadFactory)
    {
        if (warmUpEvents < 0 || warmUpEvents > 0 && layout == null)
        {
            throw new IllegalArgumentException("ring: warmUpEvents must not be negative and needs a layout: " +
                warmUpEvents + ", " + layout);
        }
        warmUp = warmUpEvents > 0 ? new DecoderWarmUp(layout, warmUpEvents) : null;
        ring = RingBuffer.createMultiProducer(RawEvent::new, sizeEvents, waitStrategy);
        final SequenceBarrier barrier = ring.newBarrier();
        processors = new BatchEventProcessor[decoders];
        threads = new Thread[decoders];
        final Sequence[] decoded = new Sequence[decoders];
        for (int i = 0; i < decoders; i++)
        {
            processors[i] = new BatchEventProcessorBuilder().build(
                ring, barrier, new DecodeHandler(i, decoders, classifier, warmUp, ring));
            decoded[i] = processors[i].getSequence();
            threads[i] = threadFactory.newThread(processors[i]);
        }
        poller = ring.newPoller(decoded);
        ring.addGatingSequences(poller.getSequence());
    }

    /** Starts the decoder threads, with their JSON warm-up if the ring has one. */
    public void start()
    {
        start(WarmUp.JSON);
    }

    /** What the decoders warm up on before their first event, when the ring was built with a warm-up. */
    public enum WarmUp
    {
        /** Nothing. */
        NONE,
        /** JSON values, as a list or a watch brings them. */
        JSON,
        /** Binary checkpoint records, as a checkpoint load brings them. */
        CHECKPOINT_RECORDS
    }

    /** Starts the decoder threads, warming them up on {@code warmUp}'s form if the ring was built with a warm-up. */
    public void start(final WarmUp warmUp)
    {
        if (this.warmUp != null)
        {
            switch (warmUp)
            {
                case NONE -> this.warmUp.skip();
                case CHECKPOINT_RECORDS -> this.warmUp.checkpointRecords();
                case JSON -> { }
            }
        }
        for (final Thread thread : threads)
        {
            thread.start();
        }
    }

    /**
     * Publishes one keyed event (put, delete, list or checkpoint entry); blocks while the ring is full. Claims a slot
     * and fills it in place, as an EventTranslator would, without boxing the revision. The arrays are handed over.
     */
    public void publish(final int type, final byte[] key, final byte[] value, final long modRevision)
    {
        final long sequence = ring.next();
        try
        {
            fill(ring.get(sequence), type, key, value, modRevision);
        }
        finally
        {
            ring.publish(sequence);
        }
    }

    /** Fills a claimed slot with a fresh keyed event: the decoders' fields cleared. */
    private static void fill(
        final RawEvent event, final int type, final byte[] key, final byte[] value, final long modRevision)
    {
        event.type = type;
        event.key = key;
        event.value = value;
        event.modRevision = modRevision;
        event.keyText = null;
        event.name = null;
        event.kind = null;
        event.decoded = null;
        event.error = null;
    }

    /**
     * Publishes one keyed event if the ring has a free slot; false, publishing nothing, when it is full. For threads
     * that must not block (a client library's event loop).
     */
    public boolean tryPublish(final int type, final byte[] key, final byte[] value, final long modRevision)
    {
        final long sequence;
        try
        {
            sequence = ring.tryNext();
        }
        catch (final InsufficientCapacityException ex)
        {
            return false;
        }
        try
        {
            fill(ring.get(sequence), type, key, value, modRevision);
        }
        finally
        {
            ring.publish(sequence);
        }
        return true;
    }

    /** Slots of the ring. */
    public int size()
    {
        return ring.getBufferSize();
    }

    /** Publishes a marker ({@link RawEvent#RELIST_BEGIN}, {@link RawEvent#RELIST_END}, {@link RawEvent#PROGRESS}). */
    public void publishMarker(final int type, final long revision)
    {
        publish(type, null, null, revision);
    }

    /**
     * Hands decoded events, in sequence order, to {@code handler} until it returns false or none is ready; called by
     * the applier thread only. Returns whether anything was handled.
     */
    public boolean poll(final EventPoller.Handler<RawEvent> handler)
    {
        try
        {
            return poller.poll(handler) == EventPoller.PollState.PROCESSING;
        }
        catch (final RuntimeException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Events published and not yet applied. */
    public long backlog()
    {
        return ring.getCursor() - poller.getSequence().get();
    }

    /** Stops and joins the decoder threads. */
    @Override
    public void close()
    {
        for (final BatchEventProcessor<RawEvent> processor : processors)
        {
            processor.halt();
        }
        for (final Thread thread : threads)
        {
            try
            {
                thread.join(TimeUnit.SECONDS.toMillis(10));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
