/**
 * The {@code derpring} command line (picocli): {@code relay} serves DERP with {@code io.derpring.server}'s
 * {@code DerpRelayServer}; {@code loadgen} runs {@code io.derpring.loadgen}'s generator and prints its report.
 * Packaged as the shaded {@code cli/target/derpring.jar}, the only module with an SLF4J binding (slf4j-simple).
 *
 * <p>Threads: picocli runs a command on the caller's thread; {@code relay} then waits for a stop (Ctrl-C/SIGTERM
 * through a shutdown hook) while the server's event loops do the work.
 */
package io.derpring.cli;
