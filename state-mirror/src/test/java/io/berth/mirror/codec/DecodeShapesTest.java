package io.berth.mirror.codec;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Toleration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The decoder's shared values: whatever comes in, what comes back is equal to it, and equal inputs share. */
class DecodeShapesTest
{
    @Property(tries = 200)
    void sharedValuesAreAlwaysEqualToWhatWasAskedFor(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final DecodeShapes shapes = new DecodeShapes();
        for (int i = 0; i < 400; i++)
        {
            // few distinct strings and numbers, so that hashes collide and values repeat
            final int n = random.nextInt(4);
            final String[] names = new String[n];
            final long[] values = new long[n];
            final String[] pairs = new String[2 * n];
            final Map<String, String> map = new LinkedHashMap<>();
            for (int k = 0; k < n; k++)
            {
                names[k] = "r" + k + random.nextInt(2);
                values[k] = random.nextInt(3);
                pairs[2 * k] = "k" + k;
                pairs[2 * k + 1] = "v" + random.nextInt(3);
                map.put(pairs[2 * k], pairs[2 * k + 1]);
            }
            final ResourceList resources = shapes.resourceList(names, values, n);
            check(new ResourceList(names.clone(), values.clone()), resources);
            check(map, shapes.stringMap(pairs, n));
            final List<ContainerPort> ports = random.nextBoolean() ? List.of() :
                new ArrayList<>(List.of(new ContainerPort(80, random.nextInt(2), "TCP", "")));
            final String image = random.nextInt(3) == 0 ? null : "img" + random.nextInt(2);
            final boolean always = random.nextBoolean();
            final Container container = shapes.container("c", image, resources, ports, always);
            check(new Container("c", image, resources, ports, always), container);
            final Toleration toleration = shapes.toleration(random.nextBoolean() ? null : "k", "Exists", null,
                random.nextBoolean() ? "NoSchedule" : "");
            check(new Toleration(toleration.key(), "Exists", "", toleration.effect()), toleration);
            final Container[] elements = {container, shapes.container("d", "img", ResourceList.EMPTY, List.of(), false)};
            final int size = random.nextInt(3);
            final List<Container> list = shapes.list(elements, size);
            check(List.of(elements).subList(0, size), list);
            final String quantity = "1" + random.nextInt(3) + "m";
            final long milli = shapes.quantity(quantity);
            if (milli != Long.MIN_VALUE)
            {
                assertThat(milli).isEqualTo(10 + quantity.charAt(1) - '0');
            }
            shapes.quantity(quantity, 10 + quantity.charAt(1) - '0');
        }
        // values asked for twice in a row come back as one instance
        final ResourceList a = shapes.resourceList(new String[] {"cpu"}, new long[] {5}, 1);
        assertThat(shapes.resourceList(new String[] {"cpu"}, new long[] {5}, 1)).isSameAs(a);
        final Map<String, String> m = shapes.stringMap(new String[] {"app", "web"}, 1);
        assertThat(shapes.stringMap(new String[] {"app", "web"}, 1)).isSameAs(m).isEqualTo(Map.of("app", "web"));
    }

    private static void check(final Object wanted, final Object got)
    {
        assertThat(got).isEqualTo(wanted);
        assertThat(got.hashCode()).isEqualTo(wanted.hashCode());
    }
}
