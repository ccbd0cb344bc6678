package io.berth.mirror.codec;

/** A field of an object that cannot be mapped: the object is skipped and reported. Carries no stack trace. */
final class FieldException extends Exception
{
    private final String field;

    FieldException(final String field, final String message)
    {
        super(message, null, false, false);
        this.field = field;
    }

    String field()
    {
        return field;
    }
}
