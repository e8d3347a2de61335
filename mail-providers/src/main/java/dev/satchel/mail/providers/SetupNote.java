package dev.satchel.mail.providers;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Something the user must know or do before a mail program can log in, for example "IMAP must first
 * be enabled in web settings", with a link to the page where it is done.
 *
 * <p>Immutable and thread-safe.
 *
 * @param text one or two sentences for the user; not blank
 * @param link the provider's page for this step, when known; {@code http} or {@code https}
 */
public record SetupNote(String text, Optional<URI> link) {

  /**
   * Validates the note.
   *
   * @throws IllegalArgumentException when the text is blank or the link is not an absolute http(s) URI
   */
  public SetupNote {
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(link, "link");
    if (text.isBlank()) {
      throw new IllegalArgumentException("setup note text must not be blank");
    }
    if (link.isPresent()) {
      String scheme = link.get().getScheme();
      if (!"https".equalsIgnoreCase(scheme) && !"http".equalsIgnoreCase(scheme) || link.get().getHost() == null) {
        throw new IllegalArgumentException("setup note link must be an absolute http(s) URI, was \"" + link.get() + "\"");
      }
    }
  }

  /** A note without a link. */
  public static SetupNote of(String text) {
    return new SetupNote(text, Optional.empty());
  }

  /**
   * A note with a link.
   *
   * @throws IllegalArgumentException when {@code link} is not an absolute http(s) URI
   */
  public static SetupNote of(String text, String link) {
    return new SetupNote(text, Optional.of(URI.create(link)));
  }
}
