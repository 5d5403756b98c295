package io.derpring.internal.frame;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON as Go's {@code encoding/json} writes and reads it, for the two handshake payloads (SPEC §2.3, §2.4): compact
 * output, fields in the order the caller writes them, and Go's string escaping ({@code <}, {@code >}, {@code &},
 * U+2028 and U+2029 as lower-case hex escapes), so derpring's bytes equal Go's. Reading rejects trailing
 * data as {@code json.Unmarshal} does. Handshake only, never the hot path.
 */
final class GoJson {
    private static final JsonFactory FACTORY = new JsonFactoryBuilder()
        .characterEscapes(new GoEscapes())
        .build();
    private static final ObjectMapper READER = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    private GoJson() {
    }

    /** Writes one object with the fields {@code body} emits. */
    static byte[] writeObject(final ObjectBody body) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            body.write(g);
            g.writeEndObject();
        } catch (final IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
        return out.toByteArray();
    }

    /** Parses a whole document; throws on malformed JSON or trailing data. */
    static JsonNode read(final byte[] json, final int length) throws IOException {
        return READER.readTree(READER.getFactory().createParser(json, 0, length));
    }

    @FunctionalInterface
    interface ObjectBody {
        void write(JsonGenerator g) throws IOException;
    }

    /**
     * Parses a document that must be a JSON object, as {@code json.Unmarshal} into a struct does: returns the
     * object, or null for a literal {@code null} (Go leaves the zero value); throws for empty input, malformed JSON
     * or any other value.
     */
    static JsonNode readObjectOrNull(final byte[] json, final int length) throws IOException {
        final JsonNode root = read(json, length);
        if (root == null || root.isMissingNode()) {
            throw new IOException("unexpected end of JSON input");
        }
        if (root.isNull()) {
            return null;
        }
        if (!root.isObject()) {
            throw new IOException("not a JSON object");
        }
        return root;
    }

    /** Go's encodeState.string: HTML-safe escaping with lower-case hex. */
    private static final class GoEscapes extends CharacterEscapes {
        private static final long serialVersionUID = 1L;
        private final int[] table = standardAsciiEscapesForJSON();

        GoEscapes() {
            table['<'] = ESCAPE_CUSTOM;
            table['>'] = ESCAPE_CUSTOM;
            table['&'] = ESCAPE_CUSTOM;
            for (int c = 0; c < 0x20; c++) {
                if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
                    table[c] = ESCAPE_CUSTOM;
                }
            }
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return table;
        }

        @Override
        public SerializableString getEscapeSequence(final int ch) {
            if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
