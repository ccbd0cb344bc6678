package io.berth.cli;

import java.io.PrintWriter;
import java.util.concurrent.TimeUnit;

import io.berth.mirror.source.ClusterSourceException;
import io.berth.mirror.source.EtcdSource;
import io.berth.mirror.source.KeyLayout;
import picocli.CommandLine.Option;

/** Where the cross-process commands find the cluster: an etcd endpoint and kube-apiserver's key prefix. */
final class EtcdOptions
{
    /** Exit status when no etcd answers. */
    static final int EXIT_NO_ETCD = 2;
    /** How long a command waits for etcd to answer its first request. */
    static final long PROBE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(3);
    /** How long each later request may take. */
    static final long REQUEST_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);

    @Option(names = "--etcd", paramLabel = "URL", defaultValue = EtcdSource.Context.ENDPOINT_DEFAULT,
        description = "etcd client URL (default: ${DEFAULT-VALUE}; scripts/etcd start runs one).")
    String endpoint;

    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", defaultValue = KeyLayout.DEFAULT_PREFIX,
        description = "Key prefix of the cluster, as kube-apiserver's --etcd-prefix (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--verbose", description = "Print the stack trace of an error.")
    boolean verbose;

    KeyLayout layout()
    {
        try
        {
            return new KeyLayout(prefix);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--etcd-prefix: " + ex.getMessage(), ex);
        }
    }

    /**
     * Connects and checks that etcd answers within {@link #PROBE_TIMEOUT_NS}; when it does not, prints why to
     * {@code err} and returns null (the command exits with {@link #EXIT_NO_ETCD}).
     */
    EtcdSource connect(final PrintWriter err)
    {
        final EtcdSource.Context context = new EtcdSource.Context()
            .endpoint(endpoint)
            .connectTimeoutNs(PROBE_TIMEOUT_NS)
            .requestTimeoutNs(REQUEST_TIMEOUT_NS);
        final EtcdSource probe;
        try
        {
            probe = new EtcdSource(new EtcdSource.Context()
                .endpoint(endpoint)
                .connectTimeoutNs(PROBE_TIMEOUT_NS)
                .requestTimeoutNs(PROBE_TIMEOUT_NS));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--etcd: " + ex.getMessage(), ex);
        }
        try (probe)
        {
            probe.currentRevision();
        }
        catch (final ClusterSourceException ex)
        {
            err.println("berth: no etcd at " + endpoint + " \u2014 start one with scripts/etcd start; the single-process " +
                "commands (berth schedule --cluster FILE) use the embedded store");
            if (verbose)
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return null;
        }
        return new EtcdSource(context);
    }
}
