package dev.satchel.mail.smtp;

import dev.satchel.mail.DkimSigner;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.internal.MimeWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * One message's content as the server will get it: composed by {@link MimeWriter}, line ends
 * normalised to CR LF, with its exact size known before the transaction starts (for SIZE, RFC 1870).
 *
 * <p>A message of up to {@link #BUFFERED} bytes is composed once and held; a larger one is composed
 * twice, once to measure it and once while it is sent, so that its attachments stream from their
 * sources and are never held whole.
 */
final class MessageContent {
  /** Messages up to this size are held in memory, composed once. */
  static final int BUFFERED = 64 * 1024;

  private final OutgoingMessage message;
  private final byte @Nullable [] bytes;
  private final byte[] signature;
  private final long size;

  private MessageContent(OutgoingMessage message, byte @Nullable [] bytes, byte[] signature, long size) {
    this.message = message;
    this.bytes = bytes;
    this.signature = signature;
    this.size = size;
  }

  /**
   * Composes {@code message}.
   *
   * @throws MailCommandException when an attachment's content cannot be read (nothing was sent)
   */
  static MessageContent of(OutgoingMessage message, String operation) {
    return of(message, operation, null);
  }

  /**
   * Composes {@code message} and, with a {@code dkim} signer, signs it: the signature is computed
   * over the composed bytes (in memory for a small message, in the measuring pass for a large one,
   * whose second composition gives the same bytes) and its field is sent first.
   *
   * @throws MailCommandException when an attachment's content cannot be read (nothing was sent)
   * @throws IllegalArgumentException when the message cannot be signed with {@code dkim}
   */
  static MessageContent of(OutgoingMessage message, String operation, @Nullable DkimSigner dkim) {
    Capped capped = new Capped();
    ContentStream normalised = new ContentStream(capped, false);
    try {
      compose(message, normalised);
      normalised.finish();
      byte[] held = capped.toByteArray();
      byte[] signature = new byte[0];
      if (dkim != null) {
        DkimSigning signing = new DkimSigning(dkim);
        signing.write(held);
        signature = signing.signatureField();
        byte[] unsigned = held;
        held = Arrays.copyOf(signature, signature.length + unsigned.length);
        System.arraycopy(unsigned, 0, held, signature.length, unsigned.length);
      }
      return new MessageContent(message, held, signature, held.length);
    } catch (IOException | RuntimeException e) {
      if (!capped.overflowed) {
        if (e instanceof IOException io) {
          throw unreadable(operation, io);
        }
        throw (RuntimeException) e;
      }
    }
    DkimSigning signing = dkim == null ? null : new DkimSigning(dkim);
    ContentStream counter = new ContentStream(signing == null ? OutputStream.nullOutputStream() : signing, false);
    byte[] signature = new byte[0];
    try {
      compose(message, counter);
      counter.finish();
      if (signing != null) {
        signature = signing.signatureField();
      }
    } catch (IOException e) {
      throw unreadable(operation, e);
    }
    return new MessageContent(message, null, signature, signature.length + counter.count());
  }

  private static void compose(OutgoingMessage message, OutputStream out) throws IOException {
    MimeWriter.write(message, out);
  }

  private static MailCommandException unreadable(String operation, IOException e) {
    return new MailCommandException(operation, "cannot read the message content: " + e.getMessage()
        + "; nothing was sent", e);
  }

  /** The size in bytes, line ends normalised, before dot-stuffing. */
  long size() {
    return size;
  }

  /** The whole content (signature field included) when it is held in memory (small messages), else null. */
  byte @Nullable [] bytes() {
    return bytes;
  }

  /**
   * Writes the content to {@code out} (a {@link ContentStream} for DATA, or a chunker for BDAT),
   * composing it again when it is not held.
   *
   * @throws IOException when {@code out} fails or an attachment can no longer be read
   */
  void writeTo(OutputStream out) throws IOException {
    byte[] b = bytes;
    if (b != null) {
      out.write(b);
      return;
    }
    out.write(signature);
    ContentStream normalised = new ContentStream(out, false);
    compose(message, normalised);
    normalised.finish();
  }

  /** A byte buffer that refuses to grow past {@link #BUFFERED}. */
  private static final class Capped extends ByteArrayOutputStream {
    boolean overflowed;

    Capped() {
      super(2 * 1024); // a short text message fits; larger ones grow by doubling
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      if (count + len > BUFFERED) {
        overflowed = true;
        throw new Overflow();
      }
      super.write(b, off, len);
    }

    @Override
    public synchronized void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public synchronized byte[] toByteArray() {
      return count == buf.length ? buf : Arrays.copyOf(buf, count);
    }
  }

  /** Thrown out of {@link MimeWriter} when the message does not fit the buffer. */
  private static final class Overflow extends java.io.UncheckedIOException {
    private static final long serialVersionUID = 1L;

    Overflow() {
      super("message larger than " + BUFFERED + " bytes", new IOException("too large to buffer"));
    }
  }
}
