package io.berth.sched.model;

/** A pod toleration ({@code spec.tolerations[]}); empty strings stand for absent fields. */
public record Toleration(String key, String operator, String value, String effect)
{
    public Toleration
    {
        key = key == null ? "" : key;
        operator = operator == null ? "" : operator;
        value = value == null ? "" : value;
        effect = effect == null ? "" : effect;
    }

    /** {@code v1.Toleration.ToleratesTaint}, including its empty key/effect rules. */
    public boolean tolerates(final String taintKey, final String taintValue, final String taintEffect)
    {
        if (!effect.isEmpty() && !effect.equals(taintEffect))
        {
            return false;
        }
        if (!key.isEmpty() && !key.equals(taintKey))
        {
            return false;
        }
        return switch (operator)
        {
            case "", "Equal" -> value.equals(taintValue);
            case "Exists" -> true;
            default -> false;
        };
    }

    public boolean tolerates(final Taint taint)
    {
        return tolerates(taint.key(), taint.value(), taint.effect());
    }
}
