package dev.satchel.mail;

import java.io.IOException;
import java.io.InputStream;

/**
 * Opens the bytes of an attachment or body part as a fresh stream each time it is called, so that
 * content is streamed rather than held in memory. The caller closes the stream.
 */
@FunctionalInterface
public interface ContentSource {
  /**
   * Opens a new stream over the content.
   *
   * @throws IOException when the content cannot be read
   */
  InputStream open() throws IOException;
}
