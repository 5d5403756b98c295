package io.derpring.jmh;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.derpring.internal.frame.FrameHandler;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.FrameReader;
import io.derpring.internal.frame.FrameType;
import io.derpring.internal.frame.PacketFlyweight;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * DERP frame codecs on the hot path: header read/write, SendPacket and RecvPacket encode, and decode through the
 * server and client {@link FrameReader} (whole frame in one chunk, the zero-copy case). All over off-heap buffers.
 * Decode benchmarks check the delivered frame, so a broken reader can't post a number.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FrameCodecBenchmark {
    @Param({"1200"})
    public int size;

    private NodeKey peer;
    private UnsafeBuffer packet;
    private UnsafeBuffer out;
    private UnsafeBuffer sendFrame;
    private UnsafeBuffer recvFrame;
    private int sendLength;
    private int recvLength;
    private FrameReader server;
    private FrameReader client;
    private final LastFrame last = new LastFrame();

    /** Records the last frame's type and length: enough to check the reader without copying. */
    static final class LastFrame implements FrameHandler {
        int type;
        int length;

        @Override
        public void onFrame(final int type, final DirectBuffer buffer, final int offset, final int length) {
            this.type = type;
            this.length = length;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        peer = NodePrivateKey.generate().publicKey();
        packet = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        out = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketFlyweight.frameLength(size)));
        sendFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketFlyweight.frameLength(size)));
        recvFrame = new UnsafeBuffer(ByteBuffer.allocateDirect(PacketFlyweight.frameLength(size)));
        sendLength = PacketFlyweight.encodeSendPacket(sendFrame, 0, peer, packet, 0, size);
        recvLength = PacketFlyweight.encodeRecvPacket(recvFrame, 0, peer, packet, 0, size);
        server = BenchmarkReaders.serverPastHandshake(last);
        client = BenchmarkReaders.clientPastHandshake(last);
    }

    @Benchmark
    public long headerRead() {
        return FrameHeaderFlyweight.type(sendFrame, 0) + FrameHeaderFlyweight.payloadLength(sendFrame, 0);
    }

    @Benchmark
    public int headerWrite() {
        return FrameHeaderFlyweight.write(out, 0, FrameType.KEEP_ALIVE, 0);
    }

    @Benchmark
    public int sendPacketEncode() {
        return PacketFlyweight.encodeSendPacket(out, 0, peer, packet, 0, size);
    }

    @Benchmark
    public int recvPacketEncode() {
        return PacketFlyweight.encodeRecvPacket(out, 0, peer, packet, 0, size);
    }

    @Benchmark
    public int sendPacketDecodeOnServer() {
        server.onData(sendFrame, 0, sendLength);
        return check(FrameType.SEND_PACKET);
    }

    @Benchmark
    public int recvPacketDecodeOnClient() {
        client.onData(recvFrame, 0, recvLength);
        return check(FrameType.RECV_PACKET);
    }

    private int check(final int type) {
        if (last.type != type || last.length != 32 + size) {
            throw new IllegalStateException("reader delivered type " + last.type + " length " + last.length);
        }
        return last.length;
    }
}
