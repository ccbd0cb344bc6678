package io.berth.perf.replay;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Unschedulable reasons counted over pods, as both replay modes report them: each pod's reasons at its first failure.
 * The engine hands back the same map while a class's answer is unchanged, so repeats of one map are counted and
 * folded into the totals only when another map comes (no map merge per pod). Single-threaded.
 */
final class ReasonCounts
{
    private final Map<String, Long> totals = new LinkedHashMap<>();
    private Map<String, Integer> last;
    private long repeats;

    /** Counts one pod's reasons (kube's reason to node count). */
    void count(final Map<String, Integer> reasons)
    {
        if (reasons != last)
        {
            fold();
            last = reasons;
        }
        repeats++;
    }

    /** Reason to pods, most pods first. */
    Map<String, Long> sortedTotals()
    {
        fold();
        return ReplaySeries.sortedByCount(totals);
    }

    private void fold()
    {
        if (last != null && repeats > 0)
        {
            for (final String reason : last.keySet())
            {
                totals.merge(reason, repeats, Long::sum);
            }
        }
        last = null;
        repeats = 0;
    }
}
