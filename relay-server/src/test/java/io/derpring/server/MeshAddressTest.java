package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.derpring.runtime.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** derper's {@code --mesh-with} entries, plus derpring's URLs. */
class MeshAddressTest {
    @Test
    void aBareHostnameDialsHttpsOnPort443AsDerperDoes() {
        assertThat(MeshAddress.parse("derp1b.example.com"))
            .isEqualTo(new MeshAddress("derp1b.example.com", "derp1b.example.com", 443, true));
    }

    @Test
    void hostSlashDialHostIsNamedHostButDialsDialHost() {
        assertThat(MeshAddress.parse("derp1b.example.com/10.0.0.7"))
            .isEqualTo(new MeshAddress("derp1b.example.com", "10.0.0.7", 443, true));
    }

    @Test
    void anHttpUrlDialsPlainTcpOnItsPort() {
        assertThat(MeshAddress.parse("http://127.0.0.1:3340")).isEqualTo(new MeshAddress("127.0.0.1", "127.0.0.1", 3340, false));
    }

    @Test
    void anHttpsUrlWithoutAPortUses443() {
        assertThat(MeshAddress.parse("https://derp.example.com")).isEqualTo(
            new MeshAddress("derp.example.com", "derp.example.com", 443, true));
    }

    @Test
    void anIpv6UrlLosesItsBrackets() {
        assertThat(MeshAddress.parse("http://[::1]:3340").dialHost()).isEqualTo("::1");
    }

    @Test
    void aCommaSeparatedListSkipsBlanks() {
        assertThat(MeshAddress.parseList("a.example, ,b.example/10.0.0.2,")).extracting(MeshAddress::name)
            .containsExactly("a.example", "b.example");
    }

    @Test
    void theLabelOmitsTheDefaultPort() {
        assertThat(MeshAddress.parse("a.example").label()).isEqualTo("a.example");
        assertThat(MeshAddress.parse("http://127.0.0.1:80").label()).isEqualTo("127.0.0.1:80");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/dial", "host/", "a/b/c", "host:443", "http://", "http://:80"})
    void aMalformedEntryIsATypedErrorNamingIt(final String entry) {
        assertThatThrownBy(() -> MeshAddress.parse(entry)).isInstanceOf(InvalidConfigException.class)
            .hasMessageContaining(entry);
    }
}
