package io.berth.sched.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.ObjectIntHashMap;

import io.berth.sched.model.ContainerImage;
import io.berth.sched.model.GpuRequest;
import io.berth.sched.model.GpuSharing;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.Taint;

/**
 * The node table: one slot per node, every per-node fact a filter or score reads kept as a contiguous off-heap
 * {@link LongColumn} indexed by slot (struct of arrays). Slots of removed nodes are reused once no pod refers
 * to them. Labels, taints and image names are interned to ints. Single writer: the scheduling thread.
 * See docs/NODE_TABLE.md for the columns and their bytes per node.
 */
public final class NodeTable
{
    /** Slot capacity granule: a multiple of every vector species length so columns stay lane-aligned. */
    public static final int SLOT_GRANULE = 64;
    /** Label value id of an absent label. */
    public static final long ABSENT = -1;

    /** Flag bits of the {@link #flags()} column. */
    public static final long FLAG_LIVE = 1;
    public static final long FLAG_UNSCHEDULABLE = 2;

    /** GPU devices per node the table can hold: one free-milli column per device. */
    public static final int MAX_GPU_DEVICES = GpuSharing.MAX_DEVICES;
    /** Milli of one whole GPU device. */
    public static final long GPU_DEVICE_MILLI = GpuSharing.MILLI_PER_DEVICE;

    private final Resources resources = new Resources();
    private final Interner labelKeys = new Interner();
    private final Interner labelValues = new Interner();
    private final Interner taints = new Interner();
    private final List<Taint> taintById = new ArrayList<>();
    private final ImageIndex images;
    private final HostPortIndex hostPorts;

    private final ObjectIntHashMap<String> slotByName = new ObjectIntHashMap<>();
    private final IntArrayList freeSlots = new IntArrayList();
    private String[] names;
    private NodeObject[] objects;
    private int capacity;
    private int slotLimit;
    private int liveCount;
    private long epoch;
    /** The last touched slots, a ring of {@link #TOUCH_LOG_SIZE}, and how many touches there were. */
    static
    {
        SegmentClasses.preload();
    }

    public static final int TOUCH_LOG_SIZE = 4096;
    private final int[] touchLog = new int[TOUCH_LOG_SIZE];
    private long touchCount;

    private final LongColumn flags;
    private final LongColumn slotVersions;
    private final List<LongColumn> allocatable = new ArrayList<>();
    private final List<LongColumn> allocatableInverse = new ArrayList<>();
    private final List<LongColumn> requested = new ArrayList<>();
    private final LongColumn nonZeroMilliCpu;
    private final LongColumn nonZeroMemory;
    private final List<LongColumn> labelValueColumns = new ArrayList<>();
    private final List<LongColumn> numericLabelColumns = new ArrayList<>();
    private final List<LongColumn> taintWords = new ArrayList<>();
    // array copies of the lists above for the per-slot getters (no List.get bounds checks on the scalar paths)
    private LongColumn[] allocatableArray = new LongColumn[0];
    private LongColumn[] allocatableInverseArray = new LongColumn[0];
    private LongColumn[] requestedArray = new LongColumn[0];
    private LongColumn[] labelValueArray = new LongColumn[0];
    private LongColumn[] taintWordArray = new LongColumn[0];
    private final LongColumn gpuDeviceCount;
    private final LongColumn[] gpuFree = new LongColumn[MAX_GPU_DEVICES];
    private final LongColumn[] gpuUsed = new LongColumn[MAX_GPU_DEVICES];
    private final LongColumn gpuMaxFree;
    private final LongColumn gpuWholeFree;
    private final int gpuModelKey;

    public NodeTable(final int initialCapacity)
    {
        capacity = Math.max(SLOT_GRANULE, roundUp(initialCapacity));
        names = new String[capacity];
        objects = new NodeObject[capacity];
        flags = new LongColumn("flags", capacity, 0);
        slotVersions = new LongColumn("slotVersion", capacity, 0);
        nonZeroMilliCpu = new LongColumn("nonZeroRequested.cpu", capacity, 0);
        nonZeroMemory = new LongColumn("nonZeroRequested.memory", capacity, 0);
        hostPorts = new HostPortIndex(this);
        images = new ImageIndex(capacity);
        for (int r = 0; r < resources.count(); r++)
        {
            addResourceColumns(r);
        }
        gpuDeviceCount = new LongColumn("gpu.devices", capacity, 0);
        for (int d = 0; d < MAX_GPU_DEVICES; d++)
        {
            gpuFree[d] = new LongColumn("gpu.freeMilli[" + d + "]", capacity, 0);
            gpuUsed[d] = new LongColumn("gpu.usedMilli[" + d + "]", capacity, 0);
        }
        gpuMaxFree = new LongColumn("gpu.maxFreeMilli", capacity, 0);
        gpuWholeFree = new LongColumn("gpu.wholeFreeDevices", capacity, 0);
        gpuModelKey = labelKeys.intern(GpuSharing.GPU_CARD_MODEL);
        ensureLabelColumn(gpuModelKey);
    }

    private static int roundUp(final int n)
    {
        return (n + SLOT_GRANULE - 1) / SLOT_GRANULE * SLOT_GRANULE;
    }

    // ---------------------------------------------------------------- dictionaries

    public Resources resources()
    {
        return resources;
    }

    public Interner labelKeys()
    {
        return labelKeys;
    }

    public Interner labelValues()
    {
        return labelValues;
    }

    public Interner taints()
    {
        return taints;
    }

    public Taint taint(final int id)
    {
        return taintById.get(id);
    }

    public ImageIndex images()
    {
        return images;
    }

    public HostPortIndex hostPorts()
    {
        return hostPorts;
    }

    /** Interned id of a taint (key, value, effect). */
    public static String taintKey(final String key, final String value, final String effect)
    {
        return key + '\0' + value + '\0' + effect;
    }

    // ---------------------------------------------------------------- slots

    public int capacity()
    {
        return capacity;
    }

    /** One past the highest slot ever used: passes scan {@code [0, slotLimit)}. */
    public int slotLimit()
    {
        return slotLimit;
    }

    /** Live nodes (kube's snapshot node count). */
    public int liveCount()
    {
        return liveCount;
    }

    /**
     * Increments when a node is added, changed or removed (or the table grows): changes that can alter table-wide
     * facts (live count, image spread) and so every node's result. Pod placements do not change it; they change
     * the {@link #slotVersions()} of their node only.
     */
    public long epoch()
    {
        return epoch;
    }

    /** Per-slot change counter: incremented on every write to any of the slot's columns. */
    public LongColumn slotVersions()
    {
        return slotVersions;
    }

    /**
     * How many times a slot was touched since the table was made: with {@link #touchedSlot} a reader on the
     * writer's thread follows which slots changed since it last looked, as long as it looks again within
     * {@value #TOUCH_LOG_SIZE} touches (otherwise it must rescan every slot).
     */
    public long touchCount()
    {
        return touchCount;
    }

    /** The slot of touch number {@code touch} (one of the last {@value #TOUCH_LOG_SIZE}). */
    public int touchedSlot(final long touch)
    {
        return touchLog[(int)(touch & (TOUCH_LOG_SIZE - 1))];
    }

    /** Records a change to a slot's columns (called by every writer of per-slot state). */
    public void touch(final int slot)
    {
        slotVersions.add(slot, 1);
        touchLog[(int)(touchCount++ & (TOUCH_LOG_SIZE - 1))] = slot;
    }

    public int slotOf(final String name)
    {
        return slotByName.getIfAbsent(name, -1);
    }

    public String name(final int slot)
    {
        return names[slot];
    }

    /** The node object last applied to the slot, or null for a ghost slot (pods bound to an unknown node). */
    public NodeObject object(final int slot)
    {
        return objects[slot];
    }

    public boolean isLive(final int slot)
    {
        return (flags.get(slot) & FLAG_LIVE) != 0;
    }

    // ---------------------------------------------------------------- columns

    public LongColumn flags()
    {
        return flags;
    }

    public LongColumn allocatable(final int resource)
    {
        return allocatableArray[resource];
    }

    /**
     * Derived column: the IEEE double bits of {@code 1.0 / allocatable} (0.0 where allocatable is 0), kept in step
     * with {@link #allocatable}. Lets vector passes replace a division by a node's allocatable with a multiply
     * plus an exact integer correction (see {@code Kernels.floorDiv(a, b, inverseB)}).
     */
    public LongColumn allocatableInverse(final int resource)
    {
        return allocatableInverseArray[resource];
    }

    private void setAllocatable(final int resource, final int slot, final long value)
    {
        allocatable.get(resource).set(slot, value);
        allocatableInverse.get(resource).set(slot, Double.doubleToRawLongBits(value == 0 ? 0.0 : 1.0 / value));
    }

    public LongColumn requested(final int resource)
    {
        return requestedArray[resource];
    }

    /** What is left of a resource on a slot: allocatable minus requested. */
    public long free(final int resource, final int slot)
    {
        return allocatableArray[resource].get(slot) - requestedArray[resource].get(slot);
    }

    public LongColumn nonZeroRequestedMilliCpu()
    {
        return nonZeroMilliCpu;
    }

    public LongColumn nonZeroRequestedMemory()
    {
        return nonZeroMemory;
    }

    /** Column of value ids for a label key (ABSENT where the node lacks it), or null if no node ever had the key. */
    public LongColumn labelValueColumn(final int keyId)
    {
        final LongColumn[] columns = labelValueArray;
        return keyId >= 0 && keyId < columns.length ? columns[keyId] : null;
    }

    /**
     * The numeric column of a label key, used by Gt/Lt: the label value parsed as a base-10 int64, or
     * {@link Long#MIN_VALUE} where absent or not an integer (the matching {@link #numericLabelValid} bit says which).
     * Built on first use and then kept up to date.
     */
    public LongColumn numericLabelColumn(final int keyId)
    {
        ensureNumericColumns(keyId);
        return numericLabelColumns.get(2 * keyId);
    }

    /** 1 where {@link #numericLabelColumn} holds a parsed integer, else 0. */
    public LongColumn numericLabelValid(final int keyId)
    {
        ensureNumericColumns(keyId);
        return numericLabelColumns.get(2 * keyId + 1);
    }

    /** Number of 64-bit words in the taint bitset (bit i of word i/64 is taint id i). */
    public int taintWordCount()
    {
        return taintWords.size();
    }

    public LongColumn taintWord(final int word)
    {
        return taintWordArray[word];
    }

    // ---------------------------------------------------------------- GPU devices

    /** Number of GPU devices of the node in a slot ({@value GpuSharing#GPU_COUNT} of its allocatable); 0 for none. */
    public int gpuDevices(final int slot)
    {
        return (int)gpuDeviceCount.get(slot);
    }

    /** Free milli (0..1000) of GPU device {@code device} of a slot; 0 for a device the node does not have. */
    public long gpuFreeMilli(final int slot, final int device)
    {
        return gpuFree[device].get(slot);
    }

    /** Milli of device {@code device} held by pods accounted on the slot. */
    public long gpuUsedMilli(final int slot, final int device)
    {
        return gpuUsed[device].get(slot);
    }

    /** Column of GPU device counts. */
    public LongColumn gpuDeviceColumn()
    {
        return gpuDeviceCount;
    }

    /** Column of free milli of device {@code device} (0 where the node lacks the device). */
    public LongColumn gpuFreeColumn(final int device)
    {
        return gpuFree[device];
    }

    /** Derived column: the largest free milli of any device of the slot (what a fractional pod can get). */
    public LongColumn gpuMaxFreeColumn()
    {
        return gpuMaxFree;
    }

    /** Derived column: how many devices of the slot are entirely free (what a pod of whole devices can get). */
    public LongColumn gpuWholeFreeColumn()
    {
        return gpuWholeFree;
    }

    /** Label key id of {@value GpuSharing#GPU_CARD_MODEL}; its value column always exists. */
    public int gpuModelKey()
    {
        return gpuModelKey;
    }

    /**
     * Chooses the devices a pod takes on a slot, without taking them: for a fractional pod the device with the
     * least free milli that still fits (ties: lowest index); for whole devices the lowest-index entirely free ones.
     * Returns the device bitmask, or 0 when the slot cannot hold the request.
     */
    public int chooseGpuDevices(final int slot, final int count, final long milliPerDevice)
    {
        final int devices = gpuDevices(slot);
        if (count == 1 && milliPerDevice < GPU_DEVICE_MILLI)
        {
            int best = -1;
            long bestFree = Long.MAX_VALUE;
            for (int d = 0; d < devices; d++)
            {
                final long free = gpuFree[d].get(slot);
                if (free >= milliPerDevice && free < bestFree)
                {
                    best = d;
                    bestFree = free;
                }
            }
            return best < 0 ? 0 : 1 << best;
        }
        int mask = 0;
        int found = 0;
        for (int d = 0; d < devices && found < count; d++)
        {
            if (gpuFree[d].get(slot) == GPU_DEVICE_MILLI)
            {
                mask |= 1 << d;
                found++;
            }
        }
        return found == count ? mask : 0;
    }

    /**
     * Takes devices for a pod accounted on a slot: the devices of its {@value GpuSharing#GPU_INDEX} annotation when
     * they exist on the node and have room, else {@link #chooseGpuDevices}. Returns the bitmask taken (0 when the
     * request does not fit: nothing is taken; the caller counts it).
     */
    public int takeGpu(final int slot, final GpuRequest request)
    {
        int mask = request.presetMask();
        if (mask != 0 && !fits(slot, mask, request.milliPerDevice()))
        {
            mask = 0;
        }
        if (mask == 0)
        {
            mask = chooseGpuDevices(slot, request.count(), request.milliPerDevice());
        }
        if (mask != 0)
        {
            applyGpu(slot, mask, request.milliPerDevice());
        }
        return mask;
    }

    /** Gives back what {@link #takeGpu} took: {@code milliPerDevice} on every device of {@code mask}. */
    public void releaseGpu(final int slot, final int mask, final long milliPerDevice)
    {
        applyGpu(slot, mask, -milliPerDevice);
    }

    private boolean fits(final int slot, final int mask, final long milliPerDevice)
    {
        final int devices = gpuDevices(slot);
        for (int d = 0; d < MAX_GPU_DEVICES; d++)
        {
            if ((mask & (1 << d)) != 0 && (d >= devices || gpuFree[d].get(slot) < milliPerDevice))
            {
                return false;
            }
        }
        return true;
    }

    private void applyGpu(final int slot, final int mask, final long delta)
    {
        for (int d = 0; d < MAX_GPU_DEVICES; d++)
        {
            if ((mask & (1 << d)) != 0)
            {
                gpuUsed[d].add(slot, delta);
            }
        }
        refreshGpu(slot);
        touch(slot);
    }

    /** Recomputes a slot's free and derived GPU columns from its device count and used milli. */
    private void refreshGpu(final int slot)
    {
        final int devices = gpuDevices(slot);
        long maxFree = 0;
        long wholeFree = 0;
        for (int d = 0; d < MAX_GPU_DEVICES; d++)
        {
            final long free = d < devices ? Math.max(0, GPU_DEVICE_MILLI - gpuUsed[d].get(slot)) : 0;
            gpuFree[d].set(slot, free);
            maxFree = Math.max(maxFree, free);
            if (free == GPU_DEVICE_MILLI)
            {
                wholeFree++;
            }
        }
        gpuMaxFree.set(slot, maxFree);
        gpuWholeFree.set(slot, wholeFree);
    }

    /** Every column the table holds now, for the layout report and tests. */
    public List<LongColumn> columns()
    {
        final List<LongColumn> all = new ArrayList<>();
        all.add(flags);
        all.add(slotVersions);
        all.addAll(allocatable);
        all.addAll(allocatableInverse);
        all.addAll(requested);
        all.add(nonZeroMilliCpu);
        all.add(nonZeroMemory);
        all.addAll(labelValueColumns);
        for (final LongColumn c : numericLabelColumns)
        {
            if (c != null)
            {
                all.add(c);
            }
        }
        all.addAll(taintWords);
        all.addAll(hostPorts.columns());
        all.add(gpuDeviceCount);
        all.addAll(List.of(gpuFree));
        all.addAll(List.of(gpuUsed));
        all.add(gpuMaxFree);
        all.add(gpuWholeFree);
        return all;
    }

    // ---------------------------------------------------------------- writes

    /**
     * Adds or replaces a node; pods already accounted on the slot stay (with the GPU devices they hold). Returns
     * the slot. Throws {@link IllegalArgumentException}, changing nothing, for more than {@value #MAX_GPU_DEVICES}
     * GPU devices (readers report such nodes before they get here).
     */
    public int upsert(final NodeObject node)
    {
        final int devices = GpuSharing.nodeDevices(node);
        int slot = slotByName.getIfAbsent(node.name(), -1);
        if (slot < 0)
        {
            slot = allocateSlot(node.name());
        }
        else if (objects[slot] != null)
        {
            clearNodeFacts(slot, objects[slot]);
        }
        if (!isLive(slot))
        {
            liveCount++;
        }
        objects[slot] = node;
        long f = FLAG_LIVE;
        if (node.unschedulable())
        {
            f |= FLAG_UNSCHEDULABLE;
        }
        flags.set(slot, f);
        gpuDeviceCount.set(slot, devices);
        refreshGpu(slot);

        for (int r = 0; r < allocatable.size(); r++)
        {
            setAllocatable(r, slot, 0);
        }
        final var alloc = node.allocatable();
        for (int i = 0; i < alloc.size(); i++)
        {
            final String rn = alloc.name(i);
            final int r = resourceIndexForNode(rn);
            if (r >= 0)
            {
                setAllocatable(r, slot, Resources.toStored(r, alloc.milliValue(i)));
            }
        }

        for (final Map.Entry<String, String> e : node.labels().entrySet())
        {
            final int k = labelKeys.intern(e.getKey());
            ensureLabelColumn(k);
            labelValueColumns.get(k).set(slot, labelValues.intern(e.getValue()));
            if (2 * k + 1 < numericLabelColumns.size() && numericLabelColumns.get(2 * k) != null)
            {
                setNumeric(k, slot, e.getValue());
            }
        }

        for (final Taint t : node.taints())
        {
            final int id = internTaint(t);
            final LongColumn w = taintWords.get(id >>> 6);
            w.set(slot, w.get(slot) | (1L << (id & 63)));
        }

        for (final ContainerImage image : node.images())
        {
            for (final String imageName : image.names())
            {
                images.add(imageName, image.sizeBytes(), slot);
            }
        }
        touch(slot);
        epoch++;
        return slot;
    }

    /**
     * Removes a node. Its slot stays reserved (as a ghost, not live) while pods are still accounted on it,
     * as kube-scheduler's cache keeps a NodeInfo without a Node until its pods are gone.
     */
    public boolean remove(final String name)
    {
        final int slot = slotByName.getIfAbsent(name, -1);
        if (slot < 0 || objects[slot] == null)
        {
            return false;
        }
        clearNodeFacts(slot, objects[slot]);
        objects[slot] = null;
        flags.set(slot, 0);
        for (int r = 0; r < allocatable.size(); r++)
        {
            setAllocatable(r, slot, 0);
        }
        gpuDeviceCount.set(slot, 0);
        refreshGpu(slot);
        liveCount--;
        releaseIfEmpty(slot);
        touch(slot);
        epoch++;
        return true;
    }

    /** Slot for a pod bound to {@code nodeName}, creating a ghost slot when the node is unknown. */
    public int slotForPod(final String nodeName)
    {
        final int slot = slotByName.getIfAbsent(nodeName, -1);
        return slot >= 0 ? slot : allocateSlot(nodeName);
    }

    /** Adds (sign 1) or removes (sign -1) a pod's resource requests on a slot; {@code stored} is per resource index. */
    public void addRequested(final int slot, final int resource, final long amount)
    {
        requested.get(resource).add(slot, amount);
        touch(slot);
    }

    public void addNonZeroRequested(final int slot, final long milliCpu, final long memory)
    {
        nonZeroMilliCpu.add(slot, milliCpu);
        nonZeroMemory.add(slot, memory);
        touch(slot);
    }

    /** Called when the last pod leaves a slot: frees ghost slots. */
    public void releaseIfEmpty(final int slot)
    {
        if (objects[slot] == null && requested.get(Resources.PODS).get(slot) == 0)
        {
            slotByName.remove(names[slot]);
            names[slot] = null;
            for (int r = 0; r < requested.size(); r++)
            {
                requested.get(r).set(slot, 0);
            }
            nonZeroMilliCpu.set(slot, 0);
            nonZeroMemory.set(slot, 0);
            for (final LongColumn used : gpuUsed)
            {
                used.set(slot, 0);
            }
            gpuDeviceCount.set(slot, 0);
            refreshGpu(slot);
            hostPorts.clearSlot(slot);
            freeSlots.add(slot);
            touch(slot);
        }
    }

    /** Index of a resource in the table, interning scalar resources; -1 for names kube-scheduler does not track. */
    public int resourceIndexForNode(final String name)
    {
        final int known = resources.find(name);
        if (known >= 0)
        {
            return known;
        }
        if (!Resources.isScalarResourceName(name))
        {
            return -1;
        }
        final int r = resources.intern(name);
        addResourceColumns(r);
        return r;
    }

    int internTaint(final Taint t)
    {
        final int before = taints.size();
        final int id = taints.intern(taintKey(t.key(), t.value(), t.effect()));
        if (id == before)
        {
            taintById.add(t);
            if ((id >>> 6) >= taintWords.size())
            {
                taintWords.add(new LongColumn("taints[" + taintWords.size() + "]", capacity, 0));
                taintWordArray = taintWords.toArray(new LongColumn[0]);
            }
        }
        return id;
    }

    private void addResourceColumns(final int r)
    {
        final String rn = resources.name(r);
        allocatable.add(new LongColumn("allocatable." + rn, capacity, 0));
        allocatableInverse.add(new LongColumn("allocatableInverse." + rn, capacity, 0));
        requested.add(new LongColumn("requested." + rn, capacity, 0));
        allocatableArray = allocatable.toArray(new LongColumn[0]);
        allocatableInverseArray = allocatableInverse.toArray(new LongColumn[0]);
        requestedArray = requested.toArray(new LongColumn[0]);
    }

    private void ensureLabelColumn(final int keyId)
    {
        while (labelValueColumns.size() <= keyId)
        {
            labelValueColumns.add(new LongColumn("label[" + labelKeys.name(labelValueColumns.size()) + "]", capacity, ABSENT));
            labelValueArray = labelValueColumns.toArray(new LongColumn[0]);
        }
    }

    private void ensureNumericColumns(final int keyId)
    {
        while (numericLabelColumns.size() <= 2 * keyId + 1)
        {
            numericLabelColumns.add(null);
        }
        if (numericLabelColumns.get(2 * keyId) != null)
        {
            return;
        }
        final String key = labelKeys.name(keyId);
        numericLabelColumns.set(2 * keyId, new LongColumn("labelInt[" + key + "]", capacity, Long.MIN_VALUE));
        numericLabelColumns.set(2 * keyId + 1, new LongColumn("labelIntValid[" + key + "]", capacity, 0));
        for (int slot = 0; slot < slotLimit; slot++)
        {
            final NodeObject n = objects[slot];
            if (n != null)
            {
                final String v = n.labels().get(key);
                if (v != null)
                {
                    setNumeric(keyId, slot, v);
                }
            }
        }
    }

    private void setNumeric(final int keyId, final int slot, final String value)
    {
        final LongColumn num = numericLabelColumns.get(2 * keyId);
        final LongColumn valid = numericLabelColumns.get(2 * keyId + 1);
        try
        {
            num.set(slot, Long.parseLong(value));
            valid.set(slot, 1);
        }
        catch (final NumberFormatException ex)
        {
            num.set(slot, Long.MIN_VALUE);
            valid.set(slot, 0);
        }
    }

    private void clearNodeFacts(final int slot, final NodeObject old)
    {
        for (final String key : old.labels().keySet())
        {
            final int k = labelKeys.find(key);
            labelValueColumns.get(k).set(slot, ABSENT);
            if (2 * k + 1 < numericLabelColumns.size() && numericLabelColumns.get(2 * k) != null)
            {
                numericLabelColumns.get(2 * k).set(slot, Long.MIN_VALUE);
                numericLabelColumns.get(2 * k + 1).set(slot, 0);
            }
        }
        for (final LongColumn w : taintWords)
        {
            w.set(slot, 0);
        }
        for (final ContainerImage image : old.images())
        {
            for (final String imageName : image.names())
            {
                images.remove(imageName, slot);
            }
        }
    }

    private int allocateSlot(final String name)
    {
        final int slot;
        if (!freeSlots.isEmpty())
        {
            slot = freeSlots.removeAtIndex(freeSlots.size() - 1);
        }
        else
        {
            if (slotLimit == capacity)
            {
                grow(capacity * 2);
            }
            slot = slotLimit++;
        }
        names[slot] = name;
        slotByName.put(name, slot);
        return slot;
    }

    private void grow(final int newCapacity)
    {
        names = java.util.Arrays.copyOf(names, newCapacity);
        objects = java.util.Arrays.copyOf(objects, newCapacity);
        for (final LongColumn c : columns())
        {
            c.grow(newCapacity);
        }
        images.grow(newCapacity);
        capacity = newCapacity;
        epoch++;
    }
}
