package io.derpring.transport.engine;

import static io.derpring.server.Await.awaitTrue;
import static io.derpring.transport.engine.LoopbackRegions.R900;
import static io.derpring.transport.engine.LoopbackRegions.R901;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.derpring.engine.SendResult;
import io.derpring.metrics.Metric;
import io.derpring.internal.relay.DropReason;
import io.derpring.internal.relay.Relay;
import io.derpring.transport.Transport;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 13 gates for the send path, with real engines and a real relay on 127.0.0.1: a gateway that retries on
 * BACK_PRESSURED loses nothing at the client, and bad input never wedges a region.
 */
@Timeout(180)
class SendBackpressureLoopbackTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration NO_IDLE = Duration.ofSeconds(60);
    private static final int SENDERS = 4;
    private static final int SENDS_PER_THREAD = 10_000;
    private static final int LENGTH = 200;
    private static final int OVERSIZED = 70_000;

    private LoopbackRegions regions;
    private final List<LoopbackPeer> peers = new ArrayList<>();

    @AfterEach
    void closeEverything() {
        peers.forEach(LoopbackPeer::close);
        if (regions != null) {
            regions.close();
        }
    }

    private LoopbackPeer peer(final String name) {
        final LoopbackPeer p = new LoopbackPeer(name, regions.transport(), NO_IDLE);
        peers.add(p);
        return p;
    }

    private static long clientDrops(final LoopbackPeer p) {
        long sum = 0;
        for (final Metric m : p.netty.metrics().engineWide()) {
            final String name = m.name();
            if (name.contains("dropped") || name.startsWith("derpring_engine_client_rejected")
                || name.startsWith("derpring_engine_region_rejected")) {
                sum += m.value();
            }
        }
        return sum;
    }

    private static long relayDrops(final Relay<?> relay, final DropReason... reasons) {
        long sum = 0;
        for (final DropReason r : reasons) {
            sum += relay.drops(r);
        }
        return sum;
    }

    @Test
    @DisplayName("4 threads x 10,000 tight-loop sends retrying BACK_PRESSURED: 0 client drops; delivered + relay queue drops = all")
    void retryingOnBackPressureLosesNothingAtTheClient() throws Exception {
        regions = new LoopbackRegions(Transport.detect());
        final LoopbackPeer a = peer("a");
        final LoopbackPeer b = peer("b");
        a.netmap(b, R900).join(regions.map(), R900);
        b.netmap(a, R900).join(regions.map(), R900);
        awaitTrue("both on 900", () -> a.connected(R900) && b.connected(R900)
            && regions.connectedAt(R900, a.key()) && regions.connectedAt(R900, b.key()), WAIT);

        final CountDownLatch go = new CountDownLatch(1);
        final AtomicLong backPressured = new AtomicLong();
        final AtomicReference<SendResult> unexpected = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < SENDERS; t++) {
            final int id = t;
            final Thread thread = new Thread(() -> {
                final UnsafeBuffer packet = new UnsafeBuffer(new byte[LENGTH]);
                final IdleStrategy idle = new BackoffIdleStrategy(10, 10, 1_000, TimeUnit.MICROSECONDS.toNanos(100));
                try {
                    go.await();
                } catch (final InterruptedException e) {
                    return;
                }
                for (int i = 0; i < SENDS_PER_THREAD; i++) {
                    packet.putInt(0, id << 24 | i);
                    SendResult r;
                    while ((r = a.engine().send(b.key(), packet, 0, LENGTH)) == SendResult.BACK_PRESSURED) {
                        backPressured.incrementAndGet();
                        idle.idle();
                    }
                    idle.reset();
                    if (r != SendResult.ACCEPTED) {
                        unexpected.compareAndSet(null, r);
                    }
                }
            }, "sender-" + t);
            threads.add(thread);
            thread.start();
        }
        go.countDown();
        for (final Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(120));
            assertThat(t.isAlive()).as("%s finished", t.getName()).isFalse();
        }
        assertThat(unexpected.get()).as("every send ends ACCEPTED once connected").isNull();

        final Relay<?> relay = regions.relay(R900).relay();
        final long total = (long) SENDERS * SENDS_PER_THREAD;
        awaitTrue("every packet delivered or dropped by the relay's queue",
            () -> b.received.size() + relayDrops(relay, DropReason.QUEUE_HEAD, DropReason.QUEUE_TAIL) == total, WAIT);

        final Set<Integer> seen = new HashSet<>();
        for (final LoopbackPeer.Received r : b.received) {
            assertThat(seen.add(r.seq())).as("no packet twice").isTrue();
        }
        assertThat(clientDrops(a)).as("sender's client-side drops: %s", a.netty.metrics().prometheusText()).isZero();
        assertThat(clientDrops(b)).as("receiver's client-side drops: %s", b.netty.metrics().prometheusText()).isZero();
        assertThat(relayDrops(relay, DropReason.values())
            - relayDrops(relay, DropReason.QUEUE_HEAD, DropReason.QUEUE_TAIL)).as("no other relay drop").isZero();
        assertThat(a.metric("derpring_engine_region_back_pressured")).isEqualTo(backPressured.get());
        System.out.printf("backpressure gate: %d delivered, %d relay queue drops, %d BACK_PRESSURED retries%n",
            b.received.size(), relayDrops(relay, DropReason.QUEUE_HEAD, DropReason.QUEUE_TAIL), backPressured.get());
    }

    @Test
    @DisplayName("issue 13 bug 1: a 70,000 B packet sent while the region connects is REJECTED; the region connects and accepts")
    void anOversizedPacketWhileConnectingDoesNotWedgeTheRegion() throws Exception {
        regions = new LoopbackRegions(Transport.NIO);
        final LoopbackPeer a = peer("a");
        final LoopbackPeer b = peer("b");
        a.netmap(b, R901).join(regions.map(), R900);
        b.netmap(a, R900).join(regions.map(), R901);
        awaitTrue("homes", () -> a.connected(R900) && b.connected(R901) && regions.connectedAt(R901, b.key()), WAIT);

        assertThat(a.send(b, 0, OVERSIZED)).isEqualTo(SendResult.REJECTED);
        assertThat(a.send(b, 1, LENGTH)).as("901 is dormant: the waking packet").isEqualTo(SendResult.QUEUED);
        awaitTrue("901 connected", () -> a.connected(R901), WAIT);
        final int[] seq = {2};
        awaitTrue("a send to 901 goes to the connection, not the pending queue",
            () -> a.send(b, seq[0]++, LENGTH) == SendResult.ACCEPTED, WAIT);
        awaitTrue("the waking packet and the accepted one arrived",
            () -> b.receivedFrom(a, R901, 1) && b.receivedFrom(a, R901, seq[0] - 1), WAIT);
        assertThat(a.send(b, 0, OVERSIZED)).as("connected: still rejected, never thrown")
            .isEqualTo(SendResult.REJECTED);
        assertThat(a.metric("derpring_engine_region_rejected_invalid")).isEqualTo(2);
    }
}
