package dev.satchel.mail.imap.engine;

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
import dev.satchel.mail.internal.WireLimits;
import dev.satchel.mail.internal.wire.Deadline;
import dev.satchel.mail.internal.wire.SaslClient;
import dev.satchel.mail.internal.wire.WireConnection;
import dev.satchel.mail.internal.wire.WireReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection on Satchel's wire core: greeting, STARTTLS (required when chosen, checked for
 * injected bytes), login by SASL or LOGIN as the server allows (a token only ever by SASL; LOGINDISABLED
 * honoured), COMPRESS=DEFLATE, and tagged commands, one at a time or pipelined. Every call runs under
 * its own {@link Deadline} of {@code operationTimeout}, on top of the socket timeouts.
 *
 * <p>Failures are Satchel's exceptions: {@link MailConnectionException} when the connection is gone
 * (it is closed), {@link MailCommandException} for a refused command (NO or BAD; the session goes on),
 * {@link MailAuthenticationException} for a refused login. Not thread-safe.
 */
public final class ImapSession implements Closeable {
  private static final Logger TRACE = LoggerFactory.getLogger("dev.satchel.mail.imap.trace");

  private final MailSettings settings;
  private final Server server;
  private final Duration operationTimeout;
  private final WireConnection connection;
  private final WireReader reader;
  private final ImapResponseParser parser;
  private final Set<String> capabilities = new HashSet<>();
  private Secrets.Registration secrets = Secrets.none();
  private int nextTag = 1;
  private String loginMechanism = "LOGIN";
  private volatile boolean closed;

  private ImapSession(MailSettings settings, Duration operationTimeout, WireConnection connection) {
    this.settings = settings;
    this.server = settings.server();
    this.operationTimeout = operationTimeout;
    this.connection = connection;
    // 16 MiB lines, as for the Angus path: a UID SEARCH of a whole large folder is one line
    this.reader = new WireReader(connection.input(), 64 * 1024, (int) WireLimits.DEFAULT.maxLine());
    this.parser = new ImapResponseParser(reader, ImapResponseParser.Limits.DEFAULT);
  }

  /**
   * Connects, reads the greeting, upgrades with STARTTLS when the settings say so, and logs in.
   *
   * @throws MailConnectionException when the server cannot be reached, its greeting is not OK, TLS or
   *     STARTTLS fails, or the deadline passes
   * @throws MailAuthenticationException when the login is refused or no allowed way to log in is
   *     offered
   */
  public static ImapSession open(MailSettings settings, Duration operationTimeout) {
    WireConnection c = WireConnection.connect(settings, operationTimeout);
    ImapSession s = new ImapSession(settings, operationTimeout, c);
    try {
      s.greetAndLogin();
      return s;
    } catch (RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private void greetAndLogin() {
    ImapResponse greeting = read(null, "connect");
    if (greeting == null || greeting.kind() != ImapResponse.Kind.UNTAGGED || greeting.status().isEmpty()
        || greeting.is("BAD") || greeting.is("NO") || greeting.is("BYE")) {
      throw new MailConnectionException("connect to " + server + " failed: the server's greeting was not OK ("
          + (greeting == null ? "connection closed" : shorten(greeting.raw())) + "); check that the port is an IMAP port");
    }
    boolean preauth = greeting.is("PREAUTH");
    takeCapabilities(greeting.code());
    if (server.security() == Security.STARTTLS) {
      if (preauth) {
        throw new MailConnectionException("connect to " + server + " failed: the server authenticated the connection"
            + " before STARTTLS (PREAUTH), so it cannot be protected; STARTTLS is required by these settings");
      }
      startTls();
    }
    if (!preauth) {
      Events.timedLogin(settings, this::login, () -> loginMechanism);
    }
    if (capabilities.isEmpty()) {
      capability();
    }
  }

  private void startTls() {
    if (capabilities.isEmpty()) {
      capability();
    }
    if (!has("STARTTLS")) {
      throw new MailConnectionException("connect to " + server + " failed: the server does not offer STARTTLS, and"
          + " STARTTLS is required, so the connection was closed before any credential was sent. Use Security.TLS on"
          + " the implicit-TLS port (usually 993), or check that this is the right server");
    }
    ImapResponse done = run("STARTTLS", null, "STARTTLS");
    if (!done.is("OK")) {
      throw new MailConnectionException("connect to " + server + " failed: the server refused STARTTLS ("
          + shorten(done.raw()) + "); no credential was sent");
    }
    try {
      reader.switchTo(connection.input()); // refuses bytes sent ahead of the handshake
      connection.startTls();
      reader.switchTo(connection.input());
    } catch (IOException e) {
      connection.close();
      throw MailExceptions.translateConnect(server, e);
    }
    capabilities.clear(); // what was said before TLS is not trusted
    capability();
  }

  private void login() {
    if (capabilities.isEmpty()) {
      capability();
    }
    Credentials credentials = settings.credentials();
    if (credentials == null) {
      throw new IllegalArgumentException("IMAP settings need credentials");
    }
    Set<String> mechanisms = new HashSet<>();
    for (String c : capabilities) {
      if (c.startsWith("AUTH=")) {
        mechanisms.add(c.substring(5));
      }
    }
    String user = credentials.username();
    String secret = credentials instanceof Credentials.Password p ? new String(p.secret())
        : OAuth2Tokens.token((Credentials.OAuth2) credentials, false, server);
    secrets.close();
    secrets = Secrets.register(user, secret);
    SaslClient.Mechanism mechanism = SaslClient.choose(credentials, mechanisms).orElse(null);
    ImapResponse done;
    String oauthError = "";
    if (mechanism != null) {
      loginMechanism = mechanism.wireName();
      SaslClient sasl = SaslClient.start(mechanism, user, secret, server.host(), server.port());
      done = authenticate(sasl);
      oauthError = sasl.errorDetail();
    } else if (credentials instanceof Credentials.OAuth2) {
      throw new MailAuthenticationException(server + " does not offer OAuth2 (no AUTH=XOAUTH2 or AUTH=OAUTHBEARER in its"
          + " capabilities), so the OAuth2 token was not sent; use password credentials (an app password) for this server",
          null);
    } else if (has("LOGINDISABLED")) {
      throw new MailAuthenticationException(server + " does not allow LOGIN on this connection (LOGINDISABLED) and offers"
          + " no SASL mechanism Satchel can use for a password; use Security.TLS or STARTTLS", null);
    } else {
      done = run("LOGIN " + quote(user) + " " + quote(secret), null, "LOGIN");
    }
    if (!done.is("OK") && mechanism != null && credentials instanceof Credentials.OAuth2 oauth) {
      // the token may have expired: ask the token source for a fresh one, once
      String fresh = OAuth2Tokens.token(oauth, true, server);
      Secrets.Registration refreshed = Secrets.register(user, fresh);
      secrets.close();
      secrets = refreshed;
      SaslClient sasl = SaslClient.start(mechanism, user, fresh, server.host(), server.port());
      done = authenticate(sasl);
      oauthError = sasl.errorDetail();
    }
    if (!done.is("OK")) {
      throw credentials instanceof Credentials.OAuth2
          ? MailExceptions.oauth2LoginRefused(server, done.text() + oauthError)
          : MailExceptions.authenticationFailed(server, done.text(), null);
    }
    capabilities.clear();
    takeCapabilities(done.code());
  }

  private ImapResponse authenticate(SaslClient sasl) {
    String tag = tag();
    byte[] initial = sasl.initialResponse();
    String command = "AUTHENTICATE " + sasl.mechanism().wireName();
    boolean ir = false;
    if (initial != null && has("SASL-IR")) {
      ir = true;
      send(tag + " " + command + " " + b64(initial), tag + " " + command + " [redacted]", "login");
    } else {
      send(tag + " " + command, tag + " " + command, "login");
    }
    boolean initialSent = ir || initial == null;
    while (true) {
      ImapResponse r = read(null, "login");
      if (r == null) {
        throw new MailConnectionException("login to " + server + " failed: the server closed the connection");
      }
      if (r.kind() == ImapResponse.Kind.CONTINUATION) {
        byte[] answer;
        if (!initialSent && initial != null) {
          answer = initial;
          initialSent = true;
        } else {
          answer = sasl.respond(decode(r.text()));
        }
        send(b64(answer), "[redacted]", "login");
      } else if (tag.equals(r.tag())) {
        return r;
      }
    }
  }

  /** Asks for CAPABILITY and keeps the answer. */
  public Set<String> capability() {
    capabilities.clear();
    run("CAPABILITY", r -> {
      if (r.kind() == ImapResponse.Kind.UNTAGGED && r.item(0) instanceof ImapValue.Atom a && a.is("CAPABILITY")) {
        takeCapabilities(r.items().subList(1, r.items().size()));
      }
    }, "CAPABILITY");
    return Set.copyOf(capabilities);
  }

  private void takeCapabilities(@Nullable List<ImapValue> items) {
    if (items == null || items.isEmpty() || !(items.get(0) instanceof ImapValue.Atom first)) {
      return;
    }
    int from = first.is("CAPABILITY") ? 1 : 0;
    if (from == 0 && !first.text().toUpperCase(Locale.ROOT).startsWith("IMAP")) {
      return; // a response code that is not a capability list
    }
    for (ImapValue v : items.subList(from, items.size())) {
      if (v instanceof ImapValue.Atom a) {
        capabilities.add(a.text().toUpperCase(Locale.ROOT));
      }
    }
  }

  /** The server's capabilities as last announced, upper case. */
  public Set<String> capabilities() {
    return Set.copyOf(capabilities);
  }

  /** True when the server announced {@code capability} (any case). */
  public boolean has(String capability) {
    return capabilities.contains(capability.toUpperCase(Locale.ROOT));
  }

  /** Switches to COMPRESS=DEFLATE when offered; false when not offered or refused. */
  public boolean compress() {
    if (!has("COMPRESS=DEFLATE") || connection.compressed()) {
      return false;
    }
    ImapResponse done = run("COMPRESS DEFLATE", null, "COMPRESS");
    if (!done.is("OK")) {
      return false;
    }
    try {
      reader.switchTo(connection.input());
      connection.compress();
      reader.switchTo(connection.input());
    } catch (IOException e) {
      connection.close();
      throw MailExceptions.translate("COMPRESS", server, e);
    }
    return true;
  }

  /**
   * Runs one command and returns its tagged completion, whatever its status; untagged responses go
   * to {@code untagged}, or are not needed when it is null (greeting-time commands).
   */
  private ImapResponse run(String command, @Nullable Consumer<ImapResponse> untagged, String operation) {
    return run(command, untagged, null, operation);
  }

  private ImapResponse run(String command, @Nullable Consumer<ImapResponse> untagged,
      ImapResponseParser.@Nullable LiteralSink sink, String operation) {
    completePending();
    connection.deadline(Deadline.in(operationTimeout));
    String tag = tag();
    String line = tag + " " + command;
    long started = Events.start(settings);
    send(line, command.startsWith("LOGIN ") ? tag + " LOGIN [redacted]" : line, operation);
    ImapResponse done = completion(tag, untagged, sink, operation);
    commandCompleted(command, started, done);
    return done;
  }

  /**
   * Runs {@code command} (without tag) and returns its tagged completion; untagged responses go to
   * {@code untagged} in the order they arrive.
   *
   * @throws MailCommandException when the server answers NO or BAD
   */
  public ImapResponse execute(String command, Consumer<ImapResponse> untagged) {
    return execute(command, untagged, null);
  }

  /**
   * As {@link #execute(String, Consumer)}, with literals larger than the parser's in-memory limit
   * streamed to {@code sink} (a message body, say) instead of being held.
   */
  public ImapResponse execute(String command, Consumer<ImapResponse> untagged,
      ImapResponseParser.@Nullable LiteralSink sink) {
    ImapResponse done = run(command, untagged, sink, firstWord(command));
    if (!done.is("OK")) {
      throw new MailCommandException(firstWord(command), Secrets.redact(serverText(done)), null);
    }
    return done;
  }

  /**
   * Runs a command with literals (see {@link ImapCommand}) and returns its tagged completion.
   * Untagged responses go to {@code untagged}; literals in the answer larger than the parser's
   * in-memory limit go to {@code sink} when one is given.
   *
   * @throws MailCommandException when the server answers NO or BAD, or refuses a literal
   */
  public ImapResponse execute(ImapCommand command, Consumer<ImapResponse> untagged,
      ImapResponseParser.@Nullable LiteralSink sink) {
    String operation = command.name();
    completePending();
    long started = Events.start(settings);
    connection.deadline(Deadline.in(operationTimeout));
    String tag = tag();
    List<ImapCommand.Part> parts = command.parts();
    OutputStream out = connection.output();
    boolean nonSync = has("LITERAL+");
    boolean nonSyncSmall = nonSync || has("LITERAL-");
    try {
      StringBuilder traced = new StringBuilder(tag).append(' ');
      out.write((tag + " ").getBytes(StandardCharsets.US_ASCII));
      for (ImapCommand.Part part : parts) {
        if (part instanceof ImapCommand.Text t) {
          out.write(t.text().getBytes(StandardCharsets.UTF_8));
          traced.append(t.text());
          continue;
        }
        ImapCommand.Literal literal = (ImapCommand.Literal) part;
        byte[] bytes = literal.bytes();
        boolean wait = !(nonSync || (nonSyncSmall && bytes.length <= 4096));
        String marker = (literal.binary() ? "~{" : "{") + bytes.length + (wait ? "}" : "+}");
        out.write((marker + "\r\n").getBytes(StandardCharsets.US_ASCII));
        traced.append(marker);
        if (wait) {
          out.flush();
          trace(">", traced.toString());
          traced.setLength(0);
          ImapResponse refused = awaitContinuation(tag, untagged, operation);
          if (refused != null) {
            throw new MailCommandException(operation, Secrets.redact(serverText(refused)), null);
          }
        }
        out.write(bytes);
        traced.append("[").append(bytes.length).append(" bytes]");
      }
      out.write(CRLF);
      out.flush();
      trace(">", traced.toString());
    } catch (IOException e) {
      connection.close();
      throw MailExceptions.translate(operation, server, e);
    }
    ImapResponse done = completion(tag, untagged, sink, operation);
    commandCompleted(operation, started, done);
    if (!done.is("OK")) {
      throw new MailCommandException(operation, Secrets.redact(serverText(done)), null);
    }
    return done;
  }

  /**
   * Reports one command's completion to the settings' event listener, if any, with the verb of
   * {@code command} only (worked out only when someone listens).
   */
  private void commandCompleted(String command, long started, ImapResponse done) {
    if (Events.enabled(settings)) {
      Events.command(settings, verb(command), started, done.is("OK") ? "ok" : done.is("NO") ? "no" : "bad");
    }
  }

  /** The verb of {@code command} for events: its first word, for UID commands the first two. */
  static String verb(String command) {
    String[] words = command.split(" ", 3);
    String verb = words.length >= 2 && words[0].equalsIgnoreCase("UID") ? words[0] + " " + words[1] : words[0];
    return verb.toUpperCase(Locale.ROOT);
  }

  /**
   * Hands an untagged response to the caller's consumer. A consumer that fails leaves the rest of the
   * answer unread, so the session cannot go on: it is closed and the failure passed on.
   */
  private void deliver(Consumer<ImapResponse> untagged, ImapResponse r) {
    try {
      untagged.accept(r);
    } catch (RuntimeException e) {
      abort();
      throw e;
    }
  }

  /**
   * A completion's words after its tag and status, with the response code: {@code [OVERQUOTA] Quota
   * exceeded}, so that the code the server gave is not lost.
   */
  private static String serverText(ImapResponse done) {
    String raw = done.raw().strip();
    int first = raw.indexOf(' ');
    int second = first < 0 ? -1 : raw.indexOf(' ', first + 1);
    return second < 0 ? done.text() : raw.substring(second + 1);
  }

  /**
   * Counts untagged status responses ({@code * OK ...}) and continuation requests ({@code + ...})
   * within one command: a server that sends more than {@link WireLimits#maxUntaggedStatus()} of them
   * without completing the command is flooding, and the connection is closed. Data responses (FETCH,
   * SEARCH, ...) are not counted: a listing of a large folder has millions of them, each handed on
   * without being kept.
   */
  private long countStatus(@Nullable ImapResponse r, long count, String operation) {
    // Continuations count too (as WireLimits documents): one that is not awaited carries nothing,
    // and an endless stream of them answering APPEND was read until the operation deadline.
    boolean counted = r != null && (r.kind() == ImapResponse.Kind.CONTINUATION
        || (r.kind() == ImapResponse.Kind.UNTAGGED && r.status().isPresent()));
    if (!counted) {
      return count;
    }
    long max = WireLimits.DEFAULT.maxUntaggedStatus();
    if (count + 1 > max) {
      connection.close();
      throw MailExceptions.translate(operation, server, new dev.satchel.mail.internal.ServerLimitException(
          "the server sent more than " + max + " untagged responses (such as * OK) or continuation requests without"
          + " completing the command",
          max, "maxUntaggedStatus"));
    }
    return count + 1;
  }

  private static final byte[] CRLF = {'\r', '\n'};

  /**
   * A completion whose tag names no command in flight (one never sent, or one already completed):
   * the server's answers can no longer be matched to the commands (it may have read part of a
   * literal as a command), so the connection is closed rather than the answer passed on as untagged
   * data, where it was dropped unsaid.
   */
  private MailConnectionException strayCompletion(ImapResponse r, String operation) {
    abort();
    return new MailConnectionException(operation + " failed: " + server + " answered with a tag that names no command"
        + " in flight (" + shorten(r.raw()) + "), so its answers can no longer be matched to commands and the"
        + " connection was closed");
  }

  /** Reads until the server asks for a literal (null) or completes {@code tag} instead (returned). */
  private @Nullable ImapResponse awaitContinuation(String tag, Consumer<ImapResponse> untagged, String operation) {
    long statusLines = 0;
    while (true) {
      ImapResponse r = read(null, operation);
      if (r == null) {
        throw new MailConnectionException(operation + " failed: " + server + " closed the connection");
      }
      if (r.kind() == ImapResponse.Kind.CONTINUATION) {
        return null;
      }
      if (tag.equals(r.tag())) {
        return r;
      }
      if (r.kind() == ImapResponse.Kind.TAGGED) {
        throw strayCompletion(r, operation);
      }
      statusLines = countStatus(r, statusLines, operation);
      if (r.is("BYE") && r.kind() == ImapResponse.Kind.UNTAGGED) {
        close();
        throw new MailConnectionException(operation + " failed: " + server + " ended the session (" + shorten(r.raw()) + ")");
      }
      deliver(untagged, r);
    }
  }

  private ImapResponse completion(String tag, @Nullable Consumer<ImapResponse> untagged,
      ImapResponseParser.@Nullable LiteralSink sink, String operation) {
    long statusLines = 0;
    while (true) {
      ImapResponse r = read(sink, operation);
      statusLines = countStatus(r, statusLines, operation);
      if (r == null) {
        throw new MailConnectionException(operation + " failed: " + server + " closed the connection");
      }
      if (tag.equals(r.tag())) {
        return r;
      }
      if (r.kind() == ImapResponse.Kind.TAGGED) {
        throw strayCompletion(r, operation);
      }
      if (r.is("BYE") && r.kind() == ImapResponse.Kind.UNTAGGED) {
        close();
        throw new MailConnectionException(operation + " failed: " + server + " ended the session (" + shorten(r.raw()) + ")");
      }
      if (untagged != null) {
        deliver(untagged, r);
      }
    }
  }

  /**
   * Runs IDLE (RFC 2177) until {@link #done()} is called (from any thread, or from {@code untagged})
   * or {@code maxWait} passes, then returns the tagged completion. Untagged responses go to
   * {@code untagged} as they arrive. The read timeout of the connection must exceed {@code maxWait}.
   *
   * @throws MailCommandException when the server refuses IDLE
   */
  public ImapResponse idle(Duration maxWait, Consumer<ImapResponse> untagged) {
    completePending();
    String tag = tag();
    connection.deadline(Deadline.in(maxWait.plus(operationTimeout)));
    synchronized (idleLock) {
      idleDone = false;
      idling = true;
    }
    try {
      send(tag + " IDLE", tag + " IDLE", "IDLE");
      ImapResponse refused = awaitContinuation(tag, untagged, "IDLE");
      if (refused != null) {
        throw new MailCommandException("IDLE", Secrets.redact(serverText(refused)), null);
      }
      java.util.concurrent.ScheduledFuture<?> timer = IdleTimer.schedule(this::done, maxWait);
      try {
        return completion(tag, untagged, null, "IDLE");
      } finally {
        timer.cancel(false);
      }
    } finally {
      synchronized (idleLock) {
        idling = false;
      }
    }
  }

  /** Ends a running {@link #idle} by sending DONE; does nothing when not idling or already done. */
  public void done() {
    synchronized (idleLock) {
      if (!idling || idleDone) {
        return;
      }
      idleDone = true;
      try {
        trace(">", "DONE");
        connection.output().write(("DONE\r\n").getBytes(StandardCharsets.US_ASCII));
        connection.output().flush();
      } catch (IOException e) {
        connection.close(); // the reading thread sees the closed connection
      }
    }
  }

  private final Object idleLock = new Object();
  private boolean idling;
  private boolean idleDone;

  /** One daemon thread for every session's IDLE time limit. */
  private static final class IdleTimer {
    private static final java.util.concurrent.ScheduledExecutorService TIMER =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "satchel-imap-idle-timer");
          t.setDaemon(true);
          return t;
        });

    static java.util.concurrent.ScheduledFuture<?> schedule(Runnable task, Duration after) {
      return TIMER.schedule(task, after.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }
  }

  /**
   * Sends every command at once and then reads their completions (RFC 3501 section 5.5: commands
   * whose results do not depend on each other). Untagged responses go to {@code untagged}.
   *
   * @return the tagged completions, in the order of {@code commands}
   */
  public List<ImapResponse> pipeline(List<String> commands, Consumer<ImapResponse> untagged) {
    return send(commands, untagged).complete();
  }

  /**
   * Commands sent ahead by {@link #send}: their answers are read by {@link #complete()}, or by the
   * session itself before it sends anything else, so answers are never left unread or read by the
   * wrong caller.
   */
  public final class Ahead {
    private final List<String> tags;
    private final Consumer<ImapResponse> untagged;
    /** The commands, for events only (else null), and when they were sent. */
    private final @Nullable List<String> commands;
    private final long started;
    private @Nullable List<ImapResponse> done;

    private Ahead(List<String> tags, Consumer<ImapResponse> untagged, @Nullable List<String> commands, long started) {
      this.tags = tags;
      this.untagged = untagged;
      this.commands = commands;
      this.started = started;
    }

    /**
     * Reads the answers (untagged ones go to the consumer given to {@link #send}) and returns the
     * tagged completions in the order of the commands; at once when they were read already.
     */
    public List<ImapResponse> complete() {
      // answers come in the order the commands were sent: those of earlier batches first
      while (done == null) {
        Ahead first = pending.pollFirst();
        if (first == null) {
          // only after a failure that closed the connection while an earlier batch was read
          throw new MailConnectionException("pipeline failed: the connection to " + server
              + " was closed before these answers were read");
        }
        List<ImapResponse> answers = readCompletions(first.tags, first.untagged);
        List<String> sent = first.commands;
        if (sent != null) {
          for (int i = 0; i < answers.size(); i++) {
            commandCompleted(sent.get(i), first.started, answers.get(i));
          }
        }
        first.done = answers;
      }
      return Objects.requireNonNull(done);
    }
  }

  /** Batches sent ahead whose answers are not read yet, oldest first. */
  private final java.util.ArrayDeque<Ahead> pending = new java.util.ArrayDeque<>();

  /**
   * Sends every command at once without reading the answers yet (RFC 3501 section 5.5), so that the
   * server works while the caller does something else; see {@link Ahead#complete()}. Several batches
   * may be ahead at once; their answers are read in the order they were sent, and all of them before
   * any other command.
   */
  public Ahead send(List<String> commands, Consumer<ImapResponse> untagged) {
    long started = Events.start(settings);
    connection.deadline(Deadline.in(operationTimeout));
    List<String> tags = new ArrayList<>();
    OutputStream out = connection.output();
    try {
      for (String c : commands) {
        String tag = tag();
        tags.add(tag);
        trace(">", tag + " " + c);
        out.write((tag + " " + c + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
    } catch (IOException e) {
      connection.close();
      throw MailExceptions.translate("pipeline", server, e);
    }
    Ahead a = new Ahead(tags, untagged, Events.enabled(settings) ? commands : null, started);
    pending.addLast(a);
    return a;
  }

  /** Reads the answers of commands sent ahead, if any, before anything else is sent. */
  private void completePending() {
    Ahead last = pending.peekLast();
    if (last != null) {
      last.complete();
    }
  }

  private List<ImapResponse> readCompletions(List<String> tags, Consumer<ImapResponse> untagged) {
    connection.deadline(Deadline.in(operationTimeout)); // the answers are due from now, whenever they were asked
    List<ImapResponse> done = new ArrayList<>();
    long statusLines = 0;
    while (done.size() < tags.size()) {
      ImapResponse r = read(null, "pipeline");
      statusLines = countStatus(r, statusLines, "pipeline");
      if (r == null) {
        throw new MailConnectionException("pipeline failed: " + server + " closed the connection");
      }
      if (r.kind() == ImapResponse.Kind.TAGGED) {
        String t = r.tag();
        if (!tags.contains(t) || done.stream().anyMatch(d -> java.util.Objects.equals(d.tag(), t))) {
          throw strayCompletion(r, "pipeline");
        }
        done.add(r);
      } else {
        deliver(untagged, r);
      }
    }
    done.sort((a, b) -> Integer.compare(tags.indexOf(a.tag()), tags.indexOf(b.tag())));
    return done;
  }

  private @Nullable ImapResponse read(ImapResponseParser.@Nullable LiteralSink sink, String operation) {
    try {
      ImapResponse r = parser.next(sink);
      if (r != null) {
        trace("<", r.raw());
      }
      return r;
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e instanceof MailException me ? me : MailExceptions.translate(operation, server, e);
    }
  }

  private void send(String line, String traced, String operation) {
    try {
      trace(">", traced);
      OutputStream out = connection.output();
      out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      connection.close();
      throw MailExceptions.translate(operation, server, e);
    }
  }

  private void trace(String direction, String line) {
    if (TRACE.isTraceEnabled()) {
      TRACE.trace("{} {} {}", server, direction, Secrets.redact(shorten(line)));
    }
  }

  private String tag() {
    return "S" + nextTag++;
  }

  /** A folder name as a quoted string (IMAP4rev1 modified UTF-7 is the caller's; UTF8=ACCEPT names pass as they are). */
  public static String quoteName(String name) {
    return quote(name);
  }

  /** An IMAP quoted string (RFC 3501 section 4.3), for values without CR, LF or NUL. */
  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String b64(byte[] bytes) {
    return bytes.length == 0 ? "" : Base64.getEncoder().encodeToString(bytes);
  }

  private byte[] decode(String challenge) {
    try {
      return Base64.getMimeDecoder().decode(challenge.strip());
    } catch (IllegalArgumentException e) {
      return challenge.getBytes(StandardCharsets.UTF_8);
    }
  }

  private static String firstWord(String command) {
    int sp = command.indexOf(' ');
    return sp < 0 ? command : command.substring(0, sp);
  }

  private static String shorten(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  /** True once the connection is closed. */
  public boolean isClosed() {
    return closed || connection.isClosed();
  }

  /** Closes the connection at once, without LOGOUT; safe from any thread (it ends a blocked read). */
  public void abort() {
    closed = true;
    connection.close();
    secrets.close();
  }

  /** Sends LOGOUT when the connection is still up (briefly), then closes it. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (!connection.isClosed()) {
      try {
        connection.deadline(Deadline.in(Duration.ofSeconds(2)));
        connection.output().write(("Z" + nextTag + " LOGOUT\r\n").getBytes(StandardCharsets.US_ASCII));
        connection.output().flush();
      } catch (IOException | RuntimeException ignored) {
        // closing anyway
      }
    }
    connection.close();
    secrets.close();
  }
}
