package dev.satchel.mail.cli;

/**
 * The exit codes of the {@code satchel} command. They are part of its contract: scripts may test them.
 */
public final class ExitCodes {
  /** Everything worked. */
  public static final int OK = 0;
  /** The command ran, but found problems: {@code doctor} found a failing check, or {@code send} had refused recipients. */
  public static final int PROBLEMS = 1;
  /** The command line was wrong: unknown option, missing argument, bad value. */
  public static final int USAGE = 2;
  /**
   * Nothing to work with: no settings known for the address, no such message or folder, no password
   * given, no {@code satchel login} stored for an account that takes only OAuth2.
   */
  public static final int NOT_FOUND = 3;
  /** The server could not be reached, TLS failed, or the connection broke or timed out. */
  public static final int CONNECTION = 4;
  /** The server refused the login. */
  public static final int AUTHENTICATION = 5;
  /** The server refused a command, or the protocol cannot do it (for example moving a message over POP3). */
  public static final int REFUSED = 6;
  /** A local file could not be read or written. */
  public static final int LOCAL_IO = 7;
  /** A bug in satchel: please report it with the output of {@code --verbose}. */
  public static final int SOFTWARE = 70;

  /** The table shown at the end of {@code satchel --help}. */
  static final String TABLE = "Exit codes:%n"
      + "  0   everything worked%n"
      + "  1   problems found (doctor: a check failed; send: some recipients refused)%n"
      + "  2   wrong command line%n"
      + "  3   nothing to work with: no settings, message, folder, password or login%n"
      + "  4   cannot connect: DNS, TCP, TLS, timeout or connection lost%n"
      + "  5   login refused%n"
      + "  6   the server refused a command, or the protocol cannot do it%n"
      + "  7   a local file could not be read or written%n"
      + "  70  a bug in satchel (run again with --verbose and report the stack trace)";

  private ExitCodes() {}
}
