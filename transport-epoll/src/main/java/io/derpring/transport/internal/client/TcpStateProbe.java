package io.derpring.transport.internal.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.uring.IoUringTcpInfo;

/**
 * Asks the kernel (TCP_INFO) whether an io_uring channel's connection is already over. Netty 4.2.18's io_uring
 * transport can miss a peer's reset or FIN under load: a read ends its loop on "socket empty" after the hang-up was
 * seen, and its multishot POLLIN poll never reports the dead socket again, so the channel stays active and silent
 * (perf-results/2026-11-30-iouring-reset). epoll and NIO always report it, so only io_uring channels are asked.
 * One instance per connection, used on its event loop only; the TCP_INFO holder is allocated on first use.
 */
final class TcpStateProbe {
    /** Linux {@code TCP_CLOSE}: reset, or fully closed. */
    static final int TCP_CLOSE = 7;
    /** Linux {@code TCP_CLOSE_WAIT}: the peer sent FIN. */
    static final int TCP_CLOSE_WAIT = 8;

    private IoUringTcpInfo info;

    /** True if {@code channel} is an open io_uring socket whose TCP connection the peer has reset or ended. */
    boolean peerEnded(final Channel channel) {
        if (!(channel instanceof IoUringSocketChannel) || !channel.isOpen()) {
            return false;
        }
        if (info == null) {
            info = new IoUringTcpInfo();
        }
        try {
            final int state = ((IoUringSocketChannel) channel).tcpInfo(info).state();
            return state == TCP_CLOSE || state == TCP_CLOSE_WAIT;
        } catch (final ChannelException e) {
            return true; // getsockopt failed on an open channel: the socket is unusable
        }
    }
}
