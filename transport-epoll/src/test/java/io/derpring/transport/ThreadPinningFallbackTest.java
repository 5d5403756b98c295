package io.derpring.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * OpenHFT affinity and JNA are optional dependencies: an embedder without them who asks for pinned threads gets a
 * running engine, unpinned threads, one warning naming the missing library and a status that says so. Proven in a
 * forked JVM whose classpath is this test's minus those jars (or minus JNA only: affinity alone cannot bind a thread).
 */
@Timeout(120)
class ThreadPinningFallbackTest {
    /** A generous bound for a JVM that starts an engine and one event loop group, then closes both. */
    private static final long PROBE_TIMEOUT_SECONDS = 90;
    private static final String AFFINITY_JAR_PREFIX = "affinity-";
    /** jna and jna-platform. */
    private static final String JNA_JAR_PREFIX = "jna-";

    @TempDir
    Path dir;

    static Stream<Arguments> missingJars() {
        return Stream.of(
            Arguments.of(List.of(AFFINITY_JAR_PREFIX, JNA_JAR_PREFIX), 3, ThreadPinning.AFFINITY_LIBRARY),
            Arguments.of(List.of(JNA_JAR_PREFIX), 2, ThreadPinning.JNA_LIBRARY));
    }

    @ParameterizedTest(name = "without {0}")
    @MethodSource("missingJars")
    void pinnedThreadsStartUnpinnedWithOneWarningNamingTheMissingLibrary(final List<String> removedPrefixes,
            final int removedJars, final String missingLibrary) throws Exception {
        final List<String> classpath = testClasspath();
        final List<String> reduced = classpath.stream()
            .filter(entry -> removedPrefixes.stream().noneMatch(fileName(entry)::startsWith))
            .collect(Collectors.toList());
        assertThat(classpath.size() - reduced.size()).as("jars removed from %s", classpath).isEqualTo(removedJars);

        final String out = runProbe(reduced);

        assertThat(out).contains("jnaLoadable=false", "engineStarted=true", "loopRan=true", "status=NOT_AVAILABLE",
            "missingLibrary=" + missingLibrary, "groupUnpinnedRequests=1");
        // the engine asks for its I/O loops and, pinned with them, its ring stage thread
        assertThat(out).containsPattern("engineUnpinnedRequests=[1-9]");
        assertThat(out.lines().filter(line -> line.contains("WARN") && line.contains("thread pinning")))
            .as(out).singleElement().asString().contains(missingLibrary);
    }

    @Test
    void withBothLibrariesPinningIsAvailableAndNothingIsMissing() {
        assertThat(ThreadPinning.status()).isEqualTo(ThreadPinning.Status.AVAILABLE);
        assertThat(ThreadPinning.missingLibrary()).isNull();
        assertThat(ThreadPinning.findMissingLibrary(ThreadPinning.class.getClassLoader())).isNull();
    }

    /** Runs {@link PinningFallbackProbe} on {@code classpath}; returns its stdout and stderr once it exited 0. */
    private String runProbe(final List<String> classpath) throws Exception {
        final Path output = dir.resolve("probe.out");
        final Process probe = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", String.join(File.pathSeparator, classpath),
            PinningFallbackProbe.class.getName())
            .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        final boolean exited = probe.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (!exited) {
            probe.destroyForcibly().waitFor();
        }
        final String out = Files.readString(output, StandardCharsets.UTF_8);
        assertThat(exited).as(out).isTrue();
        assertThat(probe.exitValue()).as(out).isZero();
        return out;
    }

    /** Surefire runs tests from a manifest-only jar; it passes the real test classpath in this property. */
    private static List<String> testClasspath() {
        final String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        return Arrays.stream(classpath.split(File.pathSeparator)).filter(entry -> !entry.isEmpty())
            .collect(Collectors.toList());
    }

    private static String fileName(final String entry) {
        return Path.of(entry).getFileName().toString();
    }
}
