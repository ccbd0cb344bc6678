package io.berth.mirror.record;

/** What a record of an event log says happened to its key. */
public enum EventType
{
    /** The key was present in the initial list (time 0). */
    LIST_ENTRY(1),
    /** A watch put. */
    PUT(2),
    /** A watch delete (the value is empty). */
    DELETE(3);

    private static final EventType[] BY_CODE = {null, LIST_ENTRY, PUT, DELETE};

    /** The byte written for this type. */
    public final int code;

    EventType(final int code)
    {
        this.code = code;
    }

    /** The type of {@code code}, or null when the code is not one. */
    public static EventType ofCode(final int code)
    {
        return code > 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
