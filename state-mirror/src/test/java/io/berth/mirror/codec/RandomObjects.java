package io.berth.mirror.codec;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Random but valid Pods and Nodes using every field the model has, for codec round trips. */
public final class RandomObjects
{
    private static final String[] RESOURCES = {"cpu", "memory", "ephemeral-storage", "pods", "nvidia.com/gpu",
        "hugepages-2Mi", "example.com/foo"};
    private static final String[] KEYS = {"app", "tier", "kubernetes.io/hostname", "topology.kubernetes.io/zone",
        "example.com/team", "a.b-c_d/e.f", "x"};
    private static final String[] VALUES = {"web", "db", "zone-a", "zone-b", "", "1", "true", "v1.2_3-x"};
    private static final String[] EFFECTS = {"NoSchedule", "PreferNoSchedule", "NoExecute", ""};

    private final Random random;

    public RandomObjects(final long seed)
    {
        this.random = new Random(seed);
    }

    public NodeObject node(final String name)
    {
        final List<ContainerImage> images = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--)
        {
            images.add(new ContainerImage(strings(1 + random.nextInt(2), "registry.example/img"),
                random.nextLong(1L << 40)));
        }
        final List<Taint> taints = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--)
        {
            taints.add(new Taint(pick(KEYS), pick(VALUES), pick(EFFECTS)));
        }
        return NodeObject.builder(name)
            .labels(labels())
            .unschedulable(random.nextInt(5) == 0)
            .taints(taints)
            .allocatable(resources(1 + random.nextInt(5)))
            .images(images)
            .build();
    }

    public PodObject pod(final String namespace, final String name)
    {
        final PodObject.Builder b = PodObject.builder(namespace, name)
            .labels(labels())
            .creationTimestampMs(random.nextInt(3) == 0 ? 0 : 1_735_689_600_000L + random.nextInt(1_000_000_000))
            .nodeName(random.nextBoolean() ? "" : "node-" + random.nextInt(50))
            .phase(random.nextInt(4) == 0 ? "" : pick(new String[] {"Pending", "Running", "Succeeded", "Failed"}))
            .containers(containers(1 + random.nextInt(3), false))
            .initContainers(containers(random.nextInt(3), true))
            .overhead(random.nextInt(4) == 0 ? resources(2) : ResourceList.EMPTY)
            .nodeSelector(random.nextInt(3) == 0 ? labels() : Map.of())
            .nodeAffinity(nodeAffinity())
            .tolerations(tolerations())
            .priorityClassName(random.nextInt(3) == 0 ? "high" : "")
            .preemptionPolicy(random.nextInt(4) == 0 ? "Never" : "")
            .schedulingGates(random.nextInt(5) == 0 ? strings(1 + random.nextInt(2), "gate") : List.of())
            .podAffinity(podAffinity())
            .podAntiAffinity(podAffinity())
            .topologySpreadConstraints(spread())
            .nominatedNodeName(random.nextInt(6) == 0 ? "node-3" : "")
            .startTimeMs(random.nextInt(3) == 0 ? 1_735_689_600_123L : 0)
            .deletionTimestampMs(random.nextInt(8) == 0 ? 1_735_689_700_000L : 0);
        if (random.nextBoolean())
        {
            b.priority(random.nextInt(2_000_000) - 1_000_000);
        }
        return b.build();
    }

    private List<Container> containers(final int n, final boolean init)
    {
        final List<Container> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final List<ContainerPort> ports = new ArrayList<>();
            for (int k = random.nextInt(3); k > 0; k--)
            {
                ports.add(new ContainerPort(1 + random.nextInt(65535), random.nextBoolean() ? 0 : 1 + random.nextInt(65535),
                    random.nextBoolean() ? "TCP" : "UDP", random.nextInt(4) == 0 ? "10.0.0.1" : ""));
            }
            list.add(new Container("c" + i, "registry.example/img" + random.nextInt(5) + ":v1", resources(random.nextInt(4)),
                ports, init && random.nextBoolean()));
        }
        return list;
    }

    private ResourceList resources(final int n)
    {
        final List<String> names = new ArrayList<>();
        final List<Long> values = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            final String r = pick(RESOURCES);
            if (!names.contains(r))
            {
                names.add(r);
                values.add(switch (random.nextInt(3))
                {
                    case 0 -> (long)random.nextInt(100_000);                // milli-units, not whole
                    case 1 -> 1000L * random.nextInt(1 << 20);              // whole units
                    default -> 1024L * 1024 * 1000 * random.nextInt(1 << 16); // Mi
                });
            }
        }
        final long[] v = new long[values.size()];
        for (int i = 0; i < v.length; i++)
        {
            v[i] = values.get(i);
        }
        return new ResourceList(names.toArray(new String[0]), v);
    }

    private Map<String, String> labels()
    {
        final Map<String, String> labels = new LinkedHashMap<>();
        for (int i = random.nextInt(5); i > 0; i--)
        {
            labels.put(pick(KEYS), pick(VALUES));
        }
        return labels;
    }

    private List<Toleration> tolerations()
    {
        final List<Toleration> list = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--)
        {
            final boolean exists = random.nextBoolean();
            list.add(new Toleration(random.nextInt(5) == 0 ? "" : pick(KEYS), exists ? "Exists" : "Equal",
                exists ? "" : pick(VALUES), pick(EFFECTS)));
        }
        return list;
    }

    private NodeAffinity nodeAffinity()
    {
        if (random.nextInt(3) == 0)
        {
            return NodeAffinity.NONE;
        }
        final List<NodeSelectorTerm> required = random.nextBoolean() ? null : new ArrayList<>();
        for (int i = required == null ? 0 : random.nextInt(3); i > 0; i--)
        {
            required.add(term());
        }
        final List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--)
        {
            preferred.add(new PreferredSchedulingTerm(1 + random.nextInt(100), term()));
        }
        return new NodeAffinity(required, preferred);
    }

    private NodeSelectorTerm term()
    {
        final List<NodeSelectorRequirement> expressions = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--)
        {
            expressions.add(new NodeSelectorRequirement(pick(KEYS), pick(new String[] {"In", "NotIn", "Exists", "Gt"}),
                strings(random.nextInt(3), "v")));
        }
        final List<NodeSelectorRequirement> fields = random.nextInt(4) == 0 ?
            List.of(new NodeSelectorRequirement("metadata.name", "In", List.of("node-1"))) : List.of();
        return new NodeSelectorTerm(expressions, fields);
    }

    private PodAffinity podAffinity()
    {
        if (random.nextInt(3) != 0)
        {
            return PodAffinity.NONE;
        }
        final List<PodAffinityTerm> required = new ArrayList<>();
        for (int i = random.nextInt(2); i > 0; i--)
        {
            required.add(podAffinityTerm());
        }
        final List<WeightedPodAffinityTerm> preferred = new ArrayList<>();
        for (int i = random.nextInt(2); i > 0; i--)
        {
            preferred.add(new WeightedPodAffinityTerm(1 + random.nextInt(100), podAffinityTerm()));
        }
        return new PodAffinity(required, preferred);
    }

    private PodAffinityTerm podAffinityTerm()
    {
        return new PodAffinityTerm(selector(), random.nextBoolean() ? strings(2, "ns") : List.of(),
            pick(KEYS), random.nextInt(3) == 0 ? selector() : null,
            random.nextInt(4) == 0 ? List.of("app") : List.of(), random.nextInt(4) == 0 ? List.of("tier") : List.of());
    }

    private LabelSelector selector()
    {
        if (random.nextInt(4) == 0)
        {
            return null;
        }
        final List<LabelSelectorRequirement> expressions = new ArrayList<>();
        for (int i = random.nextInt(2); i > 0; i--)
        {
            expressions.add(new LabelSelectorRequirement(pick(KEYS), random.nextBoolean() ? "In" : "Exists",
                strings(random.nextInt(2), "v")));
        }
        return new LabelSelector(labels(), expressions);
    }

    private List<TopologySpreadConstraint> spread()
    {
        final List<TopologySpreadConstraint> list = new ArrayList<>();
        for (int i = random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0; i > 0; i--)
        {
            list.add(new TopologySpreadConstraint(1 + random.nextInt(5), pick(KEYS),
                random.nextBoolean() ? "DoNotSchedule" : "ScheduleAnyway", selector(),
                random.nextBoolean() ? null : random.nextInt(10), random.nextBoolean() ? "Honor" : "",
                random.nextBoolean() ? "Ignore" : "", random.nextBoolean() ? List.of("app") : List.of()));
        }
        return list;
    }

    private List<String> strings(final int n, final String prefix)
    {
        final List<String> list = new ArrayList<>();
        for (int i = 0; i < n; i++)
        {
            list.add(prefix + random.nextInt(100));
        }
        return list;
    }

    private String pick(final String[] values)
    {
        return values[random.nextInt(values.length)];
    }
}
