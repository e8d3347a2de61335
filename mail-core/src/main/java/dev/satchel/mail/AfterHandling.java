package dev.satchel.mail;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@link InboxProcessor} does with a message on the server once its handler returned
 * normally. Checked against the protocol when the processor is built and against the connection's
 * {@link Capability capabilities} when it first connects.
 *
 * <table>
 *   <caption>Which action works where</caption>
 *   <tr><th>action</th><th>IMAP</th><th>POP3</th><th>needs</th></tr>
 *   <tr><td>{@link #leave()}</td><td>yes</td><td>yes ("leave on server")</td><td>UNIQUE_IDS</td></tr>
 *   <tr><td>{@link #markSeen()}</td><td>yes</td><td>no</td><td>SERVER_FLAGS</td></tr>
 *   <tr><td>{@link #moveTo(String)}, {@link #moveTo(String, IfMissing)}</td><td>yes</td><td>no</td><td>MOVE, FOLDERS</td></tr>
 *   <tr><td>{@link #delete()}</td><td>yes</td><td>yes ("delete after download")</td><td>DELETE</td></tr>
 *   <tr><td>{@link #deleteAfter(Duration)}</td><td>yes</td><td>yes (storage-limited accounts)</td><td>DELETE</td></tr>
 * </table>
 *
 * <p>Every action also needs {@link Capability#UNIQUE_IDS}, to remember what was handled. Immutable.
 */
public sealed interface AfterHandling {

  /** Leaves the message untouched; the processor remembers that it was handled. */
  static AfterHandling leave() {
    return Leave.INSTANCE;
  }

  /** Sets {@code \Seen} (IMAP). */
  static AfterHandling markSeen() {
    return MarkSeen.INSTANCE;
  }

  /**
   * Moves the message to a folder that must already exist (IMAP). Shorthand for {@code
   * moveTo(folderName, IfMissing.FAIL)}: when the folder does not exist, every run of the processor
   * fails at its start, before any message is handed over, with an {@link IllegalStateException}
   * naming the folder and the account.
   *
   * @throws IllegalArgumentException when the name is empty or holds CR, LF or NUL
   */
  static AfterHandling moveTo(String folderName) {
    return moveTo(folderName, IfMissing.FAIL);
  }

  /**
   * Moves the message to a folder (IMAP), creating the folder first when {@code ifMissing} is
   * {@link IfMissing#CREATE} and it does not exist.
   *
   * <pre>{@code
   * .afterHandling(AfterHandling.moveTo("Processed", AfterHandling.IfMissing.CREATE))
   * }</pre>
   *
   * <p>The processor looks for the folder at the start of every run, before any message is handed
   * over, so a missing folder never leaves messages handled but not moved.
   *
   * @param folderName the destination's full name, with the server's hierarchy separator (for example
   *     {@code "Archive/2025"}; some servers want {@code "INBOX.Processed"})
   * @param ifMissing what to do when the folder does not exist
   * @throws IllegalArgumentException when the name is empty or holds CR, LF or NUL
   */
  static AfterHandling moveTo(String folderName, IfMissing ifMissing) {
    return new MoveTo(Folder.named(folderName).fullName(), ifMissing);
  }

  /** Deletes the message: at once over IMAP, at the end of the run (QUIT) over POP3. */
  static AfterHandling delete() {
    return Delete.INSTANCE;
  }

  /**
   * Leaves the message for {@code age} after it was handled, then deletes it on a later run: the
   * choice for a small server quota that should still keep recent mail available to other clients.
   *
   * @throws IllegalArgumentException when {@code age} is negative
   */
  static AfterHandling deleteAfter(Duration age) {
    if (age.isNegative()) {
      throw new IllegalArgumentException("age must be >= 0, was " + age);
    }
    return new DeleteAfter(age);
  }

  /** The capabilities this action needs, besides {@link Capability#UNIQUE_IDS}. */
  Set<Capability> requires();

  /** Leave the message on the server. */
  enum Leave implements AfterHandling {
    /** The only instance. */
    INSTANCE;

    @Override
    public Set<Capability> requires() {
      return Set.of();
    }

    @Override
    public String toString() {
      return "leave()";
    }
  }

  /** Mark the message seen. */
  enum MarkSeen implements AfterHandling {
    /** The only instance. */
    INSTANCE;

    @Override
    public Set<Capability> requires() {
      return Set.of(Capability.SERVER_FLAGS);
    }

    @Override
    public String toString() {
      return "markSeen()";
    }
  }

  /** Delete the message. */
  enum Delete implements AfterHandling {
    /** The only instance. */
    INSTANCE;

    @Override
    public Set<Capability> requires() {
      return Set.of(Capability.DELETE);
    }

    @Override
    public String toString() {
      return "delete()";
    }
  }

  /**
   * What {@link #moveTo(String, IfMissing)} does when its folder does not exist on the server.
   */
  enum IfMissing {
    /**
     * Fail every run at its start, before any message is handed over, with an {@link
     * IllegalStateException} naming the folder and the account. The default: a mistyped name does not
     * quietly create a folder.
     */
    FAIL,
    /** Create the folder (IMAP CREATE) at the start of the run, then move messages into it. */
    CREATE
  }

  /**
   * Move the message to a folder.
   *
   * @param folder the destination's full name
   * @param ifMissing what to do when the folder does not exist
   */
  record MoveTo(String folder, IfMissing ifMissing) implements AfterHandling {
    /** Checks that neither component is null. */
    public MoveTo {
      Objects.requireNonNull(folder, "folder");
      Objects.requireNonNull(ifMissing, "ifMissing");
    }

    /** A move to a folder that must exist: {@code new MoveTo(folder, IfMissing.FAIL)}. */
    public MoveTo(String folder) {
      this(folder, IfMissing.FAIL);
    }

    @Override
    public Set<Capability> requires() {
      return Set.copyOf(EnumSet.of(Capability.MOVE, Capability.FOLDERS));
    }

    @Override
    public String toString() {
      return "moveTo(\"" + folder + "\"" + (ifMissing == IfMissing.FAIL ? "" : ", IfMissing." + ifMissing) + ")";
    }
  }

  /**
   * Delete the message once it was handled at least {@code age} ago.
   *
   * @param age how long to keep it after handling
   */
  record DeleteAfter(Duration age) implements AfterHandling {
    @Override
    public Set<Capability> requires() {
      return Set.of(Capability.DELETE);
    }

    @Override
    public String toString() {
      return "deleteAfter(" + age + ")";
    }
  }
}
