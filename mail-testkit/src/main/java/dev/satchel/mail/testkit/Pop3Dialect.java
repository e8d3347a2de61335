package dev.satchel.mail.testkit;

import java.io.IOException;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jspecify.annotations.Nullable;

/**
 * POP3: every client line is a command; responses are matched to commands in order (POP3 without
 * pipelining answers each command once), so that multi-line answers are recognised and only the
 * lines of a {@code CAPA} answer are filtered. Message content (RETR, TOP) is never changed.
 */
final class Pop3Dialect extends ProtocolDialect {
  private static final Set<String> VERBS = Set.of(
      "USER", "PASS", "APOP", "AUTH", "STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "QUIT", "TOP", "UIDL", "CAPA",
      "STLS", "UTF8");

  private record Sent(String verb, boolean hasArguments) {}

  private final Queue<Sent> sent = new ConcurrentLinkedQueue<>();
  private @Nullable String clientVerb;
  private boolean clientHasArguments;
  private boolean greeted;
  private boolean multiLine;
  private boolean inCapa;
  private boolean serverMidLine;

  Pop3Dialect(Set<String> hidden, CommandListener listener) {
    super(hidden, listener);
  }

  @Override
  void clientLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer) {
    if (startsLine) {
      String text = text(line);
      clientVerb = word(text, 0);
      clientHasArguments = !word(text, 1).isEmpty();
    }
    if (endsLine) {
      String verb = clientVerb == null ? "" : clientVerb;
      sent.add(new Sent(verb, clientHasArguments));
      listener.command(VERBS.contains(verb) ? verb : null);
      clientVerb = null;
    }
  }

  @Override
  void serverLine(byte[] line, boolean startsLine, boolean endsLine, LineFramer framer, @Nullable Sink out)
      throws IOException {
    boolean physicalStart = startsLine && !serverMidLine;
    serverMidLine = !endsLine;
    if (!physicalStart) {
      emit(out, line);
      return;
    }
    String text = text(line);
    if (multiLine) {
      if (endsLine && text.equals(".")) {
        multiLine = false;
        inCapa = false;
      } else if (inCapa && endsLine && isHidden(word(text, 0))) {
        return; // the hidden capability's line is dropped
      }
      emit(out, line);
      return;
    }
    if (!greeted) {
      greeted = true;
      emit(out, line);
      return;
    }
    Sent command = sent.poll();
    boolean ok = text.startsWith("+OK");
    if (command != null && ok) {
      multiLine = switch (command.verb()) {
        case "CAPA", "RETR", "TOP" -> true;
        case "LIST", "UIDL" -> !command.hasArguments();
        default -> false;
      };
      inCapa = command.verb().equals("CAPA");
      if (command.verb().equals("STLS")) {
        emit(out, line);
        goOpaque(framer);
        return;
      }
    }
    emit(out, line);
  }
}
