package dev.satchel.mail.cli;

import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where the command reads and writes: standard streams, the environment and the terminal. Tests pass
 * their own so that they can check the output and set the environment without touching the process.
 */
final class Io {
  /** Asks the user for a secret without echoing it. */
  interface SecretPrompt {
    /** The secret typed, or null when there is no terminal to ask on. */
    char @Nullable [] ask(String prompt);
  }

  /** Opens an address in the user's web browser. */
  interface Browser {
    /** Opens {@code uri} and returns true, or returns false when no browser can be opened from here. */
    boolean open(URI uri);
  }

  final PrintWriter out;
  final PrintWriter err;
  final InputStream in;
  final Map<String, String> env;
  final SecretPrompt prompt;
  final Browser browser;
  /** True when progress bars may redraw a line on standard error (a terminal). */
  final boolean terminal;

  Io(PrintWriter out, PrintWriter err, InputStream in, Map<String, String> env, SecretPrompt prompt, Browser browser,
      boolean terminal) {
    this.out = Objects.requireNonNull(out, "out");
    this.err = Objects.requireNonNull(err, "err");
    this.in = Objects.requireNonNull(in, "in");
    this.env = Map.copyOf(env);
    this.prompt = Objects.requireNonNull(prompt, "prompt");
    this.browser = Objects.requireNonNull(browser, "browser");
    this.terminal = terminal;
  }

  /** The process's own streams, environment, terminal and desktop browser. */
  static Io system() {
    Console console = System.console();
    Charset charset = console != null ? console.charset() : Charset.defaultCharset();
    SecretPrompt prompt = text -> {
      Console c = System.console();
      return c == null ? null : c.readPassword("%s", text);
    };
    return new Io(writer(System.out, charset), writer(System.err, charset), System.in, System.getenv(), prompt,
        Io::desktopBrowser, console != null);
  }

  /** The desktop's browser through {@code java.awt.Desktop}; false when headless or unsupported. */
  private static boolean desktopBrowser(URI uri) {
    try {
      if (GraphicsEnvironment.isHeadless() || !Desktop.isDesktopSupported()
          || !Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
        return false;
      }
      Desktop.getDesktop().browse(uri);
      return true;
    } catch (IOException | RuntimeException | LinkageError e) {
      // No browser registered, no desktop session, or a JDK without java.desktop: the address is printed anyway.
      return false;
    }
  }

  private static PrintWriter writer(PrintStream stream, Charset charset) {
    return new PrintWriter(new OutputStreamWriter(stream, charset), true);
  }
}
