package io.berth.sched.model;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuantityTest
{
    private static final String[] SUFFIXES = { "n", "u", "m", "", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi",
        "Ti", "Pi", "Ei", "e0", "e3", "E3", "e-3", "e+6", "E-9", "e-12", "e18" };

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "100m | 100",
        "1 | 1000",
        "0 | 0",
        "1.5 | 1500",
        ".5 | 500",
        "+2 | 2000",
        "-1 | -1000",
        "-1.5m | -2",
        "2Gi | 2147483648000",
        "1G | 1000000000000",
        "1e3 | 1000000",
        "1E3 | 1000000",
        "1.5e-3 | 2",
        "1.5e3 | 1500000",
        "1e+3 | 1000000",
        "1n | 1",
        "1u | 1",
        "999999n | 1",
        "1000000n | 1",
        "1000001n | 2",
        "0.1m | 1",
        "1Ki | 1024000",
        "1Mi | 1048576000",
        "1Ti | 1099511627776000",
        "1.5Ki | 1536000",
        "0.5Gi | 536870912000",
        "0.1Ki | 102400",
        "0.0001Ki | 103",
        "1k | 1000000",
        "1M | 1000000000",
        "1T | 1000000000000000",
        "1P | 1000000000000000000",
        "500m | 500",
        "250m | 250",
        "0.25 | 250",
        "007 | 7000",
        "1. | 1000",
        "1.G | 1000000000000",
        "3.000 | 3000",
        "0.000000001 | 1",
        "0.0000000000000000000000001 | 1",
        "1e-1000 | 1",
        "0e100 | 0",
        "0e2000000000 | 0",
        "-0 | 0",
        "000 | 0",
        "+ | 0",
        "- | 0",
        ". | 0",
        "m | 0",
        "Gi | 0",
        "e3 | 0",
        "9223372036854775807m | 9223372036854775807",
        "9223372036854775.807 | 9223372036854775807",
        "8Pi | 9007199254740992000",
        "128974848 | 128974848000",
        "129e6 | 129000000000",
        "123Mi | 128974848000",
        "12e6 | 12000000000",
    })
    void parsesLikeKubernetes(final String text, final long expectedMilli)
    {
        assertThat(Quantity.parseMilli(text)).isEqualTo(expectedMilli);
    }

    @ParameterizedTest
    @ValueSource(strings = { "", "1.2.3", "1Kb", "abc", "1 Gi", " 1", "1 ", "1e", "1E+", "1e-", "1ki", "1K", "1i",
        "1mi", "1Gi3", "1e3.5", "1m5", "--1", "+-1", "1,5", "1_000", "0x10", "1ee3", "1Ee3", "e", "e-10", ".e-20",
        "1e99999999999999999999", "١", "1e2147483648" })
    void rejectsWhatKubernetesRejects(final String text)
    {
        assertThatThrownBy(() -> Quantity.parseMilli(text))
            .isInstanceOf(QuantityFormatException.class)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining('"' + text + '"');
    }

    @ParameterizedTest
    @ValueSource(strings = { "9223372036854775808m", "9223372036854776", "1E", "8Ei", "9Pi", "10E", "1e19",
        "1e2147483647", "-1e20", "99999999999999999999999999", "9223372036854775.8071" })
    void rejectsValuesOutOfRange(final String text)
    {
        assertThatThrownBy(() -> Quantity.parseMilli(text))
            .isInstanceOf(QuantityFormatException.class)
            .hasMessageContaining("out of range")
            .hasMessageContaining('"' + text + '"');
    }

    @Test
    void quotesOnlyTheStartOfLongText()
    {
        final String text = "1".repeat(200) + "x";
        assertThatThrownBy(() -> Quantity.parseMilli(text))
            .isInstanceOf(QuantityFormatException.class)
            .hasMessageContaining("(201 chars)")
            .satisfies(ex -> assertThat(ex.getMessage().length()).isLessThan(150))
            .satisfies(ex -> assertThat(((QuantityFormatException)ex).text()).isEqualTo(text));
    }

    @Test
    void longTextsAreExactAndFast()
    {
        final String longFraction = "1." + "0".repeat(500_000) + "1";
        assertThat(Quantity.parseMilli(longFraction)).isEqualTo(1001);
        assertThat(Quantity.parseMilli(longFraction + "Ki")).isEqualTo(1_024_001);
        assertThat(Quantity.parseMilli("0.5" + "0".repeat(500_000) + "Ki")).isEqualTo(512_000);
        assertThat(Quantity.parseMilli("0".repeat(500_000) + "1")).isEqualTo(1000);
        assertThatThrownBy(() -> Quantity.parseMilli("1" + "0".repeat(500_000)))
            .hasMessageContaining("out of range");
    }

    @Test
    void formatsReadably()
    {
        assertThat(Quantity.format(1500)).isEqualTo("1500m");
        assertThat(Quantity.format(2000)).isEqualTo("2");
        assertThat(Quantity.format(0)).isEqualTo("0");
        assertThat(Quantity.format(2_147_483_648_000L)).isEqualTo("2Gi");
        assertThat(Quantity.format(1_000_000_000_000L)).isEqualTo("1G");
        assertThat(Quantity.format(-3_000_000L)).isEqualTo("-3k");
    }

    @Property
    void integerWithSuffixEqualsBigIntegerProduct(
        @ForAll @LongRange(min = -100_000_000_000_000L, max = 100_000_000_000_000L) final long n,
        @ForAll("suffixes") final String suffix)
    {
        final String text = n + suffix;
        final BigDecimal expected = new BigDecimal(BigInteger.valueOf(n)).multiply(multiplier(suffix))
            .multiply(BigDecimal.valueOf(1000));
        assertParsesTo(text, expected);
    }

    @Property
    void decimalWithSuffixEqualsBigDecimalReference(@ForAll("decimals") final String number, @ForAll("suffixes") final String suffix)
    {
        final String text = number + suffix;
        final BigDecimal expected = new BigDecimal(number).multiply(multiplier(suffix)).multiply(BigDecimal.valueOf(1000));
        assertParsesTo(text, expected);
    }

    @Property
    void formatRoundTrips(@ForAll @LongRange(min = -Long.MAX_VALUE, max = Long.MAX_VALUE) final long milli)
    {
        assertThat(Quantity.parseMilli(Quantity.format(milli))).isEqualTo(milli);
    }

    @Provide
    Arbitrary<String> suffixes()
    {
        return Arbitraries.of(SUFFIXES);
    }

    @Provide
    Arbitrary<String> decimals()
    {
        final Arbitrary<String> sign = Arbitraries.of("", "+", "-");
        final Arbitrary<String> intPart = Arbitraries.strings().numeric().ofMinLength(0).ofMaxLength(22);
        final Arbitrary<String> fracPart = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30);
        return Combinators.combine(sign, intPart, fracPart).as((s, i, f) -> s + i + "." + f);
    }

    private static void assertParsesTo(final String text, final BigDecimal exactMilli)
    {
        final BigInteger expected = exactMilli.setScale(0, RoundingMode.UP).toBigIntegerExact();
        if (expected.abs().compareTo(BigInteger.valueOf(Long.MAX_VALUE)) > 0)
        {
            assertThatThrownBy(() -> Quantity.parseMilli(text))
                .as(text)
                .isInstanceOf(QuantityFormatException.class)
                .hasMessageContaining("out of range");
        }
        else
        {
            assertThat(Quantity.parseMilli(text)).as(text).isEqualTo(expected.longValueExact());
        }
    }

    private static BigDecimal multiplier(final String suffix)
    {
        return switch (suffix)
        {
            case "n" -> new BigDecimal("1e-9");
            case "u" -> new BigDecimal("1e-6");
            case "m" -> new BigDecimal("1e-3");
            case "" -> BigDecimal.ONE;
            case "k" -> new BigDecimal("1e3");
            case "M" -> new BigDecimal("1e6");
            case "G" -> new BigDecimal("1e9");
            case "T" -> new BigDecimal("1e12");
            case "P" -> new BigDecimal("1e15");
            case "E" -> new BigDecimal("1e18");
            case "Ki" -> new BigDecimal(BigInteger.ONE.shiftLeft(10));
            case "Mi" -> new BigDecimal(BigInteger.ONE.shiftLeft(20));
            case "Gi" -> new BigDecimal(BigInteger.ONE.shiftLeft(30));
            case "Ti" -> new BigDecimal(BigInteger.ONE.shiftLeft(40));
            case "Pi" -> new BigDecimal(BigInteger.ONE.shiftLeft(50));
            case "Ei" -> new BigDecimal(BigInteger.ONE.shiftLeft(60));
            default -> BigDecimal.ONE.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
        };
    }
}
