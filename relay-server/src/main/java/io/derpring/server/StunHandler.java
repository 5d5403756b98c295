package io.derpring.server;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import io.derpring.internal.stun.BindingResponse;
import io.derpring.internal.stun.StunCounter;
import io.derpring.internal.stun.StunResponder;
import io.derpring.internal.stun.XorMappedAddressFlyweight;
import io.derpring.transport.internal.ByteBufViews;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The STUN socket's one handler: views each datagram in place, lets {@link StunResponder} decide, and sends the
 * answer, if any, back to the sender. Answers are flushed once per read batch. Never closes the socket: a bad
 * datagram or a failed send is counted and the next datagram served.
 *
 * <p>Allocation: Netty hands each datagram over in a {@link DatagramPacket} with a fresh sender address, and the
 * sender's address bytes are one small copy; parsing and answering allocate nothing more, and an answer is one pooled
 * buffer of at most {@link BindingResponse#MAX_LENGTH} bytes.
 */
final class StunHandler extends ChannelInboundHandlerAdapter {
    /** {@code ::ffff:} is 10 zero bytes and two 0xff bytes. */
    private static final int MAPPED_PREFIX_LENGTH = 12;
    private final StunResponder responder;
    private final NanoClock clock;
    private final UnsafeBuffer datagram = new UnsafeBuffer(0, 0);
    /** For the rare datagram whose buffer has no flat memory to view (never seen from a socket read). */
    private final byte[] copy = new byte[StunServer.MAX_DATAGRAM_BYTES];
    private final UnsafeBuffer answer = new UnsafeBuffer(new byte[BindingResponse.MAX_LENGTH]);
    /** An IPv4 source as an IPv4-mapped IPv6 address, {@code ::ffff:a.b.c.d}: bytes 10 and 11 stay 0xff. */
    private final byte[] mapped = new byte[XorMappedAddressFlyweight.IPV6_LENGTH];
    private boolean answerIpv4AsMapped;

    StunHandler(final StunResponder responder, final NanoClock clock) {
        this.responder = responder;
        this.clock = clock;
        mapped[MAPPED_PREFIX_LENGTH - 2] = (byte) 0xff;
        mapped[MAPPED_PREFIX_LENGTH - 1] = (byte) 0xff;
    }

    /**
     * On a dual-stack socket (bound to the IPv6 wildcard) Go reads an IPv4 sender as {@code ::ffff:a.b.c.d} and
     * answers with that IPv6 form; Java hands us a plain IPv4 address instead, so the mapping is redone here to keep
     * Go's bytes. Decided on the loop once the socket is bound, before its first read.
     */
    @Override
    public void channelActive(final ChannelHandlerContext ctx) {
        final InetAddress local = ((InetSocketAddress) ctx.channel().localAddress()).getAddress();
        answerIpv4AsMapped = local instanceof Inet6Address && local.isAnyLocalAddress();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg) {
        final DatagramPacket packet = (DatagramPacket) msg;
        try {
            final ByteBuf content = packet.content();
            if (!ByteBufViews.wrapReadable(datagram, content)) {
                final int n = Math.min(content.readableBytes(), copy.length);
                content.getBytes(content.readerIndex(), copy, 0, n);
                datagram.wrap(copy, 0, n);
            }
            final InetSocketAddress sender = packet.sender();
            final int n = responder.onDatagram(datagram, 0, datagram.capacity(), source(sender.getAddress()),
                sender.getPort(), clock.nanoTime(), answer, 0);
            if (n != StunResponder.NO_ANSWER) {
                send(ctx, sender, n);
            }
        } finally {
            packet.release();
        }
    }

    private byte[] source(final InetAddress address) {
        final byte[] bytes = address.getAddress();
        if (!answerIpv4AsMapped || bytes.length != XorMappedAddressFlyweight.IPV4_LENGTH) {
            return bytes;
        }
        System.arraycopy(bytes, 0, mapped, MAPPED_PREFIX_LENGTH, bytes.length);
        return mapped;
    }

    private void send(final ChannelHandlerContext ctx, final InetSocketAddress to, final int length) {
        // A full send buffer under a flood: drop the answer rather than queue without bound.
        if (!ctx.channel().isWritable()) {
            responder.counters().incrementOwned(StunCounter.SEND_DROPPED);
            return;
        }
        final ByteBuf reply = ctx.alloc().directBuffer(length);
        reply.writeBytes(answer.byteArray(), 0, length);
        ctx.write(new DatagramPacket(reply, to), ctx.voidPromise()); // a failure reaches exceptionCaught
    }

    @Override
    public void channelReadComplete(final ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause) {
        responder.counters().incrementOwned(StunCounter.SOCKET_ERRORS);
    }
}
