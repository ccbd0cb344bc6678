package io.berth.sched.plugins.podtopologyspread;

import java.util.Arrays;
import java.util.Objects;

import io.berth.sched.model.LabelSelector;

/**
 * Identity of an interned spread selector: the namespace counted, the constraint's label selector (null when
 * absent) and the label pairs merged into it (matchLabelKeys values from the incoming pod, or every pod label for
 * the system default constraints), sorted by key without duplicates. Mutable so that one probe instance can be
 * filled per lookup without allocating; {@link #copy} makes the stored key.
 */
final class SelectorKey
{
    private String namespace = "";
    private LabelSelector base;
    private int mergedCount;
    private String[] mergedKeys = new String[4];
    private String[] mergedValues = new String[4];

    void reset(final String namespace, final LabelSelector base)
    {
        this.namespace = namespace;
        this.base = base;
        this.mergedCount = 0;
    }

    /** Adds a merged pair, keeping the pairs sorted by key; a key already present keeps its first value. */
    void merge(final String key, final String value)
    {
        int i = mergedCount;
        while (i > 0 && mergedKeys[i - 1].compareTo(key) > 0)
        {
            i--;
        }
        if (i > 0 && mergedKeys[i - 1].equals(key))
        {
            return;
        }
        if (mergedCount == mergedKeys.length)
        {
            mergedKeys = Arrays.copyOf(mergedKeys, mergedCount * 2);
            mergedValues = Arrays.copyOf(mergedValues, mergedCount * 2);
        }
        System.arraycopy(mergedKeys, i, mergedKeys, i + 1, mergedCount - i);
        System.arraycopy(mergedValues, i, mergedValues, i + 1, mergedCount - i);
        mergedKeys[i] = key;
        mergedValues[i] = value;
        mergedCount++;
    }

    String namespace()
    {
        return namespace;
    }

    LabelSelector base()
    {
        return base;
    }

    int mergedCount()
    {
        return mergedCount;
    }

    String mergedKey(final int i)
    {
        return mergedKeys[i];
    }

    String mergedValue(final int i)
    {
        return mergedValues[i];
    }

    SelectorKey copy()
    {
        final SelectorKey k = new SelectorKey();
        k.namespace = namespace;
        k.base = base;
        k.mergedCount = mergedCount;
        k.mergedKeys = Arrays.copyOf(mergedKeys, Math.max(1, mergedCount));
        k.mergedValues = Arrays.copyOf(mergedValues, Math.max(1, mergedCount));
        return k;
    }

    public boolean equals(final Object o)
    {
        if (!(o instanceof SelectorKey k) || mergedCount != k.mergedCount || !namespace.equals(k.namespace) ||
            !Objects.equals(base, k.base))
        {
            return false;
        }
        for (int i = 0; i < mergedCount; i++)
        {
            if (!mergedKeys[i].equals(k.mergedKeys[i]) || !mergedValues[i].equals(k.mergedValues[i]))
            {
                return false;
            }
        }
        return true;
    }

    public int hashCode()
    {
        int h = namespace.hashCode() * 31 + (base == null ? 0 : base.hashCode());
        for (int i = 0; i < mergedCount; i++)
        {
            h = (h * 31 + mergedKeys[i].hashCode()) * 31 + mergedValues[i].hashCode();
        }
        return h;
    }
}
