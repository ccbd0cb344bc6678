package io.berth.mirror.ring;

import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.model.PodObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The ring's decode step: key to kind and name, value to an object whose name must be the key's. */
class EventDecoderTest
{
    private final KeyLayout layout = KeyLayout.DEFAULT;
    private final EventDecoder decoder = new EventDecoder(new KeyClassifier(layout));

    @Test
    void aPodUnderItsOwnKeyIsNamedByItsKey()
    {
        final RawEvent event = put(layout.pod("shop", "web-1"), pod("shop", "web-1"));
        decoder.decode(event);
        assertThat(event.error).isNull();
        assertThat(event.kind).isEqualTo(KubeKind.POD);
        assertThat(event.keyText).isEqualTo("/registry/pods/shop/web-1");
        assertThat(event.name).isEqualTo("shop/web-1").isSameAs(((PodObject)event.decoded).key());
    }

    @Test
    void namesOutsideAsciiCompareByTheirText()
    {
        final RawEvent event = put(layout.pod("tëam", "wéb-ü"), pod("tëam", "wéb-ü"));
        decoder.decode(event);
        assertThat(event.error).isNull();
        assertThat(event.name).isEqualTo("tëam/wéb-ü");

        // same number of bytes as characters would not be: a multi-byte key against an ASCII name of its length
        final RawEvent other = put(layout.pod("ns", "é"), pod("ns", "ab"));
        decoder.decode(other);
        assertThat(other.decoded).isNull();
        assertThat(other.name).isEqualTo("ns/é");
        assertThat(other.error).isEqualTo("the object is named \"ns/ab\", not \"ns/é\" as its key says");
    }

    @Test
    void anObjectNamedOtherThanItsKeyIsAnError()
    {
        for (final String[] names : new String[][] {{"shop", "web-2"}, {"shop", "web-10"}, {"shoq", "web-1"}})
        {
            final RawEvent event = put(layout.pod("shop", "web-1"), pod(names[0], names[1]));
            decoder.decode(event);
            assertThat(event.decoded).isNull();
            assertThat(event.name).isEqualTo("shop/web-1");
            assertThat(event.error).isEqualTo("the object is named \"" + names[0] + "/" + names[1] +
                "\", not \"shop/web-1\" as its key says");
        }
    }

    @Test
    void badKeysAndValuesAreErrorsAndDeletesStillGetTheirName()
    {
        final RawEvent malformed = put("/registry/pods/no-namespace", pod("a", "b"));
        decoder.decode(malformed);
        assertThat(malformed.name).isNull();
        assertThat(malformed.error).isEqualTo("key does not name a Pod");

        final RawEvent corrupt = put(layout.pod("shop", "web-1"), "{nope");
        decoder.decode(corrupt);
        assertThat(corrupt.name).isEqualTo("shop/web-1");
        assertThat(corrupt.error).startsWith("invalid JSON");

        final RawEvent delete = new RawEvent();
        delete.type = RawEvent.DELETE;
        delete.key = layout.node("n1").getBytes(StandardCharsets.UTF_8);
        delete.value = new byte[0];
        decoder.decode(delete);
        assertThat(delete.kind).isEqualTo(KubeKind.NODE);
        assertThat(delete.name).isEqualTo("n1");
        assertThat(delete.error).isNull();
    }

    private static RawEvent put(final String key, final String value)
    {
        final RawEvent event = new RawEvent();
        event.type = RawEvent.PUT;
        event.key = key.getBytes(StandardCharsets.UTF_8);
        event.value = value.getBytes(StandardCharsets.UTF_8);
        event.modRevision = 7;
        return event;
    }

    private static String pod(final String namespace, final String name)
    {
        return "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"" +
            namespace + "\"}}";
    }
}
