package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.derpring.internal.metrics.PrometheusTextParser;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The dumb TCP forwarder of issue 15's baseline: forwards raw length-prefixed bytes, bounded, flow-controlled. */
@Timeout(60)
class TcpForwarderTest {
    private static final InetSocketAddress ANY = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(20);

    private TcpForwarder forwarder;

    private TcpForwarder start(final int maxConnections, final long helloTimeoutNs) throws InterruptedException {
        forwarder = TcpForwarder.start(ANY, ANY, Transport.detect(), 1, maxConnections, helloTimeoutNs);
        return forwarder;
    }

    private TcpForwarder start() throws InterruptedException {
        return start(TcpForwarder.DEFAULT_MAX_CONNECTIONS, TcpForwarder.DEFAULT_HELLO_TIMEOUT_NS);
    }

    @AfterEach
    void stop() {
        if (forwarder != null) {
            forwarder.close();
        }
    }

    private Socket connect(final int own, final int peer) throws IOException {
        return connect(own, peer, 0);
    }

    /** @param receiveBuffer SO_RCVBUF to ask for before connecting; 0 = the default */
    private Socket connect(final int own, final int peer, final int receiveBuffer) throws IOException {
        final Socket s = new Socket();
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(forwarder.localAddress(), 5000);
        s.setSoTimeout(10_000);
        final byte[] hello = new byte[ForwarderProtocol.HELLO_LENGTH];
        ForwarderProtocol.writeHello(new UnsafeBuffer(hello), 0, own, peer);
        s.getOutputStream().write(hello);
        return s;
    }

    private static void sendPacket(final Socket s, final byte[] payload) throws IOException {
        final DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(payload.length);
        out.write(payload);
        out.flush();
    }

    private static byte[] payload(final int length, final int seed) {
        final byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    /** Waits for {@code counter} to reach {@code at least}; fails after {@link #WAIT_NS}. */
    private static void await(final LongSupplier counter, final long atLeast) throws InterruptedException {
        final long deadline = System.nanoTime() + WAIT_NS;
        while (counter.getAsLong() < atLeast) {
            assertThat(System.nanoTime() - deadline).as("counter reached %d", atLeast).isNegative();
            Thread.sleep(5);
        }
    }

    /** Reads until the peer closes: true when it did (EOF or reset), within the socket timeout. */
    private static boolean closedByPeer(final Socket s) throws IOException {
        final InputStream in = s.getInputStream();
        try {
            while (in.read() >= 0) {
                // whatever was in flight
            }
            return true;
        } catch (final java.net.SocketException reset) {
            return true;
        }
    }

    @Test
    void receiverReadsExactlyPrefixAndPayloadNoOtherFraming() throws Exception {
        start();
        try (Socket a = connect(1, 2); Socket b = connect(2, 1)) {
            final byte[] p = payload(1200, 7);
            sendPacket(a, p);
            sendPacket(a, payload(28, 9));
            final DataInputStream in = new DataInputStream(b.getInputStream());
            final byte[] wire = new byte[4 + 1200 + 4 + 28];
            in.readFully(wire);
            assertThat(Arrays.copyOfRange(wire, 0, 4)).containsExactly(0, 0, 4, (byte) 0xb0);
            assertThat(Arrays.copyOfRange(wire, 4, 1204)).isEqualTo(p);
            assertThat(Arrays.copyOfRange(wire, 1208, wire.length)).isEqualTo(payload(28, 9));
            await(() -> forwarder.counter(ForwarderCounter.PACKETS_FORWARDED), 2);
            assertThat(forwarder.counter(ForwarderCounter.BYTES_FORWARDED)).isEqualTo(wire.length);
        }
    }

    @Test
    void packetsSentBeforeThePeersHelloWaitAndArrive() throws Exception {
        start();
        try (Socket a = connect(10, 11)) {
            sendPacket(a, payload(100, 1));
            try (Socket b = connect(11, 10)) {
                final byte[] got = new byte[104];
                new DataInputStream(b.getInputStream()).readFully(got);
                assertThat(Arrays.copyOfRange(got, 4, 104)).isEqualTo(payload(100, 1));
            }
        }
    }

    @Test
    void packetOfMaxLengthIsForwardedAndOneAboveClosesCounted() throws Exception {
        start();
        try (Socket a = connect(1, 2); Socket b = connect(2, 1)) {
            sendPacket(a, payload(ForwarderProtocol.MAX_PACKET_LENGTH, 3));
            final byte[] got = new byte[4 + ForwarderProtocol.MAX_PACKET_LENGTH];
            new DataInputStream(b.getInputStream()).readFully(got);
            assertThat(Arrays.copyOfRange(got, 4, got.length)).isEqualTo(payload(ForwarderProtocol.MAX_PACKET_LENGTH, 3));

            new DataOutputStream(a.getOutputStream()).writeInt(ForwarderProtocol.MAX_PACKET_LENGTH + 1);
            assertThat(closedByPeer(a)).isTrue();
            await(() -> forwarder.counter(ForwarderCounter.CLOSED_BAD_LENGTH), 1);
        }
    }

    @Test
    void zeroLengthClosesCounted() throws Exception {
        start();
        try (Socket a = connect(1, 2); Socket b = connect(2, 1)) {
            new DataOutputStream(a.getOutputStream()).writeInt(0);
            assertThat(closedByPeer(a)).isTrue();
            await(() -> forwarder.counter(ForwarderCounter.CLOSED_BAD_LENGTH), 1);
        }
    }

    @Test
    void wrongMagicClosesCounted() throws Exception {
        start();
        try (Socket s = new Socket()) {
            s.connect(forwarder.localAddress(), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /derp HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(closedByPeer(s)).isTrue();
        }
        await(() -> forwarder.counter(ForwarderCounter.CLOSED_BAD_HELLO), 1);
    }

    @Test
    void ownIdAsPeerIdClosesCounted() throws Exception {
        start();
        try (Socket s = connect(5, 5)) {
            assertThat(closedByPeer(s)).isTrue();
        }
        await(() -> forwarder.counter(ForwarderCounter.CLOSED_BAD_HELLO), 1);
    }

    @Test
    void takenIdClosesTheSecondCounted() throws Exception {
        start();
        try (Socket first = connect(1, 2); Socket second = connect(1, 3)) {
            assertThat(closedByPeer(second)).isTrue();
            await(() -> forwarder.counter(ForwarderCounter.CLOSED_DUPLICATE_ID), 1);
            assertThat(first.isClosed()).isFalse();
        }
    }

    @Test
    void noHelloWithinTheTimeoutClosesCounted() throws Exception {
        start(TcpForwarder.DEFAULT_MAX_CONNECTIONS, TimeUnit.MILLISECONDS.toNanos(200));
        try (Socket s = new Socket()) {
            s.connect(forwarder.localAddress(), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(new byte[ForwarderProtocol.HELLO_LENGTH - 1]); // one byte short
            assertThat(closedByPeer(s)).isTrue();
        }
        await(() -> forwarder.counter(ForwarderCounter.CLOSED_HELLO_TIMEOUT), 1);
    }

    @Test
    void connectionsAtTheCapAreServedAndOneAboveIsClosedCounted() throws Exception {
        start(2, TcpForwarder.DEFAULT_HELLO_TIMEOUT_NS);
        try (Socket a = connect(1, 2); Socket b = connect(2, 1)) {
            await(() -> forwarder.openConnections(), 2);
            try (Socket third = connect(3, 1)) {
                assertThat(closedByPeer(third)).isTrue();
            }
            await(() -> forwarder.counter(ForwarderCounter.CLOSED_TOO_MANY_CONNECTIONS), 1);
            sendPacket(a, payload(10, 1));
            final byte[] got = new byte[14];
            new DataInputStream(b.getInputStream()).readFully(got);
            assertThat(Arrays.copyOfRange(got, 4, 14)).isEqualTo(payload(10, 1));
        }
    }

    @Test
    void senderWithoutAPeerIsNotReadUntilThePeerArrivesAndLosesNothing() throws Exception {
        start();
        final int packets = 200; // 13 MB: far more than the socket buffers, so the forwarder must stop reading
        final byte[] p = payload(ForwarderProtocol.MAX_PACKET_LENGTH, 0);
        try (Socket a = connect(1, 2)) {
            final Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < packets; i++) {
                        sendPacket(a, p);
                    }
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            try (Socket b = connect(2, 1)) {
                final DataInputStream in = new DataInputStream(b.getInputStream());
                final byte[] got = new byte[p.length];
                for (int i = 0; i < packets; i++) {
                    assertThat(in.readInt()).isEqualTo(p.length);
                    in.readFully(got);
                }
                assertThat(got).isEqualTo(p);
            }
            writer.join(10_000);
        }
        assertThat(forwarder.counter(ForwarderCounter.PACKETS_FORWARDED)).isEqualTo(packets);
    }

    @Test
    void slowReceiverPausesTheSenderAndNothingIsLost() throws Exception {
        start();
        final int packets = 10_000;
        final int size = 1200;
        try (Socket a = connect(1, 2); Socket b = connect(2, 1, 4096)) {
            final Thread writer = new Thread(() -> {
                try {
                    for (int i = 0; i < packets; i++) {
                        sendPacket(a, payload(size, i));
                    }
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            writer.start();
            // b reads nothing yet and has a small receive buffer: 12 MB cannot fit the destination's 64 KiB mark
            // and the socket buffers, so the forwarder pauses reading a; then b drains every packet, in order.
            await(() -> forwarder.counter(ForwarderCounter.READ_PAUSES), 1);
            final DataInputStream in = new DataInputStream(b.getInputStream());
            for (int i = 0; i < packets; i++) {
                assertThat(in.readInt()).isEqualTo(size);
                final byte[] got = new byte[size];
                in.readFully(got);
                assertThat(got).isEqualTo(payload(size, i));
            }
            writer.join(10_000);
            assertThat(forwarder.counter(ForwarderCounter.PACKETS_FORWARDED)).isEqualTo(packets);
        }
    }

    @Test
    void metricsPageHasCountersAndProcessCpu() throws Exception {
        start();
        final String response = HttpEndpointsTest.exchange(forwarder.metricsAddress(),
            "GET /metrics HTTP/1.1\r\nHost: f\r\nConnection: close\r\n\r\n");
        final PrometheusTextParser page = PrometheusTextParser.parse(response.substring(response.indexOf("\r\n\r\n") + 4));

        assertThat(page.samples).containsKey("forwarder_packets_forwarded_total")
            .containsKey("forwarder_connections_closed_total{reason=\"bad_length\"}");
        assertThat(page.values.get("process_cpu_seconds_total")).isPositive();
    }

    @Test
    void readyLineNamesBothBoundPorts() throws Exception {
        start();
        final String line = ForwarderMain.readyLine(forwarder);
        assertThat(line).startsWith(ForwarderMain.READY_PREFIX)
            .contains(":" + forwarder.localAddress().getPort() + ForwarderMain.METRICS_WORD)
            .endsWith(":" + forwarder.metricsAddress().getPort());
    }
}
