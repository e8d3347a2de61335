package dev.satchel.mail;

/**
 * A folder found for a role (Sent, Drafts, Trash, Junk, Archive, ...), and where that answer came
 * from: the server's own SPECIAL-USE marking, or a guess from a common folder name.
 *
 * @param folder the folder
 * @param use its role
 * @param source how the role was found
 */
public record SpecialFolder(Folder folder, SpecialUse use, Source source) {

  /** How a folder's role was found. */
  public enum Source {
    /** The server marked the folder (IMAP SPECIAL-USE, RFC 6154): authoritative. */
    SERVER,
    /**
     * The folder's name matched a common name for the role ("Sent", "Gesendet", "Envoyés", ...): a
     * guess, used only when the server marks no folder with that role.
     */
    NAME
  }
}
