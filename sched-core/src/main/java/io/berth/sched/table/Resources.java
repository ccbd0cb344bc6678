package io.berth.sched.table;

/**
 * Resource names interned to column indexes. The four native resources have fixed indexes; extended and
 * hugepages resources ({@code nvidia.com/gpu}, {@code hugepages-2Mi}, ...) get the next free index when first seen.
 * Requests and allocatable are stored as kube-scheduler's {@code framework.Resource} does: cpu in millicores,
 * everything else in whole units ({@code Quantity.Value()}).
 */
public final class Resources
{
    public static final int CPU = 0;
    public static final int MEMORY = 1;
    public static final int EPHEMERAL_STORAGE = 2;
    public static final int PODS = 3;
    public static final int FIRST_SCALAR = 4;

    public static final String CPU_NAME = "cpu";
    public static final String MEMORY_NAME = "memory";
    public static final String EPHEMERAL_STORAGE_NAME = "ephemeral-storage";
    public static final String PODS_NAME = "pods";

    /** kube-scheduler's non-zero defaults used for scoring pods that omit a request: 100m cpu and 200MB memory. */
    public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
    public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

    private final Interner names = new Interner();

    public Resources()
    {
        names.intern(CPU_NAME);
        names.intern(MEMORY_NAME);
        names.intern(EPHEMERAL_STORAGE_NAME);
        names.intern(PODS_NAME);
    }

    public int intern(final String name)
    {
        return names.intern(name);
    }

    public int find(final String name)
    {
        return names.find(name);
    }

    public String name(final int id)
    {
        return names.name(id);
    }

    public int count()
    {
        return names.size();
    }

    /** Converts a quantity in milli-units to the unit this resource is stored in. */
    public static long toStored(final int resource, final long milli)
    {
        return resource == CPU ? milli : Math.ceilDiv(milli, 1000L);
    }

    /**
     * kube's {@code IsScalarResourceName}: extended resources (a domain-prefixed name outside kubernetes.io),
     * hugepages-*, and attachable volume counts. Only these are tracked beyond the native four.
     */
    public static boolean isScalarResourceName(final String name)
    {
        if (name.startsWith("hugepages-") || name.startsWith("attachable-volumes-"))
        {
            return true;
        }
        final int slash = name.indexOf('/');
        if (slash < 0)
        {
            return false;
        }
        final String domain = name.substring(0, slash);
        // native resources are prefixed kubernetes.io/ or *.kubernetes.io/ (they count as scalar too: prefixed native)
        return !domain.isEmpty();
    }

    /** kube's {@code IsExtendedResourceName}: domain-prefixed, not kubernetes.io, not requests.*. */
    public static boolean isExtendedResourceName(final String name)
    {
        final int slash = name.indexOf('/');
        if (slash <= 0 || name.startsWith("requests."))
        {
            return false;
        }
        final String domain = name.substring(0, slash);
        return !domain.equals("kubernetes.io") && !domain.endsWith(".kubernetes.io");
    }
}
