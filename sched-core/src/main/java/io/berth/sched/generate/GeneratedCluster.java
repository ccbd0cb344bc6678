package io.berth.sched.generate;

import java.util.List;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

/**
 * A synthetic cluster from {@link ClusterGenerator}: its nodes, the pods already bound to them (each with a
 * {@code nodeName}, fitting its node) and the pending pods to schedule (no {@code nodeName}, creation times
 * increasing in list order).
 */
public record GeneratedCluster(GeneratorSpec spec, List<NodeObject> nodes, List<PodObject> boundPods, List<PodObject> pendingPods)
{
    public GeneratedCluster
    {
        nodes = List.copyOf(nodes);
        boundPods = List.copyOf(boundPods);
        pendingPods = List.copyOf(pendingPods);
    }
}
