package dev.satchel.mail.internal;

import jakarta.activation.DataSource;
import jakarta.mail.MessageAware;
import jakarta.mail.MessageContext;
import jakarta.mail.internet.MimePartDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** A part's data source with a cleaned-up content type; keeps the message context for session properties. */
final class TypedDataSource implements DataSource, MessageAware {
  private final MimePartDataSource delegate;
  private final String contentType;

  TypedDataSource(MimePartDataSource delegate, String contentType) {
    this.delegate = delegate;
    this.contentType = contentType;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return delegate.getInputStream();
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
    return delegate.getName();
  }

  @Override
  public MessageContext getMessageContext() {
    return delegate.getMessageContext();
  }
}
