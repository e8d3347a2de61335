package dev.satchel.mail;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an {@link InboxProcessor} does with a message on the server once it gave up on it: after the
 * message failed {@link InboxProcessor.Builder#maxFailures(int)} times and the dead-letter handler
 * accepted it. Either way the message is recorded as dead-lettered and never handed over again.
 *
 * <table>
 *   <caption>Which action works where</caption>
 *   <tr><th>action</th><th>IMAP</th><th>POP3</th><th>needs</th></tr>
 *   <tr><td>{@link #leave()} (the default)</td><td>yes</td><td>yes</td><td>-</td></tr>
 *   <tr><td>{@link #moveTo(String)}, {@link #moveTo(String, AfterHandling.IfMissing)}</td><td>yes</td>
 *       <td>no (no folders)</td><td>MOVE, FOLDERS</td></tr>
 * </table>
 *
 * <pre>{@code
 * .afterDeadLetter(AfterDeadLetter.moveTo("Quarantine", AfterHandling.IfMissing.CREATE))
 * }</pre>
 *
 * <p>Checked against the protocol when the processor is built and against the connection's
 * {@link Capability capabilities} when it first connects. Immutable.
 */
public sealed interface AfterDeadLetter {

  /** Leaves the message where it is, untouched; the processor remembers it was dead-lettered. The default. */
  static AfterDeadLetter leave() {
    return Leave.INSTANCE;
  }

  /**
   * Moves the message to a quarantine folder that must already exist (IMAP). Shorthand for {@code
   * moveTo(folderName, IfMissing.FAIL)}: when the folder does not exist, every run of the processor
   * fails at its start, before any message is handed over, with an {@link IllegalStateException}
   * naming the folder and the account.
   *
   * @throws IllegalArgumentException when the name is empty or holds CR, LF or NUL
   */
  static AfterDeadLetter moveTo(String folderName) {
    return moveTo(folderName, AfterHandling.IfMissing.FAIL);
  }

  /**
   * Moves the message to a quarantine folder (IMAP), creating the folder at the start of a run when
   * {@code ifMissing} is {@link AfterHandling.IfMissing#CREATE} and it does not exist. The move
   * follows the dead-letter handler's return; when the server refuses it, the next run moves the
   * message again (and moves any message dead-lettered earlier that is still in the processed folder).
   *
   * @param folderName the quarantine folder's full name, with the server's hierarchy separator
   * @param ifMissing what to do when the folder does not exist
   * @throws IllegalArgumentException when the name is empty or holds CR, LF or NUL
   */
  static AfterDeadLetter moveTo(String folderName, AfterHandling.IfMissing ifMissing) {
    return new MoveTo(Folder.named(folderName).fullName(), ifMissing);
  }

  /** The capabilities this action needs. */
  Set<Capability> requires();

  /** Leave the message where it is. */
  enum Leave implements AfterDeadLetter {
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

  /**
   * Move the message to a quarantine folder.
   *
   * @param folder the quarantine folder's full name
   * @param ifMissing what to do when the folder does not exist
   */
  record MoveTo(String folder, AfterHandling.IfMissing ifMissing) implements AfterDeadLetter {
    /** Checks that neither component is null. */
    public MoveTo {
      Objects.requireNonNull(folder, "folder");
      Objects.requireNonNull(ifMissing, "ifMissing");
    }

    @Override
    public Set<Capability> requires() {
      return Set.copyOf(EnumSet.of(Capability.MOVE, Capability.FOLDERS));
    }

    @Override
    public String toString() {
      String missing = ifMissing == AfterHandling.IfMissing.FAIL ? "" : ", IfMissing." + ifMissing;
      return "moveTo(\"" + folder + "\"" + missing + ")";
    }
  }
}
