package io.derpring.internal.stun;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;

import io.derpring.internal.metrics.Counters;
import io.derpring.testing.Allocations;
import io.derpring.testing.StunPackets;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

class StunResponderTest {
    private static final byte[] SOURCE = {(byte) 203, 0, 113, 9};
    private static final int PORT = 41641;

    private final Counters<StunCounter> counters = new Counters<>(StunCounter.class);
    private final StunResponder responder = new StunResponder(new SourceRateLimiter(16, 10, 3), counters);
    private final UnsafeBuffer out = new UnsafeBuffer(new byte[BindingResponse.MAX_LENGTH]);

    @Test
    void aTailnodeRequestIsAnsweredWithItsSourceAndCounted() throws Exception {
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(StunPackets.txId(7)));
        final int n = responder.onDatagram(request, 0, request.capacity(), SOURCE, PORT, 0, out, 0);
        assertThat(n).isEqualTo(BindingResponse.IPV4_LENGTH);
        final int value = StunHeaderFlyweight.HEADER_LENGTH + StunAttributeFlyweight.VALUE_OFFSET;
        final byte[] mapped = new byte[16];
        assertThat(XorMappedAddressFlyweight.address(out, value, 0, mapped)).isEqualTo(4);
        assertThat(InetAddress.getByAddress(java.util.Arrays.copyOf(mapped, 4)).getAddress()).isEqualTo(SOURCE);
        assertThat(XorMappedAddressFlyweight.port(out, value)).isEqualTo(PORT);
        assertThat(counters.get(StunCounter.ANSWERED)).isEqualTo(1);
    }

    @Test
    void ignoredDatagramsAreCountedByReasonAndGetNoAnswer() {
        final byte[] tx = StunPackets.txId(1);
        ignored(new byte[] {1, 2, 3}, StunCounter.NOT_STUN);
        ignored(StunPackets.request(0x0101, tx, "tailnode", StunPackets.Fingerprint.VALID), StunCounter.NOT_BINDING_REQUEST);
        ignored(StunPackets.request(1, tx, "curl", StunPackets.Fingerprint.VALID), StunCounter.WRONG_SOFTWARE);
        ignored(StunPackets.request(1, tx, "tailnode", StunPackets.Fingerprint.NONE), StunCounter.NO_FINGERPRINT);
        ignored(StunPackets.request(1, tx, "tailnode", StunPackets.Fingerprint.CORRUPT), StunCounter.WRONG_FINGERPRINT);
        ignored(java.util.Arrays.copyOf(StunPackets.tailnodeRequest(tx), 34), StunCounter.MALFORMED_ATTRIBUTES);
        assertThat(counters.get(StunCounter.ANSWERED)).isZero();
        assertThat(counters.get(StunCounter.RATE_LIMITED)).isZero();
    }

    @Test
    void aSourceOverItsLimitIsIgnoredAndCounted() {
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(StunPackets.txId(2)));
        for (int i = 0; i < 3; i++) {
            assertThat(responder.onDatagram(request, 0, request.capacity(), SOURCE, PORT, 0, out, 0)).isPositive();
        }
        assertThat(responder.onDatagram(request, 0, request.capacity(), SOURCE, PORT, 0, out, 0))
            .isEqualTo(StunResponder.NO_ANSWER);
        assertThat(counters.get(StunCounter.RATE_LIMITED)).isEqualTo(1);
        assertThat(counters.get(StunCounter.ANSWERED)).isEqualTo(3);
    }

    @Test
    void ignoredDatagramsSpendNoneOfTheSourcesBudget() {
        final UnsafeBuffer junk = new UnsafeBuffer(StunPackets.request(1, StunPackets.txId(3), "curl",
            StunPackets.Fingerprint.VALID));
        for (int i = 0; i < 100; i++) {
            responder.onDatagram(junk, 0, junk.capacity(), SOURCE, PORT, 0, out, 0);
        }
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(StunPackets.txId(3)));
        assertThat(responder.onDatagram(request, 0, request.capacity(), SOURCE, PORT, 0, out, 0)).isPositive();
    }

    @Test
    void checkingAndAnsweringAllocateNothing() {
        final StunResponder unlimited = new StunResponder(new SourceRateLimiter(16, 1_000_000_000, 1_000_000), counters);
        final UnsafeBuffer request = new UnsafeBuffer(StunPackets.tailnodeRequest(StunPackets.txId(4)));
        final UnsafeBuffer junk = new UnsafeBuffer(StunPackets.request(1, StunPackets.txId(4), "curl",
            StunPackets.Fingerprint.VALID));
        final byte[] v6 = new byte[16];
        v6[15] = 1;
        final long[] now = {0};
        final long allocated = Allocations.measure(50_000, () -> {
            now[0] += 1_000;
            unlimited.onDatagram(request, 0, request.capacity(), SOURCE, PORT, now[0], out, 0);
            unlimited.onDatagram(request, 0, request.capacity(), v6, PORT, now[0], out, 0);
            unlimited.onDatagram(junk, 0, junk.capacity(), SOURCE, PORT, now[0], out, 0);
        });
        assertThat(allocated).as("bytes allocated by 150 000 datagrams").isLessThan(1024);
        assertThat(counters.get(StunCounter.ANSWERED)).isPositive();
    }

    private void ignored(final byte[] datagram, final StunCounter reason) {
        final long before = counters.get(reason);
        final UnsafeBuffer in = new UnsafeBuffer(datagram);
        assertThat(responder.onDatagram(in, 0, datagram.length, SOURCE, PORT, 0, out, 0))
            .as("%s", reason).isEqualTo(StunResponder.NO_ANSWER);
        assertThat(counters.get(reason)).as("%s", reason).isEqualTo(before + 1);
    }
}
