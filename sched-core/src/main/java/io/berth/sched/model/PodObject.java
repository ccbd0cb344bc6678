package io.berth.sched.model;

import java.util.List;
import java.util.Map;

/**
 * The parts of a Kubernetes v1 Pod the scheduler reads. A pod with a {@code nodeName} is bound (running there);
 * one without is pending. {@code priority} is {@code spec.priority} (0 when absent, {@link #hasPriority()} telling
 * which; the scheduling queue resolves an absent one from the pod's PriorityClass, as kube's admission does).
 * Strings are empty and lists empty when their field is absent; times are epoch milliseconds, 0 when absent.
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
    private final boolean hasPriority;
    private final String priorityClassName;
    private final String preemptionPolicy;
    private final List<String> schedulingGates;
    private final PodAffinity podAffinity;
    private final PodAffinity podAntiAffinity;
    private final List<TopologySpreadConstraint> topologySpreadConstraints;
    private final String nominatedNodeName;
    private final long startTimeMs;
    private final long deletionTimestampMs;
    private final Map<String, String> annotations;
    private final GpuRequest gpuRequest;
    private final String key;

    /** The constructor of the first fields, kept for compatibility: {@code priority} counts as present. */
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
        this(namespace, name, labels, creationTimestampMs, priority, nodeName, phase, containers, initContainers,
            overhead, nodeSelector, nodeAffinity, tolerations, true, "", "", List.of(), PodAffinity.NONE,
            PodAffinity.NONE, List.of(), "", 0, 0, Map.of());
    }

    /**
     * The canonical constructor; prefer {@link #builder(String, String)}, as this one grows with the fields. Throws
     * {@link IllegalArgumentException} naming the pod when its GPU annotations are malformed (see {@link GpuRequest#of}).
     */
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
        final List<Toleration> tolerations,
        final boolean hasPriority,
        final String priorityClassName,
        final String preemptionPolicy,
        final List<String> schedulingGates,
        final PodAffinity podAffinity,
        final PodAffinity podAntiAffinity,
        final List<TopologySpreadConstraint> topologySpreadConstraints,
        final String nominatedNodeName,
        final long startTimeMs,
        final long deletionTimestampMs,
        final Map<String, String> annotations)
    {
        this.namespace = namespace == null || namespace.isEmpty() ? "default" : namespace;
        // The defaults go through two shared helpers, not a null check per field: each field's check would be
        // compiled for the one case its first source gave (the JSON decoder leaves absent fields null, a checkpoint
        // record gives them empty), and the other case would throw the compiled constructor away. A shared helper
        // has seen both from the first pods on.
        this.name = or(name, "");
        this.labels = or(labels, Map.of());
        this.creationTimestampMs = creationTimestampMs;
        this.priority = priority;
        this.nodeName = or(nodeName, "");
        this.phase = or(phase, "");
        this.containers = list(containers);
        this.initContainers = list(initContainers);
        this.overhead = or(overhead, ResourceList.EMPTY);
        this.nodeSelector = or(nodeSelector, Map.of());
        this.nodeAffinity = or(nodeAffinity, NodeAffinity.NONE);
        this.tolerations = list(tolerations);
        this.hasPriority = hasPriority;
        this.priorityClassName = or(priorityClassName, "");
        this.preemptionPolicy = or(preemptionPolicy, "");
        this.schedulingGates = list(schedulingGates);
        this.podAffinity = or(podAffinity, PodAffinity.NONE);
        this.podAntiAffinity = or(podAntiAffinity, PodAffinity.NONE);
        this.topologySpreadConstraints = list(topologySpreadConstraints);
        this.nominatedNodeName = or(nominatedNodeName, "");
        this.startTimeMs = startTimeMs;
        this.deletionTimestampMs = deletionTimestampMs;
        this.annotations = or(annotations, Map.of());
        this.key = this.namespace + "/" + this.name;
        try
        {
            this.gpuRequest = GpuRequest.of(this.annotations);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("pod " + key + ": " + ex.getMessage(), ex);
        }
    }

    private static <T> T or(final T value, final T otherwise)
    {
        return value == null ? otherwise : value;
    }

    private static <E> List<E> list(final List<E> list)
    {
        return list == null ? List.of() : List.copyOf(list);
    }

    /** A copy with the priority fields admission resolves; everything else (key, GPU request) shared, not re-derived. */
    private PodObject(final PodObject from, final int priority, final String preemptionPolicy, final String priorityClassName)
    {
        this.namespace = from.namespace;
        this.name = from.name;
        this.labels = from.labels;
        this.creationTimestampMs = from.creationTimestampMs;
        this.priority = priority;
        this.nodeName = from.nodeName;
        this.phase = from.phase;
        this.containers = from.containers;
        this.initContainers = from.initContainers;
        this.overhead = from.overhead;
        this.nodeSelector = from.nodeSelector;
        this.nodeAffinity = from.nodeAffinity;
        this.tolerations = from.tolerations;
        this.hasPriority = true;
        this.priorityClassName = priorityClassName == null ? "" : priorityClassName;
        this.preemptionPolicy = preemptionPolicy == null ? "" : preemptionPolicy;
        this.schedulingGates = from.schedulingGates;
        this.podAffinity = from.podAffinity;
        this.podAntiAffinity = from.podAntiAffinity;
        this.topologySpreadConstraints = from.topologySpreadConstraints;
        this.nominatedNodeName = from.nominatedNodeName;
        this.startTimeMs = from.startTimeMs;
        this.deletionTimestampMs = from.deletionTimestampMs;
        this.annotations = from.annotations;
        this.key = from.key;
        this.gpuRequest = from.gpuRequest;
    }

    /**
     * This pod with {@code spec.priority}, {@code spec.preemptionPolicy} and {@code spec.priorityClassName} set, as
     * kube's Priority admission stores it; the same as {@code toBuilder().priority(..)...build()}, without rebuilding
     * what those fields do not change.
     */
    public PodObject withPriority(final int priority, final String preemptionPolicy, final String priorityClassName)
    {
        return new PodObject(this, priority, preemptionPolicy, priorityClassName);
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

    /** Whether {@code spec.priority} was given (or resolved by admission); when false {@link #priority()} is 0. */
    public boolean hasPriority()
    {
        return hasPriority;
    }

    /** {@code spec.priorityClassName}; empty when absent. */
    public String priorityClassName()
    {
        return priorityClassName;
    }

    /** {@code spec.preemptionPolicy} ({@code PreemptLowerPriority} or {@code Never}); empty when absent. */
    public String preemptionPolicy()
    {
        return preemptionPolicy;
    }

    /** The names of {@code spec.schedulingGates}; the pod is not scheduled while any remains. */
    public List<String> schedulingGates()
    {
        return schedulingGates;
    }

    /** {@code spec.affinity.podAffinity}; {@link PodAffinity#NONE} when absent. */
    public PodAffinity podAffinity()
    {
        return podAffinity;
    }

    /** {@code spec.affinity.podAntiAffinity}; {@link PodAffinity#NONE} when absent. */
    public PodAffinity podAntiAffinity()
    {
        return podAntiAffinity;
    }

    /** {@code spec.topologySpreadConstraints}. */
    public List<TopologySpreadConstraint> topologySpreadConstraints()
    {
        return topologySpreadConstraints;
    }

    /** {@code status.nominatedNodeName}: where preemption made room for this pod; empty when absent. */
    public String nominatedNodeName()
    {
        return nominatedNodeName;
    }

    /** {@code status.startTime} in epoch ms; 0 when absent (kube then takes "now"). */
    public long startTimeMs()
    {
        return startTimeMs;
    }

    /** {@code metadata.deletionTimestamp} in epoch ms; 0 when absent. */
    public long deletionTimestampMs()
    {
        return deletionTimestampMs;
    }

    /** {@code metadata.annotations}; empty when absent. */
    public Map<String, String> annotations()
    {
        return annotations;
    }

    /** The GPU devices the pod asks for, from its annotations ({@link GpuRequest#NONE} when none). */
    public GpuRequest gpuRequest()
    {
        return gpuRequest;
    }

    /** Being deleted: it has a {@code deletionTimestamp}. */
    public boolean isTerminating()
    {
        return deletionTimestampMs != 0;
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
            nodeSelector.equals(p.nodeSelector) && nodeAffinity.equals(p.nodeAffinity) && tolerations.equals(p.tolerations) &&
            hasPriority == p.hasPriority && priorityClassName.equals(p.priorityClassName) &&
            preemptionPolicy.equals(p.preemptionPolicy) && schedulingGates.equals(p.schedulingGates) &&
            podAffinity.equals(p.podAffinity) && podAntiAffinity.equals(p.podAntiAffinity) &&
            topologySpreadConstraints.equals(p.topologySpreadConstraints) &&
            nominatedNodeName.equals(p.nominatedNodeName) && startTimeMs == p.startTimeMs &&
            deletionTimestampMs == p.deletionTimestampMs && annotations.equals(p.annotations);
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
            .overhead(overhead).nodeSelector(nodeSelector).nodeAffinity(nodeAffinity).tolerations(tolerations)
            .hasPriority(hasPriority).priorityClassName(priorityClassName).preemptionPolicy(preemptionPolicy)
            .schedulingGates(schedulingGates).podAffinity(podAffinity).podAntiAffinity(podAntiAffinity)
            .topologySpreadConstraints(topologySpreadConstraints).nominatedNodeName(nominatedNodeName)
            .startTimeMs(startTimeMs).deletionTimestampMs(deletionTimestampMs).annotations(annotations);
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
        private boolean hasPriority;
        private String priorityClassName;
        private String preemptionPolicy;
        private List<String> schedulingGates;
        private PodAffinity podAffinity;
        private PodAffinity podAntiAffinity;
        private List<TopologySpreadConstraint> topologySpreadConstraints;
        private String nominatedNodeName;
        private long startTimeMs;
        private long deletionTimestampMs;
        private Map<String, String> annotations;

        public Builder namespace(final String v) { namespace = v; return this; }
        public Builder name(final String v) { name = v; return this; }
        public Builder labels(final Map<String, String> v) { labels = v; return this; }
        public Builder creationTimestampMs(final long v) { creationTimestampMs = v; return this; }
        /** Sets {@code spec.priority}, and {@link #hasPriority(boolean) hasPriority} to true. */
        public Builder priority(final int v) { priority = v; hasPriority = true; return this; }
        public Builder nodeName(final String v) { nodeName = v; return this; }
        public Builder phase(final String v) { phase = v; return this; }
        public Builder containers(final List<Container> v) { containers = v; return this; }
        public Builder initContainers(final List<Container> v) { initContainers = v; return this; }
        public Builder overhead(final ResourceList v) { overhead = v; return this; }
        public Builder nodeSelector(final Map<String, String> v) { nodeSelector = v; return this; }
        public Builder nodeAffinity(final NodeAffinity v) { nodeAffinity = v; return this; }
        public Builder tolerations(final List<Toleration> v) { tolerations = v; return this; }
        public Builder hasPriority(final boolean v) { hasPriority = v; return this; }
        public Builder priorityClassName(final String v) { priorityClassName = v; return this; }
        public Builder preemptionPolicy(final String v) { preemptionPolicy = v; return this; }
        public Builder schedulingGates(final List<String> v) { schedulingGates = v; return this; }
        public Builder podAffinity(final PodAffinity v) { podAffinity = v; return this; }
        public Builder podAntiAffinity(final PodAffinity v) { podAntiAffinity = v; return this; }
        public Builder topologySpreadConstraints(final List<TopologySpreadConstraint> v)
        {
            topologySpreadConstraints = v;
            return this;
        }
        public Builder nominatedNodeName(final String v) { nominatedNodeName = v; return this; }
        public Builder startTimeMs(final long v) { startTimeMs = v; return this; }
        public Builder deletionTimestampMs(final long v) { deletionTimestampMs = v; return this; }
        public Builder annotations(final Map<String, String> v) { annotations = v; return this; }

        /** Clears every field, as a new builder has them, so one builder can build many pods (decoders reuse one). */
        public Builder reset()
        {
            namespace = null;
            name = null;
            labels = null;
            creationTimestampMs = 0;
            priority = 0;
            nodeName = null;
            phase = null;
            containers = null;
            initContainers = null;
            overhead = null;
            nodeSelector = null;
            nodeAffinity = null;
            tolerations = null;
            hasPriority = false;
            priorityClassName = null;
            preemptionPolicy = null;
            schedulingGates = null;
            podAffinity = null;
            podAntiAffinity = null;
            topologySpreadConstraints = null;
            nominatedNodeName = null;
            startTimeMs = 0;
            deletionTimestampMs = 0;
            annotations = null;
            return this;
        }

        public PodObject build()
        {
            return new PodObject(namespace, name, labels, creationTimestampMs, priority, nodeName, phase, containers,
                initContainers, overhead, nodeSelector, nodeAffinity, tolerations, hasPriority, priorityClassName,
                preemptionPolicy, schedulingGates, podAffinity, podAntiAffinity, topologySpreadConstraints,
                nominatedNodeName, startTimeMs, deletionTimestampMs, annotations);
        }
    }
}
