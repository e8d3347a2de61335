package dev.satchel.mail.testkit;

import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.server.AbstractServer;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
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
import dev.satchel.mail.internal.MimeReader;
import dev.satchel.mail.internal.MimeWriter;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
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

  private final GreenMail greenMail;
  private final TlsOptions tls;
  private final Map<Protocol, Integer> plainPorts;
  private final Map<Protocol, Integer> tlsPorts;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TestMailServer(GreenMail greenMail, TlsOptions tls) {
    this.greenMail = greenMail;
    this.tls = tls;
    this.plainPorts = new EnumMap<>(Protocol.class);
    this.tlsPorts = new EnumMap<>(Protocol.class);
    plainPorts.put(Protocol.SMTP, boundPort(greenMail.getSmtp()));
    plainPorts.put(Protocol.IMAP, boundPort(greenMail.getImap()));
    plainPorts.put(Protocol.POP3, boundPort(greenMail.getPop3()));
    tlsPorts.put(Protocol.SMTP, boundPort(greenMail.getSmtps()));
    tlsPorts.put(Protocol.IMAP, boundPort(greenMail.getImaps()));
    tlsPorts.put(Protocol.POP3, boundPort(greenMail.getPop3s()));
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
    GreenMail greenMail = new GreenMail(setups);
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
    if (greenMail.getUserManager().getUser(user.login()) == null) {
      throw new IllegalArgumentException("no user \"" + user.login() + "\" on this server: create it with createUser");
    }
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
    GreenMailUser user = greenMail.getUserManager().getUser(to.login());
    if (user == null) {
      throw new IllegalArgumentException("no user \"" + to.login() + "\" on this server: create it with createUser");
    }
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
    GreenMailUser account = greenMail.getUserManager().getUser(user.login());
    if (account == null) {
      throw new IllegalArgumentException("no user \"" + user.login() + "\" on this server: create it with createUser");
    }
    ImapHostManager host = greenMail.getManagers().getImapHostManager();
    char separator = host.getHierarchyDelimiter();
    String[] levels = folder.split(java.util.regex.Pattern.quote(String.valueOf(separator)), -1);
    if (folder.isBlank() || java.util.Arrays.stream(levels).anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("folder must be a full name with non-empty levels separated by '" + separator
          + "', was \"" + folder + "\"");
    }
    try {
      if (folder.equalsIgnoreCase("INBOX")) {
        return host.getInbox(account);
      }
      String name = "";
      MailFolder current = null;
      for (String level : levels) {
        name = name.isEmpty() ? level : name + separator + level;
        current = host.getFolder(account, name);
        if (current == null) {
          current = host.createMailbox(account, name);
        }
      }
      return Objects.requireNonNull(current);
    } catch (FolderException | com.icegreen.greenmail.imap.AuthorizationException e) {
      throw new IllegalStateException("cannot create folder \"" + folder + "\" for " + user.login() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Every message now in an INBOX of this server (delivered over SMTP, with {@link #deliver}, or
   * appended), as the raw bytes a client would fetch, oldest first. Messages that a client deleted
   * and expunged are no longer listed.
   */
  public List<byte[]> receivedRaw() {
    List<byte[]> result = new ArrayList<>();
    for (Stored stored : stored()) {
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
    List<Message> result = new ArrayList<>();
    for (Stored stored : stored()) {
      Uid uid = new Uid.Imap(stored.uidValidity(), stored.message().getUid());
      result.add(MimeReader.read(new ByteArrayInputStream(stored.bytes()), uid));
    }
    return result;
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
    if (count < 0) {
      throw new IllegalArgumentException("count must not be negative, was " + count);
    }
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative, was " + timeout);
    }
    long deadline = System.nanoTime() + saturatedNanos(timeout);
    while (true) {
      if (messageCount() >= count) {
        return true;
      }
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0 || Thread.currentThread().isInterrupted()) {
        return false;
      }
      LockSupport.parkNanos(this, Math.min(remaining, POLL_NANOS));
    }
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

  private int messageCount() {
    checkOpen();
    ImapHostManager host = greenMail.getManagers().getImapHostManager();
    int count = 0;
    for (GreenMailUser user : greenMail.getUserManager().listUser()) {
      try {
        count += host.getInbox(user).getMessageCount();
      } catch (FolderException e) {
        // a user without an INBOX has no messages
      }
    }
    return count;
  }

  private List<Stored> stored() {
    checkOpen();
    ImapHostManager host = greenMail.getManagers().getImapHostManager();
    List<Stored> result = new ArrayList<>();
    for (GreenMailUser user : greenMail.getUserManager().listUser()) {
      MailFolder inbox;
      try {
        inbox = host.getInbox(user);
      } catch (FolderException e) {
        continue; // a user without an INBOX has no messages
      }
      for (StoredMessage message : inbox.getMessages()) {
        result.add(new Stored(message, inbox.getUidValidity(), user.getLogin()));
      }
    }
    result.sort(Comparator.comparing((Stored s) -> receivedDate(s.message()))
        .thenComparing(Stored::login)
        .thenComparingLong(s -> s.message().getUid()));
    return result;
  }

  private static Date receivedDate(StoredMessage message) {
    Date date = message.getReceivedDate();
    return date == null ? new Date(0) : date;
  }

  private static long saturatedNanos(Duration timeout) {
    try {
      return timeout.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  private static int boundPort(@Nullable AbstractServer service) {
    if (service == null) {
      throw new IllegalStateException("a GreenMail service did not start");
    }
    return service.getPort();
  }

  /** One stored message and where it is. */
  private record Stored(StoredMessage message, long uidValidity, String login) {
    byte[] bytes() {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.getMimeMessage().writeTo(out);
        return out.toByteArray();
      } catch (MessagingException | IOException e) {
        throw new IllegalStateException("cannot read a stored message: " + e.getMessage(), e);
      }
    }
  }
}
