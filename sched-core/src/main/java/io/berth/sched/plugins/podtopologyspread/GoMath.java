package io.berth.sched.plugins.podtopologyspread;

/**
 * Go's {@code math.Log} for finite positive normal arguments, operation for operation (the pure Go code and the
 * amd64 assembly compute the same sequence), so that kube's {@code topologyNormalizingWeight} is bit-identical.
 * Java's {@code Math.log} may differ from it in the last place.
 */
final class GoMath
{
    private static final double HALF_SQRT2 = 7.07106781186547524401e-01;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double L1 = 6.666666666666735130e-01;
    private static final double L2 = 3.999999999940941908e-01;
    private static final double L3 = 2.857142874366239149e-01;
    private static final double L4 = 2.222219843214978396e-01;
    private static final double L5 = 1.818357216161805012e-01;
    private static final double L6 = 1.531383769920937332e-01;
    private static final double L7 = 1.479819860511658591e-01;

    private GoMath()
    {
    }

    /** {@code math.Log(x)} for {@code x >= Double.MIN_NORMAL}. */
    static double log(final double x)
    {
        final long bits = Double.doubleToRawLongBits(x);
        // frexp: f1 in [0.5, 1), x = f1 * 2^ki
        double f1 = Double.longBitsToDouble((bits & 0x000FFFFFFFFFFFFFL) | 0x3FE0000000000000L);
        int ki = (int)((bits >>> 52) & 0x7FF) - 0x3FE;
        if (f1 < HALF_SQRT2)
        {
            f1 *= 2;
            ki--;
        }
        final double f = f1 - 1;
        final double k = ki;
        final double s = f / (2 + f);
        final double s2 = s * s;
        final double s4 = s2 * s2;
        final double t1 = s2 * (L1 + s4 * (L3 + s4 * (L5 + s4 * L7)));
        final double t2 = s4 * (L2 + s4 * (L4 + s4 * L6));
        final double r = t1 + t2;
        final double hfsq = 0.5 * f * f;
        return k * LN2_HI - ((hfsq - (s * (hfsq + r) + k * LN2_LO)) - f);
    }
}
