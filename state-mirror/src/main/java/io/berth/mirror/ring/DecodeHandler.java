package io.berth.mirror.ring;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;

/**
 * One of the ring's decoders: decodes the events whose sequence is {@code ordinal} modulo {@code count}. It releases
 * each event as soon as it is past it (the processor's sequence callback), not only at the end of the batch it took:
 * a list publishes thousands of events at once, and the applier, gated on every decoder's sequence, would otherwise
 * wait for a whole batch to be decoded before applying the first of it.
 */
final class DecodeHandler implements EventHandler<RawEvent>
{
    private final int ordinal;
    private final int count;
    private final EventDecoder decoder;
    private Sequence released;

    DecodeHandler(final int ordinal, final int count, final KeyClassifier classifier)
    {
        this.ordinal = ordinal;
        this.count = count;
        this.decoder = new EventDecoder(classifier);
    }

    @Override
    public void setSequenceCallback(final Sequence sequenceCallback)
    {
        released = sequenceCallback;
    }

    @Override
    public void onEvent(final RawEvent event, final long sequence, final boolean endOfBatch)
    {
        if (sequence % count == ordinal)
        {
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
