package io.berth.perf.replay.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Apache ECharts ({@value #VERSION}, the WebJar {@code org.webjars.npm:echarts}) as the text the report inlines in one
 * {@code <script>}: read once from the class path, on first use, and made safe for a CDATA section.
 * <p>
 * The page is XHTML parsed by XML tools and HTML parsed by browsers; a browser does not honour CDATA inside a
 * script, so the library's text must mean the same to JavaScript after the change. ECharts' minified build holds
 * {@code ]]>} only inside a string literal (the SVG renderer's {@code "]]>"}); it becomes {@code ]]\x3e}, the same
 * string to JavaScript, with no {@code ]]>} left for XML. The library holds no {@code </script}.
 */
final class ChartLibrary
{
    static final String VERSION = "5.3.1";
    static final String RESOURCE = "META-INF/resources/webjars/echarts/" + VERSION + "/dist/echarts.min.js";
    static final String CDATA_END = "]]>";
    static final String CDATA_END_IN_STRING = "]]\\x3e";

    private ChartLibrary()
    {
    }

    /** The library's text, CDATA-safe (read on the first call, then cached). */
    static String text()
    {
        return Holder.TEXT;
    }

    /** The library's text with every {@code ]]>} written as {@code ]]\x3e}, checked for {@code </script}. */
    static String cdataSafe(final String library)
    {
        if (library.toLowerCase(Locale.ROOT).contains("</script"))
        {
            throw new IllegalStateException(RESOURCE + ": holds </script, cannot be inlined in a page");
        }
        return library.replace(CDATA_END, CDATA_END_IN_STRING);
    }

    /** Lazy holder: the class path is read when the first page is rendered, once per JVM. */
    private static final class Holder
    {
        static final String TEXT = cdataSafe(read());

        private static String read()
        {
            try (InputStream in = ChartLibrary.class.getClassLoader().getResourceAsStream(RESOURCE))
            {
                if (in == null)
                {
                    throw new IllegalStateException("class path resource " + RESOURCE +
                        " missing (the org.webjars.npm:echarts:" + VERSION + " jar)");
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot read " + RESOURCE + ": " + ex.getMessage(), ex);
            }
        }
    }
}
