package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;

import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;

class RelayMainTest {
    @Test
    void listenAcceptsIpv4Ipv6InBracketsAndAllInterfaces() {
        assertThat(RelayMain.hostPort("127.0.0.1:3340")).isEqualTo(new InetSocketAddress("127.0.0.1", 3340));
        assertThat(RelayMain.hostPort("[::1]:443").getAddress().getHostAddress()).isEqualTo("0:0:0:0:0:0:0:1");
        assertThat(RelayMain.hostPort(":80").getAddress().isAnyLocalAddress()).isTrue();
    }

    @Test
    void badListenValuesAreConfigErrors() {
        assertThatThrownBy(() -> RelayMain.hostPort("::1:443")).isInstanceOf(InvalidConfigException.class).hasMessageContaining("brackets");
        assertThatThrownBy(() -> RelayMain.hostPort("127.0.0.1")).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> RelayMain.hostPort("127.0.0.1:70000")).isInstanceOf(InvalidConfigException.class);
        assertThatThrownBy(() -> RelayMain.parse(new String[] {"--bogus"})).hasMessageContaining("usage");
    }

    @Test
    void argumentsBuildSettings() {
        final DerpRelayServer s = RelayMain.parse(new String[] {"--listen", "[::1]:0", "--metrics", "off", "--transport", "nio", "--raw"}).build();
        assertThat(s.settings().listen().getPort()).isZero();
        assertThat(s.settings().transport().cliName()).isEqualTo("nio");
    }
}
