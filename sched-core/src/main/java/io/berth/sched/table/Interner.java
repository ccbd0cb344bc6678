package io.berth.sched.table;

import java.util.ArrayList;
import java.util.List;

import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

/** Interns strings to dense ids 0, 1, 2... Ids are never reused; lookups allocate nothing. */
public final class Interner
{
    private final ObjectIntHashMap<String> ids = new ObjectIntHashMap<>();
    private final List<String> names = new ArrayList<>();

    /** The id of {@code s}, interning it if new. */
    public int intern(final String s)
    {
        final int id = ids.getIfAbsent(s, -1);
        if (id >= 0)
        {
            return id;
        }
        final int next = names.size();
        names.add(s);
        ids.put(s, next);
        return next;
    }

    /** The id of {@code s} or -1 if it was never interned. */
    public int find(final String s)
    {
        return ids.getIfAbsent(s, -1);
    }

    public String name(final int id)
    {
        return names.get(id);
    }

    public int size()
    {
        return names.size();
    }
}
