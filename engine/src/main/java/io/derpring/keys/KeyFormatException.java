package io.derpring.keys;

/** A key's text or raw form is not valid. The message names the expected form; it never echoes key material. */
public final class KeyFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public KeyFormatException(final String message) {
        super(message);
    }
}
