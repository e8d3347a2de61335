package dev.satchel.mail;

import java.util.Optional;
import java.util.Set;

/**
 * A plain handle to a folder (IMAP mailbox). Holds no connection and no open/close state: pass it to
 * {@link Mailbox} methods. POP3 has exactly one folder, {@link Mailbox#inbox()}.
 *
 * @param fullName the server's full name, for example {@code "INBOX"} or {@code "Archive/2024"}
 * @param separator the hierarchy separator, or {@code '\0'} when the server has no hierarchy
 * @param attributes the server's attributes as given, for example {@code "\\HasNoChildren"}
 * @param specialUse the folder's role when known
 */
public record Folder(String fullName, char separator, Set<String> attributes, Optional<SpecialUse> specialUse) {

  /** The name of the inbox on every protocol. */
  public static final String INBOX = "INBOX";

  /**
   * Validates the handle.
   *
   * @throws IllegalArgumentException when the name is empty or contains CR, LF or NUL
   */
  public Folder {
    if (fullName.isEmpty()) {
      throw new IllegalArgumentException("folder name must not be empty");
    }
    if (fullName.indexOf('\r') >= 0 || fullName.indexOf('\n') >= 0 || fullName.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("folder name must not contain CR, LF or NUL, was \""
          + fullName.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0") + "\"");
    }
    attributes = Set.copyOf(attributes);
  }

  /** A handle by name alone, with no attributes known. */
  public static Folder named(String fullName) {
    return new Folder(fullName, '/', Set.of(), Optional.empty());
  }

  /** The last path segment of {@link #fullName()}. */
  public String name() {
    if (separator == '\0') {
      return fullName;
    }
    int i = fullName.lastIndexOf(separator);
    return i < 0 ? fullName : fullName.substring(i + 1);
  }

  /** True for the inbox (compared case-insensitively, as IMAP requires). */
  public boolean isInbox() {
    return fullName.equalsIgnoreCase(INBOX);
  }
}
