package io.derpring.cli;

import static io.derpring.cli.RelayCommandTest.parse;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import io.derpring.keys.NodePrivateKey;
import io.derpring.server.DerpRelayServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The protection options of {@code derpring relay}: derper's names and defaults, and bad values as usage errors. */
class RelayProtectionOptionsTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("defaults: everything unlimited, as derper (+Inf accept limit, MaxInt burst, no rate limit, no caps)")
    void defaultsAreUnlimited() {
        final RelayCommand c = parse("relay");
        assertThat(c.perClientRateLimit).isZero();
        assertThat(c.perClientRateBurst).isZero();
        assertThat(c.acceptConnectionLimit).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(c.acceptConnectionBurst).isEqualTo(Integer.MAX_VALUE);
        assertThat(c.maxConnections).isZero();
        assertThat(c.maxConnectionsPerIp).isZero();
        assertThat(c.allowList).isNull();
        c.builder().build(); // and they make a valid server
    }

    @Test
    @DisplayName("every protection option parses and reaches a server that builds")
    void optionsParse() throws Exception {
        final Path list = dir.resolve("allow.txt");
        Files.writeString(list, NodePrivateKey.generate().publicKey() + "\n", US_ASCII);
        final RelayCommand c = parse("relay", "--listen", "127.0.0.1:0", "--metrics", "off",
            "--per-client-rate-limit", "1000000", "--per-client-rate-burst", "2000000",
            "--accept-connection-limit", "2.5", "--accept-connection-burst", "10",
            "--max-connections", "10000", "--max-connections-per-ip", "64", "--allow-list", list.toString());
        assertThat(c.perClientRateLimit).isEqualTo(1_000_000);
        assertThat(c.perClientRateBurst).isEqualTo(2_000_000);
        assertThat(c.acceptConnectionLimit).isEqualTo(2.5);
        assertThat(c.acceptConnectionBurst).isEqualTo(10);
        assertThat(c.maxConnections).isEqualTo(10_000);
        assertThat(c.maxConnectionsPerIp).isEqualTo(64);
        assertThat(c.allowList).isEqualTo(list);
        c.builder().build();
    }

    @Test
    @DisplayName("the HTTP request limit, metrics timeout and direct-memory budget: defaults, and values reaching the server")
    void httpAndMemoryLimits() {
        final RelayCommand d = parse("relay");
        assertThat(d.httpRequestsPerConnection).isEqualTo(DerpRelayServer.Settings.DEFAULT_MAX_HTTP_REQUESTS_PER_CONNECTION);
        assertThat(d.metricsTimeout.toNanos()).isEqualTo(DerpRelayServer.Settings.DEFAULT_METRICS_TIMEOUT_NS);
        assertThat(d.directMemoryBudget).isZero();
        final RelayCommand c = parse("relay", "--listen", "127.0.0.1:0", "--metrics", "off",
            "--http-requests-per-connection", "7", "--metrics-timeout", "3s",
            "--direct-memory-budget", String.valueOf(64L << 20));
        final DerpRelayServer.Settings s = c.builder().build().settings();
        assertThat(s.maxHttpRequestsPerConnection()).isEqualTo(7);
        assertThat(s.metricsTimeoutNs()).isEqualTo(3_000_000_000L);
        assertThat(s.directMemoryBudgetBytes()).isEqualTo(64L << 20);
    }

    @Test
    @DisplayName("--accept-connection-limit takes derper's +Inf spelling")
    void infinitySpellings() {
        for (final String inf : new String[] {"+Inf", "inf", "Infinity"}) {
            assertThat(parse("relay", "--accept-connection-limit", inf).acceptConnectionLimit).isInfinite();
        }
        assertThat(parse("relay", "--accept-connection-limit", "0").acceptConnectionLimit).isZero();
    }

    @Test
    @DisplayName("negative, non-numeric and out-of-range values, and a missing allow-list, are usage errors")
    void badValuesAreUsageErrors() {
        final int usage = Derpring.commandLine().getCommandSpec().exitCodeOnInvalidInput();
        final String[][] cases = {
            {"--accept-connection-limit", "-1"},
            {"--accept-connection-limit", "fast"},
            {"--accept-connection-burst", "-1"},
            {"--max-connections", "-1"},
            {"--max-connections-per-ip", "-5"},
            {"--per-client-rate-limit", "-1"},
            {"--per-client-rate-burst", String.valueOf((1L << 40) + 1)},
            {"--allow-list", dir.resolve("missing.txt").toString()},
            {"--http-requests-per-connection", "0"},
            {"--metrics-timeout", "0s"},
            {"--direct-memory-budget", String.valueOf(DerpRelayServer.Settings.MIN_DIRECT_MEMORY_BUDGET_BYTES - 1)},
        };
        for (final String[] bad : cases) {
            final String[] args = {"relay", "--listen", "127.0.0.1:0", "--metrics", "off", bad[0], bad[1]};
            final CommandLine cli = Derpring.commandLine();
            final StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err, true));
            cli.setOut(new PrintWriter(new StringWriter(), true));
            assertThat(cli.execute(args)).as(String.join(" ", args)).isEqualTo(usage);
            assertThat(err.toString()).isNotBlank();
        }
    }
}
