package io.berth.perf.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.berth.sched.table.NodeTable;

/** The series' points on the sampling grid and the end point a replay through the store adds. */
class ReplaySeriesTest
{
    private static final long MS = TracePlan.NS_PER_MS;
    private final NodeTable table = new NodeTable(8);

    @Test
    void theEndStateGetsAPointOfItsOwnAfterTheLastGridPoint()
    {
        final ReplaySeries series = new ReplaySeries(1_000 * MS, 3); // points due at 0, 500 and 1,000 ms
        series.sample(table, 5, 0);
        series.sample(table, 3, 2);
        series.sample(table, 1, 4); // the span's end, taken while a binding was still on its way
        series.sampleEnd(1_200 * MS, table, 0, 5);

        final ReplayResult.Series s = series.series();
        assertThat(s.timeMs()).containsExactly(0L, 500L, 1_000L, 1_200L);
        assertThat(s.bound()).containsExactly(0, 2, 4, 5);
        assertThat(s.pending()).containsExactly(5, 3, 1, 0);
        assertThat(series.nextSampleNs()).as("the grid goes on where it was").isEqualTo(1_500 * MS);
    }

    @Test
    void anEndAtTheInstantOfTheLastPointReplacesIt()
    {
        final ReplaySeries series = new ReplaySeries(1_000 * MS, 3);
        series.sample(table, 5, 0);
        series.sample(table, 3, 2);
        series.sample(table, 1, 4);
        series.sampleEnd(1_000 * MS, table, 0, 5);

        final ReplayResult.Series s = series.series();
        assertThat(s.timeMs()).containsExactly(0L, 500L, 1_000L);
        assertThat(s.bound()).containsExactly(0, 2, 5);
    }

    @Test
    void aFullSeriesIsHalvedBeforeTheEndPointAndKeepsItsOrder()
    {
        final ReplaySeries series = new ReplaySeries(400 * MS, 2); // at most 4 points, 400 ms apart
        for (int i = 0; i < 4; i++)
        {
            series.sample(table, 0, i);
        }
        series.sampleEnd(1_300 * MS, table, 0, 9);

        final ReplayResult.Series s = series.series();
        assertThat(s.timeMs()).containsExactly(0L, 800L, 1_300L);
        assertThat(s.bound()).containsExactly(0, 2, 9);
        assertThat(s.timeMs()).isSorted();
    }
}
