package io.berth.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.berth.mirror.codec.KubeObjectReader;
import io.berth.mirror.codec.ObjectError;
import io.berth.mirror.codec.ReadResult;
import io.berth.sched.model.PodDisruptionBudget;
import io.berth.sched.queue.PriorityClasses;
import io.berth.sched.framework.Profile;
import io.berth.sched.framework.SchedulingEngine;
import io.berth.sched.generate.ClusterGenerator;
import io.berth.sched.generate.GeneratedCluster;
import io.berth.sched.generate.GeneratorSpec;
import io.berth.sched.model.NodeObject;
import io.berth.sched.model.PodObject;
import io.berth.sched.plugins.PluginRegistry;
import io.berth.sched.table.NodeTable;

/**
 * Builds a scheduling engine from cluster files and, optionally, a generated cluster: nodes first, then the pods
 * bound to them (a pod bound to an unknown node gets a ghost slot, as in kube's cache); pods without a node are
 * the pending ones; a pending pod whose {@code status.nominatedNodeName} is set is nominated there, so the others are
 * filtered as if it ran there when it is as important (kube's nominator). Objects that cannot be read are printed to
 * stderr, one line each, and counted.
 */
final class ClusterLoader
{
    private ClusterLoader()
    {
    }

    /** A loaded cluster: the engine over its node table, the pending pods in input order, and what was skipped. */
    record Loaded(NodeTable table, SchedulingEngine engine, Profile profile, List<PodObject> pending, int skipped, long loadNanos,
        int gated, List<PodDisruptionBudget> disruptionBudgets, long seed)
    {
    }

    /** Throws a one-line {@link IllegalArgumentException} unless {@code file} is a readable regular file. */
    static void checkReadable(final Path file)
    {
        if (!Files.exists(file))
        {
            throw new IllegalArgumentException(file + ": no such file");
        }
        if (!Files.isRegularFile(file))
        {
            throw new IllegalArgumentException(file + ": not a regular file");
        }
        if (!Files.isReadable(file))
        {
            throw new IllegalArgumentException(file + ": not readable");
        }
    }

    /** Reads Kubernetes objects from files, printing each object error to {@code err}. */
    static ReadResult read(final List<Path> files, final PrintWriter err)
    {
        for (final Path file : files)
        {
            checkReadable(file);
        }
        final KubeObjectReader reader = new KubeObjectReader();
        ReadResult all = new ReadResult(List.of(), List.of(), List.of(), List.of());
        for (final Path file : files)
        {
            final ReadResult r = reader.read(file);
            for (final ObjectError e : r.errors())
            {
                err.println("berth: " + e);
            }
            all = all.plus(r);
        }
        return all;
    }

    /**
     * Loads the cluster.
     *
     * @param files     cluster files (nodes and pods), read in order.
     * @param generator a cluster to generate and add after the files' objects, or null.
     */
    static Loaded load(
        final List<Path> files,
        final GeneratorSpec generator,
        final Profile profile,
        final long seed,
        final boolean scalar,
        final PrintWriter err)
    {
        final long start = System.nanoTime();
        final ReadResult read = read(files, err);
        final List<NodeObject> nodes = new ArrayList<>(read.nodes());
        final List<PodObject> pods = new ArrayList<>(read.pods());
        if (generator != null)
        {
            final GeneratedCluster g = ClusterGenerator.generate(generator);
            nodes.addAll(g.nodes());
            pods.addAll(g.boundPods());
            pods.addAll(g.pendingPods());
        }

        final NodeTable table = new NodeTable(nodes.size());
        final SchedulingEngine engine = new SchedulingEngine(table, PluginRegistry.build(profile), seed).vector(!scalar);
        for (final NodeObject node : nodes)
        {
            engine.upsertNode(node);
        }
        // PriorityClasses resolve priorities as admission would; pods with scheduling gates stay out of the queue
        final PriorityClasses classes = PriorityClasses.of(read.priorityClasses());
        final List<PodObject> pending = new ArrayList<>();
        int gated = 0;
        for (final PodObject raw : pods)
        {
            if (raw.isTerminal())
            {
                continue;
            }
            final PodObject pod = classes.admit(raw);
            if (pod.isBound())
            {
                engine.addBoundPod(pod);
            }
            else if (!pod.schedulingGates().isEmpty())
            {
                gated++;
            }
            else
            {
                pending.add(pod);
                if (!pod.nominatedNodeName().isEmpty())
                {
                    engine.nominator().nominate(pod, pod.nominatedNodeName()); // as kube's queue does on Add
                }
            }
        }
        return new Loaded(table, engine, profile, pending, read.errors().size(), System.nanoTime() - start, gated,
            read.podDisruptionBudgets(), seed);
    }

    /** Prints the closing line about skipped objects; returns the exit status it implies. */
    static int reportSkipped(final int skipped, final PrintWriter err)
    {
        if (skipped == 0)
        {
            return 0;
        }
        err.println("berth: " + skipped + (skipped == 1 ? " object" : " objects") + " skipped, see above");
        return BerthCommand.EXIT_INPUT_ERROR;
    }
}
