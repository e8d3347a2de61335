package dev.satchel.mail.oauth2.testserver;

import com.nimbusds.jose.jwk.RSAKey;
import java.time.Duration;

/** What {@link OAuth2TestServer.Builder} chose, handed to the Spring application as a bean. */
record TestServerSettings(Duration accessTokenTimeToLive, Duration refreshTokenTimeToLive,
    Duration deviceCodeTimeToLive, Duration deviceInterval, RSAKey signingKey) {
}
