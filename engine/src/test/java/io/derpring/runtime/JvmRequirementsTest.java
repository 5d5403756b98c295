package io.derpring.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.derpring.engine.DerpEngine;
import io.derpring.internal.engine.DerpEngineConfig;
import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.testing.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class JvmRequirementsTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final String UNCAUGHT = "Exception in thread \"main\" ";

    @Test
    void passesInAJvmStartedWithTheFlag() {
        JvmRequirements.requireAgronaAccess(); // surefire's argLine carries the flag
    }

    @Test
    void aJvmWithoutTheFlagGetsAnErrorNamingIt() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(Probe.class, CHILD_TIMEOUT);
        assertThat(result.stdout()).contains(Probe.PREFIX).contains(JvmRequirements.AGRONA_FLAG);
    }

    @Test
    void engineConstructorWithoutTheFlagEndsWithOneErrorNamingIt() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(EngineProbe.class, CHILD_TIMEOUT);

        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isEqualTo(1);
        assertThat(result.stderr().lines().filter(l -> l.startsWith(UNCAUGHT)).findFirst().orElse(""))
            .as("stderr:%n%s", result.stderr())
            .startsWith(UNCAUGHT + JvmRequirements.MissingJvmFlagException.class.getName())
            .contains(JvmRequirements.AGRONA_FLAG);
    }

    /** Runs in a JVM without the flag and prints what {@link JvmRequirements} reports. */
    public static final class Probe {
        static final String PREFIX = "missing-flag: ";

        public static void main(final String[] args) {
            try {
                JvmRequirements.requireAgronaAccess();
                System.out.println("no error");
            } catch (final JvmRequirements.MissingJvmFlagException e) {
                System.out.println(PREFIX + e.getMessage());
            }
        }
    }

    /** Runs in a JVM without the flag: an engine built from defaults, as an embedding without Netty would. */
    public static final class EngineProbe {
        public static void main(final String[] args) {
            try (DerpEngine engine = new DerpEngine(DerpEngineConfig.defaults(), NodePrivateKey.generate(),
                    DiscoPrivateKey.generate(), (peer, regionId, buffer, offset, length) -> { },
                    (ring, self) -> (region, node, ideal, listener) -> {
                        throw new IllegalStateException("never dialed");
                    }, null)) {
                System.out.println("built " + engine.status());
            }
        }
    }
}
