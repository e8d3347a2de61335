package dev.satchel.mail.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * SMTP: counts commands (message content after DATA and BDAT chunks are not commands), matches
 * replies to commands in order, and hides extension keywords in the reply to {@code EHLO}.
 */
final class SmtpDialect extends ProtocolDialect {
  private static final Set<String> VERBS = Set.of(
      "HELO", "EHLO", "MAIL", "RCPT", "DATA", "BDAT", "RSET", "VRFY", "EXPN", "HELP", "NOOP", "QUIT", "AUTH",
      "STARTTLS");
  private static final String END_OF_DATA = "<end of data>";

  private final Queue<String> sent = new ConcurrentLinkedQueue<>();
  private volatile boolean inData;
  private @Nullable String clientVerb;
  private long bdatSize = -1;
  private boolean greeted;
  private boolean inReply;
  private @Nullable String replyTo;
  private final List<byte[]> ehloLines = new ArrayList<>();
  private boolean serverMidLine;

  SmtpDialect(Set<String> hidden, CommandListener listener) {
    super(hidden, listener);
  }

  @Override
  void clientLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer) {
    if (inData) {
      if (startsLine && endsLine && text(line).equals(".")) {
        inData = false;
        sent.add(END_OF_DATA);
      }
      return;
    }
    if (startsLine) {
      String text = text(line);
      clientVerb = word(text, 0);
      bdatSize = -1;
      if ("BDAT".equals(clientVerb)) {
        try {
          bdatSize = Long.parseLong(word(text, 1));
        } catch (NumberFormatException e) {
          bdatSize = -1;
        }
      }
    }
    if (endsLine) {
      String verb = clientVerb == null ? "" : clientVerb;
      sent.add(verb);
      listener.command(VERBS.contains(verb) ? verb : null);
      if (bdatSize > 0) {
        framer.expectRaw(bdatSize);
      }
      clientVerb = null;
    }
  }

  @Override
  void serverLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer, @Nullable Sink out)
      throws IOException {
    boolean physicalStart = startsLine && !serverMidLine;
    serverMidLine = !endsLine;
    if (!physicalStart || !endsLine) {
      emit(out, line);
      return;
    }
    String text = text(line);
    if (!inReply) {
      inReply = true;
      replyTo = greeted ? sent.poll() : null;
      greeted = true;
    }
    boolean last = text.length() < 4 || text.charAt(3) != '-';
    boolean masking = out != null && "EHLO".equals(replyTo) && !hidden.isEmpty();
    if (masking) {
      ehloLines.add(line);
    }
    if (!last) {
      if (!masking) {
        emit(out, line);
      }
      return;
    }
    inReply = false;
    String code = text.length() >= 3 ? text.substring(0, 3) : text;
    if ("DATA".equals(replyTo) && code.equals("354")) {
      inData = true;
    }
    if (masking) {
      emitEhlo(out);
    } else {
      emit(out, line);
    }
    if ("STARTTLS".equals(replyTo) && code.startsWith("2")) {
      goOpaque(framer);
    }
  }

  /** Writes the buffered EHLO reply without the hidden keywords (the first line is the greeting). */
  private void emitEhlo(@Nullable Sink out) throws IOException {
    List<String> kept = new ArrayList<>();
    String eol = "\r\n";
    for (int i = 0; i < ehloLines.size(); i++) {
      byte[] raw = ehloLines.get(i);
      String text = text(raw);
      eol = terminator(raw);
      String body = text.length() > 4 ? text.substring(4) : "";
      if (i == 0 || !isHidden(word(body, 0))) {
        kept.add(text);
      }
    }
    ehloLines.clear();
    for (int i = 0; i < kept.size(); i++) {
      String text = kept.get(i);
      String code = text.length() >= 3 ? text.substring(0, 3) : text;
      String body = text.length() > 4 ? text.substring(4) : "";
      char sep = i == kept.size() - 1 ? ' ' : '-';
      emit(out, bytes(code + sep + body + eol));
    }
  }
}
