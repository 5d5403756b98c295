package io.derpring.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.derpring.keys.KeyFormatException;
import io.derpring.keys.NodePrivateKey;
import io.derpring.runtime.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's private key in derper's {@code -c} config file ({@code cmd/derper} {@code loadConfig} /
 * {@code writeNewConfig}): a JSON object {@code {"PrivateKey":"privkey:<64 hex>"}}, so a key file moves between derper
 * and derpring either way. A missing file is created with a fresh key, owner-only (0600) from its first byte on disk:
 * it is written to a temporary file created with that mode, synced, then linked into place, which fails rather than
 * replace a file another process created meanwhile. An existing file that cannot be read or parsed is an
 * {@link InvalidConfigException} naming the file and never replaced: a relay that silently changed its key would
 * strand every client that pinned the old one. Messages name the file and what is wrong, never its content.
 */
final class ServerKeyFile {
    /** derper's field name ({@code config.PrivateKey}). */
    static final String PRIVATE_KEY_FIELD = "PrivateKey";
    /** A key file is about 90 bytes; anything much larger is not one, and is not read whole into memory. */
    static final int MAX_FILE_BYTES = 4096;
    static final Set<PosixFilePermission> OWNER_READ_WRITE = PosixFilePermissions.fromString("rw-------");
    private static final Logger LOG = LoggerFactory.getLogger(ServerKeyFile.class);
    private static final ObjectMapper JSON = JsonMapper.builder()
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .build();

    private ServerKeyFile() {
    }

    /** The key in {@code file}, or a new one written there when the file does not exist. */
    static NodePrivateKey loadOrCreate(final Path file) {
        try {
            return load(file);
        } catch (final NoSuchFileException missing) {
            return create(file);
        } catch (final IOException e) {
            throw unreadable(file, e);
        }
    }

    private static NodePrivateKey load(final Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw corrupt(file, "is not a regular file");
        }
        final byte[] bytes;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            if (ch.size() > MAX_FILE_BYTES) {
                throw corrupt(file, "is " + ch.size() + " bytes, more than a key file's " + MAX_FILE_BYTES);
            }
            final ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read it whole
            }
            bytes = buf.array();
        }
        warnIfOthersMayRead(file);
        return parse(file, bytes);
    }

    /** Go's {@code json.Unmarshal} into derper's config: the field name matches case-insensitively. */
    static NodePrivateKey parse(final Path file, final byte[] bytes) {
        final JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (final JsonProcessingException e) {
            // Jackson's own message quotes the offending text, which may be key material: only its position is kept.
            throw corrupt(file, "is not valid JSON (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")");
        } catch (final IOException e) {
            throw unreadable(file, e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "is not a JSON object {\"" + PRIVATE_KEY_FIELD + "\":\"privkey:<64 hex>\"}");
        }
        final JsonNode value = field(root);
        if (value == null) {
            throw corrupt(file, "has no \"" + PRIVATE_KEY_FIELD + "\"");
        }
        if (!value.isTextual()) {
            throw corrupt(file, "\"" + PRIVATE_KEY_FIELD + "\" is not a string");
        }
        try {
            return NodePrivateKey.parse(value.textValue());
        } catch (final KeyFormatException e) {
            throw corrupt(file, "\"" + PRIVATE_KEY_FIELD + "\": " + e.getMessage()); // the message never echoes the key
        }
    }

    private static JsonNode field(final JsonNode root) {
        final JsonNode exact = root.get(PRIVATE_KEY_FIELD);
        if (exact != null) {
            return exact;
        }
        for (final Map.Entry<String, JsonNode> e : root.properties()) {
            if (e.getKey().equalsIgnoreCase(PRIVATE_KEY_FIELD)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** derper's layout ({@code json.MarshalIndent(cfg, "", "\t")}), so the two write the same bytes. */
    static byte[] render(final NodePrivateKey key) {
        return ("{\n\t\"" + PRIVATE_KEY_FIELD + "\": \"" + key.toText() + "\"\n}").getBytes(UTF_8);
    }

    private static NodePrivateKey create(final Path file) {
        final NodePrivateKey key = NodePrivateKey.generate();
        final Path dir = file.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            final FileAttribute<Set<PosixFilePermission>> ownerOnly = PosixFilePermissions.asFileAttribute(OWNER_READ_WRITE);
            temp = Files.createTempFile(dir, ".derpring-key-", ".tmp", ownerOnly); // 0600 from creation on
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                final ByteBuffer buf = ByteBuffer.wrap(render(key));
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.createLink(file, temp); // unlike a rename, fails when the name exists: never replaces a key
            LOG.info("created server key file {}", file);
            return key;
        } catch (final FileAlreadyExistsException raced) {
            return loadOrCreate(file); // another process wrote it first: use that key
        } catch (final UnsupportedOperationException e) {
            throw new InvalidConfigException("key file " + file + ": cannot create it owner-only here (" + e.getMessage()
                + "); create it yourself");
        } catch (final IOException e) {
            throw new InvalidConfigException("key file " + file + ": cannot create it: " + e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (final IOException e) {
                    LOG.warn("could not remove temporary file {}: {}", temp, e.toString());
                }
            }
        }
    }

    private static void warnIfOthersMayRead(final Path file) {
        try {
            final Set<PosixFilePermission> p = Files.getPosixFilePermissions(file);
            if (p.contains(PosixFilePermission.GROUP_READ) || p.contains(PosixFilePermission.OTHERS_READ)) {
                LOG.warn("key file {} is readable by others ({}): chmod 600 it", file, PosixFilePermissions.toString(p));
            }
        } catch (final IOException | UnsupportedOperationException e) {
            // Not a POSIX file system, or the file went away after it was read: nothing to warn about.
        }
    }

    private static InvalidConfigException corrupt(final Path file, final String what) {
        return new InvalidConfigException("key file " + file + " " + what + "; fix or remove it (a new key would change "
            + "this relay's identity)");
    }

    private static InvalidConfigException unreadable(final Path file, final IOException e) {
        return new InvalidConfigException("key file " + file + " cannot be read: " + e);
    }
}
