package io.derpring.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.derpring.runtime.JvmRequirements;
import io.derpring.testing.SecurityGate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Security gate: no private key and no mesh key appears in anything a run prints. A whole loadgen run (embedded relay
 * with a mesh key, 2 pairs, 2 s) runs in its own JVM with every logger at TRACE; everything it writes to stdout and
 * stderr (slf4j, Netty's logging, progress, the report, stack traces) is searched for every node, disco, relay and
 * mesh key the run used, in hex, {@code privkey:} and base64 forms.
 */
@SecurityGate
@Timeout(180)
class RunOutputLeaksNoKeyTest {
    private static final long RUN_TIMEOUT_S = 120;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "--client {0}")
    @ValueSource(strings = {"raw", "engine"})
    void loadgenRunPrintsNoPrivateOrMeshKey(final String client) throws Exception {
        final Forked run = fork(client);

        assertThat(run.exitStatus).as("run exit status; output:%n%s", run.output).isZero();
        // Every key the run drew: 4 node keys and the relay's, disco keys for engines, one mesh key.
        assertThat(run.keys.stream().filter(k -> k.startsWith("node ")).count()).isEqualTo(5);
        assertThat(run.keys.stream().filter(k -> k.startsWith("disco ")).count())
            .isEqualTo(client.equals("engine") ? 4 : 0);
        assertThat(run.keys.stream().filter(k -> k.startsWith("mesh ")).count()).isEqualTo(1);
        assertThat(run.output).as("the run's log reached the capture").contains("nodes connected");
        assertThat(run.scanner().findIn(run.output)).as("keys found in the run's output").isEmpty();
    }

    @Test
    void aKeyLoggedAtTraceInTheForkedRunIsFound() throws Exception {
        final Forked run = fork("plant");

        assertThat(run.exitStatus).isZero();
        assertThat(run.keys).hasSize(1);
        assertThat(run.scanner().findIn(run.output)).containsExactly("node 0 as hex", "node 0 as privkey");
    }

    private Forked fork(final String mode) throws IOException, InterruptedException {
        final Path keys = dir.resolve(mode + "-keys.txt");
        final Path output = dir.resolve(mode + "-output.txt");
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(JvmRequirements.AGRONA_FLAG.split(" ")));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), KeyLeakRun.class.getName(), mode,
            keys.toString()));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(output.toFile()).start();
        if (!process.waitFor(RUN_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("forked run did not end within " + RUN_TIMEOUT_S + " s");
        }
        final List<String> keyLines = Files.exists(keys) ? Files.readAllLines(keys) : List.of();
        return new Forked(process.exitValue(), Files.readString(output, StandardCharsets.ISO_8859_1), keyLines);
    }

    private record Forked(int exitStatus, String output, List<String> keys) {
        KeyLeakScanner scanner() {
            final KeyLeakScanner scanner = new KeyLeakScanner();
            for (int i = 0; i < keys.size(); i++) {
                final String[] kindHex = keys.get(i).split(" ");
                final long sameKindBefore = keys.subList(0, i).stream().filter(k -> k.startsWith(kindHex[0] + " "))
                    .count();
                scanner.secret(kindHex[0] + " " + sameKindBefore, HexFormat.of().parseHex(kindHex[1]));
            }
            return scanner;
        }
    }
}
