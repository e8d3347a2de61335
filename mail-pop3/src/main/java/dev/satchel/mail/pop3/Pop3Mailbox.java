package dev.satchel.mail.pop3;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.MailboxListener;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Quota;
import dev.satchel.mail.SearchQuery;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.UnsupportedCapabilityException;
import dev.satchel.mail.Watch;
import dev.satchel.mail.internal.MailExceptions;
import dev.satchel.mail.internal.MimeReader;
import dev.satchel.mail.internal.Secrets;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.SharedInputStream;
import jakarta.mail.util.SharedFileInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A POP3 session: the maildrop as it was at login, downloaded, never changed until a clean close.
 *
 * <p>POP3 has one folder ({@link #inbox()}), no server flags, no moves and no search. Message ids are
 * the server's UIDL strings ({@link Uid.Pop3}); without UIDL ({@link Capability#UNIQUE_IDS} absent)
 * ids are valid only in the session that listed them and {@link #changesSince} and {@link #watch}
 * refuse.
 *
 * <p><b>Deletion.</b> {@link #delete} only marks messages. The marks are sent (DELE) and committed by
 * the server's QUIT at a clean {@link #close()}. A session that ends any other way (a dropped
 * connection, a timeout, a crash of this process) deletes nothing: the server rolls the marks back,
 * as RFC 1939 requires. After any {@link MailConnectionException} this session is broken and
 * {@code close()} deliberately commits nothing.
 *
 * <p><b>Downloads stream to disk.</b> RETR answers are written line by line to a temporary file
 * (one file per session, in {@code java.io.tmpdir}, named {@code pop3.*.mbox}), and {@link #openRaw}
 * and the attachments of {@link #fetch} read from that file. So a 20 MB message costs disk, not 20 MB
 * of heap, however many are downloaded; a message downloaded twice in a session is read from the
 * file the second time. The file grows by each downloaded message and is deleted at {@link #close()}
 * (and, should the process end without closing, when the JVM exits). Streams and attachments from
 * this session are therefore readable only until {@code close()}. Each download is bounded by the
 * size LIST announced and an absolute cap (see {@link Pop3Maildrop}).
 *
 * <p><b>Engine.</b> One {@link Pop3Session} per mailbox, on Satchel's wire core; every method is one
 * operation under one deadline of {@link MailSettings#operationTimeout()}. UIDL and LIST go out
 * together and TOP in batches where the server offers PIPELINING.
 *
 * <p>Not thread-safe.
 */
final class Pop3Mailbox implements Mailbox {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3Mailbox.class);
  private static final Folder INBOX = new Folder(Folder.INBOX, '\0', Set.of(), Optional.empty());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** What {@link Uid#asString()} puts before a POP3 id. */
  private static final String ID_PREFIX = new Uid.Pop3("x").asString().replace("x", "");
  /** How often {@link #watch} polls: POP3 has no push. */
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(1);

  static final String DOWNLOAD_ONLY = "POP3 only downloads mail: it has a single folder (the inbox) and keeps no"
      + " flags, folders or searches on the server. The same account's IMAP settings can do this;"
      + " most providers offer IMAP alongside POP3.";

  private final MailSettings settings;
  private final Pop3Session session;
  private final Pop3Maildrop maildrop;
  private final Set<Capability> capabilities;
  private final boolean uidl;
  private final String sessionTag;
  private final int count;
  /** Each message's id as {@link Uid#asString()} gives it, by message number - 1: straight from UIDL. */
  private @Nullable List<String> ids;
  private long @Nullable [] sizes;
  private @Nullable Map<String, Integer> numbers;
  /** Message numbers marked for deletion; sent as DELE at a clean close. */
  private final Set<Integer> marked = new TreeSet<>();
  /** Downloads of this session: the file, its stream, and where each message lies in it. */
  private @Nullable File downloads;
  private @Nullable OutputStream downloadOut;
  private long downloaded;
  private final Map<Integer, long[]> spans = new HashMap<>();
  private boolean broken;
  private boolean closed;

  /**
   * Opens the maildrop on a logged-in session: CAPA again and STAT (one round trip where the server
   * pipelines).
   *
   * @throws MailConnectionException when STAT fails or announces more than the limit
   */
  Pop3Mailbox(MailSettings settings, Pop3Session session) {
    this.settings = settings;
    this.session = session;
    this.maildrop = new Pop3Maildrop(session, dev.satchel.mail.internal.WireLimits.DEFAULT);
    session.begin();
    this.count = maildrop.capaAndStat();
    this.uidl = session.has("UIDL");
    boolean top = session.has("TOP");
    EnumSet<Capability> caps = EnumSet.of(Capability.DELETE);
    if (uidl) {
      caps.add(Capability.UNIQUE_IDS);
    }
    if (top) {
      caps.add(Capability.HEADERS_ONLY);
    }
    this.capabilities = Collections.unmodifiableSet(caps);
    this.sessionTag = Long.toString(RANDOM.nextLong() & Long.MAX_VALUE, 36);
  }

  @Override
  public Protocol protocol() {
    return Protocol.POP3;
  }

  @Override
  public Set<Capability> capabilities() {
    return capabilities;
  }

  @Override
  public Folder inbox() {
    return INBOX;
  }

  @Override
  public List<Folder> folders() {
    throw unsupported(Capability.FOLDERS, "folders()");
  }

  @Override
  public Optional<Folder> folder(String fullName) {
    if (fullName.equalsIgnoreCase(Folder.INBOX)) {
      return Optional.of(INBOX);
    }
    throw unsupported(Capability.FOLDERS, "folder(\"" + fullName + "\")");
  }

  @Override
  public Optional<Folder> specialFolder(SpecialUse use) {
    throw unsupported(Capability.FOLDERS, "specialFolder(" + use + ")");
  }

  @Override
  public FolderStatus status(Folder folder) {
    checkInbox(folder);
    return new FolderStatus(INBOX, count, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
  }

  /**
   * Every message, oldest first: one UIDL and one LIST for the whole maildrop, then TOP 0 per message
   * for the headers (a server without TOP makes this a full download per message).
   */
  @Override
  public List<MessageSummary> list(Folder folder) {
    checkInbox(folder);
    listing();
    int total = ids().size();
    List<Integer> numbers = new ArrayList<>(total);
    for (int i = 1; i <= total; i++) {
      numbers.add(i);
    }
    return summaries(numbers);
  }

  /**
   * POP3 ids are strings, not numbers: only {@link UidRange#all()} is accepted, and means
   * {@link #list(Folder)}.
   */
  @Override
  public List<MessageSummary> list(Folder folder, UidRange range) {
    checkInbox(folder);
    requireUniqueIds("list(folder, range)");
    if (!range.equals(UidRange.all())) {
      throw new IllegalArgumentException("POP3 message ids (UIDL) are strings, not numbered UIDs: only UidRange.all() applies"
          + " over POP3, was " + range + "; use list(folder) or changesSince(folder, state)");
    }
    return list(folder);
  }

  @Override
  public List<MessageSummary> listNewest(Folder folder, int count) {
    checkInbox(folder);
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    int total = ids().size();
    List<Integer> numbers = new ArrayList<>();
    for (int n = total; n >= 1 && numbers.size() < count; n--) {
      numbers.add(n);
    }
    return summaries(numbers);
  }

  @Override
  public List<Uid> search(Folder folder, SearchQuery query) {
    throw unsupported(Capability.SERVER_SEARCH, "search");
  }

  /**
   * Downloads the message (RETR) and parses it. The download streams to this session's temporary
   * file (see the class documentation); the header fields and text bodies are read into the returned
   * {@link Message}, while attachments and inline parts are decoded from the temporary file when
   * opened, so read them before {@link #close()}: afterwards opening or reading one throws an
   * {@link IllegalStateException} saying so.
   */
  @Override
  public Message fetch(Folder folder, Uid uid) {
    checkInbox(folder);
    int n = number(uid);
    InputStream in = download(n, "fetch " + uid);
    try {
      return SessionBound.message(MimeReader.readShared((SharedInputStream) in, uid, Math.max(0, span(n)[2])),
          () -> closed);
    } catch (RuntimeException e) {
      throw failure("fetch " + uid, e);
    }
  }

  /**
   * The message's bytes from RETR. The download streams to this session's temporary file and the
   * returned stream reads from there, so a large message never sits whole in memory; the stream
   * stays readable until {@link #close()}, after which a read throws an {@link IllegalStateException}
   * saying so.
   */
  @Override
  public InputStream openRaw(Folder folder, Uid uid) {
    checkInbox(folder);
    int n = number(uid);
    return SessionBound.stream(download(n, "download " + uid), () -> closed, MailExceptions.RAW_AFTER_CLOSE);
  }

  /** Message {@code n} from this session's download file, downloading it (RETR) first if needed. */
  private InputStream download(int n, String operation) {
    long[] span = spans.get(n);
    if (span == null) {
      session.begin();
      try {
        long announced = sizes != null ? sizes[n - 1] : maildrop.size(n);
        OutputStream out = downloadOut;
        File file = downloads;
        if (out == null || file == null) {
          file = Files.createTempFile("pop3.", ".mbox").toFile();
          file.deleteOnExit();
          downloads = file;
          out = new BufferedOutputStream(new FileOutputStream(file), 64 * 1024);
          downloadOut = out;
        }
        long start = downloaded;
        CountingOutputStream counting = new CountingOutputStream(out);
        maildrop.retr(n, announced, counting);
        out.flush();
        downloaded += counting.count;
        span = new long[] {start, downloaded, announced};
        spans.put(n, span);
      } catch (IOException | UncheckedIOException e) {
        session.abort();
        broken = true;
        throw new MailConnectionException(operation + " failed: the download could not be written to a temporary file"
            + " in " + System.getProperty("java.io.tmpdir") + " (" + e.getMessage() + "); the connection was closed", e);
      } catch (RuntimeException e) {
        throw failure(operation, e);
      }
    }
    File file = downloads;
    if (file == null) {
      throw new IllegalStateException("no download file");
    }
    try {
      SharedFileInputStream root = new SharedFileInputStream(file);
      InputStream part = root.newStream(span[0], span[1]);
      root.close();
      return part;
    } catch (IOException e) {
      throw new MailConnectionException(operation + " failed: the downloaded message could not be read back from "
          + file + " (" + e.getMessage() + ")", e);
    }
  }

  private long[] span(int n) {
    long[] span = spans.get(n);
    return span == null ? new long[] {0, 0, 0} : span;
  }

  /** Counts what passes; file write failures leave as {@link UncheckedIOException}, not as the server's. */
  private static final class CountingOutputStream extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutputStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      count += len;
    }
  }

  @Override
  public void addFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
    throw unsupported(Capability.SERVER_FLAGS, "addFlags");
  }

  @Override
  public void removeFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
    throw unsupported(Capability.SERVER_FLAGS, "removeFlags");
  }

  @Override
  public void addKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
    throw unsupported(Capability.KEYWORDS, "addKeywords");
  }

  @Override
  public void removeKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
    throw unsupported(Capability.KEYWORDS, "removeKeywords");
  }

  @Override
  public List<Uid> copy(Folder from, List<Uid> uids, Folder to) {
    throw unsupported(Capability.COPY, "copy");
  }

  @Override
  public List<Uid> move(Folder from, List<Uid> uids, Folder to) {
    throw unsupported(Capability.MOVE, "move");
  }

  /**
   * Marks messages for deletion. Nothing is deleted until a clean {@link #close()}: the marks are sent
   * then and committed by QUIT. A dropped connection deletes nothing.
   *
   * @throws MailCommandException when no message has one of the ids (then none is marked)
   */
  @Override
  public void delete(Folder folder, List<Uid> uids) {
    checkInbox(folder);
    List<Integer> ns = new ArrayList<>(uids.size());
    for (Uid uid : uids) {
      ns.add(number(uid));
    }
    marked.addAll(ns);
  }

  @Override
  public Optional<Uid> append(Folder folder, OutgoingMessage message, Set<Flag> flags) {
    throw unsupported(Capability.APPEND, "append");
  }

  @Override
  public Folder createFolder(String fullName) {
    throw unsupported(Capability.FOLDERS, "createFolder");
  }

  @Override
  public Folder renameFolder(Folder folder, String newFullName) {
    throw unsupported(Capability.FOLDERS, "renameFolder");
  }

  @Override
  public void deleteFolder(Folder folder) {
    throw unsupported(Capability.FOLDERS, "deleteFolder");
  }

  @Override
  public List<Quota> quota() {
    throw unsupported(Capability.QUOTA, "quota");
  }

  /**
   * New and removed messages against the UIDLs in {@code state}: one UIDL for the maildrop, and LIST
   * plus TOP 0 only when something is new. Nothing is downloaded when nothing is new.
   *
   * @throws IllegalArgumentException when the state is not an inbox state, holds IMAP ids or holds
   *     ids that are no valid POP3 ids (those are found after the UIDL command)
   */
  @Override
  public Changes changesSince(Folder folder, SyncState state) {
    checkInbox(folder);
    requireUniqueIds("changesSince");
    if (!state.folder().equalsIgnoreCase(Folder.INBOX)) {
      throw new IllegalArgumentException("a POP3 sync state must be for INBOX, was for \"" + state.folder() + "\"");
    }
    Map<String, Set<String>> known = state.known();
    // An id with the POP3 prefix but no valid UIDL after it matches no message here, so it is among
    // the removed ones below, where Uid.parse rejects it.
    for (String id : known.keySet()) {
      if (!id.startsWith("pop3:") && !(Uid.parse(id) instanceof Uid.Pop3)) {
        throw new IllegalArgumentException("the sync state holds a non-POP3 id \"" + id + "\"; was it saved from IMAP?");
      }
    }
    List<String> ids = ids();
    boolean ascending = ascending(ids);
    List<Integer> added = added(ids, ascending, state.known());
    SyncState next = new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        withoutFlags(ids, ascending));
    Map<String, Set<String>> now = next.known();
    List<Uid> removed = new ArrayList<>();
    // Each id in the new state is either known or added (added counts repeated ids once per message),
    // so when the sizes add up every known id is still there.
    if (known.size() + added.size() != now.size()) {
      for (String id : known.keySet()) {
        if (!now.containsKey(id)) {
          removed.add(Uid.parse(id));
        }
      }
    }
    return new Changes(summaries(added), List.of(), removed, false, next);
  }

  /**
   * The message numbers (from 1) of the ids in {@code ids} that {@code known} lacks. Where both are
   * in ascending order ({@code ascending} says it of {@code ids}) (Dovecot lists UIDLs that way, and a state's ids are sorted) one merge of the
   * two lists, else a lookup per id.
   */
  private static List<Integer> added(List<String> ids, boolean ascending, java.util.SortedMap<String, Set<String>> known) {
    List<Integer> added = new ArrayList<>();
    if (known.comparator() != null || !ascending) {
      for (int i = 0; i < ids.size(); i++) {
        if (!known.containsKey(ids.get(i))) {
          added.add(i + 1);
        }
      }
      return added;
    }
    Iterator<String> old = known.keySet().iterator();
    String next = old.hasNext() ? old.next() : null;
    for (int i = 0; i < ids.size(); i++) {
      String id = ids.get(i);
      int c = -1;
      while (next != null && (c = next.compareTo(id)) < 0) {
        next = old.hasNext() ? old.next() : null;
      }
      if (next == null || c != 0) {
        added.add(i + 1);
      }
    }
    return added;
  }

  /** True when every id is greater than the one before it (so also no repeats). */
  private static boolean ascending(List<String> ids) {
    for (int i = 1; i < ids.size(); i++) {
      if (ids.get(i - 1).compareTo(ids.get(i)) >= 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Polls: POP3 has no push, and a POP3 session never sees mail that arrived after login, so every
   * poll is a new connection (once a minute) reporting {@link #changesSince} the previous poll.
   * Messages present when the watch starts are not reported. After a failed poll the watch retries
   * with backoff and tells {@link MailboxListener#onDisconnected}.
   */
  @Override
  public Watch watch(Folder folder, MailboxListener listener) {
    return watch(folder, listener, DEFAULT_POLL_INTERVAL);
  }

  /** {@link #watch(Folder, MailboxListener)} polling every {@code interval} (for tests). */
  Watch watch(Folder folder, MailboxListener listener, Duration interval) {
    checkInbox(folder);
    requireUniqueIds("watch");
    checkOpen();
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("interval must be positive, was " + interval);
    }
    // The ids present now (one UIDL, no TOP): only later arrivals are reported.
    List<String> ids = ids();
    SyncState start = new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        withoutFlags(ids, ascending(ids)));
    return Pop3Watch.start(settings, start, listener, interval);
  }

  /**
   * Commits the deletions marked in this session (DELE, then QUIT) and closes the connection. After a
   * connection failure nothing is committed. Idempotent; never throws.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!broken && !session.isClosed()) {
        session.begin();
        if (!marked.isEmpty()) {
          int accepted = maildrop.dele(new ArrayList<>(marked));
          if (accepted < marked.size()) {
            LOG.debug("{} refused {} of {} deletions; the others are committed", settings.server(),
                marked.size() - accepted, marked.size());
          }
        } else if (maildrop.retrieved() && !maildrop.rset()) {
          // Some servers mark what was downloaded as deleted; without a clean RSET, no QUIT. Nothing
          // downloaded (a poll with nothing new): nothing can be marked, so no RSET either.
          session.abort();
        }
        session.quit();
      }
    } catch (RuntimeException e) {
      LOG.debug("closing the POP3 session on {} failed: {}", settings.server(), Secrets.redact(String.valueOf(e.getMessage())));
    } finally {
      session.abort(); // also forgets the secret it registered
      closeDownloads();
    }
  }

  private void closeDownloads() {
    OutputStream out = downloadOut;
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        LOG.trace("closing the download file", e);
      }
    }
    File file = downloads;
    if (file != null && !file.delete() && file.exists()) {
      LOG.debug("could not delete the POP3 download file {}", file);
    }
  }

  @Override
  public String toString() {
    return "Pop3Mailbox[" + settings.server() + (closed ? ", closed" : "") + "]";
  }

  private List<MessageSummary> summaries(List<Integer> messageNumbers) {
    if (messageNumbers.isEmpty()) {
      return List.of();
    }
    List<String> all = ids();
    session.begin();
    try {
      long[] sz = sizes();
      List<MessageSummary> out = new ArrayList<>(messageNumbers.size());
      if (capabilities.contains(Capability.HEADERS_ONLY)) {
        int[] ns = messageNumbers.stream().mapToInt(Integer::intValue).toArray();
        maildrop.top(ns, (n, header, cut) -> out.add(summary(uid(all.get(n - 1)), sz[n - 1], header, cut)));
      } else {
        for (int n : messageNumbers) {
          maildrop.headerByRetr(n, sz[n - 1], (header, cut) -> out.add(summary(uid(all.get(n - 1)), sz[n - 1], header, cut)));
        }
      }
      return out;
    } catch (RuntimeException e) {
      throw failure("list INBOX", e);
    }
  }

  private static MessageSummary summary(Uid uid, long size, byte[] header, boolean cut) {
    List<String> problems = new ArrayList<>();
    InternetHeaders headers;
    try {
      headers = new InternetHeaders(new ByteArrayInputStream(header));
    } catch (MessagingException e) {
      problems.add("the header could not be read: " + e.getMessage());
      headers = new InternetHeaders();
    }
    if (cut) {
      problems.add("the header is longer than " + Pop3Maildrop.MAX_HEADER_BYTES + " bytes; only that much was read");
    }
    return new MessageSummary(uid, Set.of(), Set.of(), Math.max(0, size), Optional.empty(), MimeReader.envelope(headers, problems::add),
        problems);
  }

  /** Every message's size from LIST, by message number - 1; fetched once per session. */
  private long[] sizes() {
    long[] known = sizes;
    if (known == null) {
      known = count == 0 ? new long[0] : maildrop.list(count);
      sizes = known;
    }
    return known;
  }

  /**
   * Every message's id as {@link Uid#asString()} gives it ({@code pop3:<uidl>}), by message number - 1;
   * fetched once per session (the maildrop is fixed).
   */
  private List<String> ids() {
    checkOpen();
    List<String> known = ids;
    if (known != null) {
      return known;
    }
    if (uidl && count > 0) {
      session.begin();
      try {
        known = maildrop.uidl(count, ID_PREFIX);
      } catch (RuntimeException e) {
        throw failure("UIDL", e);
      }
    } else {
      List<String> out = new ArrayList<>(count);
      for (int n = 1; n <= count; n++) {
        out.add(new Uid.Pop3("~" + sessionTag + "." + n).asString());
      }
      known = Collections.unmodifiableList(out);
    }
    ids = known;
    return known;
  }

  /** The {@link Uid} of an id from {@link #ids()}. */
  private static Uid uid(String id) {
    return new Uid.Pop3(id.substring(ID_PREFIX.length()));
  }

  /** UIDL and LIST together (one round trip where the server pipelines), before a full listing. */
  private void listing() {
    checkOpen();
    if (ids != null || sizes != null || !uidl || count == 0) {
      return;
    }
    session.begin();
    try {
      Pop3Maildrop.Listing l = maildrop.uidlAndList(count, ID_PREFIX);
      ids = l.ids();
      sizes = l.sizes();
    } catch (RuntimeException e) {
      throw failure("list INBOX", e);
    }
  }

  /** Message numbers by id ({@link Uid#asString()}), built on first use: a poll with nothing new never needs them. */
  private Map<String, Integer> numbers() {
    Map<String, Integer> index = numbers;
    if (index == null) {
      List<String> all = ids();
      index = new HashMap<>(all.size() * 4 / 3 + 1);
      for (int i = 0; i < all.size(); i++) {
        index.putIfAbsent(all.get(i), i + 1);
      }
      numbers = index;
    }
    return index;
  }

  /**
   * The ids, each with no flags, as a map for a {@link SyncState} to copy. When they come in ascending
   * order without repeats ({@code ascending}, as Dovecot's UIDL list does), a read-only view of the list: the state then
   * takes them over in linear time, without hashing 10,000 fresh strings into a map first.
   */
  private static Map<String, Set<String>> withoutFlags(List<String> ids, boolean ascending) {
    if (ascending) {
      return new AscendingIds(ids);
    }
    Map<String, Set<String>> map = new LinkedHashMap<>(ids.size() * 4 / 3 + 1);
    for (String id : ids) {
      map.put(id, Set.of());
    }
    return map;
  }

  /** Distinct ids in ascending order, each mapped to no flags; read-only. */
  private static final class AscendingIds extends AbstractMap<String, Set<String>> {
    private final List<String> ids;

    AscendingIds(List<String> ids) {
      this.ids = ids;
    }

    @Override
    public Set<Map.Entry<String, Set<String>>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<String, Set<String>>> iterator() {
          Iterator<String> it = ids.iterator();
          return new Iterator<>() {
            @Override
            public boolean hasNext() {
              return it.hasNext();
            }

            @Override
            public Map.Entry<String, Set<String>> next() {
              return Map.entry(it.next(), Set.of());
            }
          };
        }

        @Override
        public int size() {
          return ids.size();
        }
      };
    }
  }

  private int number(Uid uid) {
    if (!(uid instanceof Uid.Pop3 p)) {
      throw new IllegalArgumentException("a POP3 mailbox needs a POP3 id, was " + uid);
    }
    Integer n = numbers().get(uid.asString());
    if (n == null) {
      if (!uidl && !p.uidl().startsWith("~" + sessionTag + ".")) {
        throw new UnsupportedCapabilityException(Capability.UNIQUE_IDS, Protocol.POP3,
            "This server has no UIDL, so message ids are valid only in the session that listed them; list again"
                + " in this session.");
      }
      throw new MailCommandException("find message " + uid, "no such message in the maildrop (deleted, or from another account)", null);
    }
    return n;
  }

  private void requireUniqueIds(String operation) {
    if (!uidl) {
      throw new UnsupportedCapabilityException(Capability.UNIQUE_IDS, Protocol.POP3,
          operation + " needs stable message ids, and this server does not offer UIDL: messages can only be listed,"
              + " downloaded and deleted within one session. The same account's IMAP settings have stable ids.");
    }
  }

  private void checkInbox(Folder folder) {
    if (!folder.isInbox()) {
      throw unsupported(Capability.FOLDERS, "folder \"" + folder.fullName() + "\"");
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this POP3 mailbox is closed; connect again with Mailbox.connect(settings)");
    }
  }

  private RuntimeException failure(String operation, RuntimeException e) {
    if (e instanceof MailConnectionException || session.isClosed()) {
      broken = true;
    }
    if (e instanceof MailException || e instanceof UnsupportedCapabilityException || e instanceof IllegalArgumentException
        || e instanceof IllegalStateException) {
      return e;
    }
    session.abort();
    broken = true;
    return MailExceptions.translate(operation, settings.server(), e);
  }

  private static UnsupportedCapabilityException unsupported(Capability capability, String operation) {
    return new UnsupportedCapabilityException(capability, Protocol.POP3, operation + ": " + DOWNLOAD_ONLY);
  }
}
