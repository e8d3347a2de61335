package dev.satchel.mail.oauth2.testserver;

import com.nimbusds.jose.jwk.RSAKey;
import java.time.Duration;
import java.util.Map;

/**
 * What {@link OAuth2TestServer.Builder} chose, handed to the Spring application as a bean.
 *
 * @param confidentialClients the builder's extra confidential clients: client id to secret
 */
record TestServerSettings(Duration accessTokenTimeToLive, Duration refreshTokenTimeToLive,
    Duration deviceCodeTimeToLive, Duration deviceInterval, RSAKey signingKey, Map<String, String> confidentialClients) {
}
