package dev.satchel.mail.smtp;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import dev.satchel.mail.internal.Events;
import dev.satchel.mail.internal.MailExceptions;
import dev.satchel.mail.internal.OAuth2Tokens;
import dev.satchel.mail.internal.Secrets;
import dev.satchel.mail.internal.ServerLimitException;
import dev.satchel.mail.internal.wire.Deadline;
import dev.satchel.mail.internal.wire.SaslClient;
import dev.satchel.mail.internal.wire.WireConnection;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One SMTP connection on Satchel's wire core (RFC 5321): greeting, EHLO (HELO when EHLO is refused),
 * STARTTLS (required when the settings say so: nothing goes on in clear), AUTH by SASL as the server
 * offers it (a token only ever by XOAUTH2 or OAUTHBEARER), and the primitives a mail transaction
 * needs: buffered command lines, bounded replies read in order, the raw output for message content.
 *
 * <p>Replies are bounded: a line of at most {@link #MAX_LINE} bytes, at most {@link #MAX_REPLY_LINES}
 * lines and {@link #MAX_REPLY_BYTES} bytes per reply; a server that goes past one gets its connection
 * closed with a {@link MailConnectionException} naming the limit. Every operation runs under a
 * {@link Deadline} of {@code operationTimeout} (set by {@link #beginOperation()}), on top of the socket
 * timeouts.
 *
 * <p>Failures are Satchel's exceptions; any I/O failure, passed deadline or unreadable reply closes the
 * connection and is a {@link MailConnectionException}. Not thread-safe; {@link #abort()} may be called
 * from any thread.
 */
final class SmtpSession implements Closeable {
  /** What the last SASL exchange's OAuth2 error report said ({@link SaslClient#errorDetail()}). */
  private String saslErrorDetail = "";

  /** The longest AUTH command line with its initial response, CRLF included (RFC 4954 section 4). */
  private static final int MAX_AUTH_LINE = 512;

  /** The longest reply line accepted, in bytes (RFC 5321 allows 512). */
  static final int MAX_LINE = 64 * 1024;
  /** The most lines in one reply (an EHLO answer has a few dozen). */
  static final int MAX_REPLY_LINES = 1000;
  /** The most bytes in one reply, all its lines together. */
  static final int MAX_REPLY_BYTES = 1 << 20;

  private static final byte[] CRLF = {'\r', '\n'};

  private final MailSettings settings;
  private final Server server;
  private final WireConnection connection;
  private final WireReader reader;
  private final @Nullable ProtocolTrace trace;
  /** EHLO keywords (upper case) to their parameters. */
  private final Map<String, String> extensions = new HashMap<>();
  private final Set<String> authMechanisms = new LinkedHashSet<>();
  private final List<Secrets.Registration> secrets = new ArrayList<>();
  private volatile boolean closed;
  private String loginMechanism = "none";
  private long flushedAt;

  private SmtpSession(MailSettings settings, WireConnection connection, @Nullable ProtocolTrace trace) {
    this.settings = settings;
    this.server = settings.server();
    this.connection = connection;
    this.trace = trace;
    this.reader = new WireReader(connection.input(), 16 * 1024, MAX_LINE);
  }

  /**
   * Connects, reads the greeting, says EHLO, upgrades with STARTTLS when the settings ask for it and
   * logs in when they carry credentials; all within one operation deadline.
   *
   * @throws MailConnectionException when the server cannot be reached, its greeting is not 220, TLS
   *     fails, STARTTLS is required but not offered, or the deadline passes
   * @throws MailAuthenticationException when the credentials are refused, or the server offers no
   *     way to use them (then they are not sent)
   */
  static SmtpSession open(MailSettings settings, @Nullable ProtocolTrace trace) {
    WireConnection c = WireConnection.connect(settings, settings.operationTimeout());
    SmtpSession s = new SmtpSession(settings, c, trace);
    try {
      s.greetAndLogin();
      return s;
    } catch (RuntimeException e) {
      s.abort();
      throw e;
    }
  }

  private void greetAndLogin() {
    Reply greeting = read("connect");
    if (greeting.code() != 220) {
      throw new MailConnectionException("connect to " + server + " failed: the server's greeting was not 220 ("
          + greeting.shortDisplay() + "); check that the port is an SMTP port");
    }
    hello();
    if (server.security() == Security.STARTTLS) {
      startTls();
    }
    Credentials credentials = settings.credentials();
    if (credentials != null) {
      Events.timedLogin(settings, () -> login(credentials), () -> loginMechanism);
    }
  }

  private void hello() {
    extensions.clear();
    authMechanisms.clear();
    Reply ehlo = command("EHLO " + ClientName.NAME, "connect");
    if (ehlo.code() == 250) {
      for (String line : ehlo.lines().subList(1, ehlo.lines().size())) {
        String[] kw = line.strip().split("[ =]", 2);
        String key = kw[0].toUpperCase(Locale.ROOT);
        String params = kw.length > 1 ? kw[1].strip() : "";
        extensions.putIfAbsent(key, params);
        if (key.equals("AUTH")) {
          for (String m : params.split(" ")) {
            if (!m.isBlank()) {
              authMechanisms.add(m.toUpperCase(Locale.ROOT));
            }
          }
        }
      }
      return;
    }
    if (ehlo.code() >= 500) {
      Reply helo = command("HELO " + ClientName.NAME, "connect");
      if (helo.code() == 250) {
        return;
      }
      ehlo = helo;
    }
    throw new MailConnectionException("connect to " + server + " failed: the server refused EHLO and HELO ("
        + ehlo.shortDisplay() + ")");
  }

  private void startTls() {
    if (!has("STARTTLS")) {
      throw new MailConnectionException("connect to " + server + " failed: the server does not offer STARTTLS, and"
          + " STARTTLS is required, so the connection was closed before any credential or message was sent. Use"
          + " Security.TLS on the implicit-TLS port (usually 465), or check that this is the right server");
    }
    Reply r = command("STARTTLS", "connect");
    if (r.code() != 220) {
      throw new MailConnectionException("connect to " + server + " failed: the server refused STARTTLS ("
          + r.shortDisplay() + "); nothing was sent in clear");
    }
    try {
      reader.switchTo(connection.input()); // refuses bytes sent ahead of the handshake
      connection.startTls();
      reader.switchTo(connection.input());
    } catch (IOException e) {
      connection.close();
      throw MailExceptions.translateConnect(server, e);
    }
    hello(); // what was said before TLS is not trusted
  }

  private void login(Credentials credentials) {
    if (!has("AUTH")) {
      throw new MailAuthenticationException(server + " does not offer SMTP AUTH"
          + (server.security() == Security.NONE
              ? " on a plaintext connection; most servers offer it only after STARTTLS: use Security.STARTTLS or TLS"
              : "; check the port: submission is usually 587 (STARTTLS) or 465 (TLS)")
          + ". No credential was sent", null);
    }
    SaslClient.Mechanism mechanism = SaslClient.choose(credentials, authMechanisms).orElse(null);
    if (mechanism == null) {
      throw new MailAuthenticationException(server + " offers SMTP AUTH with " + authMechanisms + " only, none of which"
          + (credentials instanceof Credentials.OAuth2
              ? " takes an OAuth2 token (XOAUTH2 or OAUTHBEARER); use password credentials (an app password)"
              : " takes a password (PLAIN or LOGIN)")
          + ". No credential was sent", null);
    }
    loginMechanism = mechanism.wireName();
    String user = credentials.username();
    String secret = credentials instanceof Credentials.Password p ? new String(p.secret())
        : OAuth2Tokens.token((Credentials.OAuth2) credentials, false, server);
    Reply done = authenticate(mechanism, user, secret);
    if (!done.positive() && credentials instanceof Credentials.OAuth2 oauth && done.code() != 421) {
      // the token may have expired: ask the token source for a fresh one, once
      done = authenticate(mechanism, user, OAuth2Tokens.token(oauth, true, server));
    }
    if (done.code() == 421) {
      abort();
      throw new MailConnectionException("login to " + server + " failed: the server closed the connection ("
          + Secrets.redact(done.shortDisplay()) + ")");
    }
    if (!done.positive()) {
      throw credentials instanceof Credentials.OAuth2
          ? MailExceptions.oauth2LoginRefused(server, done.display() + saslErrorDetail)
          : MailExceptions.authenticationFailed(server, done.display(), null);
    }
  }

  private Reply authenticate(SaslClient.Mechanism mechanism, String user, String secret) {
    secrets.add(Secrets.register(user, secret));
    if (trace != null) {
      trace.addSecret(user, secret);
    }
    SaslClient sasl = SaslClient.start(mechanism, user, secret, server.host(), server.port());
    saslErrorDetail = "";
    byte[] initial = sasl.initialResponse();
    String command = "AUTH " + mechanism.wireName();
    String initialWire = initial == null ? null : initial.length == 0 ? "=" : b64(initial);
    // RFC 4954 section 4: an initial response that would take the AUTH line past 512 octets (an
    // OAuth2 token usually does) goes after the server's first 334 instead.
    String deferred = null;
    if (initialWire != null && command.length() + 1 + initialWire.length() + 2 > MAX_AUTH_LINE) {
      deferred = initialWire;
    }
    if (initialWire != null && deferred == null) {
      write(command + " " + initialWire, command + " [redacted]");
    } else {
      write(command, command);
    }
    flush("login");
    for (int step = 0; step < 10; step++) {
      Reply r = read("login");
      if (r.code() != 334) {
        saslErrorDetail = sasl.errorDetail();
        return r;
      }
      if (deferred != null) {
        write(deferred, "[redacted]");
        deferred = null;
      } else {
        write(b64(sasl.respond(decode(r.text()))), "[redacted]");
      }
      flush("login");
    }
    abort();
    throw new MailConnectionException("login to " + server + " failed: the server sent more than 10 AUTH challenges");
  }

  /** Starts a new operation: every following wait is bounded by one {@code operationTimeout}. */
  void beginOperation() {
    connection.deadline(Deadline.in(settings.operationTimeout()));
  }

  /** True when the server offered {@code keyword} in its EHLO answer (any case). */
  boolean has(String keyword) {
    return extensions.containsKey(keyword.toUpperCase(Locale.ROOT));
  }

  /** The parameters of an EHLO keyword, when offered. */
  Optional<String> parameter(String keyword) {
    return Optional.ofNullable(extensions.get(keyword.toUpperCase(Locale.ROOT)));
  }

  /** True when the connection is protected by TLS (implicit or STARTTLS). */
  boolean secure() {
    return connection.secure();
  }

  Server server() {
    return server;
  }

  /** Writes one command line to the buffer (not yet sent); {@code traced} is what the trace shows. */
  void write(String line, String traced) {
    if (trace != null) {
      trace.sent(traced);
    }
    try {
      OutputStream out = connection.output();
      out.write(line.getBytes(StandardCharsets.UTF_8));
      out.write(CRLF);
    } catch (IOException e) {
      throw lost("send to", e);
    }
  }

  /** Sends what was written. */
  void flush(String operation) {
    flushedAt = Events.start(settings);
    try {
      connection.output().flush();
    } catch (IOException e) {
      throw lost(operation, e);
    }
  }

  /** Writes and sends one command and reads its reply. */
  Reply command(String line, String operation) {
    Reply r = exchange(line, operation);
    completed(line, r);
    return r;
  }

  /** Writes and sends one command and reads its reply, without an event (the caller reports it). */
  Reply exchange(String line, String operation) {
    write(line, line);
    flush(operation);
    return read(operation);
  }

  /**
   * Reports the reply to one command to the settings' event listener, if any, timed from the last
   * flush (for pipelined commands: from when the batch was sent).
   *
   * @param command the command or its name ({@code RCPT TO}, {@code end of data}); only its first word
   *     (for {@code end of data}: {@code DATA}) is reported, never an argument
   */
  void completed(String command, Reply r) {
    if (Events.enabled(settings)) {
      int sp = command.indexOf(' ');
      String verb = command.equals("end of data") ? "DATA" : sp < 0 ? command : command.substring(0, sp);
      Events.command(settings, verb.toUpperCase(Locale.ROOT), flushedAt,
          r.code() < 400 ? "ok" : r.code() < 500 ? "transient" : "permanent");
    }
  }

  /** The settings this session was opened with. */
  MailSettings settings() {
    return settings;
  }

  /** The connection's buffered output, for message content. */
  OutputStream output() {
    return connection.output();
  }

  /**
   * Glances up to {@code millis} at whether the server sent something or closed the connection while
   * the client was writing; true when it did (then {@link #read} tells what). The connection stays
   * open when it did not.
   */
  boolean spoke(int millis, String operation) {
    try {
      connection.pollNextRead(millis);
      return reader.fill();
    } catch (IOException e) {
      throw lost(operation, e);
    }
  }

  /** Notes message content in the trace (never the content itself). */
  void traceContent(String what) {
    if (trace != null) {
      trace.sent("[" + what + " not shown]");
    }
  }

  /**
   * Reads one whole reply.
   *
   * @throws MailConnectionException when the connection ends, a limit is passed, or the reply is not
   *     SMTP (the connection is closed)
   */
  Reply read(String operation) {
    List<String> lines = new ArrayList<>();
    int code = -1;
    long bytes = 0;
    try {
      while (true) {
        int n = reader.readLine();
        if (n < 0) {
          connection.close();
          throw new MailConnectionException(operation + " failed: " + server + " closed the connection"
              + (lines.isEmpty() ? "" : " in the middle of a reply"));
        }
        bytes += n;
        if (lines.size() >= MAX_REPLY_LINES) {
          throw new ServerLimitException("the server sent a reply of more than " + MAX_REPLY_LINES + " lines",
              MAX_REPLY_LINES, "maxSmtpReplyLines");
        }
        if (bytes > MAX_REPLY_BYTES) {
          throw new ServerLimitException("the server sent a reply of more than " + MAX_REPLY_BYTES + " bytes",
              MAX_REPLY_BYTES, "maxSmtpReplyBytes");
        }
        String line = new String(reader.line(), 0, n, StandardCharsets.UTF_8);
        if (trace != null) {
          trace.received(line);
        }
        int lineCode = code(line);
        if (lineCode < 0 || (code >= 0 && lineCode != code)) {
          throw unreadable(operation, line);
        }
        code = lineCode;
        lines.add(line.length() > 4 ? line.substring(4) : "");
        if (line.length() == 3 || line.charAt(3) == ' ') {
          return new Reply(code, List.copyOf(lines));
        }
      }
    } catch (IOException e) {
      throw lost(operation, e);
    }
  }

  /** The reply code of a reply line ({@code ddd}, {@code ddd text} or {@code ddd-text}), or -1. */
  private static int code(String line) {
    if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
      return -1;
    }
    int c = 0;
    for (int i = 0; i < 3; i++) {
      char ch = line.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      c = c * 10 + (ch - '0');
    }
    return c >= 200 && c <= 599 ? c : -1;
  }

  private MailConnectionException unreadable(String operation, String line) {
    connection.close();
    return new MailConnectionException(operation + " failed: " + server + " sent an answer that is not an SMTP reply ("
        + Secrets.redact(shorten(line)) + "); the connection was closed");
  }

  /** An I/O failure, limit or deadline: the connection is closed and the failure translated. */
  MailConnectionException lost(String operation, Exception e) {
    connection.close();
    MailException t = MailExceptions.translate(operation, server, e);
    return t instanceof MailConnectionException c ? c : new MailConnectionException(String.valueOf(t.getMessage()), e);
  }

  /** True once the connection is closed. */
  boolean isClosed() {
    return closed || connection.isClosed();
  }

  /** Closes the connection at once, without QUIT; safe from any thread. */
  void abort() {
    closed = true;
    connection.close();
    secrets.forEach(Secrets.Registration::close);
  }

  /** Sends QUIT when the connection is still up (briefly, without waiting for the answer), then closes. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!connection.isClosed()) {
      try {
        connection.deadline(Deadline.in(Duration.ofSeconds(2)));
        if (trace != null) {
          trace.sent("QUIT");
        }
        connection.output().write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
        connection.output().flush();
      } catch (IOException | RuntimeException ignored) {
        // closing anyway
      }
    }
    abort();
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] decode(String challenge) {
    try {
      return Base64.getMimeDecoder().decode(challenge.strip());
    } catch (IllegalArgumentException e) {
      return challenge.getBytes(StandardCharsets.UTF_8);
    }
  }

  static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /**
   * One SMTP reply: its code and the text of each line (after {@code ddd-} or {@code ddd }).
   *
   * @param code the reply code, 200..599
   * @param lines the text of each line, at least one
   */
  record Reply(int code, List<String> lines) {
    /** 2xx. */
    boolean positive() {
      return code >= 200 && code < 300;
    }

    /** The text of all lines, joined with a space. */
    String text() {
      return String.join(" ", lines).strip();
    }

    /** As a server would show it, one line: {@code 550 5.1.1 text}. */
    String display() {
      return (code + " " + text()).strip();
    }

    /** {@link #display()}, shortened. */
    String shortDisplay() {
      return shorten(display());
    }

    /** Split into enhanced status and text. */
    SmtpReply parsed() {
      StringBuilder raw = new StringBuilder();
      for (String l : lines) {
        raw.append(code).append(' ').append(l).append('\n');
      }
      return SmtpReply.parse(raw.toString(), code);
    }
  }

  /** The name this client gives in EHLO: the local host name when it is a plain domain name. */
  private static final class ClientName {
    static final String NAME = name();

    private static String name() {
      try {
        String n = InetAddress.getLocalHost().getHostName();
        if (n.matches("[A-Za-z0-9]([A-Za-z0-9.-]{0,250}[A-Za-z0-9])?")) {
          return n;
        }
      } catch (IOException | RuntimeException e) {
        // fall through
      }
      return "localhost";
    }
  }
}
