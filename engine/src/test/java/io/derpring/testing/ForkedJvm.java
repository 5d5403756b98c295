package io.derpring.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} class in a fresh JVM on this test's class path, with none of the JVM options surefire's
 * {@code argLine} gives this JVM: the child lacks {@code --add-exports java.base/jdk.internal.misc=ALL-UNNAMED},
 * as a new user's {@code java -cp ...} does. Bounded: a child still running at the timeout is killed.
 */
public final class ForkedJvm {
    /** Environment variables the launcher reads options from; cleared so an outer setting cannot add the flag. */
    private static final List<String> OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS",
        "_JAVA_OPTIONS");

    private ForkedJvm() {
    }

    /** What the child did: its exit code and everything it wrote to stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** The first line the child wrote to stderr, or "" when it wrote none. */
        public String firstErrorLine() {
            final int end = stderr.indexOf('\n');
            return (end < 0 ? stderr : stderr.substring(0, end)).strip();
        }
    }

    /** Runs {@code mainClass} with {@code args}; fails the test if it has not exited within {@code timeout}. */
    public static Result run(final Class<?> mainClass, final Duration timeout, final String... args)
        throws IOException, InterruptedException {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final List<String> command = new java.util.ArrayList<>(List.of(java, "-cp",
            System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        final Path out = Files.createTempFile("forked-jvm", ".out");
        final Path err = Files.createTempFile("forked-jvm", ".err");
        try {
            final ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile());
            final Map<String, String> env = builder.environment();
            OPTION_VARIABLES.forEach(env::remove);
            final Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(mainClass.getSimpleName() + " did not exit within " + timeout + "; stderr:\n"
                    + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
