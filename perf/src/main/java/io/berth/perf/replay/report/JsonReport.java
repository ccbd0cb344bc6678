package io.berth.perf.replay.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.perf.replay.ReplayReport;

/**
 * The machine-readable replay report: {@link ReplayReport} as one JSON object, field names as its record
 * components (stable), absent measures as null. {@link #read} reads it back.
 */
public final class JsonReport
{
    private static final ObjectMapper MAPPER = new ObjectMapper()
        .configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private JsonReport()
    {
    }

    /** The report as JSON text, on one line. */
    public static String toJson(final ReplayReport report)
    {
        try
        {
            return MAPPER.writeValueAsString(report);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Writes the report as one line of JSON. */
    public static void write(final ReplayReport report, final Writer out)
    {
        try
        {
            out.write(toJson(report));
            out.write(System.lineSeparator());
            out.flush();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Reads a report written by {@link #write}; fields it does not know are ignored. */
    public static ReplayReport read(final String json)
    {
        try
        {
            return MAPPER.readValue(json, ReplayReport.class);
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("replay report: " + ex.getMessage(), ex);
        }
    }
}
