package io.berth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.berth.mirror.codec.ObjectError;
import io.berth.mirror.codec.ObjectStorageCodec;
import io.berth.mirror.codec.ObjectStorageCodec.CorruptValueException;
import io.berth.mirror.codec.ObjectStorageCodec.FileObject;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code berth apply -f FILE}: stores every object of the files in etcd as kube-apiserver would, creating it or
 * replacing it with a compare-and-swap on its mod revision (retried when another writer got there first).
 */
@Command(
    name = "apply",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Create or replace the objects of YAML/JSON files in etcd (Node, Pod, Namespace, Service, " +
        "Endpoints, PriorityClass, PodDisruptionBudget).",
    footer = {"", "Exit status: 0 ok; 1 some objects could not be read or stored (each is named on stderr, the " +
        "others are applied); 2 no etcd answered."})
final class ApplyCommand implements Callable<Integer>
{
    /** Attempts of the read-compare-swap loop for one object before giving up on it. */
    static final int MAX_CAS_ATTEMPTS = 16;

    @Spec
    CommandSpec spec;

    @Option(names = {"-f", "--filename"}, required = true, paramLabel = "FILE",
        description = "A YAML or JSON file of objects. Repeatable.")
    List<Path> files = new ArrayList<>();

    @Mixin
    EtcdOptions etcd;

    /** What applying one object did. */
    enum Outcome
    {
        CREATED, CONFIGURED, UNCHANGED;

        String word()
        {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final ObjectStorageCodec codec = new ObjectStorageCodec(etcd.layout());
        final List<FileObject> objects = new ArrayList<>();
        int errors = 0;
        for (final Path file : files)
        {
            ClusterLoader.checkReadable(file);
            final ObjectStorageCodec.FileObjects read = codec.read(file);
            objects.addAll(read.objects());
            for (final ObjectError error : read.errors())
            {
                err.println("berth: " + error);
                errors++;
            }
        }
        try (EtcdSource source = etcd.connect(err))
        {
            if (source == null)
            {
                return EtcdOptions.EXIT_NO_ETCD;
            }
            for (final FileObject object : objects)
            {
                final Outcome outcome = apply(source, codec, object, err);
                if (outcome == null)
                {
                    errors++;
                }
                else
                {
                    out.println(object.displayName() + " " + outcome.word());
                }
            }
        }
        out.flush();
        if (errors > 0)
        {
            err.println("berth: " + errors + (errors == 1 ? " object" : " objects") + " not applied");
        }
        err.flush();
        return errors == 0 ? 0 : BerthCommand.EXIT_INPUT_ERROR;
    }

    /** Creates or replaces one object; null (after printing why) when it could not. */
    static Outcome apply(final ClusterSource source, final ObjectStorageCodec codec, final FileObject object,
        final PrintWriter err)
    {
        for (int attempt = 0; attempt < MAX_CAS_ATTEMPTS; attempt++)
        {
            final KeyValue current = source.get(object.key());
            if (current == null)
            {
                final byte[] value = codec.encode(codec.forCreate(object));
                if (source.compareAndSwap(object.key(), ClusterSource.ABSENT, value) != ClusterSource.CAS_FAILED)
                {
                    return Outcome.CREATED;
                }
                continue;
            }
            ObjectNode stored;
            try
            {
                stored = codec.decode(object.key(), current.value(), current.modRevision());
                stored.with("metadata").remove("resourceVersion");
            }
            catch (final CorruptValueException ex)
            {
                err.println("berth: warning: replacing a value that cannot be read: " + ex.getMessage());
                stored = null;
            }
            final ObjectNode desired = stored == null ? codec.forCreate(object) : codec.forUpdate(object, stored);
            if (desired.equals(stored))
            {
                return Outcome.UNCHANGED;
            }
            if (source.compareAndSwap(object.key(), current.modRevision(), codec.encode(desired)) !=
                ClusterSource.CAS_FAILED)
            {
                return Outcome.CONFIGURED;
            }
        }
        err.println("berth: " + object.displayName() + ": changed by another writer " + MAX_CAS_ATTEMPTS +
            " times while applying; not applied");
        return null;
    }
}
