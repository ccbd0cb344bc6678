package io.berth.sched.framework;

import java.util.Arrays;
import java.util.List;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.IntIntHashMap;

import io.berth.sched.model.Container;
import io.berth.sched.model.ContainerPort;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.HostPortIndex;
import io.berth.sched.table.NodeTable;
import io.berth.sched.table.Resources;
import io.berth.sched.table.StringIntMap;

/**
 * Pods accounted on nodes (bound or assumed), struct of arrays indexed by pod slot: the node slot and exactly
 * what was added to the node's columns, so that {@link #remove} undoes an {@link #add} to the unit: resources,
 * host ports, and the GPU devices the pod holds (bitmask and milli per device). Single writer.
 */
public final class PodTable
{
    private final NodeTable nodes;
    private final StringIntMap slotByKey = new StringIntMap(1024);
    private final IntArrayList freeSlots = new IntArrayList();
    private int rowWidth = 4;
    private int capacity = 1024;
    private int slotLimit;
    private int count;
    private int[] nodeSlot = new int[capacity];
    private int[] resourceCount = new int[capacity];
    private int[] resourceIds = new int[capacity * rowWidth];
    private long[] amounts = new long[capacity * rowWidth];
    private long[] nonZeroMilliCpu = new long[capacity];
    private long[] nonZeroMemory = new long[capacity];
    private int[] gpuMask = new int[capacity];
    private long[] gpuMilli = new long[capacity];
    private long gpuNotPlaced;
    private PodObject[] pods = new PodObject[capacity];
    // per node slot, an intrusive doubly linked list of its pod slots (-1 terminated)
    private int[] firstOnNode = new int[64];
    private int[] nextOnNode = new int[capacity];
    private int[] prevOnNode = new int[capacity];
    private int[] priorities = new int[capacity];
    private long[] startTimes = new long[capacity];
    private PodAwarePlugin[] listeners = new PodAwarePlugin[0];
    // accounted pods per priority value (few distinct values), for preemption's "any lower-priority pod?" test
    private final IntIntHashMap podsPerPriority = new IntIntHashMap();
    private int lowestPriority = Integer.MAX_VALUE;
    private boolean lowestStale;

    public PodTable(final NodeTable nodes)
    {
        this.nodes = nodes;
        Arrays.fill(firstOnNode, -1);
    }

    /** The lowest priority of any accounted pod ({@code Integer.MAX_VALUE} when there is none). */
    public int lowestPriority()
    {
        if (lowestStale)
        {
            int min = Integer.MAX_VALUE;
            final var keys = podsPerPriority.keySet().intIterator();
            while (keys.hasNext())
            {
                min = Math.min(min, keys.next());
            }
            lowestPriority = min;
            lowestStale = false;
        }
        return lowestPriority;
    }

    /** The priority of the pod in a pod slot (a column: no pointer chase to the pod object). */
    public int priorityAt(final int podSlot)
    {
        return priorities[podSlot];
    }

    /** The start time of the pod in a pod slot, epoch ms, {@code Long.MAX_VALUE} when it has none (kube: now). */
    public long startTimeAt(final int podSlot)
    {
        return startTimes[podSlot];
    }

    /** The first pod slot accounted on a node slot, or -1; walk on with {@link #nextPodOnNode}. */
    public int firstPodOnNode(final int node)
    {
        return node < firstOnNode.length ? firstOnNode[node] : -1;
    }

    /** The pod slot after {@code podSlot} on the same node, or -1. */
    public int nextPodOnNode(final int podSlot)
    {
        return nextOnNode[podSlot];
    }

    /** What pod slot {@code podSlot} added to its node's requested column of resource {@code resourceId}. */
    public long requested(final int podSlot, final int resourceId)
    {
        if (resourceId == Resources.PODS)
        {
            return 1;
        }
        final int base = podSlot * rowWidth;
        for (int i = 0, n = resourceCount[podSlot]; i < n; i++)
        {
            if (resourceIds[base + i] == resourceId)
            {
                return amounts[base + i];
            }
        }
        return 0;
    }

    private void link(final int slot, final int node)
    {
        if (node >= firstOnNode.length)
        {
            final int old = firstOnNode.length;
            firstOnNode = Arrays.copyOf(firstOnNode, Math.max(node + 1, old * 2));
            Arrays.fill(firstOnNode, old, firstOnNode.length, -1);
        }
        final int head = firstOnNode[node];
        nextOnNode[slot] = head;
        prevOnNode[slot] = -1;
        if (head >= 0)
        {
            prevOnNode[head] = slot;
        }
        firstOnNode[node] = slot;
    }

    private void unlink(final int slot, final int node)
    {
        final int prev = prevOnNode[slot];
        final int next = nextOnNode[slot];
        if (prev >= 0)
        {
            nextOnNode[prev] = next;
        }
        else
        {
            firstOnNode[node] = next;
        }
        if (next >= 0)
        {
            prevOnNode[next] = prev;
        }
    }

    public int count()
    {
        return count;
    }

    /**
     * Pods accounted (bound or assumed) whose GPU request did not fit their node's devices, so they hold no device:
     * bound pods from a cluster that overcommits, or pods placed by a profile without the GpuSharing filter.
     */
    public long gpuNotPlaced()
    {
        return gpuNotPlaced;
    }

    /** GPU devices (bitmask) held by the pod in a pod slot; 0 for none. */
    public int gpuDevicesAt(final int podSlot)
    {
        return gpuMask[podSlot];
    }

    /** Registers a plugin whose counters follow every pod this table accounts or forgets. */
    public void addListener(final PodAwarePlugin listener)
    {
        listeners = java.util.Arrays.copyOf(listeners, listeners.length + 1);
        listeners[listeners.length - 1] = listener;
    }

    /** Visits every accounted pod with its node slot (to rebuild counters). */
    public void forEach(final java.util.function.ObjIntConsumer<PodObject> visitor)
    {
        for (int slot = 0; slot < slotLimit; slot++)
        {
            if (pods[slot] != null)
            {
                visitor.accept(pods[slot], nodeSlot[slot]);
            }
        }
    }

    public boolean contains(final String key)
    {
        return slotByKey.containsKey(key);
    }

    public PodObject pod(final String key)
    {
        final int slot = slotByKey.get(key, -1);
        return slot < 0 ? null : pods[slot];
    }

    /** Node slot a pod is accounted on, or -1. */
    public int nodeSlotOf(final String key)
    {
        final int slot = slotByKey.get(key, -1);
        return slot < 0 ? -1 : nodeSlot[slot];
    }

    /** Pod slot, or -1. */
    public int slotOf(final String key)
    {
        return slotByKey.get(key, -1);
    }

    public PodObject podAt(final int podSlot)
    {
        return pods[podSlot];
    }

    public int nodeSlotAt(final int podSlot)
    {
        return nodeSlot[podSlot];
    }

    public int slotLimit()
    {
        return slotLimit;
    }

    /**
     * Accounts a pod on a node slot with its compiled requests (kube's AddPod / AssumePod). Returns false if the
     * pod is already accounted (the caller removes it first to move it).
     */
    public boolean add(final PodObject pod, final PodRequests requests, final int node)
    {
        final int missing = slotByKey.find(pod.key()); // one probe: a new key is put where it was not found
        if (missing >= 0)
        {
            return false;
        }
        final int slot = allocate();
        slotByKey.insertAt(missing, pod.key(), slot);
        final int n = requests.resourceCount();
        if (n > rowWidth)
        {
            widen(n);
        }
        pods[slot] = pod;
        nodeSlot[slot] = node;
        link(slot, node);
        priorities[slot] = pod.priority();
        startTimes[slot] = pod.startTimeMs() == 0 ? Long.MAX_VALUE : pod.startTimeMs();
        podsPerPriority.addToValue(pod.priority(), 1);
        if (pod.priority() < lowestPriority)
        {
            lowestPriority = pod.priority();
        }
        resourceCount[slot] = n;
        final int base = slot * rowWidth;
        for (int i = 0; i < n; i++)
        {
            final int r = requests.resourceId(i);
            final long amount = requests.request(r);
            resourceIds[base + i] = r;
            amounts[base + i] = amount;
            nodes.addRequested(node, r, amount);
        }
        nodes.addRequested(node, Resources.PODS, 1);
        nonZeroMilliCpu[slot] = requests.nonZeroMilliCpu();
        nonZeroMemory[slot] = requests.nonZeroMemory();
        nodes.addNonZeroRequested(node, requests.nonZeroMilliCpu(), requests.nonZeroMemory());
        hostPorts(pod, node, 1);
        final GpuRequest gpu = pod.gpuRequest();
        int mask = 0;
        if (gpu.wantsGpu())
        {
            mask = nodes.takeGpu(node, gpu);
            if (mask == 0)
            {
                gpuNotPlaced++;
            }
        }
        gpuMask[slot] = mask;
        gpuMilli[slot] = gpu.milliPerDevice();
        count++;
        for (final PodAwarePlugin l : listeners)
        {
            l.podAdded(pod, slot, node, nodes);
        }
        return true;
    }

    /** Undoes {@link #add} exactly (kube's ForgetPod / RemovePod). Returns the node slot, or -1 if unknown. */
    public int remove(final String key)
    {
        final int slot = slotByKey.remove(key, -1);
        if (slot < 0)
        {
            return -1;
        }
        final int node = nodeSlot[slot];
        final int base = slot * rowWidth;
        for (int i = 0, n = resourceCount[slot]; i < n; i++)
        {
            nodes.addRequested(node, resourceIds[base + i], -amounts[base + i]);
        }
        nodes.addRequested(node, Resources.PODS, -1);
        nodes.addNonZeroRequested(node, -nonZeroMilliCpu[slot], -nonZeroMemory[slot]);
        hostPorts(pods[slot], node, -1);
        if (gpuMask[slot] != 0)
        {
            nodes.releaseGpu(node, gpuMask[slot], gpuMilli[slot]);
        }
        else if (pods[slot].gpuRequest().wantsGpu())
        {
            gpuNotPlaced--;
        }
        gpuMask[slot] = 0;
        final PodObject removed = pods[slot];
        unlink(slot, node);
        if (podsPerPriority.addToValue(pods[slot].priority(), -1) == 0)
        {
            podsPerPriority.remove(pods[slot].priority());
            lowestStale |= pods[slot].priority() == lowestPriority;
        }
        pods[slot] = null;
        nodeSlot[slot] = -1;
        freeSlots.add(slot);
        count--;
        for (final PodAwarePlugin l : listeners)
        {
            l.podRemoved(removed, slot, node, nodes);
        }
        nodes.releaseIfEmpty(node);
        return node;
    }

    /**
     * kube's {@code NodeInfo.updateUsedPorts}: the host ports of the pod's restartable init containers and app
     * containers ({@code util.GetHostPorts}) added to or removed from the node's used ports. kube's
     * {@code HostPortInfo} is a set per node, so an add of an entry already present changes nothing and a remove
     * deletes the entry even when another pod on the node still lists it; the index's count columns are kept as
     * that set (0 or 1 per IP, {@code any} = number of IPs holding the pair) to match it exactly.
     */
    private void hostPorts(final PodObject pod, final int node, final long delta)
    {
        final List<Container> inits = pod.initContainers();
        for (int c = 0, size = inits.size(); c < size; c++)
        {
            final Container init = inits.get(c);
            if (init.restartPolicyAlways())
            {
                hostPorts(init.ports(), node, delta);
            }
        }
        final List<Container> containers = pod.containers();
        for (int c = 0, size = containers.size(); c < size; c++)
        {
            hostPorts(containers.get(c).ports(), node, delta);
        }
    }

    private void hostPorts(final List<ContainerPort> ports, final int node, final long delta)
    {
        final HostPortIndex index = nodes.hostPorts();
        for (int p = 0, np = ports.size(); p < np; p++)
        {
            final ContainerPort port = ports.get(p);
            if (port.hostPort() > 0)
            {
                final boolean present = hostPortPresent(index, node, port);
                if (delta > 0 ? !present : present)
                {
                    index.add(node, port.protocol(), port.hostPort(), port.hostIP(), delta);
                }
            }
        }
    }

    private static boolean hostPortPresent(final HostPortIndex index, final int node, final ContainerPort port)
    {
        final int pp = index.findProtocolPort(port.protocol(), port.hostPort());
        if (pp < 0)
        {
            return false;
        }
        if (HostPortIndex.WILDCARD_IP.equals(port.hostIP()))
        {
            return index.wildcardIp(pp).get(node) > 0;
        }
        final int ppi = index.findProtocolPortIp(port.protocol(), port.hostPort(), port.hostIP());
        return ppi >= 0 && index.specificIp(ppi).get(node) > 0;
    }

    private int allocate()
    {
        if (!freeSlots.isEmpty())
        {
            return freeSlots.removeAtIndex(freeSlots.size() - 1);
        }
        if (slotLimit == capacity)
        {
            capacity *= 2;
            nodeSlot = Arrays.copyOf(nodeSlot, capacity);
            resourceCount = Arrays.copyOf(resourceCount, capacity);
            resourceIds = Arrays.copyOf(resourceIds, capacity * rowWidth);
            amounts = Arrays.copyOf(amounts, capacity * rowWidth);
            nonZeroMilliCpu = Arrays.copyOf(nonZeroMilliCpu, capacity);
            nonZeroMemory = Arrays.copyOf(nonZeroMemory, capacity);
            pods = Arrays.copyOf(pods, capacity);
            nextOnNode = Arrays.copyOf(nextOnNode, capacity);
            prevOnNode = Arrays.copyOf(prevOnNode, capacity);
            priorities = Arrays.copyOf(priorities, capacity);
            startTimes = Arrays.copyOf(startTimes, capacity);
            gpuMask = Arrays.copyOf(gpuMask, capacity);
            gpuMilli = Arrays.copyOf(gpuMilli, capacity);
        }
        return slotLimit++;
    }

    private void widen(final int width)
    {
        final int newWidth = Math.max(width, rowWidth * 2);
        final int[] ids = new int[capacity * newWidth];
        final long[] amts = new long[capacity * newWidth];
        for (int s = 0; s < slotLimit; s++)
        {
            System.arraycopy(resourceIds, s * rowWidth, ids, s * newWidth, rowWidth);
            System.arraycopy(amounts, s * rowWidth, amts, s * newWidth, rowWidth);
        }
        resourceIds = ids;
        amounts = amts;
        rowWidth = newWidth;
    }
}
