/**
 * OAuth2 access tokens for IMAP, POP3 and SMTP (SASL XOAUTH2 and OAUTHBEARER): token sources that
 * keep a long-running service signed in, and the flows that sign a user in once.
 *
 * <p>A service account (for example Microsoft 365 app-only access) uses client credentials:
 *
 * <pre>{@code
 * OAuth2Client client = OAuth2Client.builder(appId).clientSecret(secret)
 *     .endpoints(OAuth2Endpoints.microsoft(tenantId)).build();
 * TokenSource tokens = ClientCredentialsTokenSource.builder(client)
 *     .scopes(List.of("https://outlook.office365.com/.default")).build();
 * Credentials credentials = Credentials.oauth2("shared@contoso.example", tokens);
 * }</pre>
 *
 * <p>A user signs in once ({@link dev.satchel.mail.oauth2.AuthorizationCodeFlow} in a desktop or
 * command-line program, {@link dev.satchel.mail.oauth2.DeviceAuthorizationFlow} where no browser
 * runs), the refresh token goes to a {@link dev.satchel.mail.oauth2.TokenStore}, and a
 * {@link dev.satchel.mail.oauth2.RefreshingTokenSource} keeps the connections going:
 *
 * <pre>{@code
 * TokenStore store = TokenStore.file(Path.of(System.getProperty("user.home"), ".satchel", "tokens.json"));
 * OAuth2Tokens first = AuthorizationCodeFlow.builder(client).scopes(scopes).loginHint(address)
 *     .browser(uri -> System.out.println("Open " + uri)).build()
 *     .authorize(store, address);
 * TokenSource tokens = RefreshingTokenSource.builder(client, store, address).initialTokens(first).build();
 * }</pre>
 *
 * <p>Tokens, refresh tokens, codes and client secrets never appear in {@code toString()}, exception
 * messages or logs above TRACE. Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.satchel.mail.oauth2;

import org.jspecify.annotations.NullMarked;
