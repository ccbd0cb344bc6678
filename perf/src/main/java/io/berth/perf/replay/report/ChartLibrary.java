package io.berth.perf.replay.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Apache ECharts ({@value #VERSION}, {@code dist/echarts.min.js} of the WebJar {@code org.webjars.npm:echarts}, which
 * the build copies next to this class) as the bytes the report inlines in one {@code <script>}: read once, on first
 * use, and made safe for a CDATA section. Kept as UTF-8 bytes: the page is written around them, never decoding or
 * encoding the megabyte of library text (slow in a cold JVM).
 * <p>
 * The page is XHTML parsed by XML tools and HTML parsed by browsers; a browser does not honour CDATA inside a
 * script, so the library's text must mean the same to JavaScript after the change. ECharts' minified build holds
 * {@code ]]>} only inside a string literal (the SVG renderer's {@code "]]>"}); it becomes {@code ]]\x3e}, the same
 * string to JavaScript, with no {@code ]]>} left for XML. A library holding {@code </script} (none does) is refused.
 */
final class ChartLibrary
{
    static final String VERSION = "5.3.1";
    /** The class path resource, next to this class. */
    static final String RESOURCE = "echarts.min.js";
    static final String CDATA_END = "]]>";
    static final String CDATA_END_IN_STRING = "]]\\x3e";
    private static final String SCRIPT_END = "</script";

    private ChartLibrary()
    {
    }

    /** The library as UTF-8, CDATA-safe (read on the first call, then shared: do not modify). */
    static byte[] utf8()
    {
        return Bytes.UTF8;
    }

    /** The library's text, CDATA-safe (decoded on the first call). */
    static String text()
    {
        return Text.TEXT;
    }

    /**
     * The library with every {@code ]]>} written as {@code ]]\x3e} (the same array when there is none). Searched as
     * a Latin-1 string (a copy of the bytes: {@code String.indexOf} is compiled early in any JVM, a loop of ours
     * would run interpreted over the megabyte); UTF-8 multi-byte sequences never hold ASCII bytes, so no match is
     * false.
     *
     * @throws IllegalStateException when it holds {@code </script} (any case), which would end its script element
     */
    static byte[] cdataSafe(final byte[] library)
    {
        final String text = new String(library, StandardCharsets.ISO_8859_1);
        for (int at = text.indexOf("</"); at >= 0; at = text.indexOf("</", at + 2))
        {
            if (text.regionMatches(true, at, SCRIPT_END, 0, SCRIPT_END.length()))
            {
                throw new IllegalStateException(RESOURCE + ": holds </script at byte " + at +
                    ", cannot be inlined in a page");
            }
        }
        int ends = 0;
        for (int at = text.indexOf(CDATA_END); at >= 0; at = text.indexOf(CDATA_END, at + CDATA_END.length()))
        {
            ends++;
        }
        if (ends == 0)
        {
            return library;
        }
        final byte[] replacement = CDATA_END_IN_STRING.getBytes(StandardCharsets.US_ASCII);
        final byte[] safe = new byte[library.length + ends * (replacement.length - CDATA_END.length())];
        int from = 0;
        int to = 0;
        for (int at = text.indexOf(CDATA_END); at >= 0; at = text.indexOf(CDATA_END, from))
        {
            System.arraycopy(library, from, safe, to, at - from);
            to += at - from;
            System.arraycopy(replacement, 0, safe, to, replacement.length);
            to += replacement.length;
            from = at + CDATA_END.length();
        }
        System.arraycopy(library, from, safe, to, library.length - from);
        return safe;
    }

    /** Lazy holder: the resource is read when the first page is rendered, once per JVM. */
    private static final class Bytes
    {
        static final byte[] UTF8 = cdataSafe(read());

        private static byte[] read()
        {
            try (InputStream in = ChartLibrary.class.getResourceAsStream(RESOURCE))
            {
                if (in == null)
                {
                    throw new IllegalStateException("class path resource " + RESOURCE + " missing next to " +
                        ChartLibrary.class.getName() + " (the build copies it from org.webjars.npm:echarts:" + VERSION + ")");
                }
                return in.readAllBytes();
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read " + RESOURCE + ": " + ex.getMessage(), ex);
            }
        }
    }

    private static final class Text
    {
        static final String TEXT = new String(Bytes.UTF8, StandardCharsets.UTF_8);
    }
}
