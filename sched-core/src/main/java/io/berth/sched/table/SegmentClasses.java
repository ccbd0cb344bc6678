package io.berth.sched.table;

import java.lang.foreign.MemorySegment;

/**
 * Loads every {@link MemorySegment} implementation class up front. The node table's columns are native segments;
 * while that is the only implementation loaded, C2 compiles the passes over them on that class-hierarchy
 * assumption, and the first heap or mapped segment anyone makes later (the JDK's own PNG or zip code writing a
 * report, a file mapping) invalidates every such compiled pass at once: they fall back to the interpreter and C1,
 * where the Vector API allocates per operation, until C2 compiles them again. Loading the classes first makes
 * C2 compile for several implementations from the start, so nothing is thrown away later.
 */
final class SegmentClasses
{
    private static final String[] INTERNAL = {
        "jdk.internal.foreign.MappedMemorySegmentImpl",
        "jdk.internal.foreign.HeapMemorySegmentImpl",
    };

    private SegmentClasses()
    {
    }

    static void preload()
    {
        MemorySegment.ofArray(new byte[1]);
        MemorySegment.ofArray(new char[1]);
        MemorySegment.ofArray(new short[1]);
        MemorySegment.ofArray(new int[1]);
        MemorySegment.ofArray(new float[1]);
        MemorySegment.ofArray(new long[1]);
        MemorySegment.ofArray(new double[1]);
        for (final String name : INTERNAL)
        {
            try
            {
                Class.forName(name, true, MemorySegment.class.getClassLoader());
            }
            catch (final ClassNotFoundException | LinkageError ignored)
            {
                // another JDK's layout: the public factories above still loaded the heap kinds
            }
        }
    }
}
