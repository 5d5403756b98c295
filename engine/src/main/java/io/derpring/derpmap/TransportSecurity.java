package io.derpring.derpmap;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How the DERP dialer secures one node's connection (SPEC §5.10, §2.6). The map yields exactly one of
 * {@link VerifyName}, {@link PinnedSha256} or {@link InsecureSkipVerify}; {@link PlainHttp} exists only for a caller
 * that asks for it explicitly (debug/test dialer mode) and is never inferred from a map.
 *
 * <p>Precedence when a node sets both: a {@code CertName} (pin or name) wins over {@code InsecureForTests}, because
 * the stricter setting must not be silently dropped.
 */
public sealed interface TransportSecurity
    permits TransportSecurity.VerifyName, TransportSecurity.PinnedSha256, TransportSecurity.InsecureSkipVerify,
    TransportSecurity.PlainHttp {

    /** The TLS SNI host name ({@code HostName}), or {@code ""} for {@link PlainHttp}. */
    String sniHostName();

    /** Ordinary TLS: the certificate chain must be valid for {@code verifiedName} ({@code CertName}, else {@code HostName}). */
    record VerifyName(String sniHostName, String verifiedName) implements TransportSecurity {
    }

    /**
     * TLS whose leaf certificate must hash, as raw DER, to this SHA-256 ({@code CertName: "sha256-raw:<64 hex>"});
     * used by self-hosted relays reached by IP with a self-signed certificate. No CA or name check applies.
     *
     * @param sha256Hex the 64 lower-case hex digits of the pin
     */
    record PinnedSha256(String sniHostName, String sha256Hex) implements TransportSecurity {
        /** Pin length in bytes (SHA-256). */
        public static final int SHA256_LENGTH = 32;

        /** A copy of the 32 pinned bytes. */
        public byte[] sha256() {
            return HexFormat.of().parseHex(sha256Hex);
        }

        /** True when SHA-256 of {@code leafCertificateDer} equals the pin (constant-time compare). */
        public boolean matchesLeaf(final byte[] leafCertificateDer) {
            try {
                final byte[] digest = MessageDigest.getInstance("SHA-256").digest(leafCertificateDer);
                return MessageDigest.isEqual(digest, sha256());
            } catch (final NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java platform has SHA-256", e);
            }
        }
    }

    /** TLS without certificate verification ({@code InsecureForTests: true}): still TLS, never plain HTTP. */
    record InsecureSkipVerify(String sniHostName) implements TransportSecurity {
    }

    /** Plain HTTP ({@code http://host:port/derp}): only when the caller chooses it; a map never produces this. */
    record PlainHttp() implements TransportSecurity {
        @Override
        public String sniHostName() {
            return "";
        }
    }
}
