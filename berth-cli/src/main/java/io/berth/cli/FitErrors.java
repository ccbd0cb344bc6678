package io.berth.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/** kube-scheduler's messages for a pod that fits no node. */
final class FitErrors
{
    private FitErrors()
    {
    }

    /**
     * kube's {@code FitError.Error()}: {@code 0/5 nodes are available: 3 Insufficient cpu, 2 node(s) had
     * untolerated taint {a: b}.}, the "count reason" strings sorted as strings, as kube sorts them; with no node
     * at all, kube's {@code ErrNoNodesAvailable}.
     *
     * @param nodes   live nodes (kube's snapshot size).
     * @param reasons reason to number of nodes that gave it.
     */
    static String message(final int nodes, final Map<String, Integer> reasons)
    {
        if (nodes == 0)
        {
            return "no nodes available to schedule pods";
        }
        final List<String> parts = new ArrayList<>(reasons.size());
        for (final Map.Entry<String, Integer> e : reasons.entrySet())
        {
            parts.add(e.getValue() + " " + e.getKey());
        }
        Collections.sort(parts);
        final String head = "0/" + nodes + " nodes are available:";
        return parts.isEmpty() ? head : head + " " + String.join(", ", parts) + ".";
    }
}
