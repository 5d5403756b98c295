package io.derpring.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import io.derpring.keys.MeshKey;
import io.derpring.runtime.InvalidConfigException;

/**
 * Where derper finds the mesh key: {@code --mesh-psk-file} (64 lowercase hex digits, surrounding whitespace trimmed),
 * else the {@code TAILSCALE_DERPER_MESH_KEY} environment variable. Errors never echo the key.
 */
final class MeshKeyText {
    /** derper's environment variable (cmd/derper {@code meshKeyEnv}). */
    static final String ENV = "TAILSCALE_DERPER_MESH_KEY";
    /** A mesh PSK file is a few dozen bytes; anything far larger is not one (and is not read into memory). */
    static final long MAX_FILE_BYTES = 4096;
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");

    private MeshKeyText() {
    }

    /** The configured key, or null when neither the file nor the variable is set. */
    static MeshKey load(final Path file, final Map<String, String> env) {
        if (file != null) {
            return parse(read(file), "--mesh-psk-file " + file);
        }
        final String v = env.get(ENV);
        return v == null || v.isBlank() ? null : parse(v, ENV);
    }

    private static String read(final Path file) {
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new InvalidConfigException("--mesh-psk-file " + file + " is larger than " + MAX_FILE_BYTES
                    + " bytes: not a mesh key");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new InvalidConfigException("cannot read --mesh-psk-file " + file + ": " + e.getMessage());
        }
    }

    private static MeshKey parse(final String text, final String where) {
        final String t = text.strip();
        if (!KEY.matcher(t).matches()) {
            throw new InvalidConfigException(where + " must hold 64 lowercase hex digits (got " + t.length()
                + " characters)");
        }
        return MeshKey.parse(t);
    }
}
