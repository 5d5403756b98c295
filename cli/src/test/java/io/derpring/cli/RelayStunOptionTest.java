package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code relay --stun}: on by default as in derper, on the DERP address's IP and port 3478; IP literals only. */
class RelayStunOptionTest {
    @Test
    void stunDefaultsToTheListenIpOnPort3478AsInDerper() {
        assertThat(RelayCommandTest.parse("relay").stunAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 3478));
        assertThat(RelayCommandTest.parse("relay", "--listen", "[::1]:0").stunAddress())
            .isEqualTo(new InetSocketAddress("::1", 3478));
    }

    @Test
    void everyInterfaceForDerpMeansEveryInterfaceForStun() {
        final InetSocketAddress stun = RelayCommandTest.parse("relay", "--listen", ":3340").stunAddress();
        assertThat(stun.getAddress().isAnyLocalAddress()).isTrue();
        assertThat(stun.getPort()).isEqualTo(RelayCommand.DEFAULT_STUN_PORT);
    }

    @Test
    void stunOffTurnsItOff() {
        final RelayCommand c = RelayCommandTest.parse("relay", "--stun", "off", "--metrics", "off");
        assertThat(c.stunAddress()).isNull();
        assertThat(c.builder().build().settings().stunAddress()).isNull();
    }

    @Test
    void anExplicitStunAddressIsUsed() {
        assertThat(RelayCommandTest.parse("relay", "--stun", "127.0.0.1:0").builder().build().settings().stunAddress())
            .isEqualTo(new InetSocketAddress("127.0.0.1", 0));
        assertThat(RelayCommandTest.parse("relay", "--stun", "[::1]:3479").stunAddress())
            .isEqualTo(new InetSocketAddress("::1", 3479));
        assertThat(RelayCommandTest.parse("relay", "--stun", ":3479").stunAddress().getAddress().isAnyLocalAddress())
            .isTrue();
    }

    @Test
    void anIpLiteralIsBuiltWithoutAHostName() {
        final InetAddress a = RelayCommandTest.parse("relay", "--stun", "192.0.2.1:3478").stunAddress().getAddress();
        assertThat(a.toString()).as("no host name attached: made from bytes").isEqualTo("/192.0.2.1");
    }

    @Test
    void hostNamesAndBadPortsAreUsageErrors() {
        final int usage = Derpring.commandLine().getCommandSpec().exitCodeOnInvalidInput();
        final String[] bad = {"stun.leak-canary.invalid:3478", "localhost:3478", "::1:3478", "127.0.0.1",
            "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:x", "010.0.0.1:3478"};
        for (final String value : bad) {
            final CommandLine cli = Derpring.commandLine();
            final StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            assertThat(cli.execute("relay", "--stun", value, "--metrics", "off")).as(value).isEqualTo(usage);
            assertThat(err.toString()).as(value).contains("--stun");
        }
    }

    @Test
    void aHostNameIsRefusedNamingTheRule() {
        final CommandLine cli = Derpring.commandLine();
        final StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        cli.execute("relay", "--stun", "stun.leak-canary.invalid:3478");
        assertThat(err.toString()).contains("not an IP address").contains("no DNS lookup");
    }
}
