package io.berth.mirror.ring;

import com.lmax.disruptor.Cursored;
import io.berth.mirror.checkpoint.RecordEncoder;
import io.berth.mirror.codec.KubeJsonWriter;
import io.berth.mirror.source.KeyLayout;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Generated keys and values the decoder threads decode at start, before their first event, so the JIT compiles the
 * decoder while the first list page is still in flight (or the checkpoint is being opened) instead of a sync
 * decoding most of its objects with the interpreter's and C1's code (docs/PERFORMANCE.md, issue 4). The values are a
 * small generated cluster ({@link ClusterGenerator}) in the form the first work will have: JSON written by the
 * codec's own {@link KubeJsonWriter} for a list, binary records written by {@link RecordEncoder} for a checkpoint
 * load ({@link #checkpointRecords}). Nodes, bound pods and pending pods are interleaved, so the decoder's first
 * profile has seen every kind the work brings. Built once, on the first decoder thread that asks, and shared
 * read-only; the decoded objects are dropped.
 * <p>
 * The warm-up never holds up real work for long: it stops as soon as the ring holds more than one event (a list
 * publishes its {@link RawEvent#RELIST_BEGIN} marker first, then its entries or its end; a watch's events come after
 * a list), checked every {@value #CHECK_EVERY} documents. So it fills the first list page's round trip and little
 * more; a mirror of an empty or small store is delayed by generating the documents (when the ring was still empty at
 * start) and at most {@value #CHECK_EVERY} decodes.
 */
final class DecoderWarmUp
{
    /** Distinct documents generated; the decoders go over them until they have decoded their share of the events. */
    static final int DISTINCT_DOCUMENTS = 1024;
    /** Documents decoded between two looks at the ring's cursor. */
    static final int CHECK_EVERY = 16;
    private static final long SEED = 0x5eed_dec0deL;
    private static final byte[] NO_JSON = new byte[0];

    private final KeyLayout layout;
    private final int events;
    private byte[][] keys;
    private byte[][] values;
    /** Set before the decoder threads start (their start orders it before their reads). */
    private boolean skipped;
    /** Likewise: binary checkpoint records rather than JSON. */
    private boolean records;

    /** {@code events} decodes in all, shared between the decoders. */
    DecoderWarmUp(final KeyLayout layout, final int events)
    {
        this.layout = layout;
        this.events = events;
    }

    /** No warm-up after all. Before start only. */
    void skip()
    {
        skipped = true;
    }

    /** The first work is a checkpoint load: warm the binary record decoder instead of JSON. Before start only. */
    void checkpointRecords()
    {
        records = true;
    }

    /**
     * Decodes this decoder's share of the warm-up events with {@code decoder}, into a scratch event, or fewer: it
     * stops once {@code ring}'s cursor is past its first event. Returns how many it decoded.
     */
    int run(final EventDecoder decoder, final int ordinal, final int decoders, final Cursored ring)
    {
        final int share = events / decoders + (ordinal < events % decoders ? 1 : 0);
        if (skipped || share <= 0 || ring.getCursor() > 0)
        {
            return 0;
        }
        final byte[][] keys;
        final byte[][] values;
        synchronized (this)
        {
            if (this.keys == null)
            {
                generate();
            }
            keys = this.keys;
            values = this.values;
        }
        final RawEvent scratch = new RawEvent();
        int next = ordinal % keys.length;
        int decoded = 0;
        while (decoded < share && (decoded % CHECK_EVERY != 0 || ring.getCursor() <= 0))
        {
            scratch.type = records ? RawEvent.CHECKPOINT_ENTRY : RawEvent.LIST_ENTRY;
            scratch.key = keys[next];
            scratch.value = values[next];
            decoder.decode(scratch);
            scratch.clear();
            decoded++;
            if (++next == keys.length)
            {
                next = 0;
            }
        }
        return decoded;
    }

    private void generate()
    {
        final int nodes = Math.max(1, DISTINCT_DOCUMENTS / 16);
        final int bound = (DISTINCT_DOCUMENTS - nodes) * 2 / 3;
        final int pending = DISTINCT_DOCUMENTS - nodes - bound;
        final GeneratedCluster cluster = ClusterGenerator.generate(GeneratorSpec.parse(
            "nodes=" + nodes + ",existing=" + bound + ",pods=" + pending + ",seed=" + SEED));
        final List<NodeObject> nodeList = cluster.nodes();
        final List<PodObject> boundList = cluster.boundPods();
        final List<PodObject> pendingList = cluster.pendingPods();
        final int total = nodeList.size() + boundList.size() + pendingList.size();
        final byte[][] k = new byte[total][];
        final byte[][] v = new byte[total][];
        final KubeJsonWriter writer = new KubeJsonWriter();
        final RecordEncoder encoder = records ? new RecordEncoder() : null;
        int n = 0;
        int node = 0;
        int boundPod = 0;
        int pendingPod = 0;
        // interleaved: one node in 16 documents, bound and pending pods 2:1, so every stretch of the run has all three
        while (n < total)
        {
            if (node < nodeList.size() && (n % 16 == 0 || boundPod == boundList.size() && pendingPod == pendingList.size()))
            {
                final NodeObject object = nodeList.get(node++);
                k[n] = bytes(layout.node(object.name()));
                v[n++] = encoder != null ? record(encoder, object) : writer.node(object);
            }
            else if (boundPod < boundList.size() && (n % 3 != 2 || pendingPod == pendingList.size()))
            {
                final PodObject object = boundList.get(boundPod++);
                k[n] = bytes(layout.pod(object.namespace(), object.name()));
                v[n++] = encoder != null ? record(encoder, object) : writer.pod(object);
            }
            else if (pendingPod < pendingList.size())
            {
                final PodObject object = pendingList.get(pendingPod++);
                k[n] = bytes(layout.pod(object.namespace(), object.name()));
                v[n++] = encoder != null ? record(encoder, object) : writer.pod(object);
            }
            else
            {
                final NodeObject object = nodeList.get(node++);
                k[n] = bytes(layout.node(object.name()));
                v[n++] = encoder != null ? record(encoder, object) : writer.node(object);
            }
        }
        keys = k;
        values = v;
    }

    /** The generated documents' keys (for tests). */
    synchronized byte[][] keys()
    {
        if (keys == null)
        {
            generate();
        }
        return keys;
    }

    /** The generated documents' values (for tests). */
    synchronized byte[][] values()
    {
        if (values == null)
        {
            generate();
        }
        return values;
    }

    private static byte[] record(final RecordEncoder encoder, final Object object)
    {
        final byte[] record = new byte[encoder.encode(object, NO_JSON)];
        encoder.buffer().getBytes(0, record);
        return record;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
