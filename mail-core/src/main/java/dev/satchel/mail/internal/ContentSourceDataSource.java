package dev.satchel.mail.internal;

import dev.satchel.mail.ContentSource;
import jakarta.activation.DataSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A read-only {@link DataSource} that opens a {@link ContentSource} anew each time Jakarta Mail asks
 * for the content, so attachments are streamed straight from their source while a message is written.
 */
final class ContentSourceDataSource implements DataSource {
  private final ContentSource source;
  private final String contentType;
  private final String name;

  ContentSourceDataSource(ContentSource source, String contentType, String name) {
    this.source = source;
    this.contentType = contentType;
    this.name = name;
  }

  /** A data source over bytes held in memory (not copied). */
  static ContentSourceDataSource ofBytes(byte[] bytes, String contentType) {
    return new ContentSourceDataSource(() -> new ByteArrayInputStream(bytes), contentType, "");
  }

  @Override
  public InputStream getInputStream() throws IOException {
    InputStream in = source.open();
    if (in == null) {
      throw new IOException("the ContentSource for \"" + name + "\" returned no stream");
    }
    return in;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    throw new IOException("read-only data source");
  }

  @Override
  public String getContentType() {
    return contentType;
  }

  @Override
  public String getName() {
    return name;
  }
}
