package io.berth.mirror.record;

/** An event log that cannot be used at all: unreadable, or its header is missing, truncated or corrupt. */
public final class EventLogException extends RuntimeException
{
    public EventLogException(final String message, final Throwable cause)
    {
        super(message, cause);
    }

    public EventLogException(final String message)
    {
        super(message);
    }
}
