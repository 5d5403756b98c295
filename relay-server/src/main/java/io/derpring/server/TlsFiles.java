package io.derpring.server;

import java.nio.file.Files;
import java.nio.file.Path;

import javax.net.ssl.SSLException;

import io.derpring.runtime.InvalidConfigException;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

/** A server TLS context from PEM files (certificate chain, PKCS#8 private key). */
final class TlsFiles {
    private TlsFiles() {
    }

    static SslContext serverContext(final Path certificateChain, final Path privateKey) {
        if (!Files.isReadable(certificateChain) || !Files.isReadable(privateKey)) {
            throw new InvalidConfigException("TLS files not readable: " + certificateChain + ", " + privateKey);
        }
        try {
            return SslContextBuilder.forServer(certificateChain.toFile(), privateKey.toFile()).build();
        } catch (final SSLException | IllegalArgumentException e) {
            throw new InvalidConfigException("cannot load TLS certificate " + certificateChain + " / key " + privateKey
                + ": " + e.getMessage());
        }
    }
}
