package io.derpring.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy/derpring-relay.service}: valid for systemd, hardened, and its command line is this CLI's. */
@Timeout(120)
class SystemdUnitTest {
    /** Surefire runs in the module directory; the unit lives at the repository root. */
    static final Path UNIT = Path.of("..", "deploy", "derpring-relay.service");
    static final String JAVA = "/usr/bin/java";
    static final String CREDENTIALS = "${CREDENTIALS_DIRECTORY}";

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifiesTheUnitWithoutAWarning() throws Exception {
        final Result r = verify(copyRunning(executable()));
        assertThat(r.output).as("warnings (unknown keys, bad values) exit 0 too").isEmpty();
        assertThat(r.status).isZero();
    }

    /** Shows the check above can fail: verify refuses a unit whose binary is missing. */
    @Test
    void systemdAnalyzeRefusesTheUnitWhenItsBinaryIsMissing() throws Exception {
        final Result r = verify(copyRunning(dir.resolve("missing-java")));
        assertThat(r.status).isNotZero();
        assertThat(r.output).contains("missing-java");
    }

    @Test
    void theUnitRunsUnprivilegedWithOnlyTheBindCapability() throws IOException {
        final List<String> lines = Files.readAllLines(UNIT, UTF_8);
        assertThat(lines).contains("DynamicUser=yes", "NoNewPrivileges=yes", "StateDirectory=derpring",
            "AmbientCapabilities=CAP_NET_BIND_SERVICE", "CapabilityBoundingSet=CAP_NET_BIND_SERVICE")
            .anyMatch(l -> l.startsWith("LimitNOFILE="))
            .anyMatch(l -> l.startsWith("LoadCredential=tls-cert.pem:"))
            .anyMatch(l -> l.startsWith("LoadCredential=tls-key.pem:"));
    }

    @Test
    void theExecStartCommandLineParsesAsTheRelayCommand() throws IOException {
        final List<String> words = execStart();
        assertThat(words.get(0)).isEqualTo(JAVA);
        final List<String> relayArgs = words.subList(words.indexOf("relay"), words.size());
        final RelayCommand c = RelayCommandTest.parse(relayArgs.stream()
            .map(w -> w.replace(CREDENTIALS, "/run/credentials/derpring-relay.service")).toArray(String[]::new));
        assertThat(c.keyFile).isEqualTo(Path.of("/var/lib/derpring/derper.key"));
        assertThat(c.listen.getPort()).isEqualTo(443);
        assertThat(c.httpListen.getPort()).isEqualTo(80);
        assertThat(c.tlsCert).isEqualTo(Path.of("/run/credentials/derpring-relay.service/tls-cert.pem"));
        assertThat(c.tlsKey).isEqualTo(Path.of("/run/credentials/derpring-relay.service/tls-key.pem"));
    }

    /** ExecStart's words, its backslash-continued lines joined. */
    private static List<String> execStart() throws IOException {
        final StringBuilder b = new StringBuilder();
        boolean in = false;
        for (final String line : Files.readAllLines(UNIT, UTF_8)) {
            if (line.startsWith("ExecStart=")) {
                in = true;
                b.append(line.substring("ExecStart=".length()));
            } else if (in) {
                b.append(' ').append(line.strip());
            }
            if (in && !line.endsWith("\\")) {
                break;
            }
            if (in) {
                b.setLength(b.length() - 1);
            }
        }
        return new ArrayList<>(Arrays.asList(b.toString().strip().split("\\s+")));
    }

    private Path executable() throws IOException {
        final Path script = dir.resolve("java");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }

    /** The unit, with ExecStart's binary replaced (verify fails on a binary that does not exist here). */
    private Path copyRunning(final Path binary) throws IOException {
        final String unit = Files.readString(UNIT, UTF_8);
        assertThat(unit).contains("ExecStart=" + JAVA + " ");
        final Path copy = dir.resolve(UNIT.getFileName());
        Files.writeString(copy, unit.replace("ExecStart=" + JAVA + " ", "ExecStart=" + binary + " "), UTF_8);
        return copy;
    }

    private static Result verify(final Path unit) throws Exception {
        final Path tool = onPath("systemd-analyze");
        Assumptions.assumeTrue(tool != null, "systemd-analyze is not on PATH here: the unit file is not verified");
        final Process p = new ProcessBuilder(tool.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        final byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("systemd-analyze finished").isTrue();
        return new Result(p.exitValue(), new String(out, UTF_8).strip());
    }

    private static Path onPath(final String name) {
        final String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (final String d : path.split(File.pathSeparator)) {
            final Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    private record Result(int status, String output) {
    }
}
