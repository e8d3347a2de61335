package dev.satchel.mail.internal.wire;

import dev.satchel.mail.Credentials;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The client side of one SASL exchange (RFC 4422) for the mechanisms mail servers offer: PLAIN
 * (RFC 4616), LOGIN, XOAUTH2 (Google and Microsoft) and OAUTHBEARER (RFC 7628). Protocol engines
 * carry the bytes (base64 on the wire) and ask this for each response.
 *
 * <p>The mechanism is chosen from what the server advertises and what the credentials are: a
 * password only ever goes to PLAIN or LOGIN, a token only ever to XOAUTH2 or OAUTHBEARER. When the
 * server advertises none that fits, {@link #choose} is empty and nothing may be sent.
 *
 * <p>Not thread-safe; one instance per exchange.
 */
public final class SaslClient {
  /** The mechanisms, in the order of preference for each kind of credential. */
  public enum Mechanism {
    PLAIN, LOGIN, XOAUTH2, OAUTHBEARER;

    /** The name on the wire. */
    public String wireName() {
      return name();
    }
  }

  private static final List<Mechanism> FOR_PASSWORD = List.of(Mechanism.PLAIN, Mechanism.LOGIN);
  private static final List<Mechanism> FOR_TOKEN = List.of(Mechanism.XOAUTH2, Mechanism.OAUTHBEARER);

  private final Mechanism mechanism;
  private final String username;
  private final String secret;
  private final String host;
  private final int port;
  private int step;
  private @Nullable String serverError;

  private SaslClient(Mechanism mechanism, String username, String secret, String host, int port) {
    this.mechanism = mechanism;
    this.username = username;
    this.secret = secret;
    this.host = host;
    this.port = port;
  }

  /**
   * The mechanism to use for {@code credentials} given the server's advertised mechanism names (any
   * case), or empty when the server offers none that fits: then nothing may be sent.
   */
  public static Optional<Mechanism> choose(Credentials credentials, Set<String> advertised) {
    List<Mechanism> wanted = credentials instanceof Credentials.OAuth2 ? FOR_TOKEN : FOR_PASSWORD;
    for (Mechanism m : wanted) {
      for (String a : advertised) {
        if (a.toUpperCase(Locale.ROOT).equals(m.wireName())) {
          return Optional.of(m);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * An exchange with {@code mechanism}.
   *
   * @param secret the password, or the access token for XOAUTH2 and OAUTHBEARER
   * @param host the server's host name, sent by OAUTHBEARER
   * @param port the server's port, sent by OAUTHBEARER
   */
  public static SaslClient start(Mechanism mechanism, String username, String secret, String host, int port) {
    return new SaslClient(mechanism, username, secret, host, port);
  }

  /** The mechanism of this exchange. */
  public Mechanism mechanism() {
    return mechanism;
  }

  /**
   * The initial client response (sent with the command where the protocol allows, RFC 4959 / 2034 /
   * 4954), or null for LOGIN, which waits for the server's first challenge.
   */
  public byte @Nullable [] initialResponse() {
    return switch (mechanism) {
      case PLAIN -> {
        step = 1;
        yield utf8("\0" + username + "\0" + secret);
      }
      case XOAUTH2 -> {
        step = 1;
        yield utf8("user=" + username + "\u0001auth=Bearer " + secret + "\u0001\u0001");
      }
      case OAUTHBEARER -> {
        step = 1;
        yield utf8("n,a=" + saslName(username) + ",\u0001host=" + host + "\u0001port=" + port + "\u0001auth=Bearer "
            + secret + "\u0001\u0001");
      }
      case LOGIN -> null;
    };
  }

  /**
   * The response to a server challenge (already base64-decoded).
   *
   * <p>For LOGIN: the user name, then the password. For XOAUTH2 and OAUTHBEARER a challenge after
   * the initial response is the server's error report (JSON, kept in {@link #serverError()}); the
   * response is the one the mechanism prescribes to end the exchange (empty, or a single 0x01), after
   * which the server answers with a failure. For PLAIN a challenge after the initial response is
   * answered with an empty response.
   */
  public byte[] respond(byte[] challenge) {
    switch (mechanism) {
      case LOGIN -> {
        step++;
        if (step == 1) {
          return utf8(username);
        }
        if (step == 2) {
          return utf8(secret);
        }
        return new byte[0];
      }
      case XOAUTH2 -> {
        serverError = new String(challenge, StandardCharsets.UTF_8);
        return new byte[0];
      }
      case OAUTHBEARER -> {
        serverError = new String(challenge, StandardCharsets.UTF_8);
        return new byte[] {1};
      }
      default -> {
        return new byte[0];
      }
    }
  }

  /**
   * The error report an OAuth2 server sent as a challenge (RFC 7628 section 3.2.2, for example
   * {@code {"status":"invalid_token","scope":"..."}}), or null. Holds no secret.
   */
  public @Nullable String serverError() {
    return serverError;
  }

  /**
   * The server's OAuth2 error report in words for an exception message, for example
   * {@code " (the server's OAuth2 error: status=invalid_token, scope=https://mail.google.com/)"}, or
   * an empty string when there was none. Only the string members {@code status}, {@code schemes} and
   * {@code scope} of the report (RFC 7628 section 3.2.2; Google's and Microsoft's XOAUTH2) are taken,
   * each cut to 200 characters; anything else in it is left out.
   */
  public String errorDetail() {
    String report = serverError;
    if (report == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String key : List.of("status", "schemes", "scope")) {
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("\"" + key + "\"\\s*:\\s*(?:\"([^\"\\\\]{0,200})\"|(\\d{1,9}))").matcher(report);
      if (m.find()) {
        String value = m.group(1) != null ? m.group(1) : m.group(2);
        out.append(out.length() == 0 ? "" : ", ").append(key).append('=').append(value);
      }
    }
    if (out.length() == 0) {
      return " (the server sent an OAuth2 error report Satchel could not read)";
    }
    return " (the server's OAuth2 error: " + out + ")";
  }

  /** RFC 5801 saslname: "," and "=" escaped. */
  static String saslName(String name) {
    return name.replace("=", "=3D").replace(",", "=2C");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
