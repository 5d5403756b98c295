/** The DERP relay server: wiring of the engine relay rules onto a Netty server. Filled in by the relay-server issue. */
package io.derpring.server;
