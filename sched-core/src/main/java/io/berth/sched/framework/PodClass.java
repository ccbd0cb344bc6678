package io.berth.sched.framework;

import java.util.List;

import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.PodObject;

/**
 * Equivalence of pods for the scheduling cache: two pods are of one class when every field a plugin reads is
 * equal, so every filter and score gives both the same result on every node. Keep this in step with the plugins:
 * a plugin that starts reading another pod field must add it here. Labels, namespace and pod (anti-)affinity /
 * spread terms are left out on purpose: the plugins that read them ({@link PodAwarePlugin}s) answer
 * {@code readsOtherNodes} for any pod where they matter, and the engine then recomputes those plugins on every
 * node (the node-local plugins' results still come from the class's cache). Compares by index, not with
 * {@code List.equals}, so that the check allocates no iterators on the scheduling path.
 */
final class PodClass
{
    private PodClass()
    {
    }

    static boolean same(final PodObject a, final PodObject b)
    {
        return a == b ||
            sameList(a.containers(), b.containers()) &&
            sameList(a.initContainers(), b.initContainers()) &&
            a.nodeName().equals(b.nodeName()) &&
            a.overhead().equals(b.overhead()) &&
            sameList(a.tolerations(), b.tolerations()) &&
            (a.nodeSelector() == b.nodeSelector() || a.nodeSelector().equals(b.nodeSelector())) &&
            (a.nodeAffinity() == b.nodeAffinity() || a.nodeAffinity().equals(b.nodeAffinity())) &&
            sameGpu(a.gpuRequest(), b.gpuRequest());
    }

    /** GpuSharing and the GPU scores read the GPU request (count, milli, allowed models); the preset devices do not matter. */
    private static boolean sameGpu(final GpuRequest a, final GpuRequest b)
    {
        return a == b || a.count() == b.count() && a.milliPerDevice() == b.milliPerDevice() && sameList(a.models(), b.models());
    }

    private static boolean sameList(final List<?> a, final List<?> b)
    {
        if (a == b)
        {
            return true;
        }
        final int n = a.size();
        if (n != b.size())
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            final Object x = a.get(i);
            final Object y = b.get(i);
            if (x != y && !x.equals(y))
            {
                return false;
            }
        }
        return true;
    }
}
