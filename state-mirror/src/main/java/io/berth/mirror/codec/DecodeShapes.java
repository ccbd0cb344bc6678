package io.berth.mirror.codec;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.ResourceList;
import io.berth.sched.model.Toleration;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The immutable parts of decoded objects that pods of one workload share (labels, node selectors, resource lists,
 * containers and their lists, tolerations and their lists, quantities), kept once per decoding thread: a value equal
 * to one the decoder made recently comes back as that instance. Pods of a workload then hold the same instances,
 * which saves the decoder's allocation and the memory the tables keep, and lets the applier recognise an identical
 * request shape by identity. Each cache is direct-mapped (a slot keeps the last value that hashed to it), so a
 * unique value costs a hash and an eviction and nothing grows. Lists are immutable ({@link List#of}), so the model's
 * {@link List#copyOf} keeps them as they are. Not thread-safe.
 */
final class DecodeShapes
{
    private static final int SLOTS = 4096;
    private static final int MASK = SLOTS - 1;

    private final StringArrayMap[] maps = new StringArrayMap[SLOTS];
    private final ResourceList[] resourceLists = new ResourceList[SLOTS];
    private final Container[] containers = new Container[SLOTS];
    /**
     * Lists by slot; an {@code Object[]} so storing a {@code List.of} of another arity (another class) needs no
     * type check (with {@code List<?>[]} C2 speculated on the first class it saw and deoptimized at the next).
     */
    private final Object[] lists = new Object[SLOTS];
    private final Toleration[] tolerations = new Toleration[SLOTS];
    private final String[] quantityTexts = new String[SLOTS];
    private final long[] quantityMilli = new long[SLOTS];

    private static int slot(final int hash)
    {
        final int h = hash * 0x9E3779B9;
        return (h ^ h >>> 16) & MASK;
    }

    // ---------------------------------------------------------------- string maps

    /**
     * The map of the first {@code n} pairs of {@code pairs} ({@code k0, v0, k1, v1, ...}, distinct keys, in order):
     * an empty map, a shared {@link StringArrayMap}, or for large maps an unmodifiable hash map.
     */
    Map<String, String> stringMap(final String[] pairs, final int n)
    {
        if (n == 0)
        {
            return StringMaps.empty();
        }
        if (n > StringArrayMap.MAX_ENTRIES)
        {
            final LinkedHashMap<String, String> map = new LinkedHashMap<>((int)(n / 0.75f) + 1);
            for (int i = 0; i < 2 * n; i += 2)
            {
                map.put(pairs[i], pairs[i + 1]);
            }
            return StringMaps.large(map);
        }
        final int hash = StringArrayMap.hashOf(pairs, n);
        final int s = slot(hash);
        final StringArrayMap cached = maps[s];
        if (cached != null && cached.hashCode() == hash && cached.sameAs(pairs, n))
        {
            return cached;
        }
        final StringArrayMap made = new StringArrayMap(Arrays.copyOf(pairs, 2 * n), hash);
        maps[s] = made;
        return made;
    }

    // ---------------------------------------------------------------- resources and quantities

    /** The resource list of the first {@code n} names and values (distinct names). */
    ResourceList resourceList(final String[] names, final long[] values, final int n)
    {
        int hash = n;
        for (int i = 0; i < n; i++)
        {
            hash = 31 * (31 * hash + names[i].hashCode()) + Long.hashCode(values[i]);
        }
        final int s = slot(hash);
        final ResourceList cached = resourceLists[s];
        if (cached != null && sameResources(cached, names, values, n))
        {
            return cached;
        }
        final ResourceList made = new ResourceList(Arrays.copyOf(names, n), Arrays.copyOf(values, n));
        resourceLists[s] = made;
        return made;
    }

    /** {@code list}, or an equal one made earlier. */
    ResourceList resourceList(final ResourceList list)
    {
        final int n = list.size();
        int hash = n;
        for (int i = 0; i < n; i++)
        {
            hash = 31 * (31 * hash + list.name(i).hashCode()) + Long.hashCode(list.milliValue(i));
        }
        final int s = slot(hash);
        final ResourceList cached = resourceLists[s];
        if (cached != null && cached.equals(list))
        {
            return cached;
        }
        resourceLists[s] = list;
        return list;
    }

    private static boolean sameResources(final ResourceList list, final String[] names, final long[] values, final int n)
    {
        if (list.size() != n)
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            if (list.milliValue(i) != values[i] || !list.name(i).equals(names[i]))
            {
                return false;
            }
        }
        return true;
    }

    /** The milli-units cached for this exact quantity text, or {@link Long#MIN_VALUE}. */
    long quantity(final String text)
    {
        final int s = slot(text.hashCode());
        final String cached = quantityTexts[s];
        return cached != null && (cached == text || cached.equals(text)) ? quantityMilli[s] : Long.MIN_VALUE;
    }

    /** Remembers a quantity text that parsed to {@code milli} (valid: non-negative). */
    void quantity(final String text, final long milli)
    {
        final int s = slot(text.hashCode());
        quantityTexts[s] = text;
        quantityMilli[s] = milli;
    }

    // ---------------------------------------------------------------- containers and tolerations

    /** A container with these fields ({@code requests} from {@link #resourceList}; {@code ports} immutable). */
    Container container(
        final String name, final String image, final ResourceList requests, final List<ContainerPort> ports,
        final boolean restartPolicyAlways)
    {
        final String n = name == null ? "" : name;
        final String i = image == null ? "" : image;
        final int hash = 31 * (31 * (31 * n.hashCode() + i.hashCode()) + System.identityHashCode(requests)) +
            ports.hashCode() + (restartPolicyAlways ? 1 : 0);
        final int s = slot(hash);
        final Container cached = containers[s];
        if (cached != null && cached.restartPolicyAlways() == restartPolicyAlways && cached.name().equals(n) &&
            cached.image().equals(i) && cached.requests().equals(requests) && cached.ports().equals(ports))
        {
            return cached;
        }
        final Container made = new Container(n, i, requests, ports, restartPolicyAlways);
        containers[s] = made;
        return made;
    }

    /** A toleration with these fields (null is empty, as {@link Toleration} takes it). */
    Toleration toleration(final String key, final String operator, final String value, final String effect)
    {
        final String k = key == null ? "" : key;
        final String o = operator == null ? "" : operator;
        final String v = value == null ? "" : value;
        final String e = effect == null ? "" : effect;
        final int hash = 31 * (31 * (31 * k.hashCode() + o.hashCode()) + v.hashCode()) + e.hashCode();
        final int s = slot(hash);
        final Toleration cached = tolerations[s];
        if (cached != null && cached.key().equals(k) && cached.operator().equals(o) && cached.value().equals(v) &&
            cached.effect().equals(e))
        {
            return cached;
        }
        final Toleration made = new Toleration(k, o, v, e);
        tolerations[s] = made;
        return made;
    }

    /**
     * An immutable list of the first {@code n} elements (none null; containers and tolerations from this cache, so
     * equal elements are mostly the same instance): a list made earlier when its elements are the same instances.
     */
    @SuppressWarnings("unchecked")
    <T> List<T> list(final T[] elements, final int n)
    {
        if (n == 0)
        {
            return List.of();
        }
        int hash = n;
        for (int i = 0; i < n; i++)
        {
            hash = 31 * hash + System.identityHashCode(elements[i]);
        }
        final int s = slot(hash);
        final Object cached = lists[s];
        if (cached != null && sameElements((List<?>)cached, elements, n))
        {
            return (List<T>)cached;
        }
        final List<T> made = switch (n)
        {
            case 1 -> List.of(elements[0]);
            case 2 -> List.of(elements[0], elements[1]);
            default -> List.of(Arrays.copyOf(elements, n));
        };
        lists[s] = made;
        return made;
    }

    private static boolean sameElements(final List<?> list, final Object[] elements, final int n)
    {
        if (list.size() != n)
        {
            return false;
        }
        for (int i = 0; i < n; i++)
        {
            if (list.get(i) != elements[i])
            {
                return false;
            }
        }
        return true;
    }
}
