package io.berth.sched.framework;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.NodeAffinity;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.NodeSelectorRequirement;
import io.berth.sched.model.NodeSelectorTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.PreferredSchedulingTerm;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Taint;
import io.berth.sched.model.Toleration;

/** Random nodes and pods over small vocabularies so that every plugin sees matches, misses and edge cases. */
final class RandomCluster
{
    static final String[] ZONES = {"a", "b", "c"};
    static final String[] KEYS = {"zone", "tier", "gen", "disk", "gpu"};
    static final String[] VALUES = {"a", "b", "c", "1", "2", "10", "-3", "x1", ""};
    static final String[] TAINT_KEYS = {"dedicated", "gpu", "spot", "node.kubernetes.io/unschedulable"};
    static final String[] EFFECTS = {"NoSchedule", "PreferNoSchedule", "NoExecute"};
    static final String[] OPS = {"In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Bogus"};
    static final String[] IMAGES = {"nginx", "nginx:1.25", "redis:7", "registry.example.com/app:1", "busybox", "team/big:2"};
    static final String[] SCALARS = {"nvidia.com/gpu", "example.com/foo", "hugepages-2Mi"};

    static final String[] GPU_MODELS = {"T4", "V100M16", "A10", "P100"};
    static final long[] GPU_MILLI = {100, 230, 470, 500, 810, 999, 1000};
    static final int[] GPU_DEVICES = {1, 2, 4, 8};

    private final Random random;
    /** Draws of the GPU facts, separate so that clusters without GPUs stay what they were for a seed. */
    private final Random gpuRandom;
    private boolean gpus;

    RandomCluster(final long seed)
    {
        random = new Random(seed);
        gpuRandom = new Random(seed * 31 + 7);
    }

    /** Gives half of the nodes GPU devices and a model, and a third of the pods GPU annotations. */
    RandomCluster withGpus()
    {
        gpus = true;
        return this;
    }

    private Map<String, String> gpuAnnotations()
    {
        if (!gpus || gpuRandom.nextInt(3) != 0)
        {
            return Map.of();
        }
        final Map<String, String> a = new HashMap<>();
        final long milli = GPU_MILLI[gpuRandom.nextInt(GPU_MILLI.length)];
        a.put(io.berth.sched.model.GpuSharing.GPU_MILLI, Long.toString(milli));
        if (milli == 1000)
        {
            a.put(io.berth.sched.model.GpuSharing.GPU_COUNT, Integer.toString(GPU_DEVICES[gpuRandom.nextInt(GPU_DEVICES.length)]));
        }
        if (gpuRandom.nextInt(4) == 0)
        {
            a.put(io.berth.sched.model.GpuSharing.GPU_CARD_MODEL, GPU_MODELS[gpuRandom.nextInt(GPU_MODELS.length)] +
                (gpuRandom.nextBoolean() ? "|" + GPU_MODELS[gpuRandom.nextInt(GPU_MODELS.length)] : "") +
                (gpuRandom.nextInt(8) == 0 ? "|H100" : ""));
        }
        return a;
    }

    Random random()
    {
        return random;
    }

    private String pick(final String[] a)
    {
        return a[random.nextInt(a.length)];
    }

    NodeObject node(final String name)
    {
        final Map<String, String> labels = new HashMap<>();
        labels.put("kubernetes.io/hostname", name);
        for (final String k : KEYS)
        {
            if (random.nextInt(3) > 0)
            {
                labels.put(k, pick(VALUES));
            }
        }
        final List<Taint> taints = new ArrayList<>();
        final int nt = random.nextInt(4) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < nt; i++)
        {
            taints.add(new Taint(pick(TAINT_KEYS), random.nextBoolean() ? "" : pick(VALUES), pick(EFFECTS)));
        }
        final List<Object> alloc = new ArrayList<>();
        if (random.nextInt(20) > 0)
        {
            alloc.add("cpu");
            alloc.add((1 + random.nextInt(64)) * 500L);
        }
        if (random.nextInt(20) > 0)
        {
            alloc.add("memory");
            alloc.add((1L + random.nextInt(256)) * 512L * 1024 * 1024 * 1000);
        }
        if (random.nextBoolean())
        {
            alloc.add("ephemeral-storage");
            alloc.add((1L + random.nextInt(100)) * 1_000_000_000L * 1000);
        }
        alloc.add("pods");
        alloc.add((long)random.nextInt(12) * 1000);
        for (final String s : SCALARS)
        {
            if (random.nextInt(3) == 0)
            {
                alloc.add(s);
                alloc.add((long)random.nextInt(5) * 1000);
            }
        }
        final List<ContainerImage> images = new ArrayList<>();
        for (final String image : IMAGES)
        {
            if (random.nextInt(3) == 0)
            {
                final String n = image.contains(":") ? image : image + ":latest";
                images.add(new ContainerImage(List.of(n), (1 + random.nextInt(1500)) * 1024L * 1024));
            }
        }
        if (gpus && gpuRandom.nextBoolean())
        {
            alloc.add(io.berth.sched.model.GpuSharing.GPU_COUNT);
            alloc.add(1000L * GPU_DEVICES[gpuRandom.nextInt(GPU_DEVICES.length)]);
            if (gpuRandom.nextInt(6) > 0)
            {
                labels.put(io.berth.sched.model.GpuSharing.GPU_CARD_MODEL, GPU_MODELS[gpuRandom.nextInt(GPU_MODELS.length)]);
            }
        }
        return NodeObject.builder(name).labels(labels).unschedulable(random.nextInt(15) == 0).taints(taints)
            .allocatable(ResourceList.ofMilli(alloc.toArray())).images(images).build();
    }

    PodObject pod(final String name, final String nodeName)
    {
        final int nc = random.nextInt(10) == 0 ? 0 : 1 + random.nextInt(3);
        final List<Container> containers = new ArrayList<>();
        for (int i = 0; i < nc; i++)
        {
            containers.add(container("c" + i, false));
        }
        final List<Container> inits = new ArrayList<>();
        if (random.nextInt(4) == 0)
        {
            inits.add(container("init", random.nextBoolean()));
        }
        final List<Toleration> tolerations = new ArrayList<>();
        final int ntol = random.nextInt(3) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < ntol; i++)
        {
            final boolean exists = random.nextBoolean();
            tolerations.add(new Toleration(random.nextInt(8) == 0 ? "" : pick(TAINT_KEYS), exists ? "Exists" : (random.nextBoolean() ? "Equal" : ""),
                exists ? "" : pick(VALUES), random.nextInt(3) == 0 ? "" : pick(EFFECTS)));
        }
        final Map<String, String> selector = new HashMap<>();
        if (random.nextInt(5) == 0)
        {
            selector.put(pick(KEYS), pick(VALUES));
        }
        List<NodeSelectorTerm> required = null;
        if (random.nextInt(4) == 0)
        {
            required = new ArrayList<>();
            final int terms = random.nextInt(3);
            for (int t = 0; t < terms; t++)
            {
                required.add(term());
            }
        }
        final List<PreferredSchedulingTerm> preferred = new ArrayList<>();
        if (random.nextInt(3) == 0)
        {
            final int terms = 1 + random.nextInt(3);
            for (int t = 0; t < terms; t++)
            {
                preferred.add(new PreferredSchedulingTerm(random.nextInt(101), term()));
            }
        }
        final ResourceList overhead = random.nextInt(8) == 0 ? ResourceList.ofMilli("cpu", 50L, "memory", 64L * 1024 * 1024 * 1000) : null;
        return PodObject.builder("ns" + random.nextInt(3), name).nodeName(nodeName).containers(containers).initContainers(inits)
            .tolerations(tolerations).nodeSelector(selector).nodeAffinity(new NodeAffinity(required, preferred))
            .overhead(overhead).priority(random.nextInt(3)).creationTimestampMs(random.nextInt(1000))
            .annotations(gpuAnnotations()).build();
    }

    private NodeSelectorTerm term()
    {
        final List<NodeSelectorRequirement> exprs = new ArrayList<>();
        final int n = random.nextInt(3);
        for (int i = 0; i < n; i++)
        {
            final String op = pick(OPS);
            final List<String> values = new ArrayList<>();
            final int nv = op.equals("Gt") || op.equals("Lt") ? 1 : (op.equals("In") || op.equals("NotIn") ? 1 + random.nextInt(3) : 0);
            for (int v = 0; v < nv; v++)
            {
                values.add(pick(VALUES));
            }
            exprs.add(new NodeSelectorRequirement(pick(KEYS), op, values));
        }
        final List<NodeSelectorRequirement> fields = new ArrayList<>();
        if (random.nextInt(6) == 0)
        {
            fields.add(new NodeSelectorRequirement("metadata.name", random.nextBoolean() ? "In" : "NotIn", List.of("n" + random.nextInt(20))));
        }
        return new NodeSelectorTerm(exprs, fields);
    }

    private Container container(final String name, final boolean sidecar)
    {
        final List<Object> req = new ArrayList<>();
        if (random.nextInt(5) > 0)
        {
            req.add("cpu");
            req.add((long)random.nextInt(4000));
        }
        if (random.nextInt(5) > 0)
        {
            req.add("memory");
            req.add((long)random.nextInt(8192) * 1024 * 1024 * 1000);
        }
        if (random.nextInt(6) == 0)
        {
            req.add("ephemeral-storage");
            req.add((long)random.nextInt(10) * 1_000_000_000L * 1000);
        }
        if (random.nextInt(8) == 0)
        {
            req.add(pick(SCALARS));
            req.add((long)random.nextInt(3) * 1000);
        }
        final List<ContainerPort> ports = new ArrayList<>();
        if (random.nextInt(8) == 0)
        {
            ports.add(new ContainerPort(80, 8000 + random.nextInt(3), random.nextBoolean() ? "TCP" : "UDP",
                random.nextBoolean() ? "" : "10.0.0." + random.nextInt(2)));
        }
        return new Container(name, pick(IMAGES), ResourceList.ofMilli(req.toArray()), ports, sidecar);
    }
}
