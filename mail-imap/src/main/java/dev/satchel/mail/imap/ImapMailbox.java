package dev.satchel.mail.imap;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Credentials;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.Security;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.MailboxOptions;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.Server;
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.UnsupportedCapabilityException;
import dev.satchel.mail.Watch;
import dev.satchel.mail.internal.AngusSessions;
import dev.satchel.mail.internal.MailExceptions;
import dev.satchel.mail.internal.OAuth2Tokens;
import dev.satchel.mail.internal.Secrets;
import dev.satchel.mail.internal.MimeWriter;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.Set;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.FLAGS;
import org.eclipse.angus.mail.imap.protocol.FetchResponse;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.ListInfo;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMAP {@link Mailbox}: one Angus {@link IMAPStore}, at most one selected folder at a time, and
 * raw UID commands (through {@link IMAPFolder#doCommand}) wherever Angus would make one round trip per
 * message or lacks the command. Not thread-safe, like every {@link Mailbox}.
 */
final class ImapMailbox implements Mailbox {
  private static final Logger LOG = LoggerFactory.getLogger(ImapMailbox.class);

  private final MailSettings settings;
  private final MailboxOptions options;
  private final IMAPStore store;
  private final Set<Capability> capabilities;
  private final @Nullable RecordingSockets sockets;
  /** The secret this mailbox logged in with, redacted from server text until {@link #close()}. */
  private final Secrets.Registration secrets;
  /**
   * The server's capabilities after login, upper case. Kept here because asking Angus's store
   * borrows its connection, and while a folder holds the only one that opens (and logs in) another.
   */
  private final Set<String> serverCapabilities = new java.util.HashSet<>();
  private @Nullable IMAPFolder selected;
  private boolean closed;
  /** The selected folder's message count when this class keeps it (with QRESYNC), else -1. */
  private volatile int trackedCount = -1;
  /**
   * The selected connection's view holds every existing message with a lower UID: SELECT's UIDNEXT,
   * raised past each UID the connection reported since (see {@link #sawInView}); -1 when unknown.
   */
  private long viewUidNext = -1;
  private org.eclipse.angus.mail.iap.@Nullable ResponseHandler counter;
  private @Nullable IMAPProtocol counted;
  /** Told of unsolicited news about the selected folder (a watch), or null. */
  private volatile @Nullable Runnable serverChange;
  private org.eclipse.angus.mail.iap.@Nullable ResponseHandler newsHandler;
  private @Nullable IMAPProtocol newsProtocol;

  private ImapMailbox(MailSettings settings, MailboxOptions options, IMAPStore store, Set<Capability> capabilities,
      @Nullable RecordingSockets sockets, Secrets.Registration secrets) {
    this.secrets = secrets;
    this.settings = settings;
    this.options = options;
    this.store = store;
    this.capabilities = capabilities;
    this.sockets = sockets;
  }

  /**
   * Whether to ask for COMPRESS=DEFLATE: {@code AUTO} skips a server on loopback ("localhost" or a
   * loopback address literal; a host name is never resolved for this), where compression can only
   * cost time.
   */
  static boolean compress(MailboxOptions.Compression compression, String host) {
    return switch (compression) {
      case ON -> true;
      case OFF -> false;
      case AUTO -> !isLoopback(host);
    };
  }

  private static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost") || h.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost")) {
      return true;
    }
    boolean literal = h.indexOf(':') >= 0 || h.matches("[0-9.]+");
    if (!literal) {
      return false;
    }
    try {
      return java.net.InetAddress.getByName(h).isLoopbackAddress(); // a literal: parsed, not looked up
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  /**
   * Connects, logs in, sends ID when offered and derives the capabilities.
   *
   * @param forWatch true for a watch's own connection: sockets are recorded so that they can be cut,
   *     the read timeout is stretched past the IDLE restart interval, and INBOX is not selected to
   *     read its PERMANENTFLAGS (a watch never uses KEYWORDS), so the watched folder, INBOX too, is
   *     not selected yet when the watch asks for changes and the resynchronising SELECT can be used
   */
  static ImapMailbox connect(MailSettings settings, MailboxOptions options, boolean forWatch) {
    Server server = settings.server();
    Credentials credentials = settings.credentials();
    if (credentials == null) {
      throw new IllegalArgumentException("IMAP settings need credentials");
    }
    String proto = AngusSessions.protocolName(server);
    String p = "mail." + proto + ".";
    Properties extra = new Properties();
    extra.setProperty(p + "peek", "true");
    extra.setProperty(p + "throwsearchexception", "true");
    // Angus validates every ENVELOPE address when this is true and drops the whole FETCH response
    // when one fails ("ignoring bad response", at FINE), so a message from "postmaster" (Dovecot:
    // "MISSING_DOMAIN") vanished from listings. Satchel checks addresses itself (AddressCache).
    extra.setProperty("mail.mime.address.strict", "false");
    // Two connections: one keeps the selected folder, one serves store commands (STATUS, LIST, ...);
    // with one, Angus opened, authenticated and logged out a new connection for every STATUS.
    extra.setProperty(p + "connectionpoolsize", "2");
    extra.setProperty(p + "partialfetch", "true");
    extra.setProperty(p + "fetchsize", Integer.toString(options.partialFetchSize()));
    // COMPRESS=DEFLATE (RFC 4978): Angus sends COMPRESS after login when this is on and the server
    // offers it, and leaves the connection uncompressed otherwise.
    extra.setProperty(p + "compress.enable", Boolean.toString(compress(options.compression(), server.host())));
    if (credentials instanceof Credentials.OAuth2) {
      extra.setProperty(p + "auth.mechanisms", "XOAUTH2");
    }
    RecordingSockets sockets = null;
    if (forWatch) {
      long readMillis = settings.readTimeout().plus(options.idleRestart()).toMillis();
      extra.setProperty(p + "timeout", Long.toString(readMillis));
      sockets = new RecordingSockets();
      sockets.install(extra, p, server, AngusSessions.properties(settings));
    }
    Session session = AngusSessions.session(settings, extra);
    SatchelImapStore store = new SatchelImapStore(session, proto, credentials instanceof Credentials.OAuth2);
    Secrets.Registration secrets = login(store, server, credentials);
    try {
      if (store.hasCapability("ID")) {
        Map<String, String> id = new LinkedHashMap<>();
        id.put("name", "Satchel");
        id.put("vendor", "dev.satchel");
        try {
          store.id(id);
        } catch (MessagingException e) {
          LOG.debug("IMAP ID was refused by {}: {}", server, e.getMessage());
        }
      }
      ImapMailbox box = new ImapMailbox(settings, options, store, EnumSet.noneOf(Capability.class), sockets, secrets);
      box.serverCapabilities.addAll(box.onStore("CAPABILITY", protocol -> {
        Set<String> names = new java.util.HashSet<>();
        protocol.getCapabilities().keySet().forEach(c -> names.add(c.toUpperCase(java.util.Locale.ROOT)));
        return names;
      }));
      box.capabilities.addAll(box.deriveCapabilities(!forWatch));
      return box;
    } catch (MessagingException e) {
      closeQuietly(store);
      MailException failure = MailExceptions.translateConnect(server, e);
      secrets.close();
      throw failure;
    } catch (RuntimeException e) {
      closeQuietly(store);
      // Angus's response parser can fail with an unchecked exception on a malformed answer (for
      // example an unterminated FLAGS list in the SELECT answer): no session to go on with.
      MailException failure = MailExceptions.translateConnect(server, e);
      secrets.close();
      throw failure;
    }
  }

  private static void closeQuietly(IMAPStore store) {
    try {
      store.close();
    } catch (MessagingException | RuntimeException ignored) {
      // closing after a failure
    }
  }

  /**
   * Logs in; the returned registration keeps the secret in use {@linkplain Secrets redacted} from
   * server text until the mailbox is closed. On failure the registration is closed after the
   * exception (with redacted server text) was built.
   */
  private static Secrets.Registration login(SatchelImapStore store, Server server, Credentials credentials) {
    Secrets.Registration secrets = Secrets.none();
    int attempts = store.loginAttempts();
    try {
      if (credentials instanceof Credentials.Password pw) {
        String secret = new String(pw.secret());
        secrets = Secrets.register(pw.username(), secret);
        store.connect(server.host(), server.port(), pw.username(), secret);
      } else if (credentials instanceof Credentials.OAuth2 oauth) {
        String token = OAuth2Tokens.token(oauth, false, server);
        secrets = Secrets.register(oauth.username(), token);
        try {
          store.connect(server.host(), server.port(), oauth.username(), token);
        } catch (AuthenticationFailedException first) {
          // the token may have expired: ask for a fresh one once
          String fresh = OAuth2Tokens.token(oauth, true, server);
          Secrets.Registration refreshed = Secrets.register(oauth.username(), fresh);
          secrets.close();
          secrets = refreshed;
          store.connect(server.host(), server.port(), oauth.username(), fresh);
        }
      }
      return secrets;
    } catch (AuthenticationFailedException e) {
      MailException failure = server.security() == Security.STARTTLS && store.loginAttempts() == attempts
          // Angus reports a refused STARTTLS as an authentication failure; no credential was sent.
          ? new MailConnectionException("connect to " + server + " failed: the server refused STARTTLS"
              + (e.getMessage() == null ? "" : " (" + Secrets.redact(e.getMessage().strip()) + ")")
              + ", and STARTTLS is required, so the connection was closed before any credential was sent. Use"
              + " Security.TLS on the implicit-TLS port (usually 993), or check the server's TLS set-up",
              Secrets.scrub(e))
          : MailExceptions.authenticationFailed(server, e.getMessage(), e);
      secrets.close();
      throw failure;
    } catch (MessagingException | RuntimeException e) {
      // a RuntimeException: Angus failed on a malformed answer (or a MailException from the token source)
      MailException failure = SatchelImapStore.refusedForNoOAuth2(e)
          ? new MailAuthenticationException(server + " does not offer OAuth2 (no AUTH=XOAUTH2 in its capabilities),"
              + " so the OAuth2 token was not sent; use password credentials (an app password) for this server, or"
              + " check that this is the provider's OAuth2-enabled IMAP host", null)
          : MailExceptions.translateConnect(server, e);
      secrets.close();
      throw failure;
    }
  }

  /** The capabilities; KEYWORDS only when {@code probeKeywords} (it selects INBOX for its PERMANENTFLAGS). */
  private Set<Capability> deriveCapabilities(boolean probeKeywords) throws MessagingException {
    Set<Capability> caps = EnumSet.of(Capability.FOLDERS, Capability.SERVER_FLAGS, Capability.COPY, Capability.DELETE,
        Capability.APPEND, Capability.SERVER_SEARCH, Capability.HEADERS_ONLY, Capability.UNIQUE_IDS);
    if (has("MOVE") || has("UIDPLUS")) {
      caps.add(Capability.MOVE);
    }
    if (has("IDLE")) {
      caps.add(Capability.PUSH);
    }
    if (has("QUOTA")) {
      caps.add(Capability.QUOTA);
    }
    if (has("CONDSTORE") || has("QRESYNC")) {
      caps.add(Capability.CHANGES_SINCE);
    }
    if (has("SPECIAL-USE")) {
      caps.add(Capability.SPECIAL_USE);
    }
    if (!probeKeywords) {
      return caps;
    }
    IMAPFolder inbox = select(inbox());
    Flags permanent = inbox.getPermanentFlags();
    if (permanent != null && permanent.contains(Flags.Flag.USER)) {
      caps.add(Capability.KEYWORDS);
    }
    return caps;
  }

  /** True when the server advertised {@code capability} (for example "UIDPLUS") after login. */
  boolean has(String capability) {
    return serverCapabilities.contains(capability.toUpperCase(java.util.Locale.ROOT));
  }

  MailSettings settings() {
    return settings;
  }

  MailboxOptions options() {
    return options;
  }

  /** Cuts every socket of a watch connection at once, to end a read that would otherwise block. */
  void cutSockets() {
    if (sockets != null) {
      sockets.closeAll();
    }
  }

  /** Closes a watch connection without waiting for the server: sockets first, then the store. */
  void cutSocketsAfterClose() {
    cutSockets();
    close();
  }

  // ---------------------------------------------------------------- plumbing

  MailException fail(String operation, Exception e) {
    return MailExceptions.translate(operation, settings.server(), e);
  }

  /** The personal namespace prefix ("" or e.g. "INBOX."), asked for on the first folder creation. */
  private @Nullable String personalPrefix;

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("this mailbox is closed");
    }
  }

  private void require(Capability c, String instead) {
    if (!capabilities.contains(c)) {
      throw new UnsupportedCapabilityException(c, Protocol.IMAP, instead);
    }
  }

  /** True when {@code folder} is the selected folder. */
  private boolean isSelected(Folder folder) {
    IMAPFolder current = selected;
    return current != null && current.isOpen() && current.getFullName().equals(folder.fullName());
  }

  /** Selects {@code folder} (read-write) unless it is already selected. */
  IMAPFolder select(Folder folder) {
    ensureOpen();
    IMAPFolder current = selected;
    if (current != null && isSelected(folder)) {
      return current;
    }
    unselect();
    if (has("QRESYNC")) {
      enableQresync();
    }
    try {
      IMAPFolder f = (IMAPFolder) store.getFolder(folder.fullName());
      f.open(jakarta.mail.Folder.READ_WRITE);
      opened(f);
      return f;
    } catch (MessagingException | RuntimeException e) {
      throw fail("select " + folder.fullName(), e);
    }
  }

  private void opened(IMAPFolder f) throws MessagingException {
    selected = f;
    viewUidNext = f.getUIDNext();
    countMessagesWithQresync(f);
    listenForNews(f);
  }

  /** What a resynchronising SELECT reported about the changes since the client's HIGHESTMODSEQ. */
  record Resync(long uidValidity, OptionalLong uidNext, OptionalLong highestModSeq, Map<Long, Set<String>> changed,
      Set<Long> vanished) {}

  /**
   * Selects {@code folder} with QRESYNC's resynchronising SELECT (RFC 7162 3.2.5):
   * {@code SELECT folder (QRESYNC (uidValidity modSeq))}. The server answers with the folder's
   * counters, a {@code VANISHED (EARLIER)} response for messages expunged since {@code modSeq} and a
   * FETCH (UID, FLAGS, MODSEQ) for each message changed or added since, so one command replaces the
   * NOOP and the {@code CHANGEDSINCE .. VANISHED} fetch. When the UIDVALIDITY differs the server
   * reports no changes, and {@link Resync#uidValidity()} tells. No known-UIDs list is sent: Dovecot
   * limits the FETCH part to the UIDs named there, so messages added since would go unreported; the
   * VANISHED part may therefore name UIDs the client never knew.
   *
   * <p>Angus sends ENABLE QRESYNC first on the connection the folder gets, unless it is enabled there
   * already. It turns the VANISHED (EARLIER) response into a {@code MessageVanishedEvent} and each
   * FETCH into a {@code MessageChangedEvent} whose message carries the UID and flags from that
   * response; both are taken out of the responses before any response handler sees them, so the
   * message count kept by {@link #countMessagesWithQresync} (installed after the SELECT) starts from
   * EXISTS.
   *
   * @return the answer, or null when {@code folder} is already selected (nothing sent), the server
   *     does not offer QRESYNC (nothing sent), or it refused the ENABLE or this SELECT (then the
   *     folder is selected the plain way, or that fails as {@link #select} does)
   */
  @Nullable Resync selectWithResync(Folder folder, long uidValidity, long modSeq) {
    ensureOpen();
    if (isSelected(folder) || !has("QRESYNC")) {
      return null;
    }
    unselect();
    IMAPFolder f;
    List<jakarta.mail.event.MailEvent> events;
    try {
      f = (IMAPFolder) store.getFolder(folder.fullName());
      events = f.open(jakarta.mail.Folder.READ_WRITE, new org.eclipse.angus.mail.imap.ResyncData(uidValidity, modSeq));
    } catch (MessagingException e) {
      LOG.debug("resynchronising SELECT of {} failed, selecting it the plain way: {}", folder.fullName(), e.getMessage());
      select(folder);
      return null;
    }
    try {
      opened(f);
      Map<Long, Set<String>> changed = new HashMap<>();
      Set<Long> vanished = new java.util.HashSet<>();
      for (jakarta.mail.event.MailEvent e : events == null ? List.<jakarta.mail.event.MailEvent>of() : events) {
        if (e instanceof org.eclipse.angus.mail.imap.MessageVanishedEvent v) {
          for (long u : v.getUIDs()) {
            vanished.add(u);
          }
        } else if (e instanceof jakarta.mail.event.MessageChangedEvent c) {
          jakarta.mail.Message m = c.getMessage();
          long uid = f.getUID(m);
          changed.put(uid, Imap.flagStrings(m.getFlags()));
          sawInView(uid);
        }
      }
      long next = f.getUIDNext();
      long highest = f.getHighestModSeq();
      return new Resync(f.getUIDValidity(), next > 0 ? OptionalLong.of(next) : OptionalLong.empty(),
          highest > 0 ? OptionalLong.of(highest) : OptionalLong.empty(), changed, vanished);
    } catch (MessagingException | RuntimeException e) {
      throw fail("select " + folder.fullName(), e);
    }
  }

  /**
   * Sends ENABLE QRESYNC (RFC 7162) on the connection the next SELECT will use, once per connection,
   * so that {@code changesSince} can learn removals from VANISHED. A refusal only costs that: sync
   * then falls back to comparing UIDs.
   */
  private void enableQresync() {
    onStore("ENABLE QRESYNC", p -> {
      if (!p.isEnabled("QRESYNC")) {
        try {
          p.enable("QRESYNC");
        } catch (org.eclipse.angus.mail.iap.CommandFailedException | org.eclipse.angus.mail.iap.BadCommandException e) {
          LOG.debug("ENABLE QRESYNC was refused by {}: {}", settings.server(), e.getMessage());
        }
      }
      return Boolean.TRUE;
    });
  }

  /** True when QRESYNC is enabled on the connection that has {@code folder} selected. */
  boolean qresyncEnabled(Folder folder) {
    return inFolder(folder, "QRESYNC state", p -> p.isEnabled("QRESYNC"));
  }

  /**
   * With QRESYNC enabled the server reports expunged messages as {@code VANISHED uid-set} instead of
   * EXPUNGE. Angus maps those UIDs only to messages it fetched itself (this class fetches through raw
   * commands, so its message count would go stale) and fails on a set of several UIDs. So on such a
   * connection the folder stops listening, and this class counts EXISTS, EXPUNGE and VANISHED itself.
   */
  private void countMessagesWithQresync(IMAPFolder f) throws MessagingException {
    int opened = f.getMessageCount();
    f.doCommand(p -> {
      if (p.isEnabled("QRESYNC")) {
        p.removeResponseHandler(f);
        trackedCount = opened;
        org.eclipse.angus.mail.iap.ResponseHandler h = ImapMailbox.this::count;
        p.addResponseHandler(h);
        counter = h;
        counted = p;
      }
      return Boolean.TRUE;
    });
  }

  private void count(Response r) {
    if (!(r instanceof org.eclipse.angus.mail.imap.protocol.IMAPResponse ir) || !ir.isUnTagged()) {
      return;
    }
    if (ir.keyEquals("EXISTS")) {
      trackedCount = ir.getNumber();
    } else if (ir.keyEquals("EXPUNGE")) {
      trackedCount = Math.max(0, trackedCount - 1);
    } else if (ir.keyEquals("VANISHED")) {
      String text = r.toString().trim();
      int at = text.toUpperCase(java.util.Locale.ROOT).indexOf("VANISHED") + "VANISHED".length();
      String rest = text.substring(at).trim();
      if (!rest.toUpperCase(java.util.Locale.ROOT).startsWith("(EARLIER)")) {
        org.eclipse.angus.mail.imap.protocol.UIDSet[] set = org.eclipse.angus.mail.imap.protocol.UIDSet.parseUIDSets(rest);
        if (set != null) {
          trackedCount = (int) Math.max(0, trackedCount - org.eclipse.angus.mail.imap.protocol.UIDSet.size(set));
        }
      }
    }
  }

  /** The number of messages in {@code folder} as the selected connection knows it now. */
  int messageCount(Folder folder) {
    IMAPFolder f = select(folder);
    int tracked = trackedCount;
    if (tracked >= 0) {
      return tracked;
    }
    try {
      return f.getMessageCount();
    } catch (MessagingException | RuntimeException e) {
      throw fail("message count of " + folder.fullName(), e);
    }
  }

  /**
   * Asks the server for news about {@code folder} (NOOP) when it is the selected folder. A server may
   * hold back EXISTS and EXPUNGE for the selected folder until a NOOP (Dovecot computes UID SEARCH on
   * its current view), so without this a listing would miss messages delivered, expunged or moved
   * through another connection since the folder was selected. A folder not yet selected needs
   * nothing: SELECT reports its current state.
   */
  void refreshIfSelected(Folder folder) {
    if (isSelected(folder)) {
      inFolder(folder, "NOOP in " + folder.fullName(), p -> Imap.run(p, "NOOP", null));
    }
  }

  /**
   * Makes sure the selected connection's view of {@code folder} holds {@code uids}, sending a NOOP
   * when one may be newer than the view. A server evaluates a UID set against what it has told the
   * session (Dovecot silently skips a UID it has not announced with EXISTS yet), so without this a
   * UID STORE, COPY, MOVE, EXPUNGE or FETCH of a message appended through another connection after
   * the folder was selected would do nothing. Every UID the server gave out was assigned before this
   * call, so after the NOOP the view holds each of them that still exists.
   */
  void ensureInView(Folder folder, long[] uids) {
    select(folder);
    long highest = Arrays.stream(uids).max().orElse(0);
    if (viewUidNext > 0 && highest < viewUidNext) {
      return;
    }
    inFolder(folder, "NOOP in " + folder.fullName(), p -> Imap.run(p, "NOOP", null));
  }

  /**
   * Notes that the selected connection reported a message with {@code uid} (in a FETCH or SEARCH
   * answer): its view then holds every older message that still exists too. Only UIDs the server
   * reported count, never UIDs a caller passed in, which may name nothing.
   */
  void sawInView(long uid) {
    if (uid >= viewUidNext) {
      viewUidNext = uid + 1;
    }
  }

  private void sawInView(long[] uids) {
    for (long u : uids) {
      sawInView(u);
    }
  }

  /** Closes the selected folder without expunging (Angus uses UNSELECT, or EXAMINE + CLOSE). */
  private void unselect() {
    IMAPFolder current = selected;
    selected = null;
    IMAPProtocol p = counted;
    org.eclipse.angus.mail.iap.ResponseHandler h = counter;
    if (p != null && h != null) {
      p.removeResponseHandler(h);
    }
    counted = null;
    counter = null;
    trackedCount = -1;
    viewUidNext = -1;
    IMAPProtocol np = newsProtocol;
    org.eclipse.angus.mail.iap.ResponseHandler nh = newsHandler;
    if (np != null && nh != null) {
      np.removeResponseHandler(nh);
    }
    newsProtocol = null;
    newsHandler = null;
    if (current != null && current.isOpen()) {
      try {
        current.close(false);
      } catch (MessagingException e) {
        LOG.debug("closing folder {} failed: {}", current.getFullName(), e.getMessage());
      }
    }
  }

  /** A command to run with the IMAP protocol of the selected folder. */
  @FunctionalInterface
  interface Cmd<T> {
    T run(IMAPProtocol p) throws ProtocolException;
  }

  /** Runs {@code cmd} in {@code folder}, selecting it first. */
  @SuppressWarnings("unchecked")
  <T> T inFolder(Folder folder, String operation, Cmd<T> cmd) {
    IMAPFolder f = select(folder);
    try {
      return (T) f.doCommand(p -> cmd.run(p));
    } catch (MessagingException | RuntimeException e) {
      throw fail(operation, e);
    }
  }

  /** Runs {@code cmd} on the store's connection (no folder needs to be selected). */
  @SuppressWarnings("unchecked")
  private <T> T onStore(String operation, Cmd<T> cmd) {
    ensureOpen();
    try {
      IMAPFolder root = (IMAPFolder) store.getDefaultFolder();
      return (T) root.doCommand(p -> cmd.run(p));
    } catch (MessagingException | RuntimeException e) {
      throw fail(operation, e);
    }
  }

  long uidValidity(Folder folder) {
    IMAPFolder f = select(folder);
    try {
      return f.getUIDValidity();
    } catch (MessagingException | RuntimeException e) {
      throw fail("UIDVALIDITY of " + folder.fullName(), e);
    }
  }

  /**
   * The UID numbers of {@code uids}, sorted and distinct, checked against the folder's UIDVALIDITY,
   * with the selected view brought up to date when one of them may be newer than it.
   */
  private long[] uidNumbers(Folder folder, List<Uid> uids, String operation) {
    long validity = uidValidity(folder);
    long[] out = new long[uids.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = uidNumber(uids.get(i), validity, folder, operation);
    }
    Arrays.sort(out);
    long[] distinct = Arrays.stream(out).distinct().toArray();
    ensureInView(folder, distinct);
    return distinct;
  }

  static long uidNumber(Uid uid, long validity, Folder folder, String operation) {
    if (!(uid instanceof Uid.Imap imap)) {
      throw new IllegalArgumentException("an IMAP mailbox needs IMAP UIDs, was " + uid);
    }
    if (imap.uidValidity() != validity) {
      throw new MailCommandException(operation, "UID " + uid + " is void: the UIDVALIDITY of " + folder.fullName()
          + " is now " + validity + "; list the folder again", null);
    }
    return imap.uid();
  }

  // ---------------------------------------------------------------- identity and folders

  @Override
  public Protocol protocol() {
    return Protocol.IMAP;
  }

  @Override
  public Set<Capability> capabilities() {
    return Collections.unmodifiableSet(capabilities);
  }

  @Override
  public Folder inbox() {
    return new Folder(Folder.INBOX, '/', Set.of(), Optional.empty());
  }

  private List<ListInfo> listInfos(boolean subscribedOnly) {
    ListInfo[] infos = onStore(subscribedOnly ? "LSUB" : "LIST", p -> subscribedOnly ? p.lsub("", "*") : p.list("", "*"));
    return infos == null ? List.of() : Arrays.asList(infos);
  }

  @Override
  public List<Folder> folders() {
    return SpecialFolders.resolve(listInfos(false)).folders();
  }

  @Override
  public List<SpecialFolder> specialFolders() {
    return SpecialFolders.resolve(listInfos(false)).special();
  }

  @Override
  public Optional<Folder> folder(String fullName) {
    if (fullName.equalsIgnoreCase(Folder.INBOX)) {
      return Optional.of(inbox());
    }
    ListInfo[] infos = onStore("LIST " + fullName, p -> p.list("", fullName));
    if (infos == null || infos.length == 0) {
      return Optional.empty();
    }
    return SpecialFolders.resolve(Arrays.asList(infos)).folders().stream()
        .filter(f -> f.fullName().equals(fullName)).findFirst();
  }

  @Override
  public Optional<Folder> specialFolder(SpecialUse use) {
    return specialFolders().stream().filter(s -> s.use() == use).map(SpecialFolder::folder).findFirst();
  }

  @Override
  public List<Folder> subscribedFolders() {
    return SpecialFolders.resolve(listInfos(true)).folders();
  }

  @Override
  public void setSubscribed(Folder folder, boolean subscribed) {
    ensureOpen();
    try {
      store.getFolder(folder.fullName()).setSubscribed(subscribed);
    } catch (MessagingException | RuntimeException e) {
      throw fail((subscribed ? "SUBSCRIBE " : "UNSUBSCRIBE ") + folder.fullName(), e);
    }
  }

  @Override
  public Folder createFolder(String fullName) {
    Folder check = Folder.named(fullName);
    ensureOpen();
    String name;
    try {
      name = inPersonalNamespace(check.fullName());
      jakarta.mail.Folder f = store.getFolder(name);
      if (!f.create(jakarta.mail.Folder.HOLDS_MESSAGES)) {
        throw new MailCommandException("CREATE " + name, "the server refused to create the folder", null);
      }
    } catch (MessagingException | RuntimeException e) {
      throw fail("CREATE " + fullName, e);
    }
    return folder(name).orElse(Folder.named(name));
  }

  /**
   * The name a new folder gets: servers whose personal namespace has a prefix (Cyrus and Courier:
   * {@code INBOX.}) refuse new folders outside it, so a name that is neither INBOX nor under that
   * prefix is put under it (RFC 2342 section 4); {@code Reports} becomes {@code INBOX.Reports}. Asked
   * once per session; without NAMESPACE, or with an empty prefix (Dovecot), names are unchanged.
   */
  private String inPersonalNamespace(String fullName) throws MessagingException {
    if (personalPrefix == null) {
      String prefix = "";
      jakarta.mail.Folder[] personal = store.getPersonalNamespaces();
      if (personal.length > 0 && !personal[0].getFullName().isEmpty()) {
        prefix = personal[0].getFullName() + personal[0].getSeparator();
      }
      personalPrefix = prefix;
    }
    String prefix = personalPrefix;
    if (prefix.isEmpty() || fullName.equalsIgnoreCase(Folder.INBOX)
        || fullName.regionMatches(true, 0, prefix, 0, prefix.length())) {
      return fullName;
    }
    return prefix + fullName;
  }

  @Override
  public Folder renameFolder(Folder folder, String newFullName) {
    Folder check = Folder.named(newFullName);
    ensureOpen();
    if (selected != null && selected.getFullName().equals(folder.fullName())) {
      unselect();
    }
    String name;
    try {
      name = inPersonalNamespace(check.fullName());
      jakarta.mail.Folder from = store.getFolder(folder.fullName());
      if (!from.renameTo(store.getFolder(name))) {
        throw new MailCommandException("RENAME " + folder.fullName(), "the server refused to rename the folder", null);
      }
    } catch (MessagingException | RuntimeException e) {
      throw fail("RENAME " + folder.fullName(), e);
    }
    return folder(name).orElse(Folder.named(name));
  }

  @Override
  public void deleteFolder(Folder folder) {
    ensureOpen();
    if (folder.isInbox()) {
      throw new IllegalArgumentException("the inbox cannot be deleted");
    }
    if (selected != null && selected.getFullName().equals(folder.fullName())) {
      unselect();
    }
    try {
      if (!store.getFolder(folder.fullName()).delete(false)) {
        throw new MailCommandException("DELETE " + folder.fullName(), "the server refused to delete the folder", null);
      }
    } catch (MessagingException | RuntimeException e) {
      throw fail("DELETE " + folder.fullName(), e);
    }
  }

  @Override
  public FolderStatus status(Folder folder) {
    refreshIfSelected(folder);
    return counters(folder);
  }

  /**
   * The folder's counters from one STATUS on the store's connection, without first bringing the
   * selected view up to date (sync reads the counters first and refreshes the view after).
   */
  FolderStatus counters(Folder folder) {
    boolean modseq = capabilities.contains(Capability.CHANGES_SINCE);
    String[] items = modseq
        ? new String[] {"MESSAGES", "UNSEEN", "UIDVALIDITY", "UIDNEXT", "HIGHESTMODSEQ"}
        : new String[] {"MESSAGES", "UNSEEN", "UIDVALIDITY", "UIDNEXT"};
    Status s = onStore("STATUS " + folder.fullName(), p -> p.status(folder.fullName(), items));
    return new FolderStatus(folder, Math.max(0, s.total), s.unseen < 0 ? OptionalLong.empty() : OptionalLong.of(s.unseen),
        s.uidvalidity > 0 ? OptionalLong.of(s.uidvalidity) : OptionalLong.empty(),
        s.uidnext > 0 ? OptionalLong.of(s.uidnext) : OptionalLong.empty(),
        modseq && s.highestmodseq > 0 ? OptionalLong.of(s.highestmodseq) : OptionalLong.empty());
  }

  // ---------------------------------------------------------------- listing

  @Override
  public List<MessageSummary> list(Folder folder) {
    return list(folder, UidRange.all());
  }

  @Override
  public List<MessageSummary> list(Folder folder, UidRange range) {
    refreshIfSelected(folder);
    long validity = uidValidity(folder);
    String set = range.first() + ":" + (range.isOpenEnded() ? "*" : Long.toString(range.last()));
    long[] uids = uidSearch(folder, "UID " + set);
    long[] inRange = Arrays.stream(uids).filter(u -> u >= range.first() && u <= range.last()).toArray();
    return summaries(folder, validity, inRange);
  }

  @Override
  public List<MessageSummary> listNewest(Folder folder, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    long validity = uidValidity(folder);
    // NOOP first, so that EXISTS/EXPUNGE news from other clients updates the message count
    inFolder(folder, "NOOP", p -> Imap.run(p, "NOOP", null));
    int total = messageCount(folder);
    int want = Math.min(count, total);
    List<MessageSummary> out = new ArrayList<>(want);
    ImapSummaries summaries = new ImapSummaries(this, folder, validity);
    int batch = options.listBatchSize();
    // Sequence numbers are stable across these FETCH commands: a server may not send EXPUNGE during FETCH.
    for (int hi = total; hi > total - want; hi -= batch) {
      int lo = Math.max(total - want + 1, hi - batch + 1);
      out.addAll(summaries.bySequence(lo, hi));
    }
    return out;
  }

  /** UIDs matching a raw search key, sorted. */
  long[] uidSearch(Folder folder, String criteria) {
    Response[] r = inFolder(folder, "UID SEARCH in " + folder.fullName(), p -> Imap.run(p, "UID SEARCH " + criteria, null));
    long[] found = Imap.searchResult(r);
    sawInView(found);
    return found;
  }

  /**
   * Summaries for sorted UIDs, one UID FETCH per batch, oldest first: every UID that still exists is
   * in the answer, malformed or not (see {@link ImapSummaries}).
   */
  List<MessageSummary> summaries(Folder folder, long validity, long[] uids) {
    return new ImapSummaries(this, folder, validity).byUid(uids);
  }

  @Override
  public List<Uid> search(Folder folder, SearchQuery query) {
    refreshIfSelected(folder);
    long validity = uidValidity(folder);
    ImapSearch.Compiled c = ImapSearch.compile(query);
    Response[] r = inFolder(folder, "UID SEARCH in " + folder.fullName(), p -> Imap.run(p, c.command(), c.args()));
    long[] uids = Imap.searchResult(r);
    sawInView(uids);
    List<Uid> out = new ArrayList<>(uids.length);
    for (long u : uids) {
      out.add(new Uid.Imap(validity, u));
    }
    return out;
  }

  // ---------------------------------------------------------------- fetching

  @Override
  public Message fetch(Folder folder, Uid uid) {
    long validity = uidValidity(folder);
    long u = uidNumber(uid, validity, folder, "fetch");
    ensureInView(folder, new long[] {u});
    return new ImapMessageReader(this, folder, validity, u).read();
  }

  @Override
  public InputStream openRaw(Folder folder, Uid uid) {
    long validity = uidValidity(folder);
    long u = uidNumber(uid, validity, folder, "openRaw");
    ensureInView(folder, new long[] {u});
    Response[] r = inFolder(folder, "openRaw", p -> Imap.run(p, "UID FETCH " + u + " (UID RFC822.SIZE)", null));
    for (Response x : r) {
      if (x instanceof FetchResponse fr && Imap.uidOf(fr) == u) {
        return new PartialFetchInputStream(this, folder, validity, u, "", options.partialFetchSize());
      }
    }
    throw noSuchMessage("openRaw", folder, u);
  }

  static MailCommandException noSuchMessage(String operation, Folder folder, long uid) {
    return new MailCommandException(operation, "no message with UID " + uid + " in " + folder.fullName(), null);
  }

  /**
   * One partial fetch: {@code BODY.PEEK[section]<offset.length>} of one message. Used by streams; the
   * answer is null when the message is gone.
   */
  org.eclipse.angus.mail.imap.protocol.@Nullable BODY partialFetch(Folder folder, long validity, long uid, String section,
      long offset, int length) {
    ensureOpen();
    if (uidValidity(folder) != validity) {
      return null;
    }
    String cmd = "UID FETCH " + uid + " (BODY.PEEK[" + section + "]<" + offset + "." + length + ">)";
    Response[] r = inFolder(folder, "fetch UID " + uid, p -> Imap.run(p, cmd, null));
    for (Response x : r) {
      if (x instanceof FetchResponse fr && Imap.uidOf(fr) == uid) {
        for (int i = 0; i < fr.getItemCount(); i++) {
          if (fr.getItem(i) instanceof org.eclipse.angus.mail.imap.protocol.BODY b) {
            return b;
          }
        }
      }
    }
    return null;
  }

  boolean isClosed() {
    return closed;
  }

  // ---------------------------------------------------------------- changing

  @Override
  public void addFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
    store(folder, uids, "+FLAGS.SILENT " + Imap.flagList(flags), flags.isEmpty());
  }

  @Override
  public void removeFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
    store(folder, uids, "-FLAGS.SILENT " + Imap.flagList(flags), flags.isEmpty());
  }

  @Override
  public void addKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
    require(Capability.KEYWORDS, "The server does not allow custom keywords (no \\* in PERMANENTFLAGS); use addFlags.");
    store(folder, uids, "+FLAGS.SILENT " + Imap.keywordList(keywords), keywords.isEmpty());
  }

  @Override
  public void removeKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
    require(Capability.KEYWORDS, "The server does not allow custom keywords (no \\* in PERMANENTFLAGS); use removeFlags.");
    store(folder, uids, "-FLAGS.SILENT " + Imap.keywordList(keywords), keywords.isEmpty());
  }

  private void store(Folder folder, List<Uid> uids, String what, boolean nothing) {
    if (uids.isEmpty() || nothing) {
      ensureOpen();
      return;
    }
    long[] n = uidNumbers(folder, uids, "UID STORE");
    String cmd = "UID STORE " + Imap.uidSet(n) + " " + what;
    inFolder(folder, "UID STORE in " + folder.fullName(), p -> Imap.run(p, cmd, null));
  }

  @Override
  public List<Uid> copy(Folder from, List<Uid> uids, Folder to) {
    if (uids.isEmpty()) {
      ensureOpen();
      return List.of();
    }
    long[] n = uidNumbers(from, uids, "UID COPY");
    Response[] r = inFolder(from, "UID COPY " + from.fullName() + " to " + to.fullName(),
        p -> Imap.run(p, "UID COPY " + Imap.uidSet(n), Imap.mailbox(p, to.fullName())));
    Imap.CopyUids c = Imap.copyUids(r);
    return c == null ? List.of() : c.mapped(uidOrder(from, uids));
  }

  private long[] uidOrder(Folder folder, List<Uid> uids) {
    long validity = uidValidity(folder);
    return uids.stream().mapToLong(u -> uidNumber(u, validity, folder, "copy")).toArray();
  }

  @Override
  public List<Uid> move(Folder from, List<Uid> uids, Folder to) {
    require(Capability.MOVE, "The server has neither MOVE nor UIDPLUS, so a move could expunge messages you did not"
        + " name; use copy(...) and then delete(...) yourself.");
    if (uids.isEmpty()) {
      return List.of();
    }
    long[] n = uidNumbers(from, uids, "UID MOVE");
    String set = Imap.uidSet(n);
    String operation = "move " + from.fullName() + " to " + to.fullName();
    Response[] r;
    if (has("MOVE")) {
      r = inFolder(from, operation, p -> Imap.run(p, "UID MOVE " + set, Imap.mailbox(p, to.fullName())));
    } else {
      // UIDPLUS: COPY, then mark and UID EXPUNGE exactly the named messages
      r = inFolder(from, operation, p -> {
        Response[] copied = Imap.run(p, "UID COPY " + set, Imap.mailbox(p, to.fullName()));
        Imap.run(p, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)", null);
        Imap.run(p, "UID EXPUNGE " + set, null);
        return copied;
      });
    }
    Imap.CopyUids c = Imap.copyUids(r);
    return c == null ? List.of() : c.mapped(uidOrder(from, uids));
  }

  @Override
  public void delete(Folder folder, List<Uid> uids) {
    if (uids.isEmpty()) {
      ensureOpen();
      return;
    }
    long[] n = uidNumbers(folder, uids, "delete");
    String set = Imap.uidSet(n);
    String operation = "delete in " + folder.fullName();
    if (has("UIDPLUS")) {
      inFolder(folder, operation, p -> {
        Imap.run(p, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)", null);
        return Imap.run(p, "UID EXPUNGE " + set, null);
      });
      return;
    }
    // Without UIDPLUS only a plain EXPUNGE exists, which removes every \Deleted message: refuse when
    // messages other than the named ones are already marked.
    long[] marked = uidSearch(folder, "DELETED");
    long others = Arrays.stream(marked).filter(m -> Arrays.binarySearch(n, m) < 0).count();
    if (others > 0) {
      throw new MailCommandException(operation, "not done: " + others + " other message(s) in " + folder.fullName()
          + " are already marked \\Deleted and the server has no UIDPLUS, so EXPUNGE would remove them too;"
          + " expunge or undelete them first", null);
    }
    inFolder(folder, operation, p -> {
      Imap.run(p, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)", null);
      return Imap.run(p, "EXPUNGE", null);
    });
  }

  @Override
  public Optional<Uid> append(Folder folder, OutgoingMessage message, Set<Flag> flags) {
    ensureOpen();
    MimeMessage mime;
    try {
      mime = MimeWriter.toMimeMessage(message, Session.getInstance(new Properties()));
      mime.setFlags(Imap.jakartaFlags(flags), true);
    } catch (MessagingException e) {
      throw fail("APPEND to " + folder.fullName(), e);
    }
    try {
      IMAPFolder target = (IMAPFolder) store.getFolder(folder.fullName());
      AppendUID[] ids = target.appendUIDMessages(new jakarta.mail.Message[] {mime});
      if (ids != null && ids.length == 1 && ids[0] != null) {
        return Optional.of(new Uid.Imap(ids[0].uidvalidity, ids[0].uid));
      }
      return Optional.empty();
    } catch (MessagingException | RuntimeException e) {
      throw fail("APPEND to " + folder.fullName(), e);
    }
  }

  @Override
  public List<Quota> quota() {
    require(Capability.QUOTA, "The server does not offer QUOTA.");
    ensureOpen();
    try {
      jakarta.mail.Quota[] qs = store.getQuota(Folder.INBOX);
      List<Quota> out = new ArrayList<>();
      for (jakarta.mail.Quota q : qs) {
        List<Quota.Resource> res = new ArrayList<>();
        if (q.resources != null) {
          for (jakarta.mail.Quota.Resource r : q.resources) {
            res.add(new Quota.Resource(r.name, r.usage, r.limit));
          }
        }
        out.add(new Quota(q.quotaRoot == null ? "" : q.quotaRoot, res));
      }
      return out;
    } catch (MessagingException | RuntimeException e) {
      throw fail("GETQUOTAROOT INBOX", e);
    }
  }

  // ---------------------------------------------------------------- sync and watch

  @Override
  public Changes changesSince(Folder folder, SyncState state) {
    if (!state.folder().equals(folder.fullName())) {
      throw new IllegalArgumentException("state is for folder \"" + state.folder() + "\", not \"" + folder.fullName() + "\"");
    }
    return new ImapSync(this, folder).changesSince(state);
  }

  /** The state of a folder now, with flags but no envelopes: where a watch starts. */
  SyncState snapshot(Folder folder) {
    return new ImapSync(this, folder).snapshot();
  }

  @Override
  public Watch watch(Folder folder, MailboxListener listener) {
    ensureOpen();
    SyncState start = snapshot(folder);
    return ImapWatch.start(settings, options, folder, listener, start);
  }

  /**
   * Runs one IDLE cycle in {@code folder}: returns when the server reported a change, when
   * {@code control} asks to stop, or when the restart interval passed.
   */
  void idle(Folder folder, ImapWatch.IdleControl control) {
    inFolder(folder, "IDLE in " + folder.fullName(), p -> {
      p.idleStart();
      control.started(p);
      try {
        while (true) {
          Response r = p.readIdleResponse();
          if (r == null) {
            break;
          }
          if (!p.processIdleResponse(r)) {
            break;
          }
        }
      } finally {
        control.ended();
      }
      return Boolean.TRUE;
    });
  }

  /**
   * Calls {@code onChange} whenever the server tells this connection, unasked, that messages of the
   * selected folder appeared, vanished or changed (EXISTS, EXPUNGE, VANISHED, FETCH), from now on
   * and for every folder selected later. FETCH data this class asked for itself is not passed on.
   * Selects nothing itself, so that a watch's first {@code changesSince} still finds its folder
   * unselected and can use the resynchronising SELECT.
   */
  void onServerChange(Runnable onChange) {
    serverChange = onChange;
    IMAPFolder current = selected;
    if (current != null && current.isOpen()) {
      try {
        listenForNews(current);
      } catch (MessagingException | RuntimeException e) {
        throw fail("watch " + current.getFullName(), e);
      }
    }
  }

  /** Puts the {@link #onServerChange} handler on the connection of the folder just selected. */
  private void listenForNews(IMAPFolder f) throws MessagingException {
    Runnable onChange = serverChange;
    if (onChange == null || newsHandler != null) {
      return;
    }
    f.doCommand(p -> {
      org.eclipse.angus.mail.iap.ResponseHandler h = r -> {
        if (r instanceof org.eclipse.angus.mail.imap.protocol.IMAPResponse ir && ir.isUnTagged()
            && (ir.keyEquals("EXISTS") || ir.keyEquals("EXPUNGE") || ir.keyEquals("VANISHED") || ir.keyEquals("FETCH"))) {
          onChange.run();
        }
      };
      p.addResponseHandler(h);
      newsHandler = h;
      newsProtocol = p;
      return Boolean.TRUE;
    });
  }

  /**
   * Flags of every message, by UID (one UID FETCH). When fewer messages answered than the folder
   * holds (Angus drops an answer it cannot parse), one UID SEARCH ALL finds the others, which are
   * given no flags rather than left out.
   */
  Map<Long, Set<String>> allFlags(Folder folder) {
    int count = messageCount(folder);
    if (count == 0) {
      return Map.of();
    }
    Map<Long, Set<String>> flags =
        flagsFrom(inFolder(folder, "flags of " + folder.fullName(), p -> Imap.run(p, "UID FETCH 1:* (UID FLAGS)", null)));
    if (flags.size() < messageCount(folder)) {
      for (long uid : uidSearch(folder, "ALL")) {
        if (flags.putIfAbsent(uid, Set.of()) == null) {
          LOG.warn("the server's flags for message UID {} in {} could not be parsed; taken as none", uid, folder.fullName());
        }
      }
    }
    flags.keySet().forEach(this::sawInView);
    return flags;
  }

  static Map<Long, Set<String>> flagsFrom(Response[] r) {
    Map<Long, Set<String>> out = new HashMap<>();
    for (Response x : r) {
      if (x instanceof FetchResponse fr) {
        long uid = Imap.uidOf(fr);
        FLAGS flags = fr.getItem(FLAGS.class);
        if (uid > 0 && flags != null) {
          out.put(uid, Imap.flagStrings(flags));
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    unselect();
    try {
      store.close();
    } catch (MessagingException | RuntimeException e) {
      LOG.debug("closing the IMAP store failed: {}", Secrets.redact(String.valueOf(e.getMessage())));
    }
    secrets.close();
  }

  @Override
  public String toString() {
    return "ImapMailbox[" + settings.server() + (closed ? ", closed" : "") + "]";
  }

  /** Thrown inside commands when a watch is stopped; never escapes. */
  static MailConnectionException stopped() {
    return new MailConnectionException("watch stopped");
  }
}
