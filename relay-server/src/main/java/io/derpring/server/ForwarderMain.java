package io.derpring.server;

import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import io.derpring.transport.internal.EventLoops;

/**
 * {@code java -cp ... io.derpring.server.ForwarderMain --listen HOST:PORT --metrics HOST:PORT [--transport NAME]
 * [--threads N]}: the {@link TcpForwarder} as a process of its own, without the CLI, so that {@code loadgen
 * --baseline tcp} can spawn it from any classpath that has the relay (the CLI's {@code derpring forwarder} is the
 * same server). Port 0 picks a free port; the first stdout line, {@link #READY_PREFIX} followed by the two bound
 * addresses, tells the spawner where. Runs until killed.
 */
public final class ForwarderMain {
    /** {@code forwarder ready listen 127.0.0.1:41234 metrics 127.0.0.1:41235}. */
    public static final String READY_PREFIX = "forwarder ready listen ";
    public static final String METRICS_WORD = " metrics ";

    private ForwarderMain() {
    }

    public static void main(final String[] args) throws InterruptedException {
        InetSocketAddress listen = null;
        InetSocketAddress metrics = null;
        Transport transport = Transport.detect();
        int threads = EventLoops.defaultThreads();
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--listen" -> listen = hostPort(args[i + 1]);
                case "--metrics" -> metrics = hostPort(args[i + 1]);
                case "--transport" -> transport = Transport.fromCliName(args[i + 1]);
                case "--threads" -> threads = Integer.parseInt(args[i + 1]);
                default -> throw new InvalidConfigException("unknown option " + args[i]);
            }
        }
        if (listen == null || args.length % 2 != 0) {
            throw new InvalidConfigException("usage: --listen HOST:PORT --metrics HOST:PORT [--transport NAME] "
                + "[--threads N]");
        }
        final TcpForwarder f = TcpForwarder.start(listen, metrics, transport, threads,
            TcpForwarder.DEFAULT_MAX_CONNECTIONS, TcpForwarder.DEFAULT_HELLO_TIMEOUT_NS);
        runUntilStopped(f, System.out);
    }

    /** Prints the ready line and blocks until the JVM is told to stop (then closes {@code f}). */
    public static void runUntilStopped(final TcpForwarder f, final java.io.PrintStream out)
        throws InterruptedException {
        final CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            f.close();
            stop.countDown();
        }, "derpring-forwarder-shutdown"));
        f.metricsPage(); // the first render loads the management beans (a second, cold): not on a scraper's clock
        out.println(readyLine(f));
        out.flush();
        stop.await();
    }

    public static String readyLine(final TcpForwarder f) {
        return READY_PREFIX + hostPort(f.localAddress()) + METRICS_WORD
            + (f.metricsAddress() == null ? "off" : hostPort(f.metricsAddress()));
    }

    /** {@code HOST:PORT}, IPv6 in brackets. */
    static InetSocketAddress hostPort(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new InvalidConfigException("not HOST:PORT: " + text);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(text.substring(colon + 1)));
    }

    public static String hostPort(final InetSocketAddress a) {
        final String host = a.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? '[' + host + ']' : host) + ':' + a.getPort();
    }
}
