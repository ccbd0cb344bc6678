package io.berth.perf.trace.openb;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.berth.perf.trace.TraceError;

/**
 * The header of a CSV file: column name (trimmed, lower case, a byte-order mark dropped) to index, and the
 * plain comma split of a line (the openb files have no quoting; a quoted field is read as its text, quotes
 * included, and so fails its number check or the column count).
 */
final class CsvTable
{
    private final Map<String, Integer> columns = new HashMap<>();
    private final int width;

    CsvTable(final String headerLine)
    {
        String h = headerLine;
        if (!h.isEmpty() && h.charAt(0) == '\uFEFF')
        {
            h = h.substring(1);
        }
        final String[] names = split(h, -1);
        width = names.length;
        for (int i = 0; i < names.length; i++)
        {
            columns.putIfAbsent(names[i].strip().toLowerCase(Locale.ROOT), i);
        }
    }

    /**
     * The header of a file, read from its first line: null, with an error for line 1 added to {@code errors}, when
     * the file is empty or the header lacks one of {@code required} ({@code expected} shows the header wanted).
     */
    static CsvTable readHeader(final String source, final BufferedReader reader, final List<String> required,
        final String expected, final List<TraceError> errors) throws IOException
    {
        final String header = reader.readLine();
        if (header == null)
        {
            errors.add(new TraceError(source, 1, "empty file: expected a header " + expected));
            return null;
        }
        final CsvTable table = new CsvTable(header);
        final String missing = table.missing(required);
        if (missing != null)
        {
            errors.add(new TraceError(source, 1, "header lacks column " + missing + ": " + header));
            return null;
        }
        return table;
    }

    int width()
    {
        return width;
    }

    /** Index of a column, or -1 when the header lacks it. */
    int column(final String name)
    {
        return columns.getOrDefault(name, -1);
    }

    /** The first of {@code required} the header lacks, or null. */
    private String missing(final List<String> required)
    {
        for (final String name : required)
        {
            if (column(name) < 0)
            {
                return name;
            }
        }
        return null;
    }

    /** Splits a line on commas into {@code expected} fields; returns the actual count when it differs. */
    static String[] split(final String line, final int expected)
    {
        int commas = 0;
        for (int i = 0; i < line.length(); i++)
        {
            if (line.charAt(i) == ',')
            {
                commas++;
            }
        }
        final String[] out = new String[commas + 1];
        int start = 0;
        int k = 0;
        for (int i = 0; i <= line.length(); i++)
        {
            if (i == line.length() || line.charAt(i) == ',')
            {
                out[k++] = line.substring(start, i).strip();
                start = i + 1;
            }
        }
        return out;
    }
}
