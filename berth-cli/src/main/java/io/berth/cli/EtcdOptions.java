package io.berth.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
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
    /** How long a command waits for a TCP connection to the etcd endpoint. */
    static final long PROBE_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(3);
    /** How long the first request may take once the port answers (a loaded machine starts jetcd slowly). */
    static final long FIRST_REQUEST_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(15);
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
     * Connects and checks that etcd answers: the endpoint must accept a TCP connection within
     * {@link #PROBE_TIMEOUT_NS} and answer a request within {@link #FIRST_REQUEST_TIMEOUT_NS}. When it does not,
     * prints why to {@code err} and returns null (the command exits with {@link #EXIT_NO_ETCD}).
     */
    EtcdSource connect(final PrintWriter err)
    {
        final EtcdSource.Context context = new EtcdSource.Context()
            .endpoint(endpoint)
            .connectTimeoutNs(PROBE_TIMEOUT_NS)
            .requestTimeoutNs(REQUEST_TIMEOUT_NS);
        final URI uri;
        try
        {
            context.conclude();
            uri = URI.create(endpoint);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException("--etcd: " + ex.getMessage(), ex);
        }
        // A plain TCP connect first: a closed port is known at once, before jetcd's seconds of start-up.
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()),
                (int)TimeUnit.NANOSECONDS.toMillis(PROBE_TIMEOUT_NS));
        }
        catch (final IOException ex)
        {
            return noEtcd(err, ex);
        }
        final EtcdSource source = new EtcdSource(context);
        try
        {
            source.currentRevision(FIRST_REQUEST_TIMEOUT_NS);
            return source;
        }
        catch (final ClusterSourceException ex)
        {
            source.close();
            return noEtcd(err, ex);
        }
    }

    private EtcdSource noEtcd(final PrintWriter err, final Exception cause)
    {
        err.println("berth: no etcd at " + endpoint + " \u2014 start one with scripts/etcd start; the single-process " +
            "commands (berth schedule --cluster FILE) use the embedded store");
        if (verbose)
        {
            cause.printStackTrace(err);
        }
        err.flush();
        return null;
    }
}
