package io.berth.sched.queue;

import io.berth.sched.model.PodObject;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static io.berth.sched.queue.ManualClock.MINUTE;
import static io.berth.sched.queue.ManualClock.MS;
import static io.berth.sched.queue.ManualClock.SECOND;
import static org.assertj.core.api.Assertions.assertThat;

class SchedulingQueuePropertyTest
{
    @Property(tries = 300)
    void podsAddedTogetherPopByPriorityThenCreationThenInsertion(
        @ForAll @Size(max = 200) final List<@IntRange(min = -3, max = 3) Integer> priorities,
        @ForAll final long seed)
    {
        final Random random = new Random(seed);
        final ManualClock clock = new ManualClock(random.nextLong(1L << 40));
        final SchedulingQueue q = new SchedulingQueue(clock);
        final List<PodObject> pods = new ArrayList<>();
        for (int i = 0; i < priorities.size(); i++)
        {
            final PodObject pod = PodObject.builder("ns", "p" + i).priority(priorities.get(i))
                .creationTimestampMs(random.nextInt(20)).build();
            pods.add(pod);
            q.add(pod);
        }
        final List<PodObject> expected = new ArrayList<>(pods);
        expected.sort(Comparator.comparingInt(PodObject::priority).reversed()
            .thenComparingLong(PodObject::creationTimestampMs)); // stable: insertion order breaks ties

        final List<String> popped = new ArrayList<>();
        for (PodObject p = q.pop(); p != null; p = q.pop())
        {
            popped.add(p.key());
            q.done(p.key());
        }
        assertThat(popped).isEqualTo(expected.stream().map(PodObject::key).toList());
    }

    /**
     * Random adds, updates, deletes, failures, events and clock moves: each pod popped from activeQ is never
     * behind a pod left in activeQ in kube's order (priority desc, queue timestamp asc, creation asc), and every
     * pod the test knows of is in exactly one place.
     */
    @Property(tries = 200)
    void popRespectsTheOrderAmongReadyPodsUnderRandomOperations(
        @ForAll final long seed, @ForAll final boolean popFromBackoffQ)
    {
        final Random random = new Random(seed);
        final ManualClock clock = new ManualClock(random.nextLong(1L << 40));
        final SchedulingQueue q = new SchedulingQueue(
            SchedulingQueueConfig.DEFAULT.withPopFromBackoffQ(popFromBackoffQ), PriorityClasses.NONE, clock);
        final Map<String, PodObject> known = new LinkedHashMap<>();
        final List<PodObject> inFlight = new ArrayList<>();
        int next = 0;

        for (int op = 0; op < 400; op++)
        {
            final int kind = random.nextInt(100);
            if (kind < 25)
            {
                final PodObject.Builder b = PodObject.builder("ns", "p" + next++)
                    .priority(random.nextInt(5)).creationTimestampMs(random.nextInt(50));
                if (random.nextInt(10) == 0)
                {
                    b.schedulingGates(List.of("gate"));
                }
                final PodObject pod = b.build();
                q.add(pod);
                known.put(pod.key(), pod);
            }
            else if (kind < 35)
            {
                clock.advance(random.nextInt(20) == 0 ? 6 * MINUTE : random.nextLong(3 * SECOND) + MS);
            }
            else if (kind < 60)
            {
                final PodObject popped = q.pop();
                if (popped != null)
                {
                    checkPoppedIsFirst(q, known, popped);
                    final int fate = random.nextInt(4);
                    switch (fate)
                    {
                        case 0 ->
                        {
                            q.done(popped.key());
                            known.remove(popped.key());
                        }
                        case 1 -> q.requeueUnschedulable(popped);
                        case 2 -> q.requeueAfterError(popped);
                        default -> inFlight.add(popped);
                    }
                }
            }
            else if (kind < 68 && !inFlight.isEmpty())
            {
                final PodObject pod = inFlight.remove(random.nextInt(inFlight.size()));
                if (known.containsKey(pod.key()))
                {
                    assertThat(q.requeueUnschedulable(pod)).isTrue();
                }
                else
                {
                    assertThat(q.requeueUnschedulable(pod)).isFalse();
                }
            }
            else if (kind < 75)
            {
                q.onClusterEvent(ClusterEvent.values()[random.nextInt(ClusterEvent.values().length)]);
            }
            else if (kind < 88 && !known.isEmpty())
            {
                final PodObject old = randomKnown(random, known);
                final PodObject updated = old.toBuilder().priority(random.nextInt(5))
                    .schedulingGates(random.nextBoolean() ? List.of() : old.schedulingGates())
                    .labels(Map.of("v", Integer.toString(random.nextInt(3)))).build();
                assertThat(q.update(updated)).isTrue();
                known.put(updated.key(), updated);
            }
            else if (kind < 94 && !known.isEmpty())
            {
                final PodObject gone = randomKnown(random, known);
                assertThat(q.delete(gone.key())).isTrue();
                known.remove(gone.key());
            }
            else
            {
                q.flush();
            }
            checkAccounting(q, known);
        }
    }

    private static PodObject randomKnown(final Random random, final Map<String, PodObject> known)
    {
        final int index = random.nextInt(known.size());
        int i = 0;
        for (final PodObject pod : known.values())
        {
            if (i++ == index)
            {
                return pod;
            }
        }
        throw new AssertionError();
    }

    private static void checkPoppedIsFirst(
        final SchedulingQueue q, final Map<String, PodObject> known, final PodObject popped)
    {
        final QueuedPodInfo p = q.info(popped.key());
        assertThat(p.queue()).isEqualTo(QueuedPodInfo.Queue.IN_FLIGHT);
        assertThat(popped.schedulingGates()).isEmpty();
        for (final String key : known.keySet())
        {
            final QueuedPodInfo other = q.info(key);
            if (other.queue() != QueuedPodInfo.Queue.ACTIVE)
            {
                continue;
            }
            final boolean otherFirst = other.priority() > p.priority() ||
                (other.priority() == p.priority() && (other.timestampNs() < p.timestampNs() ||
                (other.timestampNs() == p.timestampNs() &&
                other.pod().creationTimestampMs() < p.pod().creationTimestampMs())));
            assertThat(otherFirst).as("%s popped before %s", popped.key(), key).isFalse();
        }
    }

    private static void checkAccounting(final SchedulingQueue q, final Map<String, PodObject> known)
    {
        final int[] counts = new int[QueuedPodInfo.Queue.values().length];
        for (final String key : known.keySet())
        {
            final QueuedPodInfo info = q.info(key);
            assertThat(info).as(key).isNotNull();
            counts[info.queue().ordinal()]++;
            if (info.queue() == QueuedPodInfo.Queue.GATED)
            {
                assertThat(info.pod().schedulingGates()).isNotEmpty();
            }
        }
        assertThat(q.activeSize()).isEqualTo(counts[QueuedPodInfo.Queue.ACTIVE.ordinal()]);
        assertThat(q.backoffSize()).isEqualTo(
            counts[QueuedPodInfo.Queue.BACKOFF.ordinal()] + counts[QueuedPodInfo.Queue.ERROR_BACKOFF.ordinal()]);
        assertThat(q.unschedulableSize()).isEqualTo(counts[QueuedPodInfo.Queue.UNSCHEDULABLE.ordinal()]);
        assertThat(q.gatedSize()).isEqualTo(counts[QueuedPodInfo.Queue.GATED.ordinal()]);
        assertThat(q.inFlightSize()).isEqualTo(counts[QueuedPodInfo.Queue.IN_FLIGHT.ordinal()]);
        assertThat(q.pendingSize() + q.inFlightSize()).isEqualTo(known.size());
    }
}
