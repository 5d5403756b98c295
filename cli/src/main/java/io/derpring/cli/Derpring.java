package io.derpring.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code derpring}: the command line. Subcommands {@code relay} (serve DERP) and {@code loadgen} (synthetic DERP
 * traffic with exact loss accounting). {@code ./derpring} at the repository root builds the jar and runs this.
 */
@Command(name = "derpring", mixinStandardHelpOptions = true, versionProvider = Derpring.Version.class,
    subcommands = {RelayCommand.class, LoadgenCommand.class, ForwarderCommand.class, CommandLine.HelpCommand.class},
    description = "A Java packet engine for Tailscale's DERP relay protocol: a DERP relay server and a load "
        + "generator.")
public final class Derpring implements Runnable {
    /** SLF4J simple's level property; set before the first logger exists, so it applies to every one. */
    static final String LOG_LEVEL_PROPERTY = "org.slf4j.simpleLogger.defaultLogLevel";
    /**
     * The run could not happen (a relay unreachable, a port taken). 1 is loadgen's integrity verdict
     * ({@code LoadReport.EXIT_INTEGRITY_FAILURE}) and 2 picocli's usage error, so this one is distinct. Loadgen's
     * "not delivered" verdict ({@code LoadReport.EXIT_NOT_DELIVERED}) is the same status: that run did not happen
     * either, in effect.
     */
    public static final int EXIT_CANNOT_RUN = 3;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(final String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit status (for tests: no {@code System.exit}). */
    public static int execute(final String... args) {
        // A load run's per-connection lifecycle lines would drown its progress; the relay's are its log.
        if (System.getProperty(LOG_LEVEL_PROPERTY) == null) {
            System.setProperty(LOG_LEVEL_PROPERTY, args.length > 0 && args[0].equals("loadgen") ? "warn" : "info");
        }
        return commandLine().execute(args);
    }

    /** The command tree with derpring's converters registered. */
    public static CommandLine commandLine() {
        final CommandLine cli = new CommandLine(new Derpring());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("derpring: " + e.getMessage());
            if (e instanceof io.derpring.runtime.InvalidConfigException || e instanceof IllegalArgumentException) {
                return commandLine.getCommandSpec().exitCodeOnInvalidInput();
            }
            if (e instanceof IllegalStateException) {
                return EXIT_CANNOT_RUN; // e.g. a relay that can't be reached: not a verdict on the traffic
            }
            throw e;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The jar's implementation version, or "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            final String v = Derpring.class.getPackage().getImplementationVersion();
            return new String[] {"derpring " + (v == null ? "0.1.0-SNAPSHOT" : v), "JDK " + Runtime.version()};
        }
    }
}
