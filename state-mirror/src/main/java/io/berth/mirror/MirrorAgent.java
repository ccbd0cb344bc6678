package io.berth.mirror;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;

/**
 * The mirror's duty cycle: apply up to {@code applyLimit} events, and commit the checkpoint every
 * {@code checkpointIntervalNs} of the injected clock. The scheduler agent runs the same steps before placing pods,
 * which keeps the tables' writer and reader one thread.
 */
public final class MirrorAgent implements Agent
{
    /** Events applied per duty cycle by default. */
    public static final int APPLY_LIMIT_DEFAULT = 4096;

    private final Mirror mirror;
    private final NanoClock clock;
    private final long checkpointIntervalNs;
    private final int applyLimit;
    private long nextCheckpointNs;
    private boolean mirrorStarted;
    public MirrorAgent(final Mirror mirror, final MirrorContext context, final int applyLimit)
    {
        this.mirror = mirror;
        this.clock = context.clock();
        this.checkpointIntervalNs = context.checkpointIntervalNs();
        this.applyLimit = applyLimit;
        this.nextCheckpointNs = clock.nanoTime() + checkpointIntervalNs;
    }

    @Override
    public void onStart()
    {
        if (!mirrorStarted)
        {
            mirror.start();
            mirrorStarted = true;
        }
    }

    /** For a mirror already started by the caller. */
    public MirrorAgent alreadyStarted()
    {
        mirrorStarted = true;
        return this;
    }

    @Override
    public int doWork()
    {
        int work = mirror.poll(applyLimit);
        final long now = clock.nanoTime();
        if (now - nextCheckpointNs >= 0)
        {
            mirror.checkpoint();
            nextCheckpointNs = now + checkpointIntervalNs;
            work++;
        }
        return work;
    }

    @Override
    public void onClose()
    {
        mirror.close();
    }

    @Override
    public String roleName()
    {
        return "berth-mirror";
    }
}
