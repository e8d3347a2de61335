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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
  static final String RAW = "raw socket pipelined MAIL/RCPT/DATA";
  static final String TRANSPORT = "Satchel Transport (1 connection)";
  static final String POOL = "Satchel TransportPool (4 threads)";
  static final String DEFAULT_POOL = "Satchel TransportPool (defaults: " + TransportPool.DEFAULT_MAX_CONNECTIONS
      + " connections; " + POOL_THREADS + " threads)";
  static final String ANGUS_ONE = "Angus one connected Transport";
  /** What a Java developer would use instead; one connected Angus Transport is the strongest of them. */
  static final List<String> PEERS = List.of("Angus Transport.send per message", "Simple Java Mail 8.12 sendMail",
      "Spring JavaMailSenderImpl per message", "Spring JavaMailSenderImpl batch", ANGUS_ONE);
  /** Variants that open a connection per message: fewer runs, under the time budget. */
  static final Set<String> PER_MESSAGE = Set.of("Angus Transport.send per message", "Simple Java Mail 8.12 sendMail",
      "Spring JavaMailSenderImpl per message");

  private final BenchTarget target;
  private final int count;
  private final String body;
  private volatile int sent;
  private long total;

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

  /** {@link #settle}, noting instead of failing when the sink cannot be reached (the measured run is kept). */
  private void settleQuietly(int expected, Duration timeout) {
    try {
      settle(expected, timeout);
    } catch (IOException e) {
      System.out.println("    note: could not check and empty the sink (" + e.getMessage() + "); going on");
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
    return pool(n, TransportPool.builder(target.satchel(Protocol.SMTP)).maxConnections(POOL_THREADS)
        .maxMessagesPerConnection(Integer.MAX_VALUE));
  }

  private long pool(int n, TransportPool.Builder builder) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(POOL_THREADS);
    try (TransportPool pool = builder.build()) {
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

  /**
   * Satchel: a {@link TransportPool} with every setting at its default ({@value
   * TransportPool#DEFAULT_MAX_CONNECTIONS} connections, a new connection after {@value
   * TransportPool#DEFAULT_MAX_MESSAGES_PER_CONNECTION} messages) fed by {@value #POOL_THREADS} threads.
   */
  long satchelDefaultPool(int n) throws Exception {
    return pool(n, TransportPool.builder(target.satchel(Protocol.SMTP)));
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
    } catch (Budget.Exceeded e) {
      throw e; // the run is extrapolated, not failed
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

  /** One sending variant: hands {@code n} messages over and returns how many. */
  @FunctionalInterface
  interface SendFn {
    long send(int n) throws Exception;
  }

  /**
   * The sending variants, in measuring order: the floor, Satchel, the peers, one connected Angus
   * Transport; the Satchel pool at its defaults when {@code defaultPool}, else with unlimited messages
   * per connection.
   */
  Map<String, SendFn> variants(boolean defaultPool) {
    Map<String, SendFn> v = new LinkedHashMap<>();
    v.put(RAW, this::rawPipelined);
    v.put(TRANSPORT, this::satchelTransport);
    if (defaultPool) {
      v.put(DEFAULT_POOL, this::satchelDefaultPool);
    } else {
      v.put(POOL, this::satchelPool);
    }
    v.put("Angus Transport.send per message", this::angusStaticSend);
    v.put("Simple Java Mail 8.12 sendMail", this::simpleJavaMail);
    v.put("Spring JavaMailSenderImpl per message", this::springPerMessage);
    v.put("Spring JavaMailSenderImpl batch", this::springBatch);
    v.put(ANGUS_ONE, this::angusOneConnection);
    return v;
  }

  /** Messages handed over by every run and warm-up so far. */
  long total() {
    return total;
  }

  /**
   * Measures one variant: {@code warmups} runs of a tenth of {@link #count()} messages, then
   * {@code runs} runs of {@link #count()} ({@code slowRuns} for the variants that open a connection per
   * message, which also get the time budget); after each run, outside the timed part, waits until the
   * sink holds every message handed over and empties it.
   */
  Runner.Result measure(String variant, SendFn fn, int warmups, int runs, int slowRuns) {
    Duration settle = Duration.ofSeconds(Math.max(60, count / 5));
    int warmCount = Math.max(1, count / 10);
    boolean slow = PER_MESSAGE.contains(variant);
    List<Double> seconds = new ArrayList<>();
    String note = "";
    String error = null;
    for (int w = 0; w < warmups && error == null; w++) {
      Runner.Result warm = Runner.measure(variant + " (warm-up " + warmCount + ")", 0, 1, () -> fn.send(warmCount), slow);
      total += sent;
      settleQuietly(sent, settle);
      error = warm.error();
    }
    for (int r = 0; r < (slow ? slowRuns : runs) && error == null; r++) {
      Runner.Result one = Runner.measure(variant + " (run " + (r + 1) + ")", 0, 1, () -> fn.send(count), slow);
      total += sent;
      settleQuietly(sent, settle);
      error = one.error();
      seconds.addAll(one.seconds());
      if (!one.note().isEmpty()) {
        note = one.note();
        break;
      }
    }
    Runner.Result r = new Runner.Result(variant, error == null ? seconds : List.of(), count, 0, note, error);
    System.out.printf(Locale.ROOT, "    %-44s median %9.3f s  (%.0f msg/s)%n", variant, r.median(), count / r.median());
    return r;
  }

  static void shutdown(ExecutorService e) throws InterruptedException {
    e.shutdown();
    e.awaitTermination(10, TimeUnit.SECONDS);
  }
}
