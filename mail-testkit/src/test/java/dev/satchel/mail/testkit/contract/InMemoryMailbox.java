package dev.satchel.mail.testkit.contract;

import dev.satchel.mail.Capability;
import dev.satchel.mail.Changes;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Envelope;
import dev.satchel.mail.Flag;
import dev.satchel.mail.Folder;
import dev.satchel.mail.FolderStatus;
import dev.satchel.mail.Header;
import dev.satchel.mail.MailCommandException;
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
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A tiny in-memory {@link Mailbox} for testing the contract suite itself: an IMAP-like flavour with
 * every capability and a POP3-like flavour with only UNIQUE_IDS, DELETE and HEADERS_ONLY, plus bugs
 * that can be switched on to show that the suite catches them.
 */
final class InMemoryMailbox implements Mailbox {

  /** Deliberate bugs. */
  enum Bug { FETCH_SETS_SEEN, FOLDERS_IGNORES_CAPABILITY, CLOSE_THROWS_TWICE, UIDS_CHANGE_PER_CONNECTION, WRONG_CAPABILITY_NAMED }

  /** One account's store, shared by its connections. */
  static final class Account {
    final Map<String, List<Stored>> folders = new LinkedHashMap<>();
    long uidNext = 1;
    final long uidValidity = 7;
    int connections;

    Account() {
      folders.put(Folder.INBOX, new ArrayList<>());
    }

    synchronized void deliver(byte[] raw) {
      folders.get(Folder.INBOX).add(new Stored(uidNext++, raw));
    }
  }

  static final class Stored {
    final long uid;
    final byte[] raw;
    final Set<Flag> flags = EnumSet.noneOf(Flag.class);
    final Set<String> keywords = new TreeSet<>();
    boolean markedForPop3Delete;

    Stored(long uid, byte[] raw) {
      this.uid = uid;
      this.raw = raw;
    }
  }

  private final Account account;
  private final Protocol protocol;
  private final Set<Capability> capabilities;
  private final Set<Bug> bugs;
  private final int connection;
  private int closes;

  InMemoryMailbox(Account account, Protocol protocol, Set<Bug> bugs) {
    this.account = account;
    this.protocol = protocol;
    this.capabilities = protocol == Protocol.IMAP ? EnumSet.allOf(Capability.class)
        : EnumSet.of(Capability.UNIQUE_IDS, Capability.DELETE, Capability.HEADERS_ONLY);
    this.bugs = bugs;
    synchronized (account) {
      this.connection = ++account.connections;
    }
  }

  private void require(Capability c) {
    if (!capabilities.contains(c)) {
      Capability named = bugs.contains(Bug.WRONG_CAPABILITY_NAMED) ? Capability.QUOTA : c;
      throw new UnsupportedCapabilityException(named, protocol, "Use IMAP.");
    }
  }

  private List<Stored> messages(Folder folder) {
    List<Stored> list = account.folders.get(folder.fullName());
    if (list == null) {
      throw new MailCommandException("SELECT", "NO no such folder", null);
    }
    return list;
  }

  private Stored find(Folder folder, Uid uid) {
    for (Stored s : messages(folder)) {
      if (uid(s).equals(uid)) {
        return s;
      }
    }
    throw new MailCommandException("FETCH", "NO no such message " + uid, null);
  }

  private Uid uid(Stored s) {
    long shift = bugs.contains(Bug.UIDS_CHANGE_PER_CONNECTION) ? connection * 1000L : 0;
    return protocol == Protocol.IMAP ? new Uid.Imap(account.uidValidity, s.uid + shift) : new Uid.Pop3("m" + (s.uid + shift));
  }

  private MessageSummary summary(Stored s) {
    return new MessageSummary(uid(s), s.flags, s.keywords, s.raw.length, Optional.empty(), envelope(headers(s.raw)));
  }

  @Override
  public Protocol protocol() {
    return protocol;
  }

  @Override
  public Set<Capability> capabilities() {
    return Set.copyOf(capabilities);
  }

  @Override
  public Folder inbox() {
    return Folder.named(Folder.INBOX);
  }

  @Override
  public List<Folder> folders() {
    if (!bugs.contains(Bug.FOLDERS_IGNORES_CAPABILITY)) {
      require(Capability.FOLDERS);
    }
    return account.folders.keySet().stream().map(Folder::named).toList();
  }

  @Override
  public Optional<Folder> folder(String fullName) {
    if (!fullName.equalsIgnoreCase(Folder.INBOX)) {
      require(Capability.FOLDERS);
    }
    return account.folders.containsKey(fullName.equalsIgnoreCase(Folder.INBOX) ? Folder.INBOX : fullName)
        ? Optional.of(Folder.named(fullName.equalsIgnoreCase(Folder.INBOX) ? Folder.INBOX : fullName)) : Optional.empty();
  }

  @Override
  public Optional<Folder> specialFolder(SpecialUse use) {
    require(Capability.FOLDERS);
    return Optional.empty();
  }

  @Override
  public FolderStatus status(Folder folder) {
    List<Stored> list = messages(folder);
    long unseen = list.stream().filter(s -> !s.flags.contains(Flag.SEEN)).count();
    return new FolderStatus(folder, list.size(), protocol == Protocol.IMAP ? OptionalLong.of(unseen) : OptionalLong.empty(),
        OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
  }

  @Override
  public List<MessageSummary> list(Folder folder) {
    return messages(folder).stream().map(this::summary).toList();
  }

  @Override
  public List<MessageSummary> list(Folder folder, UidRange range) {
    require(Capability.UNIQUE_IDS);
    return messages(folder).stream().filter(s -> s.uid >= range.first() && s.uid <= range.last()).map(this::summary).toList();
  }

  @Override
  public List<MessageSummary> listNewest(Folder folder, int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    List<MessageSummary> all = new ArrayList<>(list(folder));
    java.util.Collections.reverse(all);
    return all.subList(0, Math.min(count, all.size()));
  }

  @Override
  public List<Uid> search(Folder folder, SearchQuery query) {
    require(Capability.SERVER_SEARCH);
    if (query instanceof SearchQuery.Text t && t.field() == SearchQuery.Field.SUBJECT) {
      return list(folder).stream().filter(s -> s.envelope().subject().contains(t.text())).map(MessageSummary::uid).toList();
    }
    return list(folder).stream().map(MessageSummary::uid).toList();
  }

  @Override
  public Message fetch(Folder folder, Uid uid) {
    Stored s = find(folder, uid);
    if (bugs.contains(Bug.FETCH_SETS_SEEN)) {
      s.flags.add(Flag.SEEN);
    }
    List<Header> headers = headers(s.raw);
    String raw = new String(s.raw, StandardCharsets.ISO_8859_1);
    int body = raw.indexOf("\r\n\r\n");
    return new Message(summary(s), headers, Optional.of(body < 0 ? "" : raw.substring(body + 4)), Optional.empty(), List.of(), List.of());
  }

  @Override
  public InputStream openRaw(Folder folder, Uid uid) {
    return new ByteArrayInputStream(find(folder, uid).raw);
  }

  @Override
  public void addFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
    require(Capability.SERVER_FLAGS);
    uids.forEach(u -> find(folder, u).flags.addAll(flags));
  }

  @Override
  public void removeFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
    require(Capability.SERVER_FLAGS);
    uids.forEach(u -> find(folder, u).flags.removeAll(flags));
  }

  @Override
  public void addKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
    require(Capability.KEYWORDS);
    uids.forEach(u -> find(folder, u).keywords.addAll(keywords));
  }

  @Override
  public void removeKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
    require(Capability.KEYWORDS);
    uids.forEach(u -> find(folder, u).keywords.removeAll(keywords));
  }

  @Override
  public List<Uid> copy(Folder from, List<Uid> uids, Folder to) {
    require(Capability.COPY);
    List<Uid> out = new ArrayList<>();
    for (Uid u : uids) {
      Stored copy = new Stored(account.uidNext++, find(from, u).raw);
      messages(to).add(copy);
      out.add(uid(copy));
    }
    return out;
  }

  @Override
  public List<Uid> move(Folder from, List<Uid> uids, Folder to) {
    require(Capability.MOVE);
    List<Uid> out = copy(from, uids, to);
    uids.forEach(u -> messages(from).remove(find(from, u)));
    return out;
  }

  @Override
  public void delete(Folder folder, List<Uid> uids) {
    require(Capability.DELETE);
    for (Uid u : uids) {
      Stored s = find(folder, u);
      if (protocol == Protocol.POP3) {
        s.markedForPop3Delete = true;
      } else {
        messages(folder).remove(s);
      }
    }
  }

  @Override
  public Optional<Uid> append(Folder folder, OutgoingMessage message, Set<Flag> flags) {
    require(Capability.APPEND);
    String raw = "From: " + message.from().address() + "\r\nSubject: " + message.subject() + "\r\n\r\n" + message.text().orElse("");
    Stored s = new Stored(account.uidNext++, raw.getBytes(StandardCharsets.UTF_8));
    s.flags.addAll(flags);
    messages(folder).add(s);
    return Optional.of(uid(s));
  }

  @Override
  public Folder createFolder(String fullName) {
    require(Capability.FOLDERS);
    account.folders.putIfAbsent(fullName, new ArrayList<>());
    return Folder.named(fullName);
  }

  @Override
  public Folder renameFolder(Folder folder, String newFullName) {
    require(Capability.FOLDERS);
    account.folders.put(newFullName, account.folders.remove(folder.fullName()));
    return Folder.named(newFullName);
  }

  @Override
  public void deleteFolder(Folder folder) {
    require(Capability.FOLDERS);
    account.folders.remove(folder.fullName());
  }

  @Override
  public List<Quota> quota() {
    require(Capability.QUOTA);
    return List.of(new Quota("", List.of(new Quota.Resource("STORAGE", 1, 100))));
  }

  @Override
  public Changes changesSince(Folder folder, SyncState state) {
    require(Capability.UNIQUE_IDS);
    Map<String, Set<String>> now = new HashMap<>();
    List<MessageSummary> added = new ArrayList<>();
    List<MessageSummary> changed = new ArrayList<>();
    for (Stored s : messages(folder)) {
      MessageSummary summary = summary(s);
      Set<String> flags = new TreeSet<>(s.keywords);
      s.flags.forEach(f -> flags.add("\\" + f.name().charAt(0) + f.name().substring(1).toLowerCase(Locale.ROOT)));
      String id = summary.uid().asString();
      now.put(id, flags);
      Set<String> before = state.known().get(id);
      if (before == null) {
        added.add(summary);
      } else if (!before.equals(flags)) {
        changed.add(summary);
      }
    }
    List<Uid> removed = state.known().keySet().stream().filter(k -> !now.containsKey(k)).map(Uid::parse).toList();
    SyncState next = new SyncState(folder.fullName(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty(), now);
    return new Changes(added, changed, removed, false, next);
  }

  @Override
  public Watch watch(Folder folder, MailboxListener listener) {
    require(Capability.UNIQUE_IDS);
    AtomicBoolean running = new AtomicBoolean(true);
    return new Watch() {
      @Override
      public boolean isRunning() {
        return running.get();
      }

      @Override
      public void close() {
        running.set(false);
      }
    };
  }

  @Override
  public void close() {
    if (++closes > 1) {
      if (bugs.contains(Bug.CLOSE_THROWS_TWICE)) {
        throw new IllegalStateException("already closed");
      }
      return;
    }
    if (protocol == Protocol.POP3) {
      account.folders.get(Folder.INBOX).removeIf(s -> s.markedForPop3Delete);
    }
  }

  private static List<Header> headers(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    String block = (end < 0 ? text : text.substring(0, end)).replaceAll("\r\n[ \t]", " ");
    List<Header> headers = new ArrayList<>();
    for (String line : block.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0) {
        headers.add(new Header(line.substring(0, colon), line.substring(colon + 1).strip()));
      }
    }
    return headers;
  }

  private static Envelope envelope(List<Header> headers) {
    Map<String, String> h = new HashMap<>();
    headers.forEach(x -> h.putIfAbsent(x.name().toLowerCase(Locale.ROOT), x.value()));
    List<EmailAddress> from = EmailAddress.tryParse(h.getOrDefault("from", "")).stream().toList();
    List<EmailAddress> to = EmailAddress.tryParse(h.getOrDefault("to", "")).stream().toList();
    return new Envelope(h.getOrDefault("subject", ""), from, Optional.empty(), List.of(), to, List.of(), List.of(), Optional.empty(),
        Optional.ofNullable(h.get("message-id")), Optional.empty());
  }
}
