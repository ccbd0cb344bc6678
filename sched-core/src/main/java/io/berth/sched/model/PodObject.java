package io.berth.sched.model;

import java.util.List;
import java.util.Map;

/**
 * The parts of a Kubernetes v1 Pod the scheduler reads. A pod with a {@code nodeName} is bound (running there);
 * one without is pending. {@code priority} is {@code spec.priority} (0 when absent); {@code creationTimestampMs}
 * orders pods of equal priority in the queue.
 */
public final class PodObject
{
    private final String namespace;
    private final String name;
    private final Map<String, String> labels;
    private final long creationTimestampMs;
    private final int priority;
    private final String nodeName;
    private final String phase;
    private final List<Container> containers;
    private final List<Container> initContainers;
    private final ResourceList overhead;
    private final Map<String, String> nodeSelector;
    private final NodeAffinity nodeAffinity;
    private final List<Toleration> tolerations;
    private final String key;

    public PodObject(
        final String namespace,
        final String name,
        final Map<String, String> labels,
        final long creationTimestampMs,
        final int priority,
        final String nodeName,
        final String phase,
        final List<Container> containers,
        final List<Container> initContainers,
        final ResourceList overhead,
        final Map<String, String> nodeSelector,
        final NodeAffinity nodeAffinity,
        final List<Toleration> tolerations)
    {
        this.namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
        this.name = name == null ? "" : name;
        this.labels = labels == null ? Map.of() : labels;
        this.creationTimestampMs = creationTimestampMs;
        this.priority = priority;
        this.nodeName = nodeName == null ? "" : nodeName;
        this.phase = phase == null ? "" : phase;
        this.containers = containers == null ? List.of() : List.copyOf(containers);
        this.initContainers = initContainers == null ? List.of() : List.copyOf(initContainers);
        this.overhead = overhead == null ? ResourceList.EMPTY : overhead;
        this.nodeSelector = nodeSelector == null ? Map.of() : nodeSelector;
        this.nodeAffinity = nodeAffinity == null ? NodeAffinity.NONE : nodeAffinity;
        this.tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        this.key = this.namespace + "/" + this.name;
    }

    public String namespace()
    {
        return namespace;
    }

    public String name()
    {
        return name;
    }

    public Map<String, String> labels()
    {
        return labels;
    }

    public long creationTimestampMs()
    {
        return creationTimestampMs;
    }

    public int priority()
    {
        return priority;
    }

    public String nodeName()
    {
        return nodeName;
    }

    public String phase()
    {
        return phase;
    }

    public List<Container> containers()
    {
        return containers;
    }

    public List<Container> initContainers()
    {
        return initContainers;
    }

    public ResourceList overhead()
    {
        return overhead;
    }

    public Map<String, String> nodeSelector()
    {
        return nodeSelector;
    }

    public NodeAffinity nodeAffinity()
    {
        return nodeAffinity;
    }

    public List<Toleration> tolerations()
    {
        return tolerations;
    }

    /** {@code namespace/name}, the key kube-scheduler prints. */
    public String key()
    {
        return key;
    }

    public boolean equals(final Object o)
    {
        return o instanceof PodObject p && creationTimestampMs == p.creationTimestampMs && priority == p.priority &&
            key.equals(p.key) && labels.equals(p.labels) && nodeName.equals(p.nodeName) && phase.equals(p.phase) &&
            containers.equals(p.containers) && initContainers.equals(p.initContainers) && overhead.equals(p.overhead) &&
            nodeSelector.equals(p.nodeSelector) && nodeAffinity.equals(p.nodeAffinity) && tolerations.equals(p.tolerations);
    }

    public int hashCode()
    {
        return key.hashCode() * 31 + nodeName.hashCode();
    }

    public String toString()
    {
        return "Pod{" + key + (nodeName.isEmpty() ? "" : " on " + nodeName) + ", containers=" + containers + "}";
    }

    public boolean isBound()
    {
        return !nodeName.isEmpty();
    }

    /** Succeeded and Failed pods hold no resources; kube-scheduler's informer drops them. */
    public boolean isTerminal()
    {
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    public PodObject withNodeName(final String node)
    {
        return toBuilder().nodeName(node).build();
    }

    /** A builder; prefer it to the canonical constructor, which grows as fields are added. */
    public static Builder builder(final String namespace, final String name)
    {
        return new Builder().namespace(namespace).name(name);
    }

    public Builder toBuilder()
    {
        return new Builder().namespace(namespace).name(name).labels(labels).creationTimestampMs(creationTimestampMs)
            .priority(priority).nodeName(nodeName).phase(phase).containers(containers).initContainers(initContainers)
            .overhead(overhead).nodeSelector(nodeSelector).nodeAffinity(nodeAffinity).tolerations(tolerations);
    }

    /** Builds a {@link PodObject}. */
    public static final class Builder
    {
        private String namespace;
        private String name;
        private Map<String, String> labels;
        private long creationTimestampMs;
        private int priority;
        private String nodeName;
        private String phase;
        private List<Container> containers;
        private List<Container> initContainers;
        private ResourceList overhead;
        private Map<String, String> nodeSelector;
        private NodeAffinity nodeAffinity;
        private List<Toleration> tolerations;

        public Builder namespace(final String v) { namespace = v; return this; }
        public Builder name(final String v) { name = v; return this; }
        public Builder labels(final Map<String, String> v) { labels = v; return this; }
        public Builder creationTimestampMs(final long v) { creationTimestampMs = v; return this; }
        public Builder priority(final int v) { priority = v; return this; }
        public Builder nodeName(final String v) { nodeName = v; return this; }
        public Builder phase(final String v) { phase = v; return this; }
        public Builder containers(final List<Container> v) { containers = v; return this; }
        public Builder initContainers(final List<Container> v) { initContainers = v; return this; }
        public Builder overhead(final ResourceList v) { overhead = v; return this; }
        public Builder nodeSelector(final Map<String, String> v) { nodeSelector = v; return this; }
        public Builder nodeAffinity(final NodeAffinity v) { nodeAffinity = v; return this; }
        public Builder tolerations(final List<Toleration> v) { tolerations = v; return this; }

        public PodObject build()
        {
            return new PodObject(namespace, name, labels, creationTimestampMs, priority, nodeName, phase, containers,
                initContainers, overhead, nodeSelector, nodeAffinity, tolerations);
        }
    }
}
