package io.derpring.loadgen;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.derpring.server.DerpRelayServer;
import io.derpring.transport.Transport;
import io.netty.util.internal.PlatformDependent;

/**
 * The relay of an idle-memory probe ({@link IdleMemoryProbe}), in a process of its own so that its resident memory
 * is the relay's alone: the probe's 10,000 client connections live in the other process. It speaks lines on
 * stdin/stdout: on start it prints {@code idle-relay port N}; each {@code measure} line answers
 * {@code idle-relay rss=… heap=… direct=… netty=… keys=…} after two full collections (so garbage from the handshakes
 * is not counted); end of input (the probe closed it, or died) stops the relay and the process.
 */
public final class IdleRelayProcess {
    static final String PREFIX = "idle-relay ";
    static final String MEASURE = "measure";
    /** Lets the collections' freed pages settle before RSS is read. */
    static final long AFTER_GC_PAUSE_MS = 300;

    private IdleRelayProcess() {
    }

    /** Args: the transport's CLI name (io_uring, epoll, nio). */
    public static void main(final String[] args) throws Exception {
        final Transport transport = Transport.fromCliName(args[0]);
        try (DerpRelayServer relay = DerpRelayServer.builder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).transport(transport)
            .metricsAddress(null).build().start()) {
            System.out.println(PREFIX + "port " + relay.localAddress().getPort());
            System.out.flush();
            final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null) {
                if (line.trim().equals(MEASURE)) {
                    System.out.println(PREFIX + measure(relay));
                    System.out.flush();
                }
            }
        }
    }

    private static String measure(final DerpRelayServer relay) throws IOException, InterruptedException {
        System.gc();
        System.gc();
        TimeUnit.MILLISECONDS.sleep(AFTER_GC_PAUSE_MS);
        long direct = 0;
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
            if (pool.getName().equals("direct")) {
                direct = pool.getMemoryUsed();
            }
        }
        return "rss=" + rssBytes() + " heap=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
            + " direct=" + direct + " netty=" + PlatformDependent.usedDirectMemory() + " keys="
            + relay.relay().keyCount();
    }

    /** VmRSS of this process from /proc (Linux); -1 elsewhere. */
    static long rssBytes() throws IOException {
        final Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return -1;
        }
        for (final String line : Files.readAllLines(status)) {
            if (line.startsWith("VmRSS:")) {
                return 1024 * Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
