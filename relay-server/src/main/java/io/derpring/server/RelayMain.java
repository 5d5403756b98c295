package io.derpring.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;

/**
 * {@code relay --listen HOST:PORT [--metrics HOST:PORT|off] [--transport auto|io_uring|epoll|nio]
 * [--tls-cert FILE --tls-key FILE] [--raw]}. A minimal launcher; the full CLI lives in the {@code cli} module.
 */
public final class RelayMain {
    /** derper -dev listens on :3340 (SPEC §2.6). */
    static final String DEFAULT_LISTEN = "127.0.0.1:3340";
    static final String DEFAULT_METRICS = "127.0.0.1:9340";

    private RelayMain() {
    }

    public static void main(final String[] args) throws Exception {
        final DerpRelayServer server = parse(args).build().start();
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "derp-relay-shutdown"));
        stopped.await();
    }

    static DerpRelayServer.Builder parse(final String[] args) {
        final DerpRelayServer.Builder b = DerpRelayServer.builder().listen(hostPort(DEFAULT_LISTEN))
            .metricsAddress(hostPort(DEFAULT_METRICS));
        Path cert = null;
        Path key = null;
        for (int i = 0; i < args.length; i++) {
            final String a = args[i];
            switch (a) {
                case "--listen":
                    b.listen(hostPort(value(args, ++i, a)));
                    break;
                case "--metrics":
                    final String m = value(args, ++i, a);
                    b.metricsAddress(m.equals("off") ? null : hostPort(m));
                    break;
                case "--transport":
                    b.transport(Transport.fromCliName(value(args, ++i, a)));
                    break;
                case "--tls-cert":
                    cert = Path.of(value(args, ++i, a));
                    break;
                case "--tls-key":
                    key = Path.of(value(args, ++i, a));
                    break;
                case "--raw":
                    b.rawDerp(true);
                    break;
                default:
                    throw new InvalidConfigException("unknown argument '" + a + "'; usage: relay --listen HOST:PORT "
                        + "[--metrics HOST:PORT|off] [--transport auto|io_uring|epoll|nio] [--tls-cert FILE --tls-key FILE] [--raw]");
            }
        }
        if (cert != null || key != null) {
            b.tls(cert, key);
        }
        return b;
    }

    private static String value(final String[] args, final int i, final String flag) {
        if (i >= args.length) {
            throw new InvalidConfigException(flag + " needs a value");
        }
        return args[i];
    }

    /**
     * {@code 127.0.0.1:3340}, {@code [::1]:3340}, {@code :3340} (all interfaces) or a name; an IPv6 address needs
     * brackets. Shared with the {@code derpring} CLI.
     */
    public static InetSocketAddress hostPort(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new InvalidConfigException("expected HOST:PORT, got '" + text + "'");
        }
        String host = text.substring(0, colon);
        final int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (final NumberFormatException e) {
            throw new InvalidConfigException("bad port in '" + text + "'");
        }
        InvalidConfigException.requireInRange("port", port, 0, 65535);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            throw new InvalidConfigException("IPv6 addresses need brackets: [" + host + "]:" + port);
        }
        if (host.isEmpty()) {
            return new InetSocketAddress(port);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (final UnknownHostException e) {
            throw new InvalidConfigException("unknown host '" + host + "'");
        }
    }
}
