package io.berth.mirror.codec;

import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@link KubeObjectReader} read from one source: the nodes, pods and other objects it could map, in
 * document order, and one error for each object it skipped (or for a source it could not parse to the end).
 */
public record ReadResult(List<NodeObject> nodes, List<PodObject> pods, List<OtherObject> others, List<ObjectError> errors)
{
    public ReadResult
    {
        nodes = List.copyOf(nodes);
        pods = List.copyOf(pods);
        others = List.copyOf(others);
        errors = List.copyOf(errors);
    }

    public boolean hasErrors()
    {
        return !errors.isEmpty();
    }

    /** This result followed by {@code other}, as when reading several files. */
    public ReadResult plus(final ReadResult other)
    {
        return new ReadResult(concat(nodes, other.nodes), concat(pods, other.pods), concat(others, other.others),
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
