package io.berth.sched.table;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StringIntMapProperties
{
    /**
     * Random puts, find + insertAt, removes and gets over a small key space (so keys repeat, runs form and removals
     * shift entries across the table's wrap-around) that includes keys with equal hash codes ("Aa" and "BB" hash
     * alike, so do all their concatenations): the map answers as a {@link HashMap} does after every operation.
     */
    @Property(tries = 200)
    void answersAsAHashMapAfterRandomPutsAndRemoves(@ForAll final long seed, @ForAll @IntRange(min = 1, max = 300) final int keySpace)
    {
        final Random random = new Random(seed);
        final List<String> keys = new ArrayList<>();
        for (int i = 0; i < keySpace; i++)
        {
            keys.add(random.nextInt(3) == 0 ? colliding(random) : "/registry/pods/ns" + random.nextInt(4) + "/p-" + i);
        }
        final StringIntMap map = new StringIntMap(random.nextInt(8));
        final Map<String, Integer> model = new HashMap<>();
        for (int op = 0, n = random.nextInt(2000); op < n; op++)
        {
            // a copy, not the same instance: lookups must compare contents
            final String key = new String(keys.get(random.nextInt(keys.size())));
            final int value = random.nextInt();
            switch (random.nextInt(4))
            {
                case 0 ->
                {
                    map.put(key, value);
                    model.put(key, value);
                }
                case 1 ->
                {
                    final int at = map.find(key);
                    if (at < 0)
                    {
                        map.insertAt(at, key, value);
                        model.put(key, value);
                    }
                    else
                    {
                        assertThat(map.valueAt(at)).isEqualTo(model.get(key));
                    }
                }
                default ->
                {
                    final Integer expected = model.remove(key);
                    assertThat(map.remove(key, Integer.MIN_VALUE)).isEqualTo(expected == null ? Integer.MIN_VALUE : expected);
                }
            }
            assertThat(map.size()).isEqualTo(model.size());
            final String probe = keys.get(random.nextInt(keys.size()));
            assertThat(map.containsKey(probe)).isEqualTo(model.containsKey(probe));
        }
        for (final String key : keys)
        {
            assertThat(map.get(key, Integer.MIN_VALUE)).as(key).isEqualTo(model.getOrDefault(key, Integer.MIN_VALUE));
        }
    }

    @Test
    void anInsertAtAfterTheMapChangedIsRefused()
    {
        final StringIntMap map = new StringIntMap();
        final int at = map.find("a");
        map.put("a", 1);
        assertThatThrownBy(() -> map.insertAt(at, "a", 2)).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("changed since find");
        assertThat(map.get("a", 0)).isEqualTo(1);
    }

    private static String colliding(final Random random)
    {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 4; i++)
        {
            sb.append(random.nextBoolean() ? "Aa" : "BB");
        }
        return sb.toString();
    }
}
