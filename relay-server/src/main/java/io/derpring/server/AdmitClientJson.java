package io.derpring.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.derpring.keys.NodeKey;

/**
 * The admission webhook's JSON, tailcfg's {@code DERPAdmitClientRequest} and {@code DERPAdmitClientResponse}, as
 * Go's {@code encoding/json} writes and reads them. Handshake only.
 */
final class AdmitClientJson {
    /** How the controller's body reads. */
    enum Answer { ALLOW, DENY, MALFORMED }

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();
    private static final String ALLOW_FIELD = "Allow";

    private AdmitClientJson() {
    }

    /**
     * {@code {"NodePublic":"nodekey:<hex>","Source":"<ip>"}}: Go's field order, compact, the key in its text form and
     * the source as {@code netip.Addr} marshals ({@link NetipText}).
     */
    static byte[] request(final NodeKey key, final InetAddress source) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("NodePublic", key.toString());
            g.writeStringField("Source", NetipText.of(source));
            g.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads the answer as Go's {@code json.NewDecoder(...).Decode(&DERPAdmitClientResponse)} does: the first JSON
     * value only (what follows it is not read); keys match case-insensitively, unknown keys are ignored, {@code null}
     * (whole or the field) leaves {@code Allow} false; an empty or cut body, a non-object or a non-boolean
     * {@code Allow} is an error.
     */
    static Answer answer(final byte[] body, final int length) {
        final JsonNode root;
        try (JsonParser p = FACTORY.createParser(body, 0, length)) {
            root = MAPPER.readTree(p);
        } catch (final IOException e) {
            return Answer.MALFORMED;
        }
        if (root == null || root.isMissingNode()) {
            return Answer.MALFORMED; // Go: EOF
        }
        if (root.isNull()) {
            return Answer.DENY;
        }
        if (!root.isObject()) {
            return Answer.MALFORMED;
        }
        boolean allow = false;
        for (final Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> field = it.next();
            if (!field.getKey().equalsIgnoreCase(ALLOW_FIELD) || field.getValue().isNull()) {
                continue;
            }
            if (!field.getValue().isBoolean()) {
                return Answer.MALFORMED; // Go: UnmarshalTypeError
            }
            allow = field.getValue().booleanValue();
        }
        return allow ? Answer.ALLOW : Answer.DENY;
    }
}
