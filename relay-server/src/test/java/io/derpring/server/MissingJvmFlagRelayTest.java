package io.derpring.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.derpring.runtime.JvmRequirements;
import io.derpring.testing.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new user's {@code java -cp ...} without {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} starts a
 * relay the way the javadoc shows: the JVM ends with one typed error naming the flag, not Agrona's raw
 * {@code IllegalAccessError} from a static initialiser.
 */
@Timeout(120)
class MissingJvmFlagRelayTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final String UNCAUGHT = "Exception in thread \"main\" ";

    @Test
    void relayBuilderWithoutTheFlagEndsWithOneErrorNamingIt() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(RelayBuilderProbe.class, CHILD_TIMEOUT);

        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isEqualTo(1);
        assertThat(uncaughtLine(result)).as("stderr:%n%s", result.stderr())
            .startsWith(UNCAUGHT + JvmRequirements.MissingJvmFlagException.class.getName())
            .contains(JvmRequirements.AGRONA_FLAG);
    }

    private static String uncaughtLine(final ForkedJvm.Result result) {
        return result.stderr().lines().filter(l -> l.startsWith(UNCAUGHT)).findFirst().orElse("");
    }

    /** Runs in a JVM without the flag: the javadoc's relay, started on loopback and closed. */
    public static final class RelayBuilderProbe {
        public static void main(final String[] args) throws InterruptedException {
            try (DerpRelayServer server = DerpRelayServer.builder().build().start()) {
                System.out.println("listening on " + server.localAddress());
            }
        }
    }
}
