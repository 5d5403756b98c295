package io.derpring.derpmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.math.BigInteger;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever the bytes, {@link DerpMapParser#parse(byte[])} returns a valid map or throws
 * {@link DerpMapException}, never another exception. Seeded and deterministic; the seed and case are in every failure.
 */
class DerpMapFuzzTest {
    private static final byte[] VALID = TestMaps.utf8(DerpMapVectorsTest.load().get("derp_map").toString());
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] FRAGMENTS = {"{", "}", "[", "]", ":", ",", "\"", "\"Regions\"", "\"RegionID\"",
        "\"Nodes\"", "\"IPv4\"", "\"IPv6\"", "\"STUNPort\"", "\"DERPPort\"", "\"HostName\"", "\"CertName\"",
        "\"HomeParams\"", "\"RegionScore\"", "\"900\"", "900", "-1", "0", "65536", "9007199254740992", "1e400",
        "true", "false", "null", "\"none\"", "\"127.0.0.1\"", "\"::1\"", "\"sha256-raw:\"", " ", "\n", "\\u0000",
        "\\", "1.5", "-", "\"\""};

    private static void checkOne(final byte[] input, final long seed, final int caseIndex) {
        final DerpMap map;
        try {
            map = DerpMapParser.parse(input);
        } catch (final DerpMapException expected) {
            assertThat(expected.getMessage()).as("seed %d case %d: message", seed, caseIndex).isNotBlank();
            return;
        } catch (final Throwable t) {
            fail("seed " + seed + " case " + caseIndex + ": " + t + " for input "
                + DerpMapException.quote(new String(input, StandardCharsets.ISO_8859_1)) + " hex "
                + HexFormat.of().formatHex(input, 0, Math.min(input.length, 200)), t);
            return;
        }
        checkInvariants(map, seed, caseIndex);
    }

    private static void checkInvariants(final DerpMap map, final long seed, final int caseIndex) {
        int previous = 0;
        for (final DerpRegion region : map.regions()) {
            assertThat(region.regionId()).as("seed %d case %d", seed, caseIndex).isGreaterThan(previous)
                .isLessThanOrEqualTo(DerpRegion.MAX_REGION_ID);
            previous = region.regionId();
            for (final DerpNode node : region.nodes()) {
                assertThat(node.regionId()).isEqualTo(region.regionId());
                node.transportSecurity(); // validated at construction, so never throws
                node.derpUrl();
            }
        }
        for (final InetSocketAddress a : map.stunServersV4()) {
            assertThat(a.getAddress()).as("seed %d case %d", seed, caseIndex).isInstanceOf(Inet4Address.class);
            assertThat(a.getPort()).isBetween(1, DerpNode.MAX_PORT);
        }
    }

    @Test
    void randomByteStringsGiveAMapOrDerpMapException() {
        final long seed = 0x5eed_0001L;
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 4_000; i++) {
            final byte[] input;
            if (random.nextBoolean()) {
                input = new byte[random.nextInt(300)];
                for (int j = 0; j < input.length; j++) {
                    input[j] = (byte) random.nextInt(256);
                }
            } else {
                final StringBuilder sb = new StringBuilder();
                final int parts = random.nextInt(60);
                for (int j = 0; j < parts; j++) {
                    sb.append(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                }
                input = TestMaps.utf8(sb.toString());
            }
            checkOne(input, seed, i);
        }
    }

    @Test
    void byteMutationsOfTheValidMapGiveAMapOrDerpMapException() {
        final long seed = 0x5eed_0002L;
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 4_000; i++) {
            byte[] input = VALID.clone();
            final int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations; m++) {
                input = mutateBytes(input, random);
            }
            checkOne(input, seed, i);
        }
    }

    @Test
    void structuralMutationsOfTheValidMapGiveAMapOrDerpMapException() {
        final long seed = 0x5eed_0003L;
        final SplittableRandom random = new SplittableRandom(seed);
        final JsonNode valid = DerpMapVectorsTest.load().get("derp_map");
        int accepted = 0;
        for (int i = 0; i < 4_000; i++) {
            final JsonNode tree = valid.deepCopy();
            final int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                mutateTree(tree, random);
            }
            final byte[] input = TestMaps.utf8(tree.toString());
            try {
                DerpMapParser.parse(input);
                accepted++;
            } catch (final DerpMapException expected) {
                // fine
            } catch (final Throwable t) {
                fail("seed " + seed + " case " + i + ": " + t + " for " + tree, t);
            }
            checkOne(input, seed, i);
        }
        // Both outcomes must occur, or the mutator is not exercising validation.
        assertThat(accepted).as("seed %d: accepted mutants", seed).isBetween(100, 3_900);
    }

    private static byte[] mutateBytes(final byte[] in, final SplittableRandom random) {
        if (in.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        final int at = random.nextInt(in.length);
        switch (random.nextInt(6)) {
            case 0: { // flip a bit
                final byte[] out = in.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1: { // random byte
                final byte[] out = in.clone();
                out[at] = (byte) random.nextInt(256);
                return out;
            }
            case 2: { // delete a range
                final int len = Math.min(in.length - at, 1 + random.nextInt(16));
                final byte[] out = new byte[in.length - len];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(in, at + len, out, at, in.length - at - len);
                return out;
            }
            case 3: { // insert a fragment
                final byte[] frag = TestMaps.utf8(FRAGMENTS[random.nextInt(FRAGMENTS.length)]);
                final byte[] out = new byte[in.length + frag.length];
                System.arraycopy(in, 0, out, 0, at);
                System.arraycopy(frag, 0, out, at, frag.length);
                System.arraycopy(in, at, out, at + frag.length, in.length - at);
                return out;
            }
            case 4: { // duplicate a range
                final int len = Math.min(in.length - at, 1 + random.nextInt(64));
                final byte[] out = new byte[in.length + len];
                System.arraycopy(in, 0, out, 0, at + len);
                System.arraycopy(in, at, out, at + len, in.length - at);
                return out;
            }
            default: { // truncate
                final byte[] out = new byte[at];
                System.arraycopy(in, 0, out, 0, at);
                return out;
            }
        }
    }

    /** Replaces, removes or adds one value somewhere in the tree. */
    private static void mutateTree(final JsonNode root, final SplittableRandom random) {
        final List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        final JsonNode target = containers.get(random.nextInt(containers.size()));
        if (target instanceof ObjectNode object) {
            final List<String> keys = new ArrayList<>();
            object.fieldNames().forEachRemaining(keys::add);
            final int action = random.nextInt(10);
            if (keys.isEmpty() || action == 0) {
                object.set(randomKey(random), randomValue(random));
            } else if (action == 1) {
                object.remove(keys.get(random.nextInt(keys.size())));
            } else {
                object.set(keys.get(random.nextInt(keys.size())), randomValue(random));
            }
        } else if (target instanceof ArrayNode array) {
            if (array.isEmpty() || random.nextInt(4) == 0) {
                array.add(randomValue(random));
            } else if (random.nextInt(3) == 0) {
                array.remove(random.nextInt(array.size()));
            } else {
                array.set(random.nextInt(array.size()), randomValue(random));
            }
        }
    }

    private static void collectContainers(final JsonNode node, final List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            if (node.isObject()) {
                for (final Map.Entry<String, JsonNode> e : node.properties()) {
                    collectContainers(e.getValue(), out);
                }
            } else {
                node.forEach(child -> collectContainers(child, out));
            }
        }
    }

    private static String randomKey(final SplittableRandom random) {
        final String[] keys = {"Regions", "RegionID", "Nodes", "IPv4", "IPv6", "STUNPort", "DERPPort", "HostName",
            "CertName", "HomeParams", "RegionScore", "STUNOnly", "InsecureForTests", "Latitude", "901", "0", "-1",
            "Unknown", "omitDefaultRegions", ""};
        return keys[random.nextInt(keys.length)];
    }

    private static JsonNode randomValue(final SplittableRandom random) {
        switch (random.nextInt(14)) {
            case 0: return NODES.numberNode(random.nextInt(-3, 70_000));
            case 1: return NODES.numberNode(new long[] {0, -1, 1, 65_535, 65_536, 3478, 443, 900, 901,
                DerpRegion.MAX_REGION_ID, DerpRegion.MAX_REGION_ID + 1L, Long.MAX_VALUE, Long.MIN_VALUE}
                [random.nextInt(13)]);
            case 2: return NODES.numberNode(new BigInteger(80, new java.util.Random(random.nextLong())));
            case 3: return NODES.numberNode(random.nextDouble(-1e6, 1e6));
            case 4: return NODES.textNode(new String[] {"", "none", "127.0.0.1", "::1", "10.0.0.300", "h.test",
                "a/b", "sha256-raw:" + "ab".repeat(32), "sha256-raw:zz", "900"}[random.nextInt(10)]);
            case 5: return NODES.textNode(randomIpv4(random));
            case 6: return NODES.booleanNode(random.nextBoolean());
            case 7: return NODES.nullNode();
            case 8: return NODES.arrayNode();
            case 9: return NODES.objectNode();
            case 10: {
                final ObjectNode node = NODES.objectNode();
                node.put("Name", "fz").put("HostName", "fz.example.test").put("IPv4", randomIpv4(random));
                if (random.nextBoolean()) {
                    node.put("STUNPort", random.nextInt(-2, 65_537));
                }
                return node;
            }
            case 11: {
                final ObjectNode region = NODES.objectNode();
                region.put("RegionID", random.nextInt(1, 1000));
                region.putArray("Nodes");
                return region;
            }
            case 12: return NODES.textNode("x".repeat(random.nextInt(300)));
            default: return NODES.numberNode(random.nextInt());
        }
    }

    private static String randomIpv4(final SplittableRandom random) {
        return random.nextInt(300) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
    }
}
