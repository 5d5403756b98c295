package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.derpring.internal.stun.StunCounter;
import io.derpring.testing.StunPackets;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SPEC §5.9's anti-leak rule on the server side: starting the STUN port, answering and ignoring datagrams, and
 * reading its counters resolve no name on any thread. Java 17 asks the SecurityManager
 * {@code checkConnect(host, -1)} before every name lookup; a manager that records those calls (and refuses the
 * canary's, so no query leaves) shows that none happens. From JDK 18 a SecurityManager can no longer be set; the
 * engine's {@code StunAntiLeakTest} carries the resolver-trap variant of this gate for the client's STUN list.
 */
@Timeout(60)
class StunNoDnsLookupTest {
    private static final String CANARY = "stun-server-canary.leak-canary.invalid";
    private static final int SECURITY_MANAGER_LAST_FEATURE = 17;

    @Test
    @SuppressWarnings("removal")
    void servingStunResolvesNoName() throws Exception {
        Assumptions.assumeTrue(Runtime.version().feature() <= SECURITY_MANAGER_LAST_FEATURE,
            "the lookup trap is Java 17's SecurityManager, which later JDKs refuse to install");
        final InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        try (DerpRelayServer warm = DerpRelayServer.builder().threads(1).listen(new InetSocketAddress(loopback, 0))
            .stun(new InetSocketAddress(loopback, 0)).build().start()) {
            // Class initialisation (Netty, the JDK's socket code) happens here, outside the trap.
            assertThat(warm.stunAddress()).isNotNull();
        }
        final List<String> lookups = new CopyOnWriteArrayList<>();
        final SecurityManager previous = System.getSecurityManager();
        System.setSecurityManager(new SecurityManager() {
            @Override
            public void checkPermission(final java.security.Permission perm) {
            }

            @Override
            public void checkPermission(final java.security.Permission perm, final Object context) {
            }

            @Override
            public void checkConnect(final String host, final int port) {
                if (port == -1) {
                    lookups.add(host);
                    if (host.equals(CANARY)) {
                        throw new SecurityException("canary lookup refused");
                    }
                }
            }
        });
        final List<String> seenWhileServing;
        try {
            try (DerpRelayServer server = DerpRelayServer.builder().transport(Transport.detect()).threads(1)
                     .listen(new InetSocketAddress(loopback, 0)).stun(new InetSocketAddress(loopback, 0)).build().start();
                 DatagramSocket client = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
                final byte[] request = StunPackets.tailnodeRequest(StunPackets.txId(0x77));
                final byte[] junk = {1, 2, 3};
                client.send(new DatagramPacket(junk, junk.length, server.stunAddress()));
                client.send(new DatagramPacket(request, request.length, server.stunAddress()));
                client.setSoTimeout(5_000);
                client.receive(new DatagramPacket(new byte[64], 64));
                Await.awaitTrue("junk counted", () -> server.stats().stun(StunCounter.NOT_STUN) == 1,
                    java.time.Duration.ofSeconds(10));
                assertThat(server.stats().stun(StunCounter.ANSWERED)).isEqualTo(1);
            }
            seenWhileServing = List.copyOf(lookups);
            try {
                InetAddress.getByName(CANARY);
            } catch (final SecurityException | UnknownHostException expected) {
                // refused before any query was sent
            }
        } finally {
            System.setSecurityManager(previous);
        }
        assertThat(seenWhileServing).as("names looked up while starting and serving STUN").isEmpty();
        assertThat(lookups).as("the trap saw the canary: it was live").containsExactly(CANARY);
    }
}
