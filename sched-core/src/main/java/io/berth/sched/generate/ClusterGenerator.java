package io.berth.sched.generate;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

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

/**
 * Builds a synthetic but realistic cluster from a {@link GeneratorSpec}, deterministically for a seed (one
 * {@link SplittableRandom} split into a stream per part, so the nodes of a seed do not depend on the pod count).
 * <p>
 * Nodes: cloud instance types (m5, c5, r5, m6g arm64, and p3 GPU nodes that carry {@code nvidia.com/gpu}, GPU
 * labels and the taint {@code nvidia.com/gpu=present:NoSchedule}), the well-known zone, region, hostname, os, arch
 * and instance-type labels, allocatable a little below capacity (kube-reserved cpu by the GKE formula, EKS's
 * memory reservation plus the eviction threshold, 90% of the disk), 110 pods; some cordoned (with the
 * {@code node.kubernetes.io/unschedulable} taint), some with a PreferNoSchedule taint, a few dedicated to infra;
 * each node holds 5-15 images of a pool in which a few popular images are on most nodes.
 * <p>
 * Pods are replicas of workloads (Deployment-like templates): best-effort, small web, medium, memory-heavy,
 * large batch and GPU shapes; some with init containers, sidecars, ephemeral storage, a host port, a node
 * selector or required node affinity on zone or instance type, preferred node affinity or tolerations; a few
 * priority classes; a handful of namespaces. Existing (bound) pods fill each node up to a cpu share drawn between
 * {@code fillMin} and {@code fillMax}, and never beyond its allocatable.
 */
public final class ClusterGenerator
{
    /** Creation time of the first pending pod's predecessor: 2025-01-01T00:00:00Z. */
    public static final long BASE_TIME_MS = 1_735_689_600_000L;

    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";
    public static final String OS_LABEL = "kubernetes.io/os";
    public static final String ARCH_LABEL = "kubernetes.io/arch";
    public static final String INSTANCE_TYPE_LABEL = "node.kubernetes.io/instance-type";
    public static final String ZONE_LABEL = "topology.kubernetes.io/zone";
    public static final String REGION_LABEL = "topology.kubernetes.io/region";
    public static final String GPU_PRESENT_LABEL = "nvidia.com/gpu.present";
    public static final String GPU_PRODUCT_LABEL = "nvidia.com/gpu.product";
    public static final String INFRA_ROLE_LABEL = "node-role.kubernetes.io/infra";
    public static final String GPU_RESOURCE = "nvidia.com/gpu";

    public static final Taint GPU_TAINT = new Taint("nvidia.com/gpu", "present", Taint.NO_SCHEDULE);
    public static final Taint INFRA_TAINT = new Taint("dedicated", "infra", Taint.NO_SCHEDULE);
    public static final Taint SPOT_TAINT = new Taint("example.com/spot", "true", Taint.PREFER_NO_SCHEDULE);
    public static final Taint CORDON_TAINT = new Taint("node.kubernetes.io/unschedulable", "", Taint.NO_SCHEDULE);

    /** Pods per node, kube's default {@code maxPods}. */
    public static final int MAX_PODS_PER_NODE = 110;

    private static final long MI = 1024L * 1024L;
    private static final long GI = 1024L * MI;
    private static final long MILLI = 1000L;
    private static final long MEMORY_RESERVED = (255 + 11 * MAX_PODS_PER_NODE + 100) * MI;

    // internal resource indexes of the fit bookkeeping
    private static final int CPU = 0;
    private static final int MEMORY = 1;
    private static final int STORAGE = 2;
    private static final int GPU = 3;
    private static final int RESOURCES = 4;

    private static final InstanceType[] GENERAL_TYPES = {
        new InstanceType("m5.xlarge", 4, 16, 0, "amd64", 100, "", 15),
        new InstanceType("m5.2xlarge", 8, 32, 0, "amd64", 100, "", 25),
        new InstanceType("m5.4xlarge", 16, 64, 0, "amd64", 150, "", 18),
        new InstanceType("c5.4xlarge", 16, 32, 0, "amd64", 100, "", 14),
        new InstanceType("r5.2xlarge", 8, 64, 0, "amd64", 100, "", 14),
        new InstanceType("r5.4xlarge", 16, 128, 0, "amd64", 150, "", 7),
        new InstanceType("m6g.2xlarge", 8, 32, 0, "arm64", 100, "", 7),
    };

    private static final InstanceType[] GPU_TYPES = {
        new InstanceType("p3.2xlarge", 8, 61, 1, "amd64", 200, "Tesla-V100-SXM2-16GB", 5),
        new InstanceType("p3.8xlarge", 32, 244, 4, "amd64", 200, "Tesla-V100-SXM2-16GB", 3),
        new InstanceType("p3.16xlarge", 64, 488, 8, "amd64", 400, "Tesla-V100-SXM2-16GB", 2),
    };

    private static final String[] NAMESPACES = { "default", "web", "api", "batch", "data", "ml", "platform", "monitoring" };
    private static final String[] TEAMS = { "web", "payments", "search", "data", "ml", "identity", "checkout", "catalog" };
    private static final int[] PRIORITIES = { 0, 1000, 100_000, 2_000_000_000 };
    private static final int[] PRIORITY_WEIGHTS = { 62, 25, 10, 3 };
    private static final int[] HOST_PORTS = { 9100, 9400, 8080, 10254 };
    private static final String SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private ClusterGenerator()
    {
    }

    /** Generates the cluster the spec describes; the same spec always gives an equal cluster. */
    public static GeneratedCluster generate(final GeneratorSpec spec)
    {
        return new Run(spec).generate();
    }

    /** The instance types nodes are drawn from, general ones first, then GPU ones. */
    public static List<String> instanceTypes()
    {
        final List<String> names = new ArrayList<>();
        for (final InstanceType t : GENERAL_TYPES)
        {
            names.add(t.name);
        }
        for (final InstanceType t : GPU_TYPES)
        {
            names.add(t.name);
        }
        return names;
    }

    /** Name of zone {@code index}: zone-a ... zone-z, zone-aa, ... */
    public static String zoneName(final int index)
    {
        return "zone-" + letters(index);
    }

    private static String letters(final int index)
    {
        final StringBuilder sb = new StringBuilder();
        int n = index + 1;
        while (n > 0)
        {
            n--;
            sb.append((char)('a' + n % 26));
            n /= 26;
        }
        return sb.reverse().toString();
    }

    private record InstanceType(String name, int cpu, int memoryGi, int gpus, String arch, int diskGi, String gpuProduct, int weight)
    {
        long allocatableMilliCpu()
        {
            // GKE's kube-reserved cpu: 6% of the first core, 1% of the second, 0.5% of the next two, 0.25% above four
            final long cores = cpu;
            final long reserved = 60 + (cores > 1 ? 10 : 0) + 5 * Math.max(0, Math.min(cores, 4) - 2) +
                Math.max(0, cores - 4) * 25 / 10;
            return cores * 1000 - reserved;
        }

        long allocatableMemory()
        {
            return memoryGi * GI - MEMORY_RESERVED;
        }

        long allocatableStorage()
        {
            return diskGi * GI / 10 * 9;
        }
    }

    private enum Shape
    {
        BEST_EFFORT("worker", 9), SMALL("web", 70), MEDIUM("svc", 10), MEMORY_HEAVY("cache", 5), LARGE("batch", 1), GPU("train", 0);

        final String prefix;
        final int weight;

        Shape(final String prefix, final int weight)
        {
            this.prefix = prefix;
            this.weight = weight;
        }
    }

    private record Image(String name, String digestName, long sizeBytes, boolean popular, ContainerImage onNode)
    {
    }

    /** A Deployment-like template; its pods share every list and map. */
    private static final class Workload
    {
        String namespace;
        String app;
        String hash;
        Map<String, String> labels;
        int priority;
        List<Container> containers;
        List<Container> initContainers;
        Map<String, String> nodeSelector = Map.of();
        NodeAffinity affinity = NodeAffinity.NONE;
        List<Toleration> tolerations = List.of();
        final long[] request = new long[RESOURCES];
        boolean gpu;
        boolean hostPort;
        boolean toleratesInfra;

        boolean isGeneral()
        {
            return !gpu && !hostPort && nodeSelector.isEmpty() && affinity.requiredTerms() == null;
        }
    }

    private static final class Run
    {
        private final GeneratorSpec spec;
        private final SplittableRandom imageRng;
        private final SplittableRandom nodeRng;
        private final SplittableRandom workloadRng;
        private final SplittableRandom boundRng;
        private final SplittableRandom pendingRng;

        private final List<Image> images = new ArrayList<>();
        private final List<NodeObject> nodes = new ArrayList<>();
        private final List<Workload> workloads = new ArrayList<>();
        private final List<Workload> general = new ArrayList<>();
        private final List<Workload> gpuWorkloads = new ArrayList<>();
        private final List<Workload> infraWorkloads = new ArrayList<>();
        /** A best-effort workload without constraints: what still fits where nothing else does. */
        private Workload lightest;

        // per node bookkeeping for the bound pods
        private long[][] allocatable;
        private long[][] used;
        private int[] podCount;
        private long[] cpuTarget;
        private boolean[] gpuNode;
        private boolean[] infraNode;

        Run(final GeneratorSpec spec)
        {
            this.spec = spec;
            final SplittableRandom root = new SplittableRandom(spec.seed());
            imageRng = root.split();
            nodeRng = root.split();
            workloadRng = root.split();
            boundRng = root.split();
            pendingRng = root.split();
        }

        GeneratedCluster generate()
        {
            generateImages();
            generateNodes();
            generateWorkloads();
            final List<PodObject> bound = generateBoundPods();
            final List<PodObject> pending = generatePendingPods();
            return new GeneratedCluster(spec, nodes, bound, pending);
        }

        // ------------------------------------------------------------ images

        private void generateImages()
        {
            final int count = spec.images();
            final int popular = Math.max(3, count / 8);
            for (int i = 0; i < count; i++)
            {
                final String repo;
                final String tag;
                if (i == 0)
                {
                    repo = "registry.example.com/platform/envoy";
                    tag = "1.29.1";
                }
                else if (i == 1)
                {
                    repo = "registry.example.com/platform/init-tools";
                    tag = "2.3.0";
                }
                else if (i == 2)
                {
                    repo = "registry.example.com/monitoring/node-exporter";
                    tag = "1.7.0";
                }
                else
                {
                    repo = "registry.example.com/" + TEAMS[imageRng.nextInt(TEAMS.length)] + "/app-" + i;
                    tag = (1 + imageRng.nextInt(4)) + "." + imageRng.nextInt(20) + "." + imageRng.nextInt(10);
                }
                // log-uniform between 50 MB and 2 GB
                final double logSize = Math.log(50e6) + imageRng.nextDouble() * (Math.log(2e9) - Math.log(50e6));
                final long size = (long)Math.exp(logSize);
                final String name = repo + ":" + tag;
                final String digest = repo + "@sha256:" + hex(imageRng.nextLong()) + hex(imageRng.nextLong()) +
                    hex(imageRng.nextLong()) + hex(imageRng.nextLong());
                images.add(new Image(name, digest, size, i < popular, new ContainerImage(List.of(digest, name), size)));
            }
        }

        private static String hex(final long v)
        {
            final String s = Long.toHexString(v);
            return "0".repeat(16 - s.length()) + s;
        }

        /** An image for a workload's main container: app images, the popular ones six times as likely. */
        private Image appImage(final SplittableRandom rng)
        {
            final int first = Math.min(3, images.size() - 1);
            int total = 0;
            for (int i = first; i < images.size(); i++)
            {
                total += images.get(i).popular ? 6 : 1;
            }
            int pick = rng.nextInt(total);
            for (int i = first; i < images.size(); i++)
            {
                pick -= images.get(i).popular ? 6 : 1;
                if (pick < 0)
                {
                    return images.get(i);
                }
            }
            return images.get(images.size() - 1);
        }

        /** 5-15 distinct images for a node, popular ones (weight 40 against 1) on most nodes. */
        private List<ContainerImage> nodeImages(final SplittableRandom rng)
        {
            final int want = Math.min(images.size(), 5 + rng.nextInt(11));
            final boolean[] chosen = new boolean[images.size()];
            int total = 0;
            for (final Image image : images)
            {
                total += image.popular ? 40 : 1;
            }
            final List<ContainerImage> out = new ArrayList<>(want);
            int tries = 0;
            while (out.size() < want && tries++ < 10_000)
            {
                int pick = rng.nextInt(total);
                int i = 0;
                while (true)
                {
                    pick -= images.get(i).popular ? 40 : 1;
                    if (pick < 0)
                    {
                        break;
                    }
                    i++;
                }
                if (!chosen[i])
                {
                    chosen[i] = true;
                    out.add(images.get(i).onNode);
                }
            }
            for (int i = 0; i < images.size() && out.size() < want; i++)
            {
                if (!chosen[i])
                {
                    chosen[i] = true;
                    out.add(images.get(i).onNode);
                }
            }
            return out;
        }

        // ------------------------------------------------------------ nodes

        private void generateNodes()
        {
            final int n = spec.nodes();
            allocatable = new long[RESOURCES][n];
            used = new long[RESOURCES][n];
            podCount = new int[n];
            cpuTarget = new long[n];
            gpuNode = new boolean[n];
            infraNode = new boolean[n];
            final int width = Math.max(4, Integer.toString(n).length());
            for (int i = 0; i < n; i++)
            {
                final SplittableRandom rng = nodeRng;
                final boolean gpu = rng.nextDouble() < spec.gpuNodeFraction();
                final InstanceType type = gpu ? pickType(GPU_TYPES, rng) : pickType(GENERAL_TYPES, rng);
                final boolean infra = !gpu && rng.nextDouble() < spec.infraFraction();
                final boolean cordoned = rng.nextDouble() < spec.unschedulableFraction();
                final boolean spot = rng.nextDouble() < spec.taintedFraction();
                final double fill = spec.fillMin() + rng.nextDouble() * (spec.fillMax() - spec.fillMin());
                final String name = "node-" + pad(i + 1, width);
                final int zone = i % spec.zones();

                final Map<String, String> labels = new LinkedHashMap<>();
                labels.put(ARCH_LABEL, type.arch);
                labels.put(HOSTNAME_LABEL, name);
                labels.put(OS_LABEL, "linux");
                labels.put(INSTANCE_TYPE_LABEL, type.name);
                labels.put(REGION_LABEL, "region-" + (1 + zone / 3));
                labels.put(ZONE_LABEL, zoneName(zone));
                if (gpu)
                {
                    labels.put(GPU_PRESENT_LABEL, "true");
                    labels.put(GPU_PRODUCT_LABEL, type.gpuProduct);
                }
                if (infra)
                {
                    labels.put(INFRA_ROLE_LABEL, "");
                }

                final List<Taint> taints = new ArrayList<>(2);
                if (gpu)
                {
                    taints.add(GPU_TAINT);
                }
                if (infra)
                {
                    taints.add(INFRA_TAINT);
                }
                if (spot)
                {
                    taints.add(SPOT_TAINT);
                }
                if (cordoned)
                {
                    taints.add(CORDON_TAINT);
                }

                final long cpu = type.allocatableMilliCpu();
                final long memory = type.allocatableMemory();
                final long storage = type.allocatableStorage();
                final ResourceList alloc = gpu ?
                    ResourceList.ofMilli("cpu", cpu, "memory", memory * MILLI, "ephemeral-storage", storage * MILLI,
                        "pods", MAX_PODS_PER_NODE * MILLI, GPU_RESOURCE, type.gpus * MILLI) :
                    ResourceList.ofMilli("cpu", cpu, "memory", memory * MILLI, "ephemeral-storage", storage * MILLI,
                        "pods", MAX_PODS_PER_NODE * MILLI);
                allocatable[CPU][i] = cpu;
                allocatable[MEMORY][i] = memory;
                allocatable[STORAGE][i] = storage;
                allocatable[GPU][i] = type.gpus;
                cpuTarget[i] = (long)(cpu * fill);
                gpuNode[i] = gpu;
                infraNode[i] = infra;

                nodes.add(NodeObject.builder(name)
                    .labels(Collections.unmodifiableMap(labels))
                    .unschedulable(cordoned)
                    .taints(taints)
                    .allocatable(alloc)
                    .images(nodeImages(rng))
                    .build());
            }
        }

        private static InstanceType pickType(final InstanceType[] types, final SplittableRandom rng)
        {
            int total = 0;
            for (final InstanceType t : types)
            {
                total += t.weight;
            }
            int pick = rng.nextInt(total);
            for (final InstanceType t : types)
            {
                pick -= t.weight;
                if (pick < 0)
                {
                    return t;
                }
            }
            return types[types.length - 1];
        }

        private static String pad(final int value, final int width)
        {
            final String s = Integer.toString(value);
            return s.length() >= width ? s : "0".repeat(width - s.length()) + s;
        }

        // ------------------------------------------------------------ workloads

        private void generateWorkloads()
        {
            final long podTotal = (long)spec.pods() + spec.existing();
            final int count = (int)Math.max(16, Math.min(20_000, podTotal / 10));
            for (int i = 0; i < count; i++)
            {
                final Workload w = workload(i, pickShape(workloadRng));
                workloads.add(w);
                if (w.gpu)
                {
                    gpuWorkloads.add(w);
                }
                else if (w.isGeneral())
                {
                    general.add(w);
                    if (w.toleratesInfra)
                    {
                        infraWorkloads.add(w);
                    }
                }
            }
            Workload filler;
            do
            {
                filler = workload(count, Shape.BEST_EFFORT);
            }
            while (!filler.isGeneral());
            lightest = filler;
            if (general.isEmpty())
            {
                general.add(filler);
            }
        }

        private Shape pickShape(final SplittableRandom rng)
        {
            if (rng.nextDouble() < spec.gpuPodFraction())
            {
                return Shape.GPU;
            }
            int total = 0;
            for (final Shape s : Shape.values())
            {
                total += s.weight;
            }
            int pick = rng.nextInt(total);
            for (final Shape s : Shape.values())
            {
                pick -= s.weight;
                if (pick < 0)
                {
                    return s;
                }
            }
            return Shape.SMALL;
        }

        private Workload workload(final int index, final Shape shape)
        {
            final SplittableRandom rng = workloadRng;
            final Workload w = new Workload();
            w.namespace = namespace(rng.nextInt(spec.namespaces()));
            w.app = shape.prefix + "-" + index;
            w.hash = suffix(rng.nextLong(1L << 40), 9);
            w.labels = Map.of("app", w.app, "pod-template-hash", w.hash);
            w.priority = PRIORITIES[pickIndex(PRIORITY_WEIGHTS, rng)];
            w.gpu = shape == Shape.GPU;

            final long cpu;
            final long memory;
            switch (shape)
            {
                case BEST_EFFORT:
                    cpu = 0;
                    memory = 0;
                    break;
                case SMALL:
                    cpu = choose(rng, 50, 50, 100, 100, 100, 100, 150, 200);
                    memory = choose(rng, 128, 256, 256, 512, 512, 1024) * MI;
                    break;
                case MEDIUM:
                    cpu = choose(rng, 250, 500, 500, 750);
                    memory = choose(rng, 1, 2, 2, 4) * GI;
                    break;
                case MEMORY_HEAVY:
                    cpu = choose(rng, 250, 500, 500, 1000);
                    memory = choose(rng, 2, 4, 4, 8) * GI;
                    break;
                case LARGE:
                    cpu = choose(rng, 2000, 4000, 6000);
                    memory = choose(rng, 4, 8, 16, 32) * GI;
                    break;
                default:
                    cpu = choose(rng, 2000, 4000, 6000);
                    memory = choose(rng, 8, 16, 24) * GI;
                    break;
            }
            final boolean storage = shape != Shape.BEST_EFFORT && rng.nextInt(100) < 15;
            final long storageBytes = storage ? choose(rng, 1, 2, 5) * GI : 0;
            final Image image = appImage(rng);

            final List<Object> req = new ArrayList<>();
            if (cpu > 0)
            {
                req.add("cpu");
                req.add(cpu);
                req.add("memory");
                req.add(memory * MILLI);
            }
            if (storageBytes > 0)
            {
                req.add("ephemeral-storage");
                req.add(storageBytes * MILLI);
            }
            if (w.gpu)
            {
                req.add(GPU_RESOURCE);
                req.add(MILLI);
            }
            w.hostPort = !w.gpu && rng.nextInt(100) < 1;
            final List<ContainerPort> ports = w.hostPort ?
                List.of(new ContainerPort(HOST_PORTS[0], HOST_PORTS[rng.nextInt(HOST_PORTS.length)], "TCP", null)) : List.of();
            final List<Container> containers = new ArrayList<>(2);
            containers.add(new Container("app", image.name, ResourceList.ofMilli(req.toArray()), ports, false));
            add(w.request, cpu, memory, storageBytes, w.gpu ? 1 : 0);

            final boolean bestEffort = shape == Shape.BEST_EFFORT;
            if (rng.nextInt(100) < 20)
            {
                final ResourceList proxy = bestEffort ? ResourceList.EMPTY :
                    ResourceList.ofMilli("cpu", 50L, "memory", 64 * MI * MILLI);
                containers.add(new Container("envoy", images.get(0).name, proxy));
                if (!bestEffort)
                {
                    add(w.request, 50, 64 * MI, 0, 0);
                }
            }
            w.containers = List.copyOf(containers);

            final List<Container> inits = new ArrayList<>(2);
            final long[] sidecars = new long[RESOURCES];
            final long[] initMax = new long[RESOURCES];
            if (rng.nextInt(100) < 3)
            {
                // a native sidecar: runs beside the app containers
                final ResourceList r = bestEffort ? ResourceList.EMPTY : ResourceList.ofMilli("cpu", 50L, "memory", 64 * MI * MILLI);
                inits.add(new Container("log-shipper", images.get(2 % images.size()).name, r, List.of(), true));
                if (!bestEffort)
                {
                    add(w.request, 50, 64 * MI, 0, 0);
                    add(sidecars, 50, 64 * MI, 0, 0);
                    maxInto(initMax, sidecars, 0, 0, 0, 0);
                }
            }
            if (rng.nextInt(100) < 15)
            {
                final long initCpu = bestEffort ? 0 : choose(rng, 100, 200, 500, 1000);
                final long initMemory = bestEffort ? 0 : choose(rng, 64, 128, 256, 512) * MI;
                final ResourceList r = bestEffort ? ResourceList.EMPTY :
                    ResourceList.ofMilli("cpu", initCpu, "memory", initMemory * MILLI);
                inits.add(new Container("init", images.get(1).name, r));
                maxInto(initMax, sidecars, initCpu, initMemory, 0, 0);
            }
            w.initContainers = List.copyOf(inits);
            for (int r = 0; r < RESOURCES; r++)
            {
                w.request[r] = Math.max(w.request[r], initMax[r]);
            }

            if (w.gpu)
            {
                w.tolerations = List.of(new Toleration(GPU_TAINT.key(), "Exists", null, Taint.NO_SCHEDULE));
                if (rng.nextInt(100) < 50)
                {
                    w.nodeSelector = Map.of(GPU_PRESENT_LABEL, "true");
                }
            }
            else
            {
                if (rng.nextInt(100) < 20)
                {
                    required(w, rng);
                }
                if (rng.nextInt(100) < 10)
                {
                    final int kind = rng.nextInt(100);
                    final Toleration infra = new Toleration(INFRA_TAINT.key(), "Equal", INFRA_TAINT.value(), Taint.NO_SCHEDULE);
                    final Toleration spot = new Toleration(SPOT_TAINT.key(), "Exists", null, Taint.PREFER_NO_SCHEDULE);
                    w.tolerations = kind < 50 ? List.of(infra) : kind < 80 ? List.of(spot) : List.of(infra, spot);
                    w.toleratesInfra = kind < 50 || kind >= 80;
                }
            }
            if (rng.nextInt(100) < 20)
            {
                preferred(w, rng);
            }
            return w;
        }

        /** A node selector or required node affinity on zone or on instance types the pod fits comfortably. */
        private void required(final Workload w, final SplittableRandom rng)
        {
            final int kind = rng.nextInt(100);
            final List<String> types = fittingTypes(w);
            if (kind < 40 || types.isEmpty())
            {
                w.nodeSelector = Map.of(ZONE_LABEL, zoneName(rng.nextInt(spec.zones())));
            }
            else if (kind < 60)
            {
                w.nodeSelector = Map.of(INSTANCE_TYPE_LABEL, types.get(rng.nextInt(types.size())));
            }
            else if (kind < 85)
            {
                final String a = zoneName(rng.nextInt(spec.zones()));
                final String b = zoneName(rng.nextInt(spec.zones()));
                final List<String> zones = a.equals(b) ? List.of(a) : List.of(a, b);
                w.affinity = new NodeAffinity(
                    List.of(new NodeSelectorTerm(List.of(new NodeSelectorRequirement(ZONE_LABEL, "In", zones)), List.of())),
                    List.of());
            }
            else
            {
                final List<String> shuffled = new ArrayList<>(types);
                Collections.shuffle(shuffled, new Random(rng.nextLong()));
                final List<String> chosen = List.copyOf(shuffled.subList(0, Math.min(shuffled.size(), 2 + rng.nextInt(2))));
                w.affinity = new NodeAffinity(
                    List.of(new NodeSelectorTerm(List.of(
                        new NodeSelectorRequirement(INSTANCE_TYPE_LABEL, "In", chosen),
                        new NodeSelectorRequirement(ARCH_LABEL, "In", List.of("amd64"))), List.of())),
                    List.of());
            }
        }

        private List<String> fittingTypes(final Workload w)
        {
            final List<String> out = new ArrayList<>();
            for (final InstanceType t : GENERAL_TYPES)
            {
                if (t.allocatableMilliCpu() >= w.request[CPU] * 3 / 2 && t.allocatableMemory() >= w.request[MEMORY] * 3 / 2 &&
                    !"arm64".equals(t.arch))
                {
                    out.add(t.name);
                }
            }
            return out;
        }

        /** One or two preferred terms on zone and instance type, weights 1-100. */
        private void preferred(final Workload w, final SplittableRandom rng)
        {
            final List<PreferredSchedulingTerm> terms = new ArrayList<>(2);
            terms.add(new PreferredSchedulingTerm(1 + rng.nextInt(100), new NodeSelectorTerm(
                List.of(new NodeSelectorRequirement(ZONE_LABEL, "In", List.of(zoneName(rng.nextInt(spec.zones()))))), List.of())));
            if (rng.nextBoolean())
            {
                final InstanceType[] pool = w.gpu ? GPU_TYPES : GENERAL_TYPES;
                terms.add(new PreferredSchedulingTerm(1 + rng.nextInt(100), new NodeSelectorTerm(
                    List.of(new NodeSelectorRequirement(INSTANCE_TYPE_LABEL, "In", List.of(pool[rng.nextInt(pool.length)].name))),
                    List.of())));
            }
            w.affinity = new NodeAffinity(w.affinity.requiredTerms(), terms);
        }

        private String namespace(final int index)
        {
            return index < NAMESPACES.length ? NAMESPACES[index] : "team-" + (index - NAMESPACES.length + 1);
        }

        // ------------------------------------------------------------ pods

        private List<PodObject> generateBoundPods()
        {
            final int count = spec.existing();
            final int n = nodes.size();
            final List<PodObject> out = new ArrayList<>(count);
            if (count > 0 && n == 0)
            {
                throw new IllegalArgumentException("generator: existing=" + count + " needs nodes");
            }
            final SplittableRandom rng = boundRng;
            int cursor = 0;
            for (int b = 0; b < count; b++)
            {
                int slot = -1;
                Workload w = null;
                for (int attempt = 0; attempt < 16 && slot < 0; attempt++)
                {
                    final int candidate = rng.nextInt(n);
                    final Workload cw = workloadFor(candidate, rng);
                    if (fits(candidate, cw, cpuTarget[candidate]))
                    {
                        slot = candidate;
                        w = cw;
                    }
                }
                for (int scanned = 0; scanned < n && slot < 0; scanned++)
                {
                    final int candidate = (cursor + scanned) % n;
                    final Workload cw = workloadFor(candidate, rng);
                    if (fits(candidate, cw, allocatable[CPU][candidate]))
                    {
                        slot = candidate;
                        w = cw;
                        cursor = candidate;
                    }
                    else if (fits(candidate, lightest, allocatable[CPU][candidate]))
                    {
                        slot = candidate;
                        w = lightest;
                        cursor = candidate;
                    }
                }
                if (slot < 0)
                {
                    throw new IllegalArgumentException("generator: existing=" + count + " pods do not fit on " + n +
                        " nodes (" + b + " placed)");
                }
                for (int r = 0; r < RESOURCES; r++)
                {
                    used[r][slot] += w.request[r];
                }
                podCount[slot]++;
                final long created = BASE_TIME_MS - 1 - rng.nextLong(30L * 24 * 3600 * 1000);
                out.add(pod(w, b, created, nodes.get(slot).name(), "Running"));
            }
            return out;
        }

        private Workload workloadFor(final int slot, final SplittableRandom rng)
        {
            final List<Workload> pool = gpuNode[slot] && !gpuWorkloads.isEmpty() ? gpuWorkloads :
                infraNode[slot] && !infraWorkloads.isEmpty() ? infraWorkloads : general;
            return pool.get(rng.nextInt(pool.size()));
        }

        private boolean fits(final int slot, final Workload w, final long cpuLimit)
        {
            if (podCount[slot] >= MAX_PODS_PER_NODE)
            {
                return false;
            }
            if (used[CPU][slot] + w.request[CPU] > cpuLimit)
            {
                return false;
            }
            for (int r = 0; r < RESOURCES; r++)
            {
                if (used[r][slot] + w.request[r] > allocatable[r][slot])
                {
                    return false;
                }
            }
            return true;
        }

        private List<PodObject> generatePendingPods()
        {
            final int count = spec.pods();
            final List<PodObject> out = new ArrayList<>(count);
            final SplittableRandom rng = pendingRng;
            long created = BASE_TIME_MS;
            final int rollout = spec.rollout();
            int i = 0;
            while (i < count)
            {
                // one rollout: a workload's controller creates several replicas within a few milliseconds
                final Workload w = workloads.get(rng.nextInt(workloads.size()));
                final int replicas = rollout == 1 ? 1 : 1 + rng.nextInt(2 * rollout - 1);
                created += 1 + rng.nextInt(20);
                for (int r = 0; r < replicas && i < count; r++, i++)
                {
                    created += 1 + rng.nextInt(2);
                    out.add(pod(w, spec.existing() + i, created, null, "Pending"));
                }
            }
            return out;
        }

        private static PodObject pod(final Workload w, final long index, final long created, final String nodeName, final String phase)
        {
            return PodObject.builder(w.namespace, w.app + "-" + w.hash + "-" + suffix(index, 5))
                .labels(w.labels)
                .creationTimestampMs(created)
                .priority(w.priority)
                .nodeName(nodeName)
                .phase(phase)
                .containers(w.containers)
                .initContainers(w.initContainers)
                .nodeSelector(w.nodeSelector)
                .nodeAffinity(w.affinity)
                .tolerations(w.tolerations)
                .build();
        }

        // ------------------------------------------------------------ helpers

        /** kube's pod-name alphabet, at least {@code width} characters; distinct values give distinct strings. */
        private static String suffix(final long value, final int width)
        {
            final int base = SUFFIX_ALPHABET.length();
            final StringBuilder sb = new StringBuilder();
            long v = value;
            do
            {
                sb.append(SUFFIX_ALPHABET.charAt((int)(v % base)));
                v /= base;
            }
            while (v > 0);
            while (sb.length() < width)
            {
                sb.append(SUFFIX_ALPHABET.charAt(0));
            }
            return sb.reverse().toString();
        }

        private static long choose(final SplittableRandom rng, final long... values)
        {
            return values[rng.nextInt(values.length)];
        }

        private static int pickIndex(final int[] weights, final SplittableRandom rng)
        {
            int total = 0;
            for (final int w : weights)
            {
                total += w;
            }
            int pick = rng.nextInt(total);
            for (int i = 0; i < weights.length; i++)
            {
                pick -= weights[i];
                if (pick < 0)
                {
                    return i;
                }
            }
            return weights.length - 1;
        }

        private static void add(final long[] into, final long cpu, final long memory, final long storage, final long gpu)
        {
            into[CPU] += cpu;
            into[MEMORY] += memory;
            into[STORAGE] += storage;
            into[GPU] += gpu;
        }

        /** {@code initMax = max(initMax, sidecars + (cpu, memory, storage, gpu))}, as kube sizes init containers. */
        private static void maxInto(
            final long[] initMax, final long[] sidecars, final long cpu, final long memory, final long storage, final long gpu)
        {
            initMax[CPU] = Math.max(initMax[CPU], sidecars[CPU] + cpu);
            initMax[MEMORY] = Math.max(initMax[MEMORY], sidecars[MEMORY] + memory);
            initMax[STORAGE] = Math.max(initMax[STORAGE], sidecars[STORAGE] + storage);
            initMax[GPU] = Math.max(initMax[GPU], sidecars[GPU] + gpu);
        }
    }
}
