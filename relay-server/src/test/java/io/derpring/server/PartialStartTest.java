package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.derpring.transport.Transport;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Issue 12, partial start: {@link DerpRelayServer#start()} either starts everything or leaves nothing bound or running. */
@Timeout(60)
class PartialStartTest {
    private static final String LOOP_THREAD_PREFIX = "derp-relay";
    private static final Duration RELEASE_WAIT = Duration.ofSeconds(10);

    static List<Transport> transports() {
        return Transport.available();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a taken metrics address fails start() and leaves the DERP port free and no loop thread alive")
    void takenMetricsAddressLeavesNothingBound(final Transport transport) throws Exception {
        final int derpPort = freePort();
        try (ServerSocket taken = new ServerSocket(0, 1, loopback())) {
            final DerpRelayServer server = DerpRelayServer.builder().transport(transport).threads(2)
                .listen(new InetSocketAddress(loopback(), derpPort))
                .metricsAddress(new InetSocketAddress(loopback(), taken.getLocalPort())).build();
            assertThatThrownBy(server::start).isInstanceOf(Exception.class);
            awaitTrue("DERP port " + derpPort + " free again", () -> canBind(derpPort), RELEASE_WAIT);
            awaitTrue("no " + LOOP_THREAD_PREFIX + " thread alive", PartialStartTest::noLoopThreads, RELEASE_WAIT);
            server.close(); // still safe after a failed start
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("a taken DERP address fails start() and leaves no loop thread alive")
    void takenDerpAddressLeavesNoThread(final Transport transport) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, loopback())) {
            final DerpRelayServer server = DerpRelayServer.builder().transport(transport).threads(2)
                .listen(new InetSocketAddress(loopback(), taken.getLocalPort())).build();
            assertThatThrownBy(server::start).isInstanceOf(Exception.class);
            awaitTrue("no " + LOOP_THREAD_PREFIX + " thread alive", PartialStartTest::noLoopThreads, RELEASE_WAIT);
            server.close();
        }
    }

    private static java.net.InetAddress loopback() throws IOException {
        return java.net.InetAddress.getByName("127.0.0.1");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, loopback())) {
            return s.getLocalPort();
        }
    }

    private static boolean canBind(final int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // as the relay's own listener: a TIME_WAIT remnant does not count as bound
            s.bind(new InetSocketAddress(loopback(), port));
            return true;
        } catch (final IOException stillBound) {
            return false;
        }
    }

    private static boolean noLoopThreads() {
        for (final Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith(LOOP_THREAD_PREFIX)) {
                return false;
            }
        }
        return true;
    }
}
