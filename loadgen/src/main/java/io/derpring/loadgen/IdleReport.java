package io.derpring.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * The outcome of {@code loadgen --idle-connections N} ({@link IdleMemoryProbe}): the relay's memory before and after
 * N idle connections, and per connection. Heap and direct figures are known only for the probe's own child relay
 * (after a full collection); -1 where not known.
 *
 * @param allConnected every connection was still up when the relay was measured
 */
public record IdleReport(int connections, String transport, boolean tls, String jdk, String relay,
                         IdleMemoryProbe.Sample before, IdleMemoryProbe.Sample after, boolean allConnected) {
    /** Bytes per connection of a before/after pair, or -1 when either is unknown. */
    static long perConnection(final long before, final long after, final int connections) {
        return before < 0 || after < 0 ? -1 : Math.round((after - before) / (double) connections);
    }

    public long rssBytesPerConnection() {
        return perConnection(before.rss(), after.rss(), connections);
    }

    /** True when every connection was up and the relay (where it says) held every key. */
    public boolean ok() {
        return allConnected && (after.keys() < 0 || after.keys() - Math.max(0, before.keys()) == connections);
    }

    public int exitStatus() {
        return ok() ? 0 : LoadReport.EXIT_INTEGRITY_FAILURE;
    }

    public Map<String, Object> toJsonMap() {
        final Map<String, Object> m = new LinkedHashMap<>();
        m.put("idle_connections", connections);
        m.put("idle_rss_bytes_per_conn", rssBytesPerConnection());
        m.put("idle_heap_bytes_per_conn", perConnection(before.heap(), after.heap(), connections));
        m.put("idle_direct_bytes_per_conn", perConnection(before.direct(), after.direct(), connections));
        m.put("idle_netty_direct_bytes_per_conn", perConnection(before.nettyDirect(), after.nettyDirect(),
            connections));
        m.put("idle_rss_before_bytes", before.rss());
        m.put("idle_rss_after_bytes", after.rss());
        m.put("idle_relay_keys", after.keys());
        m.put("idle_all_connected", allConnected);
        m.put("transport", transport);
        m.put("tls", tls);
        m.put("jdk", jdk);
        m.put("relay", relay);
        m.put("ok", ok());
        return m;
    }

    public void writeJson(final Path file) throws IOException {
        final Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), toJsonMap());
    }

    public String toText() {
        final Map<String, Object> m = toJsonMap();
        return String.format(Locale.ROOT, "derpring loadgen --idle-connections: %,d idle connections, %s%s, relay %s%n"
                + "  rss         %,d -> %,d bytes: %,d bytes (%.2f KiB) per connection%n"
                + "  of which    heap %,d, direct %,d (netty %,d) bytes per connection (-1: unknown)%n"
                + "  relay keys  %,d%n  jdk         %s%n  result      %s%n", connections, transport, tls ? " TLS" : "",
            HtmlReport.text(relay), before.rss(), after.rss(), rssBytesPerConnection(),
            rssBytesPerConnection() / 1024.0, m.get("idle_heap_bytes_per_conn"), m.get("idle_direct_bytes_per_conn"),
            m.get("idle_netty_direct_bytes_per_conn"), after.keys(), jdk,
            ok() ? "OK: every connection up and held by the relay" : "FAILED: connections missing");
    }
}
