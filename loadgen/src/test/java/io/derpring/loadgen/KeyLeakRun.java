package io.derpring.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Function;

import io.derpring.keys.DiscoPrivateKey;
import io.derpring.keys.MeshKey;
import io.derpring.keys.NodePrivateKey;
import org.slf4j.LoggerFactory;

/**
 * The process that {@link RunOutputLeaksNoKeyTest} watches: a short loadgen run (embedded relay, 2 pairs) whose
 * every key comes from a {@link RunKeys} that appends each key it hands out to a file, so that the test can search
 * everything this process printed for them. {@code plant} mode instead logs one key at TRACE, to prove the capture
 * and the scan together catch a leak.
 *
 * <p>Usage: {@code KeyLeakRun raw|engine|plant <keys file>}
 */
final class KeyLeakRun {
    static final Duration MEASURED = Duration.ofSeconds(2);

    private KeyLeakRun() {
    }

    public static void main(final String[] args) throws Exception {
        final Path keysFile = Path.of(args[1]);
        final RecordingKeys keys = new RecordingKeys(keysFile);
        if (args[0].equals("plant")) {
            LoggerFactory.getLogger(KeyLeakRun.class).trace("planted leak: {}", keys.nodeKey().toText());
            return;
        }
        final ClientKind client = args[0].equals("engine") ? ClientKind.ENGINE : ClientKind.RAW;
        final LoadOptions options = LoadOptions.builder().pairs(2).duration(MEASURED).warmup(Duration.ofMillis(300))
            .client(client).progress(true).build();
        final LoadReport report = new LoadGenerator(options, keys).run(System.err);
        System.out.print(report.toText());
        System.exit(report.exitStatus());
    }

    /** Fresh random keys, each written to the keys file ("kind hex" per line) before it is handed out. */
    private static final class RecordingKeys implements RunKeys {
        private final Path file;
        private final SecureRandom random = new SecureRandom();

        RecordingKeys(final Path file) {
            this.file = file;
        }

        @Override
        public NodePrivateKey nodeKey() {
            return record("node", NodePrivateKey.generate().toBytes(), NodePrivateKey::fromBytes);
        }

        @Override
        public DiscoPrivateKey discoKey() {
            return record("disco", DiscoPrivateKey.generate().toBytes(), DiscoPrivateKey::fromBytes);
        }

        @Override
        public MeshKey meshKey() {
            final byte[] raw = new byte[32];
            random.nextBytes(raw);
            return record("mesh", raw, b -> MeshKey.parse(HexFormat.of().formatHex(b)));
        }

        private <K> K record(final String kind, final byte[] raw, final Function<byte[], K> make) {
            try {
                Files.writeString(file, kind + " " + HexFormat.of().formatHex(raw) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (final IOException e) {
                throw new IllegalStateException("cannot record a key for the leak scan", e);
            }
            return make.apply(raw);
        }
    }
}
