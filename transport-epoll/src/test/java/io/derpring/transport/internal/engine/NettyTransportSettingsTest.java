package io.derpring.transport.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import javax.net.ssl.TrustManagerFactory;

import io.derpring.derpmap.TransportSecurity;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.Transport;
import io.derpring.transport.engine.TlsMode;
import org.junit.jupiter.api.Test;

class NettyTransportSettingsTest {

    @Test
    void defaultsAreAutoTransportOneLoopPerCoreUnpinnedAndTheMapsOwnTls() {
        final NettyTransportSettings s = NettyTransportSettings.defaults();
        assertThat(s.transport()).isEqualTo(Transport.detect());
        assertThat(s.ioThreads()).isEqualTo(EventLoops.defaultThreads());
        assertThat(s.pinThreads()).isFalse();
        assertThat(s.tls()).isEqualTo(TlsMode.FROM_MAP);
        assertThat(s.trust()).isNull();
        assertThat(s.securityOverride()).isNull();
        assertThat(s.shutdownQuietPeriod()).isEqualTo(Duration.ZERO);
        assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void ioThreadsAreValidatedAtBelowAndAboveTheRange() {
        assertThat(NettyTransportSettings.builder().ioThreads(1).build().ioThreads()).isEqualTo(1);
        assertThat(NettyTransportSettings.builder().ioThreads(NettyTransportSettings.MAX_IO_THREADS).build()
            .ioThreads()).isEqualTo(NettyTransportSettings.MAX_IO_THREADS);
        assertThatThrownBy(() -> NettyTransportSettings.builder().ioThreads(0).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("I/O threads = 0");
        assertThatThrownBy(() -> NettyTransportSettings.builder().ioThreads(NettyTransportSettings.MAX_IO_THREADS + 1)
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("I/O threads");
    }

    @Test
    void aTrustStoreIsRefusedWhenCertificatesAreNotVerified() throws Exception {
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init((java.security.KeyStore) null);
        assertThat(NettyTransportSettings.builder().trust(trust).build().trust()).isSameAs(trust);
        assertThatThrownBy(() -> NettyTransportSettings.builder().trust(trust).tls(TlsMode.INSECURE_FOR_TESTS).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("trust store");
        assertThatThrownBy(() -> NettyTransportSettings.builder().trust(trust).tls(TlsMode.PLAIN_HTTP_FOR_TESTS).build())
            .isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void testModesOverrideEveryNodesSecurity() {
        assertThat(NettyTransportSettings.builder().tls(TlsMode.PLAIN_HTTP_FOR_TESTS).build().securityOverride())
            .isInstanceOf(TransportSecurity.PlainHttp.class);
        assertThat(NettyTransportSettings.builder().tls(TlsMode.INSECURE_FOR_TESTS).build().securityOverride())
            .isInstanceOf(TransportSecurity.InsecureSkipVerify.class);
    }

    @Test
    void shutdownTimesAreValidated() {
        final Duration max = NettyTransportSettings.MAX_SHUTDOWN_TIMEOUT;
        assertThat(NettyTransportSettings.builder().shutdown(Duration.ZERO, Duration.ofMillis(1)).build()
            .shutdownTimeout()).isEqualTo(Duration.ofMillis(1));
        assertThat(NettyTransportSettings.builder().shutdown(max, max).build().shutdownQuietPeriod()).isEqualTo(max);
        assertThatThrownBy(() -> NettyTransportSettings.builder().shutdown(Duration.ZERO, Duration.ZERO).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("shutdown timeout");
        assertThatThrownBy(() -> NettyTransportSettings.builder().shutdown(Duration.ZERO, max.plusMillis(1)).build())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("shutdown timeout");
        assertThatThrownBy(() -> NettyTransportSettings.builder().shutdown(Duration.ofSeconds(2), Duration.ofSeconds(1))
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("quiet period");
        assertThatThrownBy(() -> NettyTransportSettings.builder().shutdown(Duration.ofMillis(-1), Duration.ofSeconds(1))
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("quiet period");
    }
}
