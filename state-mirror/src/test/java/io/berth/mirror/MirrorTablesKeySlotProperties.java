package io.berth.mirror;

import io.berth.mirror.codec.KubeKind;
import io.berth.mirror.ring.EventDecoder;
import io.berth.mirror.ring.KeyClassifier;
import io.berth.mirror.ring.RawEvent;
import io.berth.mirror.source.EmbeddedStore;
import io.berth.mirror.source.KeyLayout;
import io.berth.mirror.source.KeyValue;
import io.berth.mirror.source.WatchHandle;
import io.berth.mirror.source.WatchListener;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link MirrorTables} interns each key to a slot of primitive columns and reuses the slot of a deleted key (deleted
 * by a watch event or by a relist's diff). Driven directly (no ring, one thread) through random puts, deletes,
 * corrupt values and relists of the same few hundred keys, so slots are freed and taken by other keys over and over,
 * the tables must stay equal to a fresh list of the store, and hold exactly the store's keys at their mod revisions.
 */
class MirrorTablesKeySlotProperties
{
    private static final KeyLayout LAYOUT = KeyLayout.DEFAULT;

    @Property(tries = 20)
    void afterRandomPutsDeletesAndRelistsTheKeySlotsHoldExactlyTheStore(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true));
        try (store)
        {
            final MirrorTest.Workload workload = new MirrorTest.Workload(store, seed);
            workload.run(random.nextInt(100));
            final SchedulingEngine engine =
                new SchedulingEngine(new NodeTable(64), PluginRegistry.build(Profile.defaultProfile()), 1);
            // keys reported corrupt since their last delete: a corrupt value must be reported (once) whatever slot
            // the key was given
            final Set<String> reported = new HashSet<>();
            final MirrorTables tables = new MirrorTables(engine, (key, revision, error) -> reported.add(key));
            final EventDecoder decoder = new EventDecoder(new KeyClassifier(LAYOUT));
            final RawEvent event = new RawEvent();
            final WatchListener listener = new WatchListener()
            {
                public void onEvent(final boolean delete, final byte[] key, final byte[] value, final long modRevision)
                {
                    if (delete)
                    {
                        reported.remove(new String(key, StandardCharsets.UTF_8));
                    }
                    apply(tables, decoder, event, delete ? RawEvent.DELETE : RawEvent.PUT, key, value, modRevision);
                }

                public void onCompacted(final long compactRevision)
                {
                    throw new AssertionError("not compacted in this test");
                }

                public void onError(final Throwable error)
                {
                    throw new AssertionError(error);
                }
            };
            WatchHandle watch = store.watch(LAYOUT.root(), relist(store, tables, decoder, event, reported) + 1, listener);
            for (int round = 0; round < 8; round++)
            {
                final boolean missed = random.nextInt(3) == 0;
                if (missed)
                {
                    watch.close(); // writes the tables do not see: the relist after must diff them in
                }
                workload.run(random.nextInt(150));
                if (missed)
                {
                    watch = store.watch(LAYOUT.root(), relist(store, tables, decoder, event, reported) + 1, listener);
                }
                assertSameAsStore(store, tables, reported);
            }
            // delete everything: every slot is freed, then taken again by new puts
            for (final String key : storeKeys(store).keySet())
            {
                store.delete(key);
            }
            assertThat(tables.keyCount()).isZero();
            workload.run(50 + random.nextInt(100));
            assertSameAsStore(store, tables, reported);
            watch.close();
        }
    }

    /** A relist through the tables as the sync thread publishes one: begin, every key, end at the list's revision. */
    private static long relist(
        final EmbeddedStore store, final MirrorTables tables, final EventDecoder decoder, final RawEvent event,
        final Set<String> reported)
    {
        final Set<String> listed = new HashSet<>();
        tables.apply(marker(event, RawEvent.RELIST_BEGIN, 0));
        final long revision = store.list(LAYOUT.root(), (key, value, modRevision) ->
        {
            listed.add(new String(key, StandardCharsets.UTF_8));
            apply(tables, decoder, event, RawEvent.LIST_ENTRY, key, value, modRevision);
        });
        tables.apply(marker(event, RawEvent.RELIST_END, revision));
        reported.retainAll(listed); // keys the diff deleted
        return revision;
    }

    private static RawEvent marker(final RawEvent event, final int type, final long revision)
    {
        event.clear();
        event.type = type;
        event.modRevision = revision;
        return event;
    }

    private static void apply(
        final MirrorTables tables, final EventDecoder decoder, final RawEvent event,
        final int type, final byte[] key, final byte[] value, final long modRevision)
    {
        event.clear();
        event.type = type;
        event.key = key;
        event.value = value;
        event.modRevision = modRevision;
        decoder.decode(event);
        tables.apply(event);
    }

    private static void assertSameAsStore(final EmbeddedStore store, final MirrorTables tables, final Set<String> reported)
    {
        new FreshList(store, LAYOUT).assertSameAs(tables);
        final TreeMap<String, Long> keys = storeKeys(store);
        assertThat(tables.keyCount()).isEqualTo(keys.size());
        final EventDecoder decoder = new EventDecoder(new KeyClassifier(LAYOUT));
        final RawEvent event = new RawEvent();
        for (final var e : keys.entrySet())
        {
            assertThat(tables.modRevision(e.getKey())).as(e.getKey()).isEqualTo(e.getValue());
            final KeyValue kv = store.get(e.getKey());
            event.clear();
            event.type = RawEvent.PUT;
            event.key = e.getKey().getBytes(StandardCharsets.UTF_8);
            event.value = kv.value();
            decoder.decode(event);
            if (event.decoded == null)
            {
                assertThat(reported).as("corrupt " + e.getKey() + " reported").contains(e.getKey());
            }
        }
    }

    /** The store's keys of kinds the mirror maps, with their mod revisions. */
    private static TreeMap<String, Long> storeKeys(final EmbeddedStore store)
    {
        final KeyClassifier classifier = new KeyClassifier(LAYOUT);
        final TreeMap<String, Long> keys = new TreeMap<>();
        store.list(LAYOUT.root(), (key, value, modRevision) ->
        {
            if (classifier.kindOf(key) != KubeKind.OTHER)
            {
                keys.put(new String(key, StandardCharsets.UTF_8), modRevision);
            }
        });
        return keys;
    }
}
