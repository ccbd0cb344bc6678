package io.berth.sched.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a pod asks of GPU devices, parsed once from its annotations (see {@link GpuSharing} for the names).
 * {@code count} devices of {@code milliPerDevice} each: a fractional pod ({@code count == 1}, milli below 1000)
 * takes that share of one device; a pod of whole devices ({@code milliPerDevice == 1000}) takes {@code count}
 * entirely free devices. {@code models} is the allowed GPU models (empty: any). {@code presetMask} is the device
 * bitmask from {@value GpuSharing#GPU_INDEX} (0 when absent): devices a bound pod already holds.
 */
public record GpuRequest(int count, long milliPerDevice, List<String> models, int presetMask)
{
    /** A pod that asks for no GPU. */
    public static final GpuRequest NONE = new GpuRequest(0, 0, List.of(), 0);

    public GpuRequest
    {
        models = List.copyOf(models);
    }

    /** True when the pod asks for at least one device. */
    public boolean wantsGpu()
    {
        return count > 0;
    }

    /** True for a share of one device (count 1, milli below 1000). */
    public boolean isFractional()
    {
        return count == 1 && milliPerDevice < GpuSharing.MILLI_PER_DEVICE;
    }

    /** Total GPU milli the pod takes. */
    public long totalMilli()
    {
        return count * milliPerDevice;
    }

    /**
     * Parses the GPU annotations: {@value GpuSharing#GPU_MILLI} alone means one device; {@value GpuSharing#GPU_COUNT}
     * alone means whole devices; either being 0 means no GPU. Throws {@link IllegalArgumentException} naming the
     * annotation for a value that is not a number, out of range (milli 0..1000, count 0..8), a multi-device request
     * that is not whole devices, or a {@value GpuSharing#GPU_INDEX} that does not list {@code count} distinct devices.
     */
    public static GpuRequest of(final Map<String, String> annotations)
    {
        if (annotations.isEmpty())
        {
            return NONE;
        }
        final String milliText = annotations.get(GpuSharing.GPU_MILLI);
        final String countText = annotations.get(GpuSharing.GPU_COUNT);
        if (milliText == null && countText == null)
        {
            return NONE;
        }
        final long milli = milliText == null ? GpuSharing.MILLI_PER_DEVICE :
            parse(GpuSharing.GPU_MILLI, milliText, GpuSharing.MILLI_PER_DEVICE);
        final int count = countText == null ? 1 : (int)parse(GpuSharing.GPU_COUNT, countText, GpuSharing.MAX_DEVICES);
        if (milli == 0 || count == 0)
        {
            return NONE;
        }
        if (count > 1 && milli != GpuSharing.MILLI_PER_DEVICE)
        {
            throw new IllegalArgumentException("annotation " + GpuSharing.GPU_MILLI + ": a pod of " + count +
                " devices takes whole devices, so its milli per device must be 1000, got " + milli);
        }
        return new GpuRequest(count, milli, models(annotations.get(GpuSharing.GPU_CARD_MODEL)),
            presetMask(annotations.get(GpuSharing.GPU_INDEX), count));
    }

    /** The allowed models of a {@code |}-separated list (blanks dropped); empty for null or blank. */
    public static List<String> models(final String spec)
    {
        if (spec == null || spec.isBlank())
        {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        for (final String part : spec.split("\\|"))
        {
            final String m = part.strip();
            if (!m.isEmpty() && !out.contains(m))
            {
                out.add(m);
            }
        }
        return out;
    }

    private static long parse(final String name, final String text, final long max)
    {
        final String t = text.strip();
        final long v;
        try
        {
            v = Long.parseLong(t);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("annotation " + name + ": not a whole number: \"" + text + "\"");
        }
        if (v < 0 || v > max)
        {
            throw new IllegalArgumentException("annotation " + name + ": must be in [0, " + max + "], got " + v);
        }
        return v;
    }

    private static int presetMask(final String text, final int count)
    {
        if (text == null || text.isBlank())
        {
            return 0;
        }
        int mask = 0;
        for (final String part : text.strip().split("-", -1))
        {
            final int d;
            try
            {
                d = Integer.parseInt(part.strip());
            }
            catch (final NumberFormatException ex)
            {
                throw new IllegalArgumentException("annotation " + GpuSharing.GPU_INDEX + ": not a device list: \"" + text + "\"");
            }
            if (d < 0 || d >= GpuSharing.MAX_DEVICES || (mask & (1 << d)) != 0)
            {
                throw new IllegalArgumentException("annotation " + GpuSharing.GPU_INDEX + ": device " + d +
                    " repeated or not in [0, " + (GpuSharing.MAX_DEVICES - 1) + "] in \"" + text + "\"");
            }
            mask |= 1 << d;
        }
        if (Integer.bitCount(mask) != count)
        {
            throw new IllegalArgumentException("annotation " + GpuSharing.GPU_INDEX + ": lists " + Integer.bitCount(mask) +
                " devices for a pod of " + count + ": \"" + text + "\"");
        }
        return mask;
    }
}
