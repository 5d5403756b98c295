package io.derpring.runtime;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * Start-up checks of the JVM flags derpring depends on. Every entry point calls {@link #requireAgronaAccess()} first
 * ({@code NettyDerpEngine.builder()}, {@code DerpRelayServer.builder()}, the {@code DerpEngine} constructor, the
 * node connection's builder, the load generator), and no class they load builds an Agrona buffer in a static
 * initialiser, so a JVM without the flag hears about it here, once, by name: not as an {@code IllegalAccessError}
 * from Agrona's own static initialiser.
 */
public final class JvmRequirements {
    /** Agrona 2.x reaches {@code jdk.internal.misc.Unsafe}; the JDK only allows it with this flag. */
    public static final String AGRONA_FLAG = "--add-exports java.base/jdk.internal.misc=ALL-UNNAMED";

    private static volatile boolean verified;

    private JvmRequirements() {
    }

    /**
     * Verifies that Agrona's {@link UnsafeBuffer} works in this JVM.
     *
     * @throws MissingJvmFlagException naming {@link #AGRONA_FLAG} when the JVM was started without it
     */
    public static void requireAgronaAccess() {
        if (verified) {
            return;
        }
        try {
            new UnsafeBuffer(new byte[Long.BYTES]).putLong(0, 1L);
        } catch (final IllegalAccessError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new MissingJvmFlagException("derpring needs the JVM flag '" + AGRONA_FLAG
                + "' (Agrona 2.x off-heap buffers use jdk.internal.misc.Unsafe); add it to the java command line, "
                + "or to the Add-Exports manifest attribute of an executable jar", e);
        }
        verified = true;
    }

    /** The JVM lacks a flag derpring needs; the message names the flag. */
    public static final class MissingJvmFlagException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        MissingJvmFlagException(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
