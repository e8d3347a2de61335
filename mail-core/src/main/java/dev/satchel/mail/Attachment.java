package dev.satchel.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * A file attached to an {@link OutgoingMessage}, or an inline part (for example an image that the
 * HTML body shows through {@code cid:}).
 *
 * <p>Content is opened when the message is written, and streamed: a file or stream supplier is never
 * buffered whole in memory by Satchel.
 *
 * <pre>{@code
 * Attachment.of(Path.of("report.pdf"));
 * Attachment.of("data.csv", "text/csv", csvBytes);
 * Attachment.inline("logo", "logo.png", "image/png", pngBytes); // <img src="cid:logo">
 * }</pre>
 *
 * <p>Immutable and thread-safe when its {@link ContentSource} is.
 */
public final class Attachment {
  private final String filename;
  private final String mediaType;
  private final @Nullable String contentId;
  private final long size;
  private final ContentSource content;

  private Attachment(String filename, String mediaType, @Nullable String contentId, long size, ContentSource content) {
    OutgoingMessage.checkHeaderText("attachment filename", filename);
    if (filename.isBlank()) {
      throw new IllegalArgumentException("attachment filename must not be blank");
    }
    this.filename = filename;
    this.mediaType = checkMediaType(mediaType);
    if (contentId != null) {
      OutgoingMessage.checkHeaderText("content id", contentId);
      if (contentId.isBlank() || contentId.contains("<") || contentId.contains(">") || contentId.contains(" ")) {
        throw new IllegalArgumentException("content id must be non-blank without '<', '>' or spaces, was \"" + contentId + "\"");
      }
    }
    this.contentId = contentId;
    this.size = size;
    this.content = Objects.requireNonNull(content, "content");
  }

  /**
   * An attachment from bytes held in memory (copied).
   *
   * @throws IllegalArgumentException when the filename holds CR, LF or NUL or the media type is malformed
   */
  public static Attachment of(String filename, String mediaType, byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Attachment(filename, mediaType, null, copy.length, () -> new ByteArrayInputStream(copy));
  }

  /**
   * An attachment read from a file when the message is written, named after the file, with a media
   * type guessed from the file (falling back to {@code application/octet-stream}).
   *
   * @throws IllegalArgumentException when the file is not a readable regular file
   */
  public static Attachment of(Path file) {
    return of(file, guessMediaType(file));
  }

  /**
   * An attachment read from a file when the message is written.
   *
   * @throws IllegalArgumentException when the file is not a readable regular file or the media type is malformed
   */
  public static Attachment of(Path file, String mediaType) {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IllegalArgumentException("attachment file is not a readable regular file: " + file);
    }
    Path name = file.getFileName();
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read attachment file " + file + ": " + e.getMessage(), e);
    }
    return new Attachment(name == null ? file.toString() : name.toString(), mediaType, null, size, () -> Files.newInputStream(file));
  }

  /**
   * An attachment whose content is opened from {@code source} when the message is written (each
   * write opens it anew).
   *
   * @throws IllegalArgumentException when the filename holds CR, LF or NUL or the media type is malformed
   */
  public static Attachment of(String filename, String mediaType, ContentSource source) {
    return new Attachment(filename, mediaType, null, -1, source);
  }

  /**
   * An inline part referenced from HTML as {@code cid:<contentId>}.
   *
   * @throws IllegalArgumentException when the content id or filename is malformed
   */
  public static Attachment inline(String contentId, String filename, String mediaType, byte[] bytes) {
    byte[] copy = bytes.clone();
    return new Attachment(filename, mediaType, contentId, copy.length, () -> new ByteArrayInputStream(copy));
  }

  /**
   * An inline part whose content is opened from {@code source} when the message is written.
   *
   * @throws IllegalArgumentException when the content id or filename is malformed
   */
  public static Attachment inline(String contentId, String filename, String mediaType, ContentSource source) {
    return new Attachment(filename, mediaType, contentId, -1, source);
  }

  /** The file name shown to the recipient (Unicode allowed). */
  public String filename() {
    return filename;
  }

  /** The media type, lower case, for example {@code "application/pdf"}. */
  public String mediaType() {
    return mediaType;
  }

  /** The Content-ID (without angle brackets) of an inline part; empty for an attachment. */
  public Optional<String> contentId() {
    return Optional.ofNullable(contentId);
  }

  /** True for inline parts. */
  public boolean isInline() {
    return contentId != null;
  }

  /** The size in bytes when known before reading. */
  public OptionalLong size() {
    return size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
  }

  /** Where the content comes from. */
  public ContentSource content() {
    return content;
  }

  @Override
  public String toString() {
    return "Attachment[filename=" + filename + ", mediaType=" + mediaType + (contentId != null ? ", contentId=" + contentId : "")
        + (size >= 0 ? ", size=" + size : "") + "]";
  }

  private static String checkMediaType(String mediaType) {
    OutgoingMessage.checkHeaderText("media type", mediaType); // before strip(), which would hide a trailing CR/LF
    String t = mediaType.strip().toLowerCase(Locale.ROOT);
    int slash = t.indexOf('/');
    boolean ok = slash > 0 && slash < t.length() - 1 && t.indexOf('/', slash + 1) < 0;
    for (int i = 0; ok && i < t.length(); i++) {
      char c = t.charAt(i);
      ok = c == '/' || (c > 32 && c < 127 && "()<>@,;:\\\"[]?=".indexOf(c) < 0);
    }
    if (!ok) {
      throw new IllegalArgumentException("media type must look like type/subtype, was \"" + EmailAddress.escape(mediaType) + "\"");
    }
    return t;
  }

  private static String guessMediaType(Path file) {
    String guessed = null;
    try {
      guessed = Files.probeContentType(file);
    } catch (IOException e) {
      // fall through to the default
    }
    return guessed != null ? guessed : "application/octet-stream";
  }
}
