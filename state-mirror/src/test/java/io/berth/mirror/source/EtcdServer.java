package io.berth.mirror.source;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real {@code etcd} process per test class, on free loopback ports with a temporary data directory:
 * <pre>{@code @RegisterExtension static final EtcdServer ETCD = new EtcdServer();}</pre>
 * Started before the class's tests and killed after them; {@link #stop()}, {@link #start()} and {@link #restart()}
 * let a test take it away and bring it back (same ports and data) to exercise reconnects. When no {@code etcd} binary
 * is on the PATH (or at {@code $BERTH_ETCD_BINARY}) the class fails with "etcd not installed: run scripts/etcd
 * install"; it is never skipped silently.
 */
public final class EtcdServer implements BeforeAllCallback, AfterAllCallback
{
    /** How long {@link #start()} waits for {@code /health} to answer true. */
    public static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    /** How long {@link #stop()} waits for a SIGTERM to end the process before killing it. */
    public static final long STOP_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final int START_ATTEMPTS = 3;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Path binary;
    private Path directory;
    private int clientPort;
    private int peerPort;
    private Process process;

    @Override
    public void beforeAll(final ExtensionContext context)
    {
        binary = findBinary();
        try
        {
            directory = Files.createTempDirectory("berth-etcd-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot create a data directory for etcd", ex);
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++)
        {
            clientPort = freePort();
            do
            {
                peerPort = freePort();
            }
            while (peerPort == clientPort);
            try
            {
                start();
                return;
            }
            catch (final IllegalStateException ex)
            {
                // another process may have taken a port between our probe and etcd's bind: new ports, new try
                last = ex;
                kill();
                deleteData();
            }
        }
        throw last;
    }

    @Override
    public void afterAll(final ExtensionContext context)
    {
        kill();
        if (directory != null)
        {
            deleteRecursively(directory);
        }
    }

    /** The client URL, {@code http://127.0.0.1:<port>}. */
    public String endpoint()
    {
        return "http://127.0.0.1:" + clientPort;
    }

    public int clientPort()
    {
        return clientPort;
    }

    /** Starts the process (again) on the same ports and data, and waits until it is healthy. */
    public synchronized void start()
    {
        if (process != null && process.isAlive())
        {
            return;
        }
        final List<String> command = new ArrayList<>(List.of(
            binary.toString(),
            "--name", "berth-test",
            "--data-dir", directory.resolve("data").toString(),
            "--listen-client-urls", endpoint(),
            "--advertise-client-urls", endpoint(),
            "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-advertise-peer-urls", "http://127.0.0.1:" + peerPort,
            "--initial-cluster", "berth-test=http://127.0.0.1:" + peerPort,
            "--initial-cluster-state", "new"));
        final ProcessBuilder builder = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        final String arch = unsupportedArch();
        if (arch != null)
        {
            builder.environment().put("ETCD_UNSUPPORTED_ARCH", arch);
        }
        try
        {
            process = builder.start();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot start " + binary, ex);
        }
        final long deadline = System.nanoTime() + START_TIMEOUT_NS;
        while (!healthy())
        {
            if (!process.isAlive())
            {
                throw new IllegalStateException("etcd exited with " + process.exitValue() + " while starting on " +
                    endpoint() + "; its log ends with:\n" + logTail());
            }
            if (System.nanoTime() - deadline > 0)
            {
                throw new IllegalStateException("etcd on " + endpoint() + " not healthy after " +
                    TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NS) + " s; its log ends with:\n" + logTail());
            }
            try
            {
                Thread.sleep(50); // polling a real external process with a deadline
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd", ex);
            }
        }
    }

    /** Stops the process (SIGTERM, then SIGKILL after {@link #STOP_TIMEOUT_NS}); its data stays. */
    public synchronized void stop()
    {
        final Process p = process;
        if (p == null || !p.isAlive())
        {
            return;
        }
        p.destroy();
        try
        {
            if (!p.waitFor(STOP_TIMEOUT_NS, TimeUnit.NANOSECONDS))
            {
                p.destroyForcibly().waitFor(STOP_TIMEOUT_NS, TimeUnit.NANOSECONDS);
            }
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** {@link #stop()} then {@link #start()}. */
    public void restart()
    {
        stop();
        start();
    }

    /** Kills the process at once (SIGKILL). */
    public synchronized void kill()
    {
        final Process p = process;
        if (p != null && p.isAlive())
        {
            p.destroyForcibly();
            try
            {
                p.waitFor(STOP_TIMEOUT_NS, TimeUnit.NANOSECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    public synchronized boolean isRunning()
    {
        return process != null && process.isAlive();
    }

    private boolean healthy()
    {
        try
        {
            final HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(endpoint() + "/health")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"health\":\"true\"");
        }
        catch (final IOException ex)
        {
            return false;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Path log()
    {
        return directory.resolve("etcd.log");
    }

    private String logTail()
    {
        try
        {
            final List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        }
        catch (final IOException ex)
        {
            return "(no log: " + ex.getMessage() + ")";
        }
    }

    private void deleteData()
    {
        deleteRecursively(directory.resolve("data"));
    }

    private static void deleteRecursively(final Path path)
    {
        if (!Files.exists(path))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(path))
        {
            for (final Path p : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.deleteIfExists(p);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + path, ex);
        }
    }

    static Path findBinary()
    {
        final String configured = System.getenv("BERTH_ETCD_BINARY");
        if (configured != null && !configured.isBlank())
        {
            final Path p = Path.of(configured);
            if (Files.isExecutable(p))
            {
                return p;
            }
            throw new IllegalStateException("BERTH_ETCD_BINARY=" + configured + " is not an executable file");
        }
        final String path = System.getenv("PATH");
        if (path != null)
        {
            for (final String dir : path.split(File.pathSeparator))
            {
                final Path candidate = Path.of(dir.isEmpty() ? "." : dir, "etcd");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException("etcd not installed: run scripts/etcd install");
    }

    private static int freePort()
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find a free loopback port", ex);
        }
    }

    /** etcd 3.4 wants ETCD_UNSUPPORTED_ARCH=<GOARCH> to run anywhere but amd64 and ppc64le. */
    private static String unsupportedArch()
    {
        final String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (arch)
        {
            case "amd64", "x86_64", "ppc64le" -> null;
            case "aarch64", "arm64" -> "arm64";
            case "arm" -> "arm";
            default -> arch;
        };
    }
}
