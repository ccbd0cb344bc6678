package io.berth.sched.framework;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import io.berth.sched.model.Container;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.table.NodeTable;

/**
 * {@link PodRequests} keeps the numbers of the last request shapes by the identity of a pod's lists: whatever order
 * pods of shared and unshared shapes come in, and as resources are interned on the way, it answers exactly what a
 * fresh compile answers.
 */
class PodRequestsShapeCacheTest
{
    private static final String[] RESOURCES = {"cpu", "memory", "ephemeral-storage", "nvidia.com/gpu", "example.com/foo",
        "hugepages-2Mi", "example.com/bar"};

    @Property(tries = 300)
    void cachedShapesCompileAsAFreshCompile(@ForAll final long seed)
    {
        final Random random = new Random(seed);
        final NodeTable table = new NodeTable(64);
        final PodRequests cached = new PodRequests(table);
        final List<PodObject> shapes = new ArrayList<>();
        for (int s = 0; s < 7; s++)
        {
            shapes.add(pod(random, s));
        }
        for (int i = 0; i < 60; i++)
        {
            // mostly pods sharing the lists of an earlier one (a workload), sometimes equal lists in new instances
            final PodObject shape = shapes.get(random.nextInt(shapes.size()));
            final PodObject pod = random.nextInt(5) == 0 ?
                shape.toBuilder().containers(new ArrayList<>(shape.containers())).build() :
                PodObject.builder("ns", "p" + i).containers(shape.containers())
                    .initContainers(shape.initContainers()).overhead(shape.overhead()).build();
            if (random.nextInt(10) == 0)
            {
                table.resourceIndexForNode("example.com/new-" + i); // a node brings a resource: ids grow
            }
            cached.compile(pod);
            final PodRequests fresh = new PodRequests(table);
            fresh.compile(pod);
            assertThat(cached.resourceCount()).isEqualTo(fresh.resourceCount());
            for (int k = 0; k < fresh.resourceCount(); k++)
            {
                assertThat(cached.resourceId(k)).isEqualTo(fresh.resourceId(k));
            }
            for (int r = 0; r < table.resources().count() + 2; r++)
            {
                assertThat(cached.request(r)).as("resource %d of pod %d", r, i).isEqualTo(fresh.request(r));
            }
            assertThat(cached.nonZeroMilliCpu()).isEqualTo(fresh.nonZeroMilliCpu());
            assertThat(cached.nonZeroMemory()).isEqualTo(fresh.nonZeroMemory());
            assertThat(cached.isEmpty()).isEqualTo(fresh.isEmpty());
        }
    }

    private static PodObject pod(final Random random, final int s)
    {
        final List<Container> containers = new ArrayList<>();
        for (int c = 0, n = random.nextInt(3); c < n; c++)
        {
            containers.add(new Container("c" + c, "img", resources(random)));
        }
        final List<Container> inits = new ArrayList<>();
        for (int c = 0, n = random.nextInt(2); c < n; c++)
        {
            inits.add(new Container("i" + c, "img", resources(random), List.of(), random.nextBoolean()));
        }
        return PodObject.builder("ns", "shape-" + s).containers(containers).initContainers(inits)
            .overhead(random.nextInt(4) == 0 ? resources(random) : ResourceList.EMPTY).build();
    }

    private static ResourceList resources(final Random random)
    {
        final List<Object> pairs = new ArrayList<>();
        for (final String name : RESOURCES)
        {
            if (random.nextInt(3) == 0)
            {
                pairs.add(name);
                pairs.add((long)(1 + random.nextInt(4000)) * (name.equals("cpu") ? 1 : 1000));
            }
        }
        return ResourceList.ofMilli(pairs.toArray());
    }
}
