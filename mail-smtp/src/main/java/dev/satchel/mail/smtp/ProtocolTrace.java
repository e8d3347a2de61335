package dev.satchel.mail.smtp;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import dev.satchel.mail.internal.Secrets;
import org.slf4j.Logger;

/**
 * The SMTP protocol trace: the engine's lines ({@link #sent}, {@link #received}), or a raw byte stream
 * of a conversation ({@link #printStream()}), written line by line to an SLF4J logger at TRACE.
 *
 * <p>Authentication lines and every known secret (and its Base64 forms) are replaced with
 * {@code [redacted]}, and message content between DATA and the final dot is summarised as a line
 * count: the trace shows the conversation, not the mail.
 */
final class ProtocolTrace extends OutputStream {
  private static final String REDACTED = "[redacted]";

  private final Logger log;
  private final String prefix;
  private final Set<String> secrets = new CopyOnWriteArraySet<>();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private boolean dataSent;
  private boolean inContent;
  private long contentLines;

  ProtocolTrace(Logger log, String prefix) {
    this.log = log;
    this.prefix = prefix;
  }

  /** A print stream for {@code Session.setDebugOut}. */
  PrintStream printStream() {
    return new PrintStream(this, true, StandardCharsets.UTF_8);
  }

  /** Adds a secret (password or token) to redact, with the Base64 forms SASL mechanisms send. */
  void addSecret(String username, String secret) {
    if (secret.isEmpty()) {
      return;
    }
    Base64.Encoder b64 = Base64.getEncoder();
    for (String s : List.of(
        secret,
        b64.encodeToString(secret.getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(("\0" + username + "\0" + secret).getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(("user=" + username + "\001auth=Bearer " + secret + "\001\001").getBytes(StandardCharsets.UTF_8)))) {
      secrets.add(s);
    }
  }

  /** Logs a line the client sent (the engine passes message content only as a summary). */
  void sent(String text) {
    emit("> " + redact(text));
  }

  /** Logs a line the server sent. */
  void received(String text) {
    emit("< " + redact(text));
  }

  @Override
  public synchronized void write(int b) {
    if (b == '\n') {
      flushLine();
    } else if (b != '\r') {
      line.write(b);
    }
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) {
    for (int i = off; i < off + len; i++) {
      write(b[i]);
    }
  }

  @Override
  public synchronized void flush() {
    // Lines are logged when complete; a partial line waits for its end.
  }

  private void flushLine() {
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (inContent) {
      if (text.equals(".")) {
        inContent = false;
        emit("[message content: " + contentLines + " line(s) not shown]");
        emit(".");
      } else {
        contentLines++;
      }
      return;
    }
    if (dataSent && text.startsWith("354")) {
      inContent = true;
      contentLines = 0;
    }
    dataSent = text.trim().equalsIgnoreCase("DATA");
    emit(redact(text));
  }

  String redact(String text) {
    String upper = text.toUpperCase(Locale.ROOT);
    if (upper.startsWith("AUTH ") && !upper.endsWith(" [REDACTED]")) {
      int space = text.indexOf(' ', 5);
      return (space < 0 ? text : text.substring(0, space)) + " " + REDACTED;
    }
    String out = Secrets.redact(text);
    for (String s : secrets) {
      if (out.contains(s)) {
        out = out.replace(s, REDACTED);
      }
    }
    return out;
  }

  private void emit(String text) {
    log.trace("{} {}", prefix, text);
  }
}
