package dev.satchel.mail.oauth2.testserver;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;
import org.springframework.http.MediaType;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.authentication.dao.DaoAuthenticationProvider;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceAuthorizationRequestAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2DeviceVerificationAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.InMemoryRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.settings.OAuth2TokenFormat;
import org.springframework.security.oauth2.server.authorization.settings.TokenSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.authentication.logout.LogoutFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationEntryPoint;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring application behind {@link OAuth2TestServer}: one security filter chain for Spring
 * Authorization Server's endpoints, with HTTP Basic sign-in for users on the authorization and
 * device-verification endpoints, registered clients, users, JWT access tokens.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
class TestServerConfiguration {
  static final String REALM = "oauth2-testserver";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @Bean
  SecurityFilterChain securityFilterChain(HttpSecurity http, UserDetailsService users, TestServerSettings settings,
      RegisteredClientRepository clients) throws Exception {
    DaoAuthenticationProvider userProvider = new DaoAuthenticationProvider(users);
    AuthenticationManager userAuthentication = new ProviderManager(userProvider);
    BasicAuthenticationEntryPoint entryPoint = new BasicAuthenticationEntryPoint();
    entryPoint.setRealmName(REALM);
    http
        .oauth2AuthorizationServer(server -> server
            .clientAuthentication(client -> client
                .authenticationConverter(PublicClientAuthentication.converter())
                .authenticationProvider(PublicClientAuthentication.provider(clients)))
            .deviceAuthorizationEndpoint(device -> device
                .verificationUri(OAuth2TestServer.DEVICE_VERIFICATION_PATH)
                .deviceAuthorizationResponseHandler((request, response, authentication) -> {
                  response.setContentType(MediaType.APPLICATION_JSON_VALUE);
                  response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                  response.getWriter().write(JSON.writeValueAsString(deviceAuthorizationResponse(request,
                      (OAuth2DeviceAuthorizationRequestAuthenticationToken) authentication, settings)));
                }))
            .deviceVerificationEndpoint(verification -> verification.authenticationProviders(providers -> {
              for (var provider : providers) {
                if (provider instanceof OAuth2DeviceVerificationAuthenticationProvider device) {
                  device.setAuthorizationConsentRequired(TestServerConfiguration::deviceConsentRequired);
                }
              }
            })))
        .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
        // Users sign in with HTTP Basic where a browser would show a login form. The filter sits
        // before the authorization server's endpoint filters (which expect a signed-in user) and only
        // on the user-facing endpoints: on the token endpoint, Basic carries the client's credentials.
        .addFilterAfter(new UserBasicAuthenticationFilter(userAuthentication, entryPoint), LogoutFilter.class)
        .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(entryPoint))
        .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .csrf(csrf -> csrf.disable());
    return http.build();
  }

  /**
   * Spring Authorization Server asks for consent on every device verification (unless consent was
   * given before) whatever the client's settings say; here, as for the authorization endpoint, only
   * clients registered with {@code requireAuthorizationConsent} ask.
   */
  private static boolean deviceConsentRequired(OAuth2DeviceVerificationAuthenticationContext context) {
    if (!context.getRegisteredClient().getClientSettings().isRequireAuthorizationConsent()) {
      return false;
    }
    var consent = context.getAuthorizationConsent();
    return consent == null || !consent.getScopes().containsAll(context.getRequestedScopes());
  }

  /** RFC 8628 §3.2, with the {@code interval} Spring Authorization Server leaves out. */
  private static Map<String, Object> deviceAuthorizationResponse(HttpServletRequest request,
      OAuth2DeviceAuthorizationRequestAuthenticationToken authentication, TestServerSettings settings) {
    var deviceCode = authentication.getDeviceCode();
    var userCode = authentication.getUserCode();
    String verificationUri = request.getScheme() + "://" + request.getServerName() + ":" + request.getServerPort()
        + OAuth2TestServer.DEVICE_VERIFICATION_PATH;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("device_code", deviceCode.getTokenValue());
    body.put("user_code", userCode.getTokenValue());
    body.put("verification_uri", verificationUri);
    body.put("verification_uri_complete", verificationUri + "?user_code=" + userCode.getTokenValue());
    body.put("expires_in", Duration.between(deviceCode.getIssuedAt(), deviceCode.getExpiresAt()).toSeconds());
    body.put("interval", settings.deviceInterval().toSeconds());
    return body;
  }

  @Bean
  UserDetailsService users() {
    List<UserDetails> users = new ArrayList<>();
    for (String user : OAuth2TestServer.USERS) {
      users.add(User.withUsername(user).password("{noop}" + OAuth2TestServer.password(user)).roles("USER").build());
    }
    return new InMemoryUserDetailsManager(users);
  }

  @Bean
  RegisteredClientRepository registeredClients(TestServerSettings settings) {
    TokenSettings tokens = TokenSettings.builder()
        .accessTokenFormat(OAuth2TokenFormat.SELF_CONTAINED)
        .accessTokenTimeToLive(settings.accessTokenTimeToLive())
        .refreshTokenTimeToLive(settings.refreshTokenTimeToLive())
        .deviceCodeTimeToLive(settings.deviceCodeTimeToLive())
        .reuseRefreshTokens(false)
        .build();
    ClientSettings noConsent = ClientSettings.builder().requireAuthorizationConsent(false).build();
    ClientSettings pkceNoConsent = ClientSettings.builder().requireProofKey(true).requireAuthorizationConsent(false).build();
    ClientSettings consent = ClientSettings.builder().requireAuthorizationConsent(true).build();
    AuthorizationGrantType code = AuthorizationGrantType.AUTHORIZATION_CODE;
    AuthorizationGrantType refresh = AuthorizationGrantType.REFRESH_TOKEN;
    AuthorizationGrantType device = AuthorizationGrantType.DEVICE_CODE;
    List<RegisteredClient> clients = new ArrayList<>(List.of(
        client(OAuth2TestServer.SERVICE_CLIENT_ID, OAuth2TestServer.SERVICE_CLIENT_SECRET, noConsent, tokens,
            AuthorizationGrantType.CLIENT_CREDENTIALS),
        client(OAuth2TestServer.DESKTOP_CLIENT_ID, OAuth2TestServer.DESKTOP_CLIENT_SECRET, pkceNoConsent, tokens, code, refresh),
        client(OAuth2TestServer.PUBLIC_CLIENT_ID, null, pkceNoConsent, tokens, code),
        client(OAuth2TestServer.DEVICE_CLIENT_ID, null, noConsent, tokens, device, refresh),
        client(OAuth2TestServer.DEVICE_CONSENT_CLIENT_ID, null, consent, tokens, device, refresh)));
    settings.confidentialClients().forEach((id, secret) ->
        clients.add(client(id, secret, noConsent, tokens, AuthorizationGrantType.CLIENT_CREDENTIALS)));
    return new InMemoryRegisteredClientRepository(clients);
  }

  /** A client allowed {@link OAuth2TestServer#SCOPES}; confidential with a secret, else public. */
  private static RegisteredClient client(String id, @Nullable String secret, ClientSettings settings, TokenSettings tokens,
      AuthorizationGrantType... grants) {
    RegisteredClient.Builder client = RegisteredClient.withId(UUID.randomUUID().toString())
        .clientId(id)
        .scopes(s -> s.addAll(OAuth2TestServer.SCOPES))
        .clientSettings(settings)
        .tokenSettings(tokens);
    if (secret == null) {
      client.clientAuthenticationMethod(ClientAuthenticationMethod.NONE);
    } else {
      client.clientSecret("{noop}" + secret)
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
          .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_POST);
    }
    for (AuthorizationGrantType grant : grants) {
      client.authorizationGrantType(grant);
      if (grant.equals(AuthorizationGrantType.AUTHORIZATION_CODE)) {
        client.redirectUri(OAuth2TestServer.LOOPBACK_REDIRECT);
      }
    }
    return client.build();
  }
  @Bean
  JWKSource<SecurityContext> jwkSource(TestServerSettings settings) {
    return new ImmutableJWKSet<>(new JWKSet(settings.signingKey()));
  }

  /** JWTs as Dovecot's oauth2 passdb wants them: {@code typ: JWT}; users also get an {@code email} claim. */
  @Bean
  OAuth2TokenCustomizer<JwtEncodingContext> jwtCustomizer() {
    return context -> {
      context.getJwsHeader().type("JWT");
      String name = context.getPrincipal().getName();
      if (!AuthorizationGrantType.CLIENT_CREDENTIALS.equals(context.getAuthorizationGrantType()) && name.contains("@")) {
        context.getClaims().claim("email", name);
      }
    };
  }

  @Bean
  AuthorizationServerSettings authorizationServerSettings() {
    return AuthorizationServerSettings.builder().build();
  }

  @Bean
  FilterRegistrationBean<TokenRequestCounter> tokenRequestCounterRegistration(TokenRequestCounter counter) {
    FilterRegistrationBean<TokenRequestCounter> registration = new FilterRegistrationBean<>(counter);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setUrlPatterns(Set.of(OAuth2TestServer.TOKEN_PATH, OAuth2TestServer.INTROSPECTION_PATH));
    return registration;
  }

  /** HTTP Basic for users, only on the endpoints where a browser would sign in. */
  static final class UserBasicAuthenticationFilter extends BasicAuthenticationFilter {
    UserBasicAuthenticationFilter(AuthenticationManager users, BasicAuthenticationEntryPoint entryPoint) {
      super(users, entryPoint);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
      String path = request.getRequestURI();
      return !OAuth2TestServer.AUTHORIZATION_PATH.equals(path) && !OAuth2TestServer.DEVICE_VERIFICATION_PATH.equals(path);
    }
  }

  static RSAKey newSigningKey() {
    try {
      java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      java.security.KeyPair pair = generator.generateKeyPair();
      return new RSAKey.Builder((java.security.interfaces.RSAPublicKey) pair.getPublic())
          .privateKey(pair.getPrivate())
          .keyID(UUID.randomUUID().toString())
          .build();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no RSA key pair generator", e);
    }
  }
}
