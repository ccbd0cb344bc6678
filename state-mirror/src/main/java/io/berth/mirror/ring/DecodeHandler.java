package io.berth.mirror.ring;

import com.lmax.disruptor.EventHandler;

/** One of the ring's decoders: decodes the events whose sequence is {@code ordinal} modulo {@code count}. */
final class DecodeHandler implements EventHandler<RawEvent>
{
    private final int ordinal;
    private final int count;
    private final EventDecoder decoder;

    DecodeHandler(final int ordinal, final int count, final KeyClassifier classifier)
    {
        this.ordinal = ordinal;
        this.count = count;
        this.decoder = new EventDecoder(classifier);
    }

    @Override
    public void onEvent(final RawEvent event, final long sequence, final boolean endOfBatch)
    {
        if (sequence % count == ordinal && event.hasKey())
        {
            decoder.decode(event);
        }
    }
}
