package io.derpring.transport.internal.engine;

import java.time.Duration;
import java.util.Objects;

import javax.net.ssl.TrustManagerFactory;

import io.derpring.derpmap.TransportSecurity;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import io.derpring.transport.engine.TlsMode;
import io.derpring.transport.internal.EventLoops;
import io.derpring.transport.internal.client.DerpClientSettings;

/**
 * The Netty half of an engine's settings: what {@link io.derpring.internal.engine.DerpEngineConfig} leaves to the
 * transport. An internal value: embedders set it through {@code NettyDerpEngine.builder()}. Immutable; {@link Builder#build()} validates and fails with the setting's name, value and range.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>why</th></tr>
 *   <tr><td>transport</td><td>auto ({@link Transport#detect()}: io_uring, epoll, NIO)</td><td>best available</td></tr>
 *   <tr><td>ioThreads</td><td>cores</td><td>one loop per core, as the relay; range [1, 1024]</td></tr>
 *   <tr><td>pinThreads</td><td>off</td><td>pinning only pays with dedicated cores</td></tr>
 *   <tr><td>tls</td><td>{@link TlsMode#FROM_MAP}</td><td>each node's own security (SPEC §5.10)</td></tr>
 *   <tr><td>trust</td><td>platform trust store</td><td>only for {@link TlsMode#FROM_MAP}</td></tr>
 *   <tr><td>client</td><td>{@link DerpClientSettings#defaults()}</td><td>connect/keepalive/write deadlines</td></tr>
 *   <tr><td>shutdownQuietPeriod</td><td>0</td><td>every connection is closed before the group stops</td></tr>
 *   <tr><td>shutdownTimeout</td><td>5 s</td><td>bound on {@code close()}; range (0, 60 s]</td></tr>
 * </table>
 */
public final class NettyTransportSettings {
    public static final int MAX_IO_THREADS = 1024;
    public static final Duration DEFAULT_SHUTDOWN_QUIET_PERIOD = Duration.ZERO;
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration MAX_SHUTDOWN_TIMEOUT = Duration.ofSeconds(60);
    /** Prefix of every event-loop thread an engine creates (the engine's own threads are {@code derpring-*} too). */
    public static final String IO_THREAD_NAME = "derpring-io";

    private final Transport transport;
    private final int ioThreads;
    private final boolean pinThreads;
    private final TlsMode tls;
    private final TrustManagerFactory trust;
    private final DerpClientSettings client;
    private final Duration shutdownQuietPeriod;
    private final Duration shutdownTimeout;

    private NettyTransportSettings(final Builder b) {
        this.transport = b.transport != null ? b.transport : Transport.detect();
        if (!transport.isAvailable()) {
            throw new InvalidConfigException("transport " + transport.cliName() + " is not available here: "
                + transport.unavailabilityCause());
        }
        this.ioThreads = InvalidConfigException.requireInRange("I/O threads", b.ioThreads, 1, MAX_IO_THREADS);
        this.pinThreads = b.pinThreads;
        this.tls = Objects.requireNonNull(b.tls, "TLS mode");
        if (b.trust != null && tls != TlsMode.FROM_MAP) {
            throw new InvalidConfigException("a trust store was given but TLS mode is " + tls
                + ": certificates are not verified in that mode");
        }
        this.trust = b.trust;
        this.client = Objects.requireNonNull(b.client, "client settings");
        if (b.shutdownQuietPeriod.isNegative() || b.shutdownQuietPeriod.compareTo(b.shutdownTimeout) > 0) {
            throw new InvalidConfigException("shutdown quiet period = " + b.shutdownQuietPeriod + " is outside [0, "
                + b.shutdownTimeout + " (the shutdown timeout)]");
        }
        if (b.shutdownTimeout.isNegative() || b.shutdownTimeout.isZero()
            || b.shutdownTimeout.compareTo(MAX_SHUTDOWN_TIMEOUT) > 0) {
            throw new InvalidConfigException("shutdown timeout = " + b.shutdownTimeout + " is outside (0, "
                + MAX_SHUTDOWN_TIMEOUT + "]");
        }
        this.shutdownQuietPeriod = b.shutdownQuietPeriod;
        this.shutdownTimeout = b.shutdownTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static NettyTransportSettings defaults() {
        return builder().build();
    }

    public Transport transport() {
        return transport;
    }

    public int ioThreads() {
        return ioThreads;
    }

    public boolean pinThreads() {
        return pinThreads;
    }

    public TlsMode tls() {
        return tls;
    }

    /** The trust store for name verification, or null for the platform's. */
    public TrustManagerFactory trust() {
        return trust;
    }

    public DerpClientSettings client() {
        return client;
    }

    public Duration shutdownQuietPeriod() {
        return shutdownQuietPeriod;
    }

    public Duration shutdownTimeout() {
        return shutdownTimeout;
    }

    /** The dialer's override of each node's security: null follows the map. */
    public TransportSecurity securityOverride() {
        switch (tls) {
            case PLAIN_HTTP_FOR_TESTS:
                return new TransportSecurity.PlainHttp();
            case INSECURE_FOR_TESTS:
                // The SNI name is per node; the dialer's override is shared, so SNI is left out (a literal IP
                // would not be sent as SNI anyway). Verification is off, so no name is checked.
                return new TransportSecurity.InsecureSkipVerify("");
            case FROM_MAP:
            default:
                return null;
        }
    }

    @Override
    public String toString() {
        return "NettyTransportSettings{transport=" + transport.cliName() + ", ioThreads=" + ioThreads + ", pin="
            + pinThreads + ", tls=" + tls + ", trust=" + (trust == null ? "platform" : "custom") + '}';
    }

    /** Defaults as in the class table; {@link #build()} validates. */
    public static final class Builder {
        private Transport transport;
        private int ioThreads = EventLoops.defaultThreads();
        private boolean pinThreads;
        private TlsMode tls = TlsMode.FROM_MAP;
        private TrustManagerFactory trust;
        private DerpClientSettings client = DerpClientSettings.defaults();
        private Duration shutdownQuietPeriod = DEFAULT_SHUTDOWN_QUIET_PERIOD;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;

        private Builder() {
        }

        /** A forced transport (must be available here); null = auto. */
        public Builder transport(final Transport transport) {
            this.transport = transport;
            return this;
        }

        public Builder ioThreads(final int threads) {
            this.ioThreads = threads;
            return this;
        }

        public Builder pinThreads(final boolean pin) {
            this.pinThreads = pin;
            return this;
        }

        public Builder tls(final TlsMode mode) {
            this.tls = mode;
            return this;
        }

        /** Trust store for name verification ({@link TlsMode#FROM_MAP} only); null = the platform's. */
        public Builder trust(final TrustManagerFactory trust) {
            this.trust = trust;
            return this;
        }

        public Builder client(final DerpClientSettings client) {
            this.client = client;
            return this;
        }

        public Builder shutdown(final Duration quietPeriod, final Duration timeout) {
            this.shutdownQuietPeriod = Objects.requireNonNull(quietPeriod, "quiet period");
            this.shutdownTimeout = Objects.requireNonNull(timeout, "timeout");
            return this;
        }

        public NettyTransportSettings build() {
            return new NettyTransportSettings(this);
        }
    }
}
