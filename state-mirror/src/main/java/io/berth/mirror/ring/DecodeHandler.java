package io.berth.mirror.ring;

import com.lmax.disruptor.EventHandler;
import io.berth.mirror.codec.JsonObjectDecoder;
import io.berth.mirror.codec.KubeKind;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;

import java.nio.charset.StandardCharsets;

/**
 * One of the ring's decoders: handles the events whose sequence is {@code ordinal} modulo {@code count}, turning
 * key bytes into text, kind and name, and value bytes into a model object or an error. An object whose name does
 * not match its key is an error too, so the mirror can always find what a key holds by the key alone.
 */
final class DecodeHandler implements EventHandler<RawEvent>
{
    private final int ordinal;
    private final int count;
    private final KeyClassifier classifier;
    private final JsonObjectDecoder decoder = new JsonObjectDecoder();

    DecodeHandler(final int ordinal, final int count, final KeyClassifier classifier)
    {
        this.ordinal = ordinal;
        this.count = count;
        this.classifier = classifier;
    }

    @Override
    public void onEvent(final RawEvent event, final long sequence, final boolean endOfBatch)
    {
        if (sequence % count == ordinal && event.hasKey())
        {
            decode(event, classifier, decoder);
        }
    }

    /** Fills the decoder's fields of one event; never throws. */
    static void decode(final RawEvent event, final KeyClassifier classifier, final JsonObjectDecoder decoder)
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
        final Object decoded;
        try
        {
            decoded = decoder.decode(kind, event.value);
        }
        catch (final RuntimeException ex)
        {
            event.error = "cannot decode: " + ex;
            return;
        }
        if (decoded == null)
        {
            event.error = decoder.error();
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
