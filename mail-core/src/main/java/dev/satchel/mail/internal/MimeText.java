package dev.satchel.mail.internal;

import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * {@link MimeReader}'s rules for header values, file names and text bodies, for readers that get a
 * message in pieces instead of as one stream (the IMAP engine reads the server's BODYSTRUCTURE and
 * fetches single sections), so that both give the same {@link dev.satchel.mail.Message} for the same
 * bytes. Stateless and thread-safe; never throws because of what a message contains.
 */
public final class MimeText {
  private MimeText() {}

  /**
   * A header field's value as {@link dev.satchel.mail.Message#headers()} holds it: unfolded, raw 8-bit
   * bytes (read by Jakarta Mail as ISO-8859-1) re-read as UTF-8 when valid, else windows-1252,
   * trimmed, and RFC 2047 encoded words decoded.
   */
  public static String headerValue(String raw) {
    return EncodedWords.decode(Charsets.fixRawHeader(EncodedWords.unfold(raw)).strip(), p -> { });
  }

  /** A Content-ID without its angle brackets and surrounding space; null when absent or blank. */
  public static @Nullable String contentId(@Nullable String raw) {
    if (raw == null) {
      return null;
    }
    String cid = raw.strip();
    if (cid.startsWith("<") && cid.endsWith(">") && cid.length() >= 2) {
      cid = cid.substring(1, cid.length() - 1).strip();
    }
    return cid.isEmpty() ? null : cid;
  }

  /**
   * A part's file name: the disposition's {@code filename}, else the content type's {@code name};
   * RFC 2231 values as decoded, plain ones RFC 2047 decoded; null when absent or blank.
   */
  public static @Nullable String filename(@Nullable MimeParams disposition, @Nullable MimeParams type,
      Consumer<String> problems) {
    String name = parameter(disposition, "filename", problems);
    return name != null ? name : parameter(type, "name", problems);
  }

  private static @Nullable String parameter(@Nullable MimeParams params, String name, Consumer<String> problems) {
    if (params == null) {
      return null;
    }
    String value = params.parameter(name);
    if (value == null) {
      return null;
    }
    if (!params.extended().contains(name)) {
      value = EncodedWords.decode(value, problems);
    }
    return value.isBlank() ? null : value;
  }

  /**
   * A text body from its transfer-decoded bytes: decoded from the declared charset (with
   * {@link MimeReader}'s fallbacks, each reported to {@code problems}), line breaks as {@code \n},
   * and {@code text/plain; format=flowed} unwrapped (RFC 3676).
   *
   * @param type the part's parsed Content-Type, or null when it had none
   */
  public static String text(byte[] decoded, @Nullable MimeParams type, Consumer<String> problems) {
    String charset = type == null ? null : type.parameter("charset");
    String s = Charsets.decode(decoded, charset, "text", problems).replace("\r\n", "\n").replace('\r', '\n');
    if (type != null && type.value().equalsIgnoreCase("text/plain") && FlowedText.isFlowed(type.parameter("format"))) {
      return FlowedText.unwrap(s, FlowedText.deletesSpace(type.parameter("delsp")));
    }
    return s;
  }
}
