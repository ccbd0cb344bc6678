package io.berth.sched.framework;

import io.berth.sched.model.PodObject;

/**
 * Equivalence of pods for the scheduling cache: two pods are of one class when every field a plugin reads is
 * equal, so every filter and score gives both the same result on every node. Keep this in step with the plugins:
 * a plugin that starts reading another pod field must add it here.
 */
final class PodClass
{
    private PodClass()
    {
    }

    static boolean same(final PodObject a, final PodObject b)
    {
        return a == b ||
            a.nodeName().equals(b.nodeName()) &&
            a.containers().equals(b.containers()) &&
            a.initContainers().equals(b.initContainers()) &&
            a.overhead().equals(b.overhead()) &&
            a.tolerations().equals(b.tolerations()) &&
            a.nodeSelector().equals(b.nodeSelector()) &&
            a.nodeAffinity().equals(b.nodeAffinity());
    }
}
