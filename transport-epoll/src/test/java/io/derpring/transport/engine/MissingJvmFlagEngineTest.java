package io.derpring.transport.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.JvmRequirements;
import io.derpring.testing.ForkedJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A new user's {@code java -cp ...} without {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED} builds an
 * engine the way the README shows: the JVM ends with one typed error naming the flag, not Agrona's raw
 * {@code IllegalAccessError} from a static initialiser.
 */
@Timeout(120)
class MissingJvmFlagEngineTest {
    private static final Duration CHILD_TIMEOUT = Duration.ofSeconds(60);
    private static final String UNCAUGHT = "Exception in thread \"main\" ";

    @Test
    void engineBuilderWithoutTheFlagEndsWithOneErrorNamingIt() throws Exception {
        final ForkedJvm.Result result = ForkedJvm.run(EngineBuilderProbe.class, CHILD_TIMEOUT);

        assertThat(result.exitCode()).as("exit code; stderr:%n%s", result.stderr()).isEqualTo(1);
        assertThat(uncaughtLine(result)).as("stderr:%n%s", result.stderr())
            .startsWith(UNCAUGHT + JvmRequirements.MissingJvmFlagException.class.getName())
            .contains(JvmRequirements.AGRONA_FLAG);
    }

    /** The line the JVM prints for the exception that ended {@code main}. */
    static String uncaughtLine(final ForkedJvm.Result result) {
        return result.stderr().lines().filter(l -> l.startsWith(UNCAUGHT)).findFirst().orElse("");
    }

    /** Runs in a JVM without the flag: the README's engine, built and closed. */
    public static final class EngineBuilderProbe {
        public static void main(final String[] args) {
            try (NettyDerpEngine engine = NettyDerpEngine.builder()
                    .keys(NodePrivateKey.generate(), DiscoPrivateKey.generate())
                    .dataplane((peer, regionId, buffer, offset, length) -> { })
                    .build()) {
                System.out.println("built " + engine.settings().transport());
            }
        }
    }
}
