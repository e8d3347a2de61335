package dev.satchel.mail.internal;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.ContentSource;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Header;
import dev.satchel.mail.OutgoingMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.angus.mail.util.BASE64EncoderStream;
import org.eclipse.angus.mail.util.QPEncoderStream;
import org.jspecify.annotations.Nullable;

/**
 * Turns an {@link OutgoingMessage} into MIME (RFC 5322, 2045-2049, 2047, 2231, 2387).
 *
 * <p>Structure: text and HTML become {@code multipart/alternative}; inline parts (an
 * {@link Attachment#isInline()} part with a Content-ID) wrap the HTML in {@code multipart/related};
 * attachments wrap everything in {@code multipart/mixed}. Without HTML, inline parts are attached
 * with {@code Content-Disposition: inline}.
 *
 * <p>Encoding: every header that needs it is written as UTF-8 RFC 2047 encoded words (B or Q,
 * whichever is shorter) and folded; attachment file names are written with RFC 2231
 * ({@code filename*}) and, for clients that only read that, an RFC 2047 encoded {@code name}
 * parameter. Text bodies are UTF-8 with line breaks written as CRLF, sent as 7bit when plain short
 * ASCII lines allow it, quoted-printable when mostly ASCII, base64 otherwise. Attachments are base64
 * and streamed from their {@link ContentSource} while writing, never buffered. Addresses are written
 * with an ASCII (punycode) domain unless the local part needs UTF-8 (then the message needs SMTPUTF8
 * and the header is written in UTF-8, RFC 6532). Bcc is never written.
 *
 * <p>Date and Message-ID are written as given, else the current time and a random Message-ID on the
 * domain of From. Multipart boundaries are a keyed hash of the Message-ID (see {@code Boundaries}),
 * so a message with a Date and a Message-ID is composed to the same bytes every time (an SMTP send
 * composes a large message twice, once to measure or sign it and once while sending).
 *
 * <p>The bytes are written here, part by part, with Angus's base64 and quoted-printable encoders;
 * Jakarta Mail's {@code MimeMessage} is not used. Writing one through Jakarta Mail looks up its
 * {@code StreamProvider} with a {@link java.util.ServiceLoader} for every part and every encoder
 * (about 20 µs and 37 KB each, reading the class path's jars), which was most of a small message's
 * cost when sending. Stateless and thread-safe.
 */
public final class MimeWriter {
  private static final int LINE = 78;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final byte[] CRLF = {'\r', '\n'};

  private MimeWriter() {}

  /**
   * Writes the message as RFC 5322 bytes (CRLF line ends), streaming attachment content from its
   * source; flushes {@code out} at the end but does not close it.
   *
   * @throws IOException when an attachment's content cannot be read or {@code out} fails
   */
  public static void write(OutgoingMessage message, OutputStream out) throws IOException {
    List<String[]> headers = new ArrayList<>();
    headers.add(header("Date", MimeDates.format(message.date().orElseGet(OffsetDateTime::now))));
    headers.add(header("From", addressHeader("From", List.of(message.from()))));
    if (!message.replyTo().isEmpty()) {
      headers.add(header("Reply-To", addressHeader("Reply-To", message.replyTo())));
    }
    if (!message.to().isEmpty()) {
      headers.add(header("To", addressHeader("To", message.to())));
    }
    if (!message.cc().isEmpty()) {
      headers.add(header("Cc", addressHeader("Cc", message.cc())));
    }
    String messageId = message.messageId().orElseGet(() -> generateMessageId(message.from()));
    headers.add(header("Message-ID", messageId));
    headers.add(header("Subject", textHeader("Subject", message.subject())));
    for (Header h : message.headers()) {
      headers.add(header(h.name(), textHeader(h.name(), h.value())));
    }
    headers.add(header("MIME-Version", "1.0"));
    writePart(out, headers, body(message), new Boundaries(messageId));
    out.flush();
  }

  /**
   * The message as RFC 5322 bytes, held in memory.
   *
   * @throws UncheckedIOException when an attachment's content cannot be read
   */
  public static byte[] toBytes(OutgoingMessage message) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      write(message, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /** A Message-ID of 128 random bits on the ASCII domain of {@code from}. */
  static String generateMessageId(EmailAddress from) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String domain = from.domain().startsWith("[") ? from.domain() : from.asciiDomain();
    return "<" + HexFormat.of().formatHex(random) + "@" + domain + ">";
  }

  // ---- writing --------------------------------------------------------------------------------

  private static String[] header(String name, String value) {
    return new String[] {name, value};
  }

  /** One header field; values are folded already, and UTF-8 only where an address needs it. */
  private static void writeHeader(OutputStream out, String[] h) throws IOException {
    out.write((h[0] + ": " + h[1]).getBytes(StandardCharsets.UTF_8));
    out.write(CRLF);
  }

  /** A part: {@code headers} (the message's, for the top level), the node's own, a blank line, the body. */
  private static void writePart(OutputStream out, List<String[]> headers, Node node, Boundaries boundaries)
      throws IOException {
    for (String[] h : headers) {
      writeHeader(out, h);
    }
    if (node instanceof Leaf leaf) {
      for (String[] h : leaf.headers()) {
        writeHeader(out, h);
      }
      out.write(CRLF);
      OutputStream body = switch (leaf.encoding()) {
        case "base64" -> new BASE64EncoderStream(out);
        case "quoted-printable" -> new QPEncoderStream(out);
        default -> out; // 7bit: written as it is
      };
      try (InputStream in = leaf.open()) {
        in.transferTo(body);
      }
      body.flush(); // ends the encoding (the last base64 quantum); never closes out
    } else if (node instanceof Multi multi) {
      String boundary = boundaries.next();
      writeHeader(out, header("Content-Type", "multipart/" + multi.subtype() + ";\r\n boundary=\"" + boundary + "\""
          + multi.extraParameters()));
      out.write(CRLF);
      byte[] delimiter = ("--" + boundary + "\r\n").getBytes(StandardCharsets.US_ASCII);
      for (Node child : multi.children()) {
        out.write(delimiter);
        writePart(out, List.of(), child, boundaries);
        out.write(CRLF);
      }
      out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }
  }

  // ---- structure ----------------------------------------------------------------------------

  /**
   * The boundaries of one message: {@code ----=_Satchel_} ({@code =_} is something neither
   * quoted-printable nor base64 produce), 128 bits of a keyed hash of the Message-ID and a counter;
   * the same for every composition of the message in this JVM. The key is random per JVM, so nobody
   * who knows (or chose) a Message-ID can predict the boundary and smuggle it into a text part to
   * forge MIME structure.
   */
  private static final class Boundaries {
    private static final byte[] KEY = new byte[16];

    static {
      RANDOM.nextBytes(KEY);
    }

    private final String stem;
    private int count;

    Boundaries(String messageId) {
      try {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        sha.update(KEY);
        byte[] hash = sha.digest(messageId.getBytes(StandardCharsets.UTF_8));
        this.stem = "----=_Satchel_" + HexFormat.of().formatHex(hash, 0, 16) + "_";
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    String next() {
      return stem + count++;
    }
  }

  private sealed interface Node permits Leaf, Multi {}

  /**
   * A body part: where its content comes from, its transfer encoding and its header fields.
   *
   * @param name names the content in an error (a file name, or empty for text)
   */
  private record Leaf(ContentSource content, String name, String encoding, List<String[]> headers) implements Node {
    InputStream open() throws IOException {
      InputStream in = content.open();
      if (in == null) {
        throw new IOException("the ContentSource for \"" + name + "\" returned no stream");
      }
      return in;
    }
  }

  private record Multi(String subtype, List<Node> children, String extraParameters) implements Node {}

  private static Node body(OutgoingMessage m) {
    List<Node> inline = new ArrayList<>();
    List<Node> attached = new ArrayList<>();
    for (Attachment a : m.attachments()) {
      (a.isInline() ? inline : attached).add(attachment(a));
    }
    @Nullable Node text = m.text().map(t -> text(t, "plain")).orElse(null);
    @Nullable Node html = m.html().map(h -> text(h, "html")).orElse(null);
    if (html != null && !inline.isEmpty()) {
      List<Node> related = new ArrayList<>();
      related.add(html);
      related.addAll(inline);
      html = new Multi("related", related, ";\r\n type=\"text/html\"");
      inline.clear();
    }
    @Nullable Node main;
    if (text != null && html != null) {
      main = new Multi("alternative", List.of(text, html), "");
    } else if (html != null) {
      main = html;
    } else if (text != null) {
      main = text;
    } else {
      main = attached.isEmpty() && inline.isEmpty() ? text("", "plain") : null;
    }
    List<Node> mixed = new ArrayList<>();
    if (main != null) {
      mixed.add(main);
    }
    mixed.addAll(inline); // only when there is no HTML to relate them to
    mixed.addAll(attached);
    return mixed.size() == 1 ? mixed.get(0) : new Multi("mixed", mixed, "");
  }

  private static Node text(String text, String subtype) {
    String canonical = text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
    String encoding = transferEncoding(bytes);
    List<String[]> headers = List.of(header("Content-Type", "text/" + subtype + "; charset=UTF-8"),
        header("Content-Transfer-Encoding", encoding));
    return new Leaf(() -> new ByteArrayInputStream(bytes), "", encoding, headers);
  }

  /** 7bit for short plain ASCII lines, quoted-printable when mostly ASCII, else base64. */
  static String transferEncoding(byte[] crlfText) {
    int eightBit = 0;
    boolean needsEncoding = false;
    int lineLength = 0;
    for (int i = 0; i < crlfText.length; i++) {
      int b = crlfText[i] & 0xFF;
      if (b == '\r' && i + 1 < crlfText.length && crlfText[i + 1] == '\n') {
        if (lineLength > 0 && (crlfText[i - 1] == ' ' || crlfText[i - 1] == '\t')) {
          needsEncoding = true; // trailing white space does not survive transport
        }
        lineLength = 0;
        i++;
        continue;
      }
      lineLength++;
      if (b >= 0x80) {
        eightBit++;
        needsEncoding = true;
      } else if ((b < 0x20 && b != '\t') || b == 0x7F || lineLength > LINE - 2) {
        needsEncoding = true;
      }
    }
    if (crlfText.length > 0 && (crlfText[crlfText.length - 1] == ' ' || crlfText[crlfText.length - 1] == '\t')) {
      needsEncoding = true;
    }
    if (!needsEncoding) {
      return "7bit";
    }
    return eightBit * 3 <= crlfText.length ? "quoted-printable" : "base64";
  }

  private static Node attachment(Attachment a) {
    String filename = a.filename();
    List<String[]> headers = new ArrayList<>();
    headers.add(header("Content-Type", a.mediaType() + ";" + nameParameter(filename)));
    headers.add(header("Content-Transfer-Encoding", "base64"));
    headers.add(header("Content-Disposition", (a.isInline() ? "inline" : "attachment") + ";" + filenameParameter(filename)));
    a.contentId().ifPresent(cid -> headers.add(header("Content-ID", "<" + cid + ">")));
    return new Leaf(a.content(), filename, "base64", headers);
  }

  // ---- parameters -----------------------------------------------------------------------------

  private static boolean plainParameter(String value) {
    if (value.length() > 60 || value.contains("=?") || !value.equals(value.strip())) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        return false;
      }
    }
    return true;
  }

  /** The {@code name} parameter: quoted ASCII, or RFC 2047 words inside quotes (what Outlook and Gmail write). */
  static String nameParameter(String filename) {
    if (plainParameter(filename)) {
      return " name=\"" + filename + "\"";
    }
    return "\r\n name=\"" + String.join("\r\n ", EncodedWords.encode(filename)) + "\"";
  }

  /** The RFC 2231 {@code filename*} parameter (split into continuations when long), or a quoted ASCII one. */
  static String filenameParameter(String filename) {
    if (plainParameter(filename)) {
      return " filename=\"" + filename + "\"";
    }
    List<String> segments = new ArrayList<>();
    StringBuilder seg = new StringBuilder();
    for (int i = 0; i < filename.length(); ) {
      int cp = filename.codePointAt(i);
      int n = Character.charCount(cp);
      String encoded = percentEncode(filename.substring(i, i + n));
      if (seg.length() + encoded.length() > 60 && seg.length() > 0) {
        segments.add(seg.toString());
        seg.setLength(0);
      }
      seg.append(encoded);
      i += n;
    }
    segments.add(seg.toString());
    if (segments.size() == 1) {
      return "\r\n filename*=UTF-8''" + segments.get(0);
    }
    StringBuilder sb = new StringBuilder();
    for (int k = 0; k < segments.size(); k++) {
      sb.append(k == 0 ? "\r\n " : ";\r\n ").append("filename*").append(k).append("*=").append(k == 0 ? "UTF-8''" : "")
          .append(segments.get(k));
    }
    return sb.toString();
  }

  private static String percentEncode(String s) {
    StringBuilder sb = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return sb.toString();
  }

  // ---- headers --------------------------------------------------------------------------------

  /** An unstructured header value (Subject, custom headers): raw when it survives as is, else encoded words. */
  static String textHeader(String name, String value) {
    if (value.isEmpty()) {
      return value;
    }
    boolean raw = !EncodedWords.needsEncoding(value) && value.equals(value.strip()) && value.indexOf('\t') < 0;
    List<String> fragments = new ArrayList<>();
    if (raw) {
      for (String word : value.split(" ", -1)) {
        if (word.length() > 900) {
          raw = false;
          break;
        }
        fragments.add(word);
      }
    }
    if (!raw) {
      fragments = EncodedWords.encode(value);
    }
    return fold(name, fragments);
  }

  static String addressHeader(String name, List<EmailAddress> addresses) {
    List<String> fragments = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      EmailAddress a = addresses.get(i);
      String addr;
      if (a.domain().startsWith("[")) {
        addr = a.address();
      } else if (a.needsSmtpUtf8()) {
        String full = a.address();
        addr = full.substring(0, full.lastIndexOf('@') + 1) + a.unicodeDomain();
      } else {
        addr = a.asciiAddress();
      }
      String comma = i < addresses.size() - 1 ? "," : "";
      if (a.displayName().isPresent()) {
        fragments.addAll(displayName(a.displayName().get()));
        fragments.add("<" + addr + ">" + comma);
      } else {
        fragments.add(addr + comma);
      }
    }
    return fold(name, fragments);
  }

  private static List<String> displayName(String name) {
    boolean plain = !EncodedWords.needsEncoding(name) && name.equals(name.strip()) && !name.contains("  ")
        && name.indexOf('\t') < 0 && name.length() <= 200;
    if (!plain) {
      return EncodedWords.encode(name);
    }
    boolean atoms = true;
    for (int i = 0; i < name.length() && atoms; i++) {
      char c = name.charAt(i);
      atoms = c == ' ' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-/=?^_`{|}~".indexOf(c) >= 0;
    }
    if (atoms) {
      return List.of(name.split(" "));
    }
    return List.of("\"" + name.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
  }

  /** Joins fragments with single spaces, folding (CRLF before the space) where a line would pass 78 characters. */
  private static String fold(String name, List<String> fragments) {
    StringBuilder sb = new StringBuilder();
    int col = name.length() + 2;
    for (int i = 0; i < fragments.size(); i++) {
      String f = fragments.get(i);
      if (i > 0) {
        if (col + 1 + f.length() > LINE && !f.isEmpty() && col > 1) {
          sb.append("\r\n ");
          col = 1;
        } else {
          sb.append(' ');
          col++;
        }
      }
      sb.append(f);
      col += f.length();
    }
    return sb.toString();
  }
}
