package dev.satchel.mail;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One connected session to one account's message store, over IMAP or POP3.
 *
 * <pre>{@code
 * try (Mailbox mailbox = Mailbox.connect(settings)) {
 *   for (MessageSummary m : mailbox.list(mailbox.inbox())) {
 *     Message full = mailbox.fetch(mailbox.inbox(), m.uid());
 *   }
 * }
 * }</pre>
 *
 * <p>The folder is a parameter of each call; there is no open/close folder state. Messages are
 * addressed by {@link Uid}, never by sequence number. Reading never marks a message seen.
 *
 * <p><b>Capabilities tell the truth.</b> Every operation either works or throws
 * {@link UnsupportedCapabilityException} exactly when its {@link Capability} is absent from
 * {@link #capabilities()}: POP3, for example, downloads only and has no folders, server flags or
 * moves.
 *
 * <p>Failures: {@link MailConnectionException} when the session is gone (open a new one),
 * {@link MailCommandException} when the server refused one command (the session is still usable).
 *
 * <p>Not thread-safe: use one {@code Mailbox} per thread. {@link #close()} is idempotent and never
 * expunges or deletes anything, except that POP3 commits the deletions asked for in this session at a
 * clean close, as the protocol defines.
 */
public interface Mailbox extends AutoCloseable {

  /**
   * Connects and logs in, using the connector for {@code settings.protocol()} found on the class or
   * module path.
   *
   * @throws IllegalArgumentException when the settings are for SMTP
   * @throws IllegalStateException when no connector for the protocol is present, naming the artifact to add
   * @throws MailConnectionException when the server cannot be reached or TLS fails
   * @throws MailAuthenticationException when the server refuses the credentials
   */
  static Mailbox connect(MailSettings settings) {
    return Connectors.mailboxConnector(settings.protocol()).connect(settings);
  }

  /**
   * Connects and logs in like {@link #connect(MailSettings)}, with tuning {@code options} (batch
   * sizes, IDLE and polling intervals, reconnect delays).
   *
   * @throws IllegalArgumentException when the settings are for SMTP
   * @throws IllegalStateException when no connector for the protocol is present, naming the artifact to add
   * @throws MailConnectionException when the server cannot be reached or TLS fails
   * @throws MailAuthenticationException when the server refuses the credentials
   */
  static Mailbox connect(MailSettings settings, MailboxOptions options) {
    return Connectors.mailboxConnector(settings.protocol()).connect(settings, options);
  }

  /** The protocol of this session. */
  Protocol protocol();

  /** What this session can do, from the protocol and the server's advertised capabilities. */
  Set<Capability> capabilities();

  /** Shorthand for {@code capabilities().contains(capability)}. */
  default boolean supports(Capability capability) {
    return capabilities().contains(capability);
  }

  /** The inbox; the only folder over POP3. */
  Folder inbox();

  /**
   * Every folder, with attributes and special use.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  List<Folder> folders();

  /**
   * The folder with this full name, when it exists.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}, unless the name is INBOX
   */
  Optional<Folder> folder(String fullName);

  /**
   * The folder with a role (Sent, Trash, ...), from SPECIAL-USE or, failing that, common names.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  Optional<Folder> specialFolder(SpecialUse use);

  /**
   * Every folder with a known role, each with where the role came from: the server's SPECIAL-USE
   * marking when it has one for that role, otherwise a common folder name in several languages.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  default List<SpecialFolder> specialFolders() {
    throw new UnsupportedCapabilityException(Capability.FOLDERS, protocol(), "Use inbox(): this protocol has one folder.");
  }

  /**
   * Subscribes to a folder or ends the subscription (IMAP SUBSCRIBE / UNSUBSCRIBE).
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  default void setSubscribed(Folder folder, boolean subscribed) {
    throw new UnsupportedCapabilityException(Capability.FOLDERS, protocol(), "Use inbox(): this protocol has one folder.");
  }

  /**
   * The folders the user subscribed to (IMAP LSUB).
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  default List<Folder> subscribedFolders() {
    throw new UnsupportedCapabilityException(Capability.FOLDERS, protocol(), "Use inbox(): this protocol has one folder.");
  }

  /** Message counts and identifiers of a folder. */
  FolderStatus status(Folder folder);

  /**
   * Summaries of every message in the folder, oldest first, fetched in bounded batches.
   */
  List<MessageSummary> list(Folder folder);

  /**
   * Summaries of the messages whose UIDs fall in {@code range}, oldest first.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#UNIQUE_IDS}
   */
  List<MessageSummary> list(Folder folder, UidRange range);

  /**
   * Summaries of the {@code count} newest messages, newest first.
   *
   * @throws IllegalArgumentException when {@code count} is negative
   */
  List<MessageSummary> listNewest(Folder folder, int count);

  /**
   * The UIDs of messages matching {@code query}, searched on the server.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#SERVER_SEARCH}
   */
  List<Uid> search(Folder folder, SearchQuery query);

  /**
   * The whole message, parsed, without marking it seen. Header fields and the text and HTML bodies
   * are read now; attachments and inline parts are read from this mailbox when opened, so read them
   * before {@link #close()} (afterwards they throw an {@link IllegalStateException} saying so).
   *
   * @throws MailCommandException when no message has that UID
   */
  Message fetch(Folder folder, Uid uid);

  /**
   * The raw RFC 5322 bytes of the message, streamed from the server, without marking it seen. The
   * caller closes the stream, and must do so before using this mailbox again; reading it after
   * {@link #close()} throws an {@link IllegalStateException} saying so.
   *
   * @throws MailCommandException when no message has that UID
   */
  InputStream openRaw(Folder folder, Uid uid);

  /**
   * Sets flags on messages.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#SERVER_FLAGS}
   */
  void addFlags(Folder folder, List<Uid> uids, Set<Flag> flags);

  /**
   * Clears flags on messages.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#SERVER_FLAGS}
   */
  void removeFlags(Folder folder, List<Uid> uids, Set<Flag> flags);

  /**
   * Sets custom keywords on messages.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#KEYWORDS}
   */
  void addKeywords(Folder folder, List<Uid> uids, Set<String> keywords);

  /**
   * Clears custom keywords on messages.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#KEYWORDS}
   */
  void removeKeywords(Folder folder, List<Uid> uids, Set<String> keywords);

  /**
   * Copies messages to another folder; returns the new UIDs when the server reports them (UIDPLUS).
   *
   * @throws UnsupportedCapabilityException without {@link Capability#COPY}
   */
  List<Uid> copy(Folder from, List<Uid> uids, Folder to);

  /**
   * Moves messages to another folder; returns the new UIDs when the server reports them. Never
   * expunges any message other than those named.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#MOVE}
   */
  List<Uid> move(Folder from, List<Uid> uids, Folder to);

  /**
   * Deletes messages. IMAP removes exactly these messages at once (UID EXPUNGE); POP3 marks them and
   * removes them at a clean {@link #close()}.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#DELETE}
   */
  void delete(Folder folder, List<Uid> uids);

  /**
   * Stores a message in a folder, for example a copy of a sent message in Sent. Returns its UID when
   * the server reports it (APPENDUID).
   *
   * @throws UnsupportedCapabilityException without {@link Capability#APPEND}
   */
  Optional<Uid> append(Folder folder, OutgoingMessage message, Set<Flag> flags);

  /**
   * Creates a folder and returns it. On IMAP servers whose personal namespace has a prefix (Cyrus and
   * Courier use {@code INBOX.}) a name outside it is created under it: {@code createFolder("Reports")}
   * returns {@code INBOX.Reports} there, and {@code Reports} on Dovecot.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  Folder createFolder(String fullName);

  /**
   * Renames a folder and returns it under its new name; the new name goes under the personal
   * namespace prefix as in {@link #createFolder}.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  Folder renameFolder(Folder folder, String newFullName);

  /**
   * Deletes a folder and the messages in it.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#FOLDERS}
   */
  void deleteFolder(Folder folder);

  /**
   * Storage usage and limits per quota root.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#QUOTA}
   */
  List<Quota> quota();

  /**
   * What changed in the folder since {@code state}: new, changed and removed messages, and the state to
   * save for next time. Works on every protocol with {@link Capability#UNIQUE_IDS};
   * {@link Capability#CHANGES_SINCE} only makes it cheaper.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#UNIQUE_IDS}
   */
  Changes changesSince(Folder folder, SyncState state);

  /**
   * Watches a folder and reports changes to {@code listener} from a background thread, over a
   * connection of its own: IMAP IDLE with {@link Capability#PUSH}, polling otherwise. Reconnects after
   * a drop and reports what changed in the gap. Close the returned {@link Watch} to stop.
   *
   * @throws UnsupportedCapabilityException without {@link Capability#UNIQUE_IDS}
   */
  Watch watch(Folder folder, MailboxListener listener);

  /**
   * Logs out and closes the connection. Idempotent; never throws; never expunges. Over POP3 a clean
   * close commits the deletions asked for in this session.
   */
  @Override
  void close();
}
