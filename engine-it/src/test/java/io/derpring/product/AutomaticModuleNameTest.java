package io.derpring.product;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.derpring.cli.Derpring;
import io.derpring.engine.DerpEngine;
import io.derpring.loadgen.LoadGenerator;
import io.derpring.micrometer.DerpEngineMetrics;
import io.derpring.server.DerpRelayServer;
import io.derpring.transport.Transport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every published jar names its module in its manifest, so module-path users get a stable name rather than one
 * derived from the file name. Read from the jar each class was loaded from: the reactor puts the modules' jars on
 * this classpath from the {@code package} phase on ({@code mvn verify}, as CI runs); a run that stops before
 * {@code package} sees class folders, which have no manifest, and the check is skipped there, not passed.
 */
class AutomaticModuleNameTest {

    static Stream<Arguments> publishedJars() {
        return Stream.of(
            Arguments.of(DerpEngine.class, "io.derpring.engine"),
            Arguments.of(Transport.class, "io.derpring.transport"),
            Arguments.of(DerpRelayServer.class, "io.derpring.server"),
            Arguments.of(DerpEngineMetrics.class, "io.derpring.micrometer"),
            Arguments.of(LoadGenerator.class, "io.derpring.loadgen"),
            Arguments.of(Derpring.class, "io.derpring.cli"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("publishedJars")
    void theJarsManifestNamesItsModule(final Class<?> classInJar, final String moduleName) throws Exception {
        final Path location = Path.of(classInJar.getProtectionDomain().getCodeSource().getLocation().toURI());
        assumeTrue(Files.isRegularFile(location), () -> classInJar.getName() + " was loaded from " + location
            + ", not a jar: run up to the package phase (mvn verify) to check the manifest");
        try (JarFile jar = new JarFile(location.toFile())) {
            assertThat(jar.getManifest()).as("manifest of %s", location).isNotNull();
            assertThat(jar.getManifest().getMainAttributes().getValue("Automatic-Module-Name"))
                .as("Automatic-Module-Name of %s", location).isEqualTo(moduleName);
        }
    }
}
