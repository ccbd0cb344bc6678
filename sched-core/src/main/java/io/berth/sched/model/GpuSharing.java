package io.berth.sched.model;

/**
 * The names GPU sharing uses, the same as Alibaba's open-gpu-share scheduler plugin and the "Beware of
 * Fragmentation" (FGD) simulator, so manifests written for them work here:
 * <ul>
 *   <li>pod annotation {@value #GPU_MILLI}: the share of each GPU device the pod takes, in thousandths (1..1000);</li>
 *   <li>pod annotation {@value #GPU_COUNT}: how many devices (0..{@value #MAX_DEVICES}); node: its device count, as
 *       {@code status.allocatable[alibabacloud.com/gpu-count]} (or capacity);</li>
 *   <li>pod annotation {@value #GPU_CARD_MODEL}: the allowed GPU models, alternatives separated by {@code |}
 *       (the openb trace's {@code gpu_spec}); node label {@value #GPU_CARD_MODEL}: the node's GPU model;</li>
 *   <li>pod annotation {@value #GPU_INDEX}: devices a bound pod already holds, e.g. {@code 1} or {@code 0-1-2-3}.</li>
 * </ul>
 */
public final class GpuSharing
{
    /** Pod annotation: GPU milli per device (1000 = one whole device). */
    public static final String GPU_MILLI = "alibabacloud.com/gpu-milli";
    /** Pod annotation: number of devices; node allocatable resource: number of devices. */
    public static final String GPU_COUNT = "alibabacloud.com/gpu-count";
    /** Pod annotation: allowed models ({@code |}-separated); node label: the node's model. */
    public static final String GPU_CARD_MODEL = "alibabacloud.com/gpu-card-model";
    /** Pod annotation: device indexes a bound pod holds, separated by {@code -}. */
    public static final String GPU_INDEX = "alibabacloud.com/gpu-index";
    /** Milli of one whole device. */
    public static final long MILLI_PER_DEVICE = 1000;
    /** The most GPU devices a node may have (the node table keeps one free-milli column per device). */
    public static final int MAX_DEVICES = 8;

    private GpuSharing()
    {
    }

    /**
     * The device count of a node: {@value #GPU_COUNT} in its allocatable, 0 when absent. Throws
     * {@link IllegalArgumentException} naming the node when it is not a whole number in [0, {@value #MAX_DEVICES}].
     */
    public static int nodeDevices(final NodeObject node)
    {
        final ResourceList alloc = node.allocatable();
        final int i = alloc.indexOf(GPU_COUNT);
        if (i < 0)
        {
            return 0;
        }
        final long milli = alloc.milliValue(i);
        if (milli < 0 || milli % 1000 != 0 || milli / 1000 > MAX_DEVICES)
        {
            throw new IllegalArgumentException("node " + node.name() + ": " + GPU_COUNT + " must be a whole number in [0, " +
                MAX_DEVICES + "], got " + (milli % 1000 == 0 ? Long.toString(milli / 1000) : milli + "m"));
        }
        return (int)(milli / 1000);
    }

    /** The GPU model of a node (label {@value #GPU_CARD_MODEL}), empty when absent. */
    public static String nodeModel(final NodeObject node)
    {
        return node.labels().getOrDefault(GPU_CARD_MODEL, "");
    }
}
