package io.berth.mirror.ring;

import com.lmax.disruptor.Cursored;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;

/**
 * One of the ring's decoders: decodes the events whose sequence is {@code ordinal} modulo {@code count}. It releases
 * each event as soon as it is past it (the processor's sequence callback), not only at the end of the batch it took:
 * a list publishes thousands of events at once, and the applier, gated on every decoder's sequence, would otherwise
 * wait for a whole batch to be decoded before applying the first of it.
 * <p>
 * An {@code EventHandler<Object>}, not {@code <RawEvent>}: a generic handler gets a bridge method, and C2 compiled the
 * bridge (what the Disruptor calls) and the typed method as two roots, each with the whole decoder inlined (1-2.4 s of
 * the one C2 thread each, during a cold sync). With no bridge there is one entry to compile.
 */
final class DecodeHandler implements EventHandler<Object>
{
    private final int ordinal;
    private final int count;
    private final EventDecoder decoder;
    private final DecoderWarmUp warmUp;
    private final Cursored ring;
    private Sequence released;

    DecodeHandler(
        final int ordinal, final int count, final KeyClassifier classifier, final DecoderWarmUp warmUp,
        final Cursored ring)
    {
        this.ordinal = ordinal;
        this.count = count;
        this.decoder = new EventDecoder(classifier);
        this.warmUp = warmUp;
        this.ring = ring;
    }

    /** On the decoder's thread before its first event: the warm-up, if any, until the ring has real work. */
    @Override
    public void onStart()
    {
        if (warmUp != null)
        {
            warmUp.run(decoder, ordinal, count, ring);
        }
    }

    @Override
    public void setSequenceCallback(final Sequence sequenceCallback)
    {
        released = sequenceCallback;
    }

    @Override
    public void onEvent(final Object slot, final long sequence, final boolean endOfBatch)
    {
        if (sequence % count == ordinal)
        {
            final RawEvent event = (RawEvent)slot;
            if (event.hasKey())
            {
                decoder.decode(event);
            }
            if (released != null)
            {
                released.set(sequence); // an ordered store: the decoded fields are visible to the applier first
            }
        }
    }
}
