package io.berth.perf.replay;

import java.util.List;

/**
 * Told when a replay starts and stops; in between it may read each profile's {@link ReplayCounters} from its own
 * thread (the replay loops only store into them).
 */
public interface ReplayProgress
{
    /**
     * @param traceName    the trace being replayed.
     * @param runs         one set of counters per profile, in profile order.
     * @param eventsPerRun trace events each profile applies.
     */
    void start(String traceName, List<ReplayCounters> runs, long eventsPerRun);

    /** The replay of every profile is over (or failed). */
    void stop();

    /** Reports nothing. */
    ReplayProgress NONE = new ReplayProgress()
    {
        public void start(final String traceName, final List<ReplayCounters> runs, final long eventsPerRun)
        {
        }

        public void stop()
        {
        }
    };
}
