package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/** The encoders' argument limits at, below and above each bound: a caller bug is an exception, never a bad frame. */
class FrameEncodeLimitsTest {
    private static final long U32_MAX = 0xFFFF_FFFFL;
    private static final NodeKey PEER = NodePrivateKey.generate().publicKey();

    private final UnsafeBuffer dst = new UnsafeBuffer(new byte[HEADER_LENGTH + 2 * 32 + FrameLimits.MAX_PACKET_SIZE + 1]);
    private final UnsafeBuffer ip16 = new UnsafeBuffer(new byte[16]);

    @Test
    void restartingTakesZeroAndTheU32MaximumForBothValues() {
        RestartingFlyweight.encode(dst, 0, 0, 0);
        RestartingFlyweight.encode(dst, 0, U32_MAX, U32_MAX);
        assertThat(RestartingFlyweight.reconnectInMs(dst, HEADER_LENGTH)).isEqualTo(U32_MAX);
    }

    @Test
    void restartingRejectsAReconnectDelayOutsideU32() {
        assertThatThrownBy(() -> RestartingFlyweight.encode(dst, 0, -1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RestartingFlyweight.encode(dst, 0, U32_MAX + 1, 0))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void restartingRejectsATryForOutsideU32() {
        assertThatThrownBy(() -> RestartingFlyweight.encode(dst, 0, 0, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RestartingFlyweight.encode(dst, 0, 0, U32_MAX + 1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void peerPresentTakesPortsZeroTo65535() {
        assertThat(PeerPresentFlyweight.encode(dst, 0, PEER, ip16, 0, 0))
            .isEqualTo(HEADER_LENGTH + PeerPresentFlyweight.WITH_ENDPOINT_LENGTH);
        assertThat(PeerPresentFlyweight.encode(dst, 0, PEER, ip16, 0, 0xFFFF))
            .isEqualTo(HEADER_LENGTH + PeerPresentFlyweight.WITH_ENDPOINT_LENGTH);
    }

    @Test
    void peerPresentRejectsAPortOutside16Bits() {
        assertThatThrownBy(() -> PeerPresentFlyweight.encode(dst, 0, PEER, ip16, 0, -1))
            .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PeerPresentFlyweight.encode(dst, 0, PEER, ip16, 0, 0x10000))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void peerPresentWithFlagsZeroStillCarriesTheFlagsByte() {
        final int written = PeerPresentFlyweight.encodeWithSocketAddress(dst, 0, PEER,
            new InetSocketAddress("127.0.0.1", 41641), 0);
        assertThat(written).isEqualTo(HEADER_LENGTH + PeerPresentFlyweight.WITH_FLAGS_LENGTH);
    }

    @Test
    void peerPresentWithNegativeFlagsHasNoFlagsByte() {
        final int written = PeerPresentFlyweight.encodeWithSocketAddress(dst, 0, PEER,
            new InetSocketAddress("127.0.0.1", 41641), -1);
        assertThat(written).isEqualTo(HEADER_LENGTH + PeerPresentFlyweight.WITH_ENDPOINT_LENGTH);
    }

    @Test
    void forwardPacketTakesAPacketOfTheMaximumSize() {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE]);
        assertThat(ForwardPacketFlyweight.encode(dst, 0, PEER, PEER, packet, 0, FrameLimits.MAX_PACKET_SIZE))
            .isEqualTo(ForwardPacketFlyweight.frameLength(FrameLimits.MAX_PACKET_SIZE));
    }

    @Test
    void forwardPacketRejectsAPacketAboveTheMaximumSize() {
        final UnsafeBuffer packet = new UnsafeBuffer(new byte[FrameLimits.MAX_PACKET_SIZE + 1]);
        assertThatThrownBy(() -> ForwardPacketFlyweight.encode(dst, 0, PEER, PEER, packet, 0,
            FrameLimits.MAX_PACKET_SIZE + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
