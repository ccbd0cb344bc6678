package io.berth.sched.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.berth.sched.model.PodObject;

/**
 * kube's PodNominator: pending pods nominated to a node, by preemption (their victims are on their way out) or by
 * their {@code status.nominatedNodeName}. While a pod is nominated, every other pod's cycle filters that node as if
 * the nominated pods of equal or higher priority already ran there ({@link SchedulingEngine}), so the room preemption
 * made is not taken by a pod that did not earn it. A nomination ends when the pod is assumed or bound, deleted, or
 * its cycle fails with a preemption that finds no candidate.
 * <p>
 * Single-threaded: the engine's thread. Nominations are rare (outstanding preemptors), so this is a plain map, off
 * the cycles' hot path: a cycle reads it only when it is not empty.
 */
public final class Nominator
{
    private final Map<String, PodObject> podByKey = new HashMap<>();
    private final Map<String, String> nodeByKey = new HashMap<>();
    private final Map<String, List<PodObject>> podsByNode = new HashMap<>();
    private int highestPriority = Integer.MIN_VALUE;

    /** Nominates {@code pod} to {@code nodeName}, replacing an earlier nomination of the pod; an empty name removes it. */
    public void nominate(final PodObject pod, final String nodeName)
    {
        remove(pod.key());
        if (nodeName == null || nodeName.isEmpty())
        {
            return;
        }
        podByKey.put(pod.key(), pod);
        nodeByKey.put(pod.key(), nodeName);
        podsByNode.computeIfAbsent(nodeName, n -> new ArrayList<>()).add(pod);
        highestPriority = Math.max(highestPriority, pod.priority());
    }

    /** Ends the nomination of the pod; false when it had none. */
    public boolean remove(final String podKey)
    {
        final PodObject pod = podByKey.remove(podKey);
        if (pod == null)
        {
            return false;
        }
        final String node = nodeByKey.remove(podKey);
        final List<PodObject> onNode = podsByNode.get(node);
        onNode.remove(pod);
        if (onNode.isEmpty())
        {
            podsByNode.remove(node);
        }
        if (podByKey.isEmpty())
        {
            highestPriority = Integer.MIN_VALUE;
        }
        return true;
    }

    /** The node the pod is nominated to, or null. */
    public String nodeOf(final String podKey)
    {
        return nodeByKey.get(podKey);
    }

    /** The pods nominated to {@code nodeName}, as a copy (empty when none). */
    public List<PodObject> nominatedTo(final String nodeName)
    {
        final List<PodObject> pods = podsByNode.get(nodeName);
        return pods == null ? List.of() : List.copyOf(pods);
    }

    public int size()
    {
        return podByKey.size();
    }

    public boolean isEmpty()
    {
        return podByKey.isEmpty();
    }

    /**
     * True when some pod other than {@code pod} with a priority of at least {@code pod}'s is nominated: only then does
     * a cycle for {@code pod} look at nominations (an upper bound: removals do not lower it until the map is empty).
     */
    boolean mayAffect(final PodObject pod)
    {
        return !podByKey.isEmpty() && highestPriority >= pod.priority() &&
            (podByKey.size() > 1 || !podByKey.containsKey(pod.key()));
    }

    /** The nodes with nominated pods, by name (a view; not to be changed while iterated). */
    Map<String, List<PodObject>> podsByNode()
    {
        return podsByNode;
    }

    /** kube's addNominatedPods filter: a nominated pod counts against {@code pod} when it is as important or more. */
    static boolean counts(final PodObject nominated, final PodObject pod)
    {
        return nominated.priority() >= pod.priority() && !nominated.key().equals(pod.key());
    }
}
