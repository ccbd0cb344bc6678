package io.berth.mirror.ring;

import com.lmax.disruptor.BlockingWaitStrategy;
import io.berth.mirror.checkpoint.CheckpointRecord;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The decoders' start-up warm-up: what it decodes, and that a warmed-up ring decodes events as a cold one does. */
class DecoderWarmUpTest
{
    private final KeyLayout layout = new KeyLayout("/warm");

    @Test
    void everyWarmUpDocumentDecodesUnderItsKeyAndEveryStretchHasNodesBoundAndPendingPods()
    {
        final DecoderWarmUp warmUp = new DecoderWarmUp(layout, 1);
        final byte[][] keys = warmUp.keys();
        final byte[][] values = warmUp.values();
        assertThat(keys.length).isEqualTo(DecoderWarmUp.DISTINCT_DOCUMENTS).isEqualTo(values.length);
        final EventDecoder decoder = new EventDecoder(new KeyClassifier(layout));
        for (int from = 0; from < keys.length; from += 48)
        {
            int nodes = 0;
            int bound = 0;
            int pending = 0;
            for (int i = from; i < Math.min(keys.length, from + 48); i++)
            {
                final RawEvent event = listEntry(keys[i], values[i]);
                decoder.decode(event);
                assertThat(event.error).as("document %d", i).isNull();
                switch (event.decoded)
                {
                    case NodeObject node -> nodes++;
                    case PodObject pod when pod.nodeName() != null && !pod.nodeName().isEmpty() -> bound++;
                    case PodObject pod -> pending++;
                    default -> throw new AssertionError("document " + i + " decoded to " + event.decoded);
                }
            }
            if (from + 48 <= keys.length - 48) // the tail may run out of one kind
            {
                assertThat(nodes).as("nodes from %d", from).isPositive();
                assertThat(bound).as("bound pods from %d", from).isPositive();
                assertThat(pending).as("pending pods from %d", from).isPositive();
            }
        }
    }

    @Test
    void aCheckpointLoadWarmsUpOnBinaryRecordsOfTheSameObjects()
    {
        final DecoderWarmUp json = new DecoderWarmUp(layout, 1);
        final DecoderWarmUp records = new DecoderWarmUp(layout, 1);
        records.checkpointRecords();
        final byte[][] keys = records.keys();
        assertThat(keys).isDeepEqualTo(json.keys());
        final EventDecoder decoder = new EventDecoder(new KeyClassifier(layout));
        for (int i = 0; i < keys.length; i++)
        {
            assertThat(records.values()[i][0]).as("document %d", i)
                .isIn(CheckpointRecord.TYPE_NODE, CheckpointRecord.TYPE_POD);
            final RawEvent record = listEntry(keys[i], records.values()[i]);
            record.type = RawEvent.CHECKPOINT_ENTRY;
            decoder.decode(record);
            final RawEvent listed = listEntry(keys[i], json.values()[i]);
            decoder.decode(listed);
            assertThat(record.error).as("document %d", i).isNull();
            assertThat(record.decoded).as("document %d", i).isEqualTo(listed.decoded);
        }
        assertThat(records.run(decoder, 0, 1, () -> -1L)).isEqualTo(1);
    }

    @Test
    void theDecodersShareTheWarmUpAndStopOnceTheRingHasMoreThanItsFirstEvent()
    {
        final DecoderWarmUp warmUp = new DecoderWarmUp(layout, 1001);
        final EventDecoder decoder = new EventDecoder(new KeyClassifier(layout));
        assertThat(warmUp.run(decoder, 0, 2, () -> -1L)).isEqualTo(501); // nothing published yet
        assertThat(warmUp.run(decoder, 1, 2, () -> 0L)).isEqualTo(500);  // only a list's RELIST_BEGIN
        assertThat(warmUp.run(decoder, 0, 2, () -> 1L)).isZero();        // the list's first entry is there

        final long[] cursor = {-1};
        final int decoded = warmUp.run(decoder, 0, 1, () -> ++cursor[0] > 2 ? 1 : -1); // published after 3 looks
        assertThat(decoded).isEqualTo(2 * DecoderWarmUp.CHECK_EVERY);
        assertThat(new DecoderWarmUp(layout, 3).run(decoder, 5, 8, () -> -1L)).isZero(); // no share left for it

        final DecoderWarmUp skipped = new DecoderWarmUp(layout, 100);
        skipped.skip();
        assertThat(skipped.run(decoder, 0, 1, () -> -1L)).isZero();
    }

    @Test
    void aWarmedUpRingDecodesEventsAsAColdOneAndInOrder()
    {
        final List<RawEvent> cold = decodeThroughRing(0, 3);
        final List<RawEvent> warm = decodeThroughRing(5000, 3);
        assertThat(warm).hasSameSizeAs(cold);
        for (int i = 0; i < cold.size(); i++)
        {
            assertThat(warm.get(i).keyText).isEqualTo(cold.get(i).keyText);
            assertThat(warm.get(i).kind).isEqualTo(cold.get(i).kind);
            assertThat(warm.get(i).error).isEqualTo(cold.get(i).error);
            assertThat(warm.get(i).decoded).isEqualTo(cold.get(i).decoded);
        }
        assertThat(cold.get(0).decoded).isInstanceOf(NodeObject.class);
        assertThat(cold.get(1).decoded).isInstanceOf(PodObject.class);
        assertThat(cold.get(2).error).contains("invalid JSON"); // a corrupt value is still an error after the warm-up
    }

    @Test
    void aNegativeWarmUpOrOneWithoutALayoutIsRejected()
    {
        assertThatThrownBy(() -> new EventRing(16, 1, new KeyClassifier(layout), layout, -1,
            new BlockingWaitStrategy(), Thread::new)).hasMessageContaining("warmUpEvents");
        assertThatThrownBy(() -> new EventRing(16, 1, new KeyClassifier(layout), null, 10,
            new BlockingWaitStrategy(), Thread::new)).hasMessageContaining("warmUpEvents");
    }

    /** A node, a pod and a corrupt pod value through a ring with {@code warmUpEvents}, polled in order. */
    private List<RawEvent> decodeThroughRing(final int warmUpEvents, final int decoders)
    {
        final KubeJsonWriter writer = new KubeJsonWriter();
        final List<RawEvent> polled = new ArrayList<>();
        try (EventRing ring = new EventRing(64, decoders, new KeyClassifier(layout), layout, warmUpEvents,
            new BlockingWaitStrategy(), runnable ->
            {
                final Thread thread = new Thread(runnable, "warm-up-test-decoder");
                thread.setDaemon(true);
                return thread;
            }))
        {
            ring.start();
            ring.publish(RawEvent.LIST_ENTRY, bytes(layout.node("n1")),
                writer.node(new NodeObject.Builder().name("n1").build()), 1);
            ring.publish(RawEvent.PUT, bytes(layout.pod("ns", "p1")),
                writer.pod(new PodObject.Builder().namespace("ns").name("p1").build()), 2);
            ring.publish(RawEvent.PUT, bytes(layout.pod("ns", "p2")), bytes("{\"kind\": \"Pod\", "), 3);
            final long deadline = System.nanoTime() + 30_000_000_000L; // decoding on other threads: a generous bound
            while (polled.size() < 3 && System.nanoTime() < deadline)
            {
                ring.poll((event, sequence, endOfBatch) ->
                {
                    final RawEvent copy = new RawEvent();
                    copy.keyText = event.keyText;
                    copy.kind = event.kind;
                    copy.decoded = event.decoded;
                    copy.error = event.error;
                    polled.add(copy);
                    event.clear();
                    return true;
                });
                Thread.onSpinWait();
            }
        }
        assertThat(polled).hasSize(3);
        assertThat(polled.get(0).kind).isEqualTo(KubeKind.NODE);
        return polled;
    }

    private static RawEvent listEntry(final byte[] key, final byte[] value)
    {
        final RawEvent event = new RawEvent();
        event.type = RawEvent.LIST_ENTRY;
        event.key = key;
        event.value = value;
        return event;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
