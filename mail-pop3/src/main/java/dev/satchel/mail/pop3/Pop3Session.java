package dev.satchel.mail.pop3;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
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
import dev.satchel.mail.internal.WireLimits;
import dev.satchel.mail.internal.wire.Deadline;
import dev.satchel.mail.internal.wire.SaslClient;
import dev.satchel.mail.internal.wire.WireConnection;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 connection (RFC 1939) on Satchel's wire core: greeting, CAPA (RFC 2449), STLS (RFC 2595,
 * required when the settings say STARTTLS, checked for injected bytes), login, and commands one at a
 * time or pipelined where CAPA offers PIPELINING. {@link Pop3Mailbox} holds one per session.
 *
 * <p><b>Login.</b> A token (OAuth2) only ever goes through SASL XOAUTH2 or OAUTHBEARER (RFC 5034),
 * never as a password; a refused token is refreshed once. A password goes through SASL PLAIN or
 * LOGIN when offered; otherwise through APOP when the connection is plaintext ({@link Security#NONE})
 * and the greeting carries a timestamp, so that the password does not cross the wire in clear (APOP's
 * MD5 is weak, but better than clear text; over TLS USER/PASS is preferred, because APOP needs the
 * server to store the password in clear and many servers refuse it); otherwise, or when APOP is
 * refused, through USER/PASS.
 *
 * <p><b>Limits.</b> Every number the server announces is checked before anything is allocated for
 * it: message counts and numbers against {@link WireLimits#maxMessages()}, status lines against
 * {@link WireLimits#maxPop3Line()}, any line against {@link WireLimits#maxLine()}, and an answer
 * held in memory (CAPA, UIDL, LIST, TOP) against {@link WireLimits#maxLiteral()}. Each call runs
 * within the {@link Deadline} of the operation begun by {@link #begin()} ({@code operationTimeout}),
 * on top of the socket timeouts. A limit, a deadline or a broken answer closes the connection with a
 * {@link MailConnectionException}; {@code -ERR} is a {@link MailCommandException} and the session
 * goes on.
 *
 * <p>Not thread-safe; {@link #abort()} may be called from any thread.
 */
final class Pop3Session implements Closeable {
  private static final Logger TRACE = LoggerFactory.getLogger("dev.satchel.mail.pop3.trace");
  /** An APOP timestamp in the greeting (RFC 1939 section 7: a msg-id). */
  private static final Pattern TIMESTAMP = Pattern.compile("<[^<>\\s]+@[^<>\\s]+>");
  /** A command line with an initial SASL response may be at most 255 octets (RFC 5034 section 4). */
  private static final int MAX_AUTH_LINE = 255;
  private static final Pattern WORDS = Pattern.compile("\\s+");

  private final MailSettings settings;
  private final Server server;
  private final WireLimits limits;
  private final WireConnection connection;
  private final WireReader reader;
  private final Set<String> capabilities = new HashSet<>();
  private final Set<String> saslMechanisms = new HashSet<>();
  private boolean capaAnswered;
  private @Nullable String timestamp;
  private Secrets.Registration secrets = Secrets.none();
  private volatile boolean closed;
  private String loginMechanism = "USER";

  private Pop3Session(MailSettings settings, WireLimits limits, WireConnection connection) {
    this.settings = settings;
    this.server = settings.server();
    this.limits = limits;
    this.connection = connection;
    this.reader = new WireReader(connection.input(), 64 * 1024, (int) Math.min(Integer.MAX_VALUE - 8, limits.maxLine()));
  }

  /**
   * Connects, reads the greeting, asks CAPA, upgrades with STLS when the settings say so, and logs in,
   * all within one deadline of {@code operationTimeout}. The capabilities after login are asked next,
   * with {@link #capaThen}.
   *
   * @throws MailConnectionException when the server cannot be reached, its greeting is not +OK, TLS
   *     or STLS fails, or the deadline passes
   * @throws MailAuthenticationException when the login is refused or no allowed way to log in is offered
   */
  static Pop3Session open(MailSettings settings, WireLimits limits) {
    WireConnection c = WireConnection.connect(settings, settings.operationTimeout());
    Pop3Session s = new Pop3Session(settings, limits, c);
    try {
      s.greetAndLogin();
      return s;
    } catch (RuntimeException e) {
      s.abort();
      throw e;
    }
  }

  private void greetAndLogin() {
    Status greeting;
    try {
      greeting = status("connect");
    } catch (MailConnectionException e) {
      throw connectFailure(e);
    }
    if (!greeting.ok()) {
      throw new MailConnectionException("connect to " + server + " failed: the server's greeting was not +OK ("
          + shorten(Secrets.redact(greeting.text())) + "); check that the port is a POP3 port");
    }
    Matcher m = TIMESTAMP.matcher(greeting.text());
    timestamp = m.find() ? m.group() : null;
    capa();
    if (server.security() == Security.STARTTLS) {
      startTls();
    }
    Events.timedLogin(settings, this::login, () -> loginMechanism);
    // RFC 2449: capabilities may change after login; asked again with the maildrop's STAT (capaThen)
  }

  private MailConnectionException connectFailure(MailConnectionException e) {
    return new MailConnectionException("connect to " + server + " failed: " + e.getMessage(), e);
  }

  /** Asks CAPA; a server without it (-ERR) is taken to offer USER, TOP and UIDL, as RFC 1939 servers do. */
  private void capa() {
    long started = Events.start(settings);
    send("CAPA", "CAPA", "CAPA");
    readCapa();
    commandCompleted("CAPA", started, capaAnswered);
  }

  /**
   * Asks CAPA again after login (RFC 2449 section 5: capabilities may change with login) and sends
   * {@code command} in the same flight where PIPELINING was offered (before login: a server that
   * pipelines in that state does in both); returns {@code command}'s status line.
   */
  Status capaThen(String command, String operation) {
    if (!has("PIPELINING")) {
      capa();
      return command(command, command, operation);
    }
    long started = Events.start(settings);
    sendAll(List.of("CAPA", command), operation);
    readCapa();
    commandCompleted("CAPA", started, capaAnswered);
    Status done = status(operation);
    commandCompleted(command, started, done.ok());
    return done;
  }

  /** Reads a CAPA answer and takes it as the capabilities. */
  private void readCapa() {
    Set<String> caps = new HashSet<>();
    Set<String> mechanisms = new HashSet<>();
    boolean ok = readMulti("CAPA", limits.maxLiteral(), "maxLiteral", (b, off, len) -> {
      String line = new String(b, off, len, StandardCharsets.ISO_8859_1).strip();
      String[] words = WORDS.split(line, -1);
      if (words.length == 0 || words[0].isEmpty()) {
        return;
      }
      String name = words[0].toUpperCase(Locale.ROOT);
      if (caps.size() < 1000) {
        caps.add(name);
      }
      if (name.equals("SASL")) {
        for (int i = 1; i < words.length && mechanisms.size() < 100; i++) {
          mechanisms.add(words[i].toUpperCase(Locale.ROOT));
        }
      }
    });
    capabilities.clear();
    saslMechanisms.clear();
    capaAnswered = ok;
    if (ok) {
      capabilities.addAll(caps);
      saslMechanisms.addAll(mechanisms);
    }
  }

  private void startTls() {
    if (!has("STLS")) {
      throw new MailConnectionException("connect to " + server + " failed: the server does not offer STLS (STARTTLS),"
          + " which these settings require, so the connection was closed before any credential was sent; use"
          + " Security.TLS on the POP3S port (usually 995) if the server has one. Satchel never falls back to plaintext");
    }
    Status done = command("STLS", "STLS", "STLS");
    if (!done.ok()) {
      throw new MailConnectionException("connect to " + server + " failed: the server refused STLS ("
          + shorten(Secrets.redact(done.text())) + "); no credential was sent");
    }
    try {
      reader.switchTo(connection.input()); // refuses bytes sent ahead of the handshake
      connection.startTls();
      reader.switchTo(connection.input());
    } catch (IOException e) {
      abort();
      throw MailExceptions.translateConnect(server, e);
    }
    capa(); // what was said before TLS is not trusted
  }

  private void login() {
    Credentials credentials = settings.credentials();
    if (credentials == null) {
      throw new IllegalArgumentException("POP3 settings need credentials");
    }
    String user = credentials.username();
    SaslClient.Mechanism mechanism = SaslClient.choose(credentials, saslMechanisms).orElse(null);
    if (mechanism != null) {
      loginMechanism = mechanism.wireName();
    }
    if (credentials instanceof Credentials.OAuth2 oauth) {
      if (mechanism == null) {
        throw new MailAuthenticationException(server + " does not offer OAuth2 (no SASL XOAUTH2 or OAUTHBEARER in its"
            + " CAPA answer), so the OAuth2 token was not sent; use password credentials (an app password) for this"
            + " server", null);
      }
      String token = OAuth2Tokens.token(oauth, false, server);
      register(user, token);
      SaslClient sasl = SaslClient.start(mechanism, user, token, server.host(), server.port());
      Status done = authenticate(sasl);
      if (!done.ok()) {
        TRACE.debug("{}: OAuth2 token refused; asking for a fresh one", server);
        String fresh = OAuth2Tokens.token(oauth, true, server);
        register(user, fresh);
        sasl = SaslClient.start(mechanism, user, fresh, server.host(), server.port());
        done = authenticate(sasl);
      }
      if (!done.ok()) {
        throw MailExceptions.oauth2LoginRefused(server, done.text() + sasl.errorDetail());
      }
      return;
    }
    char[] chars = ((Credentials.Password) credentials).secret();
    String password = new String(chars);
    java.util.Arrays.fill(chars, '\0');
    register(user, password);
    Status done;
    if (mechanism != null) {
      done = authenticate(SaslClient.start(mechanism, user, password, server.host(), server.port()));
    } else {
      String stamp = timestamp;
      done = null;
      if (stamp != null && server.security() == Security.NONE) {
        loginMechanism = "APOP";
        done = command("APOP " + user + " " + apopDigest(stamp, password), "APOP " + user + " [digest]", "login");
        if (!done.ok()) {
          TRACE.debug("{}: APOP refused; trying USER/PASS", server);
          loginMechanism = "USER";
          done = null;
        }
      }
      if (done == null) {
        Status named = command("USER " + user, "USER " + user, "login");
        done = named.ok() ? command("PASS " + password, "PASS [redacted]", "login") : named;
      }
    }
    if (!done.ok()) {
      throw MailExceptions.authenticationFailed(server, done.text(), null);
    }
  }

  private void register(String user, String secret) {
    Secrets.Registration next = Secrets.register(user, secret);
    secrets.close();
    secrets = next;
  }

  static String apopDigest(String timestamp, String password) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      return HexFormat.of().formatHex(md5.digest((timestamp + password).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5, which every Java platform must have", e);
    }
  }

  /** One SASL exchange (RFC 5034); returns the final +OK or -ERR. */
  private Status authenticate(SaslClient sasl) {
    byte[] initial = sasl.initialResponse();
    String command = "AUTH " + sasl.mechanism().wireName();
    boolean initialSent = initial == null;
    if (initial != null && command.length() + 1 + b64(initial).length() + 2 <= MAX_AUTH_LINE) {
      send(command + " " + b64(initial), command + " [redacted]", "login");
      initialSent = true;
    } else {
      send(command, command, "login");
    }
    for (int round = 0; round < 10; round++) {
      Status r = status("login");
      if (!r.continuation()) {
        return r;
      }
      byte[] answer;
      if (!initialSent && initial != null) {
        answer = initial;
        initialSent = true;
      } else {
        answer = sasl.respond(decode(r.text()));
      }
      send(answer.length == 0 ? "" : b64(answer), "[redacted]", "login");
    }
    throw violation("login", "sent more than 10 SASL challenges");
  }

  /** The server's capabilities from its last CAPA answer, upper case; empty without CAPA. */
  Set<String> capabilities() {
    return Set.copyOf(capabilities);
  }

  /**
   * True when CAPA named {@code capability}; without a CAPA answer, true for the RFC 1939 optional
   * commands TOP and UIDL (as Angus Mail assumed before).
   */
  boolean has(String capability) {
    String c = capability.toUpperCase(Locale.ROOT);
    if (!capaAnswered) {
      return c.equals("TOP") || c.equals("UIDL") || c.equals("USER");
    }
    return capabilities.contains(c);
  }

  /** Starts an operation: every wait until the next {@code begin()} is bounded by {@code operationTimeout}. */
  void begin() {
    connection.deadline(Deadline.in(settings.operationTimeout()));
  }

  /**
   * Sends one command and reads its status line.
   *
   * @return the status, +OK or -ERR
   */
  Status command(String command, String traced, String operation) {
    long started = Events.start(settings);
    send(command, traced, operation);
    Status done = status(operation);
    commandCompleted(command, started, done.ok());
    return done;
  }

  /** Reports one command's answer to the settings' event listener, if any: its verb only. */
  private void commandCompleted(String command, long started, boolean ok) {
    if (Events.enabled(settings)) {
      int sp = command.indexOf(' ');
      Events.command(settings, (sp < 0 ? command : command.substring(0, sp)).toUpperCase(java.util.Locale.ROOT), started,
          ok ? "ok" : "err");
    }
  }

  /**
   * Sends one command whose +OK answer is multi-line and reads it to its end, handing each line
   * (dot-unstuffed, without its line end) to {@code lines}.
   *
   * @return true on +OK, false on -ERR (then there were no lines)
   */
  boolean multi(String command, String traced, String operation, long maxBytes, String limitName, LineSink lines) {
    long started = Events.start(settings);
    send(command, traced, operation);
    boolean ok = readMulti(operation, maxBytes, limitName, lines);
    commandCompleted(command, started, ok);
    return ok;
  }

  /**
   * Sends several commands at once (RFC 2449 PIPELINING, or one at a time without it) whose +OK
   * answers are multi-line, and reads their answers in order; answer {@code i} goes to
   * {@code lines.get(i)}.
   *
   * @return for each command, true on +OK and false on -ERR
   */
  boolean[] pipeline(List<String> commands, String operation, long maxBytes, String limitName, List<LineSink> lines) {
    boolean[] ok = new boolean[commands.size()];
    if (!has("PIPELINING")) {
      for (int i = 0; i < commands.size(); i++) {
        ok[i] = multi(commands.get(i), commands.get(i), operation, maxBytes, limitName, lines.get(i));
      }
      return ok;
    }
    long started = Events.start(settings);
    sendAll(commands, operation);
    for (int i = 0; i < commands.size(); i++) {
      ok[i] = readMulti(operation, maxBytes, limitName, lines.get(i));
      commandCompleted(commands.get(i), started, ok[i]);
    }
    return ok;
  }

  /** Sends several single-line commands at once where PIPELINING is offered and reads their status lines. */
  List<Status> pipelineStatus(List<String> commands, String operation) {
    List<Status> out = new ArrayList<>(commands.size());
    if (!has("PIPELINING")) {
      for (String c : commands) {
        out.add(command(c, c, operation));
      }
      return out;
    }
    long started = Events.start(settings);
    sendAll(commands, operation);
    for (int i = 0; i < commands.size(); i++) {
      Status done = status(operation);
      commandCompleted(commands.get(i), started, done.ok());
      out.add(done);
    }
    return out;
  }

  private void sendAll(List<String> commands, String operation) {
    checkNothingUnasked(operation);
    try {
      OutputStream out = connection.output();
      for (String c : commands) {
        trace(">", c);
        out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    } catch (IOException e) {
      throw fail(operation, e);
    }
  }

  private boolean readMulti(String operation, long maxBytes, String limitName, LineSink lines) {
    Status s = status(operation);
    if (!s.ok()) {
      return false;
    }
    try {
      body(operation, maxBytes, limitName, lines);
    } catch (IOException e) {
      throw fail(operation, e);
    }
    return true;
  }

  /**
   * Reads a multi-line answer after its +OK up to the terminating dot line: at most
   * {@code maxBytes} on the wire (the limit named {@code limitName}), each line at most
   * {@link WireLimits#maxLine()}.
   */
  private void body(String operation, long maxBytes, String limitName, LineSink lines) throws IOException {
    long start = consumed();
    while (true) {
      int n = reader.readLine();
      if (n < 0) {
        throw new EOFException("the connection ended inside the multi-line answer to " + operation
            + " (no terminating \".\" line)");
      }
      if (consumed() - start > maxBytes) {
        throw new ServerLimitException("the server's answer to " + operation + " went on past " + maxBytes
            + " bytes without its terminating \".\" line", maxBytes, limitName);
      }
      byte[] b = reader.line();
      if (n > 0 && b[0] == '.') {
        if (n == 1) {
          return;
        }
        lines.line(b, 1, n - 1);
      } else {
        lines.line(b, 0, n);
      }
    }
  }

  private long consumed() {
    return reader.bytesRead() - reader.buffered();
  }

  /** Reads one status line: +OK, -ERR, or a SASL continuation ("+ ..."). */
  Status status(String operation) {
    try {
      int n;
      try {
        n = reader.readLine();
      } catch (IOException e) {
        // a status line cut off, or past maxLine: name the status line limit when it was passed
        if (reader.lineLength() > limits.maxPop3Line()) {
          n = reader.lineLength();
        } else {
          throw e;
        }
      }
      if (n < 0) {
        throw new EOFException("the server closed the connection");
      }
      if (n > limits.maxPop3Line()) {
        throw new ServerLimitException("the server sent a status line of more than " + limits.maxPop3Line() + " bytes",
            limits.maxPop3Line(), "maxPop3Line");
      }
      String line = reader.lineText();
      trace("<", line);
      String upper = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line.toUpperCase(Locale.ROOT);
      if (upper.startsWith("+OK")) {
        return new Status(Status.Kind.OK, line.substring(3).strip());
      }
      if (upper.startsWith("-ERR")) {
        return new Status(Status.Kind.ERR, line.substring(4).strip());
      }
      if (line.equals("+") || line.startsWith("+ ")) {
        return new Status(Status.Kind.CONTINUATION, line.substring(1).strip());
      }
      throw new ProtocolException("answered with neither +OK nor -ERR (" + shorten(line) + ")");
    } catch (IOException e) {
      throw fail(operation, e);
    }
  }

  /**
   * Bytes the server sent before being asked: in POP3 answers carry no tags, so anything waiting
   * before a command is sent would be read as its answer. Such a server is out of step: closed.
   */
  private void checkNothingUnasked(String operation) {
    if (reader.buffered() > 0) {
      throw violation(operation, "sent " + reader.buffered() + " bytes nobody asked for (more answers than commands),"
          + " so its answers can no longer be matched to the commands");
    }
  }

  void send(String line, String traced, String operation) {
    checkNothingUnasked(operation);
    try {
      trace(">", traced);
      OutputStream out = connection.output();
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      throw fail(operation, e);
    }
  }

  /** Closes the connection and returns the failure to throw. */
  MailException fail(String operation, Exception e) {
    abort();
    if (e instanceof MailException me) {
      return me;
    }
    if (e instanceof ProtocolException) {
      return violation(operation, e.getMessage());
    }
    if (e instanceof EOFException) {
      return new MailConnectionException(operation + " failed: " + server + " closed the connection in the middle of"
          + " its answer (" + e.getMessage() + ")", e);
    }
    return MailExceptions.translate(operation, server, e);
  }

  /** A broken answer: the connection is closed. */
  MailConnectionException violation(String operation, @Nullable String what) {
    abort();
    return new MailConnectionException(operation + " failed: " + server + " " + Secrets.redact(String.valueOf(what))
        + "; the connection was closed");
  }

  /**
   * Ends the session with QUIT, which commits the messages marked with DELE (RFC 1939 section 6),
   * then closes the connection.
   *
   * @return true when the server answered +OK (the deletions were committed)
   */
  boolean quit() {
    if (isClosed()) {
      return false;
    }
    try {
      connection.deadline(Deadline.in(shorter(settings.operationTimeout(), Duration.ofSeconds(30))));
      return command("QUIT", "QUIT", "QUIT").ok();
    } catch (MailException e) {
      TRACE.debug("{}: QUIT failed: {}", server, e.getMessage());
      return false;
    } finally {
      abort();
    }
  }

  private static Duration shorter(Duration a, Duration b) {
    return a.compareTo(b) < 0 ? a : b;
  }

  /** The server this session talks to. */
  Server server() {
    return server;
  }

  /** True once the connection is closed. */
  boolean isClosed() {
    return closed || connection.isClosed();
  }

  /** Closes the connection at once, without QUIT (so nothing marked is deleted); any thread; idempotent. */
  void abort() {
    closed = true;
    connection.close();
    secrets.close();
  }

  /** Same as {@link #abort()}: closing never sends QUIT, which would commit deletions. */
  @Override
  public void close() {
    abort();
  }

  private void trace(String direction, String line) {
    if (TRACE.isTraceEnabled()) {
      TRACE.trace("{} {} {}", server, direction, Secrets.redact(shorten(line)));
    }
  }

  private static String b64(byte[] bytes) {
    return bytes.length == 0 ? "=" : Base64.getEncoder().encodeToString(bytes);
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

  /** Receives the lines of a multi-line answer, dot-unstuffed, without line ends; the array is reused. */
  @FunctionalInterface
  interface LineSink {
    void line(byte[] bytes, int offset, int length) throws IOException;
  }

  /**
   * One status line of the server.
   *
   * @param kind +OK, -ERR, or a SASL continuation
   * @param text what follows the status word
   */
  record Status(Kind kind, String text) {
    /** The status word. */
    enum Kind { OK, ERR, CONTINUATION }

    boolean ok() {
      return kind == Kind.OK;
    }

    boolean continuation() {
      return kind == Kind.CONTINUATION;
    }
  }
}
