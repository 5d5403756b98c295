package io.derpring.transport;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDatagramChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty 4.2 transports derpring runs on. In 4.2 a transport is one {@link IoHandlerFactory} for a
 * {@code MultiThreadIoEventLoopGroup} plus its channel classes; everything above the channel is shared.
 * {@link #detect()} picks the best one available (io_uring, then epoll, then NIO) and logs the choice and the reason
 * any native transport is unavailable, once.
 */
public enum Transport {
    IO_URING,
    EPOLL,
    NIO;

    private static final Logger LOG = LoggerFactory.getLogger(Transport.class);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    /** True if this transport can run here (native library loaded, kernel support present). */
    public boolean isAvailable() {
        switch (this) {
            case IO_URING:
                return IoUring.isAvailable();
            case EPOLL:
                return Epoll.isAvailable();
            case NIO:
            default:
                return true;
        }
    }

    /** Why this transport can't run here, or null if it can. */
    public Throwable unavailabilityCause() {
        switch (this) {
            case IO_URING:
                return IoUring.unavailabilityCause();
            case EPOLL:
                return Epoll.unavailabilityCause();
            case NIO:
            default:
                return null;
        }
    }

    public IoHandlerFactory ioHandlerFactory() {
        switch (this) {
            case IO_URING:
                return IoUringIoHandler.newFactory();
            case EPOLL:
                return EpollIoHandler.newFactory();
            case NIO:
            default:
                return NioIoHandler.newFactory();
        }
    }

    public Class<? extends SocketChannel> socketChannel() {
        switch (this) {
            case IO_URING:
                return IoUringSocketChannel.class;
            case EPOLL:
                return EpollSocketChannel.class;
            case NIO:
            default:
                return NioSocketChannel.class;
        }
    }

    public Class<? extends ServerChannel> serverSocketChannel() {
        switch (this) {
            case IO_URING:
                return IoUringServerSocketChannel.class;
            case EPOLL:
                return EpollServerSocketChannel.class;
            case NIO:
            default:
                return NioServerSocketChannel.class;
        }
    }

    /** UDP (the relay's STUN port). */
    public Class<? extends DatagramChannel> datagramChannel() {
        switch (this) {
            case IO_URING:
                return IoUringDatagramChannel.class;
            case EPOLL:
                return EpollDatagramChannel.class;
            case NIO:
            default:
                return NioDatagramChannel.class;
        }
    }

    /** The best transport available here: io_uring, else epoll, else NIO. Logs the choice once per JVM. */
    public static Transport detect() {
        final Transport chosen = IO_URING.isAvailable() ? IO_URING : EPOLL.isAvailable() ? EPOLL : NIO;
        if (LOGGED.compareAndSet(false, true)) {
            for (final Transport t : values()) {
                if (t != NIO && !t.isAvailable()) {
                    LOG.info("transport {} unavailable: {}", t.cliName(), String.valueOf(t.unavailabilityCause()));
                }
            }
            LOG.info("transport: {}", chosen.cliName());
        }
        return chosen;
    }

    /** Every transport that can run here, best first (for tests that run on each). */
    public static List<Transport> available() {
        final List<Transport> list = new ArrayList<>();
        for (final Transport t : values()) {
            if (t.isAvailable()) {
                list.add(t);
            }
        }
        return list;
    }

    /**
     * Parses a command-line choice: {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}. A forced transport
     * that is unavailable fails with the reason, rather than silently falling back.
     */
    public static Transport fromCliName(final String name) {
        final String n = name.toLowerCase(Locale.ROOT);
        if (n.equals("auto")) {
            return detect();
        }
        for (final Transport t : values()) {
            if (t.cliName().equals(n)) {
                if (!t.isAvailable()) {
                    throw new IllegalArgumentException("transport " + n + " is not available here: "
                        + t.unavailabilityCause());
                }
                return t;
            }
        }
        throw new IllegalArgumentException("unknown transport '" + name + "': use auto, io_uring, epoll or nio");
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
