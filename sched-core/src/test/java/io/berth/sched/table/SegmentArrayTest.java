package io.berth.sched.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

class SegmentArrayTest
{
    @Test
    void keepsWhatItHoldsWhenItGrows()
    {
        final SegmentArray array = new SegmentArray(0);
        assertThat(array.capacity()).isEqualTo(1);
        final MemorySegment[] segments = new MemorySegment[20];
        try (Arena arena = Arena.ofConfined())
        {
            for (int i = 0; i < segments.length; i++)
            {
                segments[i] = arena.allocate(8L * (i + 1));
                array.ensureCapacity(i + 1);
                array.set(i, segments[i]);
            }
            assertThat(array.capacity()).isGreaterThanOrEqualTo(20);
            for (int i = 0; i < segments.length; i++)
            {
                assertThat(array.get(i)).isSameAs(segments[i]);
            }
            array.set(3, null);
            assertThat(array.get(3)).isNull();
            array.ensureCapacity(5); // smaller than it is: nothing changes
            assertThat(array.get(19)).isSameAs(segments[19]);
        }
    }
}
