package io.derpring.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.derpring.server.ForwarderMain;
import io.derpring.server.TcpForwarder;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code derpring forwarder}: the dumb TCP forwarder ({@link TcpForwarder}) that {@code loadgen --baseline tcp}
 * measures the relay against, as its own process: no DERP, length-prefixed packets between client pairs, flow
 * control from socket writability, {@code process_cpu_seconds_total} on its metrics port. Runs until Ctrl-C / SIGTERM.
 */
@Command(name = "forwarder", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"The dumb TCP forwarder of loadgen --baseline tcp: no DERP framing or keys, length-prefixed",
        "packets between client pairs, with Prometheus metrics, until Ctrl-C / SIGTERM."})
public final class ForwarderCommand implements Callable<Integer> {
    static final String DEFAULT_LISTEN = "127.0.0.1:3341";
    static final String DEFAULT_METRICS = "127.0.0.1:9341";

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = DEFAULT_LISTEN, converter = HostPort.class,
        description = "Where clients connect. Default: ${DEFAULT-VALUE}.")
    InetSocketAddress listen;

    @Option(names = "--metrics", paramLabel = "HOST:PORT|off", defaultValue = DEFAULT_METRICS,
        converter = HostPort.OrOff.class,
        description = "Where to serve Prometheus metrics (GET /metrics), or off. Default: ${DEFAULT-VALUE}.")
    InetSocketAddress metrics;

    @Option(names = "--transport", paramLabel = "auto|io_uring|epoll|nio", defaultValue = "auto",
        converter = TransportChoice.class, description = "Netty transport. Default: ${DEFAULT-VALUE}.")
    Transport transport;

    @Option(names = "--threads", paramLabel = "N",
        description = "Event loop threads. Default: as the relay's (the number of cores).")
    Integer threads;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + TcpForwarder.DEFAULT_MAX_CONNECTIONS,
        description = "Open connections at most; more are closed at accept and counted. Default: ${DEFAULT-VALUE}.")
    int maxConnections;

    @Option(names = "--hello-timeout", paramLabel = "TIME", defaultValue = "5s", converter = DurationText.class,
        description = "A connection must send its hello within this. Default: ${DEFAULT-VALUE}.")
    Duration helloTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile TcpForwarder forwarder;

    @Override
    public Integer call() throws Exception {
        final TcpForwarder f = TcpForwarder.start(listen, metrics, transport != null ? transport : Transport.detect(),
            threads != null ? threads : EventLoops.defaultThreads(), maxConnections, helloTimeout.toNanos());
        forwarder = f;
        final Thread hook = new Thread(this::stop, "derpring-forwarder-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        final PrintWriter out = spec.commandLine().getOut();
        out.println(ForwarderMain.readyLine(f));
        out.flush();
        stop.await();
        f.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (final IllegalStateException shuttingDown) {
            // Stopped by the hook itself: the JVM is already on its way out.
        }
        return 0;
    }

    /** The running forwarder, or null before {@link #call()} has started it. */
    TcpForwarder forwarder() {
        return forwarder;
    }

    /** Closes the forwarder (idempotent) and lets {@link #call()} return. Any thread. */
    void stop() {
        final TcpForwarder f = forwarder;
        if (f != null) {
            f.close();
        }
        stop.countDown();
    }
}
