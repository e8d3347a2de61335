package dev.satchel.mail.internal;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Header;
import dev.satchel.mail.OutgoingMessage;
import jakarta.activation.DataHandler;
import jakarta.activation.DataSource;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimePart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
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
 * and streamed from their {@link dev.satchel.mail.ContentSource} while writing, never buffered.
 * Addresses are written with an ASCII (punycode) domain unless the local part needs UTF-8 (then the
 * message needs SMTPUTF8 and header UTF-8 is allowed). Bcc is never written.
 *
 * <p>Date and Message-ID are written as given, else the current time and a random Message-ID on the
 * domain of From. Multipart boundaries are derived from the Message-ID, so a message with a Date and a
 * Message-ID is composed to the same bytes every time (an SMTP send composes a large message twice,
 * once to measure or sign it and once while sending). Stateless and thread-safe.
 */
public final class MimeWriter {
  private static final int LINE = 78;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ALLOW_UTF8 = "mail.mime.allowutf8";

  private MimeWriter() {}

  /**
   * Builds the Jakarta Mail message, with Date and Message-ID set (generated when the message has
   * none) and changes saved. Attachment content is not read until the message is written.
   *
   * <p>When an address needs a UTF-8 local part and {@code session} does not allow UTF-8 headers
   * ({@code mail.mime.allowutf8}), the message gets a copy of the session's properties that does.
   *
   * @throws IllegalStateException when Jakarta Mail rejects the built structure (a bug in Satchel)
   */
  public static MimeMessage toMimeMessage(OutgoingMessage message, Session session) {
    Session s = session;
    if (needsUtf8Headers(message) && !Boolean.parseBoolean(session.getProperty(ALLOW_UTF8))) {
      Properties props = new Properties();
      props.putAll(session.getProperties());
      props.setProperty(ALLOW_UTF8, "true");
      s = Session.getInstance(props);
    }
    try {
      return build(message, s);
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot build MIME for " + message + ": " + e.getMessage(), e);
    }
  }

  /**
   * Writes the message as RFC 5322 bytes (CRLF line ends), streaming attachment content from its
   * source.
   *
   * @throws IOException when an attachment's content cannot be read or {@code out} fails
   */
  public static void write(OutgoingMessage message, OutputStream out) throws IOException {
    MimeMessage mime = toMimeMessage(message, session(message));
    try {
      mime.writeTo(out);
    } catch (MessagingException e) {
      throw new IOException("cannot write message " + message + ": " + e.getMessage(), e);
    }
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

  /**
   * The Message-ID (with angle brackets) written into {@code mime}.
   *
   * @throws IllegalArgumentException when the message has no Message-ID header
   */
  public static String messageId(MimeMessage mime) {
    String id;
    try {
      id = mime.getHeader("Message-ID", null);
    } catch (MessagingException e) {
      throw new IllegalArgumentException("cannot read the Message-ID header: " + e.getMessage(), e);
    }
    if (id == null) {
      throw new IllegalArgumentException("the message has no Message-ID header; build it with MimeWriter.toMimeMessage");
    }
    return EncodedWords.unfold(id).strip();
  }

  private static Session session(OutgoingMessage message) {
    Properties props = new Properties();
    if (needsUtf8Headers(message)) {
      props.setProperty(ALLOW_UTF8, "true");
    }
    return Session.getInstance(props);
  }

  private static boolean needsUtf8Headers(OutgoingMessage m) {
    if (m.from().needsSmtpUtf8()) {
      return true;
    }
    for (List<EmailAddress> list : List.of(m.replyTo(), m.to(), m.cc())) {
      for (EmailAddress a : list) {
        if (a.needsSmtpUtf8()) {
          return true;
        }
      }
    }
    return false;
  }

  private static MimeMessage build(OutgoingMessage m, Session session) throws MessagingException {
    SatchelMimeMessage mime = new SatchelMimeMessage(session);
    mime.setHeader("Date", MimeDates.format(m.date().orElseGet(OffsetDateTime::now)));
    mime.setHeader("From", addressHeader("From", List.of(m.from())));
    if (!m.replyTo().isEmpty()) {
      mime.setHeader("Reply-To", addressHeader("Reply-To", m.replyTo()));
    }
    if (!m.to().isEmpty()) {
      mime.setHeader("To", addressHeader("To", m.to()));
    }
    if (!m.cc().isEmpty()) {
      mime.setHeader("Cc", addressHeader("Cc", m.cc()));
    }
    String messageId = m.messageId().orElseGet(() -> generateMessageId(m.from()));
    mime.setHeader("Message-ID", messageId);
    mime.setHeader("Subject", textHeader("Subject", m.subject()));
    for (Header h : m.headers()) {
      mime.addHeader(h.name(), textHeader(h.name(), h.value()));
    }
    apply(mime, body(m), new Boundaries(messageId));
    mime.saveChanges();
    return mime;
  }

  /** A Message-ID of 128 random bits on the ASCII domain of {@code from}. */
  static String generateMessageId(EmailAddress from) {
    byte[] random = new byte[16];
    RANDOM.nextBytes(random);
    String domain = from.domain().startsWith("[") ? from.domain() : from.asciiDomain();
    return "<" + HexFormat.of().formatHex(random) + "@" + domain + ">";
  }

  // ---- structure ----------------------------------------------------------------------------

  /**
   * The boundaries of one message: {@code =_} (which quoted-printable and base64 never produce), a
   * keyed hash of the Message-ID and a counter; the same for every composition of the message in this
   * JVM. The key is random per JVM, so nobody who knows (or chose) a Message-ID can predict the
   * boundary and smuggle it into a text part to forge MIME structure.
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
        this.stem = "=_satchel_" + HexFormat.of().formatHex(hash, 0, 12) + "_";
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }

    String next() {
      return stem + count++;
    }
  }

  /** A multipart with a given boundary, instead of Jakarta Mail's time-based one. */
  private static final class FixedBoundaryMultipart extends MimeMultipart {
    FixedBoundaryMultipart(String subtype, String boundary) {
      super(subtype);
      jakarta.mail.internet.ContentType type = new jakarta.mail.internet.ContentType("multipart", subtype, null);
      type.setParameter("boundary", boundary);
      contentType = type.toString();
    }
  }

  private sealed interface Node permits Leaf, Multi {}

  private record Leaf(DataSource data, List<String[]> headers) implements Node {}

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
      html = new Multi("related", related, "; type=\"text/html\"");
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

  private static void apply(MimePart target, Node node, Boundaries boundaries) throws MessagingException {
    if (node instanceof Leaf leaf) {
      target.setDataHandler(new DataHandler(leaf.data()));
      for (String[] h : leaf.headers()) {
        target.setHeader(h[0], h[1]);
      }
    } else if (node instanceof Multi multi) {
      MimeMultipart mp = new FixedBoundaryMultipart(multi.subtype(), boundaries.next());
      for (Node child : multi.children()) {
        MimeBodyPart part = new MimeBodyPart();
        apply(part, child, boundaries);
        mp.addBodyPart(part);
      }
      target.setContent(mp);
      target.setHeader("Content-Type", mp.getContentType() + multi.extraParameters());
    }
  }

  private static Node text(String text, String subtype) {
    String canonical = text.replace("\r\n", "\n").replace('\r', '\n').replace("\n", "\r\n");
    byte[] bytes = canonical.getBytes(StandardCharsets.UTF_8);
    String type = "text/" + subtype + "; charset=UTF-8";
    List<String[]> headers = List.of(
        new String[] {"Content-Type", type},
        new String[] {"Content-Transfer-Encoding", transferEncoding(bytes)});
    return new Leaf(ContentSourceDataSource.ofBytes(bytes, type), headers);
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
    headers.add(new String[] {"Content-Type", a.mediaType() + ";" + nameParameter(filename)});
    headers.add(new String[] {"Content-Transfer-Encoding", "base64"});
    headers.add(new String[] {"Content-Disposition", (a.isInline() ? "inline" : "attachment") + ";" + filenameParameter(filename)});
    a.contentId().ifPresent(cid -> headers.add(new String[] {"Content-ID", "<" + cid + ">"}));
    return new Leaf(new ContentSourceDataSource(a.content(), a.mediaType(), filename), headers);
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
