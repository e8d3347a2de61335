package dev.satchel.mail.imap;

import dev.satchel.mail.Folder;
import dev.satchel.mail.MailException;
import java.io.IOException;
import java.io.InputStream;
import org.eclipse.angus.mail.iap.ByteArray;
import org.eclipse.angus.mail.imap.protocol.BODY;
import org.jspecify.annotations.Nullable;

/**
 * Streams one body section of one message ({@code ""} for the whole message) with a series of
 * {@code UID FETCH uid (BODY.PEEK[section]<offset.size>)} commands, so that at most one chunk is in
 * memory and the message is never marked seen.
 *
 * <p>Guards against servers that ignore partial ranges: when the first answer is larger than asked,
 * that answer is the whole section, and the stream ends after it instead of asking again.
 */
final class PartialFetchInputStream extends InputStream {
  private final ImapMailbox mailbox;
  private final Folder folder;
  private final long uidValidity;
  private final long uid;
  private final String section;
  private final int chunk;
  private byte[] buf = new byte[0];
  private int bufPos;
  private int bufEnd;
  private long offset;
  private boolean eof;
  private boolean closed;

  PartialFetchInputStream(ImapMailbox mailbox, Folder folder, long uidValidity, long uid, String section, int chunk) {
    this.mailbox = mailbox;
    this.folder = folder;
    this.uidValidity = uidValidity;
    this.uid = uid;
    this.section = section;
    this.chunk = chunk;
  }

  private boolean fill() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (bufPos >= bufEnd) {
      if (eof) {
        return false;
      }
      if (mailbox.isClosed()) {
        throw new IOException("the mailbox this stream reads from was closed");
      }
      @Nullable BODY body;
      try {
        body = mailbox.partialFetch(folder, uidValidity, uid, section, offset, chunk);
      } catch (MailException e) {
        throw new IOException("reading UID " + uid + " in " + folder.fullName() + " failed: " + e.getMessage(), e);
      }
      if (body == null) {
        throw new IOException("message UID " + uid + " in " + folder.fullName() + " is gone");
      }
      ByteArray ba = body.getByteArray();
      int n = ba == null ? 0 : ba.getCount();
      int origin = body.getOrigin();
      if (offset == 0 && n > chunk) {
        // the server ignored the range and sent the whole section: use it and stop
        eof = true;
      } else if (offset > 0 && origin != offset) {
        throw new IOException("the server answered a partial fetch of UID " + uid + " at offset " + origin
            + " instead of " + offset);
      } else if (n < chunk) {
        eof = true;
      }
      if (ba == null || n == 0) {
        eof = true;
        return false;
      }
      buf = ba.getBytes();
      bufPos = ba.getStart();
      bufEnd = bufPos + n;
      offset += n;
    }
    return true;
  }

  @Override
  public int read() throws IOException {
    if (!fill()) {
      return -1;
    }
    return buf[bufPos++] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (!fill()) {
      return -1;
    }
    int n = Math.min(len, bufEnd - bufPos);
    System.arraycopy(buf, bufPos, b, off, n);
    bufPos += n;
    return n;
  }

  @Override
  public int available() {
    return bufEnd - bufPos;
  }

  @Override
  public void close() {
    closed = true;
    buf = new byte[0];
    bufPos = 0;
    bufEnd = 0;
  }
}
