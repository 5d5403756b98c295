package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import io.derpring.testing.SecurityGate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPEC §5.9 anti-leak gate: the STUN list holds only fixed IPv4 literals and is built without any DNS lookup.
 *
 * <p>Why it matters: the client STUNs its DERP servers to learn its public address. If a node's address had to be
 * found by resolving its host name, that DNS query would be a second egress path (outside the tunnel, to whatever
 * resolver the host uses) announcing which DERP servers we use. So a node without a fixed IPv4 literal is skipped,
 * never resolved. These tests pin that rule; the host names below are {@code .test}/{@code .invalid} names that
 * must never be looked up.
 */
@SecurityGate
class StunAntiLeakTest {
    /** JDK 18 brought {@code java.net.spi.InetAddressResolverProvider} (JEP 418). */
    private static final int RESOLVER_SPI_FEATURE = 18;
    private static final String SELF_CHECK_HOST = "detector-self-check.leak-canary.invalid";
    private static final String SELF_CHECK_LINE = "SELF-CHECK";
    private static final String TRAP_PREFIX = "DNS-LOOKUP ";
    private static final int TRAP_EXIT_STATUS = 86;
    private static final long FORK_TIMEOUT_S = 60;
    /** Compiled at test time for JDK 18+; prints each lookup and halts, so no query can leave the forked JVM. */
    private static final String RESOLVER_TRAP_SOURCE = """
        package derpring.leaktrap;

        import java.net.InetAddress;
        import java.net.spi.InetAddressResolver;
        import java.net.spi.InetAddressResolverProvider;
        import java.util.stream.Stream;

        public final class TrapResolverProvider extends InetAddressResolverProvider {
            @Override
            public InetAddressResolver get(final Configuration configuration) {
                return new InetAddressResolver() {
                    @Override
                    public Stream<InetAddress> lookupByName(final String host, final LookupPolicy policy) {
                        return trap(host);
                    }

                    @Override
                    public String lookupByAddress(final byte[] address) {
                        return trap(InetAddress.class.getSimpleName() + " reverse lookup");
                    }
                };
            }

            @Override
            public String name() {
                return "derpring-dns-trap";
            }

            private static <T> T trap(final String what) {
                System.out.println("%s" + what);
                System.out.flush();
                Runtime.getRuntime().halt(%d);
                throw new AssertionError("unreachable");
            }
        }
        """.formatted(TRAP_PREFIX, TRAP_EXIT_STATUS);
    private static final String LEAKY_MAP = """
        {"Regions": {
          "7": {"RegionID": 7, "Nodes": [
            {"Name": "7a", "RegionID": 7, "HostName": "derp7a.leak-canary.test", "IPv4": "192.0.2.7", "STUNPort": 3478},
            {"Name": "7b", "RegionID": 7, "HostName": "derp7b.leak-canary.test"},
            {"Name": "7c", "RegionID": 7, "HostName": "derp7c.leak-canary.test", "IPv4": "", "IPv6": "2001:db8::7"}
          ]},
          "5": {"RegionID": 5, "Nodes": [
            {"Name": "5s", "RegionID": 5, "HostName": "stun5.leak-canary.invalid", "IPv4": "198.51.100.5",
             "STUNPort": 3479, "STUNOnly": true},
            {"Name": "5n", "RegionID": 5, "HostName": "derp5n.leak-canary.invalid", "IPv4": "none"},
            {"Name": "5h", "RegionID": 5, "HostName": "derp5h.leak-canary.invalid", "IPv4": "derp5h.leak-canary.invalid"}
          ]}
        }}""";

    private static final String HOSTNAMES_ONLY_MAP = """
        {"Regions": {
          "1": {"RegionID": 1, "Nodes": [
            {"Name": "1a", "RegionID": 1, "HostName": "derp1a.leak-canary.test"},
            {"Name": "1b", "RegionID": 1, "HostName": "derp1b.leak-canary.test", "IPv4": ""},
            {"Name": "1c", "RegionID": 1, "HostName": "derp1c.leak-canary.test", "IPv6": "2001:db8::1"}
          ]},
          "2": {"RegionID": 2, "Nodes": [
            {"Name": "2a", "RegionID": 2, "HostName": "derp2a.leak-canary.invalid", "STUNPort": 3478}
          ]}
        }}""";

    @Test
    @DisplayName("B62: STUN list holds only fixed IPv4 literals, in region-ID then node order, STUNOnly included")
    void b62StunListHoldsOnlyFixedIpv4LiteralsInRegionOrder() {
        final List<InetSocketAddress> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4();
        assertThat(stun).extracting(DerpMapVectorsTest::hostPort)
            .containsExactly("198.51.100.5:3479", "192.0.2.7:3478"); // region 5 before region 7
    }

    @Test
    @DisplayName("B62: STUN addresses are built from literal bytes: resolved, no host name attached, no map host name")
    void b62StunAddressesAreBuiltFromLiteralBytes() {
        final List<InetSocketAddress> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4();
        final byte[][] expectedBytes = {{(byte) 198, 51, 100, 5}, {(byte) 192, 0, 2, 7}};
        for (int i = 0; i < stun.size(); i++) {
            final InetSocketAddress a = stun.get(i);
            // Not an unresolved placeholder that a socket would resolve later on send.
            assertThat(a.isUnresolved()).isFalse();
            assertThat(a.getAddress().getAddress()).isEqualTo(expectedBytes[i]);
            // InetAddress.toString() is "<host name>/<literal>": an empty host part means the address was made from
            // bytes (or a literal), never from a name lookup. getHostString() does not resolve.
            assertThat(a.getAddress().toString()).startsWith("/");
            assertThat(a.getHostString()).doesNotContain("leak-canary");
            assertThat(a.toString()).doesNotContain("leak-canary");
        }
    }

    @Test
    @DisplayName("B62: a map whose nodes have only host names (no IPv4 literal) yields an empty STUN list")
    void b62MapWithOnlyHostNamesYieldsAnEmptyStunList() {
        assertThat(DerpMapParser.parse(HOSTNAMES_ONLY_MAP).stunServersV4()).isEmpty();
    }

    @Test
    @DisplayName("B62: IPv6 literals never enter the STUN list")
    void b62Ipv6NeverEntersTheStunList() {
        final DerpMap map = DerpMapParser.parse("""
            {"Regions": {"3": {"RegionID": 3, "Nodes": [
              {"Name": "3a", "RegionID": 3, "HostName": "h.leak-canary.test", "IPv4": "none", "IPv6": "::1"},
              {"Name": "3b", "RegionID": 3, "HostName": "h.leak-canary.test", "IPv4": "::ffff:10.0.0.1"}]}}}""");
        assertThat(map.stunServersV4()).isEmpty();
    }

    @Test
    void stunListIsUnmodifiable() {
        final List<InetSocketAddress> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4();
        assertThatThrownBy(() -> stun.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)))
            .isInstanceOf(UnsupportedOperationException.class);
    }

    /**
     * The gate itself: parsing a map and building the STUN list never resolves a name. It runs on every JDK, with the
     * trap that JDK offers; a JDK on which neither trap can be set fails the gate rather than skipping it.
     */
    @Test
    @DisplayName("B62: no DNS lookup happens while parsing the map or building the STUN list")
    void b62NoDnsLookupWhileBuildingTheStunList(@TempDir final Path dir) throws Exception {
        if (Runtime.version().feature() < RESOLVER_SPI_FEATURE) {
            noDnsLookupUnderASecurityManagerTrap();
        } else {
            noDnsLookupUnderAResolverTrapInAForkedJvm(dir);
        }
    }

    /**
     * Java 17 has no resolver SPI, but the JDK asks the SecurityManager {@code checkConnect(host, -1)} before every
     * name lookup. A manager that records and refuses such calls on this thread proves that parsing the map and
     * building the STUN list never resolve a name; the refusal also means a regression would fail here without
     * sending a DNS query.
     */
    @SuppressWarnings("removal")
    private static void noDnsLookupUnderASecurityManagerTrap() {
        final Thread me = Thread.currentThread();
        final List<String> lookups = new ArrayList<>();
        final SecurityManager previous = System.getSecurityManager();
        final SecurityManager recorder = new SecurityManager() {
            @Override
            public void checkPermission(final java.security.Permission perm) {
                // allow everything else
            }

            @Override
            public void checkPermission(final java.security.Permission perm, final Object context) {
            }

            @Override
            public void checkConnect(final String host, final int port) {
                if (port == -1 && Thread.currentThread() == me) {
                    lookups.add(host);
                    throw new SecurityException("DNS lookup of " + host + " refused by StunAntiLeakTest");
                }
            }
        };
        System.setSecurityManager(recorder); // on 17 this must work; if it throws, the gate fails
        final List<String> stun;
        final List<String> canary;
        try {
            stun = buildStunLists();
            final List<String> seenByMap = List.copyOf(lookups);
            // Prove the recorder sees lookups at all: a name lookup is recorded and refused before any query is sent.
            try {
                InetAddress.getByName(SELF_CHECK_HOST);
            } catch (final SecurityException | UnknownHostException expected) {
                // refused, as intended
            }
            canary = List.copyOf(lookups);
            assertThat(seenByMap).as("host names looked up while building the STUN list").isEmpty();
        } finally {
            System.setSecurityManager(previous);
        }
        assertThat(canary).containsExactly(SELF_CHECK_HOST);
        assertThat(stun).containsExactly("198.51.100.5:3479", "192.0.2.7:3478");
    }

    /**
     * JDK 18+ (where the SecurityManager can no longer be set, and from 24 does nothing): a JVM whose only name
     * resolver is a trap, an {@code InetAddressResolverProvider} that prints the name and halts the JVM on the first
     * lookup. The provider needs the 18+ API while this code targets 17, so it is compiled here, for the running JDK.
     * The forked JVM builds the STUN lists, prints them, then looks up a canary name to prove the trap is live: the
     * only lookup it may report is that canary, after the lists.
     */
    private static void noDnsLookupUnderAResolverTrapInAForkedJvm(final Path dir) throws Exception {
        final Path classes = compileResolverTrap(dir);
        final Path output = dir.resolve("forked-output.txt");
        final Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"),
            ForkedStunList.class.getName())
            .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(FORK_TIMEOUT_S, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("forked JVM did not end within " + FORK_TIMEOUT_S + " s");
        }
        final List<String> lines = Files.readAllLines(output);
        assertThat(lines.stream().filter(l -> l.startsWith(TRAP_PREFIX)).toList())
            .as("lookups trapped in the forked JVM; output: %s", lines)
            .containsExactly(TRAP_PREFIX + SELF_CHECK_HOST);
        assertThat(lines).as("STUN lists built before the canary lookup")
            .containsSubsequence("STUN 198.51.100.5:3479", "STUN 192.0.2.7:3478", SELF_CHECK_LINE,
                TRAP_PREFIX + SELF_CHECK_HOST);
        assertThat(process.exitValue()).as("the trap halted the JVM").isEqualTo(TRAP_EXIT_STATUS);
    }

    private static Path compileResolverTrap(final Path dir) throws IOException {
        final JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("the resolver trap is compiled at test time and needs a JDK with javac").isNotNull();
        final Path source = dir.resolve("src/derpring/leaktrap/TrapResolverProvider.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, RESOLVER_TRAP_SOURCE);
        final Path classes = dir.resolve("classes");
        final Path services = classes.resolve("META-INF/services/java.net.spi.InetAddressResolverProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, "derpring.leaktrap.TrapResolverProvider\n");
        final java.io.ByteArrayOutputStream errors = new java.io.ByteArrayOutputStream();
        final int status = javac.run(null, errors, errors, "--release",
            String.valueOf(Runtime.version().feature()), "-d", classes.toString(), source.toString());
        assertThat(status).as("javac of the resolver trap: %s", errors).isZero();
        return classes;
    }

    private static List<String> buildStunLists() {
        // Literal bytes to text without touching other test classes, which the forked JVM need not load.
        final List<String> stun = DerpMapParser.parse(LEAKY_MAP).stunServersV4().stream()
            .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList();
        DerpMapParser.parse(HOSTNAMES_ONLY_MAP).stunServersV4();
        return stun;
    }

    /** The forked JVM's main: builds the STUN lists, prints them, then looks up the canary. */
    static final class ForkedStunList {
        private ForkedStunList() {
        }

        public static void main(final String[] args) throws Exception {
            for (final String hostPort : buildStunLists()) {
                System.out.println("STUN " + hostPort);
            }
            System.out.println(SELF_CHECK_LINE);
            System.out.flush();
            InetAddress.getByName(SELF_CHECK_HOST);
            System.out.println("the canary lookup was not trapped");
        }
    }
}
