package io.derpring.internal.crypto;

/** A key cannot be used for NaCl box (zero key, low-order point) or a box failed to open at an API edge. */
public final class CryptoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CryptoException(final String message) {
        super(message);
    }
}
