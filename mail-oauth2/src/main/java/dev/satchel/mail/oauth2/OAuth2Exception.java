package dev.satchel.mail.oauth2;

import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * The authorization server refused a request with an OAuth2 error answer (RFC 6749 §5.2, RFC 8628
 * §3.5), for example {@code invalid_grant} for a revoked refresh token or {@code invalid_client} for
 * a wrong client secret. The message names the endpoint, the error code and the server's
 * description; never a token or secret.
 *
 * <p>{@link OAuth2Client}'s methods throw it. The token sources and flows turn it into a
 * {@link dev.satchel.mail.MailAuthenticationException} that says what to do, with this as the cause.
 */
public final class OAuth2Exception extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String error;
  private final @Nullable String description;
  private final URI endpoint;
  private final int statusCode;

  OAuth2Exception(String error, @Nullable String description, URI endpoint, int statusCode) {
    super(message(error, description, endpoint, statusCode));
    this.error = error;
    this.description = description;
    this.endpoint = endpoint;
    this.statusCode = statusCode;
  }

  private static String message(String error, @Nullable String description, URI endpoint, int statusCode) {
    String detail = description == null ? "" : " (" + description + ")";
    return endpoint + " answered " + error + detail + ", HTTP " + statusCode;
  }

  /** The OAuth2 error code, for example {@code invalid_grant} or {@code authorization_pending}. */
  public String error() {
    return error;
  }

  /** The server's {@code error_description}, shortened and with anything Satchel sent removed, or null. */
  public @Nullable String description() {
    return description;
  }

  /** The endpoint that answered. */
  public URI endpoint() {
    return endpoint;
  }

  /** The HTTP status of the answer. */
  public int statusCode() {
    return statusCode;
  }
}
