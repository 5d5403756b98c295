package io.derpring.transport.internal.tls;

import java.net.Socket;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import io.derpring.derpmap.TransportSecurity;

/**
 * Trusts a server exactly when SHA-256 of its leaf certificate's raw DER equals the pin ({@code CertName:
 * "sha256-raw:<hex>"}, SPEC §5.10; Go {@code tlsdial.SetConfigExpectedCertHash}). No CA, name or validity check
 * applies: the pin is the whole trust decision, which is what a self-hosted relay reached by IP with a self-signed
 * certificate needs. Extends {@link X509ExtendedTrustManager} so the JDK calls it as is, without wrapping it in its
 * own endpoint-identification checks.
 */
final class PinnedLeafTrustManager extends X509ExtendedTrustManager {
    private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

    private final TransportSecurity.PinnedSha256 pin;

    PinnedLeafTrustManager(final TransportSecurity.PinnedSha256 pin) {
        this.pin = pin;
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("server sent no certificate; a pinned leaf was expected");
        }
        final byte[] der;
        try {
            der = chain[0].getEncoded();
        } catch (final CertificateEncodingException e) {
            throw new CertificateException("server leaf certificate could not be encoded", e);
        }
        if (!pin.matchesLeaf(der)) {
            throw new CertificateException("server leaf certificate does not match the sha256-raw pin");
        }
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkServerTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException {
        checkServerTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType) throws CertificateException {
        throw new CertificateException("a DERP client trust manager does not authenticate clients");
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final Socket socket)
        throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public void checkClientTrusted(final X509Certificate[] chain, final String authType, final SSLEngine engine)
        throws CertificateException {
        checkClientTrusted(chain, authType);
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NO_ISSUERS;
    }
}
