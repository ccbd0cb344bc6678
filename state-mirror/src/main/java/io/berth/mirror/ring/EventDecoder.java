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
        event.name = null;
        event.decoded = null;
        event.error = null;
        if (kind == KubeKind.OTHER)
        {
            return;
        }
        final int nameStart = classifier.nameStart(key);
        if (!event.hasValue())
        {
            event.name = nameStart < 0 ? null : name(key, nameStart);
            return;
        }
        if (nameStart < 0)
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
            event.name = name(key, nameStart);
            event.error = "cannot decode: " + ex;
            return;
        }
        if (decoded == null)
        {
            event.name = name(key, nameStart);
            event.error = fromCheckpoint ? records.error() : decoder.error();
            return;
        }
        final String identity = identity(decoded);
        if (!sameText(key, nameStart, identity))
        {
            final String name = name(key, nameStart);
            event.name = name;
            event.error = "the object is named \"" + identity + "\", not \"" + name + "\" as its key says";
            return;
        }
        // the key names the object: its own name string serves as the event's (no second copy of it)
        event.name = identity;
        event.decoded = decoded;
    }

    private static String name(final byte[] key, final int start)
    {
        return new String(key, start, key.length - start, StandardCharsets.UTF_8);
    }

    /** True when the UTF-8 bytes of {@code key} from {@code start} to its end are {@code text}. */
    static boolean sameText(final byte[] key, final int start, final String text)
    {
        final int n = text.length();
        if (key.length - start == n)
        {
            boolean ascii = true;
            for (int i = 0; i < n; i++)
            {
                final byte b = key[start + i];
                if (b < 0)
                {
                    ascii = false;
                    break;
                }
                if (b != text.charAt(i))
                {
                    return false;
                }
            }
            if (ascii)
            {
                return true;
            }
        }
        else
        {
            // equal only if some character takes more than one byte
            boolean ascii = true;
            for (int i = start; i < key.length; i++)
            {
                if (key[i] < 0)
                {
                    ascii = false;
                    break;
                }
            }
            if (ascii)
            {
                return false;
            }
        }
        return name(key, start).equals(text);
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
