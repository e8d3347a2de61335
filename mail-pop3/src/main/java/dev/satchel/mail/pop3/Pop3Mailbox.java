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
import jakarta.mail.FetchProfile;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetHeaders;
import jakarta.mail.internet.SharedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.eclipse.angus.mail.pop3.POP3Folder;
import org.eclipse.angus.mail.pop3.POP3Message;
import org.eclipse.angus.mail.pop3.POP3Store;
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
 * (Angus Mail's {@code mail.pop3.filecache}: one file per session, in {@code java.io.tmpdir}, named
 * {@code pop3.*.mbox}), and {@link #openRaw} and the attachments of {@link #fetch} read from that
 * file. So a 20 MB message costs disk, not 20 MB of heap, however many are downloaded. The file
 * grows by each downloaded message and is deleted at {@link #close()} (and, should the process end
 * without closing, when the JVM exits). Streams and attachments from this session are therefore
 * readable only until {@code close()}. This was chosen over reading RETR through Angus's protocol
 * classes, which are not public.
 *
 * <p>Not thread-safe.
 */
final class Pop3Mailbox implements Mailbox {
  private static final Logger LOG = LoggerFactory.getLogger(Pop3Mailbox.class);
  private static final Folder INBOX = new Folder(Folder.INBOX, '\0', Set.of(), Optional.empty());
  private static final SecureRandom RANDOM = new SecureRandom();
  /** How often {@link #watch} polls: POP3 has no push. */
  static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(1);

  static final String DOWNLOAD_ONLY = "POP3 only downloads mail: it has a single folder (the inbox) and keeps no"
      + " flags, folders or searches on the server. The same account's IMAP settings can do this;"
      + " most providers offer IMAP alongside POP3.";

  private final MailSettings settings;
  /** The secret this mailbox logged in with, redacted from server text until {@link #close()}. */
  private final Secrets.Registration secrets;
  private final POP3Store store;
  private final POP3Folder folder;
  private final Set<Capability> capabilities;
  private final boolean uidl;
  private final String sessionTag;
  private final int count;
  private @Nullable List<Uid> uids;
  private @Nullable Map<Uid, Integer> numbers;
  private boolean marked;
  private boolean broken;
  private boolean closed;

  Pop3Mailbox(MailSettings settings, POP3Store store, POP3Folder folder, Secrets.Registration secrets) throws MessagingException {
    this.secrets = secrets;
    this.settings = settings;
    this.store = store;
    this.folder = folder;
    Map<String, String> capa = store.capabilities();
    // Without CAPA (RFC 2449) nothing is known; Angus then assumes UIDL and TOP, and so do we.
    this.uidl = capa.isEmpty() || capa.containsKey("UIDL");
    boolean top = capa.isEmpty() || capa.containsKey("TOP");
    EnumSet<Capability> caps = EnumSet.of(Capability.DELETE);
    if (uidl) {
      caps.add(Capability.UNIQUE_IDS);
    }
    if (top) {
      caps.add(Capability.HEADERS_ONLY);
    }
    this.capabilities = Collections.unmodifiableSet(caps);
    this.count = folder.getMessageCount();
    if (count < 0) {
      throw new MailConnectionException("open the POP3 maildrop failed: " + settings.server()
          + " reported a negative message count (" + count + ") in its STAT answer", null);
    }
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
    List<Uid> all = uids();
    List<Integer> numbers = new ArrayList<>(all.size());
    for (int i = 1; i <= all.size(); i++) {
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
    int total = uids().size();
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
   * opened, so open them before {@link #close()}.
   */
  @Override
  public Message fetch(Folder folder, Uid uid) {
    checkInbox(folder);
    int n = number(uid);
    try {
      POP3Message m = (POP3Message) this.folder.getMessage(n);
      InputStream in = m.getMimeStream();
      if (in instanceof SharedInputStream shared) {
        return MimeReader.readShared(shared, uid, Math.max(0, m.getSize()));
      }
      try (InputStream stream = in) {
        return MimeReader.read(stream, uid);
      }
    } catch (MessagingException | IOException | RuntimeException e) {
      throw failure("fetch " + uid, e);
    }
  }

  /**
   * The message's bytes from RETR. The download streams to this session's temporary file and the
   * returned stream reads from there, so a large message never sits whole in memory; the stream
   * stays readable until {@link #close()}.
   */
  @Override
  public InputStream openRaw(Folder folder, Uid uid) {
    checkInbox(folder);
    int n = number(uid);
    try {
      return ((POP3Message) this.folder.getMessage(n)).getMimeStream();
    } catch (MessagingException | RuntimeException e) {
      throw failure("download " + uid, e);
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
    try {
      for (int n : ns) {
        this.folder.getMessage(n).setFlag(Flags.Flag.DELETED, true);
        marked = true;
      }
    } catch (MessagingException | RuntimeException e) {
      throw failure("mark for deletion", e);
    }
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
    List<Uid> all = uids();
    List<String> ids = new ArrayList<>(all.size());
    List<Integer> added = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      String id = all.get(i).asString();
      ids.add(id);
      if (!known.containsKey(id)) {
        added.add(i + 1);
      }
    }
    SyncState next = new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), withoutFlags(ids));
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
    List<String> ids = new ArrayList<>();
    for (Uid uid : uids()) {
      ids.add(uid.asString());
    }
    SyncState start = new SyncState(Folder.INBOX, OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(),
        withoutFlags(ids));
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
    boolean commit = marked && !broken;
    try {
      folder.close(commit);
    } catch (MessagingException | RuntimeException e) {
      LOG.debug("closing the POP3 maildrop on {} failed: {}", settings.server(), Secrets.redact(e.toString()));
    }
    try {
      store.close();
    } catch (MessagingException | RuntimeException e) {
      LOG.debug("closing the POP3 connection to {} failed: {}", settings.server(), Secrets.redact(e.toString()));
    }
    secrets.close();
  }

  @Override
  public String toString() {
    return "Pop3Mailbox[" + settings.server() + (closed ? ", closed" : "") + "]";
  }

  private List<MessageSummary> summaries(List<Integer> messageNumbers) {
    if (messageNumbers.isEmpty()) {
      return List.of();
    }
    List<Uid> all = uids();
    try {
      int[] sizes = folder.getSizes();
      List<MessageSummary> out = new ArrayList<>(messageNumbers.size());
      for (int n : messageNumbers) {
        POP3Message m = (POP3Message) folder.getMessage(n);
        InternetHeaders headers = new InternetHeaders();
        Enumeration<String> lines = m.getAllHeaderLines();
        while (lines.hasMoreElements()) {
          headers.addHeaderLine(lines.nextElement() + "\r\n");
        }
        List<String> problems = new ArrayList<>();
        out.add(new MessageSummary(all.get(n - 1), Set.of(), Set.of(), sizes[n - 1], Optional.empty(),
            MimeReader.envelope(headers, problems::add), problems));
      }
      return out;
    } catch (MessagingException | RuntimeException e) {
      throw failure("list INBOX", e);
    }
  }

  /** Every message's id, by message number - 1; fetched once per session (the maildrop is fixed). */
  private List<Uid> uids() {
    checkOpen();
    List<Uid> known = uids;
    if (known != null) {
      return known;
    }
    List<Uid> out = new ArrayList<>(count);
    try {
      if (uidl && count > 0) {
        jakarta.mail.Message[] messages = folder.getMessages();
        FetchProfile fp = new FetchProfile();
        fp.add(UIDFolder.FetchProfileItem.UID);
        folder.fetch(messages, fp);
        // Asking message 1 first: when the bulk UIDL failed this is one command, not one per message.
        if (folder.getUID(messages[0]) == null) {
          throw new MailCommandException("UIDL", "the server advertised UIDL but returned no ids", null);
        }
        for (jakarta.mail.Message m : messages) {
          String id = folder.getUID(m);
          if (id == null) {
            throw new MailCommandException("UIDL", "no id for message " + m.getMessageNumber(), null);
          }
          out.add(new Uid.Pop3(id));
        }
      } else {
        for (int n = 1; n <= count; n++) {
          out.add(new Uid.Pop3("~" + sessionTag + "." + n));
        }
      }
    } catch (MessagingException | RuntimeException e) {
      throw failure("UIDL", e);
    }
    uids = Collections.unmodifiableList(out);
    return out;
  }

  /** Message numbers by id, built on first use: a poll with nothing new never needs them. */
  private Map<Uid, Integer> numbers() {
    Map<Uid, Integer> index = numbers;
    if (index == null) {
      List<Uid> all = uids();
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
   * order without repeats (as Dovecot's UIDL list does), a read-only view of the list: the state then
   * takes them over in linear time, without hashing 10,000 fresh strings into a map first.
   */
  private static Map<String, Set<String>> withoutFlags(List<String> ids) {
    boolean ascending = true;
    for (int i = 1; i < ids.size() && ascending; i++) {
      ascending = ids.get(i - 1).compareTo(ids.get(i)) < 0;
    }
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
    Integer n = numbers().get(uid);
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

  private MailException failure(String operation, Exception e) {
    if (e instanceof UnsupportedCapabilityException uce) {
      throw uce;
    }
    // An IllegalArgumentException here comes from parsing the server's answer (Angus parses numbers
    // with Integer.parseInt), not from the caller: caller bugs are checked before any command is sent.
    if (e instanceof IllegalStateException ise && closed) {
      throw ise;
    }
    MailException me = MailExceptions.translate(operation, settings.server(), e);
    if (me instanceof MailConnectionException) {
      broken = true;
    }
    return me;
  }

  private static UnsupportedCapabilityException unsupported(Capability capability, String operation) {
    return new UnsupportedCapabilityException(capability, Protocol.POP3, operation + ": " + DOWNLOAD_ONLY);
  }
}
