package io.berth.sched.plugins.podtopologyspread;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.berth.sched.model.LabelSelector;
import io.berth.sched.model.PodObject;

/**
 * The selectors' counts are kept sparse and read through a few dense views, or dense when their pods are spread wide:
 * whatever the order of pods added and removed, selectors interned and columns read (more selectors than views, so
 * views are taken over; selectors turning dense and back), a column read is the count of matching pods per node
 * slot, as a fold over the accounted pods gives it.
 */
class SpreadCountersTest
{
    private static final String[] APPS = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};

    @Property(tries = 100)
    void everyColumnReadIsTheFoldOverTheAccountedPods(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final SpreadCounters counters = new SpreadCounters(16);
        final int slots = 8 + random.nextInt(80);
        counters.ensureCapacity(slots);
        final List<PodObject> accounted = new ArrayList<>();
        final List<Integer> podSlotOf = new ArrayList<>();
        final List<Integer> nodeSlotOf = new ArrayList<>();
        final List<Integer> selectorIds = new ArrayList<>();
        final List<String> selectorApps = new ArrayList<>();
        int nextPodSlot = 0;
        for (int step = 0; step < 500; step++)
        {
            // the first half mostly adds pods (selectors turn dense), the second mostly removes them (and back)
            final int roll = random.nextInt(10);
            final int action = step < 200 || roll < 2 ? roll : roll < 3 ? 5 : roll < 8 ? 7 : 9;
            if (action < 2 || selectorIds.isEmpty())
            {
                final String app = APPS[random.nextInt(APPS.length)];
                final SelectorKey key = new SelectorKey();
                key.reset("default", random.nextInt(4) == 0 ? new LabelSelector(Map.of(), List.of()) :
                    new LabelSelector(Map.of("app", app), List.of()));
                selectorIds.add(counters.intern(key));
                selectorApps.add(key.base().matchLabels().isEmpty() ? null : app);
            }
            else if (action < 6 || accounted.isEmpty())
            {
                final PodObject pod = PodObject.builder(random.nextInt(8) == 0 ? "other" : "default", "p" + step)
                    .labels(Map.of("app", APPS[random.nextInt(APPS.length)])).build();
                final int slot = random.nextInt(slots);
                counters.podAdded(pod, nextPodSlot, slot);
                accounted.add(pod);
                podSlotOf.add(nextPodSlot++);
                nodeSlotOf.add(slot);
            }
            else if (action < 8)
            {
                final int i = random.nextInt(accounted.size());
                counters.podRemoved(accounted.remove(i), podSlotOf.remove(i), nodeSlotOf.remove(i));
            }
            else
            {
                final int s = random.nextInt(selectorIds.size());
                final long[] column = counters.perNode(selectorIds.get(s));
                final long[] expected = new long[slots];
                for (int i = 0; i < accounted.size(); i++)
                {
                    final PodObject pod = accounted.get(i);
                    final String app = selectorApps.get(s);
                    if (pod.namespace().equals("default") && (app == null || app.equals(pod.labels().get("app"))))
                    {
                        expected[nodeSlotOf.get(i)]++;
                    }
                }
                assertThat(java.util.Arrays.copyOf(column, slots)).as("selector %d (app %s), step %d", s,
                    selectorApps.get(s), step).isEqualTo(expected);
                for (int slot = slots; slot < column.length; slot++)
                {
                    assertThat(column[slot]).isZero();
                }
            }
        }
    }
}
