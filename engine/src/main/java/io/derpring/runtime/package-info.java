/**
 * What derpring needs from the JVM it runs in, checked once at start-up so that a missing flag is a clear message
 * rather than an {@code IllegalAccessError} from deep inside Agrona on the first packet.
 */
package io.derpring.runtime;
