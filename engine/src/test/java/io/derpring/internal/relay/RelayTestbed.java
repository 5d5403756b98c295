package io.derpring.internal.relay;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.derpring.internal.frame.ClientInfo;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A relay with no sockets: heap frames whose leaks are counted, sinks that record what is written, schedulers that
 * only count requests, and a clock the test moves. {@link #pass()} plays the event loops.
 */
final class RelayTestbed {
    static final byte[] DISCO_MAGIC = {0x54, 0x53, (byte) 0xf0, (byte) 0x9f, (byte) 0x92, (byte) 0xac};

    final CachedNanoClock clock = new CachedNanoClock();
    final HeapMemory memory = new HeapMemory();
    final Relay<byte[]> relay;
    final List<RelayShard<byte[]>> shards = new ArrayList<>();
    final List<CountingScheduler> schedulers = new ArrayList<>();

    RelayTestbed(final int shardCount, final RelayConfig.Builder config) {
        clock.update(1_000_000_000L);
        this.relay = new Relay<>(config.clock(clock).jitterSeed(42).build(), memory, null);
        for (int i = 0; i < shardCount; i++) {
            final CountingScheduler s = new CountingScheduler();
            schedulers.add(s);
            shards.add(relay.addShard(s));
        }
    }

    RelayTestbed(final int shardCount) {
        this(shardCount, RelayConfig.builder());
    }

    static RelayConfig.Builder config() {
        return RelayConfig.builder();
    }

    Peer connect(final int shard) {
        return connect(shard, NodePrivateKey.generate().publicKey(), null);
    }

    Peer connect(final int shard, final NodeKey key) {
        return connect(shard, key, null);
    }

    Peer connect(final int shard, final NodeKey key, final MeshKey meshKey) {
        final RecordingSink sink = new RecordingSink();
        sink.memory = memory;
        final ClientInfo info = new ClientInfo(meshKey, 2, true, false, "");
        final RelayShard<byte[]> s = shards.get(shard);
        final RelayClient<byte[]> c = s.register(sink, key, info, relay.isMeshPeer(info), null);
        sink.client = c;
        return new Peer(c, sink);
    }

    /** Runs every shard's pass until none has work left (the event loops, played by the test). */
    void pass() {
        for (int round = 0; round < 100; round++) {
            int work = 0;
            for (final RelayShard<byte[]> s : shards) {
                work += s.runPass();
            }
            if (work == 0) {
                return;
            }
        }
        throw new AssertionError("relay never went idle");
    }

    void advanceNs(final long ns) {
        clock.advance(ns);
    }

    void timers() {
        for (final RelayShard<byte[]> s : shards) {
            s.onTimer();
        }
    }

    /** A packet that looks like disco (magic + 56 bytes of header rest + body). */
    static byte[] discoPacket(final int length, final int seq) {
        final byte[] p = new byte[Math.max(62, length)];
        System.arraycopy(DISCO_MAGIC, 0, p, 0, DISCO_MAGIC.length);
        p[p.length - 1] = (byte) seq;
        return p;
    }

    static byte[] dataPacket(final int length, final int seq) {
        final byte[] p = new byte[length];
        for (int i = 0; i < length; i++) {
            p[i] = (byte) (seq + i);
        }
        if (length > 0) {
            p[0] = (byte) seq;
        }
        return p;
    }

    /** SendPacket payload {@code dst || packet}, as the reader would lend it (at a non-zero offset, on purpose). */
    static UnsafeBuffer sendPayload(final NodeKey dst, final byte[] packet) {
        final UnsafeBuffer b = new UnsafeBuffer(new byte[7 + 32 + packet.length]);
        dst.writeTo(b, 7);
        b.putBytes(7 + 32, packet);
        return b;
    }

    static final int PAYLOAD_OFFSET = 7;

    static final class Peer {
        final RelayClient<byte[]> client;
        final RecordingSink sink;

        Peer(final RelayClient<byte[]> client, final RecordingSink sink) {
            this.client = client;
            this.sink = sink;
        }

        NodeKey key() {
            return client.key();
        }

        void send(final NodeKey dst, final byte[] packet) {
            final UnsafeBuffer b = sendPayload(dst, packet);
            client.noteActivity();
            client.onSendPacket(b, PAYLOAD_OFFSET, 32 + packet.length);
        }

        void send(final Peer dst, final byte[] packet) {
            send(dst.key(), packet);
        }
    }

    /** Frame handles are byte arrays; every allocation must end in a write or a release. */
    static final class HeapMemory implements FrameMemory<byte[]> {
        final AtomicInteger outstanding = new AtomicInteger();
        volatile boolean exhausted;

        @Override
        public byte[] allocate(final int length, final UnsafeBuffer view) {
            if (exhausted) {
                return null;
            }
            final byte[] frame = new byte[length];
            view.wrap(frame);
            outstanding.incrementAndGet();
            return frame;
        }

        @Override
        public void release(final byte[] frame) {
            outstanding.decrementAndGet();
        }
    }

    static final class CountingScheduler implements ShardScheduler {
        int passRequests;
        final AtomicInteger wakeups = new AtomicInteger();

        @Override
        public void passRequested() {
            passRequests++;
        }

        @Override
        public void wakeup() {
            wakeups.incrementAndGet();
        }
    }

    /**
     * Records whole frames as written; writability and closing are the test's to control. A frame leaves at once
     * while writable; while unwritable it stays unsent until writability returns or {@link #sendOne()}.
     */
    static final class RecordingSink implements ClientSink<byte[]> {
        final List<byte[]> frames = new ArrayList<>();
        boolean writable = true;
        /** Becomes unwritable after this many more writes (simulates the high-water mark), -1 = never. */
        int writesUntilUnwritable = -1;
        int flushes;
        boolean closed;
        long sent;
        int unsent;
        RelayClient<byte[]> client;
        HeapMemory memory;
        /** Whether this sink can pause reading (a socket can; by default the testbed's sinks can't). */
        boolean pausable;
        int pauses;
        long pauseBoundNs = -1;
        final AtomicInteger resumes = new AtomicInteger();

        @Override
        public boolean pauseReading(final long maxNs) {
            if (pausable) {
                pauses++;
                pauseBoundNs = maxNs;
            }
            return pausable;
        }

        @Override
        public void resumeReading() {
            resumes.incrementAndGet();
        }

        @Override
        public boolean canPauseReading() {
            return pausable;
        }

        @Override
        public boolean isWritable() {
            return writable;
        }

        @Override
        public void writePacket(final byte[] frame, final int length) {
            frames.add(frame.clone());
            if (memory != null) {
                memory.release(frame); // the transport owns a written frame and frees it once sent
            }
            countWrite();
        }

        @Override
        public void writeControl(final DirectBuffer src, final int offset, final int length) {
            final byte[] copy = new byte[length];
            src.getBytes(offset, copy);
            frames.add(copy);
            countWrite();
        }

        private void countWrite() {
            if (writesUntilUnwritable > 0 && --writesUntilUnwritable == 0) {
                writable = false; // the write that crosses the high-water mark stays unsent
                if (client != null) {
                    client.onWritabilityChanged(false);
                }
            }
            if (writable) {
                sent++;
            } else {
                unsent++;
            }
        }

        @Override
        public void flush() {
            flushes++;
        }

        @Override
        public void close() {
            closed = true;
        }

        @Override
        public long framesSent() {
            return sent;
        }

        @Override
        public boolean hasUnsentFrames() {
            return unsent > 0;
        }

        /** One unsent frame wholly leaves (a slow reader's progress). */
        void sendOne() {
            unsent--;
            sent++;
        }

        void setWritable(final boolean w) {
            writable = w;
            if (w) {
                sent += unsent;
                unsent = 0;
            }
            client.onWritabilityChanged(w);
        }

        List<byte[]> framesOfType(final int type) {
            final List<byte[]> out = new ArrayList<>();
            for (final byte[] f : frames) {
                if ((f[0] & 0xff) == type) {
                    out.add(f);
                }
            }
            return out;
        }

        /** RecvPacket frames as (source key, packet). */
        List<Recv> received() {
            final List<Recv> out = new ArrayList<>();
            for (final byte[] f : framesOfType(FrameType.RECV_PACKET)) {
                final UnsafeBuffer b = new UnsafeBuffer(f);
                final long len = FrameHeaderFlyweight.payloadLength(b, 0);
                final byte[] packet = new byte[(int) len - 32];
                b.getBytes(5 + 32, packet);
                out.add(new Recv(NodeKey.read(b, PacketFlyweight.keyOffset(5)), packet, f));
            }
            return out;
        }

        void clear() {
            frames.clear();
        }
    }

    record Recv(NodeKey source, byte[] packet, byte[] frame) {
    }
}
