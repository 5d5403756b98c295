package io.derpring.transport.internal.client;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import io.derpring.derpmap.AddressMode;
import io.derpring.derpmap.DerpNode;
import io.derpring.derpmap.NodeAddress;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;

/**
 * Dials one DERP node (SPEC §2.6, derphttp_client.go dialNode): the node's {@code IPv6} and {@code IPv4} each give
 * a fixed literal (no DNS), "use DNS" (resolve {@code HostName} for that family) or disabled ({@code "none"}). Every
 * usable family is dialed at once, IPv6 first, and the first connection to succeed wins; the others are closed.
 * When one fails the race simply goes on with the other (that is the fallback); the dial fails only when all did.
 *
 * <p>DNS lookups are blocking JDK calls, so they run on {@code dnsExecutor}, never on the event loop; everything else
 * (the connects and their callbacks) runs on the connection's loop. Once per connection: may allocate.
 */
final class NodeDialer {
    private final Bootstrap bootstrap;
    private final EventLoop loop;
    private final Executor dnsExecutor;
    private final List<ChannelFuture> attempts = new ArrayList<>(2);
    private Consumer<Channel> onConnected;
    private Consumer<DerpConnectionException> onFailed;
    private boolean finished;
    private int failures;
    private Throwable firstFailure;

    NodeDialer(final Bootstrap bootstrap, final EventLoop loop, final Executor dnsExecutor) {
        this.bootstrap = bootstrap;
        this.loop = loop;
        this.dnsExecutor = dnsExecutor;
    }

    /** Loop: starts the dial; exactly one of the callbacks runs later, on the loop (unless {@link #cancel()}). */
    void dial(final DerpNode node, final int port, final Consumer<Channel> onConnected,
              final Consumer<DerpConnectionException> onFailed) {
        this.onConnected = onConnected;
        this.onFailed = onFailed;
        final NodeAddress v6 = node.ipv6();
        final NodeAddress v4 = node.ipv4();
        if (v6.mode() == AddressMode.DISABLED && v4.mode() == AddressMode.DISABLED) {
            finish(new DerpConnectionException(DerpConnectionException.Failure.NO_ADDRESS,
                "both IPv4 and IPv6 are explicitly disabled for DERP node " + node.name()));
            return;
        }
        if (v6.mode() != AddressMode.USE_DNS && v4.mode() != AddressMode.USE_DNS) {
            race(targets(null, v6, v4, port));
            return;
        }
        dnsExecutor.execute(() -> {
            InetAddress[] resolved;
            Throwable dnsError = null;
            try {
                resolved = InetAddress.getAllByName(node.hostName());
            } catch (final UnknownHostException | SecurityException e) {
                resolved = new InetAddress[0];
                dnsError = e;
            }
            final InetAddress[] found = resolved;
            final Throwable error = dnsError;
            loop.execute(() -> {
                if (error != null) {
                    firstFailure = error;
                }
                race(targets(found, v6, v4, port));
            });
        });
    }

    /** Loop: abandons the dial; any connection that still succeeds is closed. */
    void cancel() {
        finished = true;
        for (final ChannelFuture attempt : attempts) {
            attempt.channel().close();
        }
    }

    /** IPv6 first (RFC 8305 order), then IPv4; each a literal, the first DNS answer of its family, or nothing. */
    private static List<InetSocketAddress> targets(final InetAddress[] resolved, final NodeAddress v6,
                                                   final NodeAddress v4, final int port) {
        final List<InetSocketAddress> targets = new ArrayList<>(2);
        add(targets, v6, resolved, Inet6Address.class, port);
        add(targets, v4, resolved, Inet4Address.class, port);
        return targets;
    }

    private static void add(final List<InetSocketAddress> targets, final NodeAddress family,
                            final InetAddress[] resolved, final Class<? extends InetAddress> type, final int port) {
        if (family.mode() == AddressMode.FIXED) {
            targets.add(new InetSocketAddress(family.address(), port));
        } else if (family.mode() == AddressMode.USE_DNS && resolved != null) {
            for (final InetAddress a : resolved) {
                if (type.isInstance(a)) {
                    targets.add(new InetSocketAddress(a, port));
                    return;
                }
            }
        }
    }

    private void race(final List<InetSocketAddress> targets) {
        if (finished) {
            return;
        }
        if (targets.isEmpty()) {
            finish(new DerpConnectionException(DerpConnectionException.Failure.NO_ADDRESS,
                "no address to dial (DNS gave none for the enabled families)", firstFailure));
            return;
        }
        final int total = targets.size();
        for (final InetSocketAddress target : targets) {
            final ChannelFuture attempt = bootstrap.connect(target);
            attempts.add(attempt);
            attempt.addListener(f -> onAttempt((ChannelFuture) f, target, total));
        }
    }

    private void onAttempt(final ChannelFuture attempt, final InetSocketAddress target, final int total) {
        if (attempt.isSuccess()) {
            if (finished) {
                attempt.channel().close();
                return;
            }
            finished = true;
            for (final ChannelFuture other : attempts) {
                if (other != attempt) {
                    other.channel().close();
                }
            }
            onConnected.accept(attempt.channel());
            return;
        }
        failures++;
        if (firstFailure == null) {
            firstFailure = attempt.cause();
        } else if (attempt.cause() != null && attempt.cause() != firstFailure) {
            firstFailure.addSuppressed(attempt.cause());
        }
        if (!finished && failures == total) {
            finish(new DerpConnectionException(DerpConnectionException.Failure.DIAL_FAILED,
                "could not connect to " + (total == 1 ? target : total + " addresses") + ": "
                    + (firstFailure == null ? "cancelled" : firstFailure.getMessage()), firstFailure));
        }
    }

    private void finish(final DerpConnectionException failure) {
        finished = true;
        onFailed.accept(failure);
    }
}
