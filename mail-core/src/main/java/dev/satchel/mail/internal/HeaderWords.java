package dev.satchel.mail.internal;

/**
 * RFC 2047 encoded-word decoding for the protocol modules, the same lenient decoder the MIME reader
 * uses (adjacent words joined before charset decoding, malformed words kept as they are, unknown
 * charsets falling back). Jakarta Mail's {@code MimeUtility.decodeText} looks up a service provider
 * with {@link java.util.ServiceLoader} for every encoded word, which was a fifth of an IMAP listing's
 * time.
 */
public final class HeaderWords {
  private HeaderWords() {}

  /** Decodes the encoded words in {@code text} (folding removed first); never throws. */
  public static String decode(String text) {
    return EncodedWords.decode(EncodedWords.unfold(text), problem -> { });
  }
}
