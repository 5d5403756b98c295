package io.derpring.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Stream;

import io.derpring.internal.frame.FrameType;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code --key-file}: derper's {@code -c} config file holding the server key (issue 14). */
@Timeout(60)
class ServerKeyFileTest {
    /** A fixed key, so a corrupt variant of its file can be checked for echoing it. */
    private static final String HEX = "58a5a2c0f0e0d0c0b0a090807060504030201000f0e0d0c0b0a0908070605044";

    @TempDir
    Path dir;

    @Test
    void aMissingFileIsCreatedOwnerOnlyInDerpersLayout() throws IOException {
        final Path file = dir.resolve("derper.key");
        final NodePrivateKey key = ServerKeyFile.loadOrCreate(file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).isEqualTo("{\n\t\"PrivateKey\": \"" + key.toText() + "\"\n}");
        try (Stream<Path> left = Files.list(dir)) {
            assertThat(left).as("no temporary file left behind").containsExactly(file);
        }
    }

    @Test
    void aMissingDirectoryIsCreatedAsDerperDoes() {
        final Path file = dir.resolve("state/derpring/derper.key");
        ServerKeyFile.loadOrCreate(file);
        assertThat(file).isRegularFile();
    }

    @Test
    void anExistingFileIsReusedByteForByte() throws IOException {
        final Path file = dir.resolve("derper.key");
        final NodePrivateKey first = ServerKeyFile.loadOrCreate(file);
        final byte[] written = Files.readAllBytes(file);
        final NodePrivateKey second = ServerKeyFile.loadOrCreate(file);
        assertThat(second.publicKey()).isEqualTo(first.publicKey());
        assertThat(Files.readAllBytes(file)).isEqualTo(written);
    }

    @Test
    void aFileDerperWroteGivesItsKey() throws IOException {
        final Path file = dir.resolve("derper.key");
        Files.writeString(file, "{\n\t\"PrivateKey\": \"privkey:" + HEX + "\"\n}");
        assertThat(ServerKeyFile.loadOrCreate(file).publicKey())
            .isEqualTo(NodePrivateKey.parse("privkey:" + HEX).publicKey());
    }

    @Test
    void theFieldNameMatchesCaseInsensitivelyAsGoJsonDoes() throws IOException {
        final Path file = dir.resolve("derper.key");
        Files.writeString(file, "{\"privatekey\":\"privkey:" + HEX + "\",\"Other\":1}");
        assertThat(ServerKeyFile.loadOrCreate(file).publicKey())
            .isEqualTo(NodePrivateKey.parse("privkey:" + HEX).publicKey());
    }

    static Stream<Arguments> corruptFiles() {
        return Stream.of(
            Arguments.of("bad JSON", "{\"PrivateKey\": privkey:" + HEX + "}", "not valid JSON"),
            Arguments.of("truncated JSON", "{\"PrivateKey\": \"privkey:" + HEX, "not valid JSON"),
            Arguments.of("trailing data", "{\"PrivateKey\": \"privkey:" + HEX + "\"} {}", "not valid JSON"),
            Arguments.of("empty", "", "not a JSON object"),
            Arguments.of("not an object", "[\"privkey:" + HEX + "\"]", "not a JSON object"),
            Arguments.of("no field", "{\"Key\": \"privkey:" + HEX + "\"}", "has no \"PrivateKey\""),
            Arguments.of("not a string", "{\"PrivateKey\": 42}", "not a string"),
            Arguments.of("wrong prefix", "{\"PrivateKey\": \"nodekey:" + HEX + "\"}", "must start with \"privkey:\""),
            Arguments.of("too short", "{\"PrivateKey\": \"privkey:" + HEX.substring(2) + "\"}", "64 hex digits, got 62"),
            Arguments.of("too long", "{\"PrivateKey\": \"privkey:" + HEX + "00\"}", "64 hex digits, got 66"),
            Arguments.of("not hex", "{\"PrivateKey\": \"privkey:" + HEX.substring(1) + "g\"}", "not a hex digit"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corruptFiles")
    void aCorruptFileIsAnErrorNamingItAndIsLeftAsItWas(final String what, final String content, final String reason)
        throws IOException {
        final Path file = dir.resolve("derper.key");
        Files.writeString(file, content);
        assertThatThrownBy(() -> ServerKeyFile.loadOrCreate(file)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining(file.toString()).hasMessageContaining(reason)
            .hasMessageNotContaining(HEX.substring(8, 40)); // key material never reaches a message (or a log)
        assertThat(Files.readString(file)).isEqualTo(content);
    }

    @Test
    void aFileAtTheSizeLimitIsReadAndOneByteMoreIsRefused() throws IOException {
        final Path file = dir.resolve("derper.key");
        final String json = "{\"PrivateKey\": \"privkey:" + HEX + "\"}";
        Files.writeString(file, json + " ".repeat(ServerKeyFile.MAX_FILE_BYTES - json.length()));
        assertThat(ServerKeyFile.loadOrCreate(file).publicKey()).isEqualTo(NodePrivateKey.parse("privkey:" + HEX).publicKey());
        Files.writeString(file, json + " ".repeat(ServerKeyFile.MAX_FILE_BYTES - 1 - json.length()));
        assertThat(ServerKeyFile.loadOrCreate(file)).as("below the limit").isNotNull();
        Files.writeString(file, json + " ".repeat(ServerKeyFile.MAX_FILE_BYTES + 1 - json.length()));
        assertThatThrownBy(() -> ServerKeyFile.loadOrCreate(file)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining(file.toString()).hasMessageContaining("more than");
    }

    @Test
    void aDirectoryInPlaceOfTheFileIsAnError() throws IOException {
        final Path file = Files.createDirectory(dir.resolve("derper.key"));
        assertThatThrownBy(() -> ServerKeyFile.loadOrCreate(file)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining(file.toString()).hasMessageContaining("not a regular file");
    }

    @Test
    void anUnreadableFileIsAnErrorNamingIt() throws IOException {
        final Path file = dir.resolve("derper.key");
        Files.writeString(file, "{\"PrivateKey\": \"privkey:" + HEX + "\"}");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        Assumptions.assumeFalse(Files.isReadable(file), "running as root: a mode-000 file is still readable");
        assertThatThrownBy(() -> ServerKeyFile.loadOrCreate(file)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining(file.toString()).hasMessageContaining("cannot be read");
    }

    @Test
    void aKeyAndAKeyFileTogetherAreAConfigError() {
        assertThatThrownBy(() -> DerpRelayServer.builder().serverPrivateKey(NodePrivateKey.generate())
            .keyFile(dir.resolve("derper.key")).build()).isInstanceOf(InvalidConfigException.class);
    }

    @Test
    void aRestartedRelaySendsTheSameServerKeyFrame() throws Exception {
        final Path file = dir.resolve("derper.key");
        final byte[] first = serverKeyFrameOfAFreshStart(file);
        final byte[] second = serverKeyFrameOfAFreshStart(file);
        assertThat(second).isEqualTo(first);
        final byte[] stored = ServerKeyFile.loadOrCreate(file).publicKey().toBytes();
        assertThat(HexFormat.of().formatHex(first)).contains(HexFormat.of().formatHex(stored));
        assertThat(serverKeyFrameOfAFreshStart(dir.resolve("other.key"))).as("another file, another key")
            .isNotEqualTo(first);
    }

    /** Starts a relay on the key file, reads the ServerKey frame a raw client gets after the upgrade, stops it. */
    private static byte[] serverKeyFrameOfAFreshStart(final Path keyFile) throws Exception {
        try (DerpRelayServer server = DerpRelayServer.builder().keyFile(keyFile).threads(1).metricsAddress(null)
            .transport(Transport.NIO).build().start();
             DerpTestClient client = DerpTestClient.open(server.localAddress(), null, NodePrivateKey.generate())) {
            client.sendRaw(DerpTestClient.upgradeRequest(false).getBytes(US_ASCII));
            assertThat(client.readHttpHead()).startsWith("HTTP/1.1 101 ");
            final DerpTestClient.Frame greeting = client.readFrame();
            assertThat(greeting.type()).isEqualTo(FrameType.SERVER_KEY);
            assertThat(new String(greeting.payload(), 0, 8, UTF_8)).startsWith("DERP");
            return Arrays.copyOf(greeting.payload(), greeting.payload().length);
        }
    }
}
