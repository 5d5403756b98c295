/** Netty transports (io_uring, epoll, NIO) for the engine; the ByteBuf to DirectBuffer edge. Filled in by the client-connection issue. */
package io.derpring.transport;
