package io.derpring.internal.frame;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.derpring.keys.MeshKey;
import org.junit.jupiter.api.Test;

/**
 * ClientInfo and ServerInfo as values: what is read from their JSON (SPEC §1.3), equality over every field, and a
 * description that never shows the mesh key.
 */
class HandshakeInfoValuesTest {
    private static final String MESH_HEX = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

    private static ClientInfo client(final String json) throws DerpProtocolException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ClientInfo.fromJson(bytes, bytes.length);
    }

    private static ServerInfo server(final String json) throws DerpProtocolException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        return ServerInfo.fromJson(bytes, bytes.length);
    }

    @Test
    void aNullClientInfoIsTheZeroValue() throws DerpProtocolException {
        assertThat(client("null")).isEqualTo(new ClientInfo(null, 0, false, false, ""));
    }

    @Test
    void theAppNameIsReadFromClientInfo() throws DerpProtocolException {
        assertThat(client("{\"AppName\":\"tailscaled\"}").appName()).isEqualTo("tailscaled");
    }

    @Test
    void aClientThatCannotAckPingsIsReadAsSuch() throws DerpProtocolException {
        assertThat(client("{\"CanAckPings\":false}").canAckPings()).isFalse();
        assertThat(client("{\"CanAckPings\":true}").canAckPings()).isTrue();
    }

    @Test
    void clientInfosThatDifferInAnyFieldAreNotEqual() {
        final ClientInfo base = new ClientInfo(null, 2, true, false, "app");
        assertThat(base).isEqualTo(new ClientInfo(null, 2, true, false, "app"));
        assertThat(base).isNotEqualTo(new ClientInfo(MeshKey.parse(MESH_HEX), 2, true, false, "app"));
        assertThat(base).isNotEqualTo(new ClientInfo(null, 3, true, false, "app"));
        assertThat(base).isNotEqualTo(new ClientInfo(null, 2, false, false, "app"));
        assertThat(base).isNotEqualTo(new ClientInfo(null, 2, true, true, "app"));
        assertThat(base).isNotEqualTo(new ClientInfo(null, 2, true, false, "other"));
    }

    @Test
    void aClientInfoIsNotEqualToAnythingElse() {
        assertThat(new ClientInfo(null, 2, true, false, "")).isNotEqualTo("ClientInfo");
    }

    @Test
    void aClientInfoDescriptionSaysWhetherAMeshKeyWasGivenWithoutShowingIt() {
        final String withKey = new ClientInfo(MeshKey.parse(MESH_HEX), 2, true, false, "app").toString();
        assertThat(withKey).contains("mesh=true", "version=2", "appName='app'").doesNotContain(MESH_HEX);
        assertThat(new ClientInfo(null, 2, true, false, "app").toString()).contains("mesh=false");
    }

    @Test
    void aNullServerInfoIsTheZeroValue() throws DerpProtocolException {
        assertThat(server("null")).isEqualTo(new ServerInfo(0, 0, 0));
    }

    @Test
    void theTokenBucketIsReadFromServerInfo() throws DerpProtocolException {
        final ServerInfo info = server("{\"version\":2,\"TokenBucketBytesPerSecond\":1000,\"TokenBucketBytesBurst\":5000}");
        assertThat(info.version()).isEqualTo(2);
        assertThat(info.tokenBucketBytesPerSecond()).isEqualTo(1000);
        assertThat(info.tokenBucketBytesBurst()).isEqualTo(5000);
    }

    @Test
    void serverInfosThatDifferInAnyFieldAreNotEqual() {
        final ServerInfo base = new ServerInfo(2, 1000, 5000);
        assertThat(base).isEqualTo(new ServerInfo(2, 1000, 5000));
        assertThat(base).isNotEqualTo(new ServerInfo(3, 1000, 5000));
        assertThat(base).isNotEqualTo(new ServerInfo(2, 1001, 5000));
        assertThat(base).isNotEqualTo(new ServerInfo(2, 1000, 5001));
        assertThat(base).isNotEqualTo("ServerInfo");
    }

    @Test
    void aServerInfoDescriptionNamesEveryField() {
        assertThat(new ServerInfo(2, 1000, 5000).toString())
            .contains("version=2", "tokenBucketBytesPerSecond=1000", "tokenBucketBytesBurst=5000");
    }
}
