package dev.satchel.mail.bench;

import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.SendResult;
import dev.satchel.mail.Transport;
import dev.satchel.mail.TransportPool;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.simplejavamail.api.email.Email;
import org.simplejavamail.api.mailer.Mailer;
import org.simplejavamail.api.mailer.config.TransportStrategy;
import org.simplejavamail.email.EmailBuilder;
import org.simplejavamail.mailer.MailerBuilder;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;

/**
 * Scenario 3: send {@code count} small text messages to the sink account over plain SMTP (no
 * authentication), building each message inside the timed loop as a user would. After every run
 * the harness waits until the sink's INBOX holds every message (so that a real MTA's delivery work
 * does not spill into the next measurement), then empties it.
 */
final class SendBench {
  static final int POOL_THREADS = 4;

  private final BenchTarget target;
  private final int count;
  private final String body;
  private volatile int sent;

  SendBench(BenchTarget target, int count) {
    this.target = target;
    this.count = count;
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      b.append("Line ").append(i).append(" of a benchmark message; about a kilobyte of plain text in all.\n");
    }
    this.body = b.toString();
  }

  int count() {
    return count;
  }

  /** How many messages the last run handed over (less than asked when it ran out of time). */
  int sent() {
    return sent;
  }

  private String subject(int i) {
    return "Bench message " + i;
  }

  private OutgoingMessage satchelMessage(int i) {
    return OutgoingMessage.builder().from(target.user().login()).to(target.sink().login()).subject(subject(i)).text(body)
        .build();
  }

  private MimeMessage angusMessage(Session session, int i) throws MessagingException {
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(target.user().login()));
    m.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress(target.sink().login()));
    m.setSubject(subject(i), "UTF-8");
    m.setText(body, "UTF-8");
    m.setSentDate(new java.util.Date());
    return m;
  }

  /** Empties the sink's INBOX. */
  void clearSink() throws IOException {
    try (RawImap imap = target.rawSinkImap()) {
      imap.deleteAll("INBOX");
    }
  }

  /** Waits (at most {@code timeout}) until the sink's INBOX holds {@code expected} messages, then empties it. */
  void settle(int expected, Duration timeout) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (RawImap imap = target.rawSinkImap()) {
      int have = imap.messages("INBOX");
      while (have < expected && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        have = imap.messages("INBOX");
      }
      if (have < expected) {
        System.out.printf("    note: only %d of %d messages reached the sink within %s%n", have, expected, timeout);
      }
      imap.deleteAll("INBOX");
    }
  }

  /** Satchel: one {@link Transport}, one connection, sequential sends. */
  long satchelTransport(int n) {
    try (Transport smtp = Transport.connect(target.satchel(Protocol.SMTP))) {
      for (int i = 0; i < n; i++) {
        SendResult r = smtp.send(satchelMessage(i));
        if (!r.isComplete()) {
          throw new IllegalStateException("not delivered: " + r);
        }
      }
    }
    sent = n;
    return n;
  }

  /**
   * The floor: a raw socket that sends the same messages (a hand-written RFC 5322 text of the same
   * headers and body) with MAIL FROM, RCPT TO and DATA in one flight per message (RFC 2920), then the
   * content and the final dot, reading the four replies in order. No MIME library, no checks beyond
   * the reply codes: what one connection can do at best.
   */
  long rawPipelined(int n) throws IOException {
    try (java.net.Socket s = new java.net.Socket()) {
      s.connect(new java.net.InetSocketAddress(target.host(), target.smtpPort()), 10_000);
      s.setSoTimeout(60_000);
      s.setTcpNoDelay(true);
      java.io.BufferedReader in = new java.io.BufferedReader(
          new java.io.InputStreamReader(s.getInputStream(), java.nio.charset.StandardCharsets.ISO_8859_1));
      java.io.OutputStream out = new java.io.BufferedOutputStream(s.getOutputStream(), 16 * 1024);
      rawReply(in, "greeting", 220);
      rawWrite(out, "EHLO bench.test\r\n");
      out.flush();
      rawReply(in, "EHLO", 250);
      String from = target.user().login();
      String to = target.sink().login();
      String content = body.replace("\n", "\r\n");
      for (int i = 0; i < n; i++) {
        rawWrite(out, "MAIL FROM:<" + from + ">\r\nRCPT TO:<" + to + ">\r\nDATA\r\n");
        out.flush();
        rawReply(in, "MAIL FROM", 250);
        rawReply(in, "RCPT TO", 250);
        rawReply(in, "DATA", 354);
        rawWrite(out, "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject(i) + "\r\nMessage-ID: <raw-" + i
            + "-" + System.nanoTime() + "@bench.test>\r\nDate: " + java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)) + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
            + content + ".\r\n");
        out.flush();
        rawReply(in, "end of data", 250);
      }
      rawWrite(out, "QUIT\r\n");
      out.flush();
    }
    sent = n;
    return n;
  }

  private static void rawWrite(java.io.OutputStream out, String s) throws IOException {
    out.write(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Reads one (possibly multi-line) reply and checks its code. */
  private static void rawReply(java.io.BufferedReader in, String what, int expected) throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        throw new IOException("connection closed waiting for the reply to " + what);
      }
    } while (line.length() > 3 && line.charAt(3) == '-');
    if (!line.startsWith(Integer.toString(expected))) {
      throw new IOException("unexpected reply to " + what + ": " + line);
    }
  }

  /** Satchel: a {@link TransportPool} of {@value #POOL_THREADS} connections fed by as many threads. */
  long satchelPool(int n) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(POOL_THREADS);
    try (TransportPool pool = TransportPool.builder(target.satchel(Protocol.SMTP)).maxConnections(POOL_THREADS)
        .maxMessagesPerConnection(Integer.MAX_VALUE).build()) {
      List<Future<SendResult>> results = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        int k = i;
        results.add(threads.submit(() -> pool.send(satchelMessage(k))));
      }
      for (Future<SendResult> f : results) {
        if (!f.get().isComplete()) {
          throw new IllegalStateException("not delivered: " + f.get());
        }
      }
    } finally {
      threads.shutdownNow();
    }
    sent = n;
    return n;
  }

  /** Angus: the static {@code Transport.send(message)} per message: a new connection each time. */
  long angusStaticSend(int n) throws MessagingException {
    Session session = Session.getInstance(target.angus("smtp"));
    for (int i = 0; i < n; i++) {
      jakarta.mail.Transport.send(angusMessage(session, i));
      sent = i + 1;
      Budget.check(i + 1, n);
    }
    sent = n;
    return n;
  }

  /** Angus done well: one connected {@code Transport}, {@code sendMessage} per message (a reference point). */
  long angusOneConnection(int n) throws MessagingException {
    Session session = Session.getInstance(target.angus("smtp"));
    try (jakarta.mail.Transport t = session.getTransport("smtp")) {
      t.connect();
      for (int i = 0; i < n; i++) {
        MimeMessage m = angusMessage(session, i);
        m.saveChanges();
        t.sendMessage(m, m.getAllRecipients());
      }
    }
    sent = n;
    return n;
  }

  /** Simple Java Mail: one {@code Mailer}, synchronous {@code sendMail} per message. */
  long simpleJavaMail(int n) {
    TransportStrategy.SMTP.setOpportunisticTLS(false);
    try (Mailer mailer = MailerBuilder.withSMTPServer(target.host(), target.smtpPort())
        .withTransportStrategy(TransportStrategy.SMTP).withSessionTimeout(120_000).buildMailer()) {
      for (int i = 0; i < n; i++) {
        Email email = EmailBuilder.startingBlank().from(target.user().login()).to(target.sink().login())
            .withSubject(subject(i)).withPlainText(body).buildEmail();
        mailer.sendMail(email).join();
        sent = i + 1;
      Budget.check(i + 1, n);
      }
    } catch (Exception e) {
      throw new IllegalStateException("Simple Java Mail failed: " + e.getMessage(), e);
    }
    sent = n;
    return n;
  }

  private JavaMailSenderImpl spring() {
    JavaMailSenderImpl sender = new JavaMailSenderImpl();
    sender.setHost(target.host());
    sender.setPort(target.smtpPort());
    sender.setJavaMailProperties(target.angus("smtp"));
    return sender;
  }

  private MimeMessage springMessage(JavaMailSenderImpl sender, int i) throws MessagingException {
    MimeMessage m = sender.createMimeMessage();
    MimeMessageHelper h = new MimeMessageHelper(m, "UTF-8");
    h.setFrom(target.user().login());
    h.setTo(target.sink().login());
    h.setSubject(subject(i));
    h.setText(body);
    return m;
  }

  /** Spring's {@code JavaMailSenderImpl.send(message)} per message (a new connection per call). */
  long springPerMessage(int n) throws MessagingException {
    JavaMailSenderImpl sender = spring();
    for (int i = 0; i < n; i++) {
      sender.send(springMessage(sender, i));
      sent = i + 1;
      Budget.check(i + 1, n);
    }
    sent = n;
    return n;
  }

  /** Spring's batch {@code JavaMailSenderImpl.send(MimeMessage...)}: every message over one connection. */
  long springBatch(int n) throws MessagingException {
    JavaMailSenderImpl sender = spring();
    MimeMessage[] all = new MimeMessage[n];
    for (int i = 0; i < n; i++) {
      all[i] = springMessage(sender, i);
    }
    sender.send(all);
    sent = n;
    return n;
  }

  static void shutdown(ExecutorService e) throws InterruptedException {
    e.shutdown();
    e.awaitTermination(10, TimeUnit.SECONDS);
  }
}
