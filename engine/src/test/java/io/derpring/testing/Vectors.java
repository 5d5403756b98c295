package io.derpring.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.agrona.concurrent.UnsafeBuffer;

/** Loads the conformance vectors copied from ../shared/vectors onto the test classpath. */
public final class Vectors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private Vectors() {
    }

    /** The parsed JSON of {@code /vectors/<file>}. */
    public static JsonNode load(final String file) {
        try (InputStream in = Vectors.class.getResourceAsStream("/vectors/" + file)) {
            if (in == null) {
                throw new IllegalStateException("vector file missing from the test classpath: " + file);
            }
            return JSON.readTree(in);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] hex(final String hex) {
        return HEX.parseHex(hex);
    }

    public static byte[] hex(final JsonNode node) {
        return HEX.parseHex(node.asText());
    }

    public static String toHex(final byte[] bytes) {
        return HEX.formatHex(bytes);
    }

    /** An on-heap buffer over a copy of the bytes. */
    public static UnsafeBuffer buffer(final byte[] bytes) {
        return new UnsafeBuffer(bytes.clone());
    }
}
