package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The 5-byte frame header (SPEC §1.2). */
class FrameHeaderTest {
    private static UnsafeBuffer hex(final String hex) {
        return new UnsafeBuffer(HexFormat.of().parseHex(hex));
    }

    @Test
    @DisplayName("B1: header 04 00 00 04 00 parses to (SendPacket, 1024)")
    void sendPacketGoldenHeaderParses() {
        assertThat(FrameHeaderFlyweight.type(hex("0400000400"), 0)).isEqualTo(FrameType.SEND_PACKET);
        assertThat(FrameHeaderFlyweight.payloadLength(hex("0400000400"), 0)).isEqualTo(1024);
    }

    @Test
    @DisplayName("B1: header 05 ff ff ff ff parses to (RecvPacket, 4294967295) without error")
    void largestLengthParsesUnsigned() {
        assertThat(FrameHeaderFlyweight.type(hex("05ffffffff"), 0)).isEqualTo(FrameType.RECV_PACKET);
        assertThat(FrameHeaderFlyweight.payloadLength(hex("05ffffffff"), 0)).isEqualTo(4_294_967_295L);
    }

    @Test
    void headerIsWrittenBigEndianAtAnyOffset() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        assertThat(FrameHeaderFlyweight.write(out, 3, FrameType.KEEP_ALIVE, 0)).isEqualTo(DerpProtocol.FRAME_HEADER_LENGTH);
        assertThat(HexFormat.of().formatHex(out.byteArray())).isEqualTo("0000000600000000");
        FrameHeaderFlyweight.write(out, 0, FrameType.SEND_PACKET, 1024);
        assertThat(HexFormat.of().formatHex(out.byteArray(), 0, 5)).isEqualTo("0400000400");
    }

    @Test
    void writingMoreThanTenMebibytesIsRefused() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[8]);
        FrameHeaderFlyweight.write(out, 0, FrameType.HEALTH, FrameLimits.MAX_WRITE_PAYLOAD_LENGTH);
        assertThatThrownBy(() -> FrameHeaderFlyweight.write(out, 0, FrameType.HEALTH, FrameLimits.MAX_WRITE_PAYLOAD_LENGTH + 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unreasonably large frame write");
        assertThatThrownBy(() -> FrameHeaderFlyweight.write(out, 0, FrameType.HEALTH, -1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void packetEncodersRefusePacketsAboveMaxPacketSize() {
        final UnsafeBuffer out = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE + 200]);
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE + 1]);
        final NodeKey key = NodePrivateKey.generate().publicKey();
        assertThat(PacketFlyweight.encodeSendPacket(out, 0, key, packet, 0, FrameLimits.MAX_PACKET_SIZE))
            .isEqualTo(PacketFlyweight.frameLength(FrameLimits.MAX_PACKET_SIZE));
        assertThatThrownBy(() -> PacketFlyweight.encodeSendPacket(out, 0, key, packet, 0, FrameLimits.MAX_PACKET_SIZE + 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("packet too big");
    }

    @Test
    void typeNamesAreForMessages() {
        assertThat(FrameType.name(FrameType.FORWARD_PACKET)).isEqualTo("ForwardPacket");
        assertThat(FrameType.name(0x0b)).isEqualTo("unknown(0xb)");
        assertThat(FrameType.isAssigned(0x15)).isTrue();
        assertThat(FrameType.isAssigned(0x0f)).isFalse();
        assertThat(FrameType.isAssigned(-1)).isFalse();
    }

    @Test
    void aTypeOutsideTheByteRangeIsNotAssigned() {
        assertThat(FrameType.isAssigned(FrameType.TYPE_SPACE)).isFalse();
    }
}
