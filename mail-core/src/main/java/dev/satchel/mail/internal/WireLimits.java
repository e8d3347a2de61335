package dev.satchel.mail.internal;

/**
 * The most Satchel accepts from a mail server before it allocates anything for it: counts and sizes
 * that a server announces, and how much it may send without an end. A server that goes past one of
 * these gets its connection closed with a {@link ServerLimitException} naming the limit, which
 * {@link MailExceptions} turns into a {@link dev.satchel.mail.MailConnectionException}.
 *
 * <p>Each default is chosen from what Satchel itself asks for, with a wide margin:
 *
 * <ul>
 *   <li>{@link #maxLiteral()} 64 MiB: the largest partial fetch Satchel can ask for
 *       ({@code MailboxOptions.partialFetchSize} is at most 64 MiB), and a text or HTML body part,
 *       which {@code fetch} reads as one literal. For POP3, the most an answer held in memory (TOP,
 *       UIDL, LIST, CAPA) may hold; RETR streams to disk, and the POP3 engine stops it at twice its
 *       announced size plus 64 KiB, never past 256 MiB. (Satchel's IMAP engine holds literals of at
 *       most 16 MiB and nests lists at most 64 deep, tighter than the limits here, which guard what
 *       still runs on Angus.)
 *   <li>{@link #maxLine()} 16 MiB: one IMAP line outside literals. The longest line Satchel asks for
 *       is the {@code UID SEARCH} answer of a whole folder: 16 MiB holds about 1.5 million UIDs of
 *       ten digits.
 *   <li>{@link #maxResponse()} 160 MiB: one IMAP response, lines and literals together (a fetch of
 *       a text and an HTML body at the literal limit each, plus a line).
 *   <li>{@link #maxMessages()} 10,000,000: a message count or message number from the server (IMAP
 *       {@code * n EXISTS}, {@code RECENT}, {@code EXPUNGE}, {@code FETCH}; POP3 {@code STAT},
 *       {@code LIST}, {@code UIDL}). Angus Mail allocates 8 to 16 bytes per announced message at
 *       once, so the limit costs at most about 160 MB.
 *   <li>{@link #maxNesting()} 256: parentheses open at once in one IMAP response, counted outside
 *       literals whether or not they are in a quoted string (Angus's own list readers do not all
 *       respect quotes, so a quote-aware count could be fooled). Real BODYSTRUCTUREs nest a few
 *       levels per MIME level; Angus parses them recursively, and this bound keeps that recursion
 *       far from the end of even a small thread stack.
 *   <li>{@link #maxUntaggedStatus()} 10,000: untagged responses in a row that carry no message or
 *       folder data ({@code * OK}, {@code * NO}, {@code * BAD}, {@code * CAPABILITY}, unknown ones,
 *       continuations), with no tagged response between. A server sends a handful.
 *   <li>{@link #maxUntaggedData()} 10,000,000: untagged data responses in a row ({@code FETCH},
 *       {@code EXPUNGE}, {@code SEARCH}, {@code LIST}, ...): a flags fetch or an expunge over a
 *       whole folder at the message limit sends one per message.
 *   <li>{@link #maxPop3Line()} 64 KiB: a POP3 status line (RFC 1939 allows 512 bytes).
 * </ul>
 *
 * @param maxLiteral largest literal (IMAP) or in-memory multi-line answer (POP3), in bytes
 * @param maxLine longest IMAP line outside literals, in bytes
 * @param maxResponse largest IMAP response, in bytes
 * @param maxMessages largest message count or message number
 * @param maxNesting deepest parenthesis nesting in one IMAP response
 * @param maxUntaggedStatus most untagged non-data IMAP responses in a row
 * @param maxUntaggedData most untagged data IMAP responses in a row
 * @param maxPop3Line longest POP3 status line, in bytes
 */
public record WireLimits(long maxLiteral, long maxLine, long maxResponse, long maxMessages, int maxNesting,
    long maxUntaggedStatus, long maxUntaggedData, long maxPop3Line) {

  /** The defaults described above. */
  public static final WireLimits DEFAULT = new WireLimits(64L << 20, 16L << 20, 160L << 20, 10_000_000L, 256, 10_000L,
      10_000_000L, 64L << 10);

  /**
   * Checks that every limit is positive.
   *
   * @throws IllegalArgumentException naming the first limit that is not
   */
  public WireLimits {
    positive("maxLiteral", maxLiteral);
    positive("maxLine", maxLine);
    positive("maxResponse", maxResponse);
    positive("maxMessages", maxMessages);
    positive("maxNesting", maxNesting);
    positive("maxUntaggedStatus", maxUntaggedStatus);
    positive("maxUntaggedData", maxUntaggedData);
    positive("maxPop3Line", maxPop3Line);
  }

  private static void positive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be positive, was " + value);
    }
  }
}
