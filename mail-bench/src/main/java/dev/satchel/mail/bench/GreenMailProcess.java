package dev.satchel.mail.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The testkit's GreenMail server in a child JVM (see {@link GreenMailServerMain}). */
final class GreenMailProcess implements AutoCloseable {
  private final Process process;
  private final BenchTarget target;

  private GreenMailProcess(Process process, BenchTarget target) {
    this.process = process;
    this.target = target;
  }

  static GreenMailProcess start(BenchTarget.Account user, BenchTarget.Account sink, Path log, String heap)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Xmx" + heap, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "-cp", System.getProperty("java.class.path"), GreenMailServerMain.class.getName(),
        user.login() + ":" + user.password(), sink.login() + ":" + sink.password()));
    pb.redirectError(log.toFile());
    Process p = pb.start();
    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line = out.readLine();
    if (line == null || !line.startsWith("READY ")) {
      p.destroy();
      throw new IOException("the GreenMail child JVM did not start (see " + log + "): " + line);
    }
    int imap = port(line, "imap");
    int pop3 = port(line, "pop3");
    int smtp = port(line, "smtp");
    return new GreenMailProcess(p, new BenchTarget("GreenMail (testkit)", "127.0.0.1", imap, pop3, smtp, user, sink));
  }

  private static int port(String line, String key) {
    for (String part : line.split(" ")) {
      if (part.startsWith(key + "=")) {
        return Integer.parseInt(part.substring(key.length() + 1));
      }
    }
    throw new IllegalStateException("no " + key + " port in \"" + line + "\"");
  }

  BenchTarget target() {
    return target;
  }

  @Override
  public void close() {
    try {
      process.getOutputStream().close();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (IOException e) {
      process.destroy();
    } catch (InterruptedException e) {
      process.destroy();
      Thread.currentThread().interrupt();
    }
  }
}
