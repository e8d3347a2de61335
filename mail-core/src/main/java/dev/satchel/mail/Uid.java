package dev.satchel.mail;

/**
 * The stable identity of a message on the server.
 *
 * <p>IMAP: the UID within its folder together with the folder's UIDVALIDITY (a UID means nothing
 * after UIDVALIDITY changed). POP3: the UIDL string. {@link #asString()} and {@link #parse(String)}
 * turn a UID into a string and back, for storing it.
 */
public sealed interface Uid permits Uid.Imap, Uid.Pop3 {

  /** A form that {@link #parse(String)} turns back into an equal {@code Uid}. */
  String asString();

  /**
   * Parses what {@link #asString()} produced.
   *
   * @throws IllegalArgumentException when the text is not such a form
   */
  static Uid parse(String text) {
    if (text.startsWith("imap:")) {
      String[] parts = text.substring(5).split("/", -1);
      if (parts.length == 2 && isDigits(parts[0]) && isDigits(parts[1])) {
        try {
          return new Imap(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
        } catch (NumberFormatException e) {
          // too large: reported below
        }
      }
    } else if (text.startsWith("pop3:")) {
      return new Pop3(text.substring(5));
    }
    throw new IllegalArgumentException(
        "not a Satchel UID (imap:<uidvalidity>/<uid> or pop3:<uidl>): \"" + EmailAddress.escape(text) + "\"");
  }

  private static boolean isDigits(String s) {
    return !s.isEmpty() && s.length() <= 19 && s.chars().allMatch(c -> c >= '0' && c <= '9');
  }

  /**
   * An IMAP UID.
   *
   * @param uidValidity the folder's UIDVALIDITY, 1..2^32-1
   * @param uid the message UID, 1..2^32-1
   */
  record Imap(long uidValidity, long uid) implements Uid, Comparable<Imap> {
    private static final long MAX = 0xFFFF_FFFFL;

    /**
     * Validates the values.
     *
     * @throws IllegalArgumentException when either is outside 1..4294967295
     */
    public Imap {
      if (uidValidity < 1 || uidValidity > MAX) {
        throw new IllegalArgumentException("uidValidity must be 1..4294967295, was " + uidValidity);
      }
      if (uid < 1 || uid > MAX) {
        throw new IllegalArgumentException("uid must be 1..4294967295, was " + uid);
      }
    }

    @Override
    public String asString() {
      return "imap:" + uidValidity + "/" + uid;
    }

    @Override
    public int compareTo(Imap o) {
      int c = Long.compare(uidValidity, o.uidValidity);
      return c != 0 ? c : Long.compare(uid, o.uid);
    }

    @Override
    public String toString() {
      return asString();
    }
  }

  /**
   * A POP3 unique-id (UIDL), 1..70 printable ASCII characters (RFC 1939).
   *
   * @param uidl the server's unique id
   */
  record Pop3(String uidl) implements Uid {
    /**
     * Validates the id.
     *
     * @throws IllegalArgumentException unless 1..70 characters in 0x21..0x7E
     */
    public Pop3 {
      if (uidl.isEmpty() || uidl.length() > 70) {
        throw new IllegalArgumentException("UIDL must be 1..70 characters, was " + uidl.length() + ": \"" + EmailAddress.escape(uidl) + "\"");
      }
      for (int i = 0; i < uidl.length(); i++) {
        char c = uidl.charAt(i);
        if (c < 0x21 || c > 0x7E) {
          throw new IllegalArgumentException("UIDL must be printable ASCII, was \"" + EmailAddress.escape(uidl) + "\"");
        }
      }
    }

    @Override
    public String asString() {
      return "pop3:" + uidl;
    }

    @Override
    public String toString() {
      return asString();
    }
  }
}
