package io.derpring.internal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;

import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Allocations;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The steady-state packet path (SendPacket in, RecvPacket written) allocates nothing per packet (STYLE §6.6). */
class ForwardingAllocationTest {
    private static final int PACKET = 1200;
    private static final int ITERATIONS = 20_000;

    /** Recycles frames: the allocation the relay asks for is the transport's pool, not the heap. */
    static final class PooledMemory implements FrameMemory<byte[]> {
        final ArrayDeque<byte[]> free = new ArrayDeque<>();

        @Override
        public byte[] allocate(final int length, final UnsafeBuffer view) {
            byte[] f = free.poll();
            if (f == null || f.length != length) {
                f = new byte[length];
            }
            view.wrap(f);
            return f;
        }

        @Override
        public void release(final byte[] frame) {
            free.add(frame);
        }
    }

    /** Writes nothing anywhere: returns each frame to the pool, as a transport does once it is sent. */
    static final class DiscardingSink implements ClientSink<byte[]> {
        final PooledMemory memory;
        long written;

        DiscardingSink(final PooledMemory memory) {
            this.memory = memory;
        }

        @Override
        public boolean isWritable() {
            return true;
        }

        @Override
        public void writePacket(final byte[] frame, final int length) {
            written++;
            memory.release(frame);
        }

        @Override
        public void writeControl(final DirectBuffer src, final int offset, final int length) {
            written++;
        }

        @Override
        public void flush() {
        }

        @Override
        public long framesSent() {
            return written;
        }

        @Override
        public boolean hasUnsentFrames() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 2})
    void forwardingAPacketAllocatesNothing(final int shards) {
        final PooledMemory memory = new PooledMemory();
        final Relay<byte[]> relay = new Relay<>(RelayConfig.builder().build(), memory, null);
        for (int i = 0; i < shards; i++) {
            relay.addShard(new RelayTestbed.CountingScheduler());
        }
        final RelayShard<byte[]> s0 = relay.shards().get(0);
        final RelayShard<byte[]> s1 = relay.shards().get(shards - 1);
        final DiscardingSink sinkA = new DiscardingSink(memory);
        final DiscardingSink sinkB = new DiscardingSink(memory);
        final RelayClient<byte[]> a = s0.register(sinkA, NodePrivateKey.generate().publicKey(), null, false, null);
        final RelayClient<byte[]> b = s1.register(sinkB, NodePrivateKey.generate().publicKey(), null, false, null);
        final UnsafeBuffer payload = RelayTestbed.sendPayload(b.key(), new byte[PACKET]);
        final int offset = RelayTestbed.PAYLOAD_OFFSET;
        final long[] runs = {0};
        final Runnable forward = () -> {
            runs[0]++;
            a.noteActivity();
            a.onSendPacket(payload, offset, 32 + PACKET);
            s1.runPass();
            s0.runPass();
        };
        final long bytes = Allocations.measure(ITERATIONS, forward);
        // Every forwarded packet is written once: measure() runs warm-up plus one to three rounds.
        assertThat(sinkB.written).isEqualTo(runs[0]);
        assertThat(bytes).as("bytes allocated for %d packets", ITERATIONS).isLessThan(ITERATIONS / 10);
    }

    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 2})
    void forwardingAPacketToAMeshPeerAllocatesNothing(final int shards) {
        final PooledMemory memory = new PooledMemory();
        final Relay<byte[]> relay = new Relay<>(RelayConfig.builder().build(), memory, null);
        for (int i = 0; i < shards; i++) {
            relay.addShard(new RelayTestbed.CountingScheduler());
        }
        final RelayShard<byte[]> s0 = relay.shards().get(0);
        final RelayShard<byte[]> s1 = relay.shards().get(shards - 1);
        final RelayClient<byte[]> a = s0.register(new DiscardingSink(memory), NodePrivateKey.generate().publicKey(),
            null, false, null);
        final MeshPeer<byte[]> peer = relay.addMeshPeer("b");
        final DiscardingSink linkSink = new DiscardingSink(memory);
        peer.linkUp(s1.registerMeshLink(linkSink, NodePrivateKey.generate().publicKey(), peer));
        final io.derpring.keys.NodeKey remote = NodePrivateKey.generate().publicKey();
        peer.onPeerPresent(RelayKey.of(remote));
        final UnsafeBuffer payload = RelayTestbed.sendPayload(remote, new byte[PACKET]);
        final int offset = RelayTestbed.PAYLOAD_OFFSET;
        final long[] runs = {0};
        final Runnable forward = () -> {
            runs[0]++;
            a.noteActivity();
            a.onSendPacket(payload, offset, 32 + PACKET);
            s1.runPass();
            s0.runPass();
        };
        final long bytes = Allocations.measure(ITERATIONS, forward);
        assertThat(linkSink.written).isEqualTo(runs[0]);
        assertThat(bytes).as("bytes allocated for %d packets", ITERATIONS).isLessThan(ITERATIONS / 10);
    }
    /** A receiver at {@link RelayConfig#maxSourcesPerReceiver()}: refusing (and counting) a source allocates nothing. */
    @ParameterizedTest(name = "{0} shard(s)")
    @ValueSource(ints = {1, 2})
    void forwardingFromASourceOverTheReceiversBoundAllocatesNothing(final int shards) {
        final PooledMemory memory = new PooledMemory();
        final Relay<byte[]> relay = new Relay<>(RelayConfig.builder().maxSourcesPerReceiver(1).build(), memory, null);
        for (int i = 0; i < shards; i++) {
            relay.addShard(new RelayTestbed.CountingScheduler());
        }
        final RelayShard<byte[]> s0 = relay.shards().get(0);
        final RelayShard<byte[]> s1 = relay.shards().get(shards - 1);
        final RelayClient<byte[]> first = s0.register(new DiscardingSink(memory), NodePrivateKey.generate().publicKey(),
            null, false, null);
        final RelayClient<byte[]> a = s0.register(new DiscardingSink(memory), NodePrivateKey.generate().publicKey(),
            null, false, null);
        final DiscardingSink sinkB = new DiscardingSink(memory);
        final RelayClient<byte[]> b = s1.register(sinkB, NodePrivateKey.generate().publicKey(), null, false, null);
        final UnsafeBuffer payload = RelayTestbed.sendPayload(b.key(), new byte[PACKET]);
        final int offset = RelayTestbed.PAYLOAD_OFFSET;
        first.onSendPacket(payload, offset, 32 + PACKET); // takes b's only slot
        s1.runPass();
        s0.runPass();
        final Runnable forward = () -> {
            a.noteActivity();
            a.onSendPacket(payload, offset, 32 + PACKET);
            s1.runPass();
            s0.runPass();
        };
        final long bytes = Allocations.measure(ITERATIONS, forward);
        assertThat(relay.counter(RelayCounter.PEER_GONE_SOURCES_REFUSED)).isEqualTo(sinkB.written - 1);
        assertThat(bytes).as("bytes allocated for %d packets", ITERATIONS).isLessThan(ITERATIONS / 10);
    }
}
