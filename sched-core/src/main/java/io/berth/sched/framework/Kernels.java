package io.berth.sched.framework;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Shared Vector API building blocks for the passes: the preferred long species, loads from off-heap columns,
 * exact non-negative integer division (x86 has no SIMD integer divide), and kube's DefaultNormalizeScore.
 * <p>
 * A helper here that takes or returns vectors costs nothing only while C2 inlines it. In a large compilation (a
 * plugin's pass inlined with its sub-passes, or the engine's cycle) C2 can pass its node-count inlining cutoff and
 * leave the helper a call; every vector crossing that call is then boxed, two allocations per chunk of lanes
 * (seen for {@link #floorDiv(LongVector, LongVector, DoubleVector)} in normalizeWithMax and in
 * NodeResourcesFit's score). Vector API methods themselves are always inlined, so the loops of this class write
 * their helpers out in place, and hot loops elsewhere should too.
 */
public final class Kernels
{
    public static final VectorSpecies<Long> LONGS = LongVector.SPECIES_PREFERRED;
    public static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    public static final int LANES = LONGS.length();
    public static final ByteOrder ORDER = ByteOrder.nativeOrder();
    public static final long MAX_NODE_SCORE = 100;

    private Kernels()
    {
    }

    /** Loads lanes {@code [i, i + LANES)} of an off-heap column. */
    public static LongVector load(final MemorySegment column, final int i)
    {
        return LongVector.fromMemorySegment(LONGS, column, (long)i << 3, ORDER);
    }

    /** ORs {@code bit} into {@code failBits[i..]} for the lanes set in {@code fail}. */
    public static void orBits(final long[] failBits, final int i, final VectorMask<Long> fail, final long bit)
    {
        final LongVector f = LongVector.fromArray(LONGS, failBits, i);
        f.or(((LongVector)fail.toVector()).and(bit)).intoArray(failBits, i);
    }

    /**
     * Exact {@code a / b} for {@code 0 <= a, 0 < b < 2^53} per lane: a double quotient truncated, then corrected
     * by one either way (the double quotient is within one of the true one).
     */
    public static LongVector floorDiv(final LongVector a, final LongVector b)
    {
        final DoubleVector ad = (DoubleVector)a.convert(VectorOperators.L2D, 0);
        final DoubleVector bd = (DoubleVector)b.convert(VectorOperators.L2D, 0);
        LongVector q = (LongVector)ad.div(bd).convert(VectorOperators.D2L, 0);
        // mask.toVector() is -1 in set lanes: add it to step down, subtract it to step up (no masked arithmetic,
        // which C2 does not intrinsify on every AVX-512 target)
        q = q.add((LongVector)q.mul(b).compare(VectorOperators.GT, a).toVector());
        return q.sub((LongVector)q.add(1L).mul(b).compare(VectorOperators.LE, a).toVector());
    }

    /**
     * Exact {@code a / b} for {@code 0 <= a < 2^52}, {@code 0 < b}, given {@code inverseB = 1.0 / b}: a multiply
     * instead of a division (vdivpd costs an order of magnitude more), then a one-step correction each way with
     * exact integer arithmetic; the double estimate is within one of the true quotient for quotients below 2^51.
     */
    public static LongVector floorDiv(final LongVector a, final LongVector b, final DoubleVector inverseB)
    {
        final DoubleVector ad = (DoubleVector)a.convert(VectorOperators.L2D, 0);
        LongVector q = (LongVector)ad.mul(inverseB).convert(VectorOperators.D2L, 0);
        q = q.add((LongVector)q.mul(b).compare(VectorOperators.GT, a).toVector());
        return q.sub((LongVector)q.add(1L).mul(b).compare(VectorOperators.LE, a).toVector());
    }

    /** {@code acc + (m ? v : 0)} without masked arithmetic. */
    public static LongVector addWhere(final LongVector acc, final LongVector v, final VectorMask<Long> m)
    {
        return acc.add(v.and((LongVector)m.toVector()));
    }

    /** Mask of lanes that passed every filter. */
    public static VectorMask<Long> feasible(final long[] failBits, final int i)
    {
        return LongVector.fromArray(LONGS, failBits, i).compare(VectorOperators.EQ, 0L);
    }

    /** kube's {@code helper.DefaultNormalizeScore(MaxNodeScore, reverse, scores)} over feasible slots, vector pass. */
    public static void defaultNormalize(final long[] scores, final long[] failBits, final int limit, final boolean reverse)
    {
        defaultNormalize(scores, failBits, 0, limit, reverse);
    }

    /** {@link #defaultNormalize} over {@code [from, to)}; {@code from} a multiple of {@link #LANES}, any {@code to}. */
    public static void defaultNormalize(
        final long[] scores, final long[] failBits, final int from, final int to, final boolean reverse)
    {
        final int bound = from + LONGS.loopBound(to - from);
        final long max = Math.max(feasibleMax(scores, failBits, from, bound), feasibleMaxScalar(scores, failBits, bound, to));
        normalizeWithMax(scores, scores, from, bound, max, reverse);
        normalizeWithMaxScalar(scores, scores, bound, to, max, reverse);
    }

    /** Max of {@code scores} over feasible slots ({@code failBits == 0}), at least 0: kube's maxCount. */
    public static long feasibleMax(final long[] scores, final long[] failBits, final int limit)
    {
        return feasibleMax(scores, failBits, 0, limit);
    }

    /** {@link #feasibleMax} over {@code [from, to)}, both multiples of {@link #LANES}. */
    public static long feasibleMax(final long[] scores, final long[] failBits, final int from, final int to)
    {
        LongVector maxV = LongVector.zero(LONGS);
        for (int i = from; i < to; i += LANES)
        {
            final LongVector feasible = (LongVector)LongVector.fromArray(LONGS, failBits, i)
                .compare(VectorOperators.EQ, 0L).toVector();
            maxV = maxV.max(LongVector.fromArray(LONGS, scores, i).and(feasible));
        }
        return maxV.reduceLanes(VectorOperators.MAX);
    }

    /** Scalar twin of {@link #feasibleMax}. */
    public static long feasibleMaxScalar(final long[] scores, final long[] failBits, final int limit)
    {
        return feasibleMaxScalar(scores, failBits, 0, limit);
    }

    /** Scalar twin of {@link #feasibleMax} over {@code [from, to)}. */
    public static long feasibleMaxScalar(final long[] scores, final long[] failBits, final int from, final int to)
    {
        long max = 0;
        for (int i = from; i < to; i++)
        {
            if (failBits[i] == 0 && scores[i] > max)
            {
                max = scores[i];
            }
        }
        return max;
    }

    /**
     * DefaultNormalizeScore's second half over {@code [from, to)} given the feasible max: reads {@code raw}, writes
     * {@code out}. With max 0 every slot gets 0, or 100 when reversed, as kube.
     */
    public static void normalizeWithMax(
        final long[] raw, final long[] out, final int from, final int to, final long max, final boolean reverse)
    {
        if (max == 0)
        {
            java.util.Arrays.fill(out, from, to, reverse ? MAX_NODE_SCORE : 0);
            return;
        }
        final LongVector maxB = LongVector.broadcast(LONGS, max);
        final DoubleVector inverse = DoubleVector.broadcast(DOUBLES, 1.0 / max);
        final long flip = reverse ? -1L : 0L;
        final long offset = reverse ? MAX_NODE_SCORE + 1 : 0;
        for (int i = from; i < to; i += LANES)
        {
            final LongVector a = LongVector.fromArray(LONGS, raw, i).max(0L).min(maxB).mul(MAX_NODE_SCORE);
            // floorDiv(a, maxB, inverse), written out
            LongVector s = (LongVector)((DoubleVector)a.convert(VectorOperators.L2D, 0)).mul(inverse)
                .convert(VectorOperators.D2L, 0);
            s = s.add((LongVector)s.mul(maxB).compare(VectorOperators.GT, a).toVector());
            s = s.sub((LongVector)s.add(1L).mul(maxB).compare(VectorOperators.LE, a).toVector());
            // reverse: 100 - s == (s ^ -1) + 101; else s: no vector value chosen by a branch
            s.lanewise(VectorOperators.XOR, flip).add(offset).intoArray(out, i);
        }
    }

    /** Scalar twin of {@link #normalizeWithMax}. */
    public static void normalizeWithMaxScalar(
        final long[] raw, final long[] out, final int from, final int to, final long max, final boolean reverse)
    {
        for (int i = from; i < to; i++)
        {
            if (max == 0)
            {
                out[i] = reverse ? MAX_NODE_SCORE : 0;
            }
            else
            {
                final long s = Math.min(Math.max(0, raw[i]), max) * MAX_NODE_SCORE / max;
                out[i] = reverse ? MAX_NODE_SCORE - s : s;
            }
        }
    }

    /** Scalar twin of {@link #defaultNormalize}. */
    public static void defaultNormalizeScalar(final long[] scores, final long[] failBits, final int limit, final boolean reverse)
    {
        defaultNormalizeScalar(scores, failBits, 0, limit, reverse);
    }

    /** Scalar twin of {@link #defaultNormalize} over {@code [from, to)}. */
    public static void defaultNormalizeScalar(
        final long[] scores, final long[] failBits, final int from, final int to, final boolean reverse)
    {
        normalizeWithMaxScalar(scores, scores, from, to, feasibleMaxScalar(scores, failBits, from, to), reverse);
    }
}
