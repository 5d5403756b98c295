package io.derpring.transport.internal.tls;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

import io.derpring.keys.KeyFormatException;
import io.derpring.keys.NodeKey;

/**
 * The DERP meta-certificate (SPEC §2.6; derphttp_client.go parseMetaCert, derpconst.MetaCertCommonNamePrefix): a
 * derper appends to its TLS chain a certificate whose CommonName is {@code "derpkey" + <64 hex server key>} and whose
 * serial number is the server's protocol version (at most 8 bits, non-zero). Seeing it over TLS 1.3 lets the client
 * skip the 101 and the ServerKey frame (fast start).
 */
public final class MetaCertificate {
    /** derpconst.MetaCertCommonNamePrefix. */
    public static final String COMMON_NAME_PREFIX = "derpkey";
    /** parseMetaCert: {@code cert.SerialNumber.BitLen() <= 8} ("supports up to version 255"). */
    public static final int MAX_SERIAL_BITS = 8;
    /** Go reads the chain only when {@code cs.Version >= tls.VersionTLS13}. */
    public static final String REQUIRED_PROTOCOL = "TLSv1.3";

    private MetaCertificate() {
    }

    /**
     * The server key announced by the meta-certificate in {@code session}'s peer chain, or null: not TLS 1.3, no
     * such certificate, a malformed key, or a serial that is zero or wider than 8 bits (Go then skips fast start).
     */
    public static NodeKey serverKey(final SSLSession session) {
        if (session == null || !REQUIRED_PROTOCOL.equals(session.getProtocol())) {
            return null;
        }
        final Certificate[] chain;
        try {
            chain = session.getPeerCertificates();
        } catch (final SSLPeerUnverifiedException e) {
            return null;
        }
        for (final Certificate c : chain) {
            if (c instanceof X509Certificate) {
                final NodeKey key = serverKey((X509Certificate) c);
                if (key != null) {
                    return key;
                }
            }
        }
        return null;
    }

    /** The key if {@code cert} is a valid meta-certificate, else null. */
    public static NodeKey serverKey(final X509Certificate cert) {
        final String cn = commonName(cert);
        if (cn == null || !cn.startsWith(COMMON_NAME_PREFIX)) {
            return null;
        }
        final int serialBits = cert.getSerialNumber().bitLength();
        // Go also requires serverProtoVersion != 0 before it sets Derp-Fast-Start.
        if (cert.getSerialNumber().signum() <= 0 || serialBits > MAX_SERIAL_BITS) {
            return null;
        }
        try {
            return NodeKey.parseHex(cn.substring(COMMON_NAME_PREFIX.length()));
        } catch (final KeyFormatException e) {
            return null;
        }
    }

    private static String commonName(final X509Certificate cert) {
        try {
            final LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
            for (final Rdn rdn : name.getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
            return null;
        } catch (final InvalidNameException e) {
            return null;
        }
    }
}
