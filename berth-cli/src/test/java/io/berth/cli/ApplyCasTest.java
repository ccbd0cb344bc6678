package io.berth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.berth.mirror.source.DelegatingSource;
import io.berth.mirror.codec.ObjectStorageCodec;
import io.berth.mirror.codec.ObjectStorageCodec.FileObject;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.KeyValue;

/** apply's read-compare-swap loop when another writer changes the object between the read and the swap. */
class ApplyCasTest
{
    private final ObjectStorageCodec codec = new ObjectStorageCodec(KeyLayout.DEFAULT);
    private final FileObject node = codec.read("n.yaml", """
        kind: Node
        metadata: {name: n1, labels: {from: file}}
        """).objects().getFirst();

    @Test
    void aLostSwapIsRetriedOnTheNewRevision() throws Exception
    {
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            store.put(node.key(), codec.encode(codec.forCreate(codec.read("n.yaml", """
                kind: Node
                metadata: {name: n1, labels: {from: before}}
                """).objects().getFirst())));
            // Another writer: the first time apply reads the key (a get), it changes the node behind apply's back.
            final int[] interferences = {0};
            final EmbeddedStore contended = store;
            final StringWriter err = new StringWriter();
            final ApplyCommand.Outcome outcome = ApplyCommand.apply(new DelegatingSource(contended)
            {
                @Override
                public KeyValue get(final String key)
                {
                    final KeyValue kv = super.get(key);
                    if (interferences[0]++ == 0)
                    {
                        contended.put(key, codec.encode(codec.forCreate(codec.read("n.yaml", """
                            kind: Node
                            metadata: {name: n1, labels: {from: other-writer}}
                            """).objects().getFirst())));
                    }
                    return kv;
                }
            }, codec, node, new PrintWriter(err));
            assertThat(outcome).isEqualTo(ApplyCommand.Outcome.CONFIGURED);
            assertThat(interferences[0]).as("apply read again after losing the swap").isEqualTo(2);
            final JsonNode stored = new ObjectMapper().readTree(store.get(node.key()).value());
            assertThat(stored.path("metadata").path("labels").path("from").asText()).isEqualTo("file");
            assertThat(err.toString()).isEmpty();
        }
    }

    @Test
    void aCorruptStoredValueIsReplacedWithAWarning()
    {
        try (EmbeddedStore store = new EmbeddedStore())
        {
            store.put(node.key(), "{garbage".getBytes(StandardCharsets.UTF_8));
            final StringWriter err = new StringWriter();
            assertThat(ApplyCommand.apply(store, codec, node, new PrintWriter(err, true)))
                .isEqualTo(ApplyCommand.Outcome.CONFIGURED);
            assertThat(err.toString()).contains("replacing a value that cannot be read: /registry/minions/n1: not JSON");
            assertThat(ApplyCommand.apply(store, codec, node, new PrintWriter(err, true)))
                .isEqualTo(ApplyCommand.Outcome.UNCHANGED);
        }
    }
}
