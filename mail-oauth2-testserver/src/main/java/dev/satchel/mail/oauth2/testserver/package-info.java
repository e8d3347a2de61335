/**
 * A real OAuth2 authorization server on 127.0.0.1 for tests: Spring Authorization Server in a small
 * Spring Boot application, with registered clients for every grant Satchel uses, users who sign in
 * with HTTP Basic (so a test can play the browser without HTML forms), and counters for the token
 * endpoint.
 *
 * <pre>{@code
 * try (OAuth2TestServer server = OAuth2TestServer.start()) {
 *   URI token = server.tokenEndpoint();  // http://127.0.0.1:<port>/oauth2/token
 * }
 * }</pre>
 *
 * <p>Not published: Satchel's own tests (mail-oauth2, mail-interop, mail-cli) use it.
 */
@NullMarked
package dev.satchel.mail.oauth2.testserver;

import org.jspecify.annotations.NullMarked;
