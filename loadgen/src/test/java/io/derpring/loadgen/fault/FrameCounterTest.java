package io.derpring.loadgen.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import io.derpring.internal.frame.FrameType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class FrameCounterTest {
    static final byte[] HEAD = "GET /derp HTTP/1.1\r\nUpgrade: DERP\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    static byte[] frame(final int type, final int payload) {
        final byte[] f = new byte[5 + payload];
        f[0] = (byte) type;
        f[1] = (byte) (payload >>> 24);
        f[2] = (byte) (payload >>> 16);
        f[3] = (byte) (payload >>> 8);
        f[4] = (byte) payload;
        for (int i = 5; i < f.length; i++) {
            f[i] = (byte) '\r'; // payload bytes that look like the head's end must not confuse the walk
        }
        return f;
    }

    /** A head, then SendPacket, KeepAlive (empty), SendPacket, Ping, SendPacket (300 bytes). */
    static byte[] stream() {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HEAD);
        out.writeBytes(frame(FrameType.SEND_PACKET, 40));
        out.writeBytes(frame(FrameType.KEEP_ALIVE, 0));
        out.writeBytes(frame(FrameType.SEND_PACKET, 1));
        out.writeBytes(frame(FrameType.PING, 8));
        out.writeBytes(frame(FrameType.SEND_PACKET, 300));
        return out.toByteArray();
    }

    @Test
    void countsThePacketFramesOfItsTypeAfterTheHttpHead() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        assertThat(c.feed(Unpooled.wrappedBuffer(stream()))).isEqualTo(3);
        assertThat(c.insidePacketFrame()).isFalse();
    }

    @Test
    void countsTheSameWhereverTheStreamIsSplit() {
        final byte[] all = stream();
        for (int cut = 0; cut <= all.length; cut++) {
            final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
            final int n = c.feed(Unpooled.wrappedBuffer(all, 0, cut)) + c.feed(Unpooled.wrappedBuffer(all, cut,
                all.length - cut));
            assertThat(n).as("split at %d", cut).isEqualTo(3);
        }
    }

    @Test
    void countsByteByByte() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        int n = 0;
        for (final byte b : stream()) {
            n += c.feed(Unpooled.wrappedBuffer(new byte[] {b}));
        }
        assertThat(n).isEqualTo(3);
    }

    @Test
    void ignoresOtherFrameTypes() {
        final FrameCounter c = new FrameCounter(FrameType.RECV_PACKET);
        assertThat(c.feed(Unpooled.wrappedBuffer(stream()))).isZero();
    }

    @Test
    void knowsWhenTheStreamStoppedInsideAPacketFrame() {
        final byte[] all = stream();
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        c.feed(Unpooled.wrappedBuffer(all, 0, all.length - 10));
        assertThat(c.insidePacketFrame()).isTrue();
        final FrameCounter ping = new FrameCounter(FrameType.SEND_PACKET);
        ping.feed(Unpooled.wrappedBuffer(all, 0, all.length - 305 - 6)); // inside the Ping
        assertThat(ping.insidePacketFrame()).isFalse();
    }

    @Test
    void noCutInsideTheHttpHead() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        assertThat(c.midFrameCut(Unpooled.wrappedBuffer(HEAD))).isEqualTo(-1);
    }

    @Test
    void cutsThroughTheMiddleOfTheFirstFrame() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        c.feed(Unpooled.wrappedBuffer(HEAD));
        final ByteBuf chunk = Unpooled.wrappedBuffer(frame(FrameType.SEND_PACKET, 100));
        assertThat(c.midFrameCut(chunk)).isEqualTo(5 + 50);
        assertThat(chunk.readerIndex()).as("nothing consumed").isZero();
    }

    @Test
    void cutsAShortChunkAtItsEnd() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        c.feed(Unpooled.wrappedBuffer(HEAD));
        final byte[] f = frame(FrameType.SEND_PACKET, 100);
        assertThat(c.midFrameCut(Unpooled.wrappedBuffer(f, 0, 3))).as("inside the header").isEqualTo(3);
        assertThat(c.midFrameCut(Unpooled.wrappedBuffer(f, 0, 20))).as("inside the payload").isEqualTo(20);
    }

    @Test
    void cutsAnEmptyFrameInsideItsHeader() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        c.feed(Unpooled.wrappedBuffer(HEAD));
        assertThat(c.midFrameCut(Unpooled.wrappedBuffer(frame(FrameType.KEEP_ALIVE, 0)))).isEqualTo(1);
    }

    @Test
    void cutsAtOnceWhenAlreadyInsideAFrame() {
        final FrameCounter c = new FrameCounter(FrameType.SEND_PACKET);
        c.feed(Unpooled.wrappedBuffer(HEAD));
        final byte[] f = frame(FrameType.SEND_PACKET, 100);
        c.feed(Unpooled.wrappedBuffer(f, 0, 30));
        assertThat(c.midFrameCut(Unpooled.wrappedBuffer(f, 30, 70))).isZero();
    }
}
