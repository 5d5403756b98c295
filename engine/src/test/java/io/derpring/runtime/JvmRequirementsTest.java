package io.derpring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class JvmRequirementsTest {

    @Test
    void passesInAJvmStartedWithTheFlag() {
        JvmRequirements.requireAgronaAccess(); // surefire's argLine carries the flag
    }

    @Test
    void aJvmWithoutTheFlagGetsAnErrorNamingIt() throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process process = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
            Probe.class.getName()))
            .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("probe JVM finished").isTrue();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(output).contains(MissingJvmFlagProbeResult.PREFIX)
            .contains("--add-exports java.base/jdk.internal.misc=ALL-UNNAMED");
    }

    /** Runs in a JVM without the flag and prints what {@link JvmRequirements} reports. */
    public static final class Probe {
        public static void main(final String[] args) {
            try {
                JvmRequirements.requireAgronaAccess();
                System.out.println("no error");
            } catch (final JvmRequirements.MissingJvmFlagException e) {
                System.out.println(MissingJvmFlagProbeResult.PREFIX + e.getMessage());
            }
        }
    }

    static final class MissingJvmFlagProbeResult {
        static final String PREFIX = "missing-flag: ";
    }
}
