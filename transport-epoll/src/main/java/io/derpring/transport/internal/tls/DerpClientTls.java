package io.derpring.transport.internal.tls;

import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

import io.derpring.derpmap.TransportSecurity;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.NetUtil;

/**
 * Client TLS for one DERP node, from its {@link TransportSecurity} (SPEC §5.10, §2.6):
 * <ul>
 *   <li>{@link TransportSecurity.VerifyName}: the platform trust store (or the one given), and the certificate must
 *       be valid for {@code verifiedName} ({@code CertName}, else {@code HostName}); SNI is {@code HostName}. The JDK
 *       checks the name against SNI first and falls back to the verified name, so with a {@code CertName} a
 *       certificate valid for either name is accepted; without one both are {@code HostName}.</li>
 *   <li>{@link TransportSecurity.PinnedSha256}: only the leaf's raw-DER SHA-256 counts ({@link PinnedLeafTrustManager}).</li>
 *   <li>{@link TransportSecurity.InsecureSkipVerify}: TLS with no certificate check at all (tests).</li>
 *   <li>{@link TransportSecurity.PlainHttp}: no TLS; {@link #forSecurity} returns null.</li>
 * </ul>
 *
 * <p><b>Provider: BoringSSL through netty-tcnative where it loads, else the JDK's.</b> Measured on loopback TLS 1.3
 * with 1200-byte records (perf-results/2026-11-25-transport-jdk17, TlsProviderBenchmark): BoringSSL 287 k records/s
 * and 471 B of garbage per record, the JDK 168 k and 5,301 B. Name verification, pinning, insecure mode and the
 * fast-start meta-certificate behave the same with both (the client TLS tests run on whichever is chosen; the JDK
 * stays the fallback where no native build exists). TLS 1.3 is offered first; 1.2 stays allowed as Go's client
 * allows it.
 *
 * <p>Immutable and thread-safe; build one per node and call {@link #newHandler} per connection.
 */
public final class DerpClientTls {
    /** Offered protocols, best first. Fast start needs 1.3 (SPEC §2.6). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
    private static final String HTTPS_IDENTIFICATION = "HTTPS";
    /** BoringSSL where netty-tcnative loads and speaks TLS 1.3, else the JDK's provider. */
    static final SslProvider PROVIDER =
        OpenSsl.isAvailable() && SslProvider.isTlsv13Supported(SslProvider.OPENSSL) ? SslProvider.OPENSSL
            : SslProvider.JDK;

    private final TransportSecurity security;
    private final SslContext context;

    private DerpClientTls(final TransportSecurity security, final SslContext context) {
        this.security = security;
        this.context = context;
    }

    /**
     * TLS for {@code security}, or null for {@link TransportSecurity.PlainHttp}.
     *
     * @param trust trust store for {@link TransportSecurity.VerifyName}; null = the platform default. Ignored by the
     *              other modes.
     */
    public static DerpClientTls forSecurity(final TransportSecurity security, final TrustManagerFactory trust)
        throws SSLException {
        if (security instanceof TransportSecurity.PlainHttp) {
            return null;
        }
        final SslContextBuilder builder = SslContextBuilder.forClient()
            .sslProvider(PROVIDER)
            .protocols(PROTOCOLS)
            // Identification is configured per engine below (the name to verify differs from SNI).
            .endpointIdentificationAlgorithm(null);
        if (security instanceof TransportSecurity.VerifyName) {
            if (trust != null) {
                builder.trustManager(trust);
            }
        } else if (security instanceof TransportSecurity.PinnedSha256) {
            builder.trustManager(new PinnedLeafTrustManager((TransportSecurity.PinnedSha256) security));
        } else if (security instanceof TransportSecurity.InsecureSkipVerify) {
            builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
        } else {
            throw new IllegalArgumentException("unknown transport security " + security);
        }
        return new DerpClientTls(security, builder.build());
    }

    public TransportSecurity security() {
        return security;
    }

    /** A new client-mode {@link SslHandler} for a connection to {@code port}. */
    public SslHandler newHandler(final ByteBufAllocator alloc, final int port) {
        final String sni = security.sniHostName();
        final String verified = security instanceof TransportSecurity.VerifyName
            ? ((TransportSecurity.VerifyName) security).verifiedName() : sni;
        // The engine's peer host is the name the JDK falls back to when identifying the server.
        final SSLEngine engine = context.newEngine(alloc, verified, port);
        final SSLParameters params = engine.getSSLParameters();
        if (security instanceof TransportSecurity.VerifyName) {
            params.setEndpointIdentificationAlgorithm(HTTPS_IDENTIFICATION);
        }
        // SNI carries a DNS name only (RFC 6066 §3: literal IPs are not permitted).
        if (!sni.isEmpty() && !NetUtil.isValidIpV4Address(sni) && !NetUtil.isValidIpV6Address(sni)) {
            params.setServerNames(List.of(new SNIHostName(sni)));
        }
        engine.setSSLParameters(params);
        return new SslHandler(engine);
    }
}
