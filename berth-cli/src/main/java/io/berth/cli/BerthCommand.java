package io.berth.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The {@code berth} command: {@code explain} shows how one pod would be scheduled and why, {@code schedule}
 * schedules every pending pod of a cluster (read from files or generated) and reports placements, reasons,
 * throughput, latency and utilization, {@code replay} replays a trace under several profiles and compares them.
 * Exit status 0 when all went well, 1 for a usage or input error (one
 * line on stderr; {@code --verbose} adds the stack trace).
 */
@Command(
    name = "berth",
    mixinStandardHelpOptions = true,
    version = {
        "berth 0.1.0-SNAPSHOT",
        "JVM: ${java.version} (${java.vendor} ${java.vm.name} ${java.vm.version})",
        "OS: ${os.name} ${os.version} ${os.arch}" },
    description = "Kubernetes-compatible scheduler core: explain and replay scheduling decisions.",
    usageHelpWidth = 100,
    footer = {
        "",
        "Exit status: 0 ok; 1 usage or input error; 2 no etcd answered (apply, get, delete, scheduler). Objects that cannot " +
            "be read are reported on stderr and skipped; the others are still used, and the exit status is 1." })
public final class BerthCommand implements Callable<Integer>
{
    /** Exit status of a usage or input error. */
    public static final int EXIT_INPUT_ERROR = 1;

    /** The subcommands, in the order the usage lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(ExplainCommand.class, ScheduleCommand.class, ReplayCommand.class,
        RecordCommand.class, ApplyCommand.class, GetCommand.class, DeleteCommand.class, SchedulerCommand.class,
        CommandLine.HelpCommand.class);

    @Spec
    CommandSpec spec;

    /** Without a subcommand: prints the usage to stderr, a usage error. */
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_INPUT_ERROR;
    }

    /** Runs the command with stdout and stderr as UTF-8 and exits with its status. */
    public static void main(final String[] args)
    {
        // jetcd logs through SLF4J, which has no provider here: keep its "no providers" notice off stderr
        if (System.getProperty("slf4j.internal.verbosity") == null)
        {
            System.setProperty("slf4j.internal.verbosity", "ERROR");
        }
        final PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        final PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        final int status = newCommandLine(args.length == 0 ? null : args[0]).setOut(out).setErr(err).execute(args);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /**
     * The command line with Berth's error handling: a parameter error or an input error prints one line,
     * {@code berth: <message>}, and gives status 1; {@code --verbose} adds the stack trace.
     */
    public static CommandLine newCommandLine()
    {
        return newCommandLine(null);
    }

    /**
     * {@link #newCommandLine()} holding only the subcommand named {@code first} (and {@code help}) when that names
     * one: picocli reflects over every option of every subcommand it is given, a tenth of a second or more of each
     * start. Any other first word gets them all, so usage and errors read the same.
     */
    static CommandLine newCommandLine(final String first)
    {
        final CommandLine cl = new CommandLine(new BerthCommand());
        Class<?> only = null;
        for (final Class<?> c : SUBCOMMANDS)
        {
            if (first != null && first.equals(c.getAnnotation(Command.class).name()) && c != CommandLine.HelpCommand.class)
            {
                only = c; // "help" names the others: it gets them all
            }
        }
        for (final Class<?> c : SUBCOMMANDS)
        {
            if (only == null || c == only || c == CommandLine.HelpCommand.class)
            {
                cl.addSubcommand(c);
            }
        }
        cl.setParameterExceptionHandler((ex, args) ->
        {
            final CommandLine c = ex.getCommandLine();
            c.getErr().println("berth: " + ex.getMessage() + " (see '" + c.getCommandSpec().qualifiedName() + " --help')");
            c.getErr().flush();
            return EXIT_INPUT_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) ->
        {
            final PrintWriter err = c.getErr();
            err.println("berth: " + message(ex));
            if (isVerbose(parseResult))
            {
                ex.printStackTrace(err);
            }
            err.flush();
            return EXIT_INPUT_ERROR;
        });
        return cl;
    }

    static String message(final Exception ex)
    {
        if (ex instanceof IllegalArgumentException || ex instanceof UncheckedIOException)
        {
            return String.valueOf(ex.getMessage());
        }
        return "internal error: " + ex + " (run with --verbose for the stack trace)";
    }

    private static boolean isVerbose(final ParseResult parseResult)
    {
        for (ParseResult p = parseResult; p != null; p = p.subcommand())
        {
            if (p.hasMatchedOption("--verbose"))
            {
                return true;
            }
        }
        return false;
    }
}
