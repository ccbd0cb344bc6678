package io.berth.sched.model;

/**
 * Thrown by {@link Quantity#parseMilli(String)} for text that is not a Kubernetes quantity, or whose value does
 * not fit in a {@code long} of milli-units. The message quotes the text.
 */
public final class QuantityFormatException extends IllegalArgumentException
{
    private final String text;

    public QuantityFormatException(final String text, final String message)
    {
        super(message);
        this.text = text;
    }

    /** The text that failed to parse. */
    public String text()
    {
        return text;
    }
}
