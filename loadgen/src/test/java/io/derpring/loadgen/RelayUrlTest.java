package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import io.derpring.derpmap.AddressMode;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.TransportSecurity;
import io.derpring.runtime.InvalidConfigException;
import io.derpring.transport.internal.client.DerpClientSettings;
import org.junit.jupiter.api.Test;

class RelayUrlTest {
    @Test
    void plainHttpWithPortIsDialedAsPlainHttpAtThatLiteral() {
        final RelayUrl u = RelayUrl.parse(URI.create("http://127.0.0.1:3340"));
        assertThat(u).isEqualTo(new RelayUrl(false, "127.0.0.1", 3340));
        assertThat(u.securityOverride()).isInstanceOf(TransportSecurity.PlainHttp.class);
        final DerpNode node = u.node(2, false);
        assertThat(node.regionId()).isEqualTo(2);
        assertThat(node.derpPort()).isEqualTo(3340);
        assertThat(node.ipv4().mode()).isEqualTo(AddressMode.FIXED);
        assertThat(node.ipv6().mode()).as("no DNS for a literal").isEqualTo(AddressMode.DISABLED);
        assertThat(u.toString()).isEqualTo("http://127.0.0.1:3340");
    }

    @Test
    void schemesDefaultToTheirPorts() {
        assertThat(RelayUrl.parse(URI.create("http://relay.example")).port()).isEqualTo(80);
        assertThat(RelayUrl.parse(URI.create("https://relay.example/derp")).port()).isEqualTo(443);
    }

    @Test
    void httpsFollowsTheNodesTlsAndInsecureSkipsVerification() {
        final RelayUrl u = RelayUrl.parse(URI.create("https://derp.example.com:8443/derp"));
        assertThat(u.securityOverride()).isNull();
        assertThat(u.node(1, false).transportSecurity()).isInstanceOf(TransportSecurity.VerifyName.class);
        assertThat(u.node(1, true).transportSecurity()).isInstanceOf(TransportSecurity.InsecureSkipVerify.class);
        assertThat(u.node(1, false).ipv4().mode()).as("a name is resolved").isEqualTo(AddressMode.USE_DNS);
    }

    @Test
    void ipv6LiteralIsDialedThroughTheNodesIpv6Address() {
        final RelayUrl u = RelayUrl.parse(URI.create("http://[::1]:3340"));
        assertThat(u.host()).isEqualTo("::1");
        final DerpNode node = u.node(1, false);
        assertThat(node.ipv6().mode()).isEqualTo(AddressMode.FIXED);
        assertThat(node.ipv4().mode()).isEqualTo(AddressMode.DISABLED);
        assertThat(u.toString()).isEqualTo("http://[::1]:3340");
    }

    @Test
    void otherSchemesAndMissingHostsAreRejected() {
        assertThatThrownBy(() -> RelayUrl.parse(URI.create("derp://127.0.0.1:1")))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("http://");
        assertThatThrownBy(() -> RelayUrl.parse(URI.create("relay.example:3340")))
            .isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> RelayUrl.parse(URI.create("http:///derp")))
            .isInstanceOf(InvalidConfigException.class).hasMessageContaining("no host");
    }

    @Test
    void wsAndWssSelectWebSocketOverPlainHttpAndTls() {
        final RelayUrl ws = RelayUrl.parse(URI.create("ws://127.0.0.1:3340"));
        assertThat(ws).isEqualTo(new RelayUrl(false, "127.0.0.1", 3340, true));
        assertThat(ws.securityOverride()).isInstanceOf(TransportSecurity.PlainHttp.class);
        assertThat(ws.toString()).isEqualTo("ws://127.0.0.1:3340");
        final RelayUrl wss = RelayUrl.parse(URI.create("WSS://derp.example.com/derp"));
        assertThat(wss).isEqualTo(new RelayUrl(true, "derp.example.com", 443, true));
        assertThat(wss.securityOverride()).isNull();
        assertThat(RelayUrl.parse(URI.create("ws://relay.example")).port()).isEqualTo(80);
    }

    @Test
    void onlyWebSocketUrlsTurnOnTheClientsWebSocketSetting() {
        final DerpClientSettings base = DerpClientSettings.defaults();
        assertThat(RelayUrl.parse(URI.create("ws://127.0.0.1:1")).clientSettings(base).webSocket()).isTrue();
        assertThat(RelayUrl.parse(URI.create("wss://127.0.0.1:1")).clientSettings(base).webSocket()).isTrue();
        assertThat(RelayUrl.parse(URI.create("http://127.0.0.1:1")).clientSettings(base)).isSameAs(base);
        assertThat(RelayUrl.parse(URI.create("https://127.0.0.1:1")).clientSettings(base)).isSameAs(base);
    }
}
