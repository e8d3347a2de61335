package dev.satchel.mail.smtp;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailDeliveryUnknownException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.internal.Secrets;
import dev.satchel.mail.smtp.SmtpSession.Reply;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One message through an {@link SmtpSession}: MAIL FROM, RCPT TO for each envelope recipient, then
 * DATA (dot-stuffed) or BDAT chunks (CHUNKING, RFC 3030), with the extensions the server offers and
 * the options ask for (SIZE, 8BITMIME, SMTPUTF8, DSN, REQUIRETLS).
 *
 * <p>With PIPELINING (RFC 2920) the envelope goes in one flight and the replies are matched in order:
 * MAIL FROM, every RCPT TO and DATA, or, with CHUNKING and a message held in memory, the whole message
 * as one {@code BDAT n LAST}, so a message costs one round trip. When every recipient is required
 * ({@link SendOptions#requireAllRecipients()}) the content waits for the recipients' replies.
 *
 * <p>The hand-over is the moment the last byte of the message (of the final dot, or of the last BDAT
 * chunk) has been written: a write refused by the network before it proves the server cannot have
 * accepted the message ({@link LostBeforeHandover}: the caller may send again), and a failure after it
 * (or a write that timed out, which may have completed) is a {@link MailDeliveryUnknownException}
 * (never sent again). Not thread-safe.
 */
final class MailTransaction {
  /** BDAT chunk size when a large message is streamed. */
  static final int CHUNK = 256 * 1024;
  /** How long the client glances for an early answer or a closed connection before handing a large message over. */
  static final int GLANCE_MILLIS = 20;

  private final SmtpSession session;
  private final OutgoingMessage message;
  private final SendOptions options;
  private final List<EmailAddress> envelope;
  private final String id;
  private final String operation;
  private boolean handedOver;
  private List<EmailAddress> accepted = List.of();

  MailTransaction(SmtpSession session, OutgoingMessage message, SendOptions options, List<EmailAddress> envelope) {
    this.session = session;
    this.message = message;
    this.options = options;
    this.envelope = envelope;
    this.id = message.messageId().orElseThrow();
    this.operation = "send message " + id;
  }

  /**
   * Checks what the message and options need against what the server offers, before anything is
   * sent; returns the content, composed.
   *
   * @throws MailCommandException when the server cannot take the message as asked (nothing was sent)
   */
  MessageContent prepare() {
    boolean utf8 = needsUtf8();
    if (utf8 && !session.has("SMTPUTF8")) {
      EmailAddress a = all().stream().filter(EmailAddress::needsSmtpUtf8).findFirst().orElseThrow();
      throw refused("address " + a.address() + " has a non-ASCII local part, which needs SMTPUTF8, and "
          + session.server() + " does not offer SMTPUTF8; nothing was sent");
    }
    if (options.requestsDsn() && !session.has("DSN")) {
      throw refused("delivery status notifications (DSN) were asked for, and " + session.server()
          + " does not offer DSN; nothing was sent. Send without the DSN options to go on without reports");
    }
    if (options.requireTls() && !(session.secure() && session.has("REQUIRETLS"))) {
      throw refused("REQUIRETLS was asked for, and " + (session.secure() ? session.server() + " does not offer REQUIRETLS"
          : "the connection to " + session.server() + " is not TLS") + "; nothing was sent");
    }
    MessageContent content = MessageContent.of(message, operation, options.dkim().orElse(null));
    long limit = sizeLimit();
    if (limit > 0 && content.size() > limit) {
      throw refused("the message is " + content.size() + " bytes, but " + session.server() + " accepts at most " + limit
          + " bytes (SIZE); nothing was sent");
    }
    return content;
  }

  /**
   * Sends the message.
   *
   * @throws LostBeforeHandover when the connection was lost before the hand-over
   * @throws MailDeliveryUnknownException when it was lost after it
   * @throws MailCommandException when the server refused the sender, every recipient (or one, when
   *     all are required), or the message
   */
  SendResult send(MessageContent content) throws LostBeforeHandover {
    session.beginOperation();
    try {
      return transact(content);
    } catch (MailConnectionException e) {
      if (e instanceof MailDeliveryUnknownException) {
        throw e;
      }
      session.abort();
      if (!handedOver) {
        throw new LostBeforeHandover(e);
      }
      throw new MailDeliveryUnknownException(operation + " failed: the connection to " + session.server() + " was lost"
          + " after the whole message had been sent, before the server confirmed it. The server may have accepted it,"
          + " so it was not sent again; check the recipients' mailboxes before resending (Message-ID " + id + "). "
          + e.getMessage(), id, accepted.isEmpty() ? envelope : accepted, e);
    }
  }

  private SendResult transact(MessageContent content) {
    boolean pipelining = session.has("PIPELINING");
    boolean chunking = session.has("CHUNKING");
    boolean oneFlight = pipelining && !options.requireAllRecipients();
    byte[] held = content.bytes();
    session.write(mailCommand(content), mailCommand(content));
    List<Reply> rcpt = new ArrayList<>();
    Reply mail;
    if (pipelining) {
      for (EmailAddress a : envelope) {
        String c = rcptCommand(a);
        session.write(c, c);
      }
      if (oneFlight && chunking && held != null) {
        // the whole message in the same flight: one round trip
        bdatLast(held, 0, held.length);
        mail = expect(session.read(operation), "MAIL FROM", false);
        for (int i = 0; i < envelope.size(); i++) {
          rcpt.add(expect(session.read(operation), "RCPT TO", false));
        }
        Reply bdat = expect(session.read(operation), "BDAT", false);
        return finalReply(bdat, oneFlightEnvelopeOutcome(mail, rcpt, bdat));
      }
      if (oneFlight && !chunking) {
        session.write("DATA", "DATA");
      }
      session.flush(operation);
      mail = expect(session.read(operation), "MAIL FROM", false);
      for (int i = 0; i < envelope.size(); i++) {
        rcpt.add(expect(session.read(operation), "RCPT TO", false));
      }
      if (oneFlight && !chunking) {
        Reply data = expect(session.read(operation), "DATA", true);
        List<RejectedRecipient> rejected;
        try {
          rejected = envelopeOutcome(mail, rcpt, data.code() != 354);
        } catch (MailCommandException refused) {
          if (data.code() == 354) {
            session.abort(); // in data mode without a transaction to send: end it by closing
          }
          throw refused;
        }
        if (data.code() != 354) {
          reset();
          throw refused("the server refused DATA (" + redact(data) + "); nothing was sent");
        }
        return data(content, rejected);
      }
    } else {
      session.flush(operation);
      mail = expect(session.read(operation), "MAIL FROM", false);
      if (mail.positive()) {
        for (EmailAddress a : envelope) {
          String c = rcptCommand(a);
          rcpt.add(expect(session.exchange(c, operation), "RCPT TO", false));
          if (rcpt.get(rcpt.size() - 1).code() == 421) {
            break;
          }
        }
      }
    }
    List<RejectedRecipient> rejected = envelopeOutcome(mail, rcpt, true);
    if (chunking) {
      return chunks(content, rejected, pipelining);
    }
    Reply data = expect(session.exchange("DATA", operation), "DATA", true);
    if (data.code() != 354) {
      reset();
      throw refused("the server refused DATA (" + redact(data) + "); nothing was sent");
    }
    return data(content, rejected);
  }

  /** Writes the content after a 354, dot-stuffed, then the final dot, and reads the verdict. */
  private SendResult data(MessageContent content, List<RejectedRecipient> rejected) {
    OutputStream out = session.output();
    try {
      ContentStream stuffed = new ContentStream(out, true);
      content.writeTo(stuffed);
      stuffed.finish();
      session.traceContent("message content: " + content.size() + " bytes");
      if (content.bytes() == null) {
        // A large message: before the final dot, glance at whether the server closed the connection or
        // answered while the content was being written, so that a loss before the hand-over is seen as one.
        out.flush();
        if (session.spoke(GLANCE_MILLIS, operation)) {
          Reply early = session.read(operation);
          session.abort();
          throw refused("the server answered in the middle of the message content (" + redact(early)
              + "); the final dot was not sent, so it was not delivered");
        }
      }
      handOver(new byte[] {'.', '\r', '\n'}, 0, 3, ".");
    } catch (IOException e) {
      throw session.lost(operation, e);
    }
    return finalReply(expect(session.read(operation), "end of data", false), rejected);
  }

  /** Sends the content as BDAT chunks after the envelope was accepted, and reads the verdict. */
  private SendResult chunks(MessageContent content, List<RejectedRecipient> rejected, boolean pipelining) {
    byte[] held = content.bytes();
    if (held != null) {
      bdatLast(held, 0, held.length);
      return finalReply(expect(session.read(operation), "BDAT", false), rejected);
    }
    Chunker chunker = new Chunker(pipelining);
    try {
      content.writeTo(chunker);
    } catch (IOException e) {
      throw session.lost(operation, e);
    }
    // Every chunk but the last is confirmed before the last is sent: a loss so far is seen before the hand-over.
    session.flush(operation);
    Reply failed = chunker.failed;
    for (int i = 0; i < chunker.unread; i++) {
      Reply r = expect(session.read(operation), "BDAT", false);
      if (failed == null && !r.positive()) {
        failed = r;
      }
    }
    if (failed != null) {
      reset();
      throw refused("the server refused a part of the message (" + redact(failed) + "); it was not delivered");
    }
    bdatLast(chunker.buffer, 0, chunker.filled);
    return finalReply(expect(session.read(operation), "BDAT", false), rejected);
  }

  /** Writes {@code BDAT n LAST} and its bytes, handing the message over with the last byte. */
  private void bdatLast(byte[] b, int off, int len) {
    String header = "BDAT " + len + " LAST";
    session.write(header, header);
    session.traceContent("message content: " + len + " bytes");
    if (len == 0) {
      // the header's own line end was the last byte: send it all, then the message is handed over
      session.flush(operation);
      handedOver = true;
      return;
    }
    try {
      handOver(b, off, len, null);
    } catch (IOException e) {
      throw session.lost(operation, e);
    }
  }

  /**
   * Writes and sends the last bytes of the message; once they are sent, the message is handed over.
   * A write that fails with a reset or broken connection did not hand the last byte to the network,
   * so the server cannot have the whole message; a write that timed out (or passed the deadline) may
   * have completed, so it counts as handed over.
   */
  private void handOver(byte[] b, int off, int len, @Nullable String traced) throws IOException {
    OutputStream out = session.output();
    if (traced != null) {
      session.traceContent(traced.equals(".") ? "final dot" : traced);
    }
    try {
      out.write(b, off, len);
      out.flush();
    } catch (java.io.InterruptedIOException e) {
      handedOver = true;
      throw e;
    }
    handedOver = true;
  }

  /** The server's verdict on the whole message. */
  private SendResult finalReply(Reply r, List<RejectedRecipient> rejected) {
    if (r.positive()) {
      return new SendResult(id, accepted, rejected);
    }
    if (r.code() == 421) {
      session.abort();
    } else {
      reset();
    }
    throw refused("the server refused the message (" + redact(r) + "); it was not delivered");
  }

  /**
   * The per-recipient outcome of the envelope; throws when nothing can be sent.
   *
   * @param resetOnRefusal send RSET when refusing (false when the connection must be closed instead)
   */
  private List<RejectedRecipient> envelopeOutcome(Reply mail, List<Reply> rcpt, boolean resetOnRefusal) {
    if (mail.code() == 421 || rcpt.stream().anyMatch(r -> r.code() == 421)) {
      Reply closing = mail.code() == 421 ? mail : rcpt.stream().filter(r -> r.code() == 421).findFirst().orElseThrow();
      // A server closing the service during the envelope refuses the transaction, even when the
      // message content already followed in the same flight: it was not accepted.
      handedOver = false;
      throw new MailConnectionException(operation + " failed: " + session.server() + " closed the connection before the"
          + " message was handed over, so it was not delivered (" + redact(closing) + ")");
    }
    if (!mail.positive()) {
      if (resetOnRefusal) {
        reset();
      }
      throw refused("the server refused the sender " + message.from().address() + " (" + redact(mail) + "); nothing was sent");
    }
    List<RejectedRecipient> rejected = new ArrayList<>();
    List<EmailAddress> ok = new ArrayList<>();
    for (int i = 0; i < envelope.size(); i++) {
      Reply r = rcpt.get(i);
      if (r.positive()) {
        ok.add(envelope.get(i));
      } else {
        SmtpReply p = r.parsed();
        rejected.add(new RejectedRecipient(envelope.get(i), r.code(), p.enhancedStatus(), Secrets.redact(p.text())));
      }
    }
    accepted = List.copyOf(ok);
    if (ok.isEmpty() || (options.requireAllRecipients() && !rejected.isEmpty())) {
      if (resetOnRefusal) {
        reset();
      }
      String summary = rejected.stream()
          .map(r -> r.address().address() + ": " + r.replyCode() + r.enhancedStatus().map(s -> " " + s).orElse("") + " "
              + r.text())
          .collect(Collectors.joining("; "));
      String why = ok.isEmpty() ? "nothing was sent because every recipient was refused"
          : "nothing was sent because every recipient is required and " + rejected.size() + " of " + envelope.size()
              + " were refused";
      throw new MailCommandException(operation, why + " (" + summary + ")", rejected, null);
    }
    return rejected;
  }

  /**
   * The envelope's outcome when the whole message went in the same flight as one {@code BDAT n LAST}.
   * A refused BDAT does not end the transaction on every server (Exim 4.96 answers {@code 503 Valid RCPT
   * command must precede BDAT} and keeps the sender, so the next message's MAIL would get {@code 503
   * sender already given}): a refused envelope is followed by RSET. A server that refused the envelope
   * but accepted the content contradicts itself, and may have delivered the message: that is reported
   * as such, never as "nothing was sent".
   */
  private List<RejectedRecipient> oneFlightEnvelopeOutcome(Reply mail, List<Reply> rcpt, Reply bdat) {
    try {
      return envelopeOutcome(mail, rcpt, false);
    } catch (MailCommandException refused) {
      if (bdat.positive()) {
        session.abort();
        List<EmailAddress> maybe = new ArrayList<>();
        for (int i = 0; i < envelope.size(); i++) {
          if (rcpt.get(i).positive()) {
            maybe.add(envelope.get(i));
          }
        }
        String envelopeRefusal = mail.positive() ? "every recipient" : "the sender (" + redact(mail) + ")";
        throw new MailDeliveryUnknownException(operation + " failed: " + session.server() + " refused " + envelopeRefusal
            + " but accepted the message content (" + redact(bdat) + "), so it may have delivered it. It was not sent"
            + " again and the connection was closed; check the recipients' mailboxes before resending (Message-ID " + id
            + ")", id, maybe.isEmpty() ? envelope : maybe, refused);
      }
      reset();
      throw refused;
    }
  }

  /** Checks that a reply fits the command it is matched with (replies come in order). */
  private Reply expect(Reply r, String command, boolean intermediate) {
    boolean fits = intermediate ? r.code() == 354 || r.code() >= 400 : r.code() < 300 || r.code() >= 400;
    if (!fits) {
      session.abort();
      throw new MailConnectionException(operation + " failed: " + session.server() + " answered " + command + " with "
          + redact(r) + ", which is no answer to it: its replies no longer match the commands (out of order, or more"
          + " or fewer than the commands), so the connection was closed");
    }
    session.completed(command, r);
    return r;
  }

  /** Ends the transaction after a refusal; a failure here only closes the connection. */
  private void reset() {
    if (session.isClosed()) {
      return;
    }
    try {
      if (!session.command("RSET", "RSET").positive()) {
        session.abort();
      }
    } catch (MailConnectionException e) {
      session.abort();
    }
  }

  private MailCommandException refused(String why) {
    return new MailCommandException(operation, why, null);
  }

  private static String redact(Reply r) {
    return Secrets.redact(r.shortDisplay());
  }

  private String mailCommand(MessageContent content) {
    StringBuilder b = new StringBuilder("MAIL FROM:<").append(envelopeAddress(message.from())).append('>');
    if (session.has("SIZE")) {
      b.append(" SIZE=").append(content.size());
    }
    if (session.has("8BITMIME")) {
      b.append(" BODY=8BITMIME");
    }
    if (needsUtf8()) {
      b.append(" SMTPUTF8");
    }
    options.returnContent().ifPresent(r -> b.append(" RET=").append(r == SendOptions.Return.FULL ? "FULL" : "HDRS"));
    options.envelopeId().ifPresent(e -> b.append(" ENVID=").append(xtext(e)));
    if (options.requireTls()) {
      b.append(" REQUIRETLS");
    }
    return b.toString();
  }

  private String rcptCommand(EmailAddress a) {
    StringBuilder b = new StringBuilder("RCPT TO:<").append(envelopeAddress(a)).append('>');
    options.notify(a).ifPresent(n -> b.append(" NOTIFY=").append(notify(n)));
    options.originalRecipient(a).ifPresent(o -> b.append(" ORCPT=rfc822;").append(xtext(o)));
    return b.toString();
  }

  private static String notify(Set<SendOptions.Notify> when) {
    if (when.isEmpty()) {
      return "NEVER";
    }
    return when.stream().map(n -> n.name()).sorted().collect(Collectors.joining(","));
  }

  /** RFC 3461 xtext: printable ASCII except "+" and "=", the rest as {@code +HH}. */
  static String xtext(String s) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      int c = x & 0xff;
      if (c >= 33 && c <= 126 && c != '+' && c != '=') {
        b.append((char) c);
      } else {
        b.append('+').append(String.format(Locale.ROOT, "%02X", c));
      }
    }
    return b.toString();
  }

  private long sizeLimit() {
    String p = session.parameter("SIZE").orElse("").strip();
    if (p.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseLong(p);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private boolean needsUtf8() {
    return all().stream().anyMatch(EmailAddress::needsSmtpUtf8);
  }

  private List<EmailAddress> all() {
    List<EmailAddress> all = new ArrayList<>(envelope);
    all.add(message.from());
    return all;
  }

  static String envelopeAddress(EmailAddress a) {
    return a.needsSmtpUtf8() ? a.address() : a.asciiAddress();
  }

  /**
   * Cuts streamed content into {@code BDAT n} chunks of {@link #CHUNK} bytes, keeping the last (the
   * remainder) for {@code BDAT n LAST}. With PIPELINING the chunks' replies are read at the end, or
   * as soon as more than eight are outstanding; without it, after each chunk.
   */
  private final class Chunker extends OutputStream {
    final byte[] buffer = new byte[CHUNK];
    int filled;
    int unread;
    @Nullable Reply failed;
    private final boolean pipelining;

    Chunker(boolean pipelining) {
      this.pipelining = pipelining;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (filled == buffer.length) {
          emit();
        }
        int n = Math.min(len, buffer.length - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }

    private void emit() throws IOException {
      String header = "BDAT " + filled;
      session.write(header, header);
      session.traceContent("message content: " + filled + " bytes");
      session.output().write(buffer, 0, filled);
      filled = 0;
      unread++;
      if (!pipelining || unread > 8) {
        session.flush(operation);
        Reply r = expect(session.read(operation), "BDAT", false);
        unread--;
        if (failed == null && !r.positive()) {
          failed = r;
        }
      }
    }
  }

  /** The connection was lost before the message was handed over: sending again cannot duplicate it. */
  static final class LostBeforeHandover extends Exception {
    private static final long serialVersionUID = 1L;
    final transient MailConnectionException failure;

    LostBeforeHandover(MailConnectionException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }
}
