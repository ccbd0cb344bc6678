package io.berth.perf.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import io.berth.perf.trace.Trace;
import io.berth.perf.trace.TraceEvent;
import io.berth.perf.trace.synthetic.SyntheticTrace;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.queue.SchedulingQueueConfig;

/**
 * The queue's hints change no decision: random small traces (5-50 nodes, 200-2,000 pods, priorities, pod
 * deletions, node updates, additions and deletions, bound pods, anti-affinity, zone spread, GPU sharing) replayed
 * with queueing hints and with the exhaustive queue (every event retries every waiting pod) bind every pod to the
 * same node at the same virtual time.
 */
class QueueingHintsEquivalenceTest
{
    private static final int TRACES = 8;

    @Test
    void hintedQueueBindsEveryPodWhereTheExhaustiveQueueDoes()
    {
        long hintedAttempts = 0;
        long exhaustiveAttempts = 0;
        long rounds = 0;
        for (int t = 0; t < TRACES; t++)
        {
            final long seed = 1000 + t;
            final Trace trace = randomTrace(seed);
            final ProfileRun exhaustive = run(trace, false);
            final ReplayResult e = exhaustive.run();
            final ProfileRun hinted = run(trace, true);
            final ReplayResult h = hinted.run();
            final int pods = new TracePlan(trace).podCount;
            for (int id = 0; id < pods; id++)
            {
                assertThat(hinted.boundSlot(id)).as("trace seed %d, pod %d: node", seed, id).isEqualTo(exhaustive.boundSlot(id));
                assertThat(hinted.bindNs(id)).as("trace seed %d, pod %d: bind time", seed, id).isEqualTo(exhaustive.bindNs(id));
            }
            assertThat(h.podsPlaced()).isEqualTo(e.podsPlaced());
            assertThat(h.pendingAtEnd()).isEqualTo(e.pendingAtEnd());
            assertThat(h.virtualEndMs()).isEqualTo(e.virtualEndMs());
            assertThat(h.scheduleAttempts()).isLessThanOrEqualTo(e.scheduleAttempts());
            hintedAttempts += h.scheduleAttempts();
            exhaustiveAttempts += e.scheduleAttempts();
            rounds += hinted.hintedRounds();
        }
        assertThat(rounds).as("the hints booked retries without running them").isPositive();
        assertThat(hintedAttempts).as("the hints saved attempts").isLessThan(exhaustiveAttempts / 2);
    }

    private static ProfileRun run(final Trace trace, final boolean hints)
    {
        final ReplayContext ctx = new ReplayContext().clock(new ManualClock(0)).samples(11)
            .queueConfig(SchedulingQueueConfig.DEFAULT.withQueueingHints(hints));
        return new ProfileRun(new TracePlan(trace), ReplayProfile.defaultProfile(), ctx.conclude());
    }

    /** A synthetic workload on a small cluster, with priorities, deletions, node changes and bound pods mixed in. */
    static Trace randomTrace(final long seed)
    {
        final SplittableRandom rng = new SplittableRandom(seed);
        final int nodes = 5 + rng.nextInt(46);
        final int pods = 200 + rng.nextInt(1801);
        // arrivals faster than the cluster drains them, so that pods wait and events retry them
        final double rate = nodes * (0.5 + rng.nextDouble());
        final Trace base = SyntheticTrace.generate("nodes=" + nodes + ",pods=" + pods + ",seed=" + seed +
            ",ratePerS=" + rate + ",meanRunMs=" + (20_000 + rng.nextInt(60_000)) + ",apps=" + (2 + rng.nextInt(6)) +
            ",antiAffinityFraction=0.15,spreadFraction=0.15,preferredAffinityFraction=0.1,gpuPodFraction=0.15," +
            "gpuNodeFraction=0.2,zones=" + (1 + rng.nextInt(3)));
        final List<NodeObject> baseNodes = base.nodes();
        final List<TraceEvent> events = new ArrayList<>();
        long lastMs = 0;
        for (final TraceEvent e : base.events())
        {
            lastMs = Math.max(lastMs, e.timeMs());
            PodObject pod = e.pod().toBuilder().priority(rng.nextInt(4) == 0 ? 1000 : rng.nextInt(3) * 10).build();
            if (rng.nextInt(40) == 0)
            {
                // created already bound (another scheduler's pod)
                pod = pod.toBuilder().nodeName(baseNodes.get(rng.nextInt(baseNodes.size())).name())
                    .podAntiAffinity(io.berth.sched.model.PodAffinity.NONE).topologySpreadConstraints(List.of()).build();
            }
            events.add(TraceEvent.podCreate(e.timeMs(), pod, e.runMs()));
            if (rng.nextInt(10) == 0)
            {
                events.add(TraceEvent.podDelete(e.timeMs() + rng.nextInt(30_000), pod));
            }
        }
        final int nodeEvents = 3 + rng.nextInt(8);
        for (int i = 0; i < nodeEvents; i++)
        {
            final long at = rng.nextLong(Math.max(1, lastMs));
            final NodeObject n = baseNodes.get(rng.nextInt(baseNodes.size()));
            switch (rng.nextInt(3))
            {
                case 0 -> events.add(TraceEvent.nodeUpsert(at, resized(n, 0.5 + rng.nextDouble())));
                case 1 -> events.add(TraceEvent.nodeDelete(at, n));
                default -> events.add(TraceEvent.nodeUpsert(at, n.toBuilder().name(n.name() + "-new-" + i).build()));
            }
        }
        events.sort(Comparator.comparingLong(TraceEvent::timeMs));
        return new Trace("hints-" + seed, baseNodes, List.copyOf(events), List.of());
    }

    private static NodeObject resized(final NodeObject node, final double factor)
    {
        final ResourceList a = node.allocatable();
        final String[] names = new String[a.size()];
        final long[] values = new long[a.size()];
        for (int i = 0; i < a.size(); i++)
        {
            names[i] = a.name(i);
            values[i] = "cpu".equals(names[i]) ? (long)(a.milliValue(i) * factor) : a.milliValue(i);
        }
        return node.toBuilder().allocatable(new ResourceList(names, values)).build();
    }
}
