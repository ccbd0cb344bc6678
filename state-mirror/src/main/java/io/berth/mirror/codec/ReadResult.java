package io.berth.mirror.codec;

import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link KubeObjectReader} read from one source: the nodes, pods, priority classes, namespaces, pod
 * disruption budgets and other objects it could map, in document order, and one error for each object it skipped
 * (or for a source it could not parse to the end).
 */
public record ReadResult(
    List<NodeObject> nodes,
    List<PodObject> pods,
    List<PriorityClass> priorityClasses,
    List<NamespaceObject> namespaces,
    List<PodDisruptionBudget> podDisruptionBudgets,
    List<OtherObject> others,
    List<ObjectError> errors)
{
    /** Nothing read. */
    public static final ReadResult EMPTY =
        new ReadResult(List.of(), List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

    public ReadResult
    {
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
        priorityClasses = List.copyOf(priorityClasses);
        namespaces = List.copyOf(namespaces);
        podDisruptionBudgets = List.copyOf(podDisruptionBudgets);
        others = List.copyOf(others);
        errors = List.copyOf(errors);
    }

    /** Nodes, pods, other objects and errors, with no priority classes, namespaces or disruption budgets. */
    public ReadResult(
        final List<NodeObject> nodes, final List<PodObject> pods, final List<OtherObject> others,
        final List<ObjectError> errors)
    {
        this(nodes, pods, List.of(), List.of(), List.of(), others, errors);
    }

    public boolean hasErrors()
    {
        return !errors.isEmpty();
    }

    /** This result followed by {@code other}, as when reading several files. */
    public ReadResult plus(final ReadResult other)
    {
        return new ReadResult(concat(nodes, other.nodes), concat(pods, other.pods),
            concat(priorityClasses, other.priorityClasses), concat(namespaces, other.namespaces),
            concat(podDisruptionBudgets, other.podDisruptionBudgets), concat(others, other.others),
            concat(errors, other.errors));
    }

    private static <T> List<T> concat(final List<T> a, final List<T> b)
    {
        final List<T> list = new ArrayList<>(a.size() + b.size());
        list.addAll(a);
        list.addAll(b);
        return list;
    }
}
