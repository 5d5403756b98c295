package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The write deadline's byte count over WebSocket: the header length it adds is what Netty's encoder writes. */
class WebSocketDerpStreamTest {
    @ParameterizedTest(name = "payload {0} bytes")
    @ValueSource(ints = {0, 1, 124, 125, 126, 127, 1200, 65534, 65535, 65536, 65573})
    void headerLengthIsNettysEncoderOverhead(final int payload) {
        final EmbeddedChannel ch = new EmbeddedChannel(new WebSocket13FrameEncoder(false));
        ch.writeOutbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[payload])));
        long written = 0;
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            written += b.readableBytes();
            b.release();
        }
        assertThat(written - payload).isEqualTo(WebSocketDerpStream.frameHeaderLength(payload));
        ch.finishAndReleaseAll();
    }
}
