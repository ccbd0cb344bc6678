package io.berth.sched.plugins.interpodaffinity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.LabelSelectorRequirement;

/**
 * A compiled {@code metav1.LabelSelector} as kube's {@code metav1.LabelSelectorAsSelector} builds it: null selects
 * nothing, an empty selector everything, otherwise every requirement must hold (matchLabels as {@code key = value}).
 * Matching allocates nothing.
 */
final class LabelMatcher
{
    static final int IN = 0;
    static final int NOT_IN = 1;
    static final int EXISTS = 2;
    static final int DOES_NOT_EXIST = 3;

    /** kube's {@code labels.Nothing()}. */
    static final LabelMatcher NOTHING = new LabelMatcher(true, new String[0], new int[0], new String[0][]);
    /** kube's {@code labels.Everything()}. */
    static final LabelMatcher EVERYTHING = new LabelMatcher(false, new String[0], new int[0], new String[0][]);

    private final boolean nothing;
    private final String[] keys;
    private final int[] operators;
    private final String[][] values;

    private LabelMatcher(final boolean nothing, final String[] keys, final int[] operators, final String[][] values)
    {
        this.nothing = nothing;
        this.keys = keys;
        this.operators = operators;
        this.values = values;
    }

    /** Thrown for a selector kube fails to convert; the message is kube's error text. */
    static final class InvalidSelectorException extends Exception
    {
        private static final long serialVersionUID = 1L;

        InvalidSelectorException(final String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * kube's {@code LabelSelectorAsSelector}. Checks the operator and the values count as kube's
     * {@code labels.NewRequirement} does; the key and value syntax is not checked.
     */
    static LabelMatcher compile(final LabelSelector selector) throws InvalidSelectorException
    {
        if (selector == null)
        {
            return NOTHING;
        }
        if (selector.isEmpty())
        {
            return EVERYTHING;
        }
        final List<String> keys = new ArrayList<>();
        final List<Integer> ops = new ArrayList<>();
        final List<String[]> vals = new ArrayList<>();
        for (final Map.Entry<String, String> e : selector.matchLabels().entrySet())
        {
            keys.add(e.getKey());
            ops.add(IN);
            vals.add(new String[] {e.getValue()});
        }
        for (final LabelSelectorRequirement r : selector.matchExpressions())
        {
            final int op = switch (r.operator())
            {
                case "In" -> IN;
                case "NotIn" -> NOT_IN;
                case "Exists" -> EXISTS;
                case "DoesNotExist" -> DOES_NOT_EXIST;
                default -> throw new InvalidSelectorException("\"" + r.operator() + "\" is not a valid label selector operator");
            };
            if ((op == IN || op == NOT_IN) && r.values().isEmpty())
            {
                throw new InvalidSelectorException(
                    "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty");
            }
            if ((op == EXISTS || op == DOES_NOT_EXIST) && !r.values().isEmpty())
            {
                throw new InvalidSelectorException(
                    "values: Invalid value: " + r.values() + ": values set must be empty for exists and does not exist");
            }
            keys.add(r.key());
            ops.add(op);
            vals.add(r.values().toArray(new String[0]));
        }
        final int[] o = new int[ops.size()];
        for (int i = 0; i < o.length; i++)
        {
            o[i] = ops.get(i);
        }
        return new LabelMatcher(false, keys.toArray(new String[0]), o, vals.toArray(new String[0][]));
    }

    /** True for kube's {@code labels.Nothing()}: matches no pod at all. */
    boolean matchesNothing()
    {
        return nothing;
    }

    /**
     * A label this selector requires with one exact value ({@code key=value} from matchLabels, or {@code In} with a
     * single value), as {@code {key, value}}, or null when it requires none: a pod lacking that label never
     * matches, which lets callers index selectors by it.
     */
    String[] requiredLabel()
    {
        for (int i = 0; i < keys.length; i++)
        {
            if (operators[i] == IN && values[i].length == 1)
            {
                return new String[] {keys[i], values[i][0]};
            }
        }
        return null;
    }

    /** kube's {@code Selector.Matches(labels.Set(labels))}; null labels are empty. */
    boolean matches(final Map<String, String> labels)
    {
        if (nothing)
        {
            return false;
        }
        for (int i = 0; i < keys.length; i++)
        {
            final String v = labels == null ? null : labels.get(keys[i]);
            final boolean ok = switch (operators[i])
            {
                case IN -> v != null && contains(values[i], v);
                case NOT_IN -> v == null || !contains(values[i], v);
                case EXISTS -> v != null;
                default -> v == null;
            };
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(final String[] set, final String v)
    {
        for (final String s : set)
        {
            if (s.equals(v))
            {
                return true;
            }
        }
        return false;
    }
}
