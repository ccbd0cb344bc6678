package io.berth.sched.model;

/** A node taint ({@code spec.taints[]}); effect is NoSchedule, PreferNoSchedule or NoExecute. */
public record Taint(String key, String value, String effect)
{
    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    public Taint
    {
        key = key == null ? "" : key;
        value = value == null ? "" : value;
        effect = effect == null ? "" : effect;
    }
}
