package dev.satchel.mail.testkit;

import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.ServerSetup;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Message;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import dev.satchel.mail.TlsOptions;
import dev.satchel.mail.Uid;
import dev.satchel.mail.internal.MimeWriter;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A mail server for tests: SMTP, IMAP and POP3, each plain and with implicit TLS, on
 * {@code 127.0.0.1} only, each on a port the operating system picked, built on GreenMail.
 *
 * <pre>{@code
 * try (TestMailServer server = TestMailServer.start()) {
 *   TestUser alice = server.createUser("alice@example.com", "secret");
 *   MailSettings imaps = server.settings(alice, Protocol.IMAP, Security.TLS);
 *   server.deliver(alice, OutgoingMessage.builder()
 *       .from("bob@example.com").to("alice@example.com").subject("Hi").text("Hello").build());
 *   try (Mailbox mailbox = Mailbox.connect(imaps)) { ... }
 * }
 * }</pre>
 *
 * <p><b>Ports.</b> Every service binds port 0, so the operating system hands out a free port at bind
 * time: two servers, or test classes running in parallel, never collide. {@link #port} and
 * {@link #settings} tell the port in use.
 *
 * <p><b>TLS.</b> The TLS services present a certificate generated for this run (EC P-256,
 * self-signed, subject alternative names {@code DNS:localhost} and {@code IP:127.0.0.1}, valid for
 * seven days). {@link #tls()} trusts exactly that certificate and nothing else, and the settings
 * from {@link #settings(TestUser, Protocol, Security)} carry it, so clients verify the certificate
 * and the host name as they would in production; a client that uses the JDK's default trust store
 * is refused during the handshake. GreenMail reads its key store once per JVM, so every
 * {@code TestMailServer} in a JVM presents the same certificate; the first one must be started
 * before GreenMail is used with TLS in any other way in that JVM.
 *
 * <p><b>STARTTLS.</b> GreenMail 2.1 offers neither STARTTLS (SMTP, IMAP) nor STLS (POP3), so
 * {@link Security#STARTTLS} is rejected with {@link IllegalArgumentException}; use
 * {@link Security#TLS} or {@link Security#NONE}.
 *
 * <p><b>Users.</b> Authentication is checked: only users made with {@link #createUser} can log in,
 * with their password. SMTP accepts mail with or without authentication, and mail for an address
 * that has no user yet creates one (login and password both the address).
 *
 * <p><b>Mail.</b> {@link #received()}, {@link #received(String)} and
 * {@link #received(String, String)} read what arrived straight from the server's store, with no
 * IMAP session; {@link #purge()} and {@link #purge(String)} empty the folders of every account or of
 * one, for tests that share a server.
 *
 * <p><b>Refused recipients.</b> {@link #recipientPolicy(RecipientPolicy)} makes the SMTP services
 * answer {@code RCPT TO} for chosen addresses with a chosen 4xx or 5xx reply (an unknown user,
 * greylisting, a full mailbox) and accept the rest.
 *
 * <p><b>Connections.</b> Every connection the server accepts has TCP_NODELAY, so a command's answer
 * is not held back by delayed acknowledgements (a call takes a millisecond or a few on loopback). A
 * connection the client cuts or resets ends its server thread quietly: the end is logged at DEBUG
 * by the logger {@code dev.satchel.mail.testkit.EmbeddedService} instead of printed as a stack
 * trace; other exceptions on those threads are still printed.
 *
 * <p>Thread-safe. {@link #close()} stops every service and is idempotent; any other method called
 * after it throws {@link IllegalStateException}.
 */
public final class TestMailServer implements AutoCloseable {
  /** The only address the services listen on. */
  public static final String HOST = "127.0.0.1";

  private static final Session SESSION = Session.getInstance(new Properties());
  private static final Logger LOG = LoggerFactory.getLogger(TestMailServer.class);
  private static final long STARTUP_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(30);
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private final EmbeddedGreenMail greenMail;
  private final MailStore store;
  private final TlsOptions tls;
  private final Map<Protocol, Integer> plainPorts;
  private final Map<Protocol, Integer> tlsPorts;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TestMailServer(EmbeddedGreenMail greenMail, TlsOptions tls) {
    this.greenMail = greenMail;
    this.store = new MailStore(greenMail.getManagers().getImapHostManager(), greenMail.getUserManager());
    this.tls = tls;
    this.plainPorts = new EnumMap<>(Protocol.class);
    this.tlsPorts = new EnumMap<>(Protocol.class);
    plainPorts.put(Protocol.SMTP, greenMail.port(ServerSetup.PROTOCOL_SMTP));
    plainPorts.put(Protocol.IMAP, greenMail.port(ServerSetup.PROTOCOL_IMAP));
    plainPorts.put(Protocol.POP3, greenMail.port(ServerSetup.PROTOCOL_POP3));
    tlsPorts.put(Protocol.SMTP, greenMail.port(ServerSetup.PROTOCOL_SMTPS));
    tlsPorts.put(Protocol.IMAP, greenMail.port(ServerSetup.PROTOCOL_IMAPS));
    tlsPorts.put(Protocol.POP3, greenMail.port(ServerSetup.PROTOCOL_POP3S));
  }

  /**
   * Starts a new server: SMTP, IMAP and POP3, each plain and with implicit TLS, on
   * {@code 127.0.0.1} and ports picked by the operating system. Returns once every service accepts
   * connections (waiting at most 30 seconds).
   *
   * @throws IllegalStateException when a service cannot be started or the TLS certificate cannot be
   *     installed
   */
  public static TestMailServer start() {
    TestCertificate certificate = GreenMailTls.certificate();
    ServerSetup[] setups = new ServerSetup[ServerSetup.PROTOCOLS.length];
    for (int i = 0; i < setups.length; i++) {
      ServerSetup setup = new ServerSetup(0, HOST, ServerSetup.PROTOCOLS[i]);
      setup.setServerStartupTimeout(STARTUP_TIMEOUT_MILLIS);
      setups[i] = setup;
    }
    EmbeddedGreenMail greenMail = new EmbeddedGreenMail(setups);
    try {
      greenMail.start();
      TestMailServer server = new TestMailServer(greenMail, TlsOptions.trusting(certificate.trustStore()));
      LOG.debug("Started {}", server);
      return server;
    } catch (RuntimeException e) {
      greenMail.stop();
      throw new IllegalStateException("cannot start the test mail server: " + e.getMessage(), e);
    }
  }

  /**
   * Creates an account whose login name is its address, or sets a new password when the account
   * already exists.
   *
   * @param address the email address, for example {@code "alice@example.com"}
   * @param password the password; not empty
   * @return the account
   * @throws IllegalArgumentException when the address is not a valid email address or the password
   *     is empty
   */
  public TestUser createUser(String address, String password) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(password, "password");
    String plain = EmailAddress.parse(address).address();
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    checkOpen();
    greenMail.setUser(plain, plain, password);
    return new TestUser(plain, plain, password);
  }

  /**
   * Settings for logging in as {@code user} over {@code protocol} without encryption
   * ({@link Security#NONE}).
   *
   * @throws IllegalArgumentException when the user does not belong to this server
   */
  public MailSettings settings(TestUser user, Protocol protocol) {
    return settings(user, protocol, Security.NONE);
  }

  /**
   * Settings for logging in as {@code user} over {@code protocol} with {@code security}: host
   * {@value #HOST}, the port of that service, the user's credentials, and {@link #tls()} as the TLS
   * trust. Timeouts are the {@link MailSettings} defaults.
   *
   * @throws IllegalArgumentException when {@code security} is {@link Security#STARTTLS} (GreenMail
   *     does not offer it) or the user does not belong to this server
   */
  public MailSettings settings(TestUser user, Protocol protocol, Security security) {
    Objects.requireNonNull(user, "user");
    int port = port(protocol, security);
    store.user(user.login());
    return MailSettings.builder()
        .server(new Server(protocol, HOST, port, security))
        .credentials(user.credentials())
        .tls(tls)
        .build();
  }

  /**
   * The port the service for {@code protocol} and {@code security} listens on, at {@value #HOST}.
   *
   * @throws IllegalArgumentException when {@code security} is {@link Security#STARTTLS}
   */
  public int port(Protocol protocol, Security security) {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(security, "security");
    checkOpen();
    return switch (security) {
      case NONE -> plainPorts.get(protocol);
      case TLS -> tlsPorts.get(protocol);
      case STARTTLS -> throw new IllegalArgumentException("Security.STARTTLS is not supported by the test server: "
          + "GreenMail 2.1 offers no STARTTLS for " + protocol + "; use Security.TLS or Security.NONE");
    };
  }

  /**
   * TLS options that trust exactly this run's generated certificate (and not the JDK's default
   * trust store). Hostname verification stays on; the certificate is valid for {@code localhost}
   * and {@code 127.0.0.1}.
   */
  public TlsOptions tls() {
    return tls;
  }

  /**
   * Puts a message straight into the user's INBOX, as if it had arrived over SMTP. The message is
   * written with the same MIME writer Satchel's {@code Transport} uses; Bcc recipients are not
   * written.
   *
   * @throws IllegalArgumentException when the user does not belong to this server
   */
  public void deliver(TestUser to, OutgoingMessage message) {
    Objects.requireNonNull(message, "message");
    deliver(to, MimeWriter.toBytes(message));
  }

  /**
   * Puts an RFC 5322 message straight into the user's INBOX, as if it had arrived over SMTP.
   *
   * @param rfc822 the whole message: header fields, blank line, body (CRLF or LF line ends)
   * @throws IllegalArgumentException when the user does not belong to this server or the bytes are
   *     not a message
   */
  public void deliver(TestUser to, byte[] rfc822) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(rfc822, "rfc822");
    checkOpen();
    GreenMailUser user = store.user(to.login());
    MimeMessage mime;
    try {
      mime = new MimeMessage(SESSION, new ByteArrayInputStream(rfc822));
    } catch (MessagingException e) {
      throw new IllegalArgumentException("not an RFC 5322 message: " + e.getMessage(), e);
    }
    user.deliver(mime);
  }

  /**
   * Creates a folder in the user's account, and each missing parent on the way, straight in
   * GreenMail's store (no network). Does nothing for a folder that exists; {@code "INBOX"} always
   * exists.
   *
   * @param folder the full name, levels separated by {@code '.'} (GreenMail's hierarchy separator),
   *     for example {@code "Archive.2024"}
   * @throws IllegalArgumentException when the user does not belong to this server, or the name is
   *     blank or has an empty level
   */
  public void createFolder(TestUser user, String folder) {
    folder(user, folder);
  }

  /**
   * Stores messages straight into a folder of the user's account through GreenMail's store, with no
   * network round trip: the fast way to seed folders for tests and benchmarks (thousands of messages
   * per second). The folder and its missing parents are created first (see {@link #createFolder}).
   * Messages are stored in order, without flags, each with the current time as its internal date.
   * IMAP sees them at once; POP3 sees INBOX messages at its next login.
   *
   * <pre>{@code
   * List<Uid> uids = server.append(alice, "Archive.2024", Seeder.messages(500).build());
   * }</pre>
   *
   * @param folder the full name, levels separated by {@code '.'}; {@code "INBOX"} for the inbox
   * @param rfc822 the messages: header fields, blank line, body (CRLF or LF line ends)
   * @return the stored messages' IMAP UIDs (with the folder's UIDVALIDITY), in order
   * @throws IllegalArgumentException when the user does not belong to this server, the folder name is
   *     not valid, or one of the byte arrays is not a message (then none of the messages is stored)
   */
  public List<Uid> append(TestUser user, String folder, List<byte[]> rfc822) {
    Objects.requireNonNull(rfc822, "rfc822");
    List<MimeMessage> parsed = new ArrayList<>(rfc822.size());
    for (int i = 0; i < rfc822.size(); i++) {
      byte[] raw = Objects.requireNonNull(rfc822.get(i), "rfc822 message");
      try {
        parsed.add(new MimeMessage(SESSION, new ByteArrayInputStream(raw)));
      } catch (MessagingException e) {
        throw new IllegalArgumentException("message " + i + " is not an RFC 5322 message: " + e.getMessage(), e);
      }
    }
    MailFolder target = folder(user, folder);
    List<Uid> uids = new ArrayList<>(parsed.size());
    for (MimeMessage m : parsed) {
      long uid = target.appendMessage(m, new jakarta.mail.Flags(), new Date());
      uids.add(new Uid.Imap(target.getUidValidity(), uid));
    }
    return uids;
  }

  private MailFolder folder(TestUser user, String folder) {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(folder, "folder");
    checkOpen();
    return store.folder(store.user(user.login()), folder, true).orElseThrow();
  }

  /**
   * Every message now in an INBOX of this server (delivered over SMTP, with {@link #deliver}, or
   * appended), as the raw bytes a client would fetch, oldest first. Messages that a client deleted
   * and expunged are no longer listed.
   */
  public List<byte[]> receivedRaw() {
    checkOpen();
    List<byte[]> result = new ArrayList<>();
    for (MailStore.Stored stored : store.inboxes()) {
      result.add(stored.bytes());
    }
    return result;
  }

  /**
   * The same messages as {@link #receivedRaw()}, parsed. Each has its IMAP UID (with the INBOX's
   * UIDVALIDITY), no flags, and its size in bytes. Parsed with the same MIME reader Satchel's
   * {@code Mailbox} implementations use.
   */
  public List<Message> received() {
    checkOpen();
    return store.inboxes().stream().map(MailStore.Stored::parse).toList();
  }

  /**
   * The messages now in the INBOX of the account with this address, read straight from the server's
   * store (no IMAP session, no login), in UID order: the order they arrived in. Each has its IMAP UID
   * (with the INBOX's UIDVALIDITY) and no flags, parsed with the same MIME reader Satchel's
   * {@code Mailbox} implementations use.
   *
   * <pre>{@code
   * assertThat(server.received("bob@example.test")).extracting(Message::subject).containsExactly("Welcome");
   * }</pre>
   *
   * @param address the account's address, compared ignoring case; an address with no account (no
   *     user was created for it and no mail came for it) has received nothing
   * @throws IllegalArgumentException when {@code address} is not a valid email address
   */
  public List<Message> received(String address) {
    return received(address, "INBOX");
  }

  /**
   * The messages now in one folder of the account with this address, read straight from the server's
   * store (no IMAP session), in UID order: the order they were stored in that folder (delivered,
   * appended, copied or moved there).
   *
   * @param address the account's address, compared ignoring case; an address with no account has
   *     received nothing
   * @param folder the folder's full name, levels separated by {@code '.'}; {@code "INBOX"} for the inbox
   * @throws IllegalArgumentException when {@code address} is not a valid email address, or the
   *     account has no such folder (the message lists the folders it has)
   */
  public List<Message> received(String address, String folder) {
    Objects.requireNonNull(folder, "folder");
    checkOpen();
    Optional<GreenMailUser> account = store.userByAddress(address);
    if (account.isEmpty()) {
      return List.of();
    }
    Optional<MailFolder> found = store.folder(account.get(), folder, false);
    if (found.isEmpty()) {
      throw new IllegalArgumentException("no folder \"" + folder + "\" for " + address + "; its folders are "
          + store.folderNames(account.get()));
    }
    return MailStore.messages(found.get());
  }

  /**
   * Waits until at least {@code count} messages are in the INBOXes of this server (see
   * {@link #receivedRaw()}), or until {@code timeout} has passed.
   *
   * <p>Checks every few milliseconds; returns false early when the calling thread is interrupted
   * (leaving its interrupt flag set).
   *
   * @return true once at least {@code count} messages are there; false when the timeout passed first
   * @throws IllegalArgumentException when {@code count} or {@code timeout} is negative
   */
  public boolean awaitReceived(int count, Duration timeout) {
    return await(count, timeout, store::inboxMessageCount);
  }

  /**
   * Waits until at least {@code count} messages are in the INBOX of the account with this address
   * (see {@link #received(String)}), or until {@code timeout} has passed. Checks every few
   * milliseconds; returns false early when the calling thread is interrupted.
   *
   * @return true once at least {@code count} messages are there; false when the timeout passed first
   * @throws IllegalArgumentException when {@code address} is not a valid email address, or
   *     {@code count} or {@code timeout} is negative
   */
  public boolean awaitReceived(String address, int count, Duration timeout) {
    Objects.requireNonNull(address, "address");
    EmailAddress.parse(address);
    return await(count, timeout, () -> store.userByAddress(address)
        .flatMap(account -> store.folder(account, "INBOX", false)).map(MailFolder::getMessageCount).orElse(0));
  }

  /**
   * Removes every message from every folder of every account, straight in the server's store: the
   * state of a fresh server, for tests that share one server. Users, their passwords and their
   * folders stay, as does the {@link #recipientPolicy(RecipientPolicy) recipient policy}. IMAP
   * sessions with a folder selected are told of the removal as of an expunge; UIDs are not reused.
   */
  public void purge() {
    checkOpen();
    store.users().forEach(store::purge);
  }

  /**
   * Removes every message from every folder of the account with this address (see {@link #purge()});
   * other accounts keep theirs. Does nothing for an address with no account.
   *
   * @throws IllegalArgumentException when {@code address} is not a valid email address
   */
  public void purge(String address) {
    checkOpen();
    store.userByAddress(address).ifPresent(store::purge);
  }

  /**
   * Sets how the SMTP services (plain and TLS) answer {@code RCPT TO} from now on: refuse the
   * recipients a rule matches with the rule's code and text, accept the rest. Sessions already
   * running see the new policy at their next {@code RCPT}. {@link RecipientPolicy#acceptAll()}
   * restores the default.
   *
   * <pre>{@code
   * server.recipientPolicy(RecipientPolicy.builder()
   *     .reject("blocked@example.test")      // 550 5.1.1 <blocked@example.test>: no such user
   *     .greylist("*@slow.example.test")     // 451 4.7.1 ...
   *     .build());
   * }</pre>
   */
  public void recipientPolicy(RecipientPolicy policy) {
    Objects.requireNonNull(policy, "policy");
    checkOpen();
    greenMail.smtpManager().policy(policy);
  }

  /** The recipient policy in force; {@link RecipientPolicy#acceptAll()} unless one was set. */
  public RecipientPolicy recipientPolicy() {
    return greenMail.smtpManager().policy();
  }

  /** Stops every service and closes their connections. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      greenMail.stop();
      LOG.debug("Stopped {}", this);
    }
  }

  /** True once {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /** Shows the ports, for example {@code TestMailServer[smtp=40001, smtps=40002, ...]}. */
  @Override
  public String toString() {
    return "TestMailServer[host=" + HOST
        + ", smtp=" + plainPorts.get(Protocol.SMTP) + ", smtps=" + tlsPorts.get(Protocol.SMTP)
        + ", imap=" + plainPorts.get(Protocol.IMAP) + ", imaps=" + tlsPorts.get(Protocol.IMAP)
        + ", pop3=" + plainPorts.get(Protocol.POP3) + ", pop3s=" + tlsPorts.get(Protocol.POP3)
        + (closed.get() ? ", closed" : "") + "]";
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("TestMailServer is closed");
    }
  }

  private boolean await(int count, Duration timeout, IntSupplier current) {
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    while (true) {
      checkOpen();
      if (current.getAsInt() >= count) {
        return true;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(this, Math.min(remaining, POLL_NANOS));
    }
  }

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }
}
