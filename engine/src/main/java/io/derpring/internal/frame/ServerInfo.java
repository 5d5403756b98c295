package io.derpring.internal.frame;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON a server seals into its ServerInfo frame (SPEC §2.4, Go {@code derp.go ServerInfo}). Immutable.
 *
 * <p>Go's field names are the keys ({@code version} by tag), every field is {@code omitempty}: the current Go server
 * sends exactly {@code {"version":2}}. A non-zero token bucket asks the client to rate-limit its sends (SPEC §2.5).
 */
public final class ServerInfo {
    private final int version;
    private final long tokenBucketBytesPerSecond;
    private final long tokenBucketBytesBurst;

    public ServerInfo(final int version, final long tokenBucketBytesPerSecond, final long tokenBucketBytesBurst) {
        this.version = version;
        this.tokenBucketBytesPerSecond = tokenBucketBytesPerSecond;
        this.tokenBucketBytesBurst = tokenBucketBytesBurst;
    }

    /** What the current Go server sends: version 2, no token bucket. */
    public static ServerInfo standard() {
        return new ServerInfo(DerpProtocol.PROTOCOL_VERSION, 0, 0);
    }

    /** Go's JSON bytes for this value. */
    public byte[] toJson() {
        return GoJson.writeObject(g -> {
            if (version != 0) {
                g.writeNumberField("version", version);
            }
            if (tokenBucketBytesPerSecond != 0) {
                g.writeNumberField("TokenBucketBytesPerSecond", tokenBucketBytesPerSecond);
            }
            if (tokenBucketBytesBurst != 0) {
                g.writeNumberField("TokenBucketBytesBurst", tokenBucketBytesBurst);
            }
        });
    }

    /**
     * Parses the opened box of a ServerInfo frame: keys case-insensitive, unknown keys ignored.
     *
     * @throws DerpProtocolException {@link FrameError#SERVER_INFO_BAD_JSON} for malformed JSON or a wrong type
     */
    public static ServerInfo fromJson(final byte[] json, final int length) throws DerpProtocolException {
        try {
            final JsonNode root = GoJson.readObjectOrNull(json, length);
            if (root == null) {
                return new ServerInfo(0, 0, 0); // json.Unmarshal of null leaves the zero value
            }
            int version = 0;
            long perSecond = 0;
            long burst = 0;
            for (final Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> field = it.next();
                final String key = field.getKey();
                final JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
                }
                if (key.equalsIgnoreCase("version")) {
                    version = JsonFields.int32(value, key);
                } else if (key.equalsIgnoreCase("TokenBucketBytesPerSecond")) {
                    perSecond = JsonFields.int64(value, key);
                } else if (key.equalsIgnoreCase("TokenBucketBytesBurst")) {
                    burst = JsonFields.int64(value, key);
                }
            }
            return new ServerInfo(version, perSecond, burst);
        } catch (final IOException e) {
            throw new DerpProtocolException(FrameError.SERVER_INFO_BAD_JSON, FrameType.SERVER_INFO, length, e);
        }
    }

    public int version() {
        return version;
    }

    /** 0 = no send limiter. */
    public long tokenBucketBytesPerSecond() {
        return tokenBucketBytesPerSecond;
    }

    public long tokenBucketBytesBurst() {
        return tokenBucketBytesBurst;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof ServerInfo)) {
            return false;
        }
        final ServerInfo other = (ServerInfo) o;
        return version == other.version && tokenBucketBytesPerSecond == other.tokenBucketBytesPerSecond
            && tokenBucketBytesBurst == other.tokenBucketBytesBurst;
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, tokenBucketBytesPerSecond, tokenBucketBytesBurst);
    }

    @Override
    public String toString() {
        return "ServerInfo{version=" + version + ", tokenBucketBytesPerSecond=" + tokenBucketBytesPerSecond
            + ", tokenBucketBytesBurst=" + tokenBucketBytesBurst + "}";
    }
}
