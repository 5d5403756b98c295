package io.derpring.transport.client;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import java.util.HexFormat;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Self-signed server certificates (and the DERP meta-certificate) made with Bouncy Castle for the TLS tests. */
final class TestCertificates {
    private static final char[] PASSWORD = "test".toCharArray();
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
        return new TestCertificates(kp, certificate(kp, "CN=" + dnsName, BigInteger.valueOf(0x1234_5678L), dnsName));
    }

    /** derper's meta-certificate: CN "derpkey" + hex server key, serial = protocol version (SPEC §2.6). */
    X509Certificate metaCertificate(final String serverKeyHex, final long serial) throws Exception {
        return certificate(keyPair, "CN=derpkey" + serverKeyHex, BigInteger.valueOf(serial), null);
    }

    private static X509Certificate certificate(final KeyPair kp, final String subject, final BigInteger serial,
                                               final String dnsName) throws Exception {
        final long now = System.currentTimeMillis();
        final JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(subject), serial,
            new Date(now - DAY_MS), new Date(now + DAY_MS), new X500Name(subject), kp.getPublic());
        if (dnsName != null) {
            builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
    }

    /** A server context presenting {@code chain} (leaf first) with this key, limited to {@code protocols}. */
    SSLContext serverContext(final X509Certificate... chain) throws Exception {
        final KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", keyPair.getPrivate(), PASSWORD, chain.length == 0 ? new Certificate[] {leaf} : chain);
        final KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, PASSWORD);
        final SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
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
