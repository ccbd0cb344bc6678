package io.berth.perf.trace.synthetic;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@link SyntheticTrace} generates, parsed from {@code key=value} pairs separated by commas like sched-core's
 * {@code GeneratorSpec}, e.g. {@code nodes=5000,pods=150000,seed=7,arrival=bursts}. Keys (defaults in brackets):
 * <ul>
 * <li>cluster: {@code nodes} [1000], {@code seed} [1], {@code zones} [3], {@code gpuNodeFraction} [0.1] (nodes and
 * their zones, instance types and GPUs come from sched-core's {@code ClusterGenerator}; GPU nodes also get the
 * GPU-sharing device count and model).</li>
 * <li>arrivals: {@code pods} [10000]; {@code arrival} [poisson]: {@code poisson} at {@code ratePerS} [100] pods per
 * second, or {@code bursts} of {@code burstSize} [500] pods arriving together every {@code burstGapMs} [10000].</li>
 * <li>durations: {@code duration} [exponential]: {@code exponential} or {@code lognormal} (with {@code sigma} [1.0])
 * of mean {@code meanRunMs} [600000], or {@code forever}.</li>
 * <li>request shapes: cpu log-uniform in [{@code cpuMinMilli} [100], {@code cpuMaxMilli} [4000]], memory
 * {@code memoryMibPerCore} [2048] per core times a factor log-uniform in [0.5, 2]; {@code gpuPodFraction} [0.1] of
 * pods ask for GPUs, {@code gpuShareFraction} [0.6] of those a share (100..900 milli in steps of 10) of one device,
 * the rest 1, 2, 4 or 8 whole devices (weights 8:4:2:1).</li>
 * <li>constraints: each pod belongs to one of {@code apps} [50] (label {@code app}); {@code antiAffinityFraction}
 * [0.05] of pods have required hostname anti-affinity to their app, {@code spreadFraction} [0.1] a zone spread
 * constraint (maxSkew 1, DoNotSchedule) over their app, {@code preferredAffinityFraction} [0.05] a preferred (weight
 * 50) zone affinity to their app.</li>
 * <li>offered load: {@code load} [0: off] sets the Poisson arrival rate (in place of {@code ratePerS}) so that in
 * steady state the running pods ask for that share of the cluster's scarcest resource (cpu, memory or GPU devices,
 * from the generated nodes' allocatable and the mean request of the shapes above): {@code load=0.8} keeps the
 * cluster busy without a standing backlog, {@code load=1.2} overloads it.</li>
 * </ul>
 */
public record SyntheticSpec(
    int nodes,
    long seed,
    int zones,
    double gpuNodeFraction,
    int pods,
    Arrival arrival,
    double ratePerS,
    int burstSize,
    long burstGapMs,
    Duration duration,
    long meanRunMs,
    double sigma,
    long cpuMinMilli,
    long cpuMaxMilli,
    long memoryMibPerCore,
    double gpuPodFraction,
    double gpuShareFraction,
    int apps,
    double antiAffinityFraction,
    double spreadFraction,
    double preferredAffinityFraction,
    double load)
{
    /** How pods arrive. */
    public enum Arrival
    {
        POISSON, BURSTS
    }

    /** How long pods run. */
    public enum Duration
    {
        EXPONENTIAL, LOGNORMAL, FOREVER
    }

    /** The keys {@link #parse} accepts. */
    public static final List<String> KEYS = List.of("nodes", "seed", "zones", "gpuNodeFraction", "pods", "arrival",
        "ratePerS", "burstSize", "burstGapMs", "duration", "meanRunMs", "sigma", "cpuMinMilli", "cpuMaxMilli",
        "memoryMibPerCore", "gpuPodFraction", "gpuShareFraction", "apps", "antiAffinityFraction", "spreadFraction",
        "preferredAffinityFraction", "load");

    public SyntheticSpec
    {
        range("nodes", nodes, 1, 1_000_000);
        range("zones", zones, 1, 10_000);
        fraction("gpuNodeFraction", gpuNodeFraction);
        range("pods", pods, 0, 50_000_000);
        if (!(ratePerS > 0 && ratePerS <= 1e9))
        {
            throw new IllegalArgumentException("synthetic trace: ratePerS must be in (0, 1e9], got " + ratePerS);
        }
        range("burstSize", burstSize, 1, 50_000_000);
        range("burstGapMs", burstGapMs, 0, 365L * 24 * 3600 * 1000);
        range("meanRunMs", meanRunMs, 1, 365L * 24 * 3600 * 1000);
        if (!(sigma > 0 && sigma <= 5))
        {
            throw new IllegalArgumentException("synthetic trace: sigma must be in (0, 5], got " + sigma);
        }
        range("cpuMinMilli", cpuMinMilli, 1, 1_000_000);
        range("cpuMaxMilli", cpuMaxMilli, cpuMinMilli, 1_000_000);
        range("memoryMibPerCore", memoryMibPerCore, 1, 1 << 20);
        fraction("gpuPodFraction", gpuPodFraction);
        fraction("gpuShareFraction", gpuShareFraction);
        range("apps", apps, 1, 1_000_000);
        fraction("antiAffinityFraction", antiAffinityFraction);
        fraction("spreadFraction", spreadFraction);
        fraction("preferredAffinityFraction", preferredAffinityFraction);
        if (!(load >= 0 && load <= 10))
        {
            throw new IllegalArgumentException("synthetic trace: load must be in [0, 10], got " + load);
        }
        if (load > 0 && (arrival != Arrival.POISSON || duration == Duration.FOREVER))
        {
            throw new IllegalArgumentException(
                "synthetic trace: load needs poisson arrivals and finite run times (it sets the arrival rate)");
        }
    }

    public static SyntheticSpec defaults()
    {
        return parse("");
    }

    /**
     * Parses {@code key=value[,key=value...]}; absent keys take their defaults. Throws
     * {@link IllegalArgumentException} naming the key for an unknown key, a key given twice, a bad value or one out
     * of range.
     */
    public static SyntheticSpec parse(final String text)
    {
        final Map<String, String> v = new LinkedHashMap<>();
        if (text != null && !text.isBlank())
        {
            for (final String pair : text.split(","))
            {
                final int eq = pair.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException("synthetic trace: expected key=value, got \"" + pair.strip() + "\"");
                }
                final String key = pair.substring(0, eq).strip();
                if (!KEYS.contains(key))
                {
                    throw new IllegalArgumentException("synthetic trace: unknown key " + key + " (keys: " +
                        String.join(", ", KEYS) + ")");
                }
                if (v.put(key, pair.substring(eq + 1).strip()) != null)
                {
                    throw new IllegalArgumentException("synthetic trace: key " + key + " given twice");
                }
            }
        }
        if (v.containsKey("load") && v.containsKey("ratePerS"))
        {
            throw new IllegalArgumentException("synthetic trace: give ratePerS or load, not both");
        }
        return new SyntheticSpec(
            (int)num(v, "nodes", 1000), num(v, "seed", 1), (int)num(v, "zones", 3), dbl(v, "gpuNodeFraction", 0.1),
            (int)num(v, "pods", 10_000), choice(v, "arrival", Arrival.POISSON), dbl(v, "ratePerS", 100),
            (int)num(v, "burstSize", 500), num(v, "burstGapMs", 10_000), choice(v, "duration", Duration.EXPONENTIAL),
            num(v, "meanRunMs", 600_000), dbl(v, "sigma", 1.0), num(v, "cpuMinMilli", 100), num(v, "cpuMaxMilli", 4000),
            num(v, "memoryMibPerCore", 2048), dbl(v, "gpuPodFraction", 0.1), dbl(v, "gpuShareFraction", 0.6),
            (int)num(v, "apps", 50), dbl(v, "antiAffinityFraction", 0.05), dbl(v, "spreadFraction", 0.1),
            dbl(v, "preferredAffinityFraction", 0.05), dbl(v, "load", 0));
    }

    @Override
    public String toString()
    {
        return "nodes=" + nodes + ",seed=" + seed + ",zones=" + zones + ",gpuNodeFraction=" + gpuNodeFraction +
            ",pods=" + pods + ",arrival=" + arrival.name().toLowerCase(Locale.ROOT) + ",ratePerS=" + ratePerS +
            ",burstSize=" + burstSize + ",burstGapMs=" + burstGapMs + ",duration=" +
            duration.name().toLowerCase(Locale.ROOT) + ",meanRunMs=" + meanRunMs + ",sigma=" + sigma +
            ",cpuMinMilli=" + cpuMinMilli + ",cpuMaxMilli=" + cpuMaxMilli + ",memoryMibPerCore=" + memoryMibPerCore +
            ",gpuPodFraction=" + gpuPodFraction + ",gpuShareFraction=" + gpuShareFraction + ",apps=" + apps +
            ",antiAffinityFraction=" + antiAffinityFraction + ",spreadFraction=" + spreadFraction +
            ",preferredAffinityFraction=" + preferredAffinityFraction + (load > 0 ? ",load=" + load : "");
    }

    private static long num(final Map<String, String> v, final String key, final long dflt)
    {
        final String s = v.get(key);
        if (s == null)
        {
            return dflt;
        }
        try
        {
            return Long.parseLong(s.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("synthetic trace: " + key + " must be a whole number, got \"" + s + "\"");
        }
    }

    private static double dbl(final Map<String, String> v, final String key, final double dflt)
    {
        final String s = v.get(key);
        if (s == null)
        {
            return dflt;
        }
        try
        {
            return Double.parseDouble(s);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("synthetic trace: " + key + " must be a number, got \"" + s + "\"");
        }
    }

    private static <E extends Enum<E>> E choice(final Map<String, String> v, final String key, final E dflt)
    {
        final String s = v.get(key);
        if (s == null)
        {
            return dflt;
        }
        for (final E e : dflt.getDeclaringClass().getEnumConstants())
        {
            if (e.name().equalsIgnoreCase(s))
            {
                return e;
            }
        }
        throw new IllegalArgumentException("synthetic trace: " + key + " must be one of " +
            List.of(dflt.getDeclaringClass().getEnumConstants()).toString().toLowerCase(Locale.ROOT) + ", got \"" + s + "\"");
    }

    private static void range(final String key, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("synthetic trace: " + key + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static void fraction(final String key, final double value)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new IllegalArgumentException("synthetic trace: " + key + " must be in [0, 1], got " + value);
        }
    }
}
