package io.berth.mirror.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EventLogTest
{
    record Rec(EventType type, long nanos, long modRevision, byte[] key, byte[] value)
    {
        @Override
        public boolean equals(final Object o)
        {
            return o instanceof Rec r && r.type == type && r.nanos == nanos && r.modRevision == modRevision &&
                Arrays.equals(r.key, key) && Arrays.equals(r.value, value);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(key);
        }

        @Override
        public String toString()
        {
            return type + "@" + nanos + "/" + modRevision + " " + key.length + "+" + value.length;
        }
    }

    @Provide
    Arbitrary<Rec> records()
    {
        final Arbitrary<EventType> type = Arbitraries.of(EventType.class);
        final Arbitrary<Long> nanos = Arbitraries.oneOf(Arbitraries.longs().between(0, 1000),
            Arbitraries.longs().between(0, Long.MAX_VALUE));
        final Arbitrary<Long> rev = Arbitraries.longs().between(0, Long.MAX_VALUE);
        final Arbitrary<byte[]> key = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        final Arbitrary<byte[]> value = Arbitraries.bytes().array(byte[].class).ofMaxSize(3000);
        return Combinators.combine(type, nanos, rev, key, value).as((t, n, r, k, v) ->
            new Rec(t, n, r, k, t == EventType.DELETE ? new byte[0] : v));
    }

    private static byte[] write(final List<Rec> records, final String prefix, final long startEpochMs)
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (EventLogWriter writer = new EventLogWriter(bytes, prefix, startEpochMs, () -> 0L))
        {
            for (final Rec r : records)
            {
                writer.write(r.type(), r.nanos(), r.modRevision(), r.key(), r.value());
            }
            assertThat(writer.records()).isEqualTo(records.size());
        }
        return bytes.toByteArray();
    }

    private static EventLogReader.Result read(final byte[] log, final List<Rec> into)
    {
        return new EventLogReader("test.log", new ByteArrayInputStream(log)).read(
            (number, type, nanos, modRevision, key, value) ->
            {
                assertThat(number).isEqualTo(into.size() + 1);
                into.add(new Rec(type, nanos, modRevision, key, value));
            });
    }

    private static int headerLength(final String prefix)
    {
        return write(List.of(), prefix, 0).length;
    }

    @Property(tries = 200)
    void recordsReadBackEqual(@ForAll @Size(max = 40) final List<@From("records") Rec> records,
        @ForAll final long startEpochMs)
    {
        final List<Rec> read = new ArrayList<>();
        final EventLogReader.Result result = read(write(records, "/registry/", startEpochMs), read);
        assertThat(result.clean()).isTrue();
        assertThat(result.records()).isEqualTo(records.size());
        assertThat(result.header()).isEqualTo(new EventLogHeader(1, "/registry/", startEpochMs));
        assertThat(read).isEqualTo(records);
    }

    @Property(tries = 300)
    void aTruncatedLogGivesItsIntactPrefixAndNamesTheBrokenRecord(
        @ForAll @Size(min = 1, max = 12) final List<@From("records") Rec> records, @ForAll final double where)
    {
        final byte[] full = write(records, "/p/", 7);
        final int cut = (int)(Math.abs(where % 1.0) * full.length);
        final byte[] truncated = Arrays.copyOf(full, cut);
        if (cut < headerLength("/p/"))
        {
            assertThatThrownBy(() -> read(truncated, new ArrayList<>())).isInstanceOf(EventLogException.class)
                .hasMessageContaining("test.log");
            return;
        }
        // Where each record ends in the full log.
        final List<Integer> ends = new ArrayList<>();
        for (int i = 1; i <= records.size(); i++)
        {
            ends.add(write(records.subList(0, i), "/p/", 7).length);
        }
        int intact = 0;
        while (intact < ends.size() && ends.get(intact) <= cut)
        {
            intact++;
        }
        final List<Rec> read = new ArrayList<>();
        final EventLogReader.Result result = read(truncated, read);
        assertThat(read).isEqualTo(records.subList(0, intact));
        assertThat(result.records()).isEqualTo(intact);
        final boolean atBoundary = cut == headerLength("/p/") || ends.contains(cut);
        assertThat(result.clean()).isEqualTo(atBoundary);
        if (!atBoundary)
        {
            assertThat(result.errorRecord()).isEqualTo(intact + 1);
            assertThat(result.error()).contains("truncated");
        }
    }

    @Property(tries = 200)
    void aFlippedByteNeverYieldsAWrongRecord(@ForAll @Size(min = 1, max = 8) final List<@From("records") Rec> records,
        @ForAll final double where, @ForAll final byte mask)
    {
        final byte[] log = write(records, "/p/", 7);
        final int header = headerLength("/p/");
        final int at = header + (int)(Math.abs(where % 1.0) * (log.length - header));
        log[at] ^= (byte)(mask == 0 ? 1 : mask);
        final List<Rec> read = new ArrayList<>();
        final EventLogReader.Result result = read(log, read);
        assertThat(result.clean()).isFalse();
        assertThat(read).isEqualTo(records.subList(0, read.size()));
        assertThat(result.errorRecord()).isEqualTo(read.size() + 1);
    }

    @Test
    void theClockStampsPutsAndDeletesListEntriesAreAtZero()
    {
        final long[] now = {1_000};
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (EventLogWriter writer = new EventLogWriter(bytes, "/r/", 42, () -> now[0]))
        {
            now[0] = 5_000;
            writer.listEntry(new byte[] {'a'}, new byte[] {'1'}, 3);
            now[0] = 7_500;
            writer.put(new byte[] {'a'}, new byte[] {'2'}, 4);
            now[0] = 9_000;
            writer.delete(new byte[] {'a'}, 5);
        }
        final List<Rec> read = new ArrayList<>();
        read(bytes.toByteArray(), read);
        assertThat(read).containsExactly(
            new Rec(EventType.LIST_ENTRY, 0, 3, new byte[] {'a'}, new byte[] {'1'}),
            new Rec(EventType.PUT, 6_500, 4, new byte[] {'a'}, new byte[] {'2'}),
            new Rec(EventType.DELETE, 8_000, 5, new byte[] {'a'}, new byte[0]));
    }

    @Test
    void notALogIsRefusedByName()
    {
        assertThatThrownBy(() -> read("hello world, not a log".getBytes(), new ArrayList<>()))
            .isInstanceOf(EventLogException.class).hasMessage("test.log: not a Berth event log (bad magic)");
    }
}
