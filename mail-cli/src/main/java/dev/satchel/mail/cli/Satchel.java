package dev.satchel.mail.cli;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.UnsupportedCapabilityException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The {@code satchel} command: a demo of IMAP, POP3 and SMTP on an embedded server, provider lookup,
 * a settings doctor, and {@code list}, {@code fetch}, {@code send} and {@code sync} for scripts.
 *
 * <pre>{@code
 * java -jar satchel.jar demo
 * java -jar satchel.jar providers gmail.com --format json
 * SATCHEL_PASSWORD=... java -jar satchel.jar doctor alice@example.com
 * java -jar satchel.jar login alice@outlook.com --client-id ...
 * }</pre>
 *
 * <p>A login stored by {@code satchel login} is used for its address unless {@code --password-env}
 * or {@code --password-stdin} is given. Passwords come only from an environment variable
 * ({@code SATCHEL_PASSWORD} unless {@code --password-env} names another), from standard input with
 * {@code --password-stdin}, or from a prompt on the terminal; never from the command line. Errors are one line on standard error; the
 * stack trace follows only with {@code --verbose}. The exit codes are listed in {@link ExitCodes}.
 */
@Command(
    name = "satchel",
    mixinStandardHelpOptions = true,
    versionProvider = Satchel.Version.class,
    description = "Satchel's mail command: try IMAP, POP3 and SMTP on an embedded server, look up provider"
        + " settings, check why settings do not work, sign in with OAuth2, and read or send mail from scripts.",
    subcommands = {
      DemoCommand.class,
      ProvidersCommand.class,
      DoctorCommand.class,
      LoginCommand.class,
      LogoutCommand.class,
      ListCommand.class,
      FetchCommand.class,
      SendCommand.class,
      SyncCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", ExitCodes.TABLE})
public final class Satchel implements Runnable {
  final Io io;

  @Mixin
  CommonOptions common = new CommonOptions();

  Satchel(Io io) {
    this.io = io;
  }

  /** Without a subcommand: show the usage. */
  @Override
  public void run() {
    new CommandLine(this).usage(io.out);
  }

  /**
   * Runs the command with the process's streams and environment and exits with its exit code.
   *
   * @param args the command line, for example {@code demo}
   */
  public static void main(String[] args) {
    quietLogging();
    System.exit(run(Io.system(), args));
  }

  /** Runs the command line and returns the exit code; never exits the JVM. */
  static int run(Io io, String... args) {
    Satchel satchel = new Satchel(io);
    CommandLine cli = new CommandLine(satchel, new Factory(satchel));
    cli.setOut(io.out);
    cli.setErr(io.err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((e, a) -> {
      io.err.println("satchel: " + oneLine(e.getMessage()));
      io.err.println("Run 'satchel " + commandPath(e.getCommandLine()) + "--help' for usage.");
      io.err.flush();
      return ExitCodes.USAGE;
    });
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      boolean verbose = satchel.common.verbose
          || (commandLine.getCommand() instanceof HasCommonOptions h && h.common().verbose);
      return report(io, e, verbose);
    });
    int code = cli.execute(args);
    io.out.flush();
    io.err.flush();
    return code;
  }

  /** Prints one line for {@code e} (and its stack trace when verbose) and returns its exit code. */
  static int report(Io io, Throwable e, boolean verbose) {
    int code = exitCode(e);
    String message = code == ExitCodes.SOFTWARE
        ? "internal error: " + e + " (please report it with the output of --verbose)"
        : describe(e);
    io.err.println("satchel: " + oneLine(message));
    if (verbose) {
      e.printStackTrace(io.err);
    }
    io.err.flush();
    return code;
  }

  static int exitCode(Throwable e) {
    if (e instanceof CliException c) {
      return c.exitCode();
    } else if (e instanceof MailAuthenticationException) {
      return ExitCodes.AUTHENTICATION;
    } else if (e instanceof MailConnectionException) {
      return ExitCodes.CONNECTION;
    } else if (e instanceof MailCommandException || e instanceof UnsupportedCapabilityException) {
      return ExitCodes.REFUSED;
    } else if (e instanceof IOException || e instanceof UncheckedIOException) {
      return ExitCodes.LOCAL_IO;
    } else if (e instanceof IllegalArgumentException) {
      return ExitCodes.USAGE;
    }
    return ExitCodes.SOFTWARE;
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    if (e instanceof MailAuthenticationException) {
      return "login refused: " + message;
    }
    if (e instanceof UncheckedIOException u && u.getCause() != null) {
      return String.valueOf(u.getCause().getMessage());
    }
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** Collapses a multi-line message into one line. */
  static String oneLine(@org.jspecify.annotations.Nullable String message) {
    if (message == null) {
      return "";
    }
    return message.strip().replaceAll("\\s*[\\r\\n]+\\s*", " | ");
  }

  private static String commandPath(CommandLine commandLine) {
    StringBuilder path = new StringBuilder();
    for (CommandLine c = commandLine; c.getParent() != null; c = c.getParent()) {
      path.insert(0, c.getCommandName() + " ");
    }
    return path.toString();
  }

  /** Keeps library and server logging (slf4j-simple) at WARN unless the user configured it. */
  private static void quietLogging() {
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }

  /** Creates commands, passing this {@link Satchel} to those whose constructor takes one. */
  private static final class Factory implements CommandLine.IFactory {
    private final Satchel satchel;

    Factory(Satchel satchel) {
      this.satchel = satchel;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      if (cls == Satchel.class) {
        return cls.cast(satchel);
      }
      for (Constructor<?> c : cls.getDeclaredConstructors()) {
        if (c.getParameterCount() == 1 && c.getParameterTypes()[0] == Satchel.class) {
          c.setAccessible(true);
          return cls.cast(c.newInstance(satchel));
        }
      }
      return CommandLine.defaultFactory().create(cls);
    }
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Satchel.class.getPackage().getImplementationVersion();
      return new String[] {"satchel " + (v == null ? "(development build)" : v)
          + " on Java " + System.getProperty("java.version") + " (" + System.getProperty("os.name", "").toLowerCase(Locale.ROOT) + ")"};
    }
  }
}
