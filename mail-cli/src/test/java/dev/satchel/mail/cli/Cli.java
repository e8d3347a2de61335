package dev.satchel.mail.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Runs the satchel command in this JVM with captured output, a chosen environment and no terminal. */
final class Cli {
  private final Map<String, String> env = new HashMap<>();
  private final List<String> prompts = new ArrayList<>();
  private String stdin = "";
  private boolean terminal;
  private Io.Browser browser = uri -> false;
  private volatile StringWriter liveOut = new StringWriter();

  /** Keeps every run away from the real token file: one that does not exist unless a test logs in. */
  Cli() {
    env.put(TokenFileOption.ENV, Path.of(System.getProperty("java.io.tmpdir"), "satchel-cli-test-" + UUID.randomUUID(),
        "tokens.json").toString());
  }

  /** The result of one run. */
  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  Cli env(String name, String value) {
    env.put(name, value);
    return this;
  }

  Cli stdin(String text) {
    this.stdin = text;
    return this;
  }

  Cli terminal(boolean terminal) {
    this.terminal = terminal;
    return this;
  }

  /** What "opens a browser" (default: none can be opened). */
  Cli browser(Io.Browser browser) {
    this.browser = browser;
    return this;
  }

  /** The standard output of the run in progress (or the last one), so far. */
  String outSoFar() {
    return liveOut.toString();
  }

  /** The secret prompts shown so far (each answered with nothing). */
  List<String> prompts() {
    return List.copyOf(prompts);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    liveOut = out;
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, prompt -> {
          prompts.add(prompt);
          return null;
        }, browser, terminal);
    int code = Satchel.run(io, args);
    return new Result(code, out.toString(), err.toString());
  }
}
