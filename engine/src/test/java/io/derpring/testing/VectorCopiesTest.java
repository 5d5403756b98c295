package io.derpring.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The project carries its own copy of ../shared/vectors (so a clean clone tests without it). Wherever the shared
 * folder is present, the copy must be byte-identical, so a regenerated vector can't silently diverge.
 */
class VectorCopiesTest {
    private static final Path SHARED = Path.of(System.getProperty("derpring.sharedVectors", "../../shared/vectors"));

    @Test
    void everySharedVectorFileIsCopiedByteForByte() throws IOException {
        assumeTrue(Files.isDirectory(SHARED), "../shared/vectors is not beside this checkout: " + SHARED);
        final List<Path> files;
        try (Stream<Path> list = Files.list(SHARED)) {
            files = list.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
        assertThat(files).isNotEmpty();
        for (final Path file : files) {
            try (InputStream copy = VectorCopiesTest.class.getResourceAsStream("/vectors/" + file.getFileName())) {
                assertThat(copy).as("copy of %s on the test classpath", file.getFileName()).isNotNull();
                assertThat(copy.readAllBytes()).as("bytes of %s", file.getFileName())
                    .isEqualTo(Files.readAllBytes(file));
            }
        }
    }

    @Test
    void theCopiedVectorsAreOnTheClasspath() {
        for (final String name : List.of("x25519.json", "box.json", "derp_frames.json", "disco.json",
            "derpmap.json", "multiderp_rules.json")) {
            assertThat(Vectors.load(name).isObject()).as(name).isTrue();
        }
    }
}
