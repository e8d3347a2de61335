package dev.satchel.mail.smtp;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailDeliveryUnknownException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Server;
import dev.satchel.mail.Transport;
import dev.satchel.mail.events.SendEvent;
import dev.satchel.mail.internal.Events;
import dev.satchel.mail.internal.SentFolder;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP {@link Transport} on Satchel's own engine ({@link SmtpSession}, {@link MailTransaction}):
 * one connection reused across sends, reconnecting transparently when the server dropped it before a
 * message was handed over, and never sending a message again once it was (a loss after the hand-over
 * is a {@link MailDeliveryUnknownException}). Messages are composed by mail-core's MIME writer; Bcc
 * recipients go into the envelope only. Not thread-safe (see {@link Transport}).
 */
final class SmtpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);
  private static final Logger traceLog = LoggerFactory.getLogger("dev.satchel.mail.smtp.trace");

  private final MailSettings settings;
  private final Server server;
  private final @Nullable ProtocolTrace trace;
  private @Nullable SmtpSession session;
  private boolean closed;

  private SmtpTransport(MailSettings settings) {
    this.settings = settings;
    this.server = settings.server();
    this.trace = traceLog.isTraceEnabled() ? new ProtocolTrace(traceLog, server.toString()) : null;
  }

  /** Connects and logs in. */
  static SmtpTransport open(MailSettings settings) {
    SmtpTransport t = new SmtpTransport(settings);
    t.connect();
    return t;
  }

  @Override
  public SendResult send(OutgoingMessage message, SendOptions options) {
    if (!Events.enabled(settings)) {
      return sendOnce(message, options);
    }
    long started = System.nanoTime();
    SendResult result;
    try {
      result = sendOnce(message, options);
    } catch (RuntimeException e) {
      String outcome = e instanceof MailDeliveryUnknownException ? "delivery-unknown"
          : e instanceof MailCommandException ? "rejected" : "failed";
      sent(0, e instanceof MailCommandException c ? c.rejectedRecipients().size() : 0, started, outcome);
      throw e;
    }
    sent(result.accepted().size(), result.rejected().size(), started, result.isComplete() ? "sent" : "partial");
    return result;
  }

  private void sent(int accepted, int rejected, long started, String outcome) {
    SendEvent e = new SendEvent(settings.accountName(), accepted, rejected, Events.since(started), outcome);
    Events.emit(settings.eventListener(), l -> l.messageSent(e));
  }

  private SendResult sendOnce(OutgoingMessage message, SendOptions options) {
    if (closed) {
      throw new IllegalStateException("this Transport to " + server + " is closed");
    }
    OutgoingMessage m = withIdAndDate(message);
    boolean reused = session != null && !session.isClosed();
    if (!reused) {
      connect();
    }
    SendResult result;
    try {
      result = attempt(m, options);
    } catch (MailTransaction.LostBeforeHandover lost) {
      closeConnection();
      if (!reused) {
        throw lost.failure;
      }
      log.debug("connection to {} was lost before message {} was handed over ({}); reconnecting to send it once more",
          server, m.messageId().orElse(""), lost.failure.getMessage());
      connect();
      try {
        result = attempt(m, options);
      } catch (MailTransaction.LostBeforeHandover again) {
        closeConnection();
        throw again.failure;
      }
    }
    if (options.saveToSent().isPresent()) {
      result = result.withSentCopy(SentFolder.save(options.saveToSent().get(), m));
    }
    return result;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeConnection();
  }

  @Override
  public String toString() {
    return "SmtpTransport[" + server + (closed ? ", closed" : "") + "]";
  }

  private void connect() {
    session = SmtpSession.open(settings, trace);
    log.debug("connected to {}{}", server, settings.credentials() == null ? "" : " as " + settings.credentials().username());
  }

  private void closeConnection() {
    SmtpSession s = session;
    session = null;
    if (s != null) {
      s.close();
    }
  }

  private SendResult attempt(OutgoingMessage m, SendOptions options) throws MailTransaction.LostBeforeHandover {
    SmtpSession s = session;
    if (s == null) {
      throw new IllegalStateException("not connected");
    }
    MailTransaction transaction = new MailTransaction(s, m, options, envelope(m));
    MessageContent content = transaction.prepare();
    SendResult result;
    try {
      result = transaction.send(content);
    } catch (MailDeliveryUnknownException e) {
      closeConnection();
      throw e;
    } catch (MailConnectionException e) {
      closeConnection();
      throw e;
    }
    if (s.isClosed()) {
      closeConnection(); // the server ended the session after answering (421): reconnect next time
    }
    log.debug("sent {} to {} recipient(s) via {}; {} refused", result.messageId(), result.accepted().size(), server,
        result.rejected().size());
    return result;
  }

  /** Envelope recipients (To, Cc, Bcc) in order, without duplicates. */
  private static List<EmailAddress> envelope(OutgoingMessage m) {
    Map<String, EmailAddress> out = new LinkedHashMap<>();
    for (EmailAddress a : m.recipients()) {
      out.putIfAbsent(MailTransaction.envelopeAddress(a).toLowerCase(Locale.ROOT), a);
    }
    return new ArrayList<>(out.values());
  }

  private static OutgoingMessage withIdAndDate(OutgoingMessage m) {
    if (m.messageId().isPresent() && m.date().isPresent()) {
      return m;
    }
    OutgoingMessage.Builder b = m.toBuilder();
    if (m.messageId().isEmpty()) {
      b.messageId("<" + UUID.randomUUID() + "@" + m.from().asciiDomain() + ">");
    }
    if (m.date().isEmpty()) {
      b.date(OffsetDateTime.now());
    }
    return b.build();
  }
}
