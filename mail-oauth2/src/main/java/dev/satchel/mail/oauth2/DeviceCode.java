package dev.satchel.mail.oauth2;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A device authorization in progress (RFC 8628 §3.2): what to show the user, and when it expires.
 * The device code itself stays inside (it is a credential) and is not in {@link #toString()}.
 *
 * <pre>{@code
 * DeviceCode code = flow.start();
 * System.out.println("Open " + code.verificationUri() + " and enter " + code.userCode());
 * OAuth2Tokens tokens = flow.await(code);
 * }</pre>
 *
 * <p>Immutable. (Not a record: a record would expose the device code.)
 */
public final class DeviceCode {
  private final String deviceCode;
  private final String userCode;
  private final URI verificationUri;
  private final @Nullable URI verificationUriComplete;
  private final Instant expiresAt;
  private final Duration interval;
  private final String clientId;

  DeviceCode(String deviceCode, String userCode, URI verificationUri, @Nullable URI verificationUriComplete,
      Instant expiresAt, Duration interval, String clientId) {
    this.deviceCode = deviceCode;
    this.userCode = userCode;
    this.verificationUri = verificationUri;
    this.verificationUriComplete = verificationUriComplete;
    this.expiresAt = expiresAt;
    this.interval = interval;
    this.clientId = clientId;
  }

  /** The code the user enters at {@link #verificationUri()}. */
  public String userCode() {
    return userCode;
  }

  /** Where the user goes (on any device) to enter the code and sign in. */
  public URI verificationUri() {
    return verificationUri;
  }

  /** The same page with the code filled in (for a link or QR code), or null when the server sent none. */
  public @Nullable URI verificationUriComplete() {
    return verificationUriComplete;
  }

  /** When the codes expire; waiting stops then. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** How long to wait between polls (the server's {@code interval}, 5 s when it sent none). */
  public Duration interval() {
    return interval;
  }

  String deviceCode() {
    return deviceCode;
  }

  String clientId() {
    return clientId;
  }

  @Override
  public String toString() {
    return "DeviceCode[userCode=" + userCode + ", verificationUri=" + verificationUri + ", expiresAt=" + expiresAt
        + ", interval=" + interval + "]";
  }
}
