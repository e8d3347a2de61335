package dev.satchel.mail.imap;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.MailCommandException;
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
import dev.satchel.mail.SpecialFolder;
import dev.satchel.mail.SpecialUse;
import dev.satchel.mail.SyncState;
import dev.satchel.mail.Uid;
import dev.satchel.mail.UidRange;
import dev.satchel.mail.UnsupportedCapabilityException;
import dev.satchel.mail.Watch;
import dev.satchel.mail.imap.engine.ImapCommand;
import dev.satchel.mail.imap.engine.ImapResponse;
import dev.satchel.mail.imap.engine.ImapValue;
import dev.satchel.mail.internal.MailExceptions;
import dev.satchel.mail.internal.MimeWriter;
import java.io.InputStream;
import java.time.Duration;
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
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IMAP {@link Mailbox} on Satchel's own engine: one {@link ImapChannel} (one connection, at most
 * one selected folder, its {@link FolderView}), with sync in {@link ImapSync}, watching in
 * {@link ImapWatch}, listing in {@link ImapSummaries} and reading in {@link EngineMessageReader}. Not
 * thread-safe, like every {@link Mailbox}.
 */
final class ImapMailbox implements Mailbox {
  private static final Logger LOG = LoggerFactory.getLogger(ImapMailbox.class);
  /** Partial fetches of one stream sent at once, at most. */
  static final int FETCH_WINDOW = 8;
  /** Bytes one stream holds at most: its window of partial fetches is cut to fit. */
  static final int FETCH_WINDOW_BYTES = 2 * 1024 * 1024;

  private final MailSettings settings;
  private final MailboxOptions options;
  private final ImapChannel channel;
  private final Set<Capability> capabilities;
  private boolean closed;

  private ImapMailbox(MailSettings settings, MailboxOptions options, ImapChannel channel, Set<Capability> capabilities) {
    this.settings = settings;
    this.options = options;
    this.channel = channel;
    this.capabilities = capabilities;
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
   * @param forWatch true for a watch's own connection: the read timeout is stretched past the IDLE
   *     restart interval, and INBOX is not selected to read its PERMANENTFLAGS (a watch never uses
   *     KEYWORDS), so the watched folder, INBOX too, is not selected yet when the watch asks for
   *     changes and the resynchronising SELECT can be used
   */
  static ImapMailbox connect(MailSettings settings, MailboxOptions options, boolean forWatch) {
    if (settings.credentials() == null) {
      throw new IllegalArgumentException("IMAP settings need credentials");
    }
    ImapChannel channel = ImapChannel.open(settings, options, forWatch ? options.idleRestart() : Duration.ZERO,
        forWatch ? null : new Folder(Folder.INBOX, '/', Set.of(), Optional.empty()));
    try {
      ImapMailbox box = new ImapMailbox(settings, options, channel, EnumSet.noneOf(Capability.class));
      box.capabilities.addAll(box.deriveCapabilities(!forWatch));
      return box;
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The capabilities; KEYWORDS only when {@code probeKeywords} (it selects INBOX for its PERMANENTFLAGS). */
  private Set<Capability> deriveCapabilities(boolean probeKeywords) {
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
    Set<String> permanent = channel.select(inbox()).permanentFlags();
    if (permanent != null && permanent.contains("\\*")) {
      caps.add(Capability.KEYWORDS);
    }
    return caps;
  }

  /** True when the server advertised {@code capability} (for example "UIDPLUS") after login. */
  boolean has(String capability) {
    return channel.has(capability);
  }

  MailSettings settings() {
    return settings;
  }

  MailboxOptions options() {
    return options;
  }

  ImapChannel channel() {
    ensureOpen();
    return channel;
  }

  // ---------------------------------------------------------------- plumbing

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

  /** Selects {@code folder} unless it is selected; its view. */
  FolderView select(Folder folder) {
    ensureOpen();
    return channel.select(folder);
  }

  /** Sends NOOP in {@code folder} (selected first): the server's news arrive. */
  void noop(Folder folder) {
    ensureOpen();
    channel.run(folder, "NOOP", r -> { });
  }

  /** See {@link ImapChannel#refreshIfSelected}. */
  void refreshIfSelected(Folder folder) {
    ensureOpen();
    channel.refreshIfSelected(folder);
  }

  /** See {@link ImapChannel#selectWithResync}. */
  ImapChannel.@Nullable Resync selectWithResync(Folder folder, long uidValidity, long modSeq) {
    ensureOpen();
    return channel.selectWithResync(folder, uidValidity, modSeq);
  }

  /** True when QRESYNC is enabled on this connection. */
  boolean qresyncEnabled() {
    return channel.enabled("QRESYNC");
  }

  long uidValidity(Folder folder) {
    FolderView v = select(folder);
    if (v.uidValidity() > 0) {
      return v.uidValidity();
    }
    throw new MailCommandException("select " + folder.fullName(), "the server sent no UIDVALIDITY for "
        + folder.fullName() + ", so its messages have no lasting identity", null);
  }

  /** The number of messages in {@code folder} as this connection knows it now. */
  int messageCount(Folder folder) {
    return select(folder).exists();
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
    channel.ensureInView(folder, distinct);
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

  static MailCommandException noSuchMessage(String operation, Folder folder, long uid) {
    return new MailCommandException(operation, "no message with UID " + uid + " in " + folder.fullName(), null);
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

  private List<ListEntry> listEntries(String command) {
    ensureOpen();
    List<ListEntry> out = new ArrayList<>();
    channel.run(command, r -> {
      ListEntry e = ImapReplies.listEntry(r, channel.utf8());
      if (e != null) {
        out.add(e);
      } else if (r.problem() != null && r.raw().regionMatches(true, 0, "* LIST", 0, 6)) {
        LOG.warn("a LIST answer from {} could not be read and was left out: {}", settings.server(), r.problem());
      }
    });
    return out;
  }

  @Override
  public List<Folder> folders() {
    return SpecialFolders.resolveEntries(listEntries("LIST \"\" \"*\"")).folders();
  }

  @Override
  public List<SpecialFolder> specialFolders() {
    return SpecialFolders.resolveEntries(listEntries("LIST \"\" \"*\"")).special();
  }

  @Override
  public Optional<Folder> folder(String fullName) {
    if (fullName.equalsIgnoreCase(Folder.INBOX)) {
      return Optional.of(inbox());
    }
    List<ListEntry> entries = listEntries("LIST \"\" " + channel.name(fullName));
    return SpecialFolders.resolveEntries(entries).folders().stream().filter(f -> f.fullName().equals(fullName)).findFirst();
  }

  @Override
  public Optional<Folder> specialFolder(SpecialUse use) {
    return specialFolders().stream().filter(s -> s.use() == use).map(SpecialFolder::folder).findFirst();
  }

  @Override
  public List<Folder> subscribedFolders() {
    return SpecialFolders.resolveEntries(listEntries("LSUB \"\" \"*\"")).folders();
  }

  @Override
  public void setSubscribed(Folder folder, boolean subscribed) {
    ensureOpen();
    channel.run((subscribed ? "SUBSCRIBE " : "UNSUBSCRIBE ") + channel.name(folder.fullName()), r -> { });
  }

  @Override
  public Folder createFolder(String fullName) {
    Folder check = Folder.named(fullName);
    ensureOpen();
    String name = inPersonalNamespace(check.fullName());
    channel.run("CREATE " + channel.name(name), r -> { });
    return folder(name).orElse(Folder.named(name));
  }

  /**
   * The name a new folder gets: servers whose personal namespace has a prefix (Cyrus and Courier:
   * {@code INBOX.}) refuse new folders outside it, so a name that is neither INBOX nor under that
   * prefix is put under it (RFC 2342 section 4); {@code Reports} becomes {@code INBOX.Reports}. Asked
   * once per session; without NAMESPACE, or with an empty prefix (Dovecot), names are unchanged.
   */
  private String inPersonalNamespace(String fullName) {
    String prefix = channel.personalPrefix();
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
    if (channel.isSelected(folder)) {
      channel.unselect();
    }
    String name = inPersonalNamespace(check.fullName());
    channel.run("RENAME " + channel.name(folder.fullName()) + " " + channel.name(name), r -> { });
    return folder(name).orElse(Folder.named(name));
  }

  @Override
  public void deleteFolder(Folder folder) {
    ensureOpen();
    if (folder.isInbox()) {
      throw new IllegalArgumentException("the inbox cannot be deleted");
    }
    if (channel.isSelected(folder)) {
      channel.unselect();
    }
    channel.run("DELETE " + channel.name(folder.fullName()), r -> { });
  }

  @Override
  public FolderStatus status(Folder folder) {
    refreshIfSelected(folder);
    return counters(folder);
  }

  /**
   * The folder's counters from one STATUS, without first bringing the selected view up to date (sync
   * reads the counters first and refreshes the view after).
   */
  FolderStatus counters(Folder folder) {
    ensureOpen();
    boolean modseq = capabilities.contains(Capability.CHANGES_SINCE);
    String items = modseq ? "(MESSAGES UNSEEN UIDVALIDITY UIDNEXT HIGHESTMODSEQ)" : "(MESSAGES UNSEEN UIDVALIDITY UIDNEXT)";
    Map<String, Long> got = new HashMap<>();
    @Nullable String[] answer = {null};
    channel.run("STATUS " + channel.name(folder.fullName()) + " " + items, r -> {
      StatusReply s = ImapReplies.status(r, channel.utf8());
      if (s != null && s.name().equals(folder.fullName())) {
        got.putAll(s.items());
        answer[0] = r.raw();
      }
    });
    Long messages = got.get("MESSAGES");
    // MESSAGES, UNSEEN, UIDVALIDITY and UIDNEXT are 32-bit numbers (RFC 3501); a larger one is no
    // count: it is refused (MESSAGES) or left out, and the refusal quotes the answer
    if (messages == null || messages > MAX_NUMBER) {
      String raw = answer[0];
      throw new MailCommandException("STATUS " + folder.fullName(), raw == null
          ? "the server's answer held no STATUS for " + folder.fullName()
          : "the server's STATUS answer for " + folder.fullName() + " held no valid MESSAGES count: "
              + ImapReplies.escape(raw.length() > 200 ? raw.substring(0, 200) + "..." : raw), null);
    }
    return new FolderStatus(folder, messages, optional(got.get("UNSEEN"), true, MAX_NUMBER),
        optional(got.get("UIDVALIDITY"), false, MAX_NUMBER), optional(got.get("UIDNEXT"), false, MAX_NUMBER),
        modseq ? optional(got.get("HIGHESTMODSEQ"), false, Long.MAX_VALUE) : OptionalLong.empty());
  }

  /** The largest RFC 3501 number (and nz-number): 2^32 - 1. */
  private static final long MAX_NUMBER = 0xFFFF_FFFFL;

  private static OptionalLong optional(@Nullable Long v, boolean zeroCounts, long max) {
    return v == null || v < 0 || v > max || (v == 0 && !zeroCounts) ? OptionalLong.empty() : OptionalLong.of(v);
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
    if (range.first() <= 1 && range.isOpenEnded()) {
      // the whole folder: every sequence number, no UID SEARCH first
      int total = messageCount(folder);
      return new ImapSummaries(channel, folder, validity, options.listBatchSize()).bySequences(1, total);
    }
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
    noop(folder); // EXISTS/EXPUNGE news from other clients update the message count
    int total = messageCount(folder);
    int want = Math.min(count, total);
    List<MessageSummary> out = new ArrayList<>(want);
    ImapSummaries summaries = new ImapSummaries(channel, folder, validity, options.listBatchSize());
    List<MessageSummary> oldestFirst = summaries.bySequences(total - want + 1, total);
    for (int k = oldestFirst.size() - 1; k >= 0; k--) {
      out.add(oldestFirst.get(k));
    }
    return out;
  }

  /** UIDs matching a raw search key, sorted. */
  long[] uidSearch(Folder folder, String criteria) {
    ensureOpen();
    List<long[]> parts = new ArrayList<>();
    channel.run(folder, "UID SEARCH " + criteria, r -> parts.add(channel.searchUids(r)));
    return seen(merge(parts));
  }

  private long[] seen(long[] uids) {
    FolderView v = channel.view();
    if (v != null) {
      for (long u : uids) {
        v.saw(u);
      }
    }
    return uids;
  }

  private static long[] merge(List<long[]> parts) {
    if (parts.size() == 1) {
      return parts.get(0);
    }
    return parts.stream().flatMapToLong(Arrays::stream).sorted().distinct().toArray();
  }

  /**
   * Summaries for sorted UIDs, batched and pipelined, oldest first: every UID that still exists is in
   * the answer, malformed or not (see {@link ImapSummaries}).
   */
  List<MessageSummary> summaries(Folder folder, long validity, long[] uids) {
    if (uids.length == 0) {
      return List.of();
    }
    return new ImapSummaries(channel, folder, validity, options.listBatchSize()).byUid(uids);
  }

  @Override
  public List<Uid> search(Folder folder, SearchQuery query) {
    refreshIfSelected(folder);
    long validity = uidValidity(folder);
    ImapCommand c = EngineSearch.compile(query, channel.utf8());
    List<long[]> parts = new ArrayList<>();
    channel.run(c, r -> parts.add(channel.searchUids(r)));
    long[] uids = seen(merge(parts));
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
    channel.ensureInView(folder, new long[] {u});
    return EngineMessageReader.read(new Source(folder, validity, u), validity, u, folder.fullName());
  }

  @Override
  public InputStream openRaw(Folder folder, Uid uid) {
    long validity = uidValidity(folder);
    long u = uidNumber(uid, validity, folder, "openRaw");
    channel.ensureInView(folder, new long[] {u});
    ImapValue.@Nullable ListValue items = new Source(folder, validity, u).fetch("UID RFC822.SIZE");
    if (items == null) {
      throw noSuchMessage("openRaw", folder, u);
    }
    long size = EngineFetch.item(items, "RFC822.SIZE") instanceof ImapValue.Atom a ? a.number() : -1;
    return new SectionStream(pipeline(folder, validity, MailExceptions.RAW_AFTER_CLOSE), u, "", options.partialFetchSize(),
        window(), size);
  }

  /** The partial fetches one stream sends at once: {@value #FETCH_WINDOW}, fewer for large chunks. */
  private int window() {
    return Math.max(1, Math.min(FETCH_WINDOW, FETCH_WINDOW_BYTES / options.partialFetchSize()));
  }

  /**
   * Partial fetches of {@code folder}, refused once its UIDVALIDITY is no longer {@code validity}, and
   * with an {@link IllegalStateException} saying {@code afterClose} once this mailbox is closed.
   */
  private SectionStream.Pipeline pipeline(Folder folder, long validity, String afterClose) {
    return new SectionStream.Pipeline() {
      @Override
      public List<ImapResponse> run(List<String> commands, java.util.function.Consumer<ImapResponse> untagged) {
        check();
        return channel.pipeline(folder, commands, untagged);
      }

      @Override
      public SectionStream.Sent send(List<String> commands, java.util.function.Consumer<ImapResponse> untagged) {
        check();
        return channel.sendAhead(folder, commands, untagged)::complete;
      }

      private void check() {
        if (closed) {
          throw new IllegalStateException(afterClose);
        }
        if (uidValidity(folder) != validity) {
          throw new MailCommandException("fetch", "the UIDVALIDITY of " + folder.fullName() + " changed while a message"
              + " was being read; list the folder again", null);
        }
      }
    };
  }

  /** One message's data, for {@link EngineMessageReader}. */
  private final class Source implements MessageSource {
    private final Folder folder;
    private final long validity;
    private final long uid;

    Source(Folder folder, long validity, long uid) {
      this.folder = folder;
      this.validity = validity;
      this.uid = uid;
    }

    @Override
    public ImapValue.@Nullable ListValue fetch(String items) {
      ensureOpen();
      List<ImapValue.ListValue> mine = new ArrayList<>();
      List<ImapValue.ListValue> unnamed = new ArrayList<>();
      channel.run(folder, "UID FETCH " + uid + " (" + items + ")", r -> {
        ImapValue.ListValue l = EngineFetch.fetchItems(r);
        if (l != null && EngineFetch.uid(l) == uid) {
          mine.add(l);
        } else if (l != null && EngineFetch.uid(l) < 0) {
          unnamed.add(l);
        }
      });
      if (mine.isEmpty() && unnamed.size() == 1) {
        // an answer whose items cannot be told apart (no readable UID): the only candidate, kept so
        // that the reader can say what was wrong instead of calling the message gone
        return unnamed.get(0);
      }
      ImapValue.ListValue found = null;
      for (ImapValue.ListValue l : mine) {
        found = found == null ? l : merged(found, l);
      }
      return found;
    }

    @Override
    public Map<String, byte[]> sections(List<String> sections) {
      Map<String, byte[]> out = new LinkedHashMap<>();
      if (sections.isEmpty()) {
        return out;
      }
      StringBuilder items = new StringBuilder("UID");
      sections.forEach(s -> items.append(" BODY.PEEK[").append(s).append(']'));
      ImapValue.ListValue l = fetch(items.toString());
      if (l == null) {
        return out;
      }
      List<ImapValue> v = l.items();
      for (int i = 0; i + 1 < v.size(); i += 2) {
        if (v.get(i) instanceof ImapValue.Atom a && a.text().regionMatches(true, 0, "BODY[", 0, 5)
            && v.get(i + 1) instanceof ImapValue.Str s) {
          String t = a.text();
          int close = t.indexOf(']');
          if (close > 5) {
            out.put(t.substring(5, close), s.bytes());
          } else if (close == 5) {
            out.put("", s.bytes());
          }
        }
      }
      return out;
    }

    @Override
    public InputStream open(String section, long size) {
      if (closed) {
        throw new IllegalStateException(MailExceptions.PART_AFTER_CLOSE);
      }
      return new SectionStream(pipeline(folder, validity, MailExceptions.PART_AFTER_CLOSE), uid, section,
          options.partialFetchSize(), window(), size);
    }
  }

  /** Two FETCH answers for one message (a server may split its items) as one item list. */
  private static ImapValue.ListValue merged(ImapValue.ListValue a, ImapValue.ListValue b) {
    List<ImapValue> all = new ArrayList<>(a.items());
    all.addAll(b.items());
    return new ImapValue.ListValue(all);
  }

  boolean isClosed() {
    return closed;
  }

  /** Ends a running IDLE of a watch; any thread. */
  void endIdle() {
    channel.done();
  }

  /** Cuts the connection at once (a watch that must stop); any thread. */
  void abort() {
    channel.abort();
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
    channel.run(folder, "UID STORE " + UidSet.format(n) + " " + what, r -> { });
  }

  @Override
  public List<Uid> copy(Folder from, List<Uid> uids, Folder to) {
    if (uids.isEmpty()) {
      ensureOpen();
      return List.of();
    }
    long[] n = uidNumbers(from, uids, "UID COPY");
    List<ImapResponse> answers = new ArrayList<>();
    answers.add(channel.run(from, "UID COPY " + UidSet.format(n) + " " + channel.name(to.fullName()), answers::add));
    return mapped(answers, uidOrder(from, uids));
  }

  private long[] uidOrder(Folder folder, List<Uid> uids) {
    long validity = uidValidity(folder);
    return uids.stream().mapToLong(u -> uidNumber(u, validity, folder, "copy")).toArray();
  }

  /** The destination UIDs of a COPYUID code among {@code answers}, in the order of {@code requested}. */
  private List<Uid> mapped(List<ImapResponse> answers, long[] requested) {
    for (ImapResponse r : answers) {
      CopyUid c = channel.copyUid(r);
      if (c != null) {
        Map<Long, Long> byUid = new HashMap<>();
        for (int i = 0; i < c.source().length; i++) {
          byUid.put(c.source()[i], c.destination()[i]);
        }
        List<Uid> out = new ArrayList<>(requested.length);
        for (long u : requested) {
          Long d = byUid.get(u);
          if (d != null) {
            out.add(new Uid.Imap(c.uidValidity(), d));
          }
        }
        return out;
      }
    }
    return List.of();
  }

  @Override
  public List<Uid> move(Folder from, List<Uid> uids, Folder to) {
    require(Capability.MOVE, "The server has neither MOVE nor UIDPLUS, so a move could expunge messages you did not"
        + " name; use copy(...) and then delete(...) yourself.");
    if (uids.isEmpty()) {
      return List.of();
    }
    long[] n = uidNumbers(from, uids, "UID MOVE");
    String set = UidSet.format(n);
    String target = channel.name(to.fullName());
    List<ImapResponse> answers = new ArrayList<>();
    if (has("MOVE")) {
      answers.add(channel.run(from, "UID MOVE " + set + " " + target, answers::add));
    } else {
      // UIDPLUS: COPY, then mark and UID EXPUNGE exactly the named messages
      answers.add(channel.run(from, "UID COPY " + set + " " + target, answers::add));
      channel.run(from, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)", r -> { });
      channel.run(from, "UID EXPUNGE " + set, r -> { });
    }
    return mapped(answers, uidOrder(from, uids));
  }

  @Override
  public void delete(Folder folder, List<Uid> uids) {
    if (uids.isEmpty()) {
      ensureOpen();
      return;
    }
    long[] n = uidNumbers(folder, uids, "delete");
    String set = UidSet.format(n);
    String operation = "delete in " + folder.fullName();
    if (has("UIDPLUS")) {
      channel.run(folder, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)", r -> { });
      channel.run(folder, "UID EXPUNGE " + set, r -> { });
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
    channel.run(folder, "UID STORE " + set + " +FLAGS.SILENT (\\Deleted)", r -> { });
    channel.run(folder, "EXPUNGE", r -> { });
  }

  @Override
  public Optional<Uid> append(Folder folder, OutgoingMessage message, Set<Flag> flags) {
    ensureOpen();
    byte[] bytes = MimeWriter.toBytes(message);
    ImapCommand c = ImapCommand.of("APPEND " + channel.name(folder.fullName()) + " " + Imap.flagList(flags) + " ");
    if (channel.utf8() && eightBitHeader(bytes)) {
      c.add("UTF8 (").literal8(bytes).add(")"); // RFC 6855 section 4: UTF-8 header fields need this form
    } else {
      c.literal(bytes);
    }
    ImapResponse done = channel.run(c, r -> { });
    AppendUid id = ImapReplies.appendUid(done);
    return id == null ? Optional.empty() : Optional.of(new Uid.Imap(id.uidValidity(), id.uid()));
  }

  /** True when the header section (up to the first empty line) holds a byte above 127. */
  static boolean eightBitHeader(byte[] message) {
    for (int i = 0; i < message.length; i++) {
      byte b = message[i];
      if (b < 0) {
        return true;
      }
      if (b == '\n' && (i + 1 < message.length && message[i + 1] == '\n'
          || i + 2 < message.length && message[i + 1] == '\r' && message[i + 2] == '\n')) {
        return false;
      }
    }
    return false;
  }

  @Override
  public List<Quota> quota() {
    require(Capability.QUOTA, "The server does not offer QUOTA.");
    ensureOpen();
    return ImapReplies.quotas(channel.collect("GETQUOTAROOT INBOX"));
  }

  // ---------------------------------------------------------------- sync and watch

  @Override
  public Changes changesSince(Folder folder, SyncState state) {
    if (!state.folder().equals(folder.fullName())) {
      throw new IllegalArgumentException("state is for folder \"" + state.folder() + "\", not \"" + folder.fullName() + "\"");
    }
    ensureOpen();
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
   * Flags of every message, by UID (one UID FETCH). When fewer messages answered than the folder
   * holds, one UID SEARCH ALL finds the others, which are given no flags rather than left out.
   */
  Map<Long, Set<String>> allFlags(Folder folder) {
    int count = messageCount(folder);
    if (count == 0) {
      return Map.of();
    }
    Map<Long, Set<String>> flags = new HashMap<>();
    channel.run(folder, "UID FETCH 1:* (UID FLAGS)", r -> flagsFrom(r, flags));
    if (flags.size() < messageCount(folder)) {
      for (long uid : uidSearch(folder, "ALL")) {
        if (flags.putIfAbsent(uid, Set.of()) == null) {
          LOG.warn("the server's flags for message UID {} in {} could not be read; taken as none", uid, folder.fullName());
        }
      }
    }
    seen(flags.keySet().stream().mapToLong(Long::longValue).toArray());
    return flags;
  }

  /** Takes the UID and FLAGS of a FETCH answer into {@code into}. */
  static void flagsFrom(ImapResponse r, Map<Long, Set<String>> into) {
    ImapValue.ListValue items = EngineFetch.fetchItems(r);
    if (items == null) {
      return;
    }
    long uid = EngineFetch.uid(items);
    ImapValue flags = EngineFetch.item(items, "FLAGS");
    if (uid > 0 && flags instanceof ImapValue.ListValue) {
      into.put(uid, Imap.flagStrings(flags));
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    channel.close();
  }

  @Override
  public String toString() {
    return "ImapMailbox[" + settings.server() + (closed ? ", closed" : "") + "]";
  }
}
