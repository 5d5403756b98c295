package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.derpring.internal.frame.FrameType;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * D3 (issue 12): the write deadline restarts whenever a whole frame has left, as derper's per-frame
 * {@code --tcp-write-timeout}: a slow but steady reader stays, a stalled or byte-trickling one is closed. Kernel buffers
 * are kept small on both sides (server SO_SNDBUF, client SO_RCVBUF) so they do not hide the relay's behaviour.
 */
@Timeout(120)
class SlowReaderWriteTimeoutTest {
    private static final int SMALL_SOCKET_BUFFER = 4096;
    private static final int PACKET_BYTES = 512;
    /** 16 KiB/s of packets: twice what the slow reader takes, so the relay's queue rules must drop some. */
    private static final long SEND_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(31);
    private static final int SLOW_READER_BYTES_PER_SECOND = 8 * 1024;
    private static final Duration SLOW_READER_RUN = Duration.ofSeconds(20);
    /** Less than the 64 KiB high-water mark: the channel never becomes unwritable, only frames stop leaving. */
    private static final int STALL_PACKETS = 60;
    private static final int STALL_PACKET_BYTES = 1024;
    private static final long WRITE_TIMEOUT_NS = RelayConfig.DEFAULT_WRITE_DEADLINE_NS;
    /** The deadline is checked on each timer tick; generous slack for a loaded 2-core machine. */
    private static final Duration CLOSE_SLACK = Duration.ofSeconds(2);
    private DerpRelayServer server;

    static List<Transport> transports() {
        return Transport.available();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private InetSocketAddress start(final Transport transport) throws Exception {
        server = DerpRelayServer.builder().transport(transport).threads(1).rawDerp(true)
            .listen(new InetSocketAddress("127.0.0.1", 0)).socketSendBufferBytes(SMALL_SOCKET_BUFFER)
            .build().start();
        return server.localAddress();
    }

    private static DerpTestClient smallWindowClient(final InetSocketAddress where) throws IOException {
        final DerpTestClient c = DerpTestClient.open(where, null, NodePrivateKey.generate(), SMALL_SOCKET_BUFFER);
        c.handshake(DerpTestClient.Mode.RAW, io.derpring.internal.frame.ClientInfo.standard());
        return c;
    }

    private long droppedPackets() {
        long n = 0;
        for (final DropReason r : DropReason.values()) {
            n += server.relay().drops(r);
        }
        return n;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("D3: a reader taking 8 KiB/s for 20 s stays connected and gets every packet not dropped by queue rules")
    void steadySlowReaderStaysConnected(final Transport transport) throws Exception {
        final InetSocketAddress where = start(transport);
        try (DerpTestClient sender = DerpTestClient.connect(where, DerpTestClient.Mode.RAW, null);
             DerpTestClient reader = smallWindowClient(where)) {
            final AtomicLong received = new AtomicLong();
            final AtomicBoolean fullSpeed = new AtomicBoolean();
            final AtomicBoolean readerFailed = new AtomicBoolean();
            final Thread readLoop = new Thread(() -> {
                try {
                    final DataInputStream in = new DataInputStream(new Throttled(reader.socket().getInputStream(),
                        SLOW_READER_BYTES_PER_SECOND, fullSpeed));
                    for (;;) {
                        final int type = in.readUnsignedByte();
                        final byte[] payload = new byte[in.readInt()];
                        in.readFully(payload);
                        if (type == FrameType.RECV_PACKET) {
                            received.incrementAndGet();
                        }
                    }
                } catch (final IOException e) {
                    readerFailed.set(!reader.socket().isClosed());
                }
            }, "slow-reader");
            readLoop.setDaemon(true);
            readLoop.start();
            long sent = 0;
            final long endNs = System.nanoTime() + SLOW_READER_RUN.toNanos();
            for (long next = System.nanoTime(); next - endNs < 0; next += SEND_INTERVAL_NS) {
                LockSupport.parkNanos(next - System.nanoTime());
                sender.sendPacket(reader.publicKey(), new byte[PACKET_BYTES]);
                sent++;
            }
            fullSpeed.set(true);
            final long total = sent;
            awaitTrue("every packet received or counted as dropped",
                () -> received.get() + droppedPackets() == total || readerFailed.get(), Duration.ofSeconds(30));
            System.out.printf("slow reader: sent %d, received %d, dropped by queue rules %d%n", total, received.get(),
                droppedPackets());
            assertThat(readerFailed).as("the slow reader's connection failed").isFalse();
            assertThat(server.relay().counter(RelayCounter.CLOSED_WRITE_TIMEOUT)).isZero();
            assertThat(droppedPackets()).as("the sender outran the reader, so queue rules dropped some").isPositive();
            assertThat(received.get() + droppedPackets()).isEqualTo(total);
            reader.socket().close();
            readLoop.join(10_000);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("D3: a reader that reads nothing is closed about one write timeout after its frames stop leaving")
    void stalledReaderIsClosedWithinTheTimeout(final Transport transport) throws Exception {
        final InetSocketAddress where = start(transport);
        try (DerpTestClient sender = DerpTestClient.connect(where, DerpTestClient.Mode.RAW, null);
             DerpTestClient stalled = smallWindowClient(where)) {
            final long firstSendNs = sendBelowHighWaterMark(sender, stalled);
            awaitWriteTimeoutClose(firstSendNs);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    @DisplayName("D3: a reader taking 1 B/s makes byte progress but completes no frame, and is closed within the timeout")
    void oneBytePerSecondReaderIsClosedWithinTheTimeout(final Transport transport) throws Exception {
        final InetSocketAddress where = start(transport);
        try (DerpTestClient sender = DerpTestClient.connect(where, DerpTestClient.Mode.RAW, null);
             DerpTestClient trickle = smallWindowClient(where)) {
            final Thread readLoop = new Thread(() -> {
                try {
                    final InputStream in = new Throttled(trickle.socket().getInputStream(), 1, new AtomicBoolean());
                    while (in.read() >= 0) {
                        // one byte a second
                    }
                } catch (final IOException closed) {
                    // the server closed it, or the test did
                }
            }, "trickle-reader");
            readLoop.setDaemon(true);
            readLoop.start();
            final long firstSendNs = sendBelowHighWaterMark(sender, trickle);
            awaitWriteTimeoutClose(firstSendNs);
            trickle.socket().close();
            readLoop.join(10_000);
        }
    }

    /**
     * Sends the stalling packets; returns the time before the first, the earliest the relay's deadline can start (a
     * stall of this thread mid-loop must not make the close look early).
     */
    private static long sendBelowHighWaterMark(final DerpTestClient sender, final DerpTestClient to) throws IOException {
        final long firstSendNs = System.nanoTime();
        for (int i = 0; i < STALL_PACKETS; i++) {
            sender.sendPacket(to.publicKey(), new byte[STALL_PACKET_BYTES]);
        }
        return firstSendNs;
    }

    private void awaitWriteTimeoutClose(final long firstSendNs) {
        final Duration bound = Duration.ofNanos(WRITE_TIMEOUT_NS).plus(CLOSE_SLACK);
        awaitTrue("closed for the write timeout",
            () -> server.relay().counter(RelayCounter.CLOSED_WRITE_TIMEOUT) == 1, bound);
        final long tookNs = System.nanoTime() - firstSendNs;
        assertThat(tookNs).as("closed no earlier than the timeout minus one timer tick")
            .isGreaterThanOrEqualTo(WRITE_TIMEOUT_NS - DerpRelayServer.Settings.DEFAULT_TIMER_TICK_NS);
    }

    /** Reads at most {@code bytesPerSecond} on average, in small pieces, until {@code unthrottle} is set. */
    static final class Throttled extends InputStream {
        private static final int MAX_PIECE = 512;
        private final InputStream in;
        private final long bytesPerSecond;
        private final AtomicBoolean unthrottle;
        private final long startNs = System.nanoTime();
        private long taken;

        Throttled(final InputStream in, final long bytesPerSecond, final AtomicBoolean unthrottle) {
            this.in = in;
            this.bytesPerSecond = bytesPerSecond;
            this.unthrottle = unthrottle;
        }

        @Override
        public int read() throws IOException {
            final byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(final byte[] b, final int off, final int len) throws IOException {
            if (unthrottle.get()) {
                return in.read(b, off, len);
            }
            long allowed;
            while ((allowed = (System.nanoTime() - startNs) * bytesPerSecond / 1_000_000_000L - taken) <= 0) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                if (unthrottle.get()) {
                    return in.read(b, off, len);
                }
            }
            final int n = in.read(b, off, (int) Math.min(len, Math.min(allowed, MAX_PIECE)));
            if (n > 0) {
                taken += n;
            }
            return n;
        }
    }
}
