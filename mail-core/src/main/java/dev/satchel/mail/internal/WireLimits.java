package dev.satchel.mail.internal;

/**
 * The most Satchel accepts from a mail server before it allocates anything for it: counts and sizes
 * that a server announces, and how much it may send without an end. The protocol engines (IMAP, POP3)
 * close the connection of a server that goes past one of these with a {@link ServerLimitException}
 * naming the limit, which {@link MailExceptions} turns into a {@link dev.satchel.mail.MailConnectionException}.
 *
 * <p>Each default is chosen from what Satchel itself asks for, with a wide margin:
 *
 * <ul>
 *   <li>{@link #maxLiteral()} 64 MiB: for POP3, the most an answer held in memory (TOP, UIDL, LIST,
 *       CAPA) may hold; RETR streams to disk, and the POP3 engine stops it at twice its announced size
 *       plus 64 KiB, never past 256 MiB. (The IMAP engine has its own, tighter limits on literals and
 *       nesting in its response parser.)
 *   <li>{@link #maxLine()} 16 MiB: one IMAP line outside literals. The longest line Satchel asks for
 *       is the {@code UID SEARCH} answer of a whole folder: 16 MiB holds about 1.5 million UIDs of
 *       ten digits.
 *   <li>{@link #maxMessages()} 10,000,000: a message count or message number from the server (IMAP
 *       {@code * n EXISTS}, {@code EXPUNGE}, {@code FETCH}; POP3 {@code STAT}, {@code LIST},
 *       {@code UIDL}).
 *   <li>{@link #maxUntaggedStatus()} 10,000: untagged responses in a row that carry no message or
 *       folder data ({@code * OK}, {@code * NO}, {@code * BAD}, {@code * CAPABILITY}, unknown ones,
 *       continuations), with no tagged response between. A server sends a handful.
 *   <li>{@link #maxPop3Line()} 64 KiB: a POP3 status line (RFC 1939 allows 512 bytes).
 * </ul>
 *
 * @param maxLiteral largest in-memory multi-line answer (POP3), in bytes
 * @param maxLine longest IMAP line outside literals, in bytes
 * @param maxMessages largest message count or message number
 * @param maxUntaggedStatus most untagged non-data IMAP responses in a row
 * @param maxPop3Line longest POP3 status line, in bytes
 */
public record WireLimits(long maxLiteral, long maxLine, long maxMessages, long maxUntaggedStatus, long maxPop3Line) {

  /** The defaults described above. */
  public static final WireLimits DEFAULT = new WireLimits(64L << 20, 16L << 20, 10_000_000L, 10_000L, 64L << 10);

  /**
   * Checks that every limit is positive.
   *
   * @throws IllegalArgumentException naming the first limit that is not
   */
  public WireLimits {
    positive("maxLiteral", maxLiteral);
    positive("maxLine", maxLine);
    positive("maxMessages", maxMessages);
    positive("maxUntaggedStatus", maxUntaggedStatus);
    positive("maxPop3Line", maxPop3Line);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
