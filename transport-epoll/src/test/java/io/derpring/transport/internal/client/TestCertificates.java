package io.derpring.transport.internal.client;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.HexFormat;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed server certificates (and the DERP meta-certificate) made with Bouncy Castle for the TLS tests. */
final class TestCertificates {
    private static final long DAY_MS = 86_400_000L;

    final KeyPair keyPair;
    final X509Certificate leaf;

    private TestCertificates(final KeyPair keyPair, final X509Certificate leaf) {
        this.keyPair = keyPair;
        this.leaf = leaf;
    }

    /** A P-256 key and a self-signed leaf valid for {@code dnsName}. */
    static TestCertificates selfSigned(final String dnsName) throws Exception {
        final KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        final KeyPair kp = gen.generateKeyPair();
        return new TestCertificates(kp, certificate(kp, dnsName, BigInteger.valueOf(0x1234_5678L), dnsName));
    }

    /** derper's meta-certificate: CN "derpkey" + hex server key, serial = protocol version (SPEC §2.6). */
    X509Certificate metaCertificate(final String serverKeyHex, final long serial) throws Exception {
        return certificate(keyPair, "derpkey" + serverKeyHex, BigInteger.valueOf(serial), null);
    }

    private static X509Certificate certificate(final KeyPair kp, final String commonName, final BigInteger serial,
                                               final String dnsName) throws Exception {
        final long now = System.currentTimeMillis();
        // Built from an RDN directly: derper's "derpkey" + 64 hex CN (71 chars) is longer than X.509's advisory
        // 64-char bound that Bouncy Castle's name parser enforces.
        final X500Name subject = new X500Name(new RDN[] {new RDN(BCStyle.CN, new DERUTF8String(commonName))});
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial,
            new Date(now - DAY_MS), new Date(now + DAY_MS), subject, kp.getPublic());
        if (dnsName != null) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    }

    /** A server context presenting {@code chain} (leaf first) with this key, limited to {@code protocols}. */
    SSLContext serverContext(final X509Certificate... chain) throws Exception {
        final X509Certificate[] presented = chain.length == 0 ? new X509Certificate[] {leaf} : chain;
        // A key manager of our own: a KeyStore refuses a chain whose next certificate did not issue the previous
        // one, and derper's meta-certificate is exactly such an unrelated extra certificate.
        final X509ExtendedKeyManager keys = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(final String keyType, final Principal[] issuers) {
                return null;
            }

            @Override
            public String chooseClientAlias(final String[] keyType, final Principal[] issuers, final Socket socket) {
                return null;
            }

            @Override
            public String[] getServerAliases(final String keyType, final Principal[] issuers) {
                return new String[] {"server"};
            }

            @Override
            public String chooseServerAlias(final String keyType, final Principal[] issuers, final Socket socket) {
                return "EC".equals(keyType) ? "server" : null;
            }

            @Override
            public String chooseEngineServerAlias(final String keyType, final Principal[] issuers,
                                                  final SSLEngine engine) {
                return "EC".equals(keyType) ? "server" : null;
            }

            @Override
            public X509Certificate[] getCertificateChain(final String alias) {
                return presented.clone();
            }

            @Override
            public PrivateKey getPrivateKey(final String alias) {
                return keyPair.getPrivate();
            }
        };
        final SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(new KeyManager[] {keys}, null, null);
        return ctx;
    }

    /** A trust store holding only this leaf. */
    TrustManagerFactory trustingLeaf() throws Exception {
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("derp", leaf);
        final TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    /** {@code sha256-raw:} pin value of the leaf. */
    String leafSha256Hex() throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(leaf.getEncoded()));
    }
}
