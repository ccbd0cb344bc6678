package io.berth.perf.replay.report;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.json.JsonWriteFeature;

import io.berth.perf.replay.ReplayResult;

/**
 * The report's charts as ECharts {@code option} objects, JSON written with Jackson's streaming generator (never by
 * pasting text). The JSON is printable ASCII: {@code <}, {@code >}, {@code &}, {@code '}, DEL and every non-ASCII
 * character are written as JSON unicode escapes, so a profile name or reason text can neither end the
 * {@code <script>} that holds it nor break the XML of the page, and {@code JSON.parse} gives back exactly the original
 * string.
 */
final class ChartOptions
{
    /** Most unschedulable reasons charted (most pods first); the reasons table lists them all. */
    static final int TOP_REASONS = 8;
    /** Reason texts longer than this are cut on the chart's axis (with "…"); the tooltip and table keep them whole. */
    static final int REASON_LABEL_CHARS = 200;
    /** Decimals kept of a percentage (0.001 %) and of a virtual time in the chart's unit. */
    static final int PERCENT_DECIMALS = 3;
    static final int TIME_DECIMALS = 4;

    private static final JsonFactory JSON = new JsonFactoryBuilder()
        .enable(JsonWriteFeature.ESCAPE_NON_ASCII)
        .characterEscapes(new MarkupSafeEscapes())
        .build();

    private ChartOptions()
    {
    }

    /** The time series a line chart shows. */
    enum Line
    {
        CPU, MEMORY, GPU, GPU_FRAGMENTATION, PENDING, RUNNING;

        /** This series of {@code s}; null when {@code s} has none (no GPUs). */
        List<? extends Number> of(final ReplayResult.Series s)
        {
            return switch (this)
            {
                case CPU -> s.cpu();
                case MEMORY -> s.memory();
                case GPU -> s.gpu();
                case GPU_FRAGMENTATION -> s.gpuFragmentationMilli();
                case PENDING -> s.pending();
                case RUNNING -> s.bound();
            };
        }
    }

    /** Standard JSON escapes plus {@code < > & '} and DEL as JSON unicode escapes. */
    static final class MarkupSafeEscapes extends CharacterEscapes
    {
        private static final long serialVersionUID = 1L;
        private final int[] ascii;

        MarkupSafeEscapes()
        {
            ascii = standardAsciiEscapesForJSON();
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
            ascii['\''] = ESCAPE_STANDARD;
            ascii[0x7F] = ESCAPE_STANDARD; // DEL: legal in XML but a control character
        }

        @Override
        public int[] getEscapeCodesForAscii()
        {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(final int ch)
        {
            return null; // no custom escapes: ESCAPE_STANDARD writes a unicode escape
        }
    }

    /** Starts an option object on {@code out}. */
    private static JsonGenerator begin(final StringWriter out) throws IOException
    {
        final JsonGenerator g = JSON.createGenerator(out);
        g.writeStartObject();
        g.writeBooleanField("animation", false);
        return g;
    }

    /** Ends the option object and gives its text. */
    private static String end(final JsonGenerator g, final StringWriter out) throws IOException
    {
        g.writeEndObject();
        g.close();
        return out.toString();
    }

    private static UncheckedIOException failed(final String chart, final IOException ex)
    {
        return new UncheckedIOException("chart option " + chart + ": " + ex.getMessage(), ex);
    }

    // ---------------------------------------------------------------- charts

    /**
     * A line per profile over virtual time: x in {@code unit} ({@link #msPer}), y the {@code line}'s value times
     * {@code scale}, rounded to {@code decimals}; profiles without that series are left out.
     */
    static String timeChart(final String title, final String unit, final String yName, final List<ReplayResult> results,
        final Line line, final double scale, final int decimals)
    {
        final double per = msPer(unit);
        final StringWriter out = new StringWriter(8 << 10);
        try
        {
            final JsonGenerator g = begin(out);
            header(g, title, "axis", 0);
            g.writeObjectFieldStart("xAxis");
            g.writeStringField("type", "value");
            axisName(g, "virtual time (" + unit + ")", 30);
            g.writeStringField("min", "dataMin");
            g.writeStringField("max", "dataMax");
            g.writeEndObject();
            valueAxis(g, "yAxis", yName);
            g.writeArrayFieldStart("dataZoom");
            g.writeStartObject();
            g.writeStringField("type", "inside");
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("type", "slider");
            g.writeNumberField("bottom", 8);
            g.writeNumberField("height", 20);
            g.writeEndObject();
            g.writeEndArray();
            g.writeArrayFieldStart("series");
            for (final ReplayResult r : results)
            {
                final List<? extends Number> ys = line.of(r.series());
                if (ys == null || ys.isEmpty())
                {
                    continue;
                }
                final List<Long> times = r.series().timeMs();
                g.writeStartObject();
                g.writeStringField("name", r.profile());
                g.writeStringField("type", "line");
                g.writeBooleanField("showSymbol", false);
                g.writeArrayFieldStart("data");
                for (int i = 0; i < ys.size(); i++)
                {
                    g.writeStartArray();
                    number(g, round(times.get(i) / per, TIME_DECIMALS));
                    number(g, round(ys.get(i).doubleValue() * scale, decimals));
                    g.writeEndArray();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            return end(g, out);
        }
        catch (final IOException ex)
        {
            throw failed(title, ex);
        }
    }

    /** The scheduling latency histogram: a bar per log2 bucket ("at most" its bound) and profile. */
    static String latencyChart(final List<ReplayResult> results)
    {
        final TreeMap<Long, long[]> buckets = new TreeMap<>();
        for (int p = 0; p < results.size(); p++)
        {
            for (final ReplayResult.Bucket b : results.get(p).latency().buckets())
            {
                long[] counts = buckets.get(b.upToNs());
                if (counts == null)
                {
                    counts = new long[results.size()];
                    buckets.put(b.upToNs(), counts);
                }
                counts[p] += b.count();
            }
        }
        final List<String> labels = new ArrayList<>();
        for (final long bound : buckets.keySet())
        {
            labels.add(HtmlReport.nanos(bound + 1)); // HdrHistogram's bounds are 2^k - 1
        }
        if (labels.isEmpty())
        {
            labels.add("none");
        }
        final StringWriter out = new StringWriter(8 << 10);
        try
        {
            final JsonGenerator g = begin(out);
            header(g, "Scheduling latency", "axis", 10);
            categoryAxis(g, "xAxis", "at most", labels, 45, false);
            valueAxis(g, "yAxis", "calls");
            g.writeArrayFieldStart("series");
            for (int p = 0; p < results.size(); p++)
            {
                barSeriesStart(g, results.get(p).profile());
                if (buckets.isEmpty())
                {
                    g.writeNumber(0);
                }
                for (final long[] c : buckets.values())
                {
                    g.writeNumber(c[p]);
                }
                barSeriesEnd(g);
            }
            g.writeEndArray();
            return end(g, out);
        }
        catch (final IOException ex)
        {
            throw failed("latency", ex);
        }
    }

    /** The {@value #TOP_REASONS} most frequent unschedulable reasons over all profiles, most pods first, then by text. */
    static List<String> topReasons(final List<ReplayResult> results)
    {
        final Map<String, Long> totals = new TreeMap<>();
        for (final ReplayResult r : results)
        {
            for (final Map.Entry<String, Long> e : r.unschedulableReasons().entrySet())
            {
                final Long sum = totals.get(e.getKey());
                totals.put(e.getKey(), sum == null ? e.getValue() : sum + e.getValue());
            }
        }
        final List<String> top = new ArrayList<>(TOP_REASONS);
        while (top.size() < Math.min(TOP_REASONS, totals.size()))
        {
            String most = null;
            long mostPods = -1;
            for (final Map.Entry<String, Long> e : totals.entrySet()) // in text order: the first of equals wins
            {
                if (e.getValue() > mostPods && !top.contains(e.getKey()))
                {
                    most = e.getKey();
                    mostPods = e.getValue();
                }
            }
            top.add(most);
        }
        return top;
    }

    /** The label a reason gets on the chart's axis. */
    static String reasonLabel(final String reason)
    {
        return reason.length() > REASON_LABEL_CHARS ? reason.substring(0, REASON_LABEL_CHARS - 1) + "…" : reason;
    }

    /** Unschedulable reasons as horizontal bars, one per profile, the reason text wrapped beside its bars. */
    static String reasonsChart(final List<ReplayResult> results, final List<String> top)
    {
        final List<String> labels = new ArrayList<>();
        for (final String reason : top)
        {
            labels.add(reasonLabel(reason));
        }
        if (labels.isEmpty())
        {
            labels.add("no pod was ever unschedulable");
        }
        final StringWriter out = new StringWriter(8 << 10);
        try
        {
            final JsonGenerator g = begin(out);
            header(g, "Unschedulable reasons", "axis", 0);
            valueAxis(g, "xAxis", "pods");
            categoryAxis(g, "yAxis", null, labels, 0, true);
            g.writeArrayFieldStart("series");
            for (final ReplayResult r : results)
            {
                barSeriesStart(g, r.profile());
                if (top.isEmpty())
                {
                    g.writeNumber(0);
                }
                for (final String reason : top)
                {
                    g.writeNumber(r.unschedulableReasons().getOrDefault(reason, 0L));
                }
                barSeriesEnd(g);
            }
            g.writeEndArray();
            return end(g, out);
        }
        catch (final IOException ex)
        {
            throw failed("reasons", ex);
        }
    }

    /** The measures the comparison chart shows, in order (GPU ones only when a profile saw GPUs). */
    static List<String> comparisonLabels(final boolean gpu)
    {
        final List<String> labels = new ArrayList<>(Arrays.asList("pods placed", "never placed", "placed before 1st failure",
            "cpu at end", "memory at end", "peak cpu"));
        if (gpu)
        {
            labels.add("gpu at end");
            labels.add("peak gpu");
        }
        return labels;
    }

    /** A profile's values for {@link #comparisonLabels}, in %, not rounded. */
    static double[] comparisonValues(final ReplayResult r, final boolean gpu)
    {
        final double created = Math.max(1, r.podsCreated());
        final double[] base = { 100 * r.podsPlaced() / created, 100 * r.neverPlacedShare(),
            100 * r.placedBeforeFirstFailure() / created, 100 * r.endAllocation().cpu(), 100 * r.endAllocation().memory(),
            100 * r.peakAllocation().cpu() };
        if (!gpu)
        {
            return base;
        }
        final double[] all = Arrays.copyOf(base, base.length + 2);
        all[base.length] = 100 * orZero(r.endAllocation().gpu());
        all[base.length + 1] = 100 * orZero(r.peakAllocation().gpu());
        return all;
    }

    /** One series (bar group) per profile over the measures of {@link #comparisonLabels}. */
    static String comparisonChart(final List<ReplayResult> results)
    {
        boolean gpu = false;
        for (final ReplayResult r : results)
        {
            gpu |= r.endAllocation().gpu() != null;
        }
        final boolean withGpu = gpu;
        final StringWriter out = new StringWriter(8 << 10);
        try
        {
            final JsonGenerator g = begin(out);
            header(g, "Per-profile comparison", "axis", 10);
            categoryAxis(g, "xAxis", "measure", comparisonLabels(withGpu), 20, false);
            valueAxis(g, "yAxis", "% (of pods created, or of allocatable)");
            g.writeArrayFieldStart("series");
            for (final ReplayResult r : results)
            {
                barSeriesStart(g, r.profile());
                for (final double v : comparisonValues(r, withGpu))
                {
                    number(g, round(v, PERCENT_DECIMALS));
                }
                barSeriesEnd(g);
            }
            g.writeEndArray();
            return end(g, out);
        }
        catch (final IOException ex)
        {
            throw failed("comparison", ex);
        }
    }

    // ---------------------------------------------------------------- parts

    /** Title, tooltip, legend (scrolls when there are many profiles) and the plot's margins. */
    private static void header(final JsonGenerator g, final String title, final String trigger, final int extraBottom)
        throws IOException
    {
        g.writeObjectFieldStart("title");
        g.writeStringField("text", title);
        g.writeStringField("left", "center");
        g.writeObjectFieldStart("textStyle");
        g.writeNumberField("fontSize", 14);
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("tooltip");
        g.writeStringField("trigger", trigger);
        g.writeBooleanField("confine", true);
        g.writeEndObject();
        g.writeObjectFieldStart("legend");
        g.writeStringField("type", "scroll");
        g.writeNumberField("top", 26);
        g.writeEndObject();
        g.writeObjectFieldStart("grid");
        g.writeNumberField("left", 20);
        g.writeNumberField("right", 40);
        g.writeNumberField("top", 80);
        g.writeNumberField("bottom", 50 + extraBottom);
        g.writeBooleanField("containLabel", true);
        g.writeEndObject();
    }

    private static void axisName(final JsonGenerator g, final String name, final int gap) throws IOException
    {
        g.writeStringField("name", name);
        g.writeStringField("nameLocation", "middle");
        g.writeNumberField("nameGap", gap);
    }

    /** A value axis: on x its name centred below, on y above the axis, reading rightwards (clear of the labels). */
    private static void valueAxis(final JsonGenerator g, final String axis, final String name) throws IOException
    {
        g.writeObjectFieldStart(axis);
        g.writeStringField("type", "value");
        if (axis.equals("xAxis"))
        {
            axisName(g, name, 30);
        }
        else
        {
            g.writeStringField("name", name);
            g.writeObjectFieldStart("nameTextStyle");
            g.writeStringField("align", "left");
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    /** A category axis; on the y axis ({@code inverse}) the first category is on top and long labels wrap. */
    private static void categoryAxis(final JsonGenerator g, final String axis, final String name,
        final List<String> labels, final int rotate, final boolean inverse) throws IOException
    {
        g.writeObjectFieldStart(axis);
        g.writeStringField("type", "category");
        if (name != null)
        {
            axisName(g, name, rotate > 0 ? 60 : 30);
        }
        g.writeBooleanField("inverse", inverse);
        g.writeObjectFieldStart("axisLabel");
        g.writeNumberField("interval", 0);
        g.writeNumberField("rotate", rotate);
        if (inverse)
        {
            g.writeNumberField("width", 320);
            g.writeStringField("overflow", "break");
        }
        g.writeEndObject();
        g.writeArrayFieldStart("data");
        for (final String label : labels)
        {
            g.writeString(label);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void barSeriesStart(final JsonGenerator g, final String name) throws IOException
    {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("type", "bar");
        g.writeArrayFieldStart("data");
    }

    private static void barSeriesEnd(final JsonGenerator g) throws IOException
    {
        g.writeEndArray();
        g.writeEndObject();
    }

    /** A finite number, or null (a gap) for NaN and infinities, which JSON cannot hold. */
    private static void number(final JsonGenerator g, final double v) throws IOException
    {
        if (Double.isFinite(v))
        {
            g.writeNumber(v);
        }
        else
        {
            g.writeNull();
        }
    }

    /** {@code v} rounded to {@code decimals} (half up); NaN and infinities as they are. */
    static double round(final double v, final int decimals)
    {
        if (!Double.isFinite(v))
        {
            return v;
        }
        final double scale = Math.pow(10, decimals);
        return Math.round(v * scale) / scale;
    }

    private static double orZero(final Double v)
    {
        return v == null ? 0 : v;
    }

    /** Hours, days, minutes or seconds, whichever suits the longest replay. */
    static String timeUnit(final List<ReplayResult> results)
    {
        long maxMs = 0;
        for (final ReplayResult r : results)
        {
            final List<Long> t = r.series().timeMs();
            if (!t.isEmpty())
            {
                maxMs = Math.max(maxMs, t.getLast());
            }
        }
        if (maxMs >= 3L * 86_400_000)
        {
            return "days";
        }
        if (maxMs >= 3L * 3_600_000)
        {
            return "hours";
        }
        if (maxMs >= 3L * 60_000)
        {
            return "minutes";
        }
        return "seconds";
    }

    static double msPer(final String unit)
    {
        return switch (unit)
        {
            case "days" -> 86_400_000.0;
            case "hours" -> 3_600_000.0;
            case "minutes" -> 60_000.0;
            default -> 1000.0;
        };
    }
}
