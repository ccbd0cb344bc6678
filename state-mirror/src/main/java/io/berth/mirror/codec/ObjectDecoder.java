package io.berth.mirror.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.IntOrString;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.PriorityClass;
import io.berth.sched.model.Quantity;
import io.berth.sched.model.QuantityFormatException;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps the JSON tree of one Node, Pod, PriorityClass, Namespace or PodDisruptionBudget to the model, the way kube-scheduler's informers see it: unknown fields
 * are ignored, label values that are YAML numbers or booleans become their text, and a field of the wrong type
 * fails the object with a {@link FieldException} naming the field's path.
 * <p>
 * Two pieces of API-server defaulting that change scheduling are applied, since files are often written by hand:
 * a resource in a container's {@code limits} but not its {@code requests} is requested at its limit, and with
 * {@code hostNetwork} a port without a {@code hostPort} gets its {@code containerPort} as host port. Both are no-ops
 * on objects read back from a cluster, which the API server has already defaulted.
 */
final class ObjectDecoder
{
    /** The longest string field accepted, in chars. */
    static final int MAX_STRING_CHARS = 1 << 20;
    /** The most entries accepted in a map (labels, node selector, resources) or a list. */
    static final int MAX_ENTRIES = 10_000;

    private static final Map<String, String> NO_STRINGS = Map.of();

    NodeObject decodeNode(final ObjectNode obj) throws FieldException
    {
        final ObjectNode metadata = object(obj.get("metadata"), "metadata");
        final String name = name(metadata);
        final ObjectNode spec = object(obj.get("spec"), "spec");
        final ObjectNode status = object(obj.get("status"), "status");

        final NodeObject node = NodeObject.builder(name)
            .labels(stringMap(get(metadata, "labels"), "metadata.labels"))
            .unschedulable(bool(get(spec, "unschedulable"), "spec.unschedulable"))
            .taints(taints(get(spec, "taints"), "spec.taints"))
            .allocatable(gpuCountFromCapacity(resources(get(status, "allocatable"), "status.allocatable"),
                resources(get(status, "capacity"), "status.capacity")))
            .images(images(get(status, "images"), "status.images"))
            .build();
        try
        {
            GpuSharing.nodeDevices(node);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new FieldException("status.allocatable[" + GpuSharing.GPU_COUNT + "]", ex.getMessage());
        }
        return node;
    }

    /**
     * The GPU device count ({@value GpuSharing#GPU_COUNT}) is read from allocatable, or from capacity when only
     * capacity lists it (as open-gpu-share reads it); other capacity entries are not used.
     */
    private static ResourceList gpuCountFromCapacity(final ResourceList allocatable, final ResourceList capacity)
    {
        final int c = capacity.indexOf(GpuSharing.GPU_COUNT);
        if (c < 0 || allocatable.contains(GpuSharing.GPU_COUNT))
        {
            return allocatable;
        }
        final String[] names = new String[allocatable.size() + 1];
        final long[] values = new long[names.length];
        for (int i = 0; i < allocatable.size(); i++)
        {
            names[i] = allocatable.name(i);
            values[i] = allocatable.milliValue(i);
        }
        names[names.length - 1] = GpuSharing.GPU_COUNT;
        values[names.length - 1] = capacity.milliValue(c);
        return new ResourceList(names, values);
    }

    PodObject decodePod(final ObjectNode obj) throws FieldException
    {
        final ObjectNode metadata = object(obj.get("metadata"), "metadata");
        final String name = name(metadata);
        final ObjectNode spec = object(obj.get("spec"), "spec");
        final ObjectNode status = object(obj.get("status"), "status");
        final boolean hostNetwork = bool(get(spec, "hostNetwork"), "spec.hostNetwork");
        final ObjectNode affinity = object(get(spec, "affinity"), "spec.affinity");
        final JsonNode priority = get(spec, "priority");

        final PodObject.Builder pod = PodObject.builder(string(get(metadata, "namespace"), "metadata.namespace"), name)
            .labels(stringMap(get(metadata, "labels"), "metadata.labels"))
            .annotations(stringMap(get(metadata, "annotations"), "metadata.annotations"))
            .creationTimestampMs(timestamp(get(metadata, "creationTimestamp"), "metadata.creationTimestamp"))
            .deletionTimestampMs(timestamp(get(metadata, "deletionTimestamp"), "metadata.deletionTimestamp"))
            .priority(int32(priority, "spec.priority"))
            .hasPriority(priority != null)
            .priorityClassName(string(get(spec, "priorityClassName"), "spec.priorityClassName"))
            .preemptionPolicy(string(get(spec, "preemptionPolicy"), "spec.preemptionPolicy"))
            .schedulingGates(schedulingGates(get(spec, "schedulingGates"), "spec.schedulingGates"))
            .nodeName(string(get(spec, "nodeName"), "spec.nodeName"))
            .phase(string(get(status, "phase"), "status.phase"))
            .containers(containers(get(spec, "containers"), "spec.containers", false, hostNetwork))
            .initContainers(containers(get(spec, "initContainers"), "spec.initContainers", true, hostNetwork))
            .overhead(resources(get(spec, "overhead"), "spec.overhead"))
            .nodeSelector(stringMap(get(spec, "nodeSelector"), "spec.nodeSelector"))
            .nodeAffinity(nodeAffinity(affinity))
            .podAffinity(podAffinity(get(affinity, "podAffinity"), "spec.affinity.podAffinity"))
            .podAntiAffinity(podAffinity(get(affinity, "podAntiAffinity"), "spec.affinity.podAntiAffinity"))
            .tolerations(tolerations(get(spec, "tolerations"), "spec.tolerations"))
            .topologySpreadConstraints(
                spreadConstraints(get(spec, "topologySpreadConstraints"), "spec.topologySpreadConstraints"))
            .nominatedNodeName(string(get(status, "nominatedNodeName"), "status.nominatedNodeName"))
            .startTimeMs(timestamp(get(status, "startTime"), "status.startTime"));
        try
        {
            return pod.build();
        }
        catch (final IllegalArgumentException ex)
        {
            // the only check the model makes: GPU sharing annotations (GpuRequest.of)
            throw new FieldException("metadata.annotations", ex.getMessage());
        }
    }

    /** A {@code scheduling.k8s.io} PriorityClass: {@code value}, {@code globalDefault}, {@code preemptionPolicy}. */
    PriorityClass decodePriorityClass(final ObjectNode obj) throws FieldException
    {
        final ObjectNode metadata = object(obj.get("metadata"), "metadata");
        return new PriorityClass(
            name(metadata),
            int32(get(obj, "value"), "value"),
            bool(get(obj, "globalDefault"), "globalDefault"),
            string(get(obj, "preemptionPolicy"), "preemptionPolicy"));
    }

    /** A v1 Namespace: its name and labels. */
    NamespaceObject decodeNamespace(final ObjectNode obj) throws FieldException
    {
        final ObjectNode metadata = object(obj.get("metadata"), "metadata");
        return new NamespaceObject(name(metadata), stringMap(get(metadata, "labels"), "metadata.labels"));
    }

    /** A {@code policy} PodDisruptionBudget: its selector, budgets and {@code status.disruptionsAllowed}. */
    PodDisruptionBudget decodePodDisruptionBudget(final ObjectNode obj) throws FieldException
    {
        final ObjectNode metadata = object(obj.get("metadata"), "metadata");
        final String name = name(metadata);
        final ObjectNode spec = object(obj.get("spec"), "spec");
        final ObjectNode status = object(obj.get("status"), "status");
        final ObjectNode disrupted = object(get(status, "disruptedPods"), "status.disruptedPods");
        final Set<String> disruptedPods = new LinkedHashSet<>();
        if (disrupted != null)
        {
            checkEntries(disrupted.size(), "status.disruptedPods");
            for (final Map.Entry<String, JsonNode> entry : disrupted.properties())
            {
                disruptedPods.add(checkLength(entry.getKey(), key("status.disruptedPods", entry.getKey())));
            }
        }
        return new PodDisruptionBudget(
            string(get(metadata, "namespace"), "metadata.namespace"),
            name,
            labelSelector(get(spec, "selector"), "spec.selector"),
            intOrString(get(spec, "minAvailable"), "spec.minAvailable"),
            intOrString(get(spec, "maxUnavailable"), "spec.maxUnavailable"),
            int32(get(status, "disruptionsAllowed"), "status.disruptionsAllowed"),
            disruptedPods);
    }

    private static String name(final ObjectNode metadata) throws FieldException
    {
        final String name = string(get(metadata, "name"), "metadata.name");
        if (name == null || name.isEmpty())
        {
            throw new FieldException("metadata.name", "missing name");
        }
        return name;
    }

    private static List<Container> containers(
        final JsonNode node, final String path, final boolean init, final boolean hostNetwork) throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null)
        {
            return List.of();
        }
        final List<Container> containers = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode c = object(array.get(i), itemPath);
            if (c == null)
            {
                continue;
            }
            final ObjectNode resources = object(c.get("resources"), field(itemPath, "resources"));
            final ResourceList requests = resources(get(resources, "requests"), field(itemPath, "resources.requests"));
            final ResourceList limits = resources(get(resources, "limits"), field(itemPath, "resources.limits"));
            final String restartPolicy = string(c.get("restartPolicy"), field(itemPath, "restartPolicy"));
            containers.add(new Container(
                string(c.get("name"), field(itemPath, "name")),
                string(c.get("image"), field(itemPath, "image")),
                withDefaultsFrom(requests, limits),
                ports(c.get("ports"), field(itemPath, "ports"), hostNetwork),
                init && "Always".equals(restartPolicy)));
        }
        return containers;
    }

    /** API-server defaulting: every resource limited but not requested is requested at its limit. */
    private static ResourceList withDefaultsFrom(final ResourceList requests, final ResourceList limits)
    {
        int missing = 0;
        for (int i = 0; i < limits.size(); i++)
        {
            missing += requests.contains(limits.name(i)) ? 0 : 1;
        }
        if (missing == 0)
        {
            return requests;
        }
        final String[] names = Arrays.copyOf(namesOf(requests), requests.size() + missing);
        final long[] values = Arrays.copyOf(valuesOf(requests), requests.size() + missing);
        int n = requests.size();
        for (int i = 0; i < limits.size(); i++)
        {
            if (!requests.contains(limits.name(i)))
            {
                names[n] = limits.name(i);
                values[n] = limits.milliValue(i);
                n++;
            }
        }
        return new ResourceList(names, values);
    }

    private static String[] namesOf(final ResourceList list)
    {
        final String[] names = new String[list.size()];
        for (int i = 0; i < names.length; i++)
        {
            names[i] = list.name(i);
        }
        return names;
    }

    private static long[] valuesOf(final ResourceList list)
    {
        final long[] values = new long[list.size()];
        for (int i = 0; i < values.length; i++)
        {
            values[i] = list.milliValue(i);
        }
        return values;
    }

    private static List<ContainerPort> ports(final JsonNode node, final String path, final boolean hostNetwork)
        throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null)
        {
            return List.of();
        }
        final List<ContainerPort> ports = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode p = object(array.get(i), itemPath);
            if (p == null)
            {
                continue;
            }
            final int containerPort = int32(p.get("containerPort"), field(itemPath, "containerPort"));
            final int hostPort = int32(p.get("hostPort"), field(itemPath, "hostPort"));
            ports.add(new ContainerPort(
                containerPort,
                hostNetwork && hostPort == 0 ? containerPort : hostPort,
                string(p.get("protocol"), field(itemPath, "protocol")),
                string(p.get("hostIP"), field(itemPath, "hostIP"))));
        }
        return ports;
    }

    private static List<Taint> taints(final JsonNode node, final String path) throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null)
        {
            return List.of();
        }
        final List<Taint> taints = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode t = object(array.get(i), itemPath);
            if (t != null)
            {
                taints.add(new Taint(
                    string(t.get("key"), field(itemPath, "key")),
                    scalarText(t.get("value"), field(itemPath, "value")),
                    string(t.get("effect"), field(itemPath, "effect"))));
            }
        }
        return taints;
    }

    private static List<Toleration> tolerations(final JsonNode node, final String path) throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null)
        {
            return List.of();
        }
        final List<Toleration> tolerations = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode t = object(array.get(i), itemPath);
            if (t != null)
            {
                tolerations.add(new Toleration(
                    string(t.get("key"), field(itemPath, "key")),
                    string(t.get("operator"), field(itemPath, "operator")),
                    scalarText(t.get("value"), field(itemPath, "value")),
                    string(t.get("effect"), field(itemPath, "effect"))));
            }
        }
        return tolerations;
    }

    private static List<ContainerImage> images(final JsonNode node, final String path) throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null)
        {
            return List.of();
        }
        final List<ContainerImage> images = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode image = object(array.get(i), itemPath);
            if (image != null)
            {
                images.add(new ContainerImage(
                    stringList(image.get("names"), field(itemPath, "names")),
                    int64(image.get("sizeBytes"), field(itemPath, "sizeBytes"))));
            }
        }
        return images;
    }

    private static NodeAffinity nodeAffinity(final ObjectNode affinity) throws FieldException
    {
        final String path = "spec.affinity.nodeAffinity";
        final ObjectNode nodeAffinity = object(get(affinity, "nodeAffinity"), path);
        if (nodeAffinity == null)
        {
            return NodeAffinity.NONE;
        }

        final String requiredPath = field(path, "requiredDuringSchedulingIgnoredDuringExecution");
        final ObjectNode required = object(nodeAffinity.get("requiredDuringSchedulingIgnoredDuringExecution"), requiredPath);
        List<NodeSelectorTerm> requiredTerms = null;
        if (required != null)
        {
            final String termsPath = field(requiredPath, "nodeSelectorTerms");
            final ArrayNode terms = array(required.get("nodeSelectorTerms"), termsPath);
            requiredTerms = new ArrayList<>();
            for (int i = 0; terms != null && i < terms.size(); i++)
            {
                requiredTerms.add(term(terms.get(i), index(termsPath, i)));
            }
        }

        final String preferredPath = field(path, "preferredDuringSchedulingIgnoredDuringExecution");
        final ArrayNode preferred = array(nodeAffinity.get("preferredDuringSchedulingIgnoredDuringExecution"), preferredPath);
        final List<PreferredSchedulingTerm> preferredTerms = new ArrayList<>();
        for (int i = 0; preferred != null && i < preferred.size(); i++)
        {
            final String itemPath = index(preferredPath, i);
            final ObjectNode p = object(preferred.get(i), itemPath);
            if (p != null)
            {
                preferredTerms.add(new PreferredSchedulingTerm(
                    int32(p.get("weight"), field(itemPath, "weight")),
                    term(p.get("preference"), field(itemPath, "preference"))));
            }
        }
        return new NodeAffinity(requiredTerms, preferredTerms);
    }

    private static List<String> schedulingGates(final JsonNode node, final String path) throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null || array.isEmpty())
        {
            return List.of();
        }
        final List<String> gates = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode gate = object(array.get(i), itemPath);
            if (gate != null)
            {
                final String name = string(gate.get("name"), field(itemPath, "name"));
                gates.add(name == null ? "" : name);
            }
        }
        return gates;
    }

    private static PodAffinity podAffinity(final JsonNode node, final String path) throws FieldException
    {
        final ObjectNode affinity = object(node, path);
        if (affinity == null)
        {
            return PodAffinity.NONE;
        }

        final String requiredPath = field(path, "requiredDuringSchedulingIgnoredDuringExecution");
        final ArrayNode required = array(affinity.get("requiredDuringSchedulingIgnoredDuringExecution"), requiredPath);
        final List<PodAffinityTerm> requiredTerms = new ArrayList<>();
        for (int i = 0; required != null && i < required.size(); i++)
        {
            final PodAffinityTerm term = podAffinityTerm(required.get(i), index(requiredPath, i));
            if (term != null)
            {
                requiredTerms.add(term);
            }
        }

        final String preferredPath = field(path, "preferredDuringSchedulingIgnoredDuringExecution");
        final ArrayNode preferred = array(affinity.get("preferredDuringSchedulingIgnoredDuringExecution"), preferredPath);
        final List<WeightedPodAffinityTerm> preferredTerms = new ArrayList<>();
        for (int i = 0; preferred != null && i < preferred.size(); i++)
        {
            final String itemPath = index(preferredPath, i);
            final ObjectNode p = object(preferred.get(i), itemPath);
            if (p != null)
            {
                final int weight = int32(p.get("weight"), field(itemPath, "weight"));
                final String termPath = field(itemPath, "podAffinityTerm");
                final PodAffinityTerm term = podAffinityTerm(p.get("podAffinityTerm"), termPath);
                preferredTerms.add(new WeightedPodAffinityTerm(
                    weight, term == null ? new PodAffinityTerm(null, null, null, null, null, null) : term));
            }
        }
        return requiredTerms.isEmpty() && preferredTerms.isEmpty() ?
            PodAffinity.NONE : new PodAffinity(requiredTerms, preferredTerms);
    }

    /** Null for an absent or null term. */
    private static PodAffinityTerm podAffinityTerm(final JsonNode node, final String path) throws FieldException
    {
        final ObjectNode term = object(node, path);
        if (term == null)
        {
            return null;
        }
        return new PodAffinityTerm(
            labelSelector(term.get("labelSelector"), field(path, "labelSelector")),
            stringList(term.get("namespaces"), field(path, "namespaces")),
            string(term.get("topologyKey"), field(path, "topologyKey")),
            labelSelector(term.get("namespaceSelector"), field(path, "namespaceSelector")),
            stringList(term.get("matchLabelKeys"), field(path, "matchLabelKeys")),
            stringList(term.get("mismatchLabelKeys"), field(path, "mismatchLabelKeys")));
    }

    private static List<TopologySpreadConstraint> spreadConstraints(final JsonNode node, final String path)
        throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null || array.isEmpty())
        {
            return List.of();
        }
        final List<TopologySpreadConstraint> constraints = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode c = object(array.get(i), itemPath);
            if (c == null)
            {
                continue;
            }
            final JsonNode minDomains = get(c, "minDomains");
            constraints.add(new TopologySpreadConstraint(
                int32(c.get("maxSkew"), field(itemPath, "maxSkew")),
                string(c.get("topologyKey"), field(itemPath, "topologyKey")),
                string(c.get("whenUnsatisfiable"), field(itemPath, "whenUnsatisfiable")),
                labelSelector(c.get("labelSelector"), field(itemPath, "labelSelector")),
                minDomains == null ? null : int32(minDomains, field(itemPath, "minDomains")),
                string(c.get("nodeAffinityPolicy"), field(itemPath, "nodeAffinityPolicy")),
                string(c.get("nodeTaintsPolicy"), field(itemPath, "nodeTaintsPolicy")),
                stringList(c.get("matchLabelKeys"), field(itemPath, "matchLabelKeys"))));
        }
        return constraints;
    }

    /** A {@code metav1.LabelSelector}; null when absent or null, which kube tells from an empty one. */
    private static LabelSelector labelSelector(final JsonNode node, final String path) throws FieldException
    {
        final ObjectNode selector = object(node, path);
        if (selector == null)
        {
            return null;
        }
        final String expressionsPath = field(path, "matchExpressions");
        final ArrayNode array = array(get(selector, "matchExpressions"), expressionsPath);
        final List<LabelSelectorRequirement> expressions = new ArrayList<>(array == null ? 0 : array.size());
        for (int i = 0; array != null && i < array.size(); i++)
        {
            final String itemPath = index(expressionsPath, i);
            final ObjectNode r = object(array.get(i), itemPath);
            if (r != null)
            {
                expressions.add(new LabelSelectorRequirement(
                    string(r.get("key"), field(itemPath, "key")),
                    string(r.get("operator"), field(itemPath, "operator")),
                    stringList(r.get("values"), field(itemPath, "values"))));
            }
        }
        return new LabelSelector(stringMap(get(selector, "matchLabels"), field(path, "matchLabels")), expressions);
    }

    /** An {@code IntOrString} such as {@code 2} or {@code "50%"}; null when absent or null. */
    private static IntOrString intOrString(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return null;
        }
        if (node.isTextual())
        {
            return IntOrString.ofString(checkLength(node.textValue(), path));
        }
        if (node.isIntegralNumber())
        {
            return IntOrString.ofInt(int32(node, path));
        }
        throw wrongType(path, "an integer or a string", node);
    }

    private static NodeSelectorTerm term(final JsonNode node, final String path) throws FieldException
    {
        final ObjectNode term = object(node, path);
        return new NodeSelectorTerm(
            requirements(get(term, "matchExpressions"), field(path, "matchExpressions")),
            requirements(get(term, "matchFields"), field(path, "matchFields")));
    }

    private static List<NodeSelectorRequirement> requirements(final JsonNode node, final String path)
        throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null)
        {
            return List.of();
        }
        final List<NodeSelectorRequirement> requirements = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String itemPath = index(path, i);
            final ObjectNode r = object(array.get(i), itemPath);
            if (r != null)
            {
                requirements.add(new NodeSelectorRequirement(
                    string(r.get("key"), field(itemPath, "key")),
                    string(r.get("operator"), field(itemPath, "operator")),
                    stringList(r.get("values"), field(itemPath, "values"))));
            }
        }
        return requirements;
    }

    /** A resource list ({@code requests}, {@code allocatable}...): names in document order, values in milli-units. */
    static ResourceList resources(final JsonNode node, final String path) throws FieldException
    {
        final ObjectNode object = object(node, path);
        if (object == null || object.isEmpty())
        {
            return ResourceList.EMPTY;
        }
        checkEntries(object.size(), path);
        final String[] names = new String[object.size()];
        final long[] values = new long[names.length];
        int n = 0;
        for (final Map.Entry<String, JsonNode> entry : object.properties())
        {
            final String name = entry.getKey();
            final String valuePath = key(path, name);
            checkLength(name, valuePath);
            if (KeyTrackingNodeFactory.isRepeated(object, name))
            {
                throw new FieldException(valuePath, "resource " + quote(name) + " is listed more than once");
            }
            names[n] = name;
            values[n] = quantity(entry.getValue(), valuePath);
            n++;
        }
        return new ResourceList(names, values);
    }

    private static long quantity(final JsonNode value, final String path) throws FieldException
    {
        final String text;
        if (value == null || value.isNull())
        {
            return 0;
        }
        else if (value.isTextual())
        {
            // Quantity.UnmarshalJSON trims surrounding white space before parsing.
            text = checkLength(value.textValue(), path).strip();
        }
        else if (value.isNumber())
        {
            text = value.asText();
        }
        else
        {
            throw wrongType(path, "a quantity", value);
        }

        final long milli;
        try
        {
            milli = Quantity.parseMilli(text);
        }
        catch (final QuantityFormatException ex)
        {
            throw new FieldException(path, ex.getMessage());
        }
        if (milli < 0)
        {
            throw new FieldException(path, "negative quantity " + quote(text));
        }
        return milli;
    }

    private static long timestamp(final JsonNode node, final String path) throws FieldException
    {
        final String text = string(node, path);
        if (text == null || text.isEmpty())
        {
            return 0;
        }
        try
        {
            return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        }
        catch (final DateTimeParseException | ArithmeticException ex)
        {
            throw new FieldException(path, "cannot parse RFC 3339 time " + quote(text));
        }
    }

    /** A map of strings, such as labels; scalar values that are not strings become their text, null becomes "". */
    private static Map<String, String> stringMap(final JsonNode node, final String path) throws FieldException
    {
        final ObjectNode object = object(node, path);
        if (object == null || object.isEmpty())
        {
            return NO_STRINGS;
        }
        checkEntries(object.size(), path);
        final Map<String, String> map = new LinkedHashMap<>((int)(object.size() / 0.75f) + 1);
        for (final Map.Entry<String, JsonNode> entry : object.properties())
        {
            final String valuePath = key(path, entry.getKey());
            checkLength(entry.getKey(), valuePath);
            final String value = scalarText(entry.getValue(), valuePath);
            map.put(entry.getKey(), value == null ? "" : value);
        }
        return Collections.unmodifiableMap(map);
    }

    private static List<String> stringList(final JsonNode node, final String path) throws FieldException
    {
        final ArrayNode array = array(node, path);
        if (array == null || array.isEmpty())
        {
            return List.of();
        }
        final List<String> list = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++)
        {
            final String value = scalarText(array.get(i), index(path, i));
            list.add(value == null ? "" : value);
        }
        return list;
    }

    /** Null for an absent or null field; the parent may be null. */
    private static JsonNode get(final JsonNode parent, final String name)
    {
        if (parent == null)
        {
            return null;
        }
        final JsonNode node = parent.get(name);
        return node == null || node.isNull() ? null : node;
    }

    private static ObjectNode object(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return null;
        }
        if (node instanceof ObjectNode object)
        {
            return object;
        }
        throw wrongType(path, "an object", node);
    }

    private static ArrayNode array(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return null;
        }
        if (node instanceof ArrayNode array)
        {
            checkEntries(array.size(), path);
            return array;
        }
        throw wrongType(path, "a list", node);
    }

    private static String string(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return null;
        }
        if (node.isTextual())
        {
            return checkLength(node.textValue(), path);
        }
        throw wrongType(path, "a string", node);
    }

    /** Text of a string, number or boolean, as kube-scheduler would have liked it quoted; null for null. */
    private static String scalarText(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return null;
        }
        if (node.isTextual())
        {
            return checkLength(node.textValue(), path);
        }
        if (node.isNumber() || node.isBoolean())
        {
            return checkLength(node.asText(), path);
        }
        throw wrongType(path, "a string", node);
    }

    private static boolean bool(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return false;
        }
        if (node.isBoolean())
        {
            return node.booleanValue();
        }
        throw wrongType(path, "a boolean", node);
    }

    private static int int32(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return 0;
        }
        if (node.isIntegralNumber() && node.canConvertToInt())
        {
            return node.intValue();
        }
        if (node.isIntegralNumber())
        {
            throw new FieldException(path, "integer " + node.asText() + " does not fit in 32 bits");
        }
        throw wrongType(path, "an integer", node);
    }

    private static long int64(final JsonNode node, final String path) throws FieldException
    {
        if (node == null || node.isNull())
        {
            return 0;
        }
        if (node.isIntegralNumber() && node.canConvertToLong())
        {
            return node.longValue();
        }
        if (node.isIntegralNumber())
        {
            throw new FieldException(path, "integer " + node.asText() + " does not fit in 64 bits");
        }
        throw wrongType(path, "an integer", node);
    }

    private static String checkLength(final String text, final String path) throws FieldException
    {
        if (text.length() > MAX_STRING_CHARS)
        {
            throw new FieldException(
                path, "string of " + text.length() + " characters is longer than the limit of " + MAX_STRING_CHARS);
        }
        return text;
    }

    private static void checkEntries(final int size, final String path) throws FieldException
    {
        if (size > MAX_ENTRIES)
        {
            throw new FieldException(path, size + " entries are more than the limit of " + MAX_ENTRIES);
        }
    }

    private static FieldException wrongType(final String path, final String expected, final JsonNode actual)
    {
        return new FieldException(path, "expected " + expected + ", got " + describe(actual));
    }

    /** "a string", "a number"...: the JSON type of a node, for messages. */
    static String describe(final JsonNode node)
    {
        final JsonNodeType type = node.getNodeType();
        return switch (type)
        {
            case STRING -> "a string " + quote(node.textValue());
            case NUMBER -> "a number " + node.asText();
            case BOOLEAN -> "a boolean " + node.asText();
            case ARRAY -> "a list";
            case OBJECT -> "an object";
            case NULL -> "null";
            default -> "a " + type.name().toLowerCase(Locale.ROOT) + " value";
        };
    }

    static String field(final String path, final String name)
    {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String index(final String path, final int i)
    {
        return path + "[" + i + "]";
    }

    /** {@code path.key}, or {@code path["key"]} when the key is not a plain word (a label like {@code a.b/c}). */
    static String key(final String path, final String key)
    {
        boolean plain = !key.isEmpty() && key.length() <= 253;
        for (int i = 0; plain && i < key.length(); i++)
        {
            final char c = key.charAt(i);
            plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        return plain ? field(path, key) : path + "[" + quote(key) + "]";
    }

    /** The text in double quotes, cut to 64 chars. */
    static String quote(final String text)
    {
        final int max = 64;
        return text.length() <= max ? '"' + text + '"' : '"' + text.substring(0, max) + "...\" (" + text.length() + " chars)";
    }
}
