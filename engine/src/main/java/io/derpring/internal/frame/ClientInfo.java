package io.derpring.internal.frame;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import io.derpring.keys.KeyFormatException;
import io.derpring.keys.MeshKey;

/**
 * The JSON a client seals into its ClientInfo frame (SPEC §2.3, Go {@code derp_client.go ClientInfo}). Immutable.
 *
 * <p>Encoding reproduces Go's bytes exactly: keys and order come from Go's struct tags ({@code meshKey} only when
 * set, {@code version} unless 0, {@code CanAckPings} always, {@code IsProber} only when true, {@code AppName} only
 * when non-empty), e.g. {@code {"version":2,"CanAckPings":true}}. Decoding follows {@code json.Unmarshal}: keys
 * match case-insensitively, unknown keys are ignored, a missing {@code version} is 0, {@code null} leaves a field
 * at its default.
 */
public final class ClientInfo {
    private final MeshKey meshKey;
    private final int version;
    private final boolean canAckPings;
    private final boolean isProber;
    private final String appName;

    public ClientInfo(final MeshKey meshKey, final int version, final boolean canAckPings, final boolean isProber,
                      final String appName) {
        this.meshKey = meshKey;
        this.version = version;
        this.canAckPings = canAckPings;
        this.isProber = isProber;
        this.appName = appName == null ? "" : appName;
    }

    /** What derpring's client sends, as magicsock does: version 2, {@code CanAckPings:true}. */
    public static ClientInfo standard() {
        return new ClientInfo(null, DerpProtocol.PROTOCOL_VERSION, true, false, "");
    }

    /** Go's JSON bytes for this value. */
    public byte[] toJson() {
        return GoJson.writeObject(g -> {
            if (meshKey != null) {
                g.writeStringField("meshKey", meshKey.toHexText());
            }
            if (version != 0) {
                g.writeNumberField("version", version);
            }
            g.writeBooleanField("CanAckPings", canAckPings);
            if (isProber) {
                g.writeBooleanField("IsProber", true);
            }
            if (!appName.isEmpty()) {
                g.writeStringField("AppName", appName);
            }
        });
    }

    /**
     * Parses the opened box of a ClientInfo frame.
     *
     * @throws DerpProtocolException {@link FrameError#CLIENT_INFO_BAD_JSON} for malformed JSON, a non-object, a
     *                               field of the wrong type or a mesh key that is not 64 hex digits
     */
    public static ClientInfo fromJson(final byte[] json, final int length) throws DerpProtocolException {
        try {
            final JsonNode root = GoJson.readObjectOrNull(json, length);
            if (root == null) {
                return new ClientInfo(null, 0, false, false, ""); // json.Unmarshal of null leaves the zero value
            }
            MeshKey meshKey = null;
            int version = 0;
            boolean canAckPings = false;
            boolean isProber = false;
            String appName = "";
            for (final Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
                final Map.Entry<String, JsonNode> field = it.next();
                final String key = field.getKey();
                final JsonNode value = field.getValue();
                if (value.isNull()) {
                    continue;
                }
                if (key.equalsIgnoreCase("meshKey")) {
                    meshKey = MeshKey.parse(JsonFields.string(value, key));
                } else if (key.equalsIgnoreCase("version")) {
                    version = JsonFields.int32(value, key);
                } else if (key.equalsIgnoreCase("CanAckPings")) {
                    canAckPings = JsonFields.bool(value, key);
                } else if (key.equalsIgnoreCase("IsProber")) {
                    isProber = JsonFields.bool(value, key);
                } else if (key.equalsIgnoreCase("AppName")) {
                    appName = JsonFields.string(value, key);
                }
            }
            return new ClientInfo(meshKey, version, canAckPings, isProber, appName);
        } catch (final IOException | KeyFormatException e) {
            throw new DerpProtocolException(FrameError.CLIENT_INFO_BAD_JSON, FrameType.CLIENT_INFO, length, e);
        }
    }

    /** The mesh key, or null when the client presented none. */
    public MeshKey meshKey() {
        return meshKey;
    }

    public int version() {
        return version;
    }

    public boolean canAckPings() {
        return canAckPings;
    }

    public boolean isProber() {
        return isProber;
    }

    /** Empty when not set. */
    public String appName() {
        return appName;
    }

    @Override
    public boolean equals(final Object o) {
        if (!(o instanceof ClientInfo)) {
            return false;
        }
        final ClientInfo other = (ClientInfo) o;
        return Objects.equals(meshKey, other.meshKey) && version == other.version && canAckPings == other.canAckPings
            && isProber == other.isProber && appName.equals(other.appName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(meshKey, version, canAckPings, isProber, appName);
    }

    /** Never the mesh key: it is a shared secret. */
    @Override
    public String toString() {
        return "ClientInfo{mesh=" + (meshKey != null) + ", version=" + version + ", canAckPings=" + canAckPings
            + ", isProber=" + isProber + ", appName='" + appName + "'}";
    }
}
