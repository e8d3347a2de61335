/**
 * OAuth2 access tokens for Satchel's mail connections: {@link dev.satchel.mail.TokenSource}s that
 * refresh (with a {@link dev.satchel.mail.oauth2.TokenStore} for refresh tokens) or use client
 * credentials, and the two ways a user signs in: authorization code with PKCE on a loopback redirect,
 * and the device flow. Exports {@code dev.satchel.mail.oauth2}.
 */
@SuppressWarnings("module") // the name ends in a digit: "oauth2" is the protocol's name
module dev.satchel.mail.oauth2 {
  requires transitive dev.satchel.mail;
  requires transitive java.net.http;
  requires static org.jspecify;
  requires org.slf4j;
  requires jdk.httpserver;
  requires com.fasterxml.jackson.jr.ob;

  exports dev.satchel.mail.oauth2;
}
