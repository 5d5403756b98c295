package io.derpring.derpmap;

import java.util.HexFormat;
import java.util.Objects;

/**
 * One DERP (or STUN-only) server of a region, as {@code tailcfg.DERPNode} (SPEC §5.10). Immutable; the constructor
 * validates, so every instance is usable. Components hold the map's values (ports as written, {@code 0} meaning
 * "default"); the {@code effective*} methods apply the defaults.
 *
 * @param name             {@code Name}: unique node name such as "1b" (not a host name); {@code ""} if absent
 * @param regionId         {@code RegionID}: the containing region (a node that omits it inherits the region's)
 * @param hostName         {@code HostName}: required; TLS SNI, the URL host, and the DNS name when no literal is given
 * @param certName         {@code CertName}: {@code ""}, a name to verify instead of {@code HostName}, or a
 *                         {@code sha256-raw:<64 hex>} pin
 * @param ipv4             {@code IPv4} classified (absent/"" = DNS, literal = fixed, other = disabled)
 * @param ipv6             {@code IPv6} classified the same way with IPv6 literals
 * @param stunPort         {@code STUNPort}: 0 = 3478, -1 = STUN off, 1..65535 = that port
 * @param stunOnly         {@code STUNOnly}: a STUN server only, not a DERP server
 * @param derpPort         {@code DERPPort}: 0 = 443, else the TLS port
 * @param insecureForTests {@code InsecureForTests}: TLS without certificate verification
 * @param stunTestIp       {@code STUNTestIP}: test-only STUN address override, {@code ""} if absent (not used for STUN)
 * @param canPort80        {@code CanPort80}: the node also answers plain HTTP on port 80 (captive-portal checks)
 */
public record DerpNode(String name, int regionId, String hostName, String certName, NodeAddress ipv4,
                       NodeAddress ipv6, int stunPort, boolean stunOnly, int derpPort, boolean insecureForTests,
                       String stunTestIp, boolean canPort80) {

    /** STUN port when {@code STUNPort} is absent or 0 (tailcfg.DERPNode: "Zero means 3478"). */
    public static final int DEFAULT_STUN_PORT = 3478;
    /** {@code STUNPort} value that turns STUN off (tailcfg.DERPNode: "To disable STUN on this node, use -1"). */
    public static final int STUN_DISABLED = -1;
    /** DERP TLS port when {@code DERPPort} is absent or 0 (tailcfg.DERPNode: "If zero, 443 is used"). */
    public static final int DEFAULT_DERP_PORT = 443;
    /** Largest TCP/UDP port (RFC 793 / RFC 768: 16-bit field). */
    public static final int MAX_PORT = 65_535;
    /** Longest DNS name (RFC 1035 §2.3.4: 255 octets on the wire = 253 characters in text). */
    public static final int MAX_HOST_NAME_CHARS = 253;
    /** Longest free-text field (Name, RegionCode, RegionName, STUNTestIP); derpring choice, real values are &lt; 40. */
    public static final int MAX_TEXT_CHARS = 256;
    /** {@code CertName} prefix that pins the leaf certificate's raw-DER SHA-256 (SPEC §5.10, derper's self-signed mode). */
    public static final String CERT_PIN_PREFIX = "sha256-raw:";
    /** Hex digits after {@link #CERT_PIN_PREFIX}: a SHA-256 is 32 bytes. */
    public static final int CERT_PIN_HEX_CHARS = 2 * TransportSecurity.PinnedSha256.SHA256_LENGTH;
    /** A node is a test node when its IPv4 is this (SPEC §5.10). */
    static final String TEST_NODE_IPV4 = "127.0.0.1";

    public DerpNode {
        requireText(name, "Name");
        DerpRegion.requireRegionId(regionId, "RegionID");
        requireHostName(hostName, "HostName");
        Objects.requireNonNull(certName, "CertName");
        if (certName.startsWith(CERT_PIN_PREFIX)) {
            parsePin(certName);
        } else if (!certName.isEmpty()) {
            requireHostName(certName, "CertName");
        }
        Objects.requireNonNull(ipv4, "IPv4");
        Objects.requireNonNull(ipv6, "IPv6");
        if (ipv4.isIpv6() || !ipv6.isIpv6()) {
            throw new DerpMapException("IPv4/IPv6 fields given with the wrong address family");
        }
        if (stunPort < STUN_DISABLED || stunPort > MAX_PORT) {
            throw new DerpMapException("STUNPort must be -1 (off), 0 (3478) or 1.." + MAX_PORT + ", got " + stunPort);
        }
        if (derpPort < 0 || derpPort > MAX_PORT) {
            throw new DerpMapException("DERPPort must be 0 (443) or 1.." + MAX_PORT + ", got " + derpPort);
        }
        requireText(stunTestIp, "STUNTestIP");
    }

    /** The UDP port to STUN, or {@link #STUN_DISABLED} when STUN is off for this node. */
    public int effectiveStunPort() {
        return stunPort == 0 ? DEFAULT_STUN_PORT : stunPort;
    }

    public boolean stunEnabled() {
        return stunPort != STUN_DISABLED;
    }

    /** The DERP TLS port: {@code DERPPort}, or 443 when it is 0. */
    public int effectiveDerpPort() {
        return derpPort == 0 ? DEFAULT_DERP_PORT : derpPort;
    }

    /**
     * The node's DERP URL (SPEC §2.6): {@code https://<HostName>[:DERPPort]/derp}, the port shown only when it is
     * neither 0 nor 443. The TCP dial goes to the fixed {@link #ipv4()}/{@link #ipv6()} literal when there is one.
     */
    public String derpUrl() {
        final boolean showPort = derpPort != 0 && derpPort != DEFAULT_DERP_PORT;
        return "https://" + hostName + (showPort ? ":" + derpPort : "") + "/derp";
    }

    /** How to secure the TLS connection to this node (SPEC §5.10); never {@link TransportSecurity.PlainHttp}. */
    public TransportSecurity transportSecurity() {
        if (certName.startsWith(CERT_PIN_PREFIX)) {
            return new TransportSecurity.PinnedSha256(hostName, HexFormat.of().formatHex(parsePin(certName)));
        }
        if (!certName.isEmpty()) {
            return new TransportSecurity.VerifyName(hostName, certName);
        }
        if (insecureForTests) {
            return new TransportSecurity.InsecureSkipVerify(hostName);
        }
        return new TransportSecurity.VerifyName(hostName, hostName);
    }

    /** A test node has {@code STUNTestIP} set or {@code IPv4 == "127.0.0.1"} (SPEC §5.10). */
    public boolean isTestNode() {
        return !stunTestIp.isEmpty() || TEST_NODE_IPV4.equals(ipv4.text());
    }

    private static byte[] parsePin(final String certName) {
        final String hex = certName.substring(CERT_PIN_PREFIX.length());
        if (hex.length() != CERT_PIN_HEX_CHARS) {
            throw new DerpMapException("CertName pin needs " + CERT_PIN_HEX_CHARS + " hex digits after \""
                + CERT_PIN_PREFIX + "\", got " + hex.length() + " in " + DerpMapException.quote(certName));
        }
        for (int i = 0; i < hex.length(); i++) {
            if (IpLiteral.hexDigit(hex.charAt(i)) < 0) {
                throw new DerpMapException("CertName pin has a non-hex character at " + (CERT_PIN_PREFIX.length() + i)
                    + " in " + DerpMapException.quote(certName));
            }
        }
        return HexFormat.of().parseHex(hex);
    }

    static void requireText(final String value, final String field) {
        Objects.requireNonNull(value, field);
        if (value.length() > MAX_TEXT_CHARS) {
            throw new DerpMapException(field + " is longer than " + MAX_TEXT_CHARS + " chars: "
                + DerpMapException.quote(value));
        }
    }

    /**
     * A host name goes into a URL and the TLS SNI, so it must be a plain DNS name or IPv4 literal: letters, digits,
     * '-', '.', '_'. Anything else (':', '/', '@', spaces) could change what the URL means.
     */
    static void requireHostName(final String value, final String field) {
        Objects.requireNonNull(value, field);
        if (value.isEmpty()) {
            throw new DerpMapException(field + " is required");
        }
        if (value.length() > MAX_HOST_NAME_CHARS) {
            throw new DerpMapException(field + " is longer than " + MAX_HOST_NAME_CHARS + " chars: "
                + DerpMapException.quote(value));
        }
        for (int i = 0; i < value.length(); i++) {
            final char c = value.charAt(i);
            final boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_';
            if (!ok) {
                throw new DerpMapException(field + " must be a DNS name or IPv4 literal, got "
                    + DerpMapException.quote(value));
            }
        }
    }
}
