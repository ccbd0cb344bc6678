package io.berth.sched.framework;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;

import io.berth.sched.model.PodObject;

/**
 * The per-node results of one pod class: fail bits and raw (pre-normalization) scores, with the slot versions
 * they were computed at. A later pod of the same class recomputes only the chunks whose slots changed since, and
 * everything when the table's epoch moved (a node added, changed or removed). Owned by the engine's thread.
 */
final class CycleResults
{
    PodObject representative;
    long epoch = -1;
    int limit = -1;
    long lastUse;
    /** The pod-aware plugins' results were computed while they depended on pods on other nodes. */
    boolean podToPod;

    long[] failBits;
    long[] filterVersions;
    boolean[] filterActive;

    boolean scored;
    long[][] rawScores;
    long[] scoreVersions;
    boolean[] scoreActive;
    long[][] normalized;
    long[] normalizedMax;
    long[] totals;
    /** kube's reason counts for the current fail bits, or null until asked for (cleared when any bit is rewritten). */
    java.util.Map<String, Integer> reasons;

    CycleResults(final int capacity, final int filterCount, final int scoreCount)
    {
        failBits = new long[capacity];
        filterVersions = new long[capacity];
        filterActive = new boolean[filterCount];
        rawScores = new long[scoreCount][capacity];
        scoreVersions = new long[capacity];
        scoreActive = new boolean[scoreCount];
        normalized = new long[scoreCount][capacity];
        normalizedMax = new long[scoreCount];
        totals = new long[capacity];
    }

    int capacity()
    {
        return failBits.length;
    }

    void reset(final PodObject pod, final long epoch, final int limit)
    {
        this.representative = pod;
        this.epoch = epoch;
        this.limit = limit;
        this.scored = false;
        this.reasons = null;
        this.podToPod = false;
    }

    boolean matches(final PodObject pod, final long epoch, final int limit)
    {
        return representative != null && this.epoch == epoch && this.limit == limit && PodClass.same(representative, pod);
    }

    /**
     * Collects the starts of the chunks in {@code [0, limit)} where {@code current} differs from {@code seen}
     * and brings {@code seen} up to date. Returns how many were written to {@code dirty}.
     */
    static int dirtyChunks(final MemorySegment current, final long[] seen, final int limit, final int[] dirty)
    {
        int n = 0;
        for (int i = 0; i < limit; i += Kernels.LANES)
        {
            if (LongVector.fromMemorySegment(Kernels.LONGS, current, (long)i << 3, Kernels.ORDER)
                .compare(VectorOperators.NE, LongVector.fromArray(Kernels.LONGS, seen, i)).anyTrue())
            {
                // reloaded inside the branch: a vector live across it could be boxed
                LongVector.fromMemorySegment(Kernels.LONGS, current, (long)i << 3, Kernels.ORDER).intoArray(seen, i);
                dirty[n++] = i;
            }
        }
        return n;
    }

    static void snapshot(final MemorySegment current, final long[] seen, final int limit)
    {
        MemorySegment.copy(current, ValueLayout.JAVA_LONG, 0, seen, 0, limit);
    }
}
