package dev.satchel.mail.smtp;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.Credentials;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.RejectedRecipient;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Server;
import dev.satchel.mail.Transport;
import dev.satchel.mail.internal.AngusSessions;
import dev.satchel.mail.internal.MailExceptions;
import dev.satchel.mail.internal.OAuth2Tokens;
import dev.satchel.mail.internal.Secrets;
import dev.satchel.mail.internal.MimeWriter;
import dev.satchel.mail.internal.SentFolder;
import dev.satchel.mail.smtp.TrackingSmtpTransport.Phase;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.OutputStream;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Collectors;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SMTP session over one Angus connection, reused across sends, reconnecting transparently when
 * the server dropped it before a message was handed over. Not thread-safe (see {@link Transport}).
 */
final class SmtpTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(SmtpTransport.class);
  private static final Logger traceLog = LoggerFactory.getLogger("dev.satchel.mail.smtp.trace");

  /** Above this, a text attachment is not re-encoded as 8bit (Angus would hold it in memory as a String). */
  private static final long MAX_8BIT_CONVERSION = 1 << 20;

  private final MailSettings settings;
  private final Server server;
  private final Session session;
  private @Nullable Session utf8Session;
  private final String prefix;
  private final @Nullable ProtocolTrace trace;
  private @Nullable TrackingSmtpTransport transport;
  /** Whether the server offered SMTPUTF8 at the last connect: then connections are opened with UTF-8 enabled. */
  private boolean serverOffersUtf8;
  private boolean closed;
  /** The secret of the current connection, redacted from server text until {@link #close()}. */
  private Secrets.Registration secrets = Secrets.none();

  private SmtpTransport(MailSettings settings) {
    this.settings = settings;
    this.server = settings.server();
    String name = AngusSessions.protocolName(server);
    this.prefix = "mail." + name + ".";
    Properties extra = new Properties();
    Credentials credentials = settings.credentials();
    if (credentials != null) {
      extra.setProperty(prefix + "auth", "true");
      extra.setProperty(prefix + "auth.mechanisms",
          credentials instanceof Credentials.OAuth2 ? "XOAUTH2" : "PLAIN LOGIN");
    }
    extra.setProperty("mail.debug.auth", "false");
    this.trace = traceLog.isTraceEnabled() ? new ProtocolTrace(traceLog, server.toString()) : null;
    this.session = newSession(extra);
  }

  private Session newSession(Properties extra) {
    Session s = AngusSessions.session(settings, extra);
    if (trace != null) {
      s.setDebugOut(trace.printStream());
      s.setDebug(true);
    }
    return s;
  }

  /**
   * The session for connections to a server that offers SMTPUTF8: Angus then sends commands as UTF-8
   * and adds SMTPUTF8 to MAIL FROM. (Enabling it for servers without SMTPUTF8 makes Angus log a
   * warning on every connect, so it is only used once the server has shown the extension.)
   */
  private Session utf8Session() {
    Session s = utf8Session;
    if (s == null) {
      Properties extra = new Properties();
      extra.putAll(session.getProperties());
      extra.setProperty("mail.mime.allowutf8", "true");
      s = newSession(extra);
      utf8Session = s;
    }
    return s;
  }

  /** Connects and logs in. */
  static SmtpTransport open(MailSettings settings) {
    SmtpTransport t = new SmtpTransport(settings);
    t.connect();
    return t;
  }

  @Override
  public SendResult send(OutgoingMessage message, SendOptions options) {
    if (closed) {
      throw new IllegalStateException("this Transport to " + server + " is closed");
    }
    OutgoingMessage m = withIdAndDate(message);
    TrackingSmtpTransport t = transport;
    boolean reused = t != null && t.isOpen();
    if (!reused) {
      connect();
    }
    SendResult result;
    try {
      result = attempt(m, options);
    } catch (LostBeforeHandover lost) {
      closeConnection();
      if (!reused) {
        throw lost.failure;
      }
      log.debug("connection to {} was lost before message {} was handed over ({}); reconnecting to send it once more",
          server, m.messageId().orElse(""), lost.failure.getMessage());
      connect();
      try {
        result = attempt(m, options);
      } catch (LostBeforeHandover again) {
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
    TrackingSmtpTransport t = transport;
    transport = null;
    if (t != null) {
      closeQuietly(t);
    }
    secrets.close();
  }

  @Override
  public String toString() {
    return "SmtpTransport[" + server + (closed ? ", closed" : "") + "]";
  }

  // ---------------------------------------------------------------- connecting

  private void connect() {
    Credentials credentials = settings.credentials();
    if (credentials == null) {
      open(null, null);
    } else if (credentials instanceof Credentials.Password p) {
      open(p.username(), new String(p.secret()));
    } else if (credentials instanceof Credentials.OAuth2 o) {
      String token = OAuth2Tokens.token(o, false, server);
      try {
        open(o.username(), token);
      } catch (MailAuthenticationException refused) {
        log.debug("{} refused the OAuth2 token for {}; asking the token source for a fresh one and trying once more",
            server, o.username());
        open(o.username(), OAuth2Tokens.token(o, true, server));
      }
    }
  }

  private void open(@Nullable String user, @Nullable String secret) {
    if (trace != null && user != null && secret != null) {
      trace.addSecret(user, secret);
    }
    Secrets.Registration registration = user != null && secret != null ? Secrets.register(user, secret) : Secrets.none();
    try {
      openRegistered(user, secret);
    } catch (RuntimeException e) {
      registration.close();
      throw e;
    }
    secrets.close();
    secrets = registration;
  }

  private void openRegistered(@Nullable String user, @Nullable String secret) {
    boolean utf8 = serverOffersUtf8;
    TrackingSmtpTransport t = new TrackingSmtpTransport(utf8 ? utf8Session() : session, AngusSessions.protocolName(server),
        server.security() == dev.satchel.mail.Security.TLS, utf8);
    try {
      t.connect(server.host(), server.port(), user, secret);
    } catch (MessagingException e) {
      closeQuietly(t);
      throw MailExceptions.translateConnect(server, e);
    } catch (RuntimeException e) {
      closeQuietly(t);
      throw new MailConnectionException("connect to " + server + " failed: " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " (" + Secrets.redact(e.getMessage()) + ")"), Secrets.scrub(e));
    }
    if (user != null && !t.supportsExtension("AUTH") && !t.supportsExtension("AUTH=LOGIN")) {
      closeQuietly(t);
      throw new MailAuthenticationException(server + " does not offer SMTP AUTH"
          + (server.security() == dev.satchel.mail.Security.NONE
              ? " on a plaintext connection; most servers offer it only after STARTTLS: use Security.STARTTLS or TLS"
              : "; check the port: submission is usually 587 (STARTTLS) or 465 (TLS)")
          + ". No credential was sent");
    }
    serverOffersUtf8 = t.supportsExtension("SMTPUTF8");
    log.debug("connected to {}{}", server, user == null ? "" : " as " + user);
    transport = t;
  }

  private void closeConnection() {
    TrackingSmtpTransport t = transport;
    transport = null;
    if (t != null) {
      closeQuietly(t);
    }
  }

  private void closeQuietly(TrackingSmtpTransport t) {
    try {
      t.close();
    } catch (MessagingException | RuntimeException e) {
      log.debug("closing the SMTP connection to {} failed", server, Secrets.scrub(e));
    }
  }

  // ---------------------------------------------------------------- sending

  private SendResult attempt(OutgoingMessage m, SendOptions options) throws LostBeforeHandover {
    TrackingSmtpTransport t = transport;
    if (t == null) {
      throw new IllegalStateException("not connected");
    }
    String id = m.messageId().orElseThrow();
    String operation = "send message " + id;
    Map<String, EmailAddress> envelope = envelope(m);
    boolean smtpUtf8 = t.supportsExtension("SMTPUTF8");
    boolean needsUtf8 = false;
    for (EmailAddress a : envelopeAddresses(m)) {
      if (a.needsSmtpUtf8() && !smtpUtf8) {
        throw new MailCommandException(operation, "address " + a.address() + " has a non-ASCII local part, which needs"
            + " SMTPUTF8, and " + server + " does not offer SMTPUTF8; nothing was sent", null);
      }
      needsUtf8 |= a.needsSmtpUtf8();
    }
    if (needsUtf8 && !t.utf8()) {
      // This connection was opened before the server was known to offer SMTPUTF8: open one that uses it.
      closeConnection();
      connect();
      t = transport;
      if (t == null) {
        throw new IllegalStateException("not connected");
      }
    }
    MimeMessage mime = toMime(m);
    List<String> mailParams = new ArrayList<>();
    long limit = sizeLimit(t);
    if (limit > 0 && !surelySmaller(m, limit)) {
      long size = size(mime, operation);
      if (size > limit) {
        throw new MailCommandException(operation, "the message is " + size + " bytes, but " + server
            + " accepts at most " + limit + " bytes (SIZE); nothing was sent", null);
      }
      mailParams.add("SIZE=" + size);
    }
    boolean eightBit = t.supportsExtension("8BITMIME") && eightBitConvertible(m);
    if (eightBit) {
      mailParams.add("BODY=8BITMIME");
    }
    Properties props = session.getProperties();
    props.setProperty(prefix + "sendpartial", Boolean.toString(!options.requireAllRecipients()));
    props.setProperty(prefix + "allow8bitmime", Boolean.toString(eightBit));
    if (mailParams.isEmpty()) {
      props.remove(prefix + "mailextension");
    } else {
      props.setProperty(prefix + "mailextension", String.join(" ", mailParams));
    }
    Address[] recipients = new Address[envelope.size()];
    int i = 0;
    for (String a : envelope.keySet()) {
      InternetAddress ia = new InternetAddress();
      ia.setAddress(a);
      recipients[i++] = ia;
    }
    t.resetPhase();
    try {
      t.sendMessage(mime, recipients);
      log.debug("sent {} to {} recipient(s) via {}", id, recipients.length, server);
      return new SendResult(id, List.copyOf(envelope.values()), List.of());
    } catch (MessagingException e) {
      Phase phase = t.phase();
      if (phase == Phase.DONE && e instanceof SendFailedException sfe) {
        List<RejectedRecipient> rejected = rejections(sfe, envelope);
        List<EmailAddress> accepted = accepted(envelope, rejected);
        log.debug("sent {} to {} recipient(s) via {}; {} refused", id, accepted.size(), server, rejected.size());
        return new SendResult(id, accepted, rejected);
      }
      if (connectionLost(e, t)) {
        if (phase.compareTo(Phase.END_OF_DATA) < 0) {
          throw new LostBeforeHandover(lost(operation, e, t));
        }
        closeConnection();
        throw new MailConnectionException(operation + " failed: the connection to " + server + " was lost after the"
            + " whole message had been sent, before the server confirmed it. The server may have accepted it, so it"
            + " was not sent again; check the recipients' mailboxes before resending (Message-ID " + id + ")", e);
      }
      if (e instanceof SendFailedException sfe && phase == Phase.ENVELOPE) {
        List<RejectedRecipient> rejected = rejections(sfe, envelope);
        SMTPSenderFailedException sender = find(e, SMTPSenderFailedException.class);
        if (sender == null && !rejected.isEmpty()) {
          String summary = rejected.stream()
              .map(r -> r.address().address() + ": " + r.replyCode() + r.enhancedStatus().map(s -> " " + s).orElse("")
                  + " " + r.text())
              .collect(Collectors.joining("; "));
          String why = options.requireAllRecipients() && rejected.size() < envelope.size()
              ? "nothing was sent because every recipient is required and " + rejected.size() + " of " + envelope.size()
                  + " were refused"
              : "nothing was sent because every recipient was refused";
          throw new MailCommandException(operation, why + " (" + summary + ")", rejected, e);
        }
      }
      MailException translated = MailExceptions.translate(operation, server, e);
      if (translated instanceof MailConnectionException) {
        closeConnection();
      }
      throw translated;
    } finally {
      props.remove(prefix + "mailextension");
    }
  }

  private MimeMessage toMime(OutgoingMessage m) {
    return MimeWriter.toMimeMessage(m, session);
  }

  /** Envelope recipient (as sent in RCPT TO) to the caller's address, in order, without duplicates. */
  private static Map<String, EmailAddress> envelope(OutgoingMessage m) {
    Map<String, EmailAddress> out = new LinkedHashMap<>();
    for (EmailAddress a : m.recipients()) {
      out.putIfAbsent(envelopeAddress(a), a);
    }
    return out;
  }

  private static List<EmailAddress> envelopeAddresses(OutgoingMessage m) {
    List<EmailAddress> all = new ArrayList<>(m.recipients());
    all.add(m.from());
    return all;
  }

  private static String envelopeAddress(EmailAddress a) {
    return a.needsSmtpUtf8() ? a.address() : a.asciiAddress();
  }

  private static List<RejectedRecipient> rejections(SendFailedException e, Map<String, EmailAddress> envelope) {
    Map<String, EmailAddress> byLower = new LinkedHashMap<>();
    envelope.forEach((k, v) -> byLower.put(k.toLowerCase(Locale.ROOT), v));
    Map<String, RejectedRecipient> out = new LinkedHashMap<>();
    for (Exception x = e; x != null; x = x instanceof MessagingException me ? me.getNextException() : null) {
      if (x instanceof SMTPAddressFailedException af) {
        String addr = af.getAddress().getAddress();
        EmailAddress a = byLower.get(addr.toLowerCase(Locale.ROOT));
        if (a == null) {
          a = EmailAddress.tryParse(addr).orElse(null);
        }
        if (a != null) {
          SmtpReply reply = SmtpReply.parse(af.getMessage() == null ? "" : af.getMessage(), af.getReturnCode());
          out.putIfAbsent(addr.toLowerCase(Locale.ROOT), new RejectedRecipient(a, reply.code(), reply.enhancedStatus(), reply.text()));
        }
      }
      if (x instanceof MessagingException me && me.getNextException() == x) {
        break;
      }
    }
    return List.copyOf(out.values());
  }

  private static List<EmailAddress> accepted(Map<String, EmailAddress> envelope, List<RejectedRecipient> rejected) {
    List<EmailAddress> out = new ArrayList<>();
    for (EmailAddress a : envelope.values()) {
      boolean refused = rejected.stream().anyMatch(r -> r.address().equals(a));
      if (!refused) {
        out.add(a);
      }
    }
    return out;
  }

  /** True when the failure means the connection is gone (I/O error, EOF, or 421 service closing). */
  private static boolean connectionLost(MessagingException e, TrackingSmtpTransport t) {
    if (!t.isOpen()) {
      return true;
    }
    for (Throwable x = e; x != null; x = next(x)) {
      if (x instanceof IOException) {
        return true;
      }
      int code = x instanceof SMTPSendFailedException s ? s.getReturnCode()
          : x instanceof SMTPAddressFailedException a ? a.getReturnCode()
          : x instanceof SMTPSenderFailedException f ? f.getReturnCode() : 0;
      if (code == -1 || code == 421) {
        return true;
      }
    }
    int last = t.getLastReturnCode();
    return last == -1 || last == 421;
  }

  private MailException lost(String operation, MessagingException e, TrackingSmtpTransport t) {
    MailException translated = MailExceptions.translate(operation, server, e);
    if (translated instanceof MailConnectionException) {
      return translated;
    }
    String reply = t.getLastServerResponse();
    return new MailConnectionException(operation + " failed: " + server + " closed the connection before the message"
        + " was handed over, so it was not delivered" + (reply == null || reply.isBlank() ? "" : " (" + reply.strip() + ")"), e);
  }

  private static @Nullable Throwable next(Throwable x) {
    Throwable n = x instanceof MessagingException me && me.getNextException() != null ? me.getNextException() : x.getCause();
    return n == x ? null : n;
  }

  private static <T> @Nullable T find(Throwable e, Class<T> type) {
    int depth = 0;
    for (Throwable x = e; x != null && depth < 50; x = next(x), depth++) {
      if (type.isInstance(x)) {
        return type.cast(x);
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- size and encoding

  private static long sizeLimit(TrackingSmtpTransport t) {
    String p = t.getExtensionParameter("SIZE");
    if (p == null || p.isBlank()) {
      return 0;
    }
    try {
      return Long.parseLong(p.strip());
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** A cheap upper bound, so that the exact size is only computed when it might matter. */
  private static boolean surelySmaller(OutgoingMessage m, long limit) {
    long bound = 64 * 1024;
    bound += 12L * (m.text().map(String::length).orElse(0) + m.html().map(String::length).orElse(0) + m.subject().length());
    for (Attachment a : m.attachments()) {
      if (a.size().isEmpty()) {
        return false;
      }
      bound += a.size().getAsLong() * 4 / 3 * 78 / 76 + 2048;
    }
    return bound <= limit;
  }

  private static long size(MimeMessage mime, String operation) {
    CountingStream counter = new CountingStream();
    try {
      mime.writeTo(counter);
    } catch (IOException | MessagingException e) {
      throw new MailCommandException(operation, "cannot read the message content to measure its size: " + e.getMessage(), e);
    }
    return counter.count;
  }

  /** Whether Angus may re-encode text parts as 8bit: only when no large text attachment would be held in memory. */
  private static boolean eightBitConvertible(OutgoingMessage m) {
    for (Attachment a : m.attachments()) {
      if (a.mediaType().startsWith("text/") && (a.size().isEmpty() || a.size().getAsLong() > MAX_8BIT_CONVERSION)) {
        return false;
      }
    }
    return true;
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

  private static final class CountingStream extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** The connection was lost before the message was handed over: sending again cannot duplicate it. */
  private static final class LostBeforeHandover extends Exception {
    private static final long serialVersionUID = 1L;
    final transient MailException failure;

    LostBeforeHandover(MailException failure) {
      super(failure.getMessage(), failure, false, false);
      this.failure = failure;
    }
  }
}
