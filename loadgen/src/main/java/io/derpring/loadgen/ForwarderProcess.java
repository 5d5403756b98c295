package io.derpring.loadgen;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.derpring.runtime.JvmRequirements;
import io.derpring.server.ForwarderMain;
import io.derpring.transport.Transport;

/**
 * The TCP forwarder as a process of its own ({@link ForwarderMain}), so that its CPU is never mixed with the load
 * generator's: this JVM's {@code java}, classpath and heap/GC flags, both ports picked by the forwarder (port 0) and
 * read back from its ready line, optionally under {@code taskset -c CPUS} (the relay's pinning). Closing it kills it.
 */
final class ForwarderProcess implements AutoCloseable {
    /** A cold JVM starting Netty on a loaded 2-core box: seconds, not minutes. */
    static final long START_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);
    static final long STOP_TIMEOUT_MS = 5_000;
    /** The JVM flags worth carrying over: heap, GC and Netty settings, module access. Not agents (a test's jacoco). */
    private static final List<String> INHERITED_FLAG_PREFIXES = List.of("-Xm", "-Xss", "-XX:", "-Dio.netty.",
        "--add-opens", "--add-exports");

    private final Process process;
    private final InetSocketAddress listen;
    private final URI metrics;
    private final String cpus;

    private ForwarderProcess(final Process process, final InetSocketAddress listen, final URI metrics,
                             final String cpus) {
        this.process = process;
        this.listen = listen;
        this.metrics = metrics;
        this.cpus = cpus;
    }

    /**
     * @param threads forwarder event loop threads; 0 = its default (the number of cores)
     * @param cpus    a {@code taskset -c} CPU list to pin it to, or null; ignored (and reported as unpinned) when
     *                {@code taskset} is not on the PATH
     */
    static ForwarderProcess start(final Transport transport, final int threads, final String cpus)
        throws IOException, InterruptedException {
        final boolean pin = cpus != null && onPath("taskset");
        final List<String> command = command(transport, threads, pin ? cpus : null);
        final Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        final CompletableFuture<String> ready = CompletableFuture.supplyAsync(() -> readyLine(p));
        try {
            final String line = ready.get(START_TIMEOUT_NS, TimeUnit.NANOSECONDS);
            if (line == null || !line.startsWith(ForwarderMain.READY_PREFIX)) {
                throw new IOException("the forwarder did not start (" + command + "): " + line);
            }
            final String rest = line.substring(ForwarderMain.READY_PREFIX.length());
            final int m = rest.indexOf(ForwarderMain.METRICS_WORD);
            final InetSocketAddress listen = parse(rest.substring(0, m));
            final URI metrics = URI.create("http://" + rest.substring(m + ForwarderMain.METRICS_WORD.length())
                + "/metrics");
            return new ForwarderProcess(p, listen, metrics, pin ? cpus : null);
        } catch (final ExecutionException | TimeoutException | IOException | RuntimeException e) {
            p.destroyForcibly();
            throw new IOException("the forwarder did not start within "
                + TimeUnit.NANOSECONDS.toSeconds(START_TIMEOUT_NS) + " s: " + command, e);
        }
    }

    /** The command line: [taskset -c CPUS] java FLAGS -cp CLASSPATH ForwarderMain --listen ... */
    static List<String> command(final Transport transport, final int threads, final String cpus) {
        final List<String> c = new ArrayList<>();
        if (cpus != null) {
            c.add("taskset");
            c.add("-c");
            c.add(cpus);
        }
        c.add(ProcessHandle.current().info().command().orElse("java"));
        c.add("--add-exports");
        c.add(JvmRequirements.AGRONA_FLAG.substring("--add-exports ".length()));
        for (final String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            for (final String prefix : INHERITED_FLAG_PREFIXES) {
                if (arg.startsWith(prefix) && !arg.startsWith("--add-exports=java.base/jdk.internal.misc")) {
                    c.add(arg);
                    break;
                }
            }
        }
        c.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        c.add("-cp");
        c.add(System.getProperty("java.class.path"));
        c.add(ForwarderMain.class.getName());
        c.add("--listen");
        c.add("127.0.0.1:0");
        c.add("--metrics");
        c.add("127.0.0.1:0");
        c.add("--transport");
        c.add(transport.cliName());
        if (threads > 0) {
            c.add("--threads");
            c.add(Integer.toString(threads));
        }
        return c;
    }

    private static String readyLine(final Process p) {
        try {
            // Not closed: closing the reader would close the child's stdout pipe; the process's end closes it.
            final BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8));
            return r.readLine();
        } catch (final IOException e) {
            return "cannot read the forwarder's stdout: " + e.getMessage();
        }
    }

    private static InetSocketAddress parse(final String hostPort) {
        final int colon = hostPort.lastIndexOf(':');
        return new InetSocketAddress(hostPort.substring(0, colon).replace("[", "").replace("]", ""),
            Integer.parseInt(hostPort.substring(colon + 1)));
    }

    static boolean onPath(final String program) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (final String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }

    InetSocketAddress listen() {
        return listen;
    }

    URI metrics() {
        return metrics;
    }

    /** The CPU list it is pinned to, or null when it is not pinned. */
    String cpus() {
        return cpus;
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }
}
