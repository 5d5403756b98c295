package io.derpring.internal.frame;

import java.io.IOException;

import com.fasterxml.jackson.databind.JsonNode;

/** Go's {@code json.Unmarshal} type rules for the handshake fields: a mismatched JSON type is an error. */
final class JsonFields {
    private JsonFields() {
    }

    static String string(final JsonNode value, final String key) throws IOException {
        if (!value.isTextual()) {
            throw new IOException("field " + key + " is not a string");
        }
        return value.textValue();
    }

    static boolean bool(final JsonNode value, final String key) throws IOException {
        if (!value.isBoolean()) {
            throw new IOException("field " + key + " is not a boolean");
        }
        return value.booleanValue();
    }

    /** Go {@code int} is 64-bit; a fraction or exponent that is not an integer is an error, as in Go. */
    static long int64(final JsonNode value, final String key) throws IOException {
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IOException("field " + key + " is not a 64-bit integer");
        }
        return value.longValue();
    }

    static int int32(final JsonNode value, final String key) throws IOException {
        final long v = int64(value, key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IOException("field " + key + " is out of range: " + v);
        }
        return (int) v;
    }
}
