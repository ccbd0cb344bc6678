package io.berth.mirror.ring;

import io.berth.mirror.checkpoint.RecordDecoder;
import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.codec.KubeKind;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;

import java.nio.charset.StandardCharsets;

/**
 * The decode step of the ring, for one thread: key bytes to text, kind and name; value bytes (JSON, or a checkpoint
 * entry's {@link io.berth.mirror.checkpoint.CheckpointRecord}) to a model object or an error. An object whose name
 * does not match its key is an error too, so the mirror always finds what a key holds by the key alone. Each ring decoder owns one; replays and benchmarks use one directly.
 */
public final class EventDecoder
{
    private final KeyClassifier classifier;
    private final JsonObjectDecoder decoder = new JsonObjectDecoder();
    private final RecordDecoder records = new RecordDecoder();

    public EventDecoder(final KeyClassifier classifier)
    {
        this.classifier = classifier;
    }

    /** Fills the decoder's fields of one event; never throws. */
    public void decode(final RawEvent event)
    {
        final byte[] key = event.key;
        event.keyText = new String(key, StandardCharsets.UTF_8);
        final KubeKind kind = classifier.kindOf(key);
        event.kind = kind;
        event.decoded = null;
        event.error = null;
        if (kind == KubeKind.OTHER)
        {
            return;
        }
        final String name = classifier.nameOf(key);
        event.name = name;
        if (!event.hasValue())
        {
            return;
        }
        if (name == null)
        {
            event.error = "key does not name a " + kind.kindName();
            return;
        }
        final boolean fromCheckpoint = event.type == RawEvent.CHECKPOINT_ENTRY;
        final Object decoded;
        try
        {
            decoded = fromCheckpoint ? records.decode(kind, event.value, decoder) : decoder.decode(kind, event.value);
        }
        catch (final RuntimeException ex)
        {
            event.error = "cannot decode: " + ex;
            return;
        }
        if (decoded == null)
        {
            event.error = fromCheckpoint ? records.error() : decoder.error();
            return;
        }
        if (!name.equals(identity(decoded)))
        {
            event.error = "the object is named \"" + identity(decoded) + "\", not \"" + name + "\" as its key says";
            return;
        }
        event.decoded = decoded;
    }

    private static String identity(final Object object)
    {
        return switch (object)
        {
            case PodObject pod -> pod.key();
            case NodeObject node -> node.name();
            case NamespaceObject namespace -> namespace.name();
            case PriorityClass priorityClass -> priorityClass.name();
            case PodDisruptionBudget pdb -> pdb.namespace() + "/" + pdb.name();
            default -> "";
        };
    }
}
