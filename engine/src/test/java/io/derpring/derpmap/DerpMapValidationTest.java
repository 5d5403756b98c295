package io.derpring.derpmap;

import static io.derpring.derpmap.TestMaps.JSON;
import static io.derpring.derpmap.TestMaps.oneNodeMap;
import static io.derpring.derpmap.TestMaps.onlyNode;
import static io.derpring.derpmap.TestMaps.parse;
import static io.derpring.derpmap.TestMaps.withNodeField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Field validation of SPEC §5.10: every value limit at, below and above, and each message naming field and value. */
class DerpMapValidationTest {
    private static final int MAX_ID = DerpRegion.MAX_REGION_ID;
    /** SPEC §5.10's own limit, 2^53-1: above derpring's int limit (README, "Divergences from SPEC"). */
    private static final long SPEC_MAX_ID = (1L << 53) - 1;

    private static ObjectNode mapWithRegionId(final long id) {
        final ObjectNode map = JSON.createObjectNode();
        final ObjectNode region = map.putObject("Regions").putObject(Long.toString(id));
        region.put("RegionID", id);
        region.putArray("Nodes").addObject().put("Name", "a").put("RegionID", id).put("HostName", "h.example.test");
        return map;
    }

    // ---- region IDs: > 0 and <= Integer.MAX_VALUE (SPEC: 2^53-1; derpring keeps them in an int) ----

    @ParameterizedTest(name = "region ID {0} is accepted")
    @ValueSource(ints = {1, 2, 900, MAX_ID - 1, MAX_ID})
    void regionIdInRangeIsAccepted(final int id) {
        final DerpMap map = parse(mapWithRegionId(id));
        assertThat(map.regionIds()).containsExactly(id);
        assertThat(onlyNode(map).regionId()).isEqualTo(id);
    }

    @ParameterizedTest(name = "region ID {0} is rejected")
    @ValueSource(longs = {0, -1, MAX_ID + 1L, MAX_ID + 2L, SPEC_MAX_ID, SPEC_MAX_ID + 1, Long.MAX_VALUE})
    void regionIdOutOfRangeIsRejected(final long id) {
        final ObjectNode map = mapWithRegionId(id);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("Regions");
    }

    @Test
    void regionIdJustAboveTheIntRangeIsRejectedNamingTheRegion() {
        assertThatThrownBy(() -> parse(mapWithRegionId(MAX_ID + 1L)))
            .isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Regions[\"" + (MAX_ID + 1L) + "\"]")
            .hasMessageContaining("1.." + MAX_ID);
    }

    @Test
    void regionIdAboveTheIntRangeInTheValueIsRejectedNamingTheRegion() {
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).put("RegionID", MAX_ID + 1L);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Regions[\"900\"]").hasMessageContaining("RegionID " + (MAX_ID + 1L));
    }

    @Test
    void nodeRegionIdAboveTheIntRangeIsRejectedNamingTheNode() {
        assertThatThrownBy(() -> parse(withNodeField("RegionID", MAX_ID + 1L))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Nodes[0].RegionID " + (MAX_ID + 1L));
    }

    @Test
    void regionScoreKeyAboveTheIntRangeIsRejected() {
        final ObjectNode map = oneNodeMap();
        map.putObject("HomeParams").putObject("RegionScore").put(Long.toString(MAX_ID + 1L), 1);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("HomeParams.RegionScore[\"" + (MAX_ID + 1L) + "\"]");
    }

    @Test
    void regionIdThatOverflowsLongIsRejected() {
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).put("RegionID", new BigInteger("99999999999999999999"));
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("RegionID");
    }

    @Test
    void regionIdZeroInTheValueIsRejectedEvenWithAValidKey() {
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).put("RegionID", 0);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("RegionID 0");
    }

    @Test
    void mapKeyMustEqualRegionId() {
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).put("RegionID", 901);
        TestMaps.node(map).put("RegionID", 901);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("RegionID 901 does not equal its map key 900");
    }

    @Test
    void absentRegionIdIsRejected() {
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).remove("RegionID");
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("RegionID");
    }

    @Test
    void mapKeyWithLeadingZeroNamesTheSameRegion() {
        // Go decodes map[int] keys with strconv.ParseInt, so "0900" is region 900.
        final ObjectNode map = JSON.createObjectNode();
        map.putObject("Regions").set("0900", oneNodeMap().get("Regions").get("900"));
        assertThat(parse(map).regionIds()).containsExactly(900);
    }

    @Test
    void twoKeysNamingTheSameRegionAreRejected() {
        final ObjectNode map = oneNodeMap();
        ((ObjectNode) map.get("Regions")).set("0900", TestMaps.region(oneNodeMap()));
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("region ID 900 twice");
    }

    @ParameterizedTest(name = "map key \"{0}\" is rejected")
    @ValueSource(strings = {"", "abc", "+900", "-900", "9 00", "900.0", "0x384", "12345678901234567"})
    void nonDecimalMapKeyIsRejected(final String key) {
        final ObjectNode map = JSON.createObjectNode();
        map.putObject("Regions").set(key, TestMaps.region(oneNodeMap()));
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("key");
    }

    @Test
    void nodeWithoutRegionIdInheritsTheRegionsId() {
        final ObjectNode map = oneNodeMap();
        TestMaps.node(map).remove("RegionID");
        assertThat(onlyNode(parse(map)).regionId()).isEqualTo(900);
    }

    @Test
    void nodeWhoseRegionIdDiffersFromItsRegionIsRejected() {
        assertThatThrownBy(() -> parse(withNodeField("RegionID", 901))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("Nodes[0].RegionID 901");
    }

    @Test
    void nodeWithNegativeRegionIdIsRejected() {
        assertThatThrownBy(() -> parse(withNodeField("RegionID", -5))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("RegionID").hasMessageContaining("-5");
    }

    // ---- STUNPort: absent/0 => 3478, -1 => off, 1..65535 => that port, else reject ----

    static Stream<Arguments> acceptedStunPorts() {
        return Stream.of(Arguments.of(-1, DerpNode.STUN_DISABLED), Arguments.of(0, 3478), Arguments.of(1, 1),
            Arguments.of(2, 2), Arguments.of(3478, 3478), Arguments.of(65_534, 65_534), Arguments.of(65_535, 65_535));
    }

    @ParameterizedTest(name = "STUNPort {0} => {1}")
    @MethodSource("acceptedStunPorts")
    void stunPortIsAccepted(final int stunPort, final int effective) {
        final DerpNode node = onlyNode(parse(withNodeField("STUNPort", stunPort)));
        assertThat(node.stunPort()).isEqualTo(stunPort);
        assertThat(node.effectiveStunPort()).isEqualTo(effective);
        assertThat(node.stunEnabled()).isEqualTo(stunPort != -1);
    }

    @Test
    void absentStunPortMeans3478() {
        final DerpNode node = onlyNode(parse(oneNodeMap()));
        assertThat(node.effectiveStunPort()).isEqualTo(DerpNode.DEFAULT_STUN_PORT);
        assertThat(parse(oneNodeMap()).stunServersV4()).extracting(DerpMapVectorsTest::hostPort)
            .containsExactly("192.0.2.1:3478");
    }

    @Test
    void stunPortMinusOneRemovesTheNodeFromTheStunList() {
        assertThat(parse(withNodeField("STUNPort", -1)).stunServersV4()).isEmpty();
    }

    @ParameterizedTest(name = "STUNPort {0} is rejected")
    @ValueSource(longs = {-2, -3, 65_536, 65_537, Integer.MIN_VALUE, Integer.MAX_VALUE, 1L << 32, -(1L << 32)})
    void stunPortOutOfRangeIsRejectedNamingFieldAndValue(final long stunPort) {
        assertThatThrownBy(() -> parse(withNodeField("STUNPort", stunPort))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("STUNPort").hasMessageContaining(Long.toString(stunPort))
            .hasMessageContaining("Regions[\"900\"].Nodes[0]");
    }

    // ---- DERPPort: 0 => 443, 0..65535 ----

    static Stream<Arguments> acceptedDerpPorts() {
        return Stream.of(Arguments.of(0, 443, "https://derp900a.example.test/derp"),
            Arguments.of(1, 1, "https://derp900a.example.test:1/derp"),
            Arguments.of(442, 442, "https://derp900a.example.test:442/derp"),
            Arguments.of(443, 443, "https://derp900a.example.test/derp"),
            Arguments.of(444, 444, "https://derp900a.example.test:444/derp"),
            Arguments.of(65_534, 65_534, "https://derp900a.example.test:65534/derp"),
            Arguments.of(65_535, 65_535, "https://derp900a.example.test:65535/derp"));
    }

    @ParameterizedTest(name = "DERPPort {0} => port {1}, {2}")
    @MethodSource("acceptedDerpPorts")
    void derpPortIsAcceptedAndShownInTheUrlOnlyWhenNot443(final int derpPort, final int effective, final String url) {
        final DerpNode node = onlyNode(parse(withNodeField("DERPPort", derpPort)));
        assertThat(node.effectiveDerpPort()).isEqualTo(effective);
        assertThat(node.derpUrl()).isEqualTo(url);
    }

    @ParameterizedTest(name = "DERPPort {0} is rejected")
    @ValueSource(longs = {-1, -2, 65_536, 65_537, 1L << 40})
    void derpPortOutOfRangeIsRejectedNamingFieldAndValue(final long derpPort) {
        assertThatThrownBy(() -> parse(withNodeField("DERPPort", derpPort))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("DERPPort").hasMessageContaining(Long.toString(derpPort));
    }

    // ---- IPv4 / IPv6 address modes (SPEC §5.9) ----

    static Stream<Arguments> ipv4Modes() {
        return Stream.of(Arguments.of("192.0.2.1", AddressMode.FIXED), Arguments.of("0.0.0.0", AddressMode.FIXED),
            Arguments.of("", AddressMode.USE_DNS), Arguments.of("none", AddressMode.DISABLED),
            Arguments.of("not-an-ip", AddressMode.DISABLED), Arguments.of("::1", AddressMode.DISABLED),
            Arguments.of("::ffff:192.0.2.1", AddressMode.DISABLED), Arguments.of("192.0.2.01", AddressMode.DISABLED),
            Arguments.of("192.0.2.1 ", AddressMode.DISABLED), Arguments.of("derp.example.test", AddressMode.DISABLED));
    }

    @ParameterizedTest(name = "IPv4 \"{0}\" => {1}")
    @MethodSource("ipv4Modes")
    void ipv4FieldMode(final String ipv4, final AddressMode mode) {
        final DerpNode node = onlyNode(parse(withNodeField("IPv4", ipv4)));
        assertThat(node.ipv4().mode()).isEqualTo(mode);
        assertThat(node.ipv4().text()).isEqualTo(ipv4);
    }

    @Test
    void absentOrNullIpv4MeansUseDns() {
        final ObjectNode absent = oneNodeMap();
        TestMaps.node(absent).remove("IPv4");
        assertThat(onlyNode(parse(absent)).ipv4().mode()).isEqualTo(AddressMode.USE_DNS);
        final ObjectNode nullValue = oneNodeMap();
        TestMaps.node(nullValue).putNull("IPv4");
        assertThat(onlyNode(parse(nullValue)).ipv4().mode()).isEqualTo(AddressMode.USE_DNS);
    }

    @Test
    void fixedIpv4IsBuiltFromTheLiteralBytes() {
        final DerpNode node = onlyNode(parse(oneNodeMap()));
        assertThat(node.ipv4().address().getAddress()).containsExactly(192, 0, 2, 1);
    }

    static Stream<Arguments> ipv6Modes() {
        return Stream.of(Arguments.of("2001:db8::1", AddressMode.FIXED), Arguments.of("::1", AddressMode.FIXED),
            Arguments.of("::ffff:192.0.2.1", AddressMode.FIXED), Arguments.of("", AddressMode.USE_DNS),
            Arguments.of("none", AddressMode.DISABLED), Arguments.of("192.0.2.1", AddressMode.DISABLED),
            Arguments.of("[::1]", AddressMode.DISABLED), Arguments.of("fe80::1%eth0", AddressMode.DISABLED));
    }

    @ParameterizedTest(name = "IPv6 \"{0}\" => {1}")
    @MethodSource("ipv6Modes")
    void ipv6FieldMode(final String ipv6, final AddressMode mode) {
        final DerpNode node = onlyNode(parse(withNodeField("IPv6", ipv6)));
        assertThat(node.ipv6().mode()).isEqualTo(mode);
    }

    @Test
    void ipv4MappedIpv6LiteralStaysAnIpv6Address() {
        final DerpNode node = onlyNode(parse(withNodeField("IPv6", "::ffff:192.0.2.1")));
        assertThat(node.ipv6().address()).isInstanceOf(java.net.Inet6Address.class);
        assertThat(node.ipv6().address().getAddress()).hasSize(16);
    }

    @Test
    void addressOfANonFixedFieldIsAnError() {
        final DerpNode node = onlyNode(parse(withNodeField("IPv4", "none")));
        assertThatThrownBy(() -> node.ipv4().address()).isInstanceOf(IllegalStateException.class);
    }

    // ---- transport security (SPEC §5.10) ----

    private static final String PIN = "0123456789abcdef".repeat(4);

    @Test
    void defaultSecurityVerifiesTheHostName() {
        assertThat(onlyNode(parse(oneNodeMap())).transportSecurity())
            .isEqualTo(new TransportSecurity.VerifyName("derp900a.example.test", "derp900a.example.test"));
    }

    @Test
    void certNameReplacesHostNameAsTheVerifiedNameButNotTheSni() {
        assertThat(onlyNode(parse(withNodeField("CertName", "cert.example.test"))).transportSecurity())
            .isEqualTo(new TransportSecurity.VerifyName("derp900a.example.test", "cert.example.test"));
    }

    @Test
    void insecureForTestsSkipsVerificationButKeepsTls() {
        final TransportSecurity security =
            onlyNode(parse(withNodeField("InsecureForTests", JSON.getNodeFactory().booleanNode(true))))
                .transportSecurity();
        assertThat(security).isEqualTo(new TransportSecurity.InsecureSkipVerify("derp900a.example.test"));
        assertThat(security).isNotInstanceOf(TransportSecurity.PlainHttp.class);
    }

    @Test
    void sha256RawCertNamePinsTheLeafCertificate() {
        final TransportSecurity security =
            onlyNode(parse(withNodeField("CertName", DerpNode.CERT_PIN_PREFIX + PIN))).transportSecurity();
        assertThat(security).isEqualTo(new TransportSecurity.PinnedSha256("derp900a.example.test", PIN));
        assertThat(((TransportSecurity.PinnedSha256) security).sha256()).hasSize(32);
    }

    @Test
    void pinMatchesOnlyTheLeafWhoseRawDerHashesToIt() throws Exception {
        final byte[] der = TestMaps.utf8("not really DER, but any bytes hash");
        final String hex = java.util.HexFormat.of()
            .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(der));
        final var pin = (TransportSecurity.PinnedSha256)
            onlyNode(parse(withNodeField("CertName", DerpNode.CERT_PIN_PREFIX + hex))).transportSecurity();
        assertThat(pin.matchesLeaf(der)).isTrue();
        assertThat(pin.matchesLeaf(TestMaps.utf8("another certificate"))).isFalse();
    }

    @Test
    void upperCaseHexPinIsAcceptedAndNormalised() {
        final var pin = (TransportSecurity.PinnedSha256) onlyNode(
            parse(withNodeField("CertName", DerpNode.CERT_PIN_PREFIX + PIN.toUpperCase()))).transportSecurity();
        assertThat(pin.sha256Hex()).isEqualTo(PIN);
    }

    @Test
    void pinWinsOverInsecureForTests() {
        final ObjectNode map = withNodeField("CertName", DerpNode.CERT_PIN_PREFIX + PIN);
        TestMaps.node(map).put("InsecureForTests", true);
        assertThat(onlyNode(parse(map)).transportSecurity()).isInstanceOf(TransportSecurity.PinnedSha256.class);
    }

    @Test
    void certNameWinsOverInsecureForTests() {
        final ObjectNode map = withNodeField("CertName", "cert.example.test");
        TestMaps.node(map).put("InsecureForTests", true);
        assertThat(onlyNode(parse(map)).transportSecurity()).isInstanceOf(TransportSecurity.VerifyName.class);
    }

    @ParameterizedTest(name = "pin of {0} hex digits is rejected")
    @ValueSource(ints = {0, 1, 62, 63, 65, 66, 128})
    void pinOfWrongLengthIsRejected(final int hexDigits) {
        final String certName = DerpNode.CERT_PIN_PREFIX + "a".repeat(hexDigits);
        assertThatThrownBy(() -> parse(withNodeField("CertName", certName))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("CertName").hasMessageContaining("got " + hexDigits);
    }

    @Test
    void pinOfExactly64HexDigitsIsAccepted() {
        assertThat(onlyNode(parse(withNodeField("CertName", DerpNode.CERT_PIN_PREFIX + "a".repeat(64))))
            .transportSecurity()).isInstanceOf(TransportSecurity.PinnedSha256.class);
    }

    @ParameterizedTest(name = "pin with \"{0}\" is rejected")
    @ValueSource(strings = {"g", " ", ":", "\u0661", "\uff10", "-"})
    void pinWithNonHexCharacterIsRejected(final String bad) {
        final String certName = DerpNode.CERT_PIN_PREFIX + PIN.substring(0, 63) + bad;
        assertThatThrownBy(() -> parse(withNodeField("CertName", certName))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("non-hex");
    }

    @Test
    void mapNeverYieldsPlainHttp() {
        DerpMapVectorsTest.load();
        for (final DerpRegion r : DerpMapParser.parse(DerpMapVectorsTest.load().get("derp_map").toString())
            .regions()) {
            r.nodes().forEach(n -> assertThat(n.transportSecurity()).isNotInstanceOf(TransportSecurity.PlainHttp.class));
        }
    }

    // ---- host names and text fields ----

    @ParameterizedTest(name = "HostName \"{0}\" is rejected")
    @ValueSource(strings = {"", "evil.test/x", "a b.test", "h.test:443", "user@h.test", "h.test?q", "::1",
        "h\u00e9.test", "h.test\n"})
    void hostNameThatIsNotADnsNameIsRejected(final String hostName) {
        assertThatThrownBy(() -> parse(withNodeField("HostName", hostName))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("HostName");
    }

    @Test
    void absentHostNameIsRejected() {
        final ObjectNode map = oneNodeMap();
        TestMaps.node(map).remove("HostName");
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("HostName is required");
    }

    @Test
    void hostNameAtMaxLengthIsAcceptedAndOneMoreIsRejected() {
        final String atMax = "a".repeat(DerpNode.MAX_HOST_NAME_CHARS);
        assertThat(onlyNode(parse(withNodeField("HostName", atMax))).hostName()).isEqualTo(atMax);
        assertThat(onlyNode(parse(withNodeField("HostName", atMax.substring(1)))).hostName()).hasSize(252);
        assertThatThrownBy(() -> parse(withNodeField("HostName", atMax + "a"))).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("HostName is longer than 253");
    }

    @ParameterizedTest(name = "{0} at, below and above MAX_TEXT_CHARS")
    @ValueSource(strings = {"Name", "STUNTestIP"})
    void nodeTextFieldLimit(final String field) {
        final int max = DerpNode.MAX_TEXT_CHARS;
        assertThat(parse(withNodeField(field, "x".repeat(max)))).isNotNull();
        assertThat(parse(withNodeField(field, "x".repeat(max - 1)))).isNotNull();
        assertThatThrownBy(() -> parse(withNodeField(field, "x".repeat(max + 1))))
            .isInstanceOf(DerpMapException.class).hasMessageContaining(field);
    }

    @ParameterizedTest(name = "{0} at, below and above MAX_TEXT_CHARS")
    @ValueSource(strings = {"RegionCode", "RegionName"})
    void regionTextFieldLimit(final String field) {
        final int max = DerpNode.MAX_TEXT_CHARS;
        for (final int length : new int[] {max - 1, max}) {
            final ObjectNode map = oneNodeMap();
            TestMaps.region(map).put(field, "x".repeat(length));
            assertThat(parse(map).regions()).hasSize(1);
        }
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).put(field, "x".repeat(max + 1));
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining(field);
    }

    @Test
    void certNameThatIsNeitherAPinNorADnsNameIsRejected() {
        assertThatThrownBy(() -> parse(withNodeField("CertName", "SHA256-RAW:" + PIN)))
            .isInstanceOf(DerpMapException.class).hasMessageContaining("CertName");
    }

    @Test
    void messageQuotesHostileValuesShortAndEscaped() {
        final String hostile = "bad\n\u001b[31m" + "x".repeat(1000);
        assertThatThrownBy(() -> parse(withNodeField("HostName", hostile))).isInstanceOf(DerpMapException.class)
            .satisfies(e -> {
                assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\u001b");
                assertThat(e.getMessage().length()).isLessThan(400);
            });
    }

    @Test
    void quotedValuesAreCutAtMaxQuotedChars() {
        final int max = DerpMapException.MAX_QUOTED_CHARS;
        assertThat(DerpMapException.quote("q".repeat(max - 1))).isEqualTo('"' + "q".repeat(max - 1) + '"');
        assertThat(DerpMapException.quote("q".repeat(max))).isEqualTo('"' + "q".repeat(max) + '"');
        assertThat(DerpMapException.quote("q".repeat(max + 1)))
            .isEqualTo('"' + "q".repeat(max) + "\"... (" + (max + 1) + " chars)");
    }

    // ---- numbers: Latitude/Longitude ----

    @Test
    void latitudeAndLongitudeAreRead() {
        final ObjectNode map = oneNodeMap();
        TestMaps.region(map).put("Latitude", 40.7).put("Longitude", -74);
        final DerpRegion region = parse(map).regions().get(0);
        assertThat(region.latitude()).isEqualTo(40.7);
        assertThat(region.longitude()).isEqualTo(-74.0);
    }

    @Test
    void infiniteLatitudeIsRejected() {
        assertThatThrownBy(() -> DerpMapParser.parse(oneNodeMap().toString()
            .replace("\"RegionCode\"", "\"Latitude\":1e400,\"RegionCode\"")))
            .isInstanceOf(DerpMapException.class).hasMessageContaining("Latitude");
    }

    // ---- HomeParams ----

    @Test
    void homeParamsRegionScoreIsReadInRegionOrder() {
        final ObjectNode map = oneNodeMap();
        map.putObject("HomeParams").putObject("RegionScore").put("901", 2).put("900", 0.5).put("5", 0);
        final HomeParams params = parse(map).homeParams().orElseThrow();
        assertThat(params.regionScore()).containsExactly(java.util.Map.entry(5, 0.0),
            java.util.Map.entry(900, 0.5), java.util.Map.entry(901, 2.0));
    }

    @Test
    void negativeRegionScoreIsRejected() {
        final ObjectNode map = oneNodeMap();
        map.putObject("HomeParams").putObject("RegionScore").put("900", -0.5);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class)
            .hasMessageContaining("RegionScore[900]").hasMessageContaining("-0.5");
    }

    @ParameterizedTest(name = "RegionScore key \"{0}\" is rejected")
    @ValueSource(strings = {"", "0", "abc", "-1", "9007199254740992"})
    void badRegionScoreKeyIsRejected(final String key) {
        final ObjectNode map = oneNodeMap();
        map.putObject("HomeParams").putObject("RegionScore").put(key, 1);
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("RegionScore");
    }

    @Test
    void regionScoreCountLimit() {
        for (final int count : new int[] {HomeParams.MAX_REGION_SCORES - 1, HomeParams.MAX_REGION_SCORES}) {
            final ObjectNode map = oneNodeMap();
            final ObjectNode scores = map.putObject("HomeParams").putObject("RegionScore");
            for (int i = 1; i <= count; i++) {
                scores.put(Integer.toString(i), 1.5);
            }
            assertThat(parse(map).homeParams().orElseThrow().regionScore()).hasSize(count);
        }
        final ObjectNode map = oneNodeMap();
        final ObjectNode scores = map.putObject("HomeParams").putObject("RegionScore");
        for (int i = 1; i <= HomeParams.MAX_REGION_SCORES + 1; i++) {
            scores.put(Integer.toString(i), 1.5);
        }
        assertThatThrownBy(() -> parse(map)).isInstanceOf(DerpMapException.class).hasMessageContaining("RegionScore");
    }

    // ---- counts ----

    @Test
    void regionCountAtBelowAndAboveMaxRegions() {
        assertThat(parse(TestMaps.mapWith(DerpMap.MAX_REGIONS - 1, 1)).regions()).hasSize(DerpMap.MAX_REGIONS - 1);
        assertThat(parse(TestMaps.mapWith(DerpMap.MAX_REGIONS, 1)).regions()).hasSize(DerpMap.MAX_REGIONS);
        assertThatThrownBy(() -> parse(TestMaps.mapWith(DerpMap.MAX_REGIONS + 1, 1)))
            .isInstanceOf(DerpMapException.class).hasMessageContaining("Regions has 513 entries");
    }

    @Test
    void nodeCountAtBelowAndAboveMaxNodesPerRegion() {
        final int max = DerpRegion.MAX_NODES_PER_REGION;
        assertThat(parse(TestMaps.mapWith(1, max - 1)).regions().get(0).nodes()).hasSize(max - 1);
        assertThat(parse(TestMaps.mapWith(1, max)).regions().get(0).nodes()).hasSize(max);
        assertThatThrownBy(() -> parse(TestMaps.mapWith(1, max + 1)))
            .isInstanceOf(DerpMapException.class).hasMessageContaining("Nodes has 65 entries");
    }

    @Test
    void nodesKeepTheirPriorityOrder() {
        assertThat(parse(TestMaps.mapWith(1, 5)).regions().get(0).nodes()).extracting(DerpNode::name)
            .containsExactly("1n0", "1n1", "1n2", "1n3", "1n4");
    }

    // ---- programmatic construction validates too ----

    @Test
    void constructingANodeWithABadPortThrowsTheTypedError() {
        assertThatThrownBy(() -> new DerpNode("n", 1, "h.test", "", NodeAddress.ipv4(null), NodeAddress.ipv6(null),
            70_000, false, 0, false, "", false)).isInstanceOf(DerpMapException.class).hasMessageContaining("70000");
    }

    @Test
    void regionsAreKeptInRegionIdOrderWhateverTheInputOrder() {
        final DerpMap map = new DerpMap(List.of(
            new DerpRegion(30, "", "", 0, 0, false, false, List.of()),
            new DerpRegion(2, "", "", 0, 0, false, false, List.of()),
            new DerpRegion(100, "", "", 0, 0, false, false, List.of())), null, false);
        assertThat(map.regionIds()).containsExactly(2, 30, 100);
    }

    @Test
    void aChangedNodeMakesItsRegionUnequal() {
        final DerpMap before = parse(oneNodeMap());
        final DerpMap after = parse(withNodeField("DERPPort", 8443));
        assertThat(after.region(900)).isNotEqualTo(before.region(900));
        assertThat(after).isNotEqualTo(before);
        assertThat(parse(oneNodeMap()).region(900)).isEqualTo(before.region(900));
    }
}
