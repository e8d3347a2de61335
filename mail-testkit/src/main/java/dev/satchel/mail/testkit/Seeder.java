package dev.satchel.mail.testkit;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Folder;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Uid;
import jakarta.mail.internet.InternetAddress;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Test mail in bulk: N generated messages as raw RFC 5322 bytes or as {@link OutgoingMessage}s,
 * messages loaded from {@code .eml} files and mbox files, and batches stored into folders — straight
 * into a {@link TestMailServer} account or through any {@link Mailbox} by APPEND.
 *
 * <pre>{@code
 * List<byte[]> raw = Seeder.messages(1_000).from("bob@example.com").to("alice@example.com")
 *     .bodySize(4_096).attachmentSize(64_000).build();
 * raw.forEach(m -> server.deliver(alice, m));
 * List<byte[]> archive = Seeder.loadMbox(Path.of("src/test/resources/archive.mbox"));
 * List<Uid> uids = Seeder.messages(500).appendTo(server, alice, "Archive.2024");  // no network
 * Folder f = Seeder.messages(20).appendTo(mailbox, "Projects");                    // APPEND over IMAP
 * List<byte[]> intl = Seeder.messages(3).from("Jörg Müller", "joerg@example.com").subjectPrefix("Grüße").build();
 * }</pre>
 *
 * <p>Generated messages are reproducible: message {@code i} of a batch with the same settings has the
 * same bytes every time (subject {@code "<prefix> <i>"}, Message-ID {@code <seed.i@satchel.test>},
 * Date one minute after message {@code i-1}). Subjects and display names may be any Unicode text;
 * what is not ASCII is written as RFC 2047 encoded words in UTF-8, so the bytes stay 7-bit. Loaded messages have their line endings normalised to
 * CRLF. Stateless and thread-safe.
 */
public final class Seeder {
  private static final DateTimeFormatter RFC_5322 = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.ROOT);

  private Seeder() {}

  /**
   * A batch of {@code count} generated messages.
   *
   * @throws IllegalArgumentException when {@code count} is negative
   */
  public static Batch messages(int count) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0, was " + count);
    }
    return new Batch(count);
  }

  /**
   * Reads one {@code .eml} file (one RFC 5322 message), with line endings normalised to CRLF.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static byte[] loadEml(Path file) {
    try {
      return toCrlf(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Reads every {@code *.eml} file directly in {@code directory}, in file-name order.
   *
   * @throws IllegalArgumentException when {@code directory} is not a directory
   * @throws UncheckedIOException when a file cannot be read
   */
  public static List<byte[]> loadEmlDirectory(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new IllegalArgumentException("not a directory: " + directory);
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files.filter(p -> p.getFileName() != null && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".eml"))
          .sorted().map(Seeder::loadEml).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + directory, e);
    }
  }

  /**
   * Reads an mbox file in the mboxrd form (also right for the common mboxo files, see
   * {@link #splitMbox(InputStream, MboxFormat)}).
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<byte[]> loadMbox(Path file) {
    return loadMbox(file, MboxFormat.MBOXRD);
  }

  /**
   * Reads an mbox file.
   *
   * @throws UncheckedIOException when the file cannot be read
   */
  public static List<byte[]> loadMbox(Path file, MboxFormat format) {
    try (InputStream in = Files.newInputStream(file)) {
      return splitMbox(in, format);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /**
   * Splits an mbox stream into messages. A message starts at a line beginning with {@code "From "}
   * at the start of the stream or after an empty line; that separator line and the empty line before
   * it are not part of any message. Quoted {@code From} lines are unquoted as {@code format} says.
   * Line endings become CRLF. Text before the first separator is ignored.
   *
   * @throws IOException when the stream cannot be read
   */
  public static List<byte[]> splitMbox(InputStream in, MboxFormat format) throws IOException {
    List<byte[]> messages = new ArrayList<>();
    ByteArrayOutputStream current = null;
    boolean previousEmpty = true;
    boolean pendingEmpty = false;
    for (byte[] line : lines(in.readAllBytes())) {
      boolean separator = previousEmpty && startsWith(line, 0, "From ");
      boolean empty = line.length == 0;
      if (separator) {
        if (current != null) {
          messages.add(current.toByteArray());
        }
        current = new ByteArrayOutputStream();
        pendingEmpty = false;
      } else if (current != null) {
        if (pendingEmpty) {
          current.write('\r');
          current.write('\n');
          pendingEmpty = false;
        }
        if (empty) {
          pendingEmpty = true; // written only when the message goes on
        } else {
          byte[] text = unquote(line, format);
          current.write(text, 0, text.length);
          current.write('\r');
          current.write('\n');
        }
      }
      previousEmpty = empty;
    }
    if (current != null) {
      messages.add(current.toByteArray());
    }
    return messages;
  }

  /** The bytes with every bare LF (and bare CR) turned into CRLF. */
  public static byte[] toCrlf(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 40 + 2);
    for (int i = 0; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b == '\r') {
        out.write('\r');
        out.write('\n');
        if (i + 1 < bytes.length && bytes[i + 1] == '\n') {
          i++;
        }
      } else if (b == '\n') {
        out.write('\r');
        out.write('\n');
      } else {
        out.write(b);
      }
    }
    return out.toByteArray();
  }

  /** Which mbox dialect a file is in: how {@code From } lines in bodies were quoted. */
  public enum MboxFormat {
    /** mboxrd: every {@code >*From } line got one more {@code >}; one is removed on reading. */
    MBOXRD,
    /** mboxo: {@code From } lines got a {@code >}; {@code >From } is read back as {@code From } (and nothing else changes). */
    MBOXO
  }

  private static byte[] unquote(byte[] line, MboxFormat format) {
    int gt = 0;
    while (gt < line.length && line[gt] == '>') {
      gt++;
    }
    boolean quoted = gt > 0 && startsWith(line, gt, "From ") && (format == MboxFormat.MBOXRD || gt == 1);
    return quoted ? java.util.Arrays.copyOfRange(line, 1, line.length) : line;
  }

  /** The lines without their terminators (LF, CRLF or CR). */
  private static List<byte[]> lines(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
        if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
          i++;
        }
        start = i + 1;
      }
    }
    if (start < bytes.length) {
      lines.add(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    }
    return lines;
  }

  private static boolean startsWith(byte[] line, int offset, String prefix) {
    if (line.length - offset < prefix.length()) {
      return false;
    }
    for (int i = 0; i < prefix.length(); i++) {
      if (line[offset + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Settings for a batch of generated messages; {@link #build()} makes them. Not thread-safe; the
   * messages it builds are independent byte arrays.
   */
  public static final class Batch {
    private final int count;
    private String from = "sender@example.com";
    private @Nullable String fromName;
    private String to = "recipient@example.com";
    private @Nullable String toName;
    private String subjectPrefix = "Message";
    private int bodySize = 200;
    private int attachmentSize;
    private boolean html;
    private long seed = 1;
    private OffsetDateTime firstDate = OffsetDateTime.of(2024, 1, 1, 9, 0, 0, 0, ZoneOffset.UTC);

    private Batch(int count) {
      this.count = count;
    }

    /**
     * The From address, without a display name. Default {@code sender@example.com}.
     *
     * @throws IllegalArgumentException when it is blank, not ASCII or holds CR or LF
     */
    public Batch from(String address) {
      this.from = checkAddress("from", address);
      this.fromName = null;
      return this;
    }

    /**
     * The From address with a display name, which may hold any Unicode text:
     * {@code from("Jörg Müller", "joerg@example.com")} is written as
     * {@code From: =?UTF-8?B?SsO2cmcgTcO8bGxlcg==?= <joerg@example.com>} (RFC 2047).
     *
     * @throws IllegalArgumentException when the address is not valid (see {@link #from(String)}) or
     *     the name holds a control character such as CR or LF
     */
    public Batch from(String displayName, String address) {
      this.from = checkAddress("from", address);
      this.fromName = checkText("from display name", displayName);
      address(fromName, from); // refuses what OutgoingMessage would refuse, now
      return this;
    }

    /**
     * The To address, without a display name. Default {@code recipient@example.com}.
     *
     * @throws IllegalArgumentException when it is blank, not ASCII or holds CR or LF
     */
    public Batch to(String address) {
      this.to = checkAddress("to", address);
      this.toName = null;
      return this;
    }

    /**
     * The To address with a display name in any Unicode text (see {@link #from(String, String)}).
     *
     * @throws IllegalArgumentException when the address or the name is not valid
     */
    public Batch to(String displayName, String address) {
      this.to = checkAddress("to", address);
      this.toName = checkText("to display name", displayName);
      address(toName, to);
      return this;
    }

    /**
     * The subject before the message number. Default {@code "Message"}. Any Unicode text: a subject
     * that is not ASCII (or holds {@code "=?"}) is written as RFC 2047 encoded words in
     * UTF-8 ({@code Subject: =?UTF-8?B?R3LDvMOfZSAw?=}), so every header line stays 7-bit and clients
     * decode it back to {@code "Grüße 0"}.
     *
     * @throws IllegalArgumentException when it holds a control character such as CR or LF
     */
    public Batch subjectPrefix(String prefix) {
      this.subjectPrefix = checkText("subject prefix", prefix);
      return this;
    }

    /**
     * The approximate size of the text body in bytes. Default 200.
     *
     * @throws IllegalArgumentException when negative
     */
    public Batch bodySize(int bytes) {
      this.bodySize = nonNegative("bodySize", bytes);
      return this;
    }

    /**
     * Adds an attachment {@code attachment-<i>.bin} of exactly this many (pseudo-random) bytes to each
     * message; 0 for none. Default 0.
     *
     * @throws IllegalArgumentException when negative
     */
    public Batch attachmentSize(int bytes) {
      this.attachmentSize = nonNegative("attachmentSize", bytes);
      return this;
    }

    /** Adds an HTML alternative to the text body. Default: text only. */
    public Batch html(boolean withHtml) {
      this.html = withHtml;
      return this;
    }

    /** The seed for Message-IDs and attachment bytes. Default 1. */
    public Batch seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The Date of message 0; message {@code i} is {@code i} minutes later. Default 2024-01-01T09:00Z. */
    public Batch firstDate(OffsetDateTime date) {
      this.firstDate = date;
      return this;
    }

    /** The messages as raw RFC 5322 bytes with CRLF line endings. */
    public List<byte[]> build() {
      return stream().toList();
    }

    /** The messages, generated lazily (for large benchmark batches). */
    public Stream<byte[]> stream() {
      return IntStream.range(0, count).mapToObj(this::raw);
    }

    /**
     * Stores the batch in a folder of a {@link TestMailServer} account through GreenMail's store (no
     * network), creating the folder and its parents when missing; see
     * {@link TestMailServer#append(TestUser, String, List)}.
     *
     * @param folder the full name, levels separated by {@code '.'}; {@code "INBOX"} for the inbox
     * @return the stored messages' IMAP UIDs, in batch order
     * @throws IllegalArgumentException when the user does not belong to the server or the folder name is not valid
     */
    public List<Uid> appendTo(TestMailServer server, TestUser user, String folder) {
      return server.append(user, folder, build());
    }

    /**
     * Appends the batch, as {@link #outgoing()} messages without flags, to a folder through a
     * {@link Mailbox} (one APPEND per message), creating the folder with
     * {@link Mailbox#createFolder} when {@link Mailbox#folder} does not find it. Works with any
     * server; slower than {@link #appendTo(TestMailServer, TestUser, String)}, which needs no network.
     *
     * @param folder the folder's full name as the mailbox names it; {@code "INBOX"} for the inbox
     * @return the folder the messages were appended to
     * @throws dev.satchel.mail.UnsupportedCapabilityException when the mailbox cannot append (POP3) or
     *     has no folders other than the inbox
     * @throws dev.satchel.mail.MailException when the server refuses or the connection fails
     */
    public Folder appendTo(Mailbox mailbox, String folder) {
      Folder target = folder.equalsIgnoreCase(Folder.INBOX) ? mailbox.inbox()
          : mailbox.folder(folder).orElseGet(() -> mailbox.createFolder(folder));
      for (OutgoingMessage m : outgoing()) {
        mailbox.append(target, m, Set.of());
      }
      return target;
    }

    /** The messages as {@link OutgoingMessage}s with the same headers and content, for append or send. */
    public List<OutgoingMessage> outgoing() {
      return IntStream.range(0, count).mapToObj(this::outgoing).toList();
    }

    /** The subject of message {@code i}: {@code "<prefix> <i>"}, or just {@code "<i>"} when the prefix is empty. */
    public String subject(int i) {
      return subjectPrefix.isEmpty() ? Integer.toString(i) : subjectPrefix + " " + i;
    }

    /** The Message-ID of message {@code i}, with angle brackets. */
    public String messageId(int i) {
      return "<" + Long.toUnsignedString(seed) + "." + i + "@satchel.test>";
    }

    /** The text body of message {@code i} (CRLF line endings). */
    public String text(int i) {
      StringBuilder sb = new StringBuilder(bodySize + 80);
      sb.append("This is message ").append(i).append(".\r\n");
      String filler = "The quick brown fox jumps over the lazy dog, message " + i + ". ";
      int line = 0;
      while (sb.length() < bodySize) {
        sb.append(filler.charAt(line++ % filler.length()));
        if (line % 72 == 0) {
          sb.append("\r\n");
        }
      }
      return sb.append("\r\n").toString();
    }

    /** The attachment bytes of message {@code i} (empty when the batch has none). */
    public byte[] attachment(int i) {
      byte[] b = new byte[attachmentSize];
      new Random(seed * 31 + i).nextBytes(b);
      return b;
    }

    private String html(int i) {
      return "<html><body><p>This is message " + i + ".</p></body></html>\r\n";
    }

    private byte[] raw(int i) {
      StringBuilder sb = new StringBuilder(bodySize + attachmentSize * 4 / 3 + 1024);
      sb.append("From: ").append(mailbox(fromName, from)).append("\r\n");
      sb.append("To: ").append(mailbox(toName, to)).append("\r\n");
      sb.append("Subject: ").append(encoded(subject(i))).append("\r\n");
      sb.append("Date: ").append(RFC_5322.format(firstDate.plusMinutes(i))).append("\r\n");
      sb.append("Message-ID: ").append(messageId(i)).append("\r\n");
      sb.append("MIME-Version: 1.0\r\n");
      String textPart = "Content-Type: text/plain; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + text(i);
      String body = textPart;
      if (html) {
        String alt = "alt-" + i;
        body = "Content-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n--" + alt + "\r\n" + textPart
            + "\r\n--" + alt + "\r\nContent-Type: text/html; charset=us-ascii\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + html(i)
            + "\r\n--" + alt + "--\r\n";
      }
      if (attachmentSize > 0) {
        String mixed = "mixed-" + i;
        sb.append("Content-Type: multipart/mixed; boundary=\"").append(mixed).append("\"\r\n\r\n");
        sb.append("--").append(mixed).append("\r\n").append(body);
        sb.append("\r\n--").append(mixed).append("\r\n");
        sb.append("Content-Type: application/octet-stream; name=\"attachment-").append(i).append(".bin\"\r\n");
        sb.append("Content-Disposition: attachment; filename=\"attachment-").append(i).append(".bin\"\r\n");
        sb.append("Content-Transfer-Encoding: base64\r\n\r\n");
        sb.append(Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(attachment(i))).append("\r\n");
        sb.append("\r\n--").append(mixed).append("--\r\n");
      } else {
        sb.append(body);
      }
      return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private OutgoingMessage outgoing(int i) {
      OutgoingMessage.Builder b = OutgoingMessage.builder().from(address(fromName, from)).to(address(toName, to))
          .subject(subject(i)).text(text(i))
          .date(firstDate.plusMinutes(i)).messageId(messageId(i));
      if (html) {
        b.html(html(i));
      }
      if (attachmentSize > 0) {
        b.attach(Attachment.of("attachment-" + i + ".bin", "application/octet-stream", attachment(i)));
      }
      return b.build();
    }

    private static String checkAddress(String what, String address) {
      if (address.isBlank() || address.chars().anyMatch(c -> c == '\r' || c == '\n' || c > 126)) {
        throw new IllegalArgumentException(what + " must be one ASCII address, was \"" + address.replace("\r", "\\r").replace("\n", "\\n") + "\"");
      }
      return address;
    }

    private static String checkText(String what, String text) {
      if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new IllegalArgumentException(what + " must be one line without control characters, was \""
            + text.replace("\r", "\\r").replace("\n", "\\n") + "\"");
      }
      return text;
    }

    private static EmailAddress address(@Nullable String displayName, String address) {
      return displayName == null ? EmailAddress.parse(address) : EmailAddress.of(displayName, address);
    }

    /**
     * A header value as it is, or as RFC 2047 encoded words ({@code =?UTF-8?B?...?=}, at most 42
     * bytes of text each, one per line) when it is not printable ASCII or holds {@code "=?"}, which a
     * reader would take for the start of an encoded word.
     */
    private static String encoded(String value) {
      if (value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) && !value.contains("=?")) {
        return value;
      }
      List<String> words = new ArrayList<>();
      StringBuilder chunk = new StringBuilder();
      int bytes = 0;
      for (int i = 0; i < value.length(); i += Character.charCount(value.codePointAt(i))) {
        String c = new String(Character.toChars(value.codePointAt(i)));
        int size = c.getBytes(StandardCharsets.UTF_8).length;
        if (bytes + size > 42) {
          words.add(word(chunk.toString()));
          chunk.setLength(0);
          bytes = 0;
        }
        chunk.append(c);
        bytes += size;
      }
      words.add(word(chunk.toString()));
      return String.join("\r\n ", words);
    }

    private static String word(String text) {
      return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /** An address header value: the address alone, or the display name (quoted or encoded as needed) and the address. */
    private static String mailbox(@Nullable String displayName, String address) {
      if (displayName == null) {
        return address;
      }
      String name = encoded(displayName);
      if (name.equals(displayName)) {
        try {
          return new InternetAddress(address, displayName, "US-ASCII").toString(); // quotes "Smith, John" as needed
        } catch (UnsupportedEncodingException e) {
          throw new IllegalStateException("US-ASCII is not supported", e);
        }
      }
      return name + " <" + address + ">";
    }

    private static int nonNegative(String what, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(what + " must be >= 0, was " + value);
      }
      return value;
    }
  }
}
