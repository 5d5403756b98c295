package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;

import io.derpring.derpmap.TransportSecurity;
import io.derpring.engine.SendResult;
import io.derpring.internal.frame.FrameLimits;
import io.derpring.keys.NodePrivateKey;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What one connection's send and sendDisco answer (issue 13): backpressure, its disco queue, bad input, close. */
@Timeout(60)
class ConnectionSendResultTest {
    static final ClientHarness HARNESS = new ClientHarness();
    private static final Transport TRANSPORT = Transport.NIO;

    final NodePrivateKey keyA = NodePrivateKey.generate();
    final NodePrivateKey keyB = NodePrivateKey.generate();

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private DerpNodeConnection connected(final MiniDerpServer server, final TestRing ring) throws Exception {
        final DerpNodeConnection c = DerpNodeConnection.builder()
            .transport(TRANSPORT, HARNESS.group(TRANSPORT))
            .node(ClientHarness.node("derp.test", server.port()))
            .security(new TransportSecurity.PlainHttp())
            .privateKey(keyA)
            .ring(ring.ring, ClientHarness.REGION)
            .build();
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    @DisplayName("a stalled reader fills the queue: BACK_PRESSURED, nothing dropped; disco still has room of its own")
    void aFullQueueBackPressuresAndDropsNothingWhileDiscoStillGoes() throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64)) {
            server.stalled.add(keyA.publicKey());
            final DerpNodeConnection a = connected(server, ring);
            try {
                final UnsafeBuffer packet = new UnsafeBuffer(new byte[1024]);
                long accepted = 0;
                SendResult last = SendResult.ACCEPTED;
                for (int i = 0; i < 20_000 && last != SendResult.BACK_PRESSURED; i++) {
                    last = a.send(keyB.publicKey(), packet, 0, packet.capacity());
                    if (last == SendResult.ACCEPTED) {
                        accepted++;
                    }
                }
                assertThat(last).as("the socket and then the queue filled").isEqualTo(SendResult.BACK_PRESSURED);
                assertThat(a.counters().get(ClientCounter.BACK_PRESSURED)).isEqualTo(1);
                assertThat(a.counters().get(ClientCounter.DROPPED_QUEUE_OLDEST)).isZero();
                assertThat(a.counters().get(ClientCounter.DROPPED_QUEUE_FULL)).isZero();
                // The event loop may be between taking a packet off the queue and counting it written: the sum
                // settles to `accepted` unless a packet was dropped, and then it never does.
                final long acceptedTotal = accepted;
                Await.until("every accepted packet is written or still queued (accepted " + acceptedTotal + ")",
                    () -> a.counters().get(ClientCounter.PACKETS_SENT) + a.queuedPackets() == acceptedTotal);
                for (int i = 0; i < DerpClientSettings.DEFAULT_DISCO_QUEUE_DEPTH; i++) {
                    assertThat(a.sendDisco(keyB.publicKey(), packet, 0, 100)).isEqualTo(SendResult.ACCEPTED);
                }
                // The socket may still take a few bytes (the stalled peer's receive window can grow), so the loop may
                // drain a disco packet or two meanwhile: the disco queue fills, and says so, within a bounded number.
                SendResult disco = SendResult.ACCEPTED;
                for (int i = 0; i < 20_000 && disco == SendResult.ACCEPTED; i++) {
                    disco = a.sendDisco(keyB.publicKey(), packet, 0, 100);
                }
                assertThat(disco).as("the disco queue filled in turn").isEqualTo(SendResult.BACK_PRESSURED);
                assertThat(a.counters().get(ClientCounter.DISCO_QUEUE_FULL)).isEqualTo(1);
            } finally {
                a.close();
            }
        }
    }

    @Test
    @DisplayName("bad length or offset: REJECTED and counted, never thrown; 64 KiB exactly is accepted")
    void badArgumentsAreRejectedAndCounted() throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection a = connected(server, ring);
            try {
                final UnsafeBuffer big = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE + 1]);
                assertThat(a.send(keyB.publicKey(), big, 0, FrameLimits.MAX_PACKET_SIZE))
                    .isEqualTo(SendResult.ACCEPTED);
                assertThat(a.send(keyB.publicKey(), big, 0, FrameLimits.MAX_PACKET_SIZE + 1))
                    .isEqualTo(SendResult.REJECTED);
                assertThat(a.send(keyB.publicKey(), big, 2, FrameLimits.MAX_PACKET_SIZE)).isEqualTo(SendResult.REJECTED);
                assertThat(a.sendDisco(keyB.publicKey(), big, -1, 10)).isEqualTo(SendResult.REJECTED);
                assertThat(a.send(null, big, 0, 10)).isEqualTo(SendResult.REJECTED);
                assertThat(a.counters().get(ClientCounter.REJECTED_INVALID)).isEqualTo(4);
                assertThat(a.isConnected()).isTrue();
            } finally {
                a.close();
            }
        }
    }

    @Test
    @DisplayName("issue 13 hazard: a send racing close is reclaimed and counted (NO_ROUTE), never left in the queue")
    void aSendRacingCloseIsReclaimedAndCounted() throws Exception {
        try (MiniDerpServer server = new MiniDerpServer(null); TestRing ring = new TestRing(64)) {
            final DerpNodeConnection a = connected(server, ring);
            // The copy into the queue reads the caller's buffer after the state check: closing the connection
            // there is exactly the interleaving in which close clears the queue before the packet lands in it.
            final UnsafeBuffer closesDuringCopy = new UnsafeBuffer(new byte[100]) {
                private boolean fired;

                @Override
                public byte[] byteArray() {
                    if (!fired) {
                        fired = true;
                        a.close();
                        a.closeFuture().join();
                    }
                    return super.byteArray();
                }
            };
            assertThat(a.send(keyB.publicKey(), closesDuringCopy, 0, 100)).isEqualTo(SendResult.NO_ROUTE);
            assertThat(a.queuedPackets()).isZero();
            assertThat(a.counters().get(ClientCounter.DROPPED_UNSENT_AT_CLOSE)).isEqualTo(1);
        }
    }
}
