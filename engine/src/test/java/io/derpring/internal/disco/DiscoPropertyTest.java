package io.derpring.internal.disco;

import io.derpring.disco.EndpointList;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.SplittableRandom;

import io.derpring.internal.crypto.BoxKey;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodeKey;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

/**
 * Seeded random round trips for every disco message and fuzzing of the opener. Each case gets its own
 * {@link SplittableRandom} from (seed, case index); a failure names both, so it replays exactly.
 */
class DiscoPropertyTest {
    private static final long SEED = Long.getLong("derpring.disco.seed", 0x5EED_D15C0L);
    private static final int CASES = 5_000;

    private static final DiscoPrivateKey SENDER = DiscoPrivateKey.fromBytes(bytes(new SplittableRandom(11), 32));
    private static final DiscoPrivateKey RECIPIENT = DiscoPrivateKey.fromBytes(bytes(new SplittableRandom(12), 32));

    private final DiscoMessageParser parser = new DiscoMessageParser();
    private final DiscoOpener opener = new DiscoOpener(new DiscoKeyCache(RECIPIENT, 64));
    private final DiscoSealer sealer = new DiscoSealer(SENDER.publicKey());
    private final BoxKey toRecipient = new DiscoKeyCache(SENDER, 64).boxKeyFor(RECIPIENT.publicKey());

    private interface Case {
        void run(SplittableRandom random) throws Exception;
    }

    private static void forEachCase(final String property, final long seed, final int cases, final Case body) {
        for (int i = 0; i < cases; i++) {
            try {
                body.run(new SplittableRandom(seed + i * 0x9E37_79B9_7F4A_7C15L));
            } catch (final Throwable failure) {
                throw new AssertionError(property + " failed: seed=" + seed + " case=" + i
                    + " (rerun with -Dderpring.disco.seed=" + seed + ")", failure);
            }
        }
    }

    private static byte[] bytes(final SplittableRandom random, final int n) {
        final byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A buffer full of random garbage, so an encoder that skips a byte is caught. */
    private static UnsafeBuffer garbage(final SplittableRandom random, final int n) {
        return new UnsafeBuffer(bytes(random, n));
    }

    @Test
    void pingRoundTripsWithAndWithoutNodeKeyAndPadding() {
        forEachCase("ping round trip", SEED, CASES, random -> {
            final byte[] txId = bytes(random, 12);
            final boolean withKey = random.nextBoolean();
            final byte[] key = bytes(random, 32);
            key[0] |= 1; // non-zero, so it is written
            // Without a key, padding of 32+ reads back as a zero node key (as in Go): covered separately below.
            final int padding = withKey ? random.nextInt(300) : random.nextInt(32);
            final int at = random.nextInt(16);
            final UnsafeBuffer buffer = garbage(random, at + 14 + 32 + padding + 8);

            final int length = PingFlyweight.encode(buffer, at, new UnsafeBuffer(txId), 0,
                withKey ? NodeKey.fromBytes(key) : null, padding);

            assertThat(length).isEqualTo(PingFlyweight.encodedLength(withKey, padding));
            assertThat(parser.parse(buffer, at, length)).isEqualTo(DiscoOpenResult.OK_PING);
            final PingFlyweight ping = parser.ping();
            final byte[] readTx = new byte[12];
            ping.copyTxId(readTx, 0);
            assertThat(readTx).isEqualTo(txId);
            assertThat(ping.hasNodeKey()).isEqualTo(withKey);
            if (withKey) {
                final byte[] readKey = new byte[32];
                ping.copyNodeKey(readKey, 0);
                assertThat(readKey).isEqualTo(key);
            }
            assertThat(ping.paddingLength()).isEqualTo(padding);
            assertThat(ping.version()).isZero();
            for (int i = length - padding; i < length; i++) {
                assertThat(buffer.getByte(at + i)).as("padding byte %d", i).isZero();
            }
        });
    }

    @Test
    void pingWithoutKeyAndLongPaddingReadsAZeroNodeKeyAsGoDoes() {
        forEachCase("ping long padding", SEED, 200, random -> {
            final int padding = 32 + random.nextInt(100);
            final UnsafeBuffer buffer = garbage(random, 14 + padding);
            final int length = PingFlyweight.encode(buffer, 0, garbage(random, 12), 0, null, padding);
            assertThat(parser.parse(buffer, 0, length)).isEqualTo(DiscoOpenResult.OK_PING);
            assertThat(parser.ping().hasNodeKey()).isTrue();
            assertThat(parser.ping().nodeKeyMatches(NodeKey.fromBytes(new byte[32]))).isTrue();
            assertThat(parser.ping().paddingLength()).isEqualTo(padding - 32);
        });
    }

    @Test
    void pongRoundTripsIpv4AndIpv6() {
        forEachCase("pong round trip", SEED, CASES, random -> {
            final byte[] txId = bytes(random, 12);
            final int port = random.nextInt(65_536);
            final int at = random.nextInt(16);
            final UnsafeBuffer buffer = garbage(random, at + PongFlyweight.LENGTH + random.nextInt(8));
            final boolean v4 = random.nextBoolean();
            final int ipv4 = random.nextInt();
            final long high = random.nextLong();
            final long low = random.nextLong();

            final int length = v4
                ? PongFlyweight.encodeIpv4(buffer, at, new UnsafeBuffer(txId), 0, ipv4, port)
                : PongFlyweight.encodeIpv6(buffer, at, new UnsafeBuffer(txId), 0, high, low, port);

            assertThat(length).isEqualTo(32);
            assertThat(parser.parse(buffer, at, buffer.capacity() - at)).isEqualTo(DiscoOpenResult.OK_PONG);
            final PongFlyweight pong = parser.pong();
            final byte[] readTx = new byte[12];
            pong.copyTxId(readTx, 0);
            assertThat(readTx).isEqualTo(txId);
            assertThat(pong.port()).isEqualTo(port);
            assertThat(pong.isIpv4()).isEqualTo(v4 || (high == 0 && (low >>> 32) == 0xFFFF));
            if (v4) {
                assertThat(pong.ipv4AsInt()).isEqualTo(ipv4);
                assertThat(pong.ipv6Low()).isEqualTo(0xFFFF_0000_0000L | (ipv4 & 0xFFFF_FFFFL));
            } else {
                assertThat(pong.ipv6High()).isEqualTo(high);
                assertThat(pong.ipv6Low()).isEqualTo(low);
            }
        });
    }

    @Test
    void callMeMaybeRoundTripsAndFilterAgreesWithAnIndependentOracle() {
        final CallMeMaybeFilter[] filters = {new CallMeMaybeFilter(false), new CallMeMaybeFilter(true)};
        final EndpointList accepted = EndpointList.forCallMeMaybe();
        forEachCase("call-me-maybe round trip", SEED, CASES, random -> {
            final int count = random.nextInt(41);
            final EndpointList endpoints = new EndpointList(count);
            for (int i = 0; i < count; i++) {
                if (random.nextBoolean()) {
                    endpoints.addIpv4(interestingIpv4(random), random.nextInt(65_536));
                } else {
                    endpoints.addIpv6(interestingIpv6High(random), random.nextInt(4) == 0 ? random.nextInt(3)
                        : random.nextLong(), random.nextInt(65_536));
                }
            }
            final int at = random.nextInt(16);
            final UnsafeBuffer buffer = garbage(random, at + CallMeMaybeFlyweight.encodedLength(count));

            final int length = CallMeMaybeFlyweight.encode(buffer, at, endpoints);

            assertThat(parser.parse(buffer, at, length)).isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE);
            final CallMeMaybeFlyweight cmm = parser.callMeMaybe();
            assertThat(cmm.endpointCount()).isEqualTo(count);
            final byte[] raw = new byte[16];
            final byte[] expectedRaw = new byte[16];
            for (int i = 0; i < count; i++) {
                cmm.copyIpv6(i, raw);
                endpoints.copyIpv6(i, expectedRaw);
                assertThat(raw).isEqualTo(expectedRaw);
                assertThat(cmm.port(i)).isEqualTo(endpoints.port(i));
                if (cmm.isIpv4(i)) {
                    assertThat(cmm.ipv4AsInt(i)).isEqualTo((int) endpoints.ipv6Low(i));
                }
            }
            for (final CallMeMaybeFilter filter : filters) {
                filter.filter(cmm, accepted);
                final EndpointList expected = new EndpointList(16);
                for (int i = 0; i < Math.min(count, 16); i++) {
                    cmm.copyIpv6(i, raw);
                    if (oracleAccepts(raw, filter.ipv6Enabled())) {
                        expected.addIpv6(cmm.ipv6High(i), cmm.ipv6Low(i), cmm.port(i));
                    }
                }
                assertThat(accepted.toSocketAddresses()).as("ipv6 %s", filter.ipv6Enabled())
                    .isEqualTo(expected.toSocketAddresses());
            }
        });
    }

    /** First octets near every rejected IPv4 range, so the filter sees its edges often. */
    private static int interestingIpv4(final SplittableRandom random) {
        final int[] firsts = {0, 1, 9, 10, 11, 100, 126, 127, 128, 169, 172, 192, 198, 203, 223, 224, 239, 240, 255};
        int v = random.nextInt();
        if (random.nextInt(4) != 0) {
            v = (firsts[random.nextInt(firsts.length)] << 24) | (v & 0x00FF_FFFF);
            if (random.nextInt(3) == 0) {
                final int[] seconds = {0, 15, 16, 31, 32, 63, 64, 127, 128, 167, 168, 169, 253, 254, 255};
                v = (v & 0xFF00_FFFF) | (seconds[random.nextInt(seconds.length)] << 16);
            }
            if (random.nextInt(20) == 0) {
                v = random.nextBoolean() ? 0 : 0xFFFF_FFFF;
            }
        }
        return v;
    }

    private static long interestingIpv6High(final SplittableRandom random) {
        final long[] tops = {0x0000, 0x2001, 0x2606, 0xfbff, 0xfc00, 0xfdff, 0xfe00, 0xfe7f, 0xfe80, 0xfebf, 0xfec0,
            0xff00, 0xff02, 0xffff};
        if (random.nextInt(4) == 0) {
            return random.nextInt(3) == 0 ? 0L : random.nextLong();
        }
        return (tops[random.nextInt(tops.length)] << 48) | (random.nextLong() >>> 16);
    }

    /** SPEC §5.7 restated with java.net's own classifiers, as an independent check of the bit tests. */
    private static boolean oracleAccepts(final byte[] raw16, final boolean ipv6Enabled)
        throws UnknownHostException {
        final InetAddress address = InetAddress.getByAddress(raw16); // v4-mapped comes back as Inet4Address
        if (address instanceof Inet6Address) {
            final int b0 = raw16[0] & 0xFF;
            return ipv6Enabled && !address.isAnyLocalAddress() && !address.isLoopbackAddress()
                && !address.isMulticastAddress() && !address.isLinkLocalAddress() && (b0 & 0xFE) != 0xFC;
        }
        final byte[] v4 = address.getAddress();
        final boolean broadcast = (v4[0] & v4[1] & v4[2] & v4[3]) == (byte) 0xFF;
        return !address.isAnyLocalAddress() && !address.isLoopbackAddress() && !address.isLinkLocalAddress()
            && !address.isMulticastAddress() && !address.isSiteLocalAddress() && !broadcast;
    }

    @Test
    void sealThenOpenRoundTripsEveryMessage() {
        forEachCase("seal/open round trip", SEED, CASES, random -> {
            final UnsafeBuffer payload = garbage(random, 400);
            final int kind = random.nextInt(3);
            final int payloadLength = switch (kind) {
                case 0 -> PingFlyweight.encode(payload, 0, garbage(random, 12), 0,
                    random.nextBoolean() ? NodeKey.fromBytes(bytes(random, 32)) : null, random.nextInt(100));
                case 1 -> PongFlyweight.encodeIpv4(payload, 0, garbage(random, 12), 0, random.nextInt(),
                    random.nextInt(65_536));
                default -> {
                    final EndpointList eps = new EndpointList(20);
                    for (int i = random.nextInt(21); i > 0; i--) {
                        eps.addIpv4(random.nextInt(), random.nextInt(65_536));
                    }
                    yield CallMeMaybeFlyweight.encode(payload, 0, eps);
                }
            };
            final int at = random.nextInt(16);
            final UnsafeBuffer packet = garbage(random, at + DiscoSealer.sealedLength(payloadLength));
            final int length = sealer.seal(toRecipient, garbage(random, 24), 0, payload, 0, payloadLength, packet, at);
            final boolean inPlace = random.nextBoolean();

            final DiscoOpenResult result = inPlace ? opener.openInPlace(packet, at, length) : opener.open(packet, at, length);

            assertThat(result).isEqualTo(kind == 0 ? DiscoOpenResult.OK_PING
                : kind == 1 ? DiscoOpenResult.OK_PONG : DiscoOpenResult.OK_CALL_ME_MAYBE);
            final DiscoMessageParser message = opener.message();
            final byte[] opened = new byte[message.payloadLength()];
            message.payloadBuffer().getBytes(message.payloadOffset(), opened);
            assertThat(opened).isEqualTo(Arrays.copyOf(payload.byteArray(), payloadLength));
            assertThat(opener.senderIs(SENDER.publicKey())).isTrue();
        });
    }

    @Test
    void openerReturnsATypedOutcomeForRandomBytes() {
        final byte[] magic = {0x54, 0x53, (byte) 0xf0, (byte) 0x9f, (byte) 0x92, (byte) 0xac};
        forEachCase("random bytes", SEED, CASES, random -> {
            final int length = random.nextInt(4) == 0 ? random.nextInt(62) : random.nextInt(400);
            final UnsafeBuffer packet = garbage(random, length + 4);
            if (length >= 6 && random.nextInt(4) != 0) {
                packet.putBytes(0, magic);
            }
            final DiscoOpenResult result = random.nextBoolean()
                ? opener.open(packet, 0, length) : opener.openInPlace(packet, 0, length);
            assertThat(result).isNotNull();
            assertThat(result.isOk()).as("a random box never authenticates").isFalse();
            exerciseViews(result);
        });
    }

    @Test
    void parserReturnsATypedOutcomeForRandomPayloads() {
        forEachCase("random payloads", SEED, CASES, random -> {
            final int length = random.nextInt(300);
            final UnsafeBuffer payload = garbage(random, length);
            if (length > 0 && random.nextBoolean()) {
                payload.putByte(0, (byte) (1 + random.nextInt(9)));
            }
            if (length > 1 && random.nextBoolean()) {
                payload.putByte(1, (byte) 0);
            }
            final DiscoOpenResult result = parser.parse(payload, 0, length);
            assertThat(result).isNotNull();
            if (result.isOk()) {
                assertThat(result.messageType()).isEqualTo(payload.getByte(0) & 0xFF);
            }
            switch (result) {
                case OK_PING -> {
                    parser.ping().paddingLength();
                    parser.ping().hasNodeKey();
                }
                case OK_PONG -> parser.pong().port();
                case OK_CALL_ME_MAYBE -> {
                    final CallMeMaybeFlyweight cmm = parser.callMeMaybe();
                    for (int i = 0; i < cmm.endpointCount(); i++) {
                        cmm.port(i);
                        cmm.ipv6Low(i);
                    }
                    CallMeMaybeFilter.ipv4Only().filter(cmm, EndpointList.forCallMeMaybe());
                }
                default -> { }
            }
        });
    }

    @Test
    void openerReturnsATypedOutcomeForMutatedSealedPackets() {
        forEachCase("mutated sealed packets", SEED, CASES, random -> {
            final UnsafeBuffer payload = garbage(random, 64);
            final int payloadLength = CallMeMaybeFlyweight.encodedLength(random.nextInt(4));
            payload.putByte(0, (byte) DiscoMessageType.CALL_ME_MAYBE);
            payload.putByte(1, (byte) 0);
            final byte[] packet = new byte[DiscoSealer.sealedLength(payloadLength) + 32];
            final int length = sealer.seal(toRecipient, garbage(random, 24), 0, payload, 0, payloadLength,
                new UnsafeBuffer(packet), 0);
            final byte[] original = packet.clone();

            final int mutatedLength = mutate(random, packet, length);

            final boolean changed = mutatedLength != length
                || !Arrays.equals(original, 0, length, packet, 0, length);
            final DiscoOpenResult result = opener.open(new UnsafeBuffer(packet), 0, mutatedLength);
            assertThat(result).isNotNull();
            exerciseViews(result);
            if (changed) {
                assertThat(result.isOk()).as("a changed packet never opens").isFalse();
                final boolean magicIntact = mutatedLength >= 62 && Arrays.equals(original, 0, 6, packet, 0, 6);
                if (!magicIntact) {
                    assertThat(result).isEqualTo(DiscoOpenResult.NOT_DISCO);
                }
            } else {
                assertThat(result).isEqualTo(DiscoOpenResult.OK_CALL_ME_MAYBE);
            }
        });
    }

    /** Bit flips, byte overwrites, truncation or extension (with random tail bytes); returns the new length. */
    private static int mutate(final SplittableRandom random, final byte[] packet, final int length) {
        switch (random.nextInt(4)) {
            case 0 -> {
                for (int n = 1 + random.nextInt(3); n > 0; n--) {
                    final int i = random.nextInt(length);
                    packet[i] ^= (byte) (1 << random.nextInt(8));
                }
                return length;
            }
            case 1 -> {
                packet[random.nextInt(length)] = (byte) random.nextInt(256);
                return length;
            }
            case 2 -> {
                return random.nextInt(length);
            }
            default -> {
                final int extra = 1 + random.nextInt(packet.length - length);
                for (int i = length; i < length + extra; i++) {
                    packet[i] = (byte) random.nextInt(256);
                }
                return length + extra;
            }
        }
    }

    private void exerciseViews(final DiscoOpenResult result) {
        if (result == DiscoOpenResult.OK_CALL_ME_MAYBE) {
            CallMeMaybeFilter.ipv4Only().filter(opener.callMeMaybe(), EndpointList.forCallMeMaybe());
        } else if (result == DiscoOpenResult.OK_PING) {
            opener.ping().paddingLength();
        } else if (result == DiscoOpenResult.OK_PONG) {
            opener.pong().port();
        }
    }
}
