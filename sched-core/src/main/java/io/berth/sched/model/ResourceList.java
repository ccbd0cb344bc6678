package io.berth.sched.model;

import java.util.Arrays;

/**
 * An immutable Kubernetes resource list ({@code requests}, {@code allocatable}, {@code overhead}):
 * resource names with their quantities in milli-units (cpu {@code 1} is {@code 1000}, memory {@code 1Ki}
 * is {@code 1_024_000}). Keeping milli-units for every resource lets sums be exact the way Kubernetes
 * sums {@code resource.Quantity} values before converting with {@code MilliValue()} / {@code Value()}.
 */
public final class ResourceList
{
    public static final ResourceList EMPTY = new ResourceList(new String[0], new long[0]);

    private final String[] names;
    private final long[] milliValues;

    public ResourceList(final String[] names, final long[] milliValues)
    {
        if (names.length != milliValues.length)
        {
            throw new IllegalArgumentException("names and values differ in length");
        }
        this.names = names;
        this.milliValues = milliValues;
    }

    /** Builds a list from alternating name/quantity-in-milli pairs, for tests and generators. */
    public static ResourceList ofMilli(final Object... nameMilliPairs)
    {
        final int n = nameMilliPairs.length / 2;
        final String[] names = new String[n];
        final long[] values = new long[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = (String)nameMilliPairs[2 * i];
            values[i] = ((Number)nameMilliPairs[2 * i + 1]).longValue();
        }
        return new ResourceList(names, values);
    }

    public int size()
    {
        return names.length;
    }

    public String name(final int i)
    {
        return names[i];
    }

    public long milliValue(final int i)
    {
        return milliValues[i];
    }

    public int indexOf(final String name)
    {
        for (int i = 0; i < names.length; i++)
        {
            if (names[i].equals(name))
            {
                return i;
            }
        }
        return -1;
    }

    public boolean contains(final String name)
    {
        return indexOf(name) >= 0;
    }

    /** Quantity in milli-units, or 0 when absent. */
    public long milliValue(final String name)
    {
        final int i = indexOf(name);
        return i < 0 ? 0 : milliValues[i];
    }

    public boolean isEmpty()
    {
        return names.length == 0;
    }

    /** {@code Quantity.Value()}: the quantity rounded up to a whole unit. */
    public static long ceilUnits(final long milli)
    {
        return Math.ceilDiv(milli, 1000L);
    }

    public boolean equals(final Object o)
    {
        return o instanceof ResourceList r && Arrays.equals(names, r.names) && Arrays.equals(milliValues, r.milliValues);
    }

    public int hashCode()
    {
        return Arrays.hashCode(names) * 31 + Arrays.hashCode(milliValues);
    }

    public String toString()
    {
        final StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < names.length; i++)
        {
            sb.append(i == 0 ? "" : ", ").append(names[i]).append('=').append(milliValues[i]).append('m');
        }
        return sb.append('}').toString();
    }
}
