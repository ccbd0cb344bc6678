package io.berth.sched.model;

import java.util.Objects;

/**
 * Kubernetes {@code resource.Quantity} text, parsed as {@code k8s.io/apimachinery/pkg/api/resource.ParseQuantity}
 * does and converted as {@code MilliValue()} does: to a {@code long} of milli-units, rounded up.
 * <p>
 * Grammar: {@code [+-]? digits? ('.' digits?)? suffix}, where the suffix is a binary SI suffix
 * ({@code Ki Mi Gi Ti Pi Ei}), a decimal SI suffix ({@code n u m "" k M G T P E}) or a decimal exponent
 * ({@code e} or {@code E} and a signed integer). Like ParseQuantity, a number with no digits is zero
 * ({@code "+"}, {@code "."}, {@code "m"}), except where ParseQuantity's slow path rejects it ({@code "e-10"}).
 * <p>
 * Rounding: a positive value is rounded up to a whole milli-unit ({@code 1n} is {@code 1}); a negative value is
 * rounded away from zero, as {@code MilliValue()} does on ParseQuantity's common path ({@code -1.5m} is
 * {@code -2}). Exact for any length of text: no floating point is used.
 * <p>
 * Differences from Kubernetes, where Kubernetes would give an unusable result: a value whose milli form does not
 * fit in a {@code long} is rejected ("out of range") where {@code MilliValue()} would overflow, and an exponent
 * beyond {@code int32} is rejected where ParseQuantity would wrap it around.
 */
public final class Quantity
{
    private static final String SUFFIX_CHARS = "eEinumkKMGTP";
    private static final int MAX_QUOTED_CHARS = 64;
    private static final int MAX_LONG_DIGITS = 19;
    private static final String[] BINARY_SUFFIXES = { "Ki", "Mi", "Gi", "Ti", "Pi", "Ei" };
    private static final String[] DECIMAL_SUFFIXES = { "k", "M", "G", "T", "P", "E" };

    private Quantity()
    {
    }

    /**
     * Parses a quantity and returns its value in milli-units, rounded up ({@code MilliValue()}).
     *
     * @param text the quantity, such as {@code 100m}, {@code 1.5}, {@code 2Gi} or {@code 1e3}; not trimmed.
     * @return the value in milli-units: {@code 1} is {@code 1000}, {@code 1Ki} is {@code 1_024_000}.
     * @throws QuantityFormatException if the text is not a quantity or its milli form overflows a long.
     */
    public static long parseMilli(final String text)
    {
        Objects.requireNonNull(text, "text");
        final int end = text.length();
        if (end == 0)
        {
            throw formatError(text, "empty");
        }

        int pos = 0;
        boolean negative = false;
        final char signChar = text.charAt(0);
        if (signChar == '-')
        {
            negative = true;
            pos++;
        }
        else if (signChar == '+')
        {
            pos++;
        }

        final int intStart = pos;
        pos = skipDigits(text, pos, end);
        final int intEnd = pos;
        int fracStart = pos;
        int fracEnd = pos;
        if (pos < end && text.charAt(pos) == '.')
        {
            pos++;
            fracStart = pos;
            pos = skipDigits(text, pos, end);
            fracEnd = pos;
        }

        final int suffixStart = pos;
        while (pos < end && SUFFIX_CHARS.indexOf(text.charAt(pos)) >= 0)
        {
            pos++;
        }
        if (pos < end && (text.charAt(pos) == '+' || text.charAt(pos) == '-'))
        {
            pos++;
        }
        pos = skipDigits(text, pos, end);
        if (pos != end)
        {
            throw formatError(text, null);
        }

        final String suffix = text.substring(suffixStart);
        final int binaryShift = binaryShift(suffix);
        final long exponent10 = binaryShift > 0 ? 0 : decimalExponent(text, suffix);

        final int intDigits = intEnd - intStart;
        final int total = intDigits + (fracEnd - fracStart);
        if (total == 0)
        {
            // ParseQuantity takes a number without digits as zero on its fast path; its slow path (a decimal scale
            // below nano) hands the empty number to inf.Dec, which rejects it.
            if (binaryShift == 0 && exponent10 < -9)
            {
                throw formatError(text, "no digits");
            }
            return 0;
        }

        int firstNonZero = 0;
        while (firstNonZero < total && digitAt(text, intStart, intDigits, fracStart, firstNonZero) == 0)
        {
            firstNonZero++;
        }
        if (firstNonZero == total)
        {
            return 0;
        }

        // The value in milli-units is the digit string with its decimal point moved to 'point' (times 2^binaryShift).
        final long point = intDigits + 3L + exponent10;
        long magnitude;
        try
        {
            magnitude = integerPart(text, intStart, intDigits, fracStart, total, firstNonZero, point);
            if (binaryShift == 0)
            {
                if (anyNonZero(text, intStart, intDigits, fracStart, total, Math.max(point, firstNonZero)))
                {
                    magnitude = Math.addExact(magnitude, 1);
                }
            }
            else
            {
                if (magnitude > (Long.MAX_VALUE >> binaryShift))
                {
                    throw new ArithmeticException();
                }
                magnitude = Math.addExact(
                    magnitude << binaryShift,
                    fractionTimesPowerOfTwoCeil(text, intStart, intDigits, fracStart, total, (int)point, binaryShift));
            }
        }
        catch (final ArithmeticException ex)
        {
            throw new QuantityFormatException(
                text, "quantity " + quote(text) + " is out of range: more than " + Long.MAX_VALUE + " milli-units");
        }

        return negative ? -magnitude : magnitude;
    }

    /**
     * Formats milli-units as a quantity that {@link #parseMilli(String)} reads back exactly: {@code 1500m},
     * {@code 2}, {@code 2Gi}, {@code 1G}; the shortest of the exact forms, binary suffixes winning ties.
     *
     * @param milli the value in milli-units.
     * @return the quantity text.
     */
    public static String format(final long milli)
    {
        if (milli % 1000 != 0)
        {
            return milli + "m";
        }
        final long units = milli / 1000;
        String best = Long.toString(units);
        if (units == 0)
        {
            return best;
        }
        for (int i = BINARY_SUFFIXES.length - 1; i >= 0; i--)
        {
            final long unit = 1L << (10 * (i + 1));
            if (units % unit == 0)
            {
                final String candidate = (units / unit) + BINARY_SUFFIXES[i];
                best = candidate.length() < best.length() ? candidate : best;
                break;
            }
        }
        long unit = 1;
        for (int i = 0; i < DECIMAL_SUFFIXES.length; i++)
        {
            unit *= 1000;
            if (units % unit != 0)
            {
                break;
            }
            final String candidate = (units / unit) + DECIMAL_SUFFIXES[i];
            best = candidate.length() < best.length() ? candidate : best;
        }
        return best;
    }

    private static int skipDigits(final String text, final int from, final int end)
    {
        int pos = from;
        while (pos < end && isDigit(text.charAt(pos)))
        {
            pos++;
        }
        return pos;
    }

    private static boolean isDigit(final char c)
    {
        return c >= '0' && c <= '9';
    }

    private static int binaryShift(final String suffix)
    {
        return switch (suffix)
        {
            case "Ki" -> 10;
            case "Mi" -> 20;
            case "Gi" -> 30;
            case "Ti" -> 40;
            case "Pi" -> 50;
            case "Ei" -> 60;
            default -> 0;
        };
    }

    private static long decimalExponent(final String text, final String suffix)
    {
        switch (suffix)
        {
            case "n":
                return -9;
            case "u":
                return -6;
            case "m":
                return -3;
            case "":
                return 0;
            case "k":
                return 3;
            case "M":
                return 6;
            case "G":
                return 9;
            case "T":
                return 12;
            case "P":
                return 15;
            case "E":
                return 18;
            default:
                break;
        }

        final char first = suffix.charAt(0);
        if (suffix.length() < 2 || (first != 'e' && first != 'E'))
        {
            throw formatError(text, "unknown suffix \"" + suffix + "\"");
        }
        final long exponent;
        try
        {
            exponent = Long.parseLong(suffix, 1, suffix.length(), 10);
        }
        catch (final NumberFormatException ex)
        {
            throw formatError(text, "unknown suffix \"" + suffix + "\"");
        }
        if (exponent < Integer.MIN_VALUE || exponent > Integer.MAX_VALUE)
        {
            throw formatError(text, "exponent out of range");
        }
        return exponent;
    }

    private static int digitAt(
        final String text, final int intStart, final int intDigits, final int fracStart, final int i)
    {
        return (i < intDigits ? text.charAt(intStart + i) : text.charAt(fracStart + i - intDigits)) - '0';
    }

    /** The digits before {@code point} as a long (zeros appended past the last digit); throws on overflow. */
    private static long integerPart(
        final String text,
        final int intStart,
        final int intDigits,
        final int fracStart,
        final int total,
        final int firstNonZero,
        final long point)
    {
        if (point <= firstNonZero)
        {
            return 0;
        }
        if (point - firstNonZero > MAX_LONG_DIGITS)
        {
            throw new ArithmeticException();
        }
        final int stop = (int)Math.min(point, total);
        long value = 0;
        for (int i = firstNonZero; i < stop; i++)
        {
            value = Math.addExact(Math.multiplyExact(value, 10), digitAt(text, intStart, intDigits, fracStart, i));
        }
        for (long i = total; i < point; i++)
        {
            value = Math.multiplyExact(value, 10);
        }
        return value;
    }

    private static boolean anyNonZero(
        final String text, final int intStart, final int intDigits, final int fracStart, final int total, final long from)
    {
        for (long i = from; i < total; i++)
        {
            if (digitAt(text, intStart, intDigits, fracStart, (int)i) != 0)
            {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code ceil(0.f * 2^shift)} for the fraction digits {@code f} from index {@code point}: the first
     * {@code shift} bits of the binary expansion, plus one if any remain, found by doubling the decimal digits.
     */
    private static long fractionTimesPowerOfTwoCeil(
        final String text,
        final int intStart,
        final int intDigits,
        final int fracStart,
        final int total,
        final int point,
        final int shift)
    {
        int length = total - point;
        while (length > 0 && digitAt(text, intStart, intDigits, fracStart, point + length - 1) == 0)
        {
            length--;
        }
        if (length <= 0)
        {
            return 0;
        }
        final byte[] digits = new byte[length];
        for (int j = 0; j < length; j++)
        {
            digits[j] = (byte)digitAt(text, intStart, intDigits, fracStart, point + j);
        }

        long bits = 0;
        for (int round = 0; round < shift; round++)
        {
            int carry = 0;
            for (int j = length - 1; j >= 0; j--)
            {
                final int d = digits[j] * 2 + carry;
                carry = d >= 10 ? 1 : 0;
                digits[j] = (byte)(d - 10 * carry);
            }
            bits = (bits << 1) | carry;
            while (length > 0 && digits[length - 1] == 0)
            {
                length--;
            }
            if (length == 0)
            {
                return bits << (shift - round - 1);
            }
        }
        return bits + 1;
    }

    private static QuantityFormatException formatError(final String text, final String detail)
    {
        return new QuantityFormatException(
            text, "cannot parse quantity " + quote(text) + (detail == null ? "" : ": " + detail));
    }

    private static String quote(final String text)
    {
        return text.length() <= MAX_QUOTED_CHARS ?
            '"' + text + '"' : '"' + text.substring(0, MAX_QUOTED_CHARS) + "...\" (" + text.length() + " chars)";
    }
}
