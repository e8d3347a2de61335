package dev.satchel.mail.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the satchel command in this JVM with captured output, a chosen environment and no terminal. */
final class Cli {
  private final Map<String, String> env = new HashMap<>();
  private final List<String> prompts = new ArrayList<>();
  private String stdin = "";
  private boolean terminal;

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

  /** The secret prompts shown so far (each answered with nothing). */
  List<String> prompts() {
    return List.copyOf(prompts);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Io io = new Io(new PrintWriter(out, true), new PrintWriter(err, true),
        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), env, prompt -> {
          prompts.add(prompt);
          return null;
        }, terminal);
    int code = Satchel.run(io, args);
    return new Result(code, out.toString(), err.toString());
  }
}
