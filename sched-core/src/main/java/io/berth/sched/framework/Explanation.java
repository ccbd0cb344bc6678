package io.berth.sched.framework;

import java.util.List;
import java.util.Map;

/** The answer of {@code berth explain}: the selected node and, per node, feasibility, reasons and scores. */
public record Explanation(String pod, String selected, List<NodeResult> nodes)
{
    /** One node: {@code failedPlugin} and {@code reasons} when infeasible; scores and total when feasible. */
    public record NodeResult(String name, boolean feasible, String failedPlugin, List<String> reasons, Map<String, Long> scores, Long total)
    {
    }
}
