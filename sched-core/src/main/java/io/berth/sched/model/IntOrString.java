package io.berth.sched.model;

/**
 * A {@code intstr.IntOrString}: an integer, or a string such as a percentage ({@code "50%"}).
 *
 * @param isString  which of the two it holds.
 * @param intValue  the integer, or 0 for a string.
 * @param strValue  the string, or empty for an integer.
 */
public record IntOrString(boolean isString, int intValue, String strValue)
{
    public IntOrString
    {
        strValue = strValue == null ? "" : strValue;
    }

    public static IntOrString ofInt(final int value)
    {
        return new IntOrString(false, value, "");
    }

    public static IntOrString ofString(final String value)
    {
        return new IntOrString(true, 0, value);
    }

    public String toString()
    {
        return isString ? strValue : Integer.toString(intValue);
    }
}
