package io.berth.sched.queue;

import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's PriorityClasses, resolving a pod's priority and preemption policy the way kube's {@code Priority}
 * admission plugin does when the pod is created.
 * <p>
 * A pod that already carries {@code spec.priority} keeps it (admission resolved it). Otherwise a pod naming no
 * class gets the global default class (the lowest-valued one if several claim it, as kube picks), or priority 0
 * when there is none; a pod naming a class gets its value. A pod naming an unknown class would be rejected by
 * admission; here it gets priority 0 and {@link #isUnknownClass(PodObject)} reports it. kube's built-in
 * {@code system-cluster-critical} and {@code system-node-critical} classes are always present unless replaced by
 * a class of the same name.
 */
public final class PriorityClasses
{
    /** The default preemption policy: the pod may preempt pods of lower priority. */
    public static final String PREEMPT_LOWER_PRIORITY = "PreemptLowerPriority";
    /** The pod never preempts. */
    public static final String NEVER = "Never";

    /** Only the built-in system classes. */
    public static final PriorityClasses NONE = of(List.of());

    private final Map<String, PriorityClass> byName;
    private final PriorityClass globalDefault;

    private PriorityClasses(final Map<String, PriorityClass> byName, final PriorityClass globalDefault)
    {
        this.byName = byName;
        this.globalDefault = globalDefault;
    }

    /** The given classes plus the built-in ones; a later class of the same name replaces an earlier one. */
    public static PriorityClasses of(final Collection<PriorityClass> classes)
    {
        final Map<String, PriorityClass> byName = new HashMap<>();
        byName.put(PriorityClass.SYSTEM_CLUSTER_CRITICAL.name(), PriorityClass.SYSTEM_CLUSTER_CRITICAL);
        byName.put(PriorityClass.SYSTEM_NODE_CRITICAL.name(), PriorityClass.SYSTEM_NODE_CRITICAL);
        for (final PriorityClass pc : classes)
        {
            byName.put(pc.name(), pc);
        }
        PriorityClass globalDefault = null;
        for (final PriorityClass pc : byName.values())
        {
            if (pc.globalDefault() && (globalDefault == null || pc.value() < globalDefault.value() ||
                (pc.value() == globalDefault.value() && pc.name().compareTo(globalDefault.name()) < 0)))
            {
                globalDefault = pc;
            }
        }
        return new PriorityClasses(Map.copyOf(byName), globalDefault);
    }

    /** The class of that name, or null. */
    public PriorityClass get(final String name)
    {
        return byName.get(name);
    }

    /** The global default class, or null when no class is the global default. */
    public PriorityClass globalDefault()
    {
        return globalDefault;
    }

    /** The number of classes, the built-in ones included. */
    public int size()
    {
        return byName.size();
    }

    /** True when the pod has no resolved priority and names a class that does not exist. */
    public boolean isUnknownClass(final PodObject pod)
    {
        return !pod.hasPriority() && !pod.priorityClassName().isEmpty() && !byName.containsKey(pod.priorityClassName());
    }

    /** The pod's priority: its own if set, else its class's, else the global default's, else 0. */
    public int priorityOf(final PodObject pod)
    {
        if (pod.hasPriority())
        {
            return pod.priority();
        }
        final PriorityClass pc = classOf(pod);
        return pc == null ? 0 : pc.value();
    }

    /**
     * The pod's preemption policy: its own if set, else its class's (the global default's when it names none),
     * else {@link #PREEMPT_LOWER_PRIORITY}.
     */
    public String preemptionPolicyOf(final PodObject pod)
    {
        if (!pod.preemptionPolicy().isEmpty())
        {
            return pod.preemptionPolicy();
        }
        final PriorityClass pc = classOf(pod);
        return pc == null || pc.preemptionPolicy().isEmpty() ? PREEMPT_LOWER_PRIORITY : pc.preemptionPolicy();
    }

    /**
     * The pod as admission leaves it: priority, preemption policy and (from the global default) class name
     * filled in. Returns the same instance when nothing changes.
     */
    public PodObject admit(final PodObject pod)
    {
        final int priority = priorityOf(pod);
        final String policy = preemptionPolicyOf(pod);
        String className = pod.priorityClassName();
        if (className.isEmpty() && !pod.hasPriority() && globalDefault != null)
        {
            className = globalDefault.name();
        }
        if (pod.hasPriority() && pod.priority() == priority && policy.equals(pod.preemptionPolicy()) &&
            className.equals(pod.priorityClassName()))
        {
            return pod;
        }
        return pod.withPriority(priority, policy, className);
    }

    private PriorityClass classOf(final PodObject pod)
    {
        return pod.priorityClassName().isEmpty() ? globalDefault : byName.get(pod.priorityClassName());
    }
}
