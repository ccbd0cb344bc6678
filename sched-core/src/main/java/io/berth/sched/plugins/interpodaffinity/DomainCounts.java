package io.berth.sched.plugins.interpodaffinity;

import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;

import java.util.Arrays;

/**
 * A value per topology domain (a label value id of one topology key), kept as a dense list of the domains that hold
 * entries so that a cycle visits only those. Each domain has a reference count (the entries added there) and a
 * value (a pod count, or a sum of signed weights); a domain leaves the list when its references reach zero.
 * <p>
 * Sparse: a domain finds its place in the list through a primitive hash map, so memory follows the domains in use,
 * not the largest value id. One counter exists per distinct term and topology key (thousands with per-workload
 * hostname anti-affinity), each touching few of the thousands of hostname domains.
 */
final class DomainCounts
{
    private static final int ABSENT = -1;

    private final IntIntHashMap positionOfDomain = new IntIntHashMap(4);
    private long[] values = new long[4];
    private int[] refs = new int[4];
    private int[] domains = new int[4];
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

    /** The value of the {@code i}-th domain with entries, {@code 0 <= i < size()}. */
    long valueAt(final int i)
    {
        return values[i];
    }

    /** The value of a domain (0 when it has no entries). */
    long value(final int domain)
    {
        final int at = positionOfDomain.getIfAbsent(domain, ABSENT);
        return at == ABSENT ? 0 : values[at];
    }

    /** References over all domains. */
    long totalRefs()
    {
        return totalRefs;
    }

    /** Adds {@code deltaValue} and {@code deltaRefs} to a domain (value id {@code >= 0}). */
    void add(final int domain, final long deltaValue, final int deltaRefs)
    {
        int at = positionOfDomain.getIfAbsent(domain, ABSENT);
        if (at == ABSENT)
        {
            if (deltaRefs == 0)
            {
                return;
            }
            if (size == domains.length)
            {
                final int n = size * 2;
                domains = Arrays.copyOf(domains, n);
                values = Arrays.copyOf(values, n);
                refs = Arrays.copyOf(refs, n);
            }
            at = size++;
            domains[at] = domain;
            values[at] = 0;
            refs[at] = 0;
            positionOfDomain.put(domain, at);
        }
        refs[at] += deltaRefs;
        values[at] += deltaValue;
        totalRefs += deltaRefs;
        if (refs[at] == 0)
        {
            final int last = --size;
            positionOfDomain.remove(domain);
            if (at != last)
            {
                domains[at] = domains[last];
                values[at] = values[last];
                refs[at] = refs[last];
                positionOfDomain.put(domains[at], at);
            }
        }
    }

    /** Forgets every entry. */
    void clear()
    {
        positionOfDomain.clear();
        size = 0;
        totalRefs = 0;
    }
}
