package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.derpring.keys.NodePrivateKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lock-free cross-shard handoff. */
@Timeout(60)
class ShardMailboxTest {

    @Test
    void manyProducersOneConsumerLoseAndDuplicateNothing() throws Exception {
        final int producers = 3;
        final int perProducer = 200_000;
        final RelayTestbed bed = new RelayTestbed(1, RelayTestbed.config().mailboxCapacity(1024).queueDepth(1 << 16));
        final RelayTestbed.Peer sink = bed.connect(0, NodePrivateKey.generate().publicKey());
        sink.sink.writable = false; // keep everything queued: we count arrivals by sequence
        final ShardMailbox mailbox = new ShardMailbox(1024);
        final RelayKey source = RelayKey.of(NodePrivateKey.generate().publicKey());
        final CountDownLatch start = new CountDownLatch(1);
        final List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            final int id = p;
            final Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (final InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    final byte[] frame = {(byte) id, (byte) (i >>> 16), (byte) (i >>> 8), (byte) i};
                    while (!mailbox.offer(sink.client, frame, 4, source, false)) {
                        Thread.onSpinWait();
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        final int[] next = new int[producers];
        int outOfOrder = 0;
        final RelayShard<byte[]> shard = bed.shards.get(0);
        final PacketQueue queue = sink.client.dataQueue;
        start.countDown();
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(50);
        int received = 0;
        while (received < producers * perProducer && System.nanoTime() < deadline) {
            mailbox.drain(shard, 4096);
            for (Object o; (o = queue.poll()) != null; ) {
                final byte[] f = (byte[]) o;
                final int id = f[0];
                final int seq = ((f[1] & 0xff) << 16) | ((f[2] & 0xff) << 8) | (f[3] & 0xff);
                if (seq != next[id]) {
                    outOfOrder++;
                }
                next[id] = seq + 1;
                received++;
            }
        }
        for (final Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(10));
        }
        assertThat(received).isEqualTo(producers * perProducer);
        assertThat(outOfOrder).as("per-producer FIFO").isZero();
        for (final int n : next) {
            assertThat(n).isEqualTo(perProducer);
        }
        assertThat(mailbox.offer(sink.client, new byte[1], 1, null, false)).isTrue();
    }

    @Test
    void fullMailboxRefusesTheOffer() {
        final ShardMailbox mailbox = new ShardMailbox(2);
        assertThat(mailbox.offer(null, new byte[1], 1, null, false)).isTrue();
        assertThat(mailbox.offer(null, new byte[1], 1, null, false)).isTrue();
        assertThat(mailbox.offer(null, new byte[1], 1, null, false)).isFalse();
        assertThat(mailbox.size()).isEqualTo(2);
    }
}
