package dev.satchel.mail.testkit;

import com.icegreen.greenmail.imap.AuthorizationException;
import com.icegreen.greenmail.imap.ImapHostManager;
import com.icegreen.greenmail.imap.commands.IdRange;
import com.icegreen.greenmail.store.FolderException;
import com.icegreen.greenmail.store.MailFolder;
import com.icegreen.greenmail.store.StoredMessage;
import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.user.UserManager;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Message;
import dev.satchel.mail.Uid;
import dev.satchel.mail.internal.MimeReader;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Direct access to GreenMail's in-memory store for {@link TestMailServer}: accounts, folders, the
 * stored messages and purging, with no network and no IMAP session. Thread-safe as far as GreenMail's
 * store is (each folder guards its message list).
 */
final class MailStore {
  private static final String INBOX = "INBOX";

  private final ImapHostManager host;
  private final UserManager users;

  MailStore(ImapHostManager host, UserManager users) {
    this.host = host;
    this.users = users;
  }

  /**
   * The account with this login name.
   *
   * @throws IllegalArgumentException when there is none
   */
  GreenMailUser user(String login) {
    GreenMailUser account = users.getUser(login);
    if (account == null) {
      throw new IllegalArgumentException("no user \"" + login + "\" on this server: create it with createUser");
    }
    return account;
  }

  /**
   * The account whose address is {@code address} (ignoring case), if any.
   *
   * @throws IllegalArgumentException when {@code address} is not a valid email address
   */
  Optional<GreenMailUser> userByAddress(String address) {
    Objects.requireNonNull(address, "address");
    return Optional.ofNullable(users.getUserByEmail(EmailAddress.parse(address).address()));
  }

  /** Every account. */
  List<GreenMailUser> users() {
    return List.copyOf(users.listUser());
  }

  /**
   * The folder {@code name} of the account, created with its missing parents when {@code create} is
   * true.
   *
   * @return the folder, or empty when it does not exist and {@code create} is false
   * @throws IllegalArgumentException when the name is blank or has an empty level
   */
  Optional<MailFolder> folder(GreenMailUser account, String name, boolean create) {
    Objects.requireNonNull(name, "folder");
    char separator = host.getHierarchyDelimiter();
    String[] levels = name.split(Pattern.quote(String.valueOf(separator)), -1);
    if (name.isBlank() || Arrays.stream(levels).anyMatch(String::isBlank)) {
      throw new IllegalArgumentException("folder must be a full name with non-empty levels separated by '" + separator
          + "', was \"" + name + "\"");
    }
    try {
      if (name.equalsIgnoreCase(INBOX)) {
        return Optional.of(host.getInbox(account));
      }
      if (!create) {
        return Optional.ofNullable(host.getFolder(account, name));
      }
      String path = "";
      MailFolder current = null;
      for (String level : levels) {
        path = path.isEmpty() ? level : path + separator + level;
        current = host.getFolder(account, path);
        if (current == null) {
          current = host.createMailbox(account, path);
        }
      }
      return Optional.of(Objects.requireNonNull(current));
    } catch (FolderException | AuthorizationException e) {
      throw new IllegalStateException("cannot open folder \"" + name + "\" of " + account.getLogin() + ": " + e.getMessage(), e);
    }
  }

  /** The full names of the account's folders as a client sees them ({@code "INBOX"}, {@code "Archive.2024"}), sorted. */
  List<String> folderNames(GreenMailUser account) {
    String inbox = inbox(account).getFullName();
    String root = inbox.substring(0, inbox.length() - INBOX.length());
    return folders(account).stream().map(MailFolder::getFullName)
        .map(full -> full.startsWith(root) ? full.substring(root.length()) : full).sorted().toList();
  }

  /** The number of messages in every account's INBOX. */
  int inboxMessageCount() {
    int count = 0;
    for (GreenMailUser account : users.listUser()) {
      count += inboxIfAny(account).map(MailFolder::getMessageCount).orElse(0);
    }
    return count;
  }

  /** The messages in every account's INBOX, oldest first (received date, then login, then UID). */
  List<Stored> inboxes() {
    List<Stored> result = new ArrayList<>();
    for (GreenMailUser account : users.listUser()) {
      MailFolder inbox = inboxIfAny(account).orElse(null);
      if (inbox == null) {
        continue; // an account being deleted has no messages
      }
      for (StoredMessage message : inbox.getMessages()) {
        result.add(new Stored(message, inbox.getUidValidity(), account.getLogin()));
      }
    }
    result.sort(Comparator.comparing((Stored s) -> receivedDate(s.message()))
        .thenComparing(Stored::login)
        .thenComparingLong(s -> s.message().getUid()));
    return result;
  }

  /** The messages of one folder, parsed, in UID order. */
  static List<Message> messages(MailFolder folder) {
    long uidValidity = folder.getUidValidity();
    return folder.getMessages().stream().sorted(Comparator.comparingLong(StoredMessage::getUid))
        .map(m -> new Stored(m, uidValidity, "").parse()).toList();
  }

  /**
   * Removes every message from every folder of the account, as a client's {@code \Deleted} and
   * {@code EXPUNGE} would: IMAP sessions that have a folder selected are told. The folders stay.
   */
  void purge(GreenMailUser account) {
    for (MailFolder folder : folders(account)) {
      List<StoredMessage> messages = folder.getMessages();
      if (messages.isEmpty()) {
        continue;
      }
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      for (StoredMessage message : messages) {
        message.setFlag(Flags.Flag.DELETED, true);
        first = Math.min(first, message.getUid());
        last = Math.max(last, message.getUid());
      }
      // Only the UIDs seen here: a message arriving meanwhile has a higher UID and stays.
      folder.expunge(new IdRange[] {new IdRange(first, last)});
    }
  }

  private List<MailFolder> folders(GreenMailUser account) {
    try {
      List<MailFolder> folders = new ArrayList<>(host.listMailboxes(account, "*"));
      MailFolder inbox = inbox(account);
      if (folders.stream().noneMatch(f -> f.getFullName().equals(inbox.getFullName()))) {
        folders.add(inbox);
      }
      return folders;
    } catch (FolderException e) {
      throw new IllegalStateException("cannot list the folders of " + account.getLogin() + ": " + e.getMessage(), e);
    }
  }

  private MailFolder inbox(GreenMailUser account) {
    try {
      return host.getInbox(account);
    } catch (FolderException e) {
      throw new IllegalStateException("no INBOX for " + account.getLogin() + ": " + e.getMessage(), e);
    }
  }

  private Optional<MailFolder> inboxIfAny(GreenMailUser account) {
    try {
      return Optional.of(host.getInbox(account));
    } catch (FolderException e) {
      return Optional.empty();
    }
  }

  private static Date receivedDate(StoredMessage message) {
    Date date = message.getReceivedDate();
    return date == null ? new Date(0) : date;
  }

  /** One stored message and where it is. */
  record Stored(StoredMessage message, long uidValidity, String login) {
    /** The message as a client would fetch it. */
    byte[] bytes() {
      try {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.getMimeMessage().writeTo(out);
        return out.toByteArray();
      } catch (MessagingException | IOException e) {
        throw new IllegalStateException("cannot read a stored message: " + e.getMessage(), e);
      }
    }

    /** The message parsed by Satchel's MIME reader, with its IMAP UID, without flags. */
    Message parse() {
      return MimeReader.read(new ByteArrayInputStream(bytes()), new Uid.Imap(uidValidity, message.getUid()));
    }
  }
}
