package io.derpring.cli;

import static io.derpring.cli.RelayCommandTest.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.derpring.runtime.InvalidConfigException;
import io.derpring.server.DerpRelayServer;
import io.derpring.server.MeshAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** derper's mesh options: {@code --mesh-with}, {@code --mesh-psk-file} / {@code TAILSCALE_DERPER_MESH_KEY}, {@code --hostname}. */
class RelayMeshOptionsTest {
    private static final String KEY = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    @TempDir
    Path dir;

    private RelayCommand command(final Map<String, String> env, final String... args) {
        final RelayCommand c = parse(args);
        c.environment = env;
        return c;
    }

    private Path pskFile(final String content) throws Exception {
        final Path f = dir.resolve("mesh.key");
        Files.writeString(f, content);
        return f;
    }

    @Test
    void meshWithWithoutAKeyIsAStartupError() {
        final RelayCommand c = command(Map.of(), "relay", "--mesh-with", "derp2.example.com");
        assertThatThrownBy(c::builder).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining("--mesh-with needs a mesh key");
    }

    @Test
    void theBuilderAlsoRefusesMeshingWithoutAKey() {
        assertThatThrownBy(() -> DerpRelayServer.builder().meshWith(java.util.List.of(MeshAddress.parse("a.example")))
            .build()).isInstanceOf(InvalidConfigException.class).hasMessageContaining("mesh key");
    }

    @Test
    void aPskFileWithSurroundingWhitespaceGivesTheKeyAndThePeersParse() throws Exception {
        final Path f = pskFile("  " + KEY + "\n");
        final DerpRelayServer.Settings s = command(Map.of(), "relay", "--mesh-psk-file", f.toString(), "--mesh-with",
            "derp2.example.com,derp3.example.com/10.0.0.3,http://127.0.0.1:4000").builder().build().settings();
        assertThat(s.hasMeshKey()).isTrue();
        assertThat(s.meshWith()).containsExactly(
            new MeshAddress("derp2.example.com", "derp2.example.com", 443, true),
            new MeshAddress("derp3.example.com", "10.0.0.3", 443, true),
            new MeshAddress("127.0.0.1", "127.0.0.1", 4000, false));
    }

    @Test
    void theEnvironmentVariableGivesTheKeyWhenNoFileIsNamed() {
        final DerpRelayServer.Settings s = command(Map.of(MeshKeyText.ENV, KEY), "relay", "--mesh-with",
            "derp2.example.com").builder().build().settings();
        assertThat(s.hasMeshKey()).isTrue();
    }

    @Test
    void noFileAndNoVariableMeansNoMeshKey() {
        assertThat(command(Map.of(), "relay").builder().build().settings().hasMeshKey()).isFalse();
    }

    @Test
    void uppercaseHexIsRefused() throws Exception {
        final Path f = pskFile(KEY.toUpperCase(java.util.Locale.ROOT));
        assertThatThrownBy(() -> command(Map.of(), "relay", "--mesh-psk-file", f.toString()).builder())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("64 lowercase hex digits");
    }

    @Test
    void sixtyThreeAndSixtyFiveDigitsAreRefusedSixtyFourAccepted() throws Exception {
        for (final String text : new String[] {KEY.substring(1), KEY + "0"}) {
            final Path f = pskFile(text);
            assertThatThrownBy(() -> command(Map.of(), "relay", "--mesh-psk-file", f.toString()).builder())
                .isInstanceOf(InvalidConfigException.class).hasMessageNotContaining(text);
        }
        final Path ok = pskFile(KEY);
        assertThat(command(Map.of(), "relay", "--mesh-psk-file", ok.toString()).builder().build().settings()
            .hasMeshKey()).isTrue();
    }

    @Test
    void aMissingPskFileIsAClearError() {
        final Path missing = dir.resolve("absent.key");
        assertThatThrownBy(() -> command(Map.of(), "relay", "--mesh-psk-file", missing.toString()).builder())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("cannot read --mesh-psk-file");
    }

    @Test
    void aPskFileOverTheSizeLimitIsNotRead() throws Exception {
        final Path f = pskFile(" ".repeat((int) MeshKeyText.MAX_FILE_BYTES) + KEY);
        assertThatThrownBy(() -> command(Map.of(), "relay", "--mesh-psk-file", f.toString()).builder())
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("larger than");
        final Path atLimit = pskFile(" ".repeat((int) MeshKeyText.MAX_FILE_BYTES - KEY.length()) + KEY);
        assertThat(command(Map.of(), "relay", "--mesh-psk-file", atLimit.toString()).builder().build().settings()
            .hasMeshKey()).isTrue();
    }

    @Test
    void hostnameDefaultsToDerpersAndIsPassedOn() {
        assertThat(command(Map.of(), "relay").builder().build().settings().hostname()).isEqualTo("derp.tailscale.com");
        assertThat(command(Map.of(), "relay", "--hostname", "derp7.example.com").builder().build().settings().hostname())
            .isEqualTo("derp7.example.com");
    }
}
