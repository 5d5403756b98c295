package io.derpring.transport.internal.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import io.derpring.engine.OutboundOverflow;
import io.derpring.internal.frame.FrameHeaderFlyweight;
import io.derpring.internal.frame.ServerInfo;
import io.derpring.keys.NodeKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.internal.tls.MetaCertificate;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The connection's socket-free parts: limiter, frame boundaries, HTTP head, meta-certificate, settings. */
@Timeout(60)
class ClientPartsTest {
    final Counters<ClientCounter> counters = new Counters<>(ClientCounter.class);
    final NodeKey dst = NodePrivateKey.generate().publicKey();

    // ---- SendRateLimiter (SPEC §2.5, B10) ----

    @Test
    @DisplayName("B10: the bucket starts full; a cost at the burst passes, one byte more never does")
    void limiterBurstIsInclusive() {
        final SendRateLimiter full = new SendRateLimiter(1000, 137, 0);
        assertThat(full.tryAcquire(137, 0)).isTrue();
        assertThat(full.tryAcquire(1, 0)).isFalse();
        assertThat(new SendRateLimiter(1000, 137, 0).tryAcquire(138, 0)).isFalse();
        assertThat(new SendRateLimiter(1000, 137, 0).tryAcquire(136, 0)).isTrue();
    }

    @Test
    void limiterRefillsAtTheRateUpToTheBurst() {
        final SendRateLimiter l = new SendRateLimiter(1000, 2000, 0);
        assertThat(l.tryAcquire(2000, 0)).isTrue();
        assertThat(l.tryAcquire(1, 999_999)).as("0.999 ms at 1000 B/s is 0.999 bytes").isFalse();
        assertThat(l.tryAcquire(1, 1_000_000)).as("1 ms is 1 byte").isTrue();
        assertThat(l.tryAcquire(2000, 60_000_000_000L)).as("capped at the burst").isTrue();
        assertThat(l.tryAcquire(1, 60_000_000_000L)).isFalse();
    }

    @Test
    void noTokenBucketMeansNoLimiter() {
        assertThat(SendRateLimiter.forServerInfo(ServerInfo.standard(), 0)).isNull();
        assertThat(SendRateLimiter.forServerInfo(new ServerInfo(2, 100, 200), 0)).isNotNull();
    }

    @Test
    void limiterSurvivesExtremeRatesAndGaps() {
        final SendRateLimiter l = new SendRateLimiter(Long.MAX_VALUE, Long.MAX_VALUE, 0);
        assertThat(l.tryAcquire(Long.MAX_VALUE, 0)).isTrue();
        assertThat(l.tryAcquire(1, Long.MAX_VALUE)).isTrue();
        assertThat(l.tokens()).isPositive();
    }

    // ---- FrameBoundary ----

    @Test
    void frameBoundariesAreFoundUnderAnyChunking() {
        final long seed = 42;
        final SplittableRandom random = new SplittableRandom(seed);
        final UnsafeBuffer stream = new UnsafeBuffer(new byte[20_000]);
        final List<Integer> ends = new ArrayList<>();
        int at = 0;
        while (at < 19_000) {
            final int len = random.nextInt(10) == 0 ? 0 : random.nextInt(700);
            FrameHeaderFlyweight.write(stream, at, random.nextInt(256), len);
            at += 5 + len;
            ends.add(at);
        }
        for (int trial = 0; trial < 200; trial++) {
            final FrameBoundary b = new FrameBoundary();
            final List<Integer> found = new ArrayList<>();
            int pos = 0;
            while (pos < at) {
                final int chunkEnd = Math.min(at, pos + 1 + random.nextInt(900));
                while (pos < chunkEnd) {
                    pos += b.bytesOfCurrentFrame(stream, pos, chunkEnd);
                    if (b.atBoundary()) {
                        found.add(pos);
                    }
                }
            }
            assertThat(found).as("seed %d trial %d", seed, trial).isEqualTo(ends);
        }
    }

    @Test
    void aHugeDeclaredLengthIsTrackedWithoutOverflow() {
        final FrameBoundary b = new FrameBoundary();
        final UnsafeBuffer h = new UnsafeBuffer(new byte[] {5, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1});
        assertThat(b.bytesOfCurrentFrame(h, 0, 6)).isEqualTo(6);
        assertThat(b.atBoundary()).isFalse();
    }

    // ---- UpgradeResponseHead ----

    private static UnsafeBuffer ascii(final String s) {
        return new UnsafeBuffer(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void headEndsAtTheBlankLineAndLeavesTheFramesAfterIt() throws Exception {
        final UpgradeResponseHead head = new UpgradeResponseHead(1024);
        final UnsafeBuffer in = ascii("HTTP/1.1 101 Switching Protocols\r\nUpgrade: DERP\r\n\r\nXYZ");
        assertThat(head.onData(in, 0, in.capacity())).isEqualTo(in.capacity() - 3);
        assertThat(head.isComplete()).isTrue();
        assertThat(head.statusCode()).isEqualTo(101);
    }

    @Test
    void headAtTheLimitIsReadAndOneByteMoreIsRefused() throws Exception {
        final String line = "HTTP/1.1 101 OK\r\n";
        final String pad = "X-Pad: " + "p".repeat(64 - line.length() - 7 - 4) + "\r\n\r\n";
        assertThat(line.length() + pad.length()).isEqualTo(64);
        final UpgradeResponseHead atLimit = new UpgradeResponseHead(64);
        atLimit.onData(ascii(line + pad), 0, 64);
        assertThat(atLimit.isComplete()).isTrue();
        final UpgradeResponseHead above = new UpgradeResponseHead(63);
        assertThatThrownBy(() -> above.onData(ascii(line + pad), 0, 64))
            .isInstanceOf(DerpConnectionException.class).hasMessageContaining("longer than 63");
    }

    @Test
    void aStatusLineThatIsNotHttpIsMalformed() {
        final UpgradeResponseHead head = new UpgradeResponseHead(1024);
        assertThatThrownBy(() -> head.onData(ascii("SSH-2.0-OpenSSH\r\n\r\n"), 0, 19))
            .isInstanceOf(DerpConnectionException.class)
            .satisfies(e -> assertThat(((DerpConnectionException) e).failure())
                .isEqualTo(DerpConnectionException.Failure.UPGRADE_MALFORMED));
    }

    // ---- UpgradeRequest ----

    @Test
    void hostHeaderShowsOnlyANonDefaultPort() {
        assertThat(UpgradeRequest.hostHeader("derp.test", 443, true)).isEqualTo("derp.test");
        assertThat(UpgradeRequest.hostHeader("derp.test", 8443, true)).isEqualTo("derp.test:8443");
        assertThat(UpgradeRequest.hostHeader("derp.test", 80, false)).isEqualTo("derp.test");
        assertThat(UpgradeRequest.hostHeader("derp.test", 443, false)).isEqualTo("derp.test:443");
    }

    // ---- MetaCertificate (SPEC §2.6) ----

    @Test
    void metaCertificateSerialMustBeOneToEightBits() throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        final NodeKey server = NodePrivateKey.generate().publicKey();
        assertThat(MetaCertificate.serverKey(certs.metaCertificate(server.toHex(), 2))).isEqualTo(server);
        assertThat(MetaCertificate.serverKey(certs.metaCertificate(server.toHex(), 255))).isEqualTo(server);
        assertThat(MetaCertificate.serverKey(certs.metaCertificate(server.toHex(), 256))).isNull();
        assertThat(MetaCertificate.serverKey(certs.metaCertificate(server.toHex(), 0))).isNull();
        assertThat(BigInteger.valueOf(255).bitLength()).isEqualTo(MetaCertificate.MAX_SERIAL_BITS);
    }

    @Test
    void aCertificateWithoutTheDerpkeyCommonNameIsNoMetaCertificate() throws Exception {
        final TestCertificates certs = TestCertificates.selfSigned("derp.test");
        assertThat(MetaCertificate.serverKey(certs.leaf)).isNull();
        assertThat(MetaCertificate.serverKey(certs.metaCertificate("not-hex", 2))).isNull();
    }

    // ---- DerpClientSettings ----

    @Test
    void settingsDefaultsAreTheSpecValues() {
        final DerpClientSettings s = DerpClientSettings.defaults();
        assertThat(s.connectTimeoutNs()).isEqualTo(TimeUnit.SECONDS.toNanos(10));
        assertThat(s.keepAliveDeadlineNs()).isEqualTo(TimeUnit.SECONDS.toNanos(120));
        assertThat(s.outboundQueueDepth()).isEqualTo(32);
        assertThat(s.outboundOverflow()).isEqualTo(OutboundOverflow.BACK_PRESSURE);
        assertThat(s.discoQueueDepth()).isEqualTo(8);
    }

    @Test
    void discoQueueDepthAndOverflowAreValidated() {
        assertThatThrownBy(() -> DerpClientSettings.builder().discoQueueDepth(0).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("disco queue depth");
        assertThat(DerpClientSettings.builder().discoQueueDepth(1).build().discoQueueDepth()).isEqualTo(1);
        assertThat(DerpClientSettings.builder().discoQueueDepth(DerpClientSettings.MAX_DISCO_QUEUE_DEPTH).build()
            .discoQueueDepth()).isEqualTo(DerpClientSettings.MAX_DISCO_QUEUE_DEPTH);
        assertThatThrownBy(() -> DerpClientSettings.builder()
            .discoQueueDepth(DerpClientSettings.MAX_DISCO_QUEUE_DEPTH + 1).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> DerpClientSettings.builder().outboundOverflow(null).build())
            .isInstanceOf(NullPointerException.class).hasMessageContaining("outbound overflow");
        assertThat(DerpClientSettings.builder().outboundOverflow(OutboundOverflow.DROP_OLDEST).build().toBuilder()
            .build().outboundOverflow()).isEqualTo(OutboundOverflow.DROP_OLDEST);
    }

    @Test
    void settingsOutOfRangeFailWithTheSettingName() {
        assertThatThrownBy(() -> DerpClientSettings.builder().outboundQueueDepth(0).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("outbound queue depth");
        assertThatThrownBy(() -> DerpClientSettings.builder().outboundQueueDepth(4097).build())
            .isInstanceOf(InvalidConfigException.class);
        assertThat(DerpClientSettings.builder().outboundQueueDepth(4096).build().outboundQueueDepth()).isEqualTo(4096);
        assertThatThrownBy(() -> DerpClientSettings.builder().keepAliveDeadline(0, TimeUnit.SECONDS).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("keepalive");
        assertThatThrownBy(() -> DerpClientSettings.builder().writeBufferWaterMarks(10, 5).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("high water");
        assertThatThrownBy(() -> DerpClientSettings.builder().idealNodeName("1a\r\nX-Evil: 1").build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("Ideal-Node");
    }
}
