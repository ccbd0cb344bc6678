package io.berth.sched.plugins.interpodaffinity;

import java.util.Arrays;

/**
 * A value per topology domain (a label value id of one topology key), with the domains that hold entries kept in
 * a dense list so that a cycle visits only those. Each domain has a reference count (the entries added there) and a
 * value (a pod count, or a sum of signed weights); a domain leaves the list when its references reach zero.
 */
final class DomainCounts
{
    private long[] values = new long[16];
    private int[] refs = new int[16];
    private int[] position = new int[16];
    private int[] domains = new int[16];
    private int size;
    private long totalRefs;

    /** Number of domains with entries. */
    int size()
    {
        return size;
    }

    /** The {@code i}-th domain with entries, {@code 0 <= i < size()}. */
    int domain(final int i)
    {
        return domains[i];
    }

    /** The value of a domain (0 when it has no entries). */
    long value(final int domain)
    {
        return domain < values.length ? values[domain] : 0;
    }

    /** References over all domains. */
    long totalRefs()
    {
        return totalRefs;
    }

    /** Adds {@code deltaValue} and {@code deltaRefs} to a domain (value id {@code >= 0}). */
    void add(final int domain, final long deltaValue, final int deltaRefs)
    {
        ensure(domain);
        final int before = refs[domain];
        refs[domain] = before + deltaRefs;
        values[domain] += deltaValue;
        totalRefs += deltaRefs;
        if (before == 0 && refs[domain] != 0)
        {
            if (size == domains.length)
            {
                domains = Arrays.copyOf(domains, size * 2);
            }
            position[domain] = size;
            domains[size++] = domain;
        }
        else if (before != 0 && refs[domain] == 0)
        {
            values[domain] = 0;
            final int at = position[domain];
            final int last = domains[--size];
            domains[at] = last;
            position[last] = at;
        }
    }

    /** Forgets every entry. */
    void clear()
    {
        for (int i = 0; i < size; i++)
        {
            refs[domains[i]] = 0;
            values[domains[i]] = 0;
        }
        size = 0;
        totalRefs = 0;
    }

    private void ensure(final int domain)
    {
        if (domain >= values.length)
        {
            final int n = Math.max(domain + 1, values.length * 2);
            values = Arrays.copyOf(values, n);
            refs = Arrays.copyOf(refs, n);
            position = Arrays.copyOf(position, n);
        }
    }
}
