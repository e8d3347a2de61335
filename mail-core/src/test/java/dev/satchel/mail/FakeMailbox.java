package dev.satchel.mail;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * An IMAP-like account in memory for the {@link InboxProcessor} tests of this module (mail-core has
 * no protocol module): folders of messages with UIDs, and the calls a processor makes ({@code
 * changesSince}, {@code fetch}, {@code openRaw}, {@code move}, {@code createFolder}). Each
 * {@link #open()} gives a session that reads the shared account and refuses to be used after its
 * {@code close()}, as a real mailbox does. Calls a processor never makes throw
 * {@link UnsupportedOperationException}. Not thread-safe; the tests drive it from one thread at a time.
 */
final class FakeMailbox {
  static final long UID_VALIDITY = 7;

  /** Folder name to its messages by UID. */
  final Map<String, TreeMap<Long, Stored>> folders = new LinkedHashMap<>();
  final Set<Capability> capabilities = EnumSet.of(Capability.UNIQUE_IDS, Capability.FOLDERS, Capability.MOVE,
      Capability.DELETE, Capability.SERVER_FLAGS);
  /** Subjects whose fetch fails (the message cannot be downloaded). */
  final Set<String> undownloadable = new java.util.HashSet<>();
  /** Moves refused by the "server" while this is above zero (each refusal counts it down). */
  int refuseMoves;
  int opened;
  int moves;
  private long nextUid = 1;

  /** One stored message. */
  record Stored(long uid, String subject, String body) {
    byte[] raw() {
      return ("Subject: " + subject + "\r\n\r\n" + body + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    Uid id() {
      return new Uid.Imap(UID_VALIDITY, uid);
    }

    MessageSummary summary() {
      Envelope envelope = new Envelope(subject, List.of(), Optional.empty(), List.of(), List.of(), List.of(), List.of(),
          Optional.empty(), Optional.empty(), Optional.empty());
      return new MessageSummary(id(), Set.of(), Set.of(), raw().length, Optional.empty(), envelope);
    }
  }

  FakeMailbox() {
    folders.put(Folder.INBOX, new TreeMap<>());
  }

  /** Delivers a message to INBOX. */
  FakeMailbox deliver(String subject) {
    long uid = nextUid++;
    folders.get(Folder.INBOX).put(uid, new Stored(uid, subject, "body of " + subject));
    return this;
  }

  List<String> subjects(String folder) {
    TreeMap<Long, Stored> f = folders.get(folder);
    return f == null ? List.of() : f.values().stream().map(Stored::subject).toList();
  }

  /** A new session on this account. */
  Mailbox open() {
    opened++;
    return new Session();
  }

  private final class Session implements Mailbox {
    private boolean closed;

    private void checkOpen() {
      if (closed) {
        throw new IllegalStateException("this mailbox is closed");
      }
    }

    private TreeMap<Long, Stored> messages(Folder folder) {
      checkOpen();
      TreeMap<Long, Stored> f = folders.get(folder.fullName());
      if (f == null) {
        throw new MailCommandException("select " + folder.fullName(), "NO no such folder", null);
      }
      return f;
    }

    private Stored stored(Folder folder, Uid uid) {
      Stored s = messages(folder).get(((Uid.Imap) uid).uid());
      if (s == null) {
        throw new MailCommandException("fetch", "no message " + uid, null);
      }
      return s;
    }

    @Override
    public Protocol protocol() {
      return Protocol.IMAP;
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
    public Optional<Folder> folder(String fullName) {
      checkOpen();
      return folders.containsKey(fullName) ? Optional.of(Folder.named(fullName)) : Optional.empty();
    }

    @Override
    public Folder createFolder(String fullName) {
      checkOpen();
      folders.putIfAbsent(fullName, new TreeMap<>());
      return Folder.named(fullName);
    }

    @Override
    public Changes changesSince(Folder folder, SyncState state) {
      TreeMap<Long, Stored> f = messages(folder);
      Map<String, Set<String>> known = new TreeMap<>();
      List<MessageSummary> added = new ArrayList<>();
      for (Stored s : f.values()) {
        known.put(s.id().asString(), Set.of());
        if (!state.known().containsKey(s.id().asString())) {
          added.add(s.summary());
        }
      }
      SyncState now = new SyncState(folder.fullName(), OptionalLong.of(UID_VALIDITY), OptionalLong.of(nextUid),
          OptionalLong.empty(), known);
      return new Changes(added, List.of(), List.of(), false, now);
    }

    @Override
    public Message fetch(Folder folder, Uid uid) {
      Stored s = stored(folder, uid);
      if (undownloadable.contains(s.subject())) {
        throw new MailCommandException("fetch", "NO message " + uid + " cannot be read", null);
      }
      MessagePart part = new MessagePart("note.txt", "text/plain", null, false, -1, () -> {
        checkOpen();
        return new ByteArrayInputStream(("attachment of " + s.subject()).getBytes(StandardCharsets.UTF_8));
      });
      return new Message(s.summary(), List.of(new Header("Subject", s.subject())), Optional.of(s.body()),
          Optional.empty(), List.of(part), List.of());
    }

    @Override
    public InputStream openRaw(Folder folder, Uid uid) {
      return new ByteArrayInputStream(stored(folder, uid).raw());
    }

    @Override
    public List<Uid> move(Folder from, List<Uid> uids, Folder to) {
      TreeMap<Long, Stored> source = messages(from);
      TreeMap<Long, Stored> target = messages(to);
      if (refuseMoves > 0) {
        refuseMoves--;
        throw new MailCommandException("UID MOVE", "NO [SERVERBUG] try again later", null);
      }
      moves++;
      List<Uid> out = new ArrayList<>();
      for (Uid uid : uids) {
        Stored s = source.remove(((Uid.Imap) uid).uid());
        if (s != null) {
          long n = nextUid++;
          target.put(n, new Stored(n, s.subject(), s.body()));
          out.add(new Uid.Imap(UID_VALIDITY, n));
        }
      }
      return out;
    }

    @Override
    public void delete(Folder folder, List<Uid> uids) {
      TreeMap<Long, Stored> f = messages(folder);
      uids.forEach(u -> f.remove(((Uid.Imap) u).uid()));
    }

    @Override
    public void addFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
      messages(folder);
    }

    @Override
    public void close() {
      closed = true;
    }

    private UnsupportedOperationException unused() {
      return new UnsupportedOperationException("not used by InboxProcessor");
    }

    @Override
    public List<Folder> folders() {
      throw unused();
    }

    @Override
    public Optional<Folder> specialFolder(SpecialUse use) {
      throw unused();
    }

    @Override
    public FolderStatus status(Folder folder) {
      throw unused();
    }

    @Override
    public List<MessageSummary> list(Folder folder) {
      throw unused();
    }

    @Override
    public List<MessageSummary> list(Folder folder, UidRange range) {
      throw unused();
    }

    @Override
    public List<MessageSummary> listNewest(Folder folder, int count) {
      throw unused();
    }

    @Override
    public List<Uid> search(Folder folder, SearchQuery query) {
      throw unused();
    }

    @Override
    public void removeFlags(Folder folder, List<Uid> uids, Set<Flag> flags) {
      throw unused();
    }

    @Override
    public void addKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
      throw unused();
    }

    @Override
    public void removeKeywords(Folder folder, List<Uid> uids, Set<String> keywords) {
      throw unused();
    }

    @Override
    public List<Uid> copy(Folder from, List<Uid> uids, Folder to) {
      throw unused();
    }

    @Override
    public Optional<Uid> append(Folder folder, OutgoingMessage message, Set<Flag> flags) {
      throw unused();
    }

    @Override
    public Folder renameFolder(Folder folder, String newFullName) {
      throw unused();
    }

    @Override
    public void deleteFolder(Folder folder) {
      throw unused();
    }

    @Override
    public List<Quota> quota() {
      throw unused();
    }

    @Override
    public Watch watch(Folder folder, MailboxListener listener) {
      throw unused();
    }
  }
}
