package io.berth.mirror.scheduler;

import io.berth.mirror.MirrorContext;
import io.berth.mirror.TableChangeListener;
import io.berth.sched.queue.SchedulingQueueConfig;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/** Settings of a {@link SchedulerAgent}, with their defaults in one place; {@link #conclude()} validates them once. */
public final class SchedulerContext
{
    /** Watch events applied per duty cycle. */
    public static final int APPLY_LIMIT_DEFAULT = 4096;
    /** Pods popped and scheduled per duty cycle (each bind is one etcd round trip). */
    public static final int SCHEDULE_LIMIT_DEFAULT = 64;
    public static final long CHECKPOINT_INTERVAL_NS_DEFAULT = MirrorContext.CHECKPOINT_INTERVAL_NS_DEFAULT;
    public static final boolean PREEMPTION_DEFAULT = true;
    public static final long PREEMPTION_SEED_DEFAULT = 1;

    private MirrorContext mirrorContext;
    private int applyLimit = APPLY_LIMIT_DEFAULT;
    private int scheduleLimit = SCHEDULE_LIMIT_DEFAULT;
    private long checkpointIntervalNs = CHECKPOINT_INTERVAL_NS_DEFAULT;
    private boolean preemption = PREEMPTION_DEFAULT;
    private long preemptionSeed = PREEMPTION_SEED_DEFAULT;
    private SchedulingQueueConfig queueConfig = SchedulingQueueConfig.DEFAULT;
    private NanoClock clock;
    private NanoClock cycleClock;
    private TableChangeListener changeObserver;
    private IdleStrategy idleStrategy;
    private SchedulerListener listener;
    private ErrorHandler errorHandler;
    private boolean concluded;

    /** The mirror's settings: its source is also where bindings and preemptions are written. Required. */
    public SchedulerContext mirrorContext(final MirrorContext mirrorContext)
    {
        this.mirrorContext = mirrorContext;
        return this;
    }

    public MirrorContext mirrorContext()
    {
        return mirrorContext;
    }

    public SchedulerContext applyLimit(final int applyLimit)
    {
        this.applyLimit = applyLimit;
        return this;
    }

    public int applyLimit()
    {
        return applyLimit;
    }

    public SchedulerContext scheduleLimit(final int scheduleLimit)
    {
        this.scheduleLimit = scheduleLimit;
        return this;
    }

    public int scheduleLimit()
    {
        return scheduleLimit;
    }

    /** How often the checkpoint (if the mirror has one) is committed, on {@link #clock()}. */
    public SchedulerContext checkpointIntervalNs(final long checkpointIntervalNs)
    {
        this.checkpointIntervalNs = checkpointIntervalNs;
        return this;
    }

    public long checkpointIntervalNs()
    {
        return checkpointIntervalNs;
    }

    /** Whether a pod that fits nowhere may preempt lower-priority pods (kube's DefaultPreemption). */
    public SchedulerContext preemption(final boolean preemption)
    {
        this.preemption = preemption;
        return this;
    }

    public boolean preemption()
    {
        return preemption;
    }

    public SchedulerContext preemptionSeed(final long preemptionSeed)
    {
        this.preemptionSeed = preemptionSeed;
        return this;
    }

    public long preemptionSeed()
    {
        return preemptionSeed;
    }

    /** The queue's backoff timings; default kube's. */
    public SchedulerContext queueConfig(final SchedulingQueueConfig queueConfig)
    {
        this.queueConfig = queueConfig;
        return this;
    }

    public SchedulingQueueConfig queueConfig()
    {
        return queueConfig;
    }

    /** The clock of the queue's backoffs and the checkpoint period; default the system's. */
    public SchedulerContext clock(final NanoClock clock)
    {
        this.clock = clock;
        return this;
    }

    public NanoClock clock()
    {
        return clock;
    }

    /** The clock that times each scheduling cycle for {@link SchedulerListener#onAttempt}; default the system's. */
    public SchedulerContext cycleClock(final NanoClock cycleClock)
    {
        this.cycleClock = cycleClock;
        return this;
    }

    public NanoClock cycleClock()
    {
        return cycleClock;
    }

    /**
     * Told, on the agent's thread, of every change the mirror applies, after the agent has handled it (so the queue
     * already reflects it); default none. Observers read the tables, never write them.
     */
    public SchedulerContext changeObserver(final TableChangeListener changeObserver)
    {
        this.changeObserver = changeObserver;
        return this;
    }

    public TableChangeListener changeObserver()
    {
        return changeObserver;
    }

    /** How the agent's thread idles when a duty cycle did nothing; default a backoff to 1 ms parks. */
    public SchedulerContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }

    /** Told of bindings and preemptions on the agent's thread; default none. */
    public SchedulerContext listener(final SchedulerListener listener)
    {
        this.listener = listener;
        return this;
    }

    public SchedulerListener listener()
    {
        return listener;
    }

    /** Told of errors on the agent's thread (each also counted); default the mirror's error handler. */
    public SchedulerContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** Validates the settings and fills defaults; called once by the agent. */
    public SchedulerContext conclude()
    {
        if (concluded)
        {
            return this;
        }
        Objects.requireNonNull(mirrorContext, "scheduler: mirrorContext is required");
        Objects.requireNonNull(queueConfig, "scheduler: queueConfig");
        if (applyLimit < 1 || scheduleLimit < 1)
        {
            throw new IllegalArgumentException("scheduler: applyLimit and scheduleLimit must be positive: " +
                applyLimit + ", " + scheduleLimit);
        }
        if (checkpointIntervalNs <= 0)
        {
            throw new IllegalArgumentException("scheduler: checkpointIntervalNs must be positive: " +
                checkpointIntervalNs);
        }
        if (clock == null)
        {
            clock = new SystemNanoClock();
        }
        if (cycleClock == null)
        {
            cycleClock = SystemNanoClock.INSTANCE;
        }
        if (changeObserver == null)
        {
            changeObserver = TableChangeListener.NONE;
        }
        mirrorContext.conclude();
        if (idleStrategy == null)
        {
            idleStrategy = new BackoffIdleStrategy(10, 20, TimeUnit.MICROSECONDS.toNanos(10),
                TimeUnit.MILLISECONDS.toNanos(1));
        }
        if (listener == null)
        {
            listener = SchedulerListener.NONE;
        }
        if (errorHandler == null)
        {
            errorHandler = mirrorContext.errorHandler();
        }
        concluded = true;
        return this;
    }
}
