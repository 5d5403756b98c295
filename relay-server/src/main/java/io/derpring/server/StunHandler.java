package io.derpring.server;

import java.net.InetSocketAddress;

import io.derpring.internal.stun.BindingResponse;
import io.derpring.internal.stun.StunCounter;
import io.derpring.internal.stun.StunResponder;
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
    private final StunResponder responder;
    private final NanoClock clock;
    private final UnsafeBuffer datagram = new UnsafeBuffer(0, 0);
    /** For the rare datagram whose buffer has no flat memory to view (never seen from a socket read). */
    private final byte[] copy = new byte[StunServer.MAX_DATAGRAM_BYTES];
    private final UnsafeBuffer answer = new UnsafeBuffer(new byte[BindingResponse.MAX_LENGTH]);

    StunHandler(final StunResponder responder, final NanoClock clock) {
        this.responder = responder;
        this.clock = clock;
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
            final int n = responder.onDatagram(datagram, 0, datagram.capacity(), sender.getAddress().getAddress(),
                sender.getPort(), clock.nanoTime(), answer, 0);
            if (n != StunResponder.NO_ANSWER) {
                send(ctx, sender, n);
            }
        } finally {
            packet.release();
        }
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
