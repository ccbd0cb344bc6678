package io.berth.perf.replay.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

import io.berth.perf.replay.ReplayResult;

/** The library and the options are safe inside the page: no text can end their script, CDATA or the XML. */
class ChartEmbeddingTest
{
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theInlinedLibraryIsEchartsWithItsOneCdataEndInAStringLiteralRewritten() throws Exception
    {
        final String original;
        try (var in = ChartLibrary.class.getResourceAsStream(ChartLibrary.RESOURCE))
        {
            original = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        final String inlined = ChartLibrary.text();
        assertThat(original).contains("\"]]>\"").containsOnlyOnce("]]>");
        assertThat(inlined).doesNotContain("]]>").containsOnlyOnce("\"]]\\x3e\"")
            .hasSize(original.length() + 3).contains("5.3.1");
        assertThat(inlined.toLowerCase()).doesNotContain("</script");
        assertThat(inlined.replace("]]\\x3e", "]]>")).isEqualTo(original);
        assertThat(ChartLibrary.utf8()).isSameAs(ChartLibrary.utf8());
        assertThat(new String(ChartLibrary.utf8(), StandardCharsets.UTF_8)).isEqualTo(inlined);
    }

    @Test
    void aLibraryWithAScriptEndIsRefusedAndOneWithoutCdataEndsIsKept()
    {
        assertThatThrownBy(() -> ChartLibrary.cdataSafe(bytes("var a = 1; // </SCRIPT >")))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("</script at byte 14");
        final byte[] plain = bytes("var s = '<b>x</b>' + a[b[0]];");
        assertThat(ChartLibrary.cdataSafe(plain)).isSameAs(plain);
        assertThat(text(ChartLibrary.cdataSafe(bytes("]]>a]]]>]]>")))).isEqualTo("]]\\x3ea]]]\\x3e]]\\x3e");
    }

    @Property
    void noCdataEndIsLeftAndTheRewriteIsUndone(
        @ForAll @StringLength(max = 40) @Chars({ ']', '>', 'x', '\\', '3', 'e', 'é' }) final String library)
    {
        final String safe = text(ChartLibrary.cdataSafe(bytes(library)));
        assertThat(safe).doesNotContain("]]>");
        if (!library.contains("]]\\x3e"))
        {
            assertThat(safe.replace("]]\\x3e", "]]>")).isEqualTo(library);
        }
    }

    @Property
    void anyProfileNameOrReasonIsAsciiJsonWithoutMarkupAndParsesBackToItself(
        @ForAll @StringLength(max = 30) @CharRange(from = 0, to = 0xFFFF)
        @Chars({ '<', '>', '&', '\'', '"', '\\', '/', ']', '!', '-', '\u007F', '\u2028' }) final String name) throws Exception
    {
        final List<ReplayResult> results = List.of(result(name, Map.of(name, 3L)));
        for (final String option : List.of(ChartOptions.reasonsChart(results, List.of(name)),
            ChartOptions.comparisonChart(results), ChartOptions.latencyChart(results)))
        {
            for (int i = 0; i < option.length(); i++)
            {
                assertThat(option.charAt(i)).as(option).isBetween(' ', '~').isNotIn('<', '>', '&');
            }
            final JsonNode parsed = MAPPER.readTree(option);
            assertThat(parsed.get("series").get(0).get("name").textValue()).isEqualTo(name);
        }
        final JsonNode reasons = MAPPER.readTree(ChartOptions.reasonsChart(results, List.of(name)));
        assertThat(reasons.get("yAxis").get("data").get(0).textValue()).isEqualTo(ChartOptions.reasonLabel(name));
        assertThat(reasons.get("series").get(0).get("data").get(0).asLong()).isEqualTo(3);
    }

    @Test
    void theMostFrequentReasonsComeFirstTiesByTextAndLongOnesAreCutOnTheAxisOnly()
    {
        final String longReason = "x".repeat(ChartOptions.REASON_LABEL_CHARS + 50);
        final List<ReplayResult> results = List.of(result("a", Map.of("b", 5L, "a", 5L, "c", 9L, longReason, 1L)),
            result("b", Map.of("c", 1L, "d", 2L)));
        assertThat(ChartOptions.topReasons(results)).containsExactly("c", "a", "b", "d", longReason);
        assertThat(ChartOptions.reasonLabel(longReason)).hasSize(ChartOptions.REASON_LABEL_CHARS).endsWith("…");
    }

    @Test
    void nonFiniteValuesBecomeGaps() throws Exception
    {
        final ReplayResult r = result("p", Map.of());
        final ReplayResult withNaN = new ReplayResult("p", 1, 1, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1000, 1, 1,
            r.latency(), Map.of(), Map.of(), r.endAllocation(), r.peakAllocation(), null,
            new ReplayResult.Series(List.of(0L, 1000L), List.of(0.5, Double.NaN), List.of(0.1, 0.2), null,
                List.of(0, 1), List.of(1, 0), null));
        final JsonNode option = MAPPER.readTree(ChartOptions.timeChart("CPU", "seconds", "%", List.of(withNaN),
            ChartOptions.Line.CPU, 100, ChartOptions.PERCENT_DECIMALS));
        final JsonNode data = option.get("series").get(0).get("data");
        assertThat(data.get(0).get(1).asDouble()).isEqualTo(50.0);
        assertThat(data.get(1).get(0).asDouble()).isEqualTo(1.0);
        assertThat(data.get(1).get(1).isNull()).isTrue();
    }

    private static ReplayResult result(final String profile, final Map<String, Long> reasons)
    {
        final ReplayResult.Allocation allocation = new ReplayResult.Allocation(0.5, 0.25, null);
        return new ReplayResult(profile, 10, 7, 5, 3, 0.3, 3, 12, 5, 2_000, 100, 0, 0, 0, 0, 60_000, 1_000_000, 7,
            new ReplayResult.Latency(12, 1000, 2000, 3000, 4000, 1500, List.of(new ReplayResult.Bucket(1023, 4),
                new ReplayResult.Bucket(2047, 8))),
            reasons, Map.of(), allocation, allocation, null,
            new ReplayResult.Series(List.of(0L, 60_000L), List.of(0.0, 0.5), List.of(0.0, 0.25), null, List.of(3, 3),
                List.of(0, 7), null));
    }

    private static byte[] bytes(final String s)
    {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] b)
    {
        return new String(b, StandardCharsets.UTF_8);
    }
}
