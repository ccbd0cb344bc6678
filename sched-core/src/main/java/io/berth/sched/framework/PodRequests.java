package io.berth.sched.framework;

import java.util.Arrays;
import java.util.List;

import io.berth.sched.model.Container;
import io.berth.sched.model.PodObject;
import io.berth.sched.model.ResourceList;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;

/**
 * A pod's resource requests compiled once per scheduling cycle, as kube's {@code resourcehelper.PodRequests}
 * computes them: the sum of app and sidecar containers, the max with each init container (plus the sidecars
 * started before it), plus pod overhead. Two variants: the plain requests (filtering, node accounting,
 * BalancedAllocation) and the non-zero ones where a container that omits cpu or memory counts 100m / 200MB
 * (kube's NonZeroRequested, used for LeastAllocated/MostAllocated scoring). Reused; allocates nothing in steady state.
 */
public final class PodRequests
{
    private final NodeTable table;
    private long[] requestMilli = new long[8];
    private long[] nonZeroMilli = new long[8];
    private long[] scratchInitMax = new long[8];
    private long[] scratchSidecar = new long[8];
    private long[] scratchContainer = new long[8];
    private long[] requests = new long[8];
    private int[] resourceIds = new int[8];
    private int resourceCount;
    private long nonZeroMilliCpu;
    private long nonZeroMemory;
    private boolean anyRequest;
    // The last SHAPES request shapes compiled, by the identity of the pod's (immutable) lists: a pod holding the same
    // lists compiles to the same numbers as long as no resource was interned since (ids are never reused, so only a
    // new name can change the result). Several, because the mirror's decoders each share lists among their own pods
    // and take consecutive pods in turn.
    private static final int SHAPES = 4;
    private final Object[] shapeContainers = new Object[SHAPES];
    private final Object[] shapeInitContainers = new Object[SHAPES];
    private final Object[] shapeOverhead = new Object[SHAPES];
    private final int[] shapeResourceTypes = new int[SHAPES];
    private final int[] shapeResourceCount = new int[SHAPES];
    private final int[][] shapeResourceIds = new int[SHAPES][8];
    private final long[][] shapeRequests = new long[SHAPES][8];
    private final long[] shapeNonZeroMilliCpu = new long[SHAPES];
    private final long[] shapeNonZeroMemory = new long[SHAPES];
    private int nextShape;

    public PodRequests(final NodeTable table)
    {
        this.table = table;
    }

    /**
     * Compiles the requests of {@code pod}; interns resource names new to the table. A pod with the very same
     * container lists and overhead as the pod compiled last (pods of one workload, decoded or generated, share them)
     * keeps the numbers already compiled.
     */
    public void compile(final PodObject pod)
    {
        final int types = table.resources().count();
        for (int k = 0; k < SHAPES; k++)
        {
            if (shapeContainers[k] == pod.containers() && shapeInitContainers[k] == pod.initContainers() &&
                shapeOverhead[k] == pod.overhead() && shapeResourceTypes[k] == types)
            {
                restoreShape(k);
                return;
            }
        }
        internNames(pod);
        final int r = table.resources().count();
        ensure(r);
        aggregate(pod, false, requestMilli, r);
        aggregate(pod, true, nonZeroMilli, r);
        final int rc = table.resources().count();
        resourceCount = 0;
        anyRequest = false;
        for (int i = 0; i < rc; i++)
        {
            final long stored = i == Resources.PODS ? 0 : Resources.toStored(i, requestMilli[i]);
            requests[i] = stored;
            if (stored != 0)
            {
                resourceIds[resourceCount++] = i;
                anyRequest = true;
            }
        }
        nonZeroMilliCpu = Resources.toStored(Resources.CPU, nonZeroMilli[Resources.CPU]);
        nonZeroMemory = Resources.toStored(Resources.MEMORY, nonZeroMilli[Resources.MEMORY]);
        rememberShape(pod, rc);
    }

    private void rememberShape(final PodObject pod, final int types)
    {
        final int k = nextShape;
        nextShape = (k + 1) % SHAPES;
        shapeContainers[k] = pod.containers();
        shapeInitContainers[k] = pod.initContainers();
        shapeOverhead[k] = pod.overhead();
        shapeResourceTypes[k] = types;
        final int n = resourceCount;
        if (shapeResourceIds[k].length < n)
        {
            shapeResourceIds[k] = new int[Math.max(n, 2 * shapeResourceIds[k].length)];
            shapeRequests[k] = new long[shapeResourceIds[k].length];
        }
        for (int i = 0; i < n; i++)
        {
            shapeResourceIds[k][i] = resourceIds[i];
            shapeRequests[k][i] = requests[resourceIds[i]];
        }
        shapeResourceCount[k] = n;
        shapeNonZeroMilliCpu[k] = nonZeroMilliCpu;
        shapeNonZeroMemory[k] = nonZeroMemory;
    }

    private void restoreShape(final int k)
    {
        for (int i = 0; i < resourceCount; i++)
        {
            requests[resourceIds[i]] = 0;
        }
        final int n = shapeResourceCount[k];
        final int[] ids = shapeResourceIds[k];
        final long[] amounts = shapeRequests[k];
        for (int i = 0; i < n; i++)
        {
            resourceIds[i] = ids[i];
            requests[ids[i]] = amounts[i];
        }
        resourceCount = n;
        anyRequest = n > 0;
        nonZeroMilliCpu = shapeNonZeroMilliCpu[k];
        nonZeroMemory = shapeNonZeroMemory[k];
    }

    /** Stored request (cpu milli, else units) for a resource index; 0 when not requested. */
    public long request(final int resource)
    {
        return resource < requests.length ? requests[resource] : 0;
    }

    /** Number of resources with a non-zero request (pods excluded). */
    public int resourceCount()
    {
        return resourceCount;
    }

    /** The i-th requested resource index, in index order. */
    public int resourceId(final int i)
    {
        return resourceIds[i];
    }

    /** True when the pod requests nothing at all (kube's best-effort shortcut in fitsRequest). */
    public boolean isEmpty()
    {
        return !anyRequest;
    }

    public long nonZeroMilliCpu()
    {
        return nonZeroMilliCpu;
    }

    public long nonZeroMemory()
    {
        return nonZeroMemory;
    }

    /**
     * The request a score plugin uses for a resource: non-zero defaults for cpu and memory when
     * {@code useRequested} is false, else the plain request.
     */
    public long scoringRequest(final int resource, final boolean useRequested)
    {
        if (!useRequested)
        {
            if (resource == Resources.CPU)
            {
                return nonZeroMilliCpu;
            }
            if (resource == Resources.MEMORY)
            {
                return nonZeroMemory;
            }
        }
        return request(resource);
    }

    private void internNames(final PodObject pod)
    {
        final List<Container> containers = pod.containers();
        for (int c = 0, size = containers.size(); c < size; c++)
        {
            internNames(containers.get(c).requests());
        }
        final List<Container> inits = pod.initContainers();
        for (int c = 0, size = inits.size(); c < size; c++)
        {
            internNames(inits.get(c).requests());
        }
        internNames(pod.overhead());
    }

    private void internNames(final ResourceList list)
    {
        for (int i = 0, size = list.size(); i < size; i++)
        {
            if (table.resources().find(list.name(i)) < 0)
            {
                table.resourceIndexForNode(list.name(i));
            }
        }
    }

    private void ensure(final int n)
    {
        if (requestMilli.length < n)
        {
            final int size = Math.max(n, requestMilli.length * 2);
            requestMilli = new long[size];
            nonZeroMilli = new long[size];
            scratchInitMax = new long[size];
            scratchSidecar = new long[size];
            scratchContainer = new long[size];
            requests = Arrays.copyOf(requests, size);
            resourceIds = new int[size];
        }
    }

    private void aggregate(final PodObject pod, final boolean nonZero, final long[] out, final int n)
    {
        Arrays.fill(out, 0, n, 0);
        Arrays.fill(scratchInitMax, 0, n, 0);
        Arrays.fill(scratchSidecar, 0, n, 0);
        final List<Container> containers = pod.containers();
        for (int c = 0, size = containers.size(); c < size; c++)
        {
            addContainer(containers.get(c).requests(), nonZero, out);
        }
        final List<Container> inits = pod.initContainers();
        for (int c = 0, size = inits.size(); c < size; c++)
        {
            final Container init = inits.get(c);
            if (init.restartPolicyAlways())
            {
                addContainer(init.requests(), nonZero, out);
                addContainer(init.requests(), nonZero, scratchSidecar);
                maxInto(scratchInitMax, scratchSidecar);
            }
            else
            {
                final int rc = table.resources().count();
                System.arraycopy(scratchSidecar, 0, scratchContainer, 0, rc);
                addContainer(init.requests(), nonZero, scratchContainer);
                maxInto(scratchInitMax, scratchContainer);
            }
        }
        maxInto(out, scratchInitMax);
        final ResourceList overhead = pod.overhead();
        for (int i = 0, size = overhead.size(); i < size; i++)
        {
            final int r = table.resources().find(overhead.name(i));
            if (r >= 0)
            {
                out[r] += overhead.milliValue(i);
            }
        }
    }

    private void addContainer(final ResourceList requests, final boolean nonZero, final long[] into)
    {
        for (int i = 0, size = requests.size(); i < size; i++)
        {
            final int r = table.resources().find(requests.name(i));
            if (r >= 0)
            {
                into[r] += requests.milliValue(i);
            }
        }
        if (nonZero)
        {
            if (!requests.contains(Resources.CPU_NAME))
            {
                into[Resources.CPU] += Resources.DEFAULT_MILLI_CPU_REQUEST;
            }
            if (!requests.contains(Resources.MEMORY_NAME))
            {
                into[Resources.MEMORY] += Resources.DEFAULT_MEMORY_REQUEST * 1000;
            }
        }
    }

    private void maxInto(final long[] acc, final long[] other)
    {
        final int rc = table.resources().count();
        for (int i = 0; i < rc; i++)
        {
            if (other[i] > acc[i])
            {
                acc[i] = other[i];
            }
        }
    }
}
