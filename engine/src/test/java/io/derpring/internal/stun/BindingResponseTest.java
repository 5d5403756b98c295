package io.derpring.internal.stun;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import io.derpring.testing.StunPackets;
import io.derpring.testing.Vectors;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Go {@code stun.Response}, byte for byte. The expected bytes follow Go's construction by hand: header 0x0101, the
 * attributes' length, the cookie, the request's transaction id, then XOR-MAPPED-ADDRESS alone (no SOFTWARE, no
 * FINGERPRINT, no MESSAGE-INTEGRITY). Cases are Go's {@code TestResponse} ones.
 */
class BindingResponseTest {
    @Test
    void ipv4AnswerIsGosLayout() throws Exception {
        // tx 01 x 12, 1.2.3.4:254 -> port 254 ^ 0x2112 = 0x21ec; 01020304 ^ 2112a442 = 2010a746
        assertThat(answer(StunPackets.txId(1), "1.2.3.4", 254)).isEqualTo(
            "0101000c2112a442" + "010101010101010101010101" + "00200008" + "000121ec" + "2010a746");
    }

    @Test
    void ipv6AnswerIsGosLayout() throws Exception {
        // tx 04 x 12, [1::4]:257 -> port 257 ^ 0x2112 = 0x2013; address XOR cookie ++ tx
        assertThat(answer(StunPackets.txId(4), "1::4", 257)).isEqualTo(
            "010100182112a442" + "040404040404040404040404" + "00200014" + "00022013"
                + "2113a442" + "0404040404040404" + "04040400");
    }

    @Test
    void answerLengthsAreTheConstants() throws Exception {
        assertThat(answer(StunPackets.txId(2), "1.2.3.4", 257).length() / 2).isEqualTo(BindingResponse.IPV4_LENGTH);
        assertThat(answer(StunPackets.txId(3), "1::4", 254).length() / 2).isEqualTo(BindingResponse.IPV6_LENGTH);
        assertThat(BindingResponse.MAX_LENGTH).isEqualTo(44);
    }

    @Test
    void answersAreAboutTheSizeOfTheTailnodeRequest() {
        // 40-byte request, 32/44-byte answer: no amplification worth having.
        assertThat(StunPackets.tailnodeRequest(StunPackets.txId(1))).hasSize(40);
        assertThat(BindingResponse.IPV4_LENGTH).isEqualTo(32);
        assertThat(BindingResponse.IPV6_LENGTH).isEqualTo(44);
    }

    @Test
    void anAddressOfAnotherLengthIsACallerBug() {
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(StunPackets.txId(1)));
        assertThatThrownBy(() -> BindingResponse.write(new UnsafeBuffer(new byte[64]), 0, request, 0, new byte[5], 1))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("5 bytes");
    }

    @Test
    void theAnswerDecodesBackToTheSource() throws Exception {
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(StunPackets.txId(9)));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[BindingResponse.MAX_LENGTH + 3]);
        final byte[] source = InetAddress.getByName("2001:db8::7").getAddress();
        BindingResponse.write(out, 3, request, 0, source, 65535);
        final int value = 3 + StunHeaderFlyweight.HEADER_LENGTH + StunAttributeFlyweight.VALUE_OFFSET;
        final byte[] decoded = new byte[16];
        XorMappedAddressFlyweight.address(out, value, 3, decoded);
        assertThat(decoded).isEqualTo(source);
        assertThat(XorMappedAddressFlyweight.port(out, value)).isEqualTo(65535);
    }

    private static String answer(final byte[] tx, final String ip, final int port) throws Exception {
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(tx));
        final UnsafeBuffer out = new UnsafeBuffer(new byte[BindingResponse.MAX_LENGTH]);
        final int n = BindingResponse.write(out, 0, request, 0, InetAddress.getByName(ip).getAddress(), port);
        final byte[] bytes = new byte[n];
        out.getBytes(0, bytes);
        return Vectors.toHex(bytes);
    }
}
