package io.berth.mirror.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NamespaceObject;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.PriorityClass;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Writes model objects as Kubernetes v1 JSON, the way kube-apiserver stores them in etcd
 * ({@code --storage-media-type=application/json}): {@code kind}, {@code apiVersion}, {@code metadata},
 * {@code spec}, {@code status}, empty fields omitted. Quantities are written exactly (whole units, or milli-units
 * with an {@code m} suffix), times as RFC 3339. Reading the output back with {@link KubeObjectReader} or
 * {@link JsonObjectDecoder} gives an equal object. Safe to use from several threads.
 */
public final class KubeJsonWriter
{
    private static final JsonFactory FACTORY = new JsonFactory();

    /** A Node as JSON bytes. */
    public byte[] node(final NodeObject node)
    {
        return write(512, g -> writeNode(g, node));
    }

    /** A Pod as JSON bytes. */
    public byte[] pod(final PodObject pod)
    {
        return write(1024, g -> writePod(g, pod));
    }

    /** A Namespace as JSON bytes. */
    public byte[] namespace(final NamespaceObject namespace)
    {
        return write(128, g ->
        {
            g.writeStartObject();
            g.writeStringField("kind", "Namespace");
            g.writeStringField("apiVersion", "v1");
            g.writeObjectFieldStart("metadata");
            g.writeStringField("name", namespace.name());
            stringMap(g, "labels", namespace.labels());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** A PriorityClass as JSON bytes. */
    public byte[] priorityClass(final PriorityClass priorityClass)
    {
        return write(128, g ->
        {
            g.writeStartObject();
            g.writeStringField("kind", "PriorityClass");
            g.writeStringField("apiVersion", "scheduling.k8s.io/v1");
            g.writeObjectFieldStart("metadata");
            g.writeStringField("name", priorityClass.name());
            g.writeEndObject();
            g.writeNumberField("value", priorityClass.value());
            if (priorityClass.globalDefault())
            {
                g.writeBooleanField("globalDefault", true);
            }
            string(g, "preemptionPolicy", priorityClass.preemptionPolicy());
            g.writeEndObject();
        });
    }

    /** Writes one document with a generator. */
    @FunctionalInterface
    private interface DocumentWriter
    {
        void write(JsonGenerator g) throws IOException;
    }

    /** One document as JSON bytes (writing to memory cannot fail; an IOException would be a bug). */
    private static byte[] write(final int sizeHint, final DocumentWriter writer)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator g = FACTORY.createGenerator(out))
        {
            writer.write(g);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return out.toByteArray();
    }

    /** Exact quantity text for a value in milli-units: {@code 2}, {@code 250m}. */
    public static String quantity(final long milli)
    {
        return milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m";
    }

    private static void writeNode(final JsonGenerator g, final NodeObject node) throws IOException
    {
        g.writeStartObject();
        g.writeStringField("kind", "Node");
        g.writeStringField("apiVersion", "v1");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", node.name());
        stringMap(g, "labels", node.labels());
        g.writeEndObject();

        g.writeObjectFieldStart("spec");
        if (node.unschedulable())
        {
            g.writeBooleanField("unschedulable", true);
        }
        if (!node.taints().isEmpty())
        {
            g.writeArrayFieldStart("taints");
            for (final Taint t : node.taints())
            {
                g.writeStartObject();
                g.writeStringField("key", t.key());
                string(g, "value", t.value());
                g.writeStringField("effect", t.effect());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();

        g.writeObjectFieldStart("status");
        resources(g, "capacity", node.allocatable());
        resources(g, "allocatable", node.allocatable());
        if (!node.images().isEmpty())
        {
            g.writeArrayFieldStart("images");
            for (final ContainerImage image : node.images())
            {
                g.writeStartObject();
                stringList(g, "names", image.names());
                g.writeNumberField("sizeBytes", image.sizeBytes());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writePod(final JsonGenerator g, final PodObject pod) throws IOException
    {
        g.writeStartObject();
        g.writeStringField("kind", "Pod");
        g.writeStringField("apiVersion", "v1");
        g.writeObjectFieldStart("metadata");
        g.writeStringField("name", pod.name());
        g.writeStringField("namespace", pod.namespace());
        stringMap(g, "labels", pod.labels());
        stringMap(g, "annotations", pod.annotations());
        time(g, "creationTimestamp", pod.creationTimestampMs());
        time(g, "deletionTimestamp", pod.deletionTimestampMs());
        g.writeEndObject();

        g.writeObjectFieldStart("spec");
        containers(g, "initContainers", pod.initContainers(), true);
        containers(g, "containers", pod.containers(), false);
        stringMap(g, "nodeSelector", pod.nodeSelector());
        string(g, "nodeName", pod.nodeName());
        affinity(g, pod);
        if (!pod.tolerations().isEmpty())
        {
            g.writeArrayFieldStart("tolerations");
            for (final Toleration t : pod.tolerations())
            {
                g.writeStartObject();
                string(g, "key", t.key());
                string(g, "operator", t.operator());
                string(g, "value", t.value());
                string(g, "effect", t.effect());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        string(g, "priorityClassName", pod.priorityClassName());
        if (pod.hasPriority())
        {
            g.writeNumberField("priority", pod.priority());
        }
        string(g, "preemptionPolicy", pod.preemptionPolicy());
        resources(g, "overhead", pod.overhead());
        if (!pod.topologySpreadConstraints().isEmpty())
        {
            g.writeArrayFieldStart("topologySpreadConstraints");
            for (final TopologySpreadConstraint c : pod.topologySpreadConstraints())
            {
                g.writeStartObject();
                g.writeNumberField("maxSkew", c.maxSkew());
                string(g, "topologyKey", c.topologyKey());
                string(g, "whenUnsatisfiable", c.whenUnsatisfiable());
                labelSelector(g, "labelSelector", c.labelSelector());
                if (c.minDomains() != null)
                {
                    g.writeNumberField("minDomains", c.minDomains());
                }
                string(g, "nodeAffinityPolicy", c.nodeAffinityPolicy());
                string(g, "nodeTaintsPolicy", c.nodeTaintsPolicy());
                stringList(g, "matchLabelKeys", c.matchLabelKeys());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (!pod.schedulingGates().isEmpty())
        {
            g.writeArrayFieldStart("schedulingGates");
            for (final String gate : pod.schedulingGates())
            {
                g.writeStartObject();
                g.writeStringField("name", gate);
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();

        g.writeObjectFieldStart("status");
        string(g, "phase", pod.phase());
        string(g, "nominatedNodeName", pod.nominatedNodeName());
        time(g, "startTime", pod.startTimeMs());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void containers(
        final JsonGenerator g, final String field, final List<Container> containers, final boolean init)
        throws IOException
    {
        if (containers.isEmpty())
        {
            return;
        }
        g.writeArrayFieldStart(field);
        for (final Container c : containers)
        {
            g.writeStartObject();
            g.writeStringField("name", c.name());
            string(g, "image", c.image());
            if (!c.ports().isEmpty())
            {
                g.writeArrayFieldStart("ports");
                for (final ContainerPort p : c.ports())
                {
                    g.writeStartObject();
                    if (p.hostPort() != 0)
                    {
                        g.writeNumberField("hostPort", p.hostPort());
                    }
                    g.writeNumberField("containerPort", p.containerPort());
                    g.writeStringField("protocol", p.protocol());
                    string(g, "hostIP", p.hostIP());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeObjectFieldStart("resources");
            resources(g, "requests", c.requests());
            g.writeEndObject();
            if (init && c.restartPolicyAlways())
            {
                g.writeStringField("restartPolicy", "Always");
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void affinity(final JsonGenerator g, final PodObject pod) throws IOException
    {
        final NodeAffinity na = pod.nodeAffinity();
        final boolean hasNode = na.requiredTerms() != null || !na.preferredTerms().isEmpty();
        if (!hasNode && pod.podAffinity().isEmpty() && pod.podAntiAffinity().isEmpty())
        {
            return;
        }
        g.writeObjectFieldStart("affinity");
        if (hasNode)
        {
            g.writeObjectFieldStart("nodeAffinity");
            if (na.requiredTerms() != null)
            {
                g.writeObjectFieldStart("requiredDuringSchedulingIgnoredDuringExecution");
                g.writeArrayFieldStart("nodeSelectorTerms");
                for (final NodeSelectorTerm term : na.requiredTerms())
                {
                    nodeSelectorTerm(g, term);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            if (!na.preferredTerms().isEmpty())
            {
                g.writeArrayFieldStart("preferredDuringSchedulingIgnoredDuringExecution");
                for (final PreferredSchedulingTerm p : na.preferredTerms())
                {
                    g.writeStartObject();
                    g.writeNumberField("weight", p.weight());
                    g.writeFieldName("preference");
                    nodeSelectorTerm(g, p.preference());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
        podAffinity(g, "podAffinity", pod.podAffinity());
        podAffinity(g, "podAntiAffinity", pod.podAntiAffinity());
        g.writeEndObject();
    }

    private static void nodeSelectorTerm(final JsonGenerator g, final NodeSelectorTerm term) throws IOException
    {
        g.writeStartObject();
        nodeRequirements(g, "matchExpressions", term.matchExpressions());
        nodeRequirements(g, "matchFields", term.matchFields());
        g.writeEndObject();
    }

    private static void nodeRequirements(
        final JsonGenerator g, final String field, final List<NodeSelectorRequirement> requirements) throws IOException
    {
        if (requirements.isEmpty())
        {
            return;
        }
        g.writeArrayFieldStart(field);
        for (final NodeSelectorRequirement r : requirements)
        {
            g.writeStartObject();
            g.writeStringField("key", r.key());
            g.writeStringField("operator", r.operator());
            stringList(g, "values", r.values());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void podAffinity(final JsonGenerator g, final String field, final PodAffinity affinity)
        throws IOException
    {
        if (affinity.isEmpty())
        {
            return;
        }
        g.writeObjectFieldStart(field);
        if (!affinity.required().isEmpty())
        {
            g.writeArrayFieldStart("requiredDuringSchedulingIgnoredDuringExecution");
            for (final PodAffinityTerm term : affinity.required())
            {
                podAffinityTerm(g, term);
            }
            g.writeEndArray();
        }
        if (!affinity.preferred().isEmpty())
        {
            g.writeArrayFieldStart("preferredDuringSchedulingIgnoredDuringExecution");
            for (final WeightedPodAffinityTerm w : affinity.preferred())
            {
                g.writeStartObject();
                g.writeNumberField("weight", w.weight());
                g.writeFieldName("podAffinityTerm");
                podAffinityTerm(g, w.term());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void podAffinityTerm(final JsonGenerator g, final PodAffinityTerm term) throws IOException
    {
        g.writeStartObject();
        labelSelector(g, "labelSelector", term.labelSelector());
        stringList(g, "namespaces", term.namespaces());
        string(g, "topologyKey", term.topologyKey());
        labelSelector(g, "namespaceSelector", term.namespaceSelector());
        stringList(g, "matchLabelKeys", term.matchLabelKeys());
        stringList(g, "mismatchLabelKeys", term.mismatchLabelKeys());
        g.writeEndObject();
    }

    private static void labelSelector(final JsonGenerator g, final String field, final LabelSelector selector)
        throws IOException
    {
        if (selector == null)
        {
            return;
        }
        g.writeObjectFieldStart(field);
        stringMap(g, "matchLabels", selector.matchLabels());
        if (!selector.matchExpressions().isEmpty())
        {
            g.writeArrayFieldStart("matchExpressions");
            for (final LabelSelectorRequirement r : selector.matchExpressions())
            {
                g.writeStartObject();
                g.writeStringField("key", r.key());
                g.writeStringField("operator", r.operator());
                stringList(g, "values", r.values());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void resources(final JsonGenerator g, final String field, final ResourceList list)
        throws IOException
    {
        if (list.isEmpty())
        {
            return;
        }
        g.writeObjectFieldStart(field);
        for (int i = 0; i < list.size(); i++)
        {
            g.writeStringField(list.name(i), quantity(list.milliValue(i)));
        }
        g.writeEndObject();
    }

    private static void stringMap(final JsonGenerator g, final String field, final Map<String, String> map)
        throws IOException
    {
        if (map.isEmpty())
        {
            return;
        }
        g.writeObjectFieldStart(field);
        for (final Map.Entry<String, String> e : map.entrySet())
        {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    private static void stringList(final JsonGenerator g, final String field, final List<String> list)
        throws IOException
    {
        if (list.isEmpty())
        {
            return;
        }
        g.writeArrayFieldStart(field);
        for (final String s : list)
        {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    private static void string(final JsonGenerator g, final String field, final String value) throws IOException
    {
        if (value != null && !value.isEmpty())
        {
            g.writeStringField(field, value);
        }
    }

    private static void time(final JsonGenerator g, final String field, final long epochMs) throws IOException
    {
        if (epochMs != 0)
        {
            g.writeStringField(field, Instant.ofEpochMilli(epochMs).toString());
        }
    }
}
