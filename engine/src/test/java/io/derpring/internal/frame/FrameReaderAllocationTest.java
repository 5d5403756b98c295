package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.Allocations;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * The steady-state read path allocates nothing per frame (STYLE §6.6), measured with the per-thread allocation
 * counter over ~10k frames after warm-up. A bound, not a timing: JMH {@code -prof gc} gives the number that counts.
 */
class FrameReaderAllocationTest {
    private static final int FRAMES_PER_CHUNK = 100;
    private static final int MEASURED_CHUNKS = 100;
    private static final long MAX_ALLOCATED_BYTES = 1024;
    private static final int MEASURE_ROUNDS = 5;
    private static final NodeKey PEER = NodePrivateKey.generate().publicKey();

    /** Reads a field of every frame in place, as a real handler would, without allocating. */
    private static final class SummingHandler implements FrameHandler {
        long frames;
        long sum;

        @Override
        public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
            frames++;
            sum += type + length;
            if (type == FrameType.RECV_PACKET || type == FrameType.SEND_PACKET) {
                sum += PEER.matches(buffer, PacketFlyweight.keyOffset(offset)) ? 1 : 0;
            } else if (type == FrameType.PING) {
                sum += PingFlyweight.data(buffer, offset);
            }
        }
    }

    @Test
    void clientReaderAllocatesNothingPerCompleteFrame() {
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[FRAMES_PER_CHUNK * 300]);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[200]);
        int n = 0;
        for (int i = 0; i < FRAMES_PER_CHUNK; i++) {
            switch (i % 4) {
                case 0:
                    n += PingFlyweight.encodePing(chunk, n, i);
                    break;
                case 1:
                    n += EmptyFrameFlyweight.encodeKeepAlive(chunk, n);
                    break;
                default:
                    n += PacketFlyweight.encodeRecvPacket(chunk, n, PEER, packet, 0, 100 + i);
            }
        }
        assertAllocationFree(FrameReader.forClientFastStart(new SummingHandler()), chunk, n);
    }

    @Test
    void serverReaderAllocatesNothingPerCompleteFrame() {
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[FRAMES_PER_CHUNK * 300]);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[200]);
        int n = 0;
        for (int i = 0; i < FRAMES_PER_CHUNK; i++) {
            switch (i % 4) {
                case 0:
                    n += PingFlyweight.encodePing(chunk, n, i);
                    break;
                case 1:
                    n += PingFlyweight.encodePong(chunk, n, i); // unknown to the server: skipped
                    break;
                default:
                    n += PacketFlyweight.encodeSendPacket(chunk, n, PEER, packet, 0, 100 + i);
            }
        }
        final FrameReader reader = FrameReader.forServer(new SummingHandler());
        final byte[] clientInfo = Readers.syntheticClientInfo();
        reader.onData(new UnsafeBuffer(clientInfo), 0, clientInfo.length);
        reader.clientVerified(false);
        assertAllocationFree(reader, chunk, n);
    }

    @Test
    void splitFramesAllocateNothingOnceStagingExists() {
        final UnsafeBuffer chunk = new UnsafeBuffer(new byte[FRAMES_PER_CHUNK * 300]);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[200]);
        int n = 0;
        for (int i = 0; i < FRAMES_PER_CHUNK; i++) {
            n += PacketFlyweight.encodeRecvPacket(chunk, n, PEER, packet, 0, 150);
        }
        final FrameReader reader = FrameReader.forClientFastStart(new SummingHandler());
        final int total = n;
        final Runnable feedInOddChunks = () -> {
            for (int at = 0; at < total; at += 97) {
                reader.onData(chunk, at, Math.min(97, total - at));
            }
        };
        for (int i = 0; i < 200; i++) {
            feedInOddChunks.run();
        }
        final long allocated = leastAllocated(feedInOddChunks);
        assertThat(reader.error()).isNull();
        assertThat(allocated).as("bytes allocated over %d split frames", MEASURED_CHUNKS * FRAMES_PER_CHUNK)
            .isLessThan(MAX_ALLOCATED_BYTES);
    }

    @Test
    void hotPathEncodersAllocateNothing() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[4096]);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[1500]);
        final long[] sink = new long[1];
        final Runnable encode = () -> {
            for (int i = 0; i < FRAMES_PER_CHUNK; i++) {
                int n = PacketFlyweight.encodeSendPacket(out, 0, PEER, packet, 0, 1200);
                n += PacketFlyweight.encodeRecvPacket(out, n, PEER, packet, 0, 1200);
                n += PingFlyweight.encodePong(out, n, out, 0);
                n += EmptyFrameFlyweight.encodeKeepAlive(out, n);
                n += PeerGoneFlyweight.encode(out, n, PEER, PeerGoneFlyweight.REASON_NOT_HERE);
                n += NotePreferredFlyweight.encode(out, n, true);
                sink[0] += n;
            }
        };
        for (int i = 0; i < 200; i++) {
            encode.run();
        }
        assertThat(leastAllocated(encode)).isLessThan(MAX_ALLOCATED_BYTES);
    }

    /**
     * The least allocated over a few measured rounds of {@link #MEASURED_CHUNKS} feeds. A JIT recompilation or
     * deoptimization during one round can allocate a few KiB on this thread; a real per-frame allocation (at least
     * 16 bytes x 10k frames) shows in every round, so the minimum is still a sound bound.
     */
    private static long leastAllocated(final Runnable feed) {
        long least = Long.MAX_VALUE;
        for (int round = 0; round < MEASURE_ROUNDS && least >= MAX_ALLOCATED_BYTES; round++) {
            least = Math.min(least, Allocations.measure(MEASURED_CHUNKS, feed));
        }
        return least;
    }

    private static void assertAllocationFree(final FrameReader reader, final UnsafeBuffer chunk, final int length) {
        final Runnable feed = () -> reader.onData(chunk, 0, length);
        for (int i = 0; i < 200; i++) {
            feed.run(); // warm-up: 20k frames
        }
        final long framesBefore = reader.framesDelivered();
        final long allocated = leastAllocated(feed);
        assertThat(reader.error()).isNull();
        assertThat(reader.framesDelivered() - framesBefore).isGreaterThanOrEqualTo(MEASURED_CHUNKS * FRAMES_PER_CHUNK / 2);
        assertThat(allocated).as("bytes allocated over %d frames", MEASURED_CHUNKS * FRAMES_PER_CHUNK)
            .isLessThan(MAX_ALLOCATED_BYTES);
    }
}
