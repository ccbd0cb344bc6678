package io.berth.sched.queue;

import io.berth.sched.model.PodObject;
import io.berth.sched.model.PriorityClass;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.berth.sched.queue.ManualClock.MINUTE;
import static io.berth.sched.queue.ManualClock.MS;
import static io.berth.sched.queue.ManualClock.SECOND;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchedulingQueueTest
{
    private static final SchedulingQueueConfig EXACT = SchedulingQueueConfig.DEFAULT.withPopFromBackoffQ(false);

    private final ManualClock clock = new ManualClock(1_000 * SECOND);

    private SchedulingQueue queue(final SchedulingQueueConfig config)
    {
        return new SchedulingQueue(config, PriorityClasses.NONE, clock);
    }

    private static PodObject pod(final String name, final int priority, final long creationMs)
    {
        return PodObject.builder("default", name).priority(priority).creationTimestampMs(creationMs).build();
    }

    private static PodObject pod(final String name)
    {
        return pod(name, 0, 0);
    }

    private static List<String> popAll(final SchedulingQueue q)
    {
        final List<String> names = new ArrayList<>();
        for (PodObject p = q.pop(); p != null; p = q.pop())
        {
            names.add(p.name());
            q.done(p.key());
        }
        return names;
    }

    private QueuedPodInfo.Queue where(final SchedulingQueue q, final String name)
    {
        return q.info("default/" + name).queue();
    }

    @Test
    void popsByPriorityThenCreationTimeAmongPodsAddedTogether()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("low-old", 1, 100));
        q.add(pod("high-new", 10, 300));
        q.add(pod("low-new", 1, 200));
        q.add(pod("high-old", 10, 50));
        q.add(pod("mid", 5, 0));

        assertThat(q.activeSize()).isEqualTo(5);
        assertThat(popAll(q)).containsExactly("high-old", "high-new", "mid", "low-old", "low-new");
        assertThat(q.pop()).isNull();
        assertThat(q.schedulingCycle()).isEqualTo(5);
    }

    @Test
    void ordersEqualPrioritiesByQueueTimestampBeforeCreationTime()
    {
        // kube's PrioritySort compares QueuedPodInfo.Timestamp: when the pod entered the queue.
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("created-late-queued-first", 0, 900));
        clock.advance(MS);
        q.add(pod("created-early-queued-later", 0, 100));

        assertThat(popAll(q)).containsExactly("created-late-queued-first", "created-early-queued-later");
    }

    @Test
    void breaksFullTiesByInsertionOrder()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        for (int i = 0; i < 20; i++)
        {
            q.add(pod("p" + i));
        }
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 20; i++)
        {
            expected.add("p" + i);
        }
        assertThat(popAll(q)).isEqualTo(expected);
    }

    @Test
    void backoffDoublesFromTheFailureAndCapsAtTheMaximum()
    {
        final SchedulingQueue q = queue(EXACT);
        q.add(pod("p"));
        final long[] expectedSeconds = {1, 2, 4, 8, 10, 10, 10};
        for (int k = 0; k < expectedSeconds.length; k++)
        {
            final PodObject p = q.pop();
            assertThat(p).isNotNull();
            assertThat(q.info(p.key()).attempts()).isEqualTo(k + 1);
            clock.advance(100 * MS);
            final long failedAt = clock.getAsLong();
            assertThat(q.requeueUnschedulable(p)).isTrue();
            assertThat(where(q, "p")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);

            q.onClusterEvent(ClusterEvent.NODE_ADD);
            final QueuedPodInfo info = q.info(p.key());
            assertThat(info.queue()).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
            assertThat(info.timestampNs()).isEqualTo(failedAt);
            assertThat(info.backoffExpiryNs()).isEqualTo(failedAt + expectedSeconds[k] * SECOND);
            assertThat(q.nextFlushNs()).isEqualTo(failedAt + expectedSeconds[k] * SECOND);

            clock.set(failedAt + expectedSeconds[k] * SECOND - 1);
            assertThat(q.pop()).isNull();
            clock.advance(1);
        }
    }

    @Test
    void backoffDurationFormula()
    {
        final SchedulingQueueConfig c = SchedulingQueueConfig.DEFAULT;
        assertThat(c.backoffNs(0)).isZero();
        assertThat(c.backoffNs(1)).isEqualTo(SECOND);
        assertThat(c.backoffNs(2)).isEqualTo(2 * SECOND);
        assertThat(c.backoffNs(3)).isEqualTo(4 * SECOND);
        assertThat(c.backoffNs(4)).isEqualTo(8 * SECOND);
        assertThat(c.backoffNs(5)).isEqualTo(10 * SECOND);
        assertThat(c.backoffNs(Integer.MAX_VALUE)).isEqualTo(10 * SECOND);
        final SchedulingQueueConfig huge = new SchedulingQueueConfig(Long.MAX_VALUE / 3, Long.MAX_VALUE, 1, false);
        assertThat(huge.backoffNs(2)).isEqualTo(Long.MAX_VALUE / 3 * 2);
        assertThat(huge.backoffNs(3)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void popFromBackoffQAlignsExpiriesToWholeSecondsAndPopsBackoffWhenActiveIsEmpty()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        clock.set(10 * SECOND + 300 * MS);
        q.add(pod("a"));
        final PodObject a = q.pop();
        q.requeueUnschedulable(a);
        q.onClusterEvent(ClusterEvent.NODE_UPDATE);
        // 10.3 s + 1 s = 11.3 s, truncated to 11 s; backing off while the current second is 11 s or earlier.
        assertThat(q.info(a.key()).backoffExpiryNs()).isEqualTo(11 * SECOND);
        assertThat(where(q, "a")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
        assertThat(q.nextFlushNs()).isEqualTo(12 * SECOND);

        clock.set(10 * SECOND + 500 * MS);
        q.add(pod("b"));
        assertThat(q.pop().name()).isEqualTo("b"); // activeQ first
        q.done("default/b");

        clock.set(11 * SECOND + 900 * MS);
        q.flush();
        assertThat(where(q, "a")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
        assertThat(q.activeSize()).isZero();
        final PodObject early = q.pop(); // activeQ empty: backoffQ's head, still backing off
        assertThat(early.name()).isEqualTo("a");
        assertThat(q.info(a.key()).attempts()).isEqualTo(2);
    }

    @Test
    void popFromBackoffQFlushesWholeSecondWindows()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        clock.set(10 * SECOND + 300 * MS);
        q.add(pod("a"));
        q.requeueUnschedulable(q.pop());
        q.onClusterEvent(ClusterEvent.NODE_UPDATE);
        q.add(pod("keeps-active-busy", 100, 0));

        clock.set(12 * SECOND - 1);
        q.flush();
        assertThat(where(q, "a")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
        clock.set(12 * SECOND);
        q.flush();
        assertThat(where(q, "a")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
    }

    @Test
    void backoffQOrdersEqualExpiriesByPriorityWithPopFromBackoffQ()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        clock.set(20 * SECOND);
        q.add(pod("low", 1, 0));
        q.add(pod("high", 9, 0));
        final PodObject first = q.pop();
        clock.advance(100 * MS);
        final PodObject second = q.pop();
        assertThat(first.name()).isEqualTo("high");
        clock.advance(100 * MS);
        q.requeueUnschedulable(second);
        clock.advance(100 * MS);
        q.requeueUnschedulable(first);
        q.onClusterEvent(ClusterEvent.ASSIGNED_POD_DELETE);
        assertThat(q.backoffSize()).isEqualTo(2);
        // Both expire in the 21 s window, low a little earlier: backoffQ pops them as activeQ would, high first.
        assertThat(popAll(q)).containsExactly("high", "low");
    }

    @Test
    void errorBackoffIsNeverPoppedEarly()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        clock.set(20 * SECOND);
        q.add(pod("p"));
        final PodObject p = q.pop();
        assertThat(q.requeueAfterError(p)).isTrue();
        assertThat(where(q, "p")).isEqualTo(QueuedPodInfo.Queue.ERROR_BACKOFF);
        assertThat(q.backoffSize()).isEqualTo(1);

        clock.set(21 * SECOND + 500 * MS);
        assertThat(q.pop()).isNull();
        clock.set(22 * SECOND);
        assertThat(q.pop()).isEqualTo(p);
    }

    @Test
    void errorBackoffWithoutAlignment()
    {
        final SchedulingQueue q = queue(EXACT);
        q.add(pod("p"));
        final PodObject p = q.pop();
        final long failedAt = clock.getAsLong();
        q.requeueAfterError(p);
        clock.advance(SECOND - 1);
        assertThat(q.pop()).isNull();
        clock.advance(1);
        assertThat(q.pop()).isEqualTo(p);
        assertThat(q.info(p.key()).timestampNs()).isEqualTo(failedAt);
    }

    @Test
    void unschedulablePodWaitsForAnEvent()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("p"));
        q.requeueUnschedulable(q.pop());
        for (int i = 0; i < 4; i++)
        {
            clock.advance(MINUTE);
            assertThat(q.pop()).isNull();
        }
        assertThat(q.unschedulableSize()).isEqualTo(1);
        assertThat(q.pendingSize()).isEqualTo(1);
        assertThat(q.inFlightSize()).isZero();
    }

    @ParameterizedTest
    @EnumSource(ClusterEvent.class)
    void everyEventMovesUnschedulablePodsBack(final ClusterEvent event)
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("backed-off"));
        q.add(pod("still-backing-off"));
        q.requeueUnschedulable(q.pop());
        clock.advance(30 * SECOND);
        q.requeueUnschedulable(q.pop());
        assertThat(q.unschedulableSize()).isEqualTo(2);

        q.onClusterEvent(event);
        assertThat(q.unschedulableSize()).isZero();
        assertThat(where(q, "backed-off")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
        assertThat(where(q, "still-backing-off")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
    }

    @Test
    void anEventWhileInFlightSendsTheFailedPodToBackoff()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("p"));
        final PodObject p = q.pop();
        q.onClusterEvent(ClusterEvent.NODE_ADD);
        q.requeueUnschedulable(p);
        assertThat(where(q, "p")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);

        // The next attempt sees no event: unschedulablePods.
        clock.advance(MINUTE);
        q.flush();
        final PodObject again = q.pop();
        q.requeueUnschedulable(again);
        assertThat(where(q, "p")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
    }

    @Test
    void anUpdateOfThePodWhileInFlightSendsItToBackoffButAStatusChangeDoesNot()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("a"));
        q.add(pod("b"));
        final PodObject a = q.pop();
        final PodObject b = q.pop();
        assertThat(q.update(a.toBuilder().labels(Map.of("app", "web")).build())).isTrue();
        q.update(b.toBuilder().nominatedNodeName("n1").phase("Pending").build());
        q.requeueUnschedulable(a);
        q.requeueUnschedulable(b);
        assertThat(where(q, "a")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
        assertThat(q.info(a.key()).pod().labels()).containsEntry("app", "web");
        assertThat(where(q, "b")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(q.info(b.key()).pod().nominatedNodeName()).isEqualTo("n1");
    }

    @Test
    void podsUnschedulableForLongerThanFiveMinutesAreFlushed()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("p"));
        final PodObject p = q.pop();
        final long failedAt = clock.getAsLong();
        q.requeueUnschedulable(p);
        assertThat(q.nextFlushNs()).isEqualTo(failedAt + 5 * MINUTE + 1);

        clock.set(failedAt + 5 * MINUTE);
        assertThat(q.pop()).isNull(); // kube moves pods in for strictly longer than the limit
        assertThat(where(q, "p")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        clock.advance(1);
        assertThat(q.pop()).isEqualTo(p);
        assertThat(q.info(p.key()).attempts()).isEqualTo(2);
    }

    @Test
    void explicitFlushMovesOnlyPodsPastTheLimit()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("old"));
        q.add(pod("young"));
        q.requeueUnschedulable(q.pop());
        clock.advance(2 * MINUTE);
        q.requeueUnschedulable(q.pop());
        clock.advance(3 * MINUTE + 1);
        q.flush();
        assertThat(where(q, "old")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
        assertThat(where(q, "young")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        assertThat(q.nextFlushNs()).isEqualTo(clock.getAsLong() - 3 * MINUTE - 1 + 5 * MINUTE + 1);
    }

    @Test
    void flushedPodStillBackingOffGoesToBackoff()
    {
        final SchedulingQueue q = queue(EXACT.withMaxInUnschedulableNs(2 * SECOND));
        q.add(pod("p"));
        for (int i = 0; i < 3; i++)
        {
            final PodObject p = q.pop();
            q.requeueAfterError(p);
            clock.advance(MINUTE);
        }
        final PodObject p = q.pop(); // 4th attempt: 8 s backoff
        q.requeueUnschedulable(p);
        clock.advance(2 * SECOND + 1);
        q.flush();
        assertThat(where(q, "p")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
    }

    @Test
    void gatedPodsAreHeldUntilEveryGateIsRemoved()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        final PodObject gated = PodObject.builder("default", "g").schedulingGates(List.of("a", "b")).build();
        q.add(gated);
        assertThat(where(q, "g")).isEqualTo(QueuedPodInfo.Queue.GATED);
        assertThat(q.gatedSize()).isEqualTo(1);
        assertThat(q.activeSize()).isZero();
        assertThat(q.pop()).isNull();

        clock.advance(10 * MINUTE);
        q.onClusterEvent(ClusterEvent.NODE_ADD);
        q.flush();
        assertThat(q.pop()).isNull();
        assertThat(where(q, "g")).isEqualTo(QueuedPodInfo.Queue.GATED);

        q.update(gated.toBuilder().schedulingGates(List.of("b")).build());
        assertThat(where(q, "g")).isEqualTo(QueuedPodInfo.Queue.GATED);
        q.update(gated.toBuilder().schedulingGates(List.of()).build());
        assertThat(where(q, "g")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
        assertThat(q.gatedSize()).isZero();
        final PodObject popped = q.pop();
        assertThat(popped.name()).isEqualTo("g");
        assertThat(q.info(popped.key()).attempts()).isEqualTo(1);
        assertThat(q.info(popped.key()).initialAttemptTimestampNs()).isEqualTo(clock.getAsLong());
    }

    @Test
    void resolvesPrioritiesFromClassesOnAdd()
    {
        final PriorityClasses classes = PriorityClasses.of(List.of(
            new PriorityClass("low", 5, true, "Never"),
            new PriorityClass("high", 1000, false, "")));
        final SchedulingQueue q = new SchedulingQueue(SchedulingQueueConfig.DEFAULT, classes, clock);
        q.add(PodObject.builder("default", "default-class").build());
        q.add(PodObject.builder("default", "high").priorityClassName("high").build());
        q.add(PodObject.builder("default", "unknown").priorityClassName("nope").build());
        q.add(PodObject.builder("default", "own").priorityClassName("high").priority(7).build());
        q.add(PodObject.builder("default", "critical").priorityClassName("system-node-critical").build());

        assertThat(q.info("default/unknown").unknownPriorityClass()).isTrue();
        assertThat(q.info("default/high").unknownPriorityClass()).isFalse();
        assertThat(q.unknownPriorityClassPods()).isEqualTo(1);

        final List<PodObject> popped = new ArrayList<>();
        for (PodObject p = q.pop(); p != null; p = q.pop())
        {
            popped.add(p);
        }
        assertThat(popped).extracting(PodObject::name)
            .containsExactly("critical", "high", "own", "default-class", "unknown");
        assertThat(popped).extracting(PodObject::priority).containsExactly(2_000_001_000, 1000, 7, 5, 0);
        assertThat(popped).allMatch(PodObject::hasPriority);
        final PodObject defaulted = popped.get(3);
        assertThat(defaulted.priorityClassName()).isEqualTo("low");
        assertThat(defaulted.preemptionPolicy()).isEqualTo("Never");
        assertThat(popped.get(1).preemptionPolicy()).isEqualTo("PreemptLowerPriority");
        assertThat(popped.get(4).preemptionPolicy()).isEqualTo("PreemptLowerPriority");
    }

    @Test
    void updateReordersActiveAndBackoffPods()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("a", 1, 0));
        q.add(pod("b", 2, 0));
        q.add(pod("c", 3, 0));
        q.update(pod("a", 4, 0));
        q.update(pod("c", 0, 0));
        assertThat(q.info("default/a").priority()).isEqualTo(4);
        assertThat(popAll(q)).containsExactly("a", "b", "c");
    }

    @Test
    void updateOfAnUnschedulablePodMovesItUnlessOnlyItsStatusChanged()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("spec"));
        q.add(pod("status"));
        final PodObject spec = q.pop();
        final PodObject status = q.pop();
        q.requeueUnschedulable(spec);
        q.requeueUnschedulable(status);

        q.update(status.toBuilder().phase("Pending").startTimeMs(5).build());
        assertThat(where(q, "status")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        q.update(spec.toBuilder().labels(Map.of("x", "y")).build());
        assertThat(where(q, "spec")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
        clock.advance(MINUTE);
        q.update(status.toBuilder().tolerations(List.of()).nodeSelector(Map.of("k", "v")).build());
        assertThat(where(q, "status")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
    }

    @Test
    void deleteRemovesAPodFromEverySubQueue()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("unschedulable"));
        q.add(pod("backoff"));
        q.add(pod("flight"));
        q.requeueUnschedulable(q.pop());
        q.onClusterEvent(ClusterEvent.NODE_ADD); // unschedulable -> backoff
        final PodObject backoffPod = q.info("default/unschedulable").pod();
        assertThat(where(q, "unschedulable")).isEqualTo(QueuedPodInfo.Queue.BACKOFF);
        q.requeueUnschedulable(q.pop()); // "backoff" in flight with no event -> unschedulable
        assertThat(where(q, "backoff")).isEqualTo(QueuedPodInfo.Queue.UNSCHEDULABLE);
        final PodObject flight = q.pop();
        assertThat(flight.name()).isEqualTo("flight");
        q.add(pod("active"));
        q.add(PodObject.builder("default", "gated").schedulingGates(List.of("g")).build());
        assertThat(q.pendingSize()).isEqualTo(4);
        assertThat(q.inFlightSize()).isEqualTo(1);

        for (final String name : List.of("unschedulable", "backoff", "flight", "active", "gated"))
        {
            assertThat(q.delete("default/" + name)).as(name).isTrue();
            assertThat(q.contains("default/" + name)).isFalse();
        }
        assertThat(q.delete("default/active")).isFalse();
        assertThat(q.pendingSize()).isZero();
        assertThat(q.inFlightSize()).isZero();
        assertThat(q.requeueUnschedulable(flight)).isFalse();
        assertThat(q.requeueAfterError(backoffPod)).isFalse();
        assertThat(q.pop()).isNull();
    }

    @Test
    void doneForgetsOnlyPodsInFlight()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        q.add(pod("a"));
        q.add(pod("b"));
        final PodObject a = q.pop();
        assertThat(q.done("default/b")).isFalse(); // still in activeQ
        assertThat(q.done(a.key())).isTrue();
        assertThat(q.contains(a.key())).isFalse();
        assertThat(q.info(a.key())).isNull();
        assertThat(q.done(a.key())).isFalse();
        assertThat(q.requeueUnschedulable(a)).isFalse();
        assertThat(q.requeueUnschedulable(pod("b"))).isFalse(); // not in flight
        assertThat(where(q, "b")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
    }

    @Test
    void boundAndTerminalPodsAreNotQueued()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        assertThat(q.add(pod("bound").withNodeName("n1"))).isFalse();
        assertThat(q.add(pod("done").toBuilder().phase("Succeeded").build())).isFalse();
        assertThat(q.contains("default/bound")).isFalse();

        q.add(pod("p"));
        assertThat(q.update(pod("p").withNodeName("n1"))).isFalse();
        assertThat(q.contains("default/p")).isFalse();
        assertThat(q.activeSize()).isZero();
    }

    @Test
    void addOfAKnownPodUpdatesItAndUpdateOfAnUnknownPodAddsIt()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        assertThat(q.update(pod("new", 3, 0))).isTrue();
        assertThat(where(q, "new")).isEqualTo(QueuedPodInfo.Queue.ACTIVE);
        assertThat(q.add(pod("new", 9, 0))).isTrue();
        assertThat(q.activeSize()).isEqualTo(1);
        assertThat(q.info("default/new").priority()).isEqualTo(9);
    }

    @Test
    void reusesSlotsAndGrowsPastItsInitialCapacity()
    {
        final SchedulingQueue q = queue(SchedulingQueueConfig.DEFAULT);
        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 1000; i++)
            {
                q.add(pod("p" + i, i % 7, 1000 - i));
            }
            assertThat(q.activeSize()).isEqualTo(1000);
            int lastPriority = Integer.MAX_VALUE;
            long lastCreation = Long.MIN_VALUE;
            int popped = 0;
            for (PodObject p = q.pop(); p != null; p = q.pop())
            {
                if (p.priority() != lastPriority)
                {
                    assertThat(p.priority()).isLessThan(lastPriority);
                    lastPriority = p.priority();
                    lastCreation = Long.MIN_VALUE;
                }
                assertThat(p.creationTimestampMs()).isGreaterThan(lastCreation);
                lastCreation = p.creationTimestampMs();
                if (popped++ % 2 == 0)
                {
                    q.done(p.key());
                }
                else
                {
                    q.delete(p.key());
                }
            }
            assertThat(popped).isEqualTo(1000);
            assertThat(q.pendingSize() + q.inFlightSize()).isZero();
        }
    }

    @Test
    void nextFlushIsTheEarliestPendingMove()
    {
        final SchedulingQueue q = queue(EXACT);
        assertThat(q.nextFlushNs()).isEqualTo(Long.MAX_VALUE);
        q.add(pod("a"));
        q.add(pod("b"));
        final PodObject a = q.pop();
        final PodObject b = q.pop();
        final long t = clock.getAsLong();
        q.requeueUnschedulable(a);
        assertThat(q.nextFlushNs()).isEqualTo(t + 5 * MINUTE + 1);
        q.requeueAfterError(b);
        assertThat(q.nextFlushNs()).isEqualTo(t + SECOND);
    }

    @Test
    void validatesItsConfiguration()
    {
        assertThat(SchedulingQueueConfig.DEFAULT.initialBackoffNs()).isEqualTo(SECOND);
        assertThat(SchedulingQueueConfig.DEFAULT.maxBackoffNs()).isEqualTo(10 * SECOND);
        assertThat(SchedulingQueueConfig.DEFAULT.maxInUnschedulableNs()).isEqualTo(5 * MINUTE);
        assertThat(SchedulingQueueConfig.DEFAULT.popFromBackoffQ()).isTrue();
        assertThatThrownBy(() -> SchedulingQueueConfig.DEFAULT.withInitialBackoffNs(0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SchedulingQueueConfig.DEFAULT.withMaxBackoffNs(SECOND - 1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SchedulingQueueConfig.DEFAULT.withMaxInUnschedulableNs(0))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SchedulingQueue(null, PriorityClasses.NONE, clock))
            .isInstanceOf(NullPointerException.class);
    }
}
