package io.berth.sched.plugins.podtopologyspread;

import java.util.List;
import java.util.Map;

import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;

/**
 * A spread constraint's effective pod selector, compiled once per interned {@link SelectorKey}: kube's
 * {@code metav1.LabelSelectorAsSelector} of the constraint's selector (null selects nothing, empty selects
 * everything) with the {@code matchLabelKeys} pairs taken from the incoming pod AND-ed in by kube's
 * {@code mergeLabelSetWithSelector} (which, on a null selector, keeps only the pairs). Matching allocates nothing.
 * <p>
 * Deviation: a selector kube fails to convert (an operator other than In, NotIn, Exists, DoesNotExist, In/NotIn
 * without values, Exists/DoesNotExist with values) makes kube's PreFilter/PreScore fail the whole cycle with an
 * error; here it selects no pod. API validation rejects such pods before they reach a scheduler.
 */
final class PodSelector
{
    static final int OP_IN = 0;
    static final int OP_NOT_IN = 1;
    static final int OP_EXISTS = 2;
    static final int OP_DOES_NOT_EXIST = 3;

    private final boolean nothing;
    private final String[] keys;
    private final int[] ops;
    private final String[][] values;

    private PodSelector(final boolean nothing, final String[] keys, final int[] ops, final String[][] values)
    {
        this.nothing = nothing;
        this.keys = keys;
        this.ops = ops;
        this.values = values;
    }

    /** Compiles the effective selector of a key. */
    static PodSelector compile(final SelectorKey key)
    {
        final LabelSelector base = key.base();
        final int merged = key.mergedCount();
        if (merged == 0 && base == null)
        {
            return new PodSelector(true, new String[0], new int[0], new String[0][]);
        }
        int n = merged;
        if (base != null)
        {
            n += base.matchLabels().size() + base.matchExpressions().size();
        }
        final String[] keys = new String[n];
        final int[] ops = new int[n];
        final String[][] values = new String[n][];
        int r = 0;
        for (int i = 0; i < merged; i++)
        {
            keys[r] = key.mergedKey(i);
            ops[r] = OP_IN;
            values[r] = new String[] {key.mergedValue(i)};
            r++;
        }
        if (base != null)
        {
            for (final Map.Entry<String, String> e : base.matchLabels().entrySet())
            {
                keys[r] = e.getKey();
                ops[r] = OP_IN;
                values[r] = new String[] {e.getValue()};
                r++;
            }
            for (final LabelSelectorRequirement req : base.matchExpressions())
            {
                final List<String> vals = req.values();
                final int op;
                switch (req.operator())
                {
                    case "In" -> op = OP_IN;
                    case "NotIn" -> op = OP_NOT_IN;
                    case "Exists" -> op = OP_EXISTS;
                    case "DoesNotExist" -> op = OP_DOES_NOT_EXIST;
                    default -> op = -1;
                }
                final boolean needsValues = op == OP_IN || op == OP_NOT_IN;
                if (op < 0 || needsValues == vals.isEmpty())
                {
                    return new PodSelector(true, new String[0], new int[0], new String[0][]);
                }
                keys[r] = req.key();
                ops[r] = op;
                values[r] = vals.toArray(new String[0]);
                r++;
            }
        }
        return new PodSelector(false, keys, ops, values);
    }

    /**
     * A label the selector requires with one exact value, as {@code {key, value}}, or null when none: pods lacking
     * it never match, so selectors and pods can be indexed by it.
     */
    String[] requiredLabel()
    {
        if (nothing)
        {
            return null;
        }
        for (int r = 0; r < keys.length; r++)
        {
            if (ops[r] == OP_IN && values[r].length == 1)
            {
                return new String[] {keys[r], values[r][0]};
            }
        }
        return null;
    }

    /** True when the selector selects no pod at all. */
    boolean selectsNothing()
    {
        return nothing;
    }

    /** kube's {@code labels.Selector.Matches(labels.Set(podLabels))}. */
    boolean matches(final Map<String, String> labels)
    {
        if (nothing)
        {
            return false;
        }
        for (int r = 0; r < keys.length; r++)
        {
            final String value = labels.get(keys[r]);
            final boolean ok = switch (ops[r])
            {
                case OP_IN -> value != null && contains(values[r], value);
                case OP_NOT_IN -> value == null || !contains(values[r], value);
                case OP_EXISTS -> value != null;
                default -> value == null;
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(final String[] set, final String value)
    {
        for (final String s : set)
        {
            if (s.equals(value))
            {
                return true;
            }
        }
        return false;
    }
}
