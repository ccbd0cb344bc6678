package io.berth.perf.trace.synthetic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.Container;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodAffinity;
import io.berth.sched.model.PodAffinityTerm;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Toleration;
import io.berth.sched.model.TopologySpreadConstraint;
import io.berth.sched.model.WeightedPodAffinityTerm;

/**
 * A seeded synthetic workload as a {@link Trace}: nodes from sched-core's {@code ClusterGenerator} (zones, instance
 * types, GPU nodes; GPU nodes also get {@value GpuSharing#GPU_COUNT} and a {@value GpuSharing#GPU_CARD_MODEL} label
 * so GPU sharing applies), then one {@code POD_CREATE} per pod with its run time, as {@link SyntheticSpec} says.
 * The same spec always gives an equal trace.
 */
public final class SyntheticTrace
{
    /** Namespace of the generated pods. */
    public static final String NAMESPACE = "synthetic";
    /** Label naming a pod's app; the affinity and spread terms select on it. */
    public static final String APP_LABEL = "app";

    private static final long MIB = 1024L * 1024L;
    private static final int[] WHOLE_DEVICES = {1, 2, 4, 8};
    private static final int[] WHOLE_WEIGHTS = {8, 4, 2, 1};
    private static final Toleration GPU_TOLERATION =
        new Toleration(ClusterGenerator.GPU_TAINT.key(), "Exists", "", ClusterGenerator.GPU_TAINT.effect());

    private SyntheticTrace()
    {
    }

    /** Generates the trace of a spec string (see {@link SyntheticSpec#parse}). */
    public static Trace generate(final String spec)
    {
        return generate(SyntheticSpec.parse(spec));
    }

    public static Trace generate(final SyntheticSpec spec)
    {
        final List<NodeObject> nodes = nodes(spec);
        final SplittableRandom rng = new SplittableRandom(spec.seed() * 0x9E3779B97F4A7C15L + 0x5EED);
        final List<TraceEvent> events = new ArrayList<>(spec.pods());
        final App[] apps = new App[spec.apps()];
        for (int a = 0; a < apps.length; a++)
        {
            apps[a] = new App("app-" + a);
        }
        final double ratePerS = spec.load() > 0 ? offeredRatePerS(spec, nodes) : spec.ratePerS();
        double clockMs = 0;
        for (int i = 0; i < spec.pods(); i++)
        {
            final long timeMs;
            if (spec.arrival() == SyntheticSpec.Arrival.POISSON)
            {
                clockMs += -Math.log(1 - rng.nextDouble()) * 1000.0 / ratePerS;
                timeMs = (long)clockMs;
            }
            else
            {
                timeMs = (long)(i / spec.burstSize()) * spec.burstGapMs();
            }
            events.add(TraceEvent.podCreate(timeMs, pod(spec, rng, apps, i, timeMs), runMs(spec, rng)));
        }
        return new Trace("synthetic:" + spec, nodes, List.copyOf(events), List.of());
    }

    /**
     * The Poisson arrival rate at which, in steady state (Little's law: rate times mean run time pods running), the
     * pods ask for {@code spec.load()} of the scarcest of the nodes' cpu, memory and GPU devices, from the mean
     * request of the spec's shapes: cpu log-uniform, memory per core times a log-uniform factor in [0.5, 2], GPU pods
     * a half device on average when shared, 32/15 devices when whole (weights 8:4:2:1 over 1, 2, 4, 8).
     */
    static double offeredRatePerS(final SyntheticSpec spec, final List<NodeObject> nodes)
    {
        double cpuMilli = 0;
        double memoryBytes = 0;
        double devices = 0;
        for (final NodeObject n : nodes)
        {
            cpuMilli += n.allocatable().milliValue("cpu");
            memoryBytes += n.allocatable().milliValue("memory") / 1000.0;
            devices += GpuSharing.nodeDevices(n);
        }
        final double meanCpuMilli = spec.cpuMinMilli() == spec.cpuMaxMilli() ? spec.cpuMinMilli() :
            (spec.cpuMaxMilli() - spec.cpuMinMilli()) / Math.log((double)spec.cpuMaxMilli() / spec.cpuMinMilli());
        final double meanMemoryBytes = meanCpuMilli / 1000.0 * spec.memoryMibPerCore() * MIB * (1.5 / Math.log(4));
        double podsRunning = Math.min(cpuMilli / meanCpuMilli, memoryBytes / meanMemoryBytes);
        final double meanDevices = spec.gpuPodFraction() *
            (spec.gpuShareFraction() * 0.5 + (1 - spec.gpuShareFraction()) * 32.0 / 15.0);
        if (meanDevices > 0 && devices > 0)
        {
            podsRunning = Math.min(podsRunning, devices / meanDevices);
        }
        return Math.max(1e-6, spec.load() * podsRunning / (spec.meanRunMs() / 1000.0));
    }

    /** ClusterGenerator's nodes, GPU nodes given the GPU-sharing device count and model. */
    static List<NodeObject> nodes(final SyntheticSpec spec)
    {
        final GeneratorSpec g = GeneratorSpec.parse("nodes=" + spec.nodes() + ",pods=0,existing=0,seed=" + spec.seed() +
            ",zones=" + spec.zones() + ",gpuNodeFraction=" + spec.gpuNodeFraction());
        final List<NodeObject> out = new ArrayList<>(spec.nodes());
        for (final NodeObject n : ClusterGenerator.generate(g).nodes())
        {
            final long gpuMilli = n.allocatable().milliValue(ClusterGenerator.GPU_RESOURCE);
            if (gpuMilli <= 0)
            {
                out.add(n);
                continue;
            }
            final ResourceList a = n.allocatable();
            final String[] names = new String[a.size() + 1];
            final long[] values = new long[names.length];
            for (int i = 0; i < a.size(); i++)
            {
                names[i] = a.name(i);
                values[i] = a.milliValue(i);
            }
            names[a.size()] = GpuSharing.GPU_COUNT;
            values[a.size()] = Math.min(gpuMilli, GpuSharing.MAX_DEVICES * 1000L);
            final Map<String, String> labels = new LinkedHashMap<>(n.labels());
            labels.put(GpuSharing.GPU_CARD_MODEL, model(n.labels().getOrDefault(ClusterGenerator.GPU_PRODUCT_LABEL, "")));
            out.add(n.toBuilder().labels(labels).allocatable(new ResourceList(names, values)).build());
        }
        return out;
    }

    /** The openb-style model name of an NVIDIA product label (Tesla-V100-SXM2-16GB → V100M16). */
    static String model(final String product)
    {
        if (product.contains("V100"))
        {
            return product.contains("32GB") ? "V100M32" : "V100M16";
        }
        final String m = product.replaceAll("[^A-Za-z0-9._-]", "");
        return m.isEmpty() ? "GPU" : m;
    }

    /** The labels and terms of one app, shared by its pods (one selector per app, as a Deployment has). */
    private static final class App
    {
        final Map<String, String> labels;
        final PodAffinity antiAffinity;
        final PodAffinity preferredAffinity;
        final List<TopologySpreadConstraint> spread;

        App(final String name)
        {
            labels = Map.of(APP_LABEL, name);
            final LabelSelector sameApp = new LabelSelector(labels, List.of());
            antiAffinity = new PodAffinity(List.of(new PodAffinityTerm(sameApp, List.of(),
                ClusterGenerator.HOSTNAME_LABEL, null, List.of(), List.of())), List.of());
            preferredAffinity = new PodAffinity(List.of(), List.of(new WeightedPodAffinityTerm(50,
                new PodAffinityTerm(sameApp, List.of(), ClusterGenerator.ZONE_LABEL, null, List.of(), List.of()))));
            spread = List.of(new TopologySpreadConstraint(1, ClusterGenerator.ZONE_LABEL, "DoNotSchedule", sameApp,
                null, "", "", List.of()));
        }
    }

    private static PodObject pod(final SyntheticSpec spec, final SplittableRandom rng, final App[] apps, final int i,
        final long timeMs)
    {
        final App app = apps[rng.nextInt(apps.length)];
        final long cpu = logUniform(rng, spec.cpuMinMilli(), spec.cpuMaxMilli());
        final long memoryMib = Math.max(1, (long)(cpu * spec.memoryMibPerCore() / 1000.0 * Math.exp((rng.nextDouble() * 2 - 1) * Math.log(2))));
        final Map<String, String> annotations = new LinkedHashMap<>();
        final List<Toleration> tolerations = new ArrayList<>();
        if (rng.nextDouble() < spec.gpuPodFraction())
        {
            if (rng.nextDouble() < spec.gpuShareFraction())
            {
                annotations.put(GpuSharing.GPU_MILLI, Long.toString(100 + 10L * rng.nextInt(81)));
                annotations.put(GpuSharing.GPU_COUNT, "1");
            }
            else
            {
                annotations.put(GpuSharing.GPU_MILLI, "1000");
                annotations.put(GpuSharing.GPU_COUNT, Integer.toString(WHOLE_DEVICES[weighted(rng, WHOLE_WEIGHTS)]));
            }
            tolerations.add(GPU_TOLERATION);
        }
        final PodAffinity antiAffinity = rng.nextDouble() < spec.antiAffinityFraction() ? app.antiAffinity : PodAffinity.NONE;
        final List<TopologySpreadConstraint> spread = rng.nextDouble() < spec.spreadFraction() ? app.spread : List.of();
        final PodAffinity affinity = rng.nextDouble() < spec.preferredAffinityFraction() ? app.preferredAffinity : PodAffinity.NONE;
        return PodObject.builder(NAMESPACE, podName(i)).labels(app.labels)
            .creationTimestampMs(timeMs).annotations(annotations).tolerations(tolerations)
            .containers(List.of(new Container("main", "", ResourceList.ofMilli("cpu", cpu, "memory", memoryMib * MIB * 1000))))
            .podAffinity(affinity).podAntiAffinity(antiAffinity).topologySpreadConstraints(spread).build();
    }

    /** {@code pod-} and the index zero-padded to 8 digits. */
    static String podName(final int i)
    {
        final String digits = Integer.toString(i);
        return digits.length() >= 8 ? "pod-" + digits : "pod-" + "00000000".substring(digits.length()) + digits;
    }

    private static long runMs(final SyntheticSpec spec, final SplittableRandom rng)
    {
        final double u = rng.nextDouble();
        final double v = rng.nextDouble();
        final double ms = switch (spec.duration())
        {
            case FOREVER -> -1;
            case EXPONENTIAL -> -Math.log(1 - u) * spec.meanRunMs();
            case LOGNORMAL ->
            {
                // Box-Muller normal from (u, v); mu so that the mean is meanRunMs
                final double normal = Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
                final double mu = Math.log(spec.meanRunMs()) - spec.sigma() * spec.sigma() / 2;
                yield Math.exp(mu + spec.sigma() * normal);
            }
        };
        return ms < 0 ? TraceEvent.RUNS_FOREVER : Math.max(1, Math.min((long)ms, 100L * 365 * 24 * 3600 * 1000));
    }

    private static long logUniform(final SplittableRandom rng, final long min, final long max)
    {
        if (min == max)
        {
            return min;
        }
        return Math.min(max, Math.max(min, Math.round(Math.exp(Math.log(min) + rng.nextDouble() * (Math.log(max) - Math.log(min))))));
    }

    private static int weighted(final SplittableRandom rng, final int[] weights)
    {
        int total = 0;
        for (final int w : weights)
        {
            total += w;
        }
        int r = rng.nextInt(total);
        for (int i = 0; i < weights.length; i++)
        {
            r -= weights[i];
            if (r < 0)
            {
                return i;
            }
        }
        return weights.length - 1;
    }
}
