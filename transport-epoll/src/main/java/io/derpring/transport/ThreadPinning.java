package io.derpring.transport;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.openhft.affinity.AffinityStrategies;
import net.openhft.affinity.AffinityThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thread pinning through OpenHFT affinity, which this module declares as an optional dependency (with JNA, which
 * affinity needs to bind a thread on Linux). An embedder that asks for pinning without those jars on its classpath
 * still gets working threads: pinning is skipped with one warning naming the missing library, and
 * {@link #status()} and {@link #unpinnedRequests()} say so.
 *
 * <p>Only the nested {@code AffinityFactory} names affinity's classes; it is loaded after both libraries were found,
 * so a missing jar never surfaces as a {@link NoClassDefFoundError} in a caller or an event loop thread.
 */
public final class ThreadPinning {
    /** Whether pinning can be applied in this JVM. */
    public enum Status {
        /** OpenHFT affinity and JNA are on the classpath: pinned threads are bound through affinity. */
        AVAILABLE,
        /** A library is missing: threads asked to be pinned run unpinned. */
        NOT_AVAILABLE
    }

    /** Loaded to learn whether OpenHFT affinity is present (net.openhft:affinity). */
    static final String AFFINITY_PROBE_CLASS = "net.openhft.affinity.AffinityThreadFactory";
    /** Loaded to learn whether JNA is present (net.java.dev.jna:jna); affinity binds Linux threads through it. */
    static final String JNA_PROBE_CLASS = "com.sun.jna.Native";
    static final String AFFINITY_LIBRARY = "OpenHFT affinity (net.openhft:affinity)";
    static final String JNA_LIBRARY = "JNA (net.java.dev.jna:jna)";

    private static final Logger LOG = LoggerFactory.getLogger(ThreadPinning.class);
    /** Null when both libraries are present; looked up once, the classpath does not change. */
    private static final String MISSING_LIBRARY = findMissingLibrary(ThreadPinning.class.getClassLoader());
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicLong UNPINNED_REQUESTS = new AtomicLong();

    private ThreadPinning() {
    }

    /** {@link Status#AVAILABLE} when OpenHFT affinity and JNA are both on the classpath. */
    public static Status status() {
        return MISSING_LIBRARY == null ? Status.AVAILABLE : Status.NOT_AVAILABLE;
    }

    /** The library whose absence makes pinning unavailable, or null when it is available. */
    public static String missingLibrary() {
        return MISSING_LIBRARY;
    }

    /** How many thread factories were asked to pin and made unpinned ones because a library was missing. */
    public static long unpinnedRequests() {
        return UNPINNED_REQUESTS.get();
    }

    /**
     * Daemon threads named after {@code name}; with {@code pin}, each bound to a core of its own where affinity can
     * (where it can't, affinity logs it and the thread runs unpinned).
     */
    public static ThreadFactory threadFactory(final String name, final boolean pin) {
        if (pin) {
            if (MISSING_LIBRARY == null) {
                try {
                    return AffinityFactory.create(name);
                } catch (final RuntimeException | LinkageError e) {
                    LOG.warn("thread pinning unavailable ({}); threads run unpinned", e.toString());
                    return new DefaultThreadFactory(name, true);
                }
            }
            UNPINNED_REQUESTS.incrementAndGet();
            if (WARNED.compareAndSet(false, true)) {
                LOG.warn("thread pinning requested but {} is not on the classpath; threads run unpinned",
                    MISSING_LIBRARY);
            }
        }
        return new DefaultThreadFactory(name, true);
    }

    static String findMissingLibrary(final ClassLoader loader) {
        if (!present(AFFINITY_PROBE_CLASS, loader)) {
            return AFFINITY_LIBRARY;
        }
        return present(JNA_PROBE_CLASS, loader) ? null : JNA_LIBRARY;
    }

    private static boolean present(final String className, final ClassLoader loader) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (final ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** The one place that names affinity's classes: loaded only once both libraries were found. */
    private static final class AffinityFactory {
        static ThreadFactory create(final String name) {
            return new AffinityThreadFactory(name, true, AffinityStrategies.DIFFERENT_CORE);
        }
    }
}
