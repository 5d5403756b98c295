package io.derpring.cli;

import java.util.Locale;

import io.derpring.transport.Transport;
import picocli.CommandLine;

/** {@code auto|io_uring|epoll|nio}: {@code auto} is null here (the best available, detected when used). */
final class TransportChoice implements CommandLine.ITypeConverter<Transport> {
    @Override
    public Transport convert(final String text) {
        return text.toLowerCase(Locale.ROOT).equals("auto") ? null : Transport.fromCliName(text);
    }
}
