package io.berth.mirror.ring;

import io.berth.mirror.codec.KubeKind;

/**
 * One pre-allocated slot of the mirror's ring. A producer (the watch listener, the list visitor, the checkpoint
 * loader) fills {@link #type}, {@link #key}, {@link #value} and {@link #modRevision}; the decoder that owns the
 * slot's sequence fills {@link #keyText}, {@link #name}, {@link #kind} and either {@link #decoded} or
 * {@link #error}; the applier reads it all and clears the references. Fields are written by one stage and read by
 * later ones; the Disruptor's sequences order them.
 */
public final class RawEvent
{
    /** A put from the watch. */
    public static final int PUT = 1;
    /** A delete from the watch; {@link #value} is empty. */
    public static final int DELETE = 2;
    /** One key of a list (a relist, or the first list). */
    public static final int LIST_ENTRY = 3;
    /** A list starts: keys it does not list will be deleted at its end. */
    public static final int RELIST_BEGIN = 4;
    /** A list ended at {@link #modRevision}; the mirror now reflects that revision. */
    public static final int RELIST_END = 5;
    /** Nothing changed up to {@link #modRevision} (a progress notification). */
    public static final int PROGRESS = 6;
    /**
     * One key loaded from the checkpoint file (already stored there, so not written back); {@link #value} is its
     * {@link io.berth.mirror.checkpoint.CheckpointRecord}, not JSON.
     */
    public static final int CHECKPOINT_ENTRY = 7;

    public int type;
    public byte[] key;
    public byte[] value;
    public long modRevision;

    /** Set by the decoder: the key as text, the object's name part of it ({@code ns/name} or {@code name}). */
    public String keyText;
    public String name;
    public KubeKind kind;
    /** Set by the decoder: the model object, or null with {@link #error} set for a corrupt value. */
    public Object decoded;
    public String error;

    /** Drops every reference so the slot keeps nothing alive once applied. */
    public void clear()
    {
        key = null;
        value = null;
        keyText = null;
        name = null;
        kind = null;
        decoded = null;
        error = null;
    }

    /** True for events that carry a key and value to decode. */
    public boolean hasValue()
    {
        return type == PUT || type == LIST_ENTRY || type == CHECKPOINT_ENTRY;
    }

    /** True for events that carry a key. */
    public boolean hasKey()
    {
        return hasValue() || type == DELETE;
    }
}
