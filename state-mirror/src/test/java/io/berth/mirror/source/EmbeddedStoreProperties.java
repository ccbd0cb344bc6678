package io.berth.mirror.source;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Random writes, then a replay of the watch history from the start (or the compaction) equals the final list. */
class EmbeddedStoreProperties
{
    /** kind: 0 put, 1 delete, 2 create-if-absent, 3 CAS on the current mod revision, 4 CAS on a stale one, 5 compact. */
    record Op(int kind, int key, int value)
    {
    }

    @Provide
    Arbitrary<List<Op>> ops()
    {
        return Combinators.combine(Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, 1000)).as(Op::new).list().ofMaxSize(200);
    }

    @Property(tries = 300)
    void replayFromTheStartEqualsTheFinalList(@ForAll("ops") final List<Op> ops)
    {
        try (EmbeddedStore store = new EmbeddedStore(new EmbeddedStore.Context().deliverOnWriterThread(true)))
        {
            long expectedRevision = store.currentRevision();
            // modelAt.get(r - 1): the expected contents at revision r (revision 1 is the empty store)
            final TreeMap<String, String> model = new TreeMap<>();
            final List<TreeMap<String, String>> modelAt = new ArrayList<>();
            modelAt.add(new TreeMap<>());
            for (final Op op : ops)
            {
                final String key = "/p/" + op.key();
                final byte[] value = ("v" + op.value()).getBytes(StandardCharsets.UTF_8);
                final KeyValue current = store.get(key);
                final long result = switch (op.kind())
                {
                    case 0 -> store.put(key, value);
                    case 1 -> store.delete(key);
                    case 2 -> store.compareAndSwap(key, ClusterSource.ABSENT, value);
                    case 3 -> store.compareAndSwap(key, current == null ? ClusterSource.ABSENT : current.modRevision(), value);
                    case 4 -> store.compareAndSwap(key, current == null ? 1 : current.modRevision() - 1, value);
                    default ->
                    {
                        store.compact(Math.max(1, store.currentRevision() - op.value() % 3));
                        yield ClusterSource.CAS_FAILED;
                    }
                };
                final boolean wrote = switch (op.kind())
                {
                    case 0, 3 -> true;
                    case 1 -> current != null;
                    case 2 -> current == null;
                    case 4 -> false;
                    default -> false;
                };
                if (wrote)
                {
                    expectedRevision++;
                    if (op.kind() == 1)
                    {
                        model.remove(key);
                    }
                    else
                    {
                        model.put(key, "v" + op.value());
                    }
                    modelAt.add(new TreeMap<>(model));
                    assertThat(result).isEqualTo(expectedRevision);
                }
                else
                {
                    assertThat(result).isEqualTo(ClusterSource.CAS_FAILED);
                }
                assertThat(store.currentRevision()).isEqualTo(expectedRevision);
            }

            // Replay from the oldest revision still watchable onto the state just before it: the final list.
            final long from = Math.max(1, store.compactRevision());
            final TreeMap<String, String> replayed = new TreeMap<>(modelAt.get((int)Math.max(0, from - 2)));
            final List<Long> revisions = new ArrayList<>();
            final long[] compacted = {-1};
            store.watch("/p/", from, new WatchListener()
            {
                @Override
                public void onEvent(final boolean delete, final byte[] k, final byte[] v, final long modRevision)
                {
                    revisions.add(modRevision);
                    final String key = new String(k, StandardCharsets.UTF_8);
                    if (delete)
                    {
                        replayed.remove(key);
                    }
                    else
                    {
                        replayed.put(key, new String(v, StandardCharsets.UTF_8));
                    }
                }

                @Override
                public void onCompacted(final long compactRevision)
                {
                    compacted[0] = compactRevision;
                }

                @Override
                public void onError(final Throwable error)
                {
                    throw new AssertionError(error);
                }
            }).close();
            assertThat(compacted[0]).isEqualTo(-1);
            assertThat(revisions).isSorted().doesNotHaveDuplicates();
            final TreeMap<String, String> listed = new TreeMap<>();
            final long listRevision = store.list("/p/",
                (k, v, r) -> listed.put(new String(k, StandardCharsets.UTF_8), new String(v, StandardCharsets.UTF_8)));
            assertThat(listRevision).isEqualTo(expectedRevision);
            assertThat(listed).isEqualTo(model);
            assertThat(replayed).isEqualTo(listed);
            if (!revisions.isEmpty())
            {
                assertThat(revisions.getFirst()).isGreaterThanOrEqualTo(from);
                assertThat(revisions.getLast()).isEqualTo(expectedRevision);
            }
        }
    }
}
