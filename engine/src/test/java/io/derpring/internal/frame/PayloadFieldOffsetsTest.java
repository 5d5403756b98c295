package io.derpring.internal.frame;

import static io.derpring.internal.frame.FrameHeaderFlyweight.HEADER_LENGTH;
import static org.assertj.core.api.Assertions.assertThat;

import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * A frame need not start at offset 0: each field is found relative to its payload's offset (SPEC §1.3 layouts),
 * wherever the frame sits in the buffer.
 */
class PayloadFieldOffsetsTest {
    private static final int FRAME_AT = 100;
    private static final int PAYLOAD_AT = FRAME_AT + HEADER_LENGTH;
    private static final NodeKey PEER = NodePrivateKey.generate().publicKey();

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[1024]);

    @Test
    void peerPresentKeyAndAddressFollowThePayloadOffset() {
        final UnsafeBuffer ip16 = new UnsafeBuffer(new byte[16]);
        ip16.putByte(15, (byte) 7);
        PeerPresentFlyweight.encode(buffer, FRAME_AT, PEER, ip16, 0, 41641);
        assertThat(NodeKey.read(buffer, PeerPresentFlyweight.peerKeyOffset(PAYLOAD_AT))).isEqualTo(PEER);
        assertThat(buffer.getByte(PeerPresentFlyweight.ipOffset(PAYLOAD_AT) + 15)).isEqualTo((byte) 7);
    }

    @Test
    void clientInfoKeyFollowsThePayloadOffset() {
        ClientInfoFlyweight.encodePrefix(buffer, FRAME_AT, PEER, new UnsafeBuffer(new byte[24]), 0, 16);
        assertThat(NodeKey.read(buffer, ClientInfoFlyweight.clientKeyOffset(PAYLOAD_AT))).isEqualTo(PEER);
    }

    @Test
    void closePeerKeyFollowsThePayloadOffset() {
        ClosePeerFlyweight.encode(buffer, FRAME_AT, PEER);
        assertThat(NodeKey.read(buffer, ClosePeerFlyweight.peerKeyOffset(PAYLOAD_AT))).isEqualTo(PEER);
    }

    @Test
    void peerGoneKeyFollowsThePayloadOffset() {
        PeerGoneFlyweight.encodeWithoutReason(buffer, FRAME_AT, PEER);
        assertThat(NodeKey.read(buffer, PeerGoneFlyweight.peerKeyOffset(PAYLOAD_AT))).isEqualTo(PEER);
    }

    @Test
    void forwardPacketSourceFollowsThePayloadOffset() {
        ForwardPacketFlyweight.encode(buffer, FRAME_AT, PEER, NodePrivateKey.generate().publicKey(),
            new UnsafeBuffer(new byte[4]), 0, 4);
        assertThat(NodeKey.read(buffer, ForwardPacketFlyweight.sourceKeyOffset(PAYLOAD_AT))).isEqualTo(PEER);
    }

    @Test
    void aServerInfoPayloadIsNonceThenBoxTagThenJson() {
        assertThat(ServerInfoFlyweight.payloadLength(10))
            .isEqualTo(DerpProtocol.NONCE_LENGTH + DerpProtocol.BOX_TAG_LENGTH + 10);
    }
}
