package io.derpring.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** derper's operator flags on {@code derpring relay}: {@code --key-file} (derper's {@code -c}), {@code --http-listen} ({@code -http-port}). */
@Timeout(60)
class RelayOperatorOptionsTest {
    @TempDir
    Path dir;

    @Test
    void theKeyFileGivesTheServerItsKeyAcrossBuilds() {
        final Path file = dir.resolve("derper.key");
        final RelayCommand c = RelayCommandTest.parse("relay", "--key-file", file.toString(), "--metrics", "off",
            "--listen", "127.0.0.1:0");
        assertThat(c.keyFile).isEqualTo(file);
        final var first = c.builder().build().publicKey();
        assertThat(file).isRegularFile();
        assertThat(c.builder().build().publicKey()).isEqualTo(first);
    }

    @Test
    void aCorruptKeyFileIsAConfigErrorNamingItAndIsKept() throws Exception {
        final Path file = dir.resolve("derper.key");
        Files.writeString(file, "{\"PrivateKey\": \"nodekey:00\"}");
        final CommandLine cli = Derpring.commandLine();
        final StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        final int status = cli.execute("relay", "--key-file", file.toString(), "--listen", "127.0.0.1:0",
            "--metrics", "off", "--threads", "1");
        assertThat(status).as("a bad file, as a bad TLS or allow-list file")
            .isEqualTo(cli.getCommandSpec().exitCodeOnInvalidInput());
        assertThat(err.toString()).contains(file.toString()).contains("privkey:");
        assertThat(Files.readString(file)).isEqualTo("{\"PrivateKey\": \"nodekey:00\"}");
    }

    @Test
    void theHttpPortIsOffByDefaultAndTakesAnAddress() {
        assertThat(RelayCommandTest.parse("relay").httpListen).isNull();
        assertThat(RelayCommandTest.parse("relay", "--http-listen", "[::1]:8080").httpListen.getPort()).isEqualTo(8080);
    }

    @Test
    void theHttpPortWithoutTlsIsAUsageError() {
        final CommandLine cli = Derpring.commandLine();
        final StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        final int status = cli.execute("relay", "--http-listen", "127.0.0.1:0", "--listen", "127.0.0.1:0",
            "--metrics", "off", "--threads", "1");
        assertThat(status).isEqualTo(cli.getCommandSpec().exitCodeOnInvalidInput());
        assertThat(err.toString()).contains("TLS");
    }
}
