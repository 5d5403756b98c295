package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.derpring.server.DerpRelayServer;
import io.derpring.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(60)
class RelayCommandTest {
    static RelayCommand parse(final String... args) {
        final CommandLine.ParseResult r = Derpring.commandLine().parseArgs(args);
        return r.subcommand().commandSpec().commandLine().getCommand();
    }

    @Test
    void defaultsListenWhereDerperDevDoes() {
        final RelayCommand c = parse("relay");
        assertThat(c.listen).isEqualTo(new InetSocketAddress("127.0.0.1", 3340));
        assertThat(c.metrics).isEqualTo(new InetSocketAddress("127.0.0.1", 9340));
        assertThat(c.transport).as("auto").isNull();
        assertThat(c.tlsCert).isNull();
    }

    @Test
    void ipv6ListenMetricsOffTransportAndTlsFilesParse() {
        final RelayCommand c = parse("relay", "--listen", "[::1]:0", "--metrics", "off", "--transport", "nio",
            "--tls-cert", "c.pem", "--tls-key", "k.pem");
        assertThat(c.listen.getAddress()).isInstanceOf(Inet6Address.class);
        assertThat(c.listen.getAddress().isLoopbackAddress()).isTrue();
        assertThat(c.metrics).isNull();
        assertThat(c.transport).isEqualTo(Transport.NIO);
        assertThat(c.tlsCert.toString()).isEqualTo("c.pem");
        assertThat(c.builder().build().settings().listen().getPort()).isZero();
    }

    @Test
    void tcpWriteTimeoutIsDerpersOptionDefaultingToTwoSeconds() {
        assertThat(parse("relay").builder().build().settings().writeDeadlineNs()).isEqualTo(TimeUnit.SECONDS.toNanos(2));
        assertThat(parse("relay", "--tcp-write-timeout", "5s").builder().build().settings().writeDeadlineNs())
            .isEqualTo(TimeUnit.SECONDS.toNanos(5));
    }

    @Test
    void verifyClientUrlIsOffByDefaultWithDerpersFailOpenAndTimeout() {
        final DerpRelayServer.Settings s = parse("relay").builder().build().settings();
        assertThat(s.verifyClientUrl()).isNull();
        assertThat(s.verifyClientUrlFailOpen()).isTrue();
        assertThat(s.verifyClientUrlTimeoutNs()).isEqualTo(TimeUnit.SECONDS.toNanos(5));
        assertThat(s.verifyClientUrlMaxInFlight()).isEqualTo(DerpRelayServer.Settings.DEFAULT_VERIFY_CLIENT_URL_MAX_IN_FLIGHT);
    }

    @Test
    void verifyClientUrlOptionsParseAsDerpersFlags() {
        final DerpRelayServer.Settings s = parse("relay", "--verify-client-url", "http://127.0.0.1:8081/verify",
            "--verify-client-url-fail-open=false", "--verify-client-url-timeout", "750ms",
            "--verify-client-url-max-in-flight", "8").builder().build().settings();
        assertThat(s.verifyClientUrl()).hasToString("http://127.0.0.1:8081/verify");
        assertThat(s.verifyClientUrlFailOpen()).isFalse();
        assertThat(s.verifyClientUrlTimeoutNs()).isEqualTo(TimeUnit.MILLISECONDS.toNanos(750));
        assertThat(s.verifyClientUrlMaxInFlight()).isEqualTo(8);
        assertThat(parse("relay", "--verify-client-url-fail-open").verifyClientUrlFailOpen).isTrue();
        assertThat(parse("relay", "--verify-client-url-fail-open=true").verifyClientUrlFailOpen).isTrue();
    }

    @Test
    void badVerifyClientUrlSettingsAreUsageErrors() {
        for (final String[] args : new String[][] {
            {"relay", "--verify-client-url", "ftp://127.0.0.1/verify"},
            {"relay", "--verify-client-url", "http://127.0.0.1/verify", "--verify-client-url-timeout", "10s"},
            {"relay", "--verify-client-url", "http://127.0.0.1/verify", "--verify-client-url-max-in-flight", "0"}}) {
            final StringWriter err = new StringWriter();
            final int code = Derpring.commandLine().setErr(new PrintWriter(err)).execute(args);
            assertThat(code).as(String.join(" ", args)).isNotZero();
            assertThat(err.toString()).contains("verifyClientUrl");
        }
    }

    @Test
    void aTakenMetricsPortExitsNonZeroNamingItAndLeavesTheDerpPortFree() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"));
             java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            final int derpPort = probe.getLocalPort();
            probe.close();
            final CommandLine cli = Derpring.commandLine();
            final StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            final int status = cli.execute("relay", "--listen", "127.0.0.1:" + derpPort,
                "--metrics", "127.0.0.1:" + taken.getLocalPort(), "--threads", "1", "--stun", "off");
            assertThat(status).isEqualTo(Derpring.EXIT_CANNOT_RUN);
            assertThat(err.toString()).contains("metrics").contains(String.valueOf(taken.getLocalPort()));
            try (java.net.ServerSocket again = new java.net.ServerSocket()) {
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress("127.0.0.1", derpPort)); // throws if the DERP port stayed bound
            }
        }
    }

    @Test
    void badAddressesAndHalfATlsPairAreUsageErrors() {
        final int usage = Derpring.commandLine().getCommandSpec().exitCodeOnInvalidInput();
        final String[][] cases = {
            {"relay", "--listen", "::1:3340"},
            {"relay", "--listen", "127.0.0.1"},
            {"relay", "--listen", "127.0.0.1:70000"},
            {"relay", "--metrics", "nowhere"},
            {"relay", "--tls-cert", "only-the-cert.pem", "--listen", "127.0.0.1:0", "--metrics", "off"},
            {"relay", "--transport", "bogus"},
        };
        for (final String[] args : cases) {
            final CommandLine cli = Derpring.commandLine();
            final StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            assertThat(cli.execute(args)).as(String.join(" ", args)).isEqualTo(usage);
            assertThat(err.toString()).isNotBlank();
        }
    }

    @Test
    void relayOnPortZeroServesUntilStoppedThenExitsCleanly() throws Exception {
        final CommandLine cli = Derpring.commandLine();
        final StringWriter out = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        final RelayCommand relay = cli.getSubcommands().get("relay").getCommand();
        final CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(
            () -> cli.execute("relay", "--listen", "127.0.0.1:0", "--metrics", "127.0.0.1:0", "--threads", "1",
                "--stun", "127.0.0.1:0"));
        final long deadlineNs = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (relay.server() == null || !out.toString().contains("serving DERP")) {
            assertThat(System.nanoTime() - deadlineNs).as("relay started in time").isNegative();
            assertThat(exit).as("still running").isNotDone();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        final DerpRelayServer server = relay.server();
        final int port = server.localAddress().getPort();
        assertThat(port).isPositive();
        assertThat(out.toString()).contains("http://127.0.0.1:" + port + "/derp");
        assertThat(out.toString()).contains("answering STUN on udp 127.0.0.1:" + server.stunAddress().getPort());
        try (Socket s = new Socket("127.0.0.1", port)) {
            assertThat(s.isConnected()).isTrue();
        }
        relay.stop();
        assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        assertThat(server.relay().isShuttingDown()).isTrue();
    }
}
