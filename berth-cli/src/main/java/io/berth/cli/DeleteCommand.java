package io.berth.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.berth.mirror.codec.ObjectError;
import io.berth.mirror.codec.ObjectStorageCodec;
import io.berth.mirror.codec.ObjectStorageCodec.Kind;
import io.berth.mirror.source.ClusterSource;
import io.berth.mirror.source.EtcdSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code berth delete KIND NAME [-n NS]} or {@code berth delete -f FILE}: removes objects' keys from etcd. */
@Command(
    name = "delete",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpWidth = 100,
    description = "Delete objects from etcd, named (KIND NAME) or as listed in files (-f).",
    footer = {"", "Exit status: 0 ok; 1 an object was not found or a file object could not be read (each named " +
        "on stderr, the others are deleted); 2 no etcd answered."})
final class DeleteCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..2", paramLabel = "KIND NAME", description = "What to delete, e.g. pod web-1.")
    List<String> target = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NS", defaultValue = "default",
        description = "Namespace of a namespaced KIND (default: ${DEFAULT-VALUE}).")
    String namespace;

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "Delete the objects of this file. Repeatable.")
    List<Path> files = new ArrayList<>();

    @Mixin
    EtcdOptions etcd;

    private record Target(String displayName, String key)
    {
    }

    @Override
    public Integer call()
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final ObjectStorageCodec codec = new ObjectStorageCodec(etcd.layout());
        final List<Target> targets = new ArrayList<>();
        int errors = 0;
        if (files.isEmpty() == target.isEmpty())
        {
            throw new IllegalArgumentException("give either KIND NAME or -f FILE");
        }
        if (!target.isEmpty())
        {
            if (target.size() != 2)
            {
                throw new IllegalArgumentException("give KIND and NAME, e.g. berth delete pod web-1");
            }
            final Kind kind = Kind.ofResource(target.get(0));
            if (kind == null)
            {
                throw new IllegalArgumentException("unknown kind \"" + target.get(0) +
                    "\": expected node, pod, namespace, service, endpoints, priorityclass or pdb");
            }
            final String name = target.get(1);
            targets.add(new Target(kind.resource() + "/" + (kind.namespaced() ? namespace + "/" : "") + name,
                kind.key(codec.layout(), namespace, name)));
        }
        for (final Path file : files)
        {
            ClusterLoader.checkReadable(file);
            final ObjectStorageCodec.FileObjects read = codec.read(file);
            for (final ObjectStorageCodec.FileObject object : read.objects())
            {
                targets.add(new Target(object.displayName(), object.key()));
            }
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
            for (final Target t : targets)
            {
                if (source.delete(t.key()) == ClusterSource.CAS_FAILED)
                {
                    err.println("berth: " + t.displayName() + " not found");
                    errors++;
                }
                else
                {
                    out.println(t.displayName() + " deleted");
                }
            }
        }
        out.flush();
        err.flush();
        return errors == 0 ? 0 : BerthCommand.EXIT_INPUT_ERROR;
    }
}
