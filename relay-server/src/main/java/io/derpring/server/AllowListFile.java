package io.derpring.server;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import io.derpring.keys.NodeKey;
import io.derpring.internal.metrics.Counters;
import io.derpring.runtime.InvalidConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allow-list of node keys (SPEC §3.8 admission), read from a text file: one {@code nodekey:<64 hex>} per line,
 * blank lines and {@code #} comments (whole-line or trailing) ignored. The file is polled for a change of
 * modification time or size on its own daemon thread, never on an event loop; a changed file is re-read and swapped
 * in whole (a volatile set, so a handshake sees either the old list or the new one). A file that fails to read or
 * parse keeps the previous list, is logged and counted ({@link ServerCounter#ALLOW_LIST_RELOAD_ERRORS}); at start
 * it is a configuration error instead. Log lines and errors name line numbers, never keys.
 */
final class AllowListFile implements Predicate<NodeKey>, AutoCloseable {
    /** derpring: how often the file's modification time is checked. */
    static final long DEFAULT_POLL_INTERVAL_NS = TimeUnit.SECONDS.toNanos(2);
    private static final Logger LOG = LoggerFactory.getLogger(AllowListFile.class);

    private final Path path;
    private final long pollIntervalNs;
    private volatile Set<NodeKey> keys;
    private Object lastSeen;
    private ScheduledExecutorService poller;
    private Counters<ServerCounter> counters;

    private AllowListFile(final Path path, final long pollIntervalNs, final Set<NodeKey> keys, final Object seen) {
        this.path = path;
        this.pollIntervalNs = pollIntervalNs;
        this.keys = keys;
        this.lastSeen = seen;
    }

    /** Reads the file now; a missing, unreadable or malformed file is an {@link InvalidConfigException}. */
    static AllowListFile load(final Path path, final long pollIntervalNs) {
        if (pollIntervalNs <= 0) {
            throw new InvalidConfigException("allowListPollIntervalNs = " + pollIntervalNs + " must be > 0");
        }
        final Object seen = stamp(path);
        try {
            return new AllowListFile(path, pollIntervalNs, read(path), seen);
        } catch (final IOException e) {
            throw new InvalidConfigException("allow-list " + path + ": " + e.getMessage());
        }
    }

    /** Parses the lines of an allow-list file. */
    static Set<NodeKey> parse(final List<String> lines, final Path source) throws AllowListFormatException {
        final Set<NodeKey> keys = new HashSet<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            final int comment = line.indexOf('#');
            if (comment >= 0) {
                line = line.substring(0, comment);
            }
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            try {
                keys.add(NodeKey.parse(line));
            } catch (final IllegalArgumentException e) { // KeyFormatException
                throw new AllowListFormatException(source, i + 1);
            }
        }
        return Set.copyOf(keys);
    }

    private static Set<NodeKey> read(final Path path) throws IOException {
        return parse(Files.readAllLines(path, UTF_8), path);
    }

    /** The file's change stamp (modification time and size), or a marker when it is missing. */
    private static Object stamp(final Path path) {
        try {
            final BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
            return List.of(a.lastModifiedTime(), a.size());
        } catch (final NoSuchFileException e) {
            return "missing";
        } catch (final IOException e) {
            return "unreadable: " + e.getMessage();
        }
    }

    /** Starts polling for changes; reloads and their errors are counted in {@code counters}. */
    synchronized void startWatching(final Counters<ServerCounter> counters) {
        if (poller != null) {
            return;
        }
        this.counters = counters;
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "derp-allow-list");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::checkForChange, pollIntervalNs, pollIntervalNs, TimeUnit.NANOSECONDS);
    }

    /** One poll: re-reads the file if its stamp changed since the last look. Poller thread (or a test). */
    synchronized void checkForChange() {
        final Object now = stamp(path);
        if (Objects.equals(now, lastSeen)) {
            return;
        }
        lastSeen = now;
        try {
            final Set<NodeKey> loaded = read(path);
            keys = loaded;
            counters.increment(ServerCounter.ALLOW_LIST_RELOADS);
            LOG.info("allow-list {} reloaded: {} keys", path, loaded.size());
        } catch (final IOException | RuntimeException e) {
            counters.increment(ServerCounter.ALLOW_LIST_RELOAD_ERRORS);
            LOG.warn("allow-list {} not reloaded, keeping the previous {} keys: {}", path, keys.size(), e.getMessage());
        }
    }

    /** True when {@code key} is on the current list. Any thread. */
    @Override
    public boolean test(final NodeKey key) {
        return keys.contains(key);
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }

    /** A line that is not a node key; names the file and line, never the text (it may be a private key pasted by mistake). */
    static final class AllowListFormatException extends IOException {
        private static final long serialVersionUID = 1L;

        AllowListFormatException(final Path source, final int line) {
            super(source + " line " + line + ": not a nodekey:<64 hex digits> entry");
        }
    }
}
