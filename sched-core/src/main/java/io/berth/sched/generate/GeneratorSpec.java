package io.berth.sched.generate;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link ClusterGenerator} builds, parsed from {@code key=value} pairs separated by commas, such as
 * {@code nodes=5000,pods=150000,seed=1}. Keys (defaults in brackets):
 * <ul>
 * <li>{@code nodes} [100]: nodes; {@code pods} [1000]: pending pods to schedule; {@code existing} [0]: pods
 * already bound to nodes; {@code seed} [1].</li>
 * <li>{@code zones} [3 per 1000 nodes, at least 3]; {@code namespaces} [6]; {@code images} [60]: the image pool.</li>
 * <li>{@code taintedFraction} [0.05]: nodes with a PreferNoSchedule taint; {@code unschedulableFraction} [0.02]:
 * cordoned nodes; {@code infraFraction} [0.01]: nodes tainted {@code dedicated=infra:NoSchedule};
 * {@code gpuNodeFraction} [0.06]: GPU nodes; {@code gpuPodFraction} [0.02]: pods asking for a GPU.</li>
 * <li>{@code fillMin} [0.3], {@code fillMax} [0.6]: the cpu share of each node that existing pods fill up to,
 * drawn per node between the two.</li>
 * <li>{@code rollout} [10]: mean replicas a workload's rollout creates at once (uniform in 1..2×rollout-1); pending
 * pods arrive rollout by rollout, as a ReplicaSet controller creates them. {@code rollout=1} makes every pending
 * pod an independent draw.</li>
 * </ul>
 */
public record GeneratorSpec(
    int nodes,
    int pods,
    int existing,
    long seed,
    int zones,
    int namespaces,
    int images,
    double taintedFraction,
    double unschedulableFraction,
    double infraFraction,
    double gpuNodeFraction,
    double gpuPodFraction,
    double fillMin,
    double fillMax,
    int rollout)
{
    /** The keys {@link #parse} accepts, in the order {@link #toString} writes them. */
    public static final String KEYS = "nodes, pods, existing, seed, zones, namespaces, images, taintedFraction, " +
        "unschedulableFraction, infraFraction, gpuNodeFraction, gpuPodFraction, fillMin, fillMax, rollout";

    private static final int MAX_NODES = 1_000_000;
    private static final int MAX_PODS = 50_000_000;

    public GeneratorSpec
    {
        checkRange("nodes", nodes, 0, MAX_NODES);
        checkRange("pods", pods, 0, MAX_PODS);
        checkRange("existing", existing, 0, MAX_PODS);
        checkRange("zones", zones, 1, 10_000);
        checkRange("namespaces", namespaces, 1, 10_000);
        checkRange("images", images, 4, 100_000);
        checkFraction("taintedFraction", taintedFraction);
        checkFraction("unschedulableFraction", unschedulableFraction);
        checkFraction("infraFraction", infraFraction);
        checkFraction("gpuNodeFraction", gpuNodeFraction);
        checkFraction("gpuPodFraction", gpuPodFraction);
        checkFraction("fillMin", fillMin);
        checkFraction("fillMax", fillMax);
        checkRange("rollout", rollout, 1, 100_000);
        if (fillMin > fillMax)
        {
            throw new IllegalArgumentException("generator: fillMin (" + fillMin + ") must not exceed fillMax (" + fillMax + ")");
        }
    }

    /** The defaults: 100 nodes, 1000 pending pods, seed 1. */
    public static GeneratorSpec defaults()
    {
        return parse("");
    }

    /**
     * Parses {@code key=value[,key=value...]}; absent keys take their defaults.
     *
     * @throws IllegalArgumentException naming the key for an unknown key, a key given twice, a bad number or a
     *                                  value out of range.
     */
    public static GeneratorSpec parse(final String text)
    {
        final Map<String, String> values = new LinkedHashMap<>();
        if (text != null && !text.isBlank())
        {
            for (final String part : text.split(",", -1))
            {
                final String item = part.trim();
                if (item.isEmpty())
                {
                    throw new IllegalArgumentException("generator: empty item in \"" + text + "\"");
                }
                final int eq = item.indexOf('=');
                if (eq <= 0)
                {
                    throw new IllegalArgumentException("generator: \"" + item + "\" is not key=value (keys: " + KEYS + ")");
                }
                final String key = item.substring(0, eq).trim();
                final String value = item.substring(eq + 1).trim();
                if (!(", " + KEYS + ",").contains(", " + key + ","))
                {
                    throw new IllegalArgumentException("generator: unknown key \"" + key + "\" (keys: " + KEYS + ")");
                }
                if (values.put(key, value) != null)
                {
                    throw new IllegalArgumentException("generator: key " + key + " given twice");
                }
            }
        }
        final int nodes = intValue(values, "nodes", 100);
        return new GeneratorSpec(
            nodes,
            intValue(values, "pods", 1000),
            intValue(values, "existing", 0),
            longValue(values, "seed", 1),
            intValue(values, "zones", Math.max(3, (int)(3L * nodes / 1000))),
            intValue(values, "namespaces", 6),
            intValue(values, "images", 60),
            doubleValue(values, "taintedFraction", 0.05),
            doubleValue(values, "unschedulableFraction", 0.02),
            doubleValue(values, "infraFraction", 0.01),
            doubleValue(values, "gpuNodeFraction", 0.06),
            doubleValue(values, "gpuPodFraction", 0.02),
            doubleValue(values, "fillMin", 0.3),
            doubleValue(values, "fillMax", 0.6),
            intValue(values, "rollout", 10));
    }

    /** The spec in the form {@link #parse} reads, every key written. */
    public String toString()
    {
        return "nodes=" + nodes + ",pods=" + pods + ",existing=" + existing + ",seed=" + seed + ",zones=" + zones +
            ",namespaces=" + namespaces + ",images=" + images + ",taintedFraction=" + taintedFraction +
            ",unschedulableFraction=" + unschedulableFraction + ",infraFraction=" + infraFraction +
            ",gpuNodeFraction=" + gpuNodeFraction + ",gpuPodFraction=" + gpuPodFraction + ",fillMin=" + fillMin +
            ",fillMax=" + fillMax + ",rollout=" + rollout;
    }

    private static int intValue(final Map<String, String> values, final String key, final int defaultValue)
    {
        final long v = longValue(values, key, defaultValue);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE)
        {
            throw new IllegalArgumentException("generator: " + key + " out of range: " + v);
        }
        return (int)v;
    }

    private static long longValue(final Map<String, String> values, final String key, final long defaultValue)
    {
        final String text = values.get(key);
        if (text == null)
        {
            return defaultValue;
        }
        try
        {
            return Long.parseLong(text.replace("_", ""));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("generator: " + key + " is not an integer: \"" + text + "\"");
        }
    }

    private static double doubleValue(final Map<String, String> values, final String key, final double defaultValue)
    {
        final String text = values.get(key);
        if (text == null)
        {
            return defaultValue;
        }
        try
        {
            final double v = Double.parseDouble(text);
            if (!Double.isFinite(v))
            {
                throw new NumberFormatException();
            }
            return v;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("generator: " + key + " is not a number: \"" + text + "\"");
        }
    }

    private static void checkRange(final String key, final long value, final long min, final long max)
    {
        if (value < min || value > max)
        {
            throw new IllegalArgumentException("generator: " + key + " must be in [" + min + ", " + max + "], got " + value);
        }
    }

    private static void checkFraction(final String key, final double value)
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new IllegalArgumentException("generator: " + key + " must be in [0, 1], got " + value);
        }
    }
}
