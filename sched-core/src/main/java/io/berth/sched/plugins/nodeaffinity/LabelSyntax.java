package io.berth.sched.plugins.nodeaffinity;

/**
 * The syntax checks kube's {@code labels.NewRequirement} applies when node affinity builds a label selector
 * (apimachinery's {@code IsQualifiedName} for keys and {@code IsValidLabelValue} for values), and Go's
 * {@code strconv.ParseInt(s, 10, 64)}. Hand-written so that compiling a pod allocates nothing.
 */
final class LabelSyntax
{
    static final int QUALIFIED_NAME_MAX_LENGTH = 63;
    static final int LABEL_VALUE_MAX_LENGTH = 63;
    static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

    private LabelSyntax()
    {
    }

    /** kube's {@code validation.IsQualifiedName}: {@code [prefix/]name}, prefix a DNS-1123 subdomain. */
    static boolean isQualifiedName(final String key)
    {
        final int slash = key.indexOf('/');
        if (slash < 0)
        {
            return isQualifiedNamePart(key, 0, key.length());
        }
        if (key.indexOf('/', slash + 1) >= 0)
        {
            return false;
        }
        return slash > 0 && isDns1123Subdomain(key, 0, slash) && isQualifiedNamePart(key, slash + 1, key.length());
    }

    /** kube's {@code validation.IsValidLabelValue}: empty, or a name part of at most 63 characters. */
    static boolean isValidLabelValue(final String value)
    {
        return value.isEmpty() || isQualifiedNamePart(value, 0, value.length());
    }

    /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}, 1..63 characters. */
    private static boolean isQualifiedNamePart(final String s, final int from, final int to)
    {
        final int length = to - from;
        if (length < 1 || length > QUALIFIED_NAME_MAX_LENGTH)
        {
            return false;
        }
        if (!isAlphaNumeric(s.charAt(from)) || !isAlphaNumeric(s.charAt(to - 1)))
        {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++)
        {
            final char c = s.charAt(i);
            if (!isAlphaNumeric(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }
        return true;
    }

    /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*}, at most 253 characters. */
    private static boolean isDns1123Subdomain(final String s, final int from, final int to)
    {
        if (to - from > DNS1123_SUBDOMAIN_MAX_LENGTH)
        {
            return false;
        }
        int start = from;
        for (int i = from; i <= to; i++)
        {
            if (i == to || s.charAt(i) == '.')
            {
                if (!isDns1123Label(s, start, i))
                {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    private static boolean isDns1123Label(final String s, final int from, final int to)
    {
        if (to <= from || !isLowerAlphaNumeric(s.charAt(from)) || !isLowerAlphaNumeric(s.charAt(to - 1)))
        {
            return false;
        }
        for (int i = from + 1; i < to - 1; i++)
        {
            final char c = s.charAt(i);
            if (!isLowerAlphaNumeric(c) && c != '-')
            {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlphaNumeric(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    private static boolean isLowerAlphaNumeric(final char c)
    {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /**
     * True when Go's {@code strconv.ParseInt(s, 10, 64)} accepts {@code s}: an optional sign, then one or more
     * ASCII digits, within int64.
     */
    static boolean isInt64(final String s)
    {
        final int length = s.length();
        int i = 0;
        boolean negative = false;
        if (length > 0 && (s.charAt(0) == '+' || s.charAt(0) == '-'))
        {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        if (i == length)
        {
            return false;
        }
        // accumulate negatively, as Long.parseLong does, so that Long.MIN_VALUE fits
        final long limit = negative ? Long.MIN_VALUE : -Long.MAX_VALUE;
        final long multiplyMin = limit / 10;
        long result = 0;
        for (; i < length; i++)
        {
            final char c = s.charAt(i);
            if (c < '0' || c > '9')
            {
                return false;
            }
            final int digit = c - '0';
            if (result < multiplyMin)
            {
                return false;
            }
            result *= 10;
            if (result < limit + digit)
            {
                return false;
            }
            result -= digit;
        }
        return true;
    }

    /** Go's {@code strconv.ParseInt(s, 10, 64)}; call only when {@link #isInt64} holds (ASCII input). */
    static long parseInt64(final String s)
    {
        return Long.parseLong(s);
    }
}
