package io.berth.sched.model;

import java.util.List;
import java.util.Map;

/** The parts of a Kubernetes v1 Node the scheduler reads. */
public record NodeObject(
    String name,
    Map<String, String> labels,
    boolean unschedulable,
    List<Taint> taints,
    ResourceList allocatable,
    List<ContainerImage> images)
{
    public NodeObject
    {
        labels = labels == null ? Map.of() : labels;
        taints = taints == null ? List.of() : List.copyOf(taints);
        allocatable = allocatable == null ? ResourceList.EMPTY : allocatable;
        images = images == null ? List.of() : List.copyOf(images);
    }

    public static Builder builder(final String name)
    {
        return new Builder().name(name);
    }

    public Builder toBuilder()
    {
        return new Builder().name(name).labels(labels).unschedulable(unschedulable).taints(taints)
            .allocatable(allocatable).images(images);
    }

    /** Builds a {@link NodeObject}; prefer it to the canonical constructor, which grows as fields are added. */
    public static final class Builder
    {
        private String name;
        private Map<String, String> labels;
        private boolean unschedulable;
        private List<Taint> taints;
        private ResourceList allocatable;
        private List<ContainerImage> images;

        public Builder name(final String v) { name = v; return this; }
        public Builder labels(final Map<String, String> v) { labels = v; return this; }
        public Builder unschedulable(final boolean v) { unschedulable = v; return this; }
        public Builder taints(final List<Taint> v) { taints = v; return this; }
        public Builder allocatable(final ResourceList v) { allocatable = v; return this; }
        public Builder images(final List<ContainerImage> v) { images = v; return this; }

        public NodeObject build()
        {
            return new NodeObject(name, labels, unschedulable, taints, allocatable, images);
        }
    }
}
