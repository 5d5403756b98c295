package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;
import java.util.HexFormat;

import io.derpring.keys.NodePrivateKey;
import org.junit.jupiter.api.Test;

/** The key-leak gate is only as good as its scanner: a planted key in each printed form must be found. */
class KeyLeakScannerTest {
    private final NodePrivateKey planted = NodePrivateKey.generate();
    private final byte[] raw = planted.rawScalar();
    private final KeyLeakScanner scanner = new KeyLeakScanner().secret("planted", raw);

    @Test
    void findsThePrivkeyTextForm() {
        assertThat(scanner.findIn("INFO relay key loaded: " + planted.toText() + "\n")).contains("planted as privkey");
    }

    @Test
    void findsBareHexInUpperCase() {
        final String line = "DEBUG key=" + HexFormat.of().withUpperCase().formatHex(raw);
        assertThat(scanner.findIn(line)).contains("planted as hex");
    }

    @Test
    void findsPaddedBase64() {
        assertThat(scanner.findIn("WARN " + Base64.getEncoder().encodeToString(raw) + " rejected"))
            .contains("planted as base64");
    }

    @Test
    void findsUnpaddedUrlSafeBase64() {
        final String line = "ERROR " + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        assertThat(scanner.findIn(line)).contains("planted as base64url");
    }

    @Test
    void findsAKeyInsideAnExceptionMessage() {
        final Exception e = new IllegalStateException("handshake failed for " + planted.toText());
        assertThat(scanner.findIn(e.toString())).isNotEmpty();
    }

    @Test
    void redactedToStringAndPublicKeyLeakNothing() {
        final String line = "INFO node " + planted + " is " + planted.publicKey().toString() + " "
            + HexFormat.of().formatHex(planted.publicKey().toBytes());
        assertThat(scanner.findIn(line)).isEmpty();
    }
}
