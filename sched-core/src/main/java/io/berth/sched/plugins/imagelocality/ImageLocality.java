package io.berth.sched.plugins.imagelocality;

import java.util.Arrays;
import java.util.List;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;

import io.berth.sched.framework.Kernels;
import io.berth.sched.framework.PodRequests;
import io.berth.sched.framework.ScorePlugin;
import io.berth.sched.model.Container;
import io.berth.sched.model.PodObject;
import io.berth.sched.table.ImageIndex;
import io.berth.sched.table.NodeTable;

/**
 * kube's ImageLocality score: favours nodes that already hold the pod's container images. For every init and app
 * container (duplicates counted each time) whose normalized image name a node lists, the node sums the image size
 * scaled by the fraction of nodes holding it ({@code int64(float64(size) * (float64(numNodes) /
 * float64(totalNumNodes)))}); the sum, clamped to [23 MiB, 1000 MiB × containers], maps linearly onto [0, 100].
 * No normalization. PreScore computes each container's scaled score once; the pass scatters them over the
 * image's node bitset into per-slot sums, then applies kube's {@code calculatePriority}.
 */
public final class ImageLocality implements ScorePlugin
{
    public static final String NAME = "ImageLocality";

    static final long MB = 1024L * 1024L;
    static final long MIN_THRESHOLD = 23 * MB;
    static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

    // per pod
    private int imageCount;
    private int[] imageIds = new int[8];
    private long[] scaled = new long[8];
    private long maxThreshold;
    private int numContainers;
    private long[] sums = new long[NodeTable.SLOT_GRANULE];

    // memo of the last normalized names by container position, so that pods with the same images allocate nothing
    private String[] rawNames = new String[8];
    private String[] normalizedNames = new String[8];

    public String name()
    {
        return NAME;
    }

    public int defaultWeight()
    {
        return 1;
    }

    /** Never skips (kube has no PreScore here); a pod whose images no node holds scores 0 everywhere. */
    public boolean preScore(final PodObject pod, final PodRequests requests, final NodeTable table)
    {
        final List<Container> inits = pod.initContainers();
        final List<Container> containers = pod.containers();
        numContainers = inits.size() + containers.size();
        maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
        if (numContainers > imageIds.length)
        {
            final int n = Math.max(numContainers, imageIds.length * 2);
            imageIds = new int[n];
            scaled = new long[n];
            rawNames = Arrays.copyOf(rawNames, n);
            normalizedNames = Arrays.copyOf(normalizedNames, n);
        }
        if (sums.length < table.capacity())
        {
            sums = new long[table.capacity()];
        }
        final ImageIndex images = table.images();
        final int totalNumNodes = table.liveCount();
        imageCount = 0;
        int position = 0;
        for (int c = 0, n = inits.size(); c < n; c++)
        {
            addImage(images, position++, inits.get(c).image(), totalNumNodes);
        }
        for (int c = 0, n = containers.size(); c < n; c++)
        {
            addImage(images, position++, containers.get(c).image(), totalNumNodes);
        }
        return true;
    }

    /** None of the pod's images is on any node: every node scores kube's minimum, 0. */
    public boolean uniform()
    {
        return imageCount == 0;
    }

    private void addImage(final ImageIndex images, final int position, final String image, final int totalNumNodes)
    {
        final int id = images.find(normalized(position, image));
        if (id < 0 || images.numNodes(id) == 0)
        {
            return;
        }
        imageIds[imageCount] = id;
        scaled[imageCount] = scaledImageScore(images.sizeBytes(id), images.numNodes(id), totalNumNodes);
        imageCount++;
    }

    private String normalized(final int position, final String image)
    {
        if (!image.equals(rawNames[position]))
        {
            rawNames[position] = image;
            normalizedNames[position] = normalizedImageName(image);
        }
        return normalizedNames[position];
    }

    /** kube's {@code normalizedImageName}: appends {@code :latest} when the name has no tag. */
    public static String normalizedImageName(final String name)
    {
        return name.lastIndexOf(':') <= name.lastIndexOf('/') ? name + ":latest" : name;
    }

    /** kube's {@code scaledImageScore}, in the same double arithmetic. */
    static long scaledImageScore(final long size, final int numNodes, final int totalNumNodes)
    {
        final double spread = (double)numNodes / (double)totalNumNodes;
        return (long)((double)size * spread);
    }

    /** kube's {@code calculatePriority}. */
    static long calculatePriority(final long sumScores, final int numContainers)
    {
        final long maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
        long sum = sumScores;
        if (sum < MIN_THRESHOLD)
        {
            sum = MIN_THRESHOLD;
        }
        else if (sum > maxThreshold)
        {
            sum = maxThreshold;
        }
        return Kernels.MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (maxThreshold - MIN_THRESHOLD);
    }

    /** Per-slot sums of the scaled scores of the pod's images each node holds, over {@code [from, to)}. */
    private void scatter(final NodeTable table, final int from, final int to)
    {
        final long[] s = sums;
        Arrays.fill(s, from, to, 0L);
        final ImageIndex images = table.images();
        final int firstWord = from >>> 6;
        final int endWord = (to + 63) >>> 6;
        for (int i = 0; i < imageCount; i++)
        {
            final long[] bits = images.nodeBits(imageIds[i]);
            final long score = scaled[i];
            final int w = Math.min(endWord, bits.length);
            for (int word = firstWord; word < w; word++)
            {
                long b = bits[word];
                while (b != 0)
                {
                    final int slot = (word << 6) + Long.numberOfTrailingZeros(b);
                    if (slot >= from && slot < to)
                    {
                        s[slot] += score;
                    }
                    b &= b - 1;
                }
            }
        }
    }

    public void score(final NodeTable table, final long[] scores, final int from, final int to)
    {
        if (numContainers == 0)
        {
            // kube: sum 0 clamps to minThreshold, so 100 * 0 / (0 - minThreshold) = 0 on every node
            Arrays.fill(scores, from, to, 0L);
            return;
        }
        scatter(table, from, to);
        final long[] s = sums;
        final long max = maxThreshold;
        final LongVector range = LongVector.broadcast(Kernels.LONGS, max - MIN_THRESHOLD);
        final DoubleVector inverse = DoubleVector.broadcast(Kernels.DOUBLES, 1.0 / (max - MIN_THRESHOLD));
        for (int slot = from; slot < to; slot += Kernels.LANES)
        {
            final LongVector sum = LongVector.fromArray(Kernels.LONGS, s, slot).max(MIN_THRESHOLD).min(max);
            Kernels.floorDiv(sum.sub(MIN_THRESHOLD).mul(Kernels.MAX_NODE_SCORE), range, inverse).intoArray(scores, slot);
        }
    }

    public void scoreScalar(final NodeTable table, final long[] scores, final int from, final int to)
    {
        scatter(table, from, to);
        for (int slot = from; slot < to; slot++)
        {
            scores[slot] = calculatePriority(sums[slot], numContainers);
        }
    }
}
