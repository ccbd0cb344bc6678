package io.berth.perf.replay;

import org.agrona.ErrorHandler;

import io.berth.sched.queue.SchedulingQueueConfig;

/**
 * Settings of a {@link ReplayDriver}, defaults in one place, validated once by {@link #conclude()}.
 * <ul>
 * <li>{@code speed}: 0 (default) replays in virtual time as fast as possible; N &gt; 0 replays in scaled real time,
 * virtual time running N times as fast as the wall clock, through an embedded store, the mirror and the scheduler
 * agent ({@link PipelineRun}).</li>
 * <li>{@code samples} [200]: points of the time series, evenly spread over the trace's span.</li>
 * <li>{@code seed} [1]: the engines' tie-break seed (every profile gets the same).</li>
 * <li>{@code parallelProfiles} [false]: one thread per profile instead of one profile after the other.</li>
 * <li>{@code queueConfig} [kube's defaults: backoff 1 s doubling to 10 s, 5 min unschedulable flush].</li>
 * <li>{@code vector} [true]: Vector API passes, or the scalar reference twins.</li>
 * <li>{@code scalarWarmupNodeCycles} [{@value #DEFAULT_SCALAR_WARMUP_NODE_CYCLES}]: with the vector passes, each
 * engine runs the scalar twins until its cycles have swept this many node slots (see
 * {@code SchedulingEngine.scalarWarmup}): the same decisions, without paying for interpreted vector code in a short
 * replay; 0 starts vectorised.</li>
 * <li>{@code vectorWarmupCycles} [{@value #DEFAULT_VECTOR_WARMUP_CYCLES}]: when a replay will sweep more node
 * slots than the scalar warm-up (pods times nodes), a side thread runs this many cycles of the vector passes on a
 * small private engine ({@code VectorWarmup}) and the engines stay scalar until it is done, so they switch to
 * passes C2 has compiled instead of interpreted ones; 0 turns it off (the node-slot budget alone decides).</li>
 * <li>{@code keepPods} [false]: bound pods are never deleted after their run time (trace deletions still apply):
 * pods arrive and stay until the cluster is full, as the GPU-fragmentation paper replays openb.</li>
 * <li>{@code clock} [{@link ReplayClock#SYSTEM}]: the wall clock, injected by tests.</li>
 * <li>{@code progress} [{@link ReplayProgress#NONE}]: told of each profile's counters while it runs.</li>
 * <li>{@code errorHandler} [a line on standard error]: told of errors on the threads of a scaled-real-time replay
 * (a failed store write, a corrupt value); each is counted and the replay goes on.</li>
 * </ul>
 */
public final class ReplayContext
{
    /** Default points per time series. */
    public static final int DEFAULT_SAMPLES = 200;
    /**
     * Default scalar warm-up: 20 million node slots swept (the openb trace, 1,523 nodes padded to 1,536 and 8,153
     * attempts, stays within it; a 5,000-node replay switches to the vector passes after 4,000 cycles): about where
     * the scalar loops' extra cost per node slot adds up to the vector passes' JIT warm-up (a second or two).
     */
    public static final long DEFAULT_SCALAR_WARMUP_NODE_CYCLES = 20_000_000L;
    /** Default cycles of the side vector warm-up (about what C2 needs to compile every pass on two cores). */
    public static final int DEFAULT_VECTOR_WARMUP_CYCLES = 6_000;
    /** The most points per time series. */
    public static final int MAX_SAMPLES = 100_000;

    private double speed;
    private int samples = DEFAULT_SAMPLES;
    private long seed = 1;
    private boolean parallelProfiles;
    private SchedulingQueueConfig queueConfig = SchedulingQueueConfig.DEFAULT;
    private boolean vector = true;
    private long scalarWarmupNodeCycles = DEFAULT_SCALAR_WARMUP_NODE_CYCLES;
    private int vectorWarmupCycles = DEFAULT_VECTOR_WARMUP_CYCLES;
    private boolean keepPods;
    private ReplayClock clock = ReplayClock.SYSTEM;
    private ReplayProgress progress = ReplayProgress.NONE;
    private ErrorHandler errorHandler = ex -> System.err.println("berth replay: " + ex.getMessage());
    private boolean concluded;

    public ReplayContext speed(final double v)
    {
        speed = v;
        return this;
    }

    public double speed()
    {
        return speed;
    }

    public ReplayContext samples(final int v)
    {
        samples = v;
        return this;
    }

    public int samples()
    {
        return samples;
    }

    public ReplayContext seed(final long v)
    {
        seed = v;
        return this;
    }

    public long seed()
    {
        return seed;
    }

    public ReplayContext parallelProfiles(final boolean v)
    {
        parallelProfiles = v;
        return this;
    }

    public boolean parallelProfiles()
    {
        return parallelProfiles;
    }

    public ReplayContext queueConfig(final SchedulingQueueConfig v)
    {
        queueConfig = v;
        return this;
    }

    public SchedulingQueueConfig queueConfig()
    {
        return queueConfig;
    }

    public ReplayContext vector(final boolean v)
    {
        vector = v;
        return this;
    }

    public boolean vector()
    {
        return vector;
    }

    public ReplayContext scalarWarmupNodeCycles(final long v)
    {
        scalarWarmupNodeCycles = v;
        return this;
    }

    public long scalarWarmupNodeCycles()
    {
        return scalarWarmupNodeCycles;
    }

    public ReplayContext vectorWarmupCycles(final int v)
    {
        vectorWarmupCycles = v;
        return this;
    }

    public int vectorWarmupCycles()
    {
        return vectorWarmupCycles;
    }

    public ReplayContext keepPods(final boolean v)
    {
        keepPods = v;
        return this;
    }

    public boolean keepPods()
    {
        return keepPods;
    }

    public ReplayContext clock(final ReplayClock v)
    {
        clock = v;
        return this;
    }

    public ReplayClock clock()
    {
        return clock;
    }

    public ReplayContext progress(final ReplayProgress v)
    {
        progress = v;
        return this;
    }

    public ReplayProgress progress()
    {
        return progress;
    }

    public ReplayContext errorHandler(final ErrorHandler v)
    {
        errorHandler = v;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * Validates every setting once; later calls do nothing.
     *
     * @throws IllegalArgumentException naming the setting that is out of range.
     */
    public ReplayContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        if (!(speed >= 0) || Double.isInfinite(speed))
        {
            throw new IllegalArgumentException("replay: speed must be 0 (as fast as possible) or a positive factor: " + speed);
        }
        if (samples < 2 || samples > MAX_SAMPLES)
        {
            throw new IllegalArgumentException("replay: samples must be in 2.." + MAX_SAMPLES + ": " + samples);
        }
        if (vectorWarmupCycles < 0)
        {
            throw new IllegalArgumentException("replay: vectorWarmupCycles must be >= 0: " + vectorWarmupCycles);
        }
        if (scalarWarmupNodeCycles < 0)
        {
            throw new IllegalArgumentException("replay: scalarWarmupNodeCycles must be >= 0: " + scalarWarmupNodeCycles);
        }
        if (queueConfig == null || clock == null || progress == null || errorHandler == null)
        {
            throw new IllegalArgumentException("replay: queueConfig, clock, progress and errorHandler must not be null");
        }
        concluded = true;
        return this;
    }
}
