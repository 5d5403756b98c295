package io.derpring.server;

import static io.derpring.server.Await.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import io.derpring.internal.frame.FrameType;
import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.Relay;
import io.derpring.internal.relay.RelayConfig;
import io.derpring.internal.relay.RelayCounter;
import io.derpring.internal.relay.RelayGauge;
import io.derpring.transport.Transport;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Unpaced overload on loopback: four senders write 1200-byte packets as fast as TCP takes them to receivers that read
 * as fast as they can, through a relay with a small queue. After the senders stop, the test waits on the relay's
 * queue-depth gauges and counters (never on time): client queues and cross-loop handoffs empty, every packet sent read
 * by the relay, every packet forwarded read by its receiver. Then the shortfall is exactly the relay's counted drops (these clients drop nothing),
 * and no handoff needed the timer's rescue (every cross-loop wakeup arrived). On every transport available here.
 */
@Timeout(120)
class OverloadAccountingTest {
    private static final int PAIRS = 4;
    private static final int PACKETS_PER_SENDER = 3000;
    private static final int PACKET_BYTES = 1200;
    /** Small, so the senders outrun the queue and the relay has to drop or pause. */
    private static final int QUEUE_DEPTH = 4;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_RUNS = 3;

    private DerpRelayServer server;
    private final List<DerpTestClient> clients = new ArrayList<>();

    @AfterEach
    void stop() {
        clients.forEach(DerpTestClient::close);
        if (server != null) {
            server.close();
        }
    }

    /** Every transport available here, each with the sender pause off and at its default. */
    static Stream<Arguments> transportsAndPauses() {
        return Stream.of(Transport.values()).filter(Transport::isAvailable).flatMap(t -> Stream.of(
            Arguments.of(t, RelayConfig.SENDER_PAUSE_OFF), Arguments.of(t, RelayConfig.DEFAULT_SENDER_PAUSE_NS)));
    }

    @ParameterizedTest(name = "{0}, senderPauseNs {1}")
    @MethodSource("transportsAndPauses")
    @DisplayName("unpaced overload: after the drain, sent - delivered = the relay's counted drops, exactly")
    void shortfallEqualsCountedDropsAfterTheDrain(final Transport transport, final long senderPauseNs)
        throws Exception {
        long relayDrops = overloadOnce(transport, senderPauseNs);
        if (senderPauseNs == RelayConfig.SENDER_PAUSE_OFF && transport == Transport.IO_URING) {
            // io_uring dropped in nearly every run seen here (on epoll and NIO the early writes often keep up with four
            // loopback senders, and the accounting is what those runs check). Whether a run drops still depends on how
            // two shared cores are scheduled, so up to MAX_RUNS fresh runs are made until one does; each balances.
            for (int run = 2; run <= MAX_RUNS && relayDrops == 0; run++) {
                stop();
                clients.clear();
                relayDrops = overloadOnce(transport, senderPauseNs);
            }
            assertThat(relayDrops).as("without the pause the senders outrun the queue in one of %d runs", MAX_RUNS)
                .isPositive();
        }
    }

    /** One unpaced overload run on a fresh relay; asserts its account balances exactly and returns its drops. */
    private long overloadOnce(final Transport transport, final long senderPauseNs) throws Exception {
        server = DerpRelayServer.builder().threads(2).rawDerp(true).metricsAddress(null).transport(transport)
            .listen(new InetSocketAddress("127.0.0.1", 0)).queueDepth(QUEUE_DEPTH).senderPauseNs(senderPauseNs)
            .build().start();
        final Relay<?> relay = server.relay();
        final List<Thread> senders = new ArrayList<>();
        final List<Thread> receivers = new ArrayList<>();
        final AtomicLong delivered = new AtomicLong();
        final AtomicLong outOfOrder = new AtomicLong();
        for (int p = 0; p < PAIRS; p++) {
            final DerpTestClient from = connect();
            final DerpTestClient to = connect();
            receivers.add(start("receiver-" + p, () -> receive(to, delivered, outOfOrder)));
            senders.add(start("sender-" + p, () -> send(from, to)));
        }
        for (final Thread t : senders) {
            t.join();
        }
        final long sent = (long) PAIRS * PACKETS_PER_SENDER;
        awaitTrue("relay drained: queues empty, every packet read and every forwarded one received", () ->
            relay.gauge(RelayGauge.QUEUED_DATA_PACKETS) == 0 && relay.gauge(RelayGauge.QUEUED_DISCO_PACKETS) == 0
                && relay.gauge(RelayGauge.QUEUED_BYTES) == 0 && relay.gauge(RelayGauge.HANDOFFS_PENDING) == 0
                && relay.counter(RelayCounter.PACKETS_RECEIVED) == sent
                && relay.counter(RelayCounter.PACKETS_FORWARDED) == delivered.get(), DRAIN_TIMEOUT);
        long relayDrops = 0;
        for (final DropReason r : DropReason.values()) {
            relayDrops += relay.drops(r);
        }
        assertThat(sent - delivered.get()).as("shortfall = relay drops + client drops (0); relay: %s", relay.snapshot())
            .isEqualTo(relayDrops);
        assertThat(outOfOrder).as("drops never reorder").hasValue(0);
        // Every handoff was drained by the pass its wakeup brought: none waited for the timer's safety net.
        assertThat(relay.counter(RelayCounter.HANDOFFS_RESCUED)).as("handoffs rescued by the timer").isZero();
        clients.forEach(DerpTestClient::close);
        for (final Thread t : receivers) {
            t.join();
        }
        return relayDrops;
    }

    private DerpTestClient connect() throws IOException {
        final DerpTestClient c = DerpTestClient.connect(server.localAddress(), DerpTestClient.Mode.RAW, null);
        clients.add(c);
        return c;
    }

    private static Thread start(final String name, final ThrowingRunnable body) {
        final Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (final IOException e) {
                // a receiver's socket closed by the test at the end
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void send(final DerpTestClient from, final DerpTestClient to) throws IOException {
        final byte[] packet = new byte[PACKET_BYTES];
        final UnsafeBuffer seq = new UnsafeBuffer(packet);
        for (int i = 0; i < PACKETS_PER_SENDER; i++) {
            seq.putInt(0, i);
            from.sendPacket(to.publicKey(), packet);
        }
    }

    private static void receive(final DerpTestClient to, final AtomicLong delivered, final AtomicLong outOfOrder)
        throws IOException {
        to.socket().setSoTimeout(0); // read until the test closes the socket
        int last = -1;
        for (;;) {
            final DerpTestClient.Frame f = to.readFrame();
            if (f.type() != FrameType.RECV_PACKET) {
                continue;
            }
            final int seq = new UnsafeBuffer(DerpTestClient.packet(f)).getInt(0);
            if (seq <= last) {
                outOfOrder.incrementAndGet();
            }
            last = seq;
            delivered.incrementAndGet();
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws IOException;
    }
}
