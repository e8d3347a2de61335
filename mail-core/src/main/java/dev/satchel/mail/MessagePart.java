package dev.satchel.mail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * An attachment or inline part of a fetched {@link Message}, with its decoded content available as a
 * stream.
 *
 * <p>Immutable; {@link #open()} may be called more than once and from any thread, each call giving
 * a new stream.
 */
public final class MessagePart {
  private final @Nullable String filename;
  private final String mediaType;
  private final @Nullable String contentId;
  private final boolean inline;
  private final long size;
  private final ContentSource content;

  /**
   * Creates a part.
   *
   * @param filename the decoded file name (RFC 2231 / RFC 2047), or null when the part has none
   * @param mediaType the media type without parameters, lower case, for example {@code "image/png"}
   * @param contentId the Content-ID without angle brackets, or null
   * @param inline true for {@code Content-Disposition: inline} parts (for example images in HTML)
   * @param size the decoded size in bytes, or -1 when unknown
   * @param content opens the decoded bytes
   */
  public MessagePart(
      @Nullable String filename,
      String mediaType,
      @Nullable String contentId,
      boolean inline,
      long size,
      ContentSource content) {
    this.filename = filename;
    this.mediaType = Objects.requireNonNull(mediaType, "mediaType");
    this.contentId = contentId;
    this.inline = inline;
    this.size = size < 0 ? -1 : size;
    this.content = Objects.requireNonNull(content, "content");
  }

  /** The decoded file name, when the part has one. */
  public Optional<String> filename() {
    return Optional.ofNullable(filename);
  }

  /** The media type without parameters, lower case, for example {@code "application/pdf"}. */
  public String mediaType() {
    return mediaType;
  }

  /** The Content-ID without angle brackets, when present. */
  public Optional<String> contentId() {
    return Optional.ofNullable(contentId);
  }

  /** True when the part is meant to be shown inline rather than as an attachment. */
  public boolean isInline() {
    return inline;
  }

  /** The decoded size in bytes, when known without reading the content. */
  public OptionalLong size() {
    return size < 0 ? OptionalLong.empty() : OptionalLong.of(size);
  }

  /**
   * Opens the decoded content. The caller closes the stream.
   *
   * <p>A part of a message fetched from a {@link Mailbox} is read from that mailbox (IMAP: from the
   * server; POP3: from the session's download): read it before the mailbox's {@link Mailbox#close()}.
   *
   * @throws IOException when the content cannot be read
   * @throws IllegalStateException when the part's mailbox was closed before the part was read
   */
  public InputStream open() throws IOException {
    return content.open();
  }

  /**
   * Reads the whole decoded content into memory. Prefer {@link #open()} for large parts.
   *
   * @throws UncheckedIOException when the content cannot be read; its message says why
   * @throws IllegalStateException when the part's mailbox was closed before the part was read
   */
  public byte[] bytes() {
    try (InputStream in = open()) {
      return in.readAllBytes();
    } catch (IOException e) {
      String name = filename != null ? "\"" + filename + "\"" : mediaType;
      throw new UncheckedIOException("cannot read part " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "MessagePart[filename=" + filename + ", mediaType=" + mediaType + ", contentId=" + contentId
        + ", inline=" + inline + ", size=" + size + "]";
  }
}
