package dev.satchel.mail.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.strings;

import dev.satchel.mail.Protocol;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OAuth2FactsTest {
  private static final String MS = "https://login.microsoftonline.com/";
  private static final String MS_DOC =
      "https://learn.microsoft.com/exchange/client-developer/legacy-protocols/how-to-authenticate-an-imap-pop-smtp-application-by-using-oauth";
  private final MailProviders registry = MailProviders.builtIn();

  @Test
  void gmailUsesTheMailScopeForEveryProtocolAndItsDeviceFlowCannotGrantIt() {
    OAuth2Facts g = registry.lookup("bob@gmail.com").orElseThrow().oauth2().orElseThrow();

    assertThat(g.authorizationEndpoint()).hasToString("https://accounts.google.com/o/oauth2/v2/auth");
    assertThat(g.tokenEndpoint()).hasToString("https://oauth2.googleapis.com/token");
    assertThat(g.deviceAuthorizationEndpoint()).contains(URI.create("https://oauth2.googleapis.com/device/code"));
    assertThat(g.deviceFlowGrantsMail()).isFalse();
    for (Protocol p : Protocol.values()) {
      assertThat(g.scopes(p)).as(p.name()).containsExactly("https://mail.google.com/");
    }
    assertThat(g.allScopes()).containsExactly("https://mail.google.com/");
    assertThat(g.appOnlyScopes()).isEmpty();
    assertThat(g.mechanisms()).containsExactly("XOAUTH2");
    assertThat(g.tenant()).isEmpty();
    assertThat(g.note()).contains("restricted").contains("127.0.0.1").contains("invalid_scope");
    assertThat(g.source()).hasToString("https://developers.google.com/gmail/imap/xoauth2-protocol");
    assertThatThrownBy(() -> g.forTenant("common")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("accounts.google.com").hasMessageContaining("no tenant");
  }

  @Test
  void microsoft365UsesTheOrganizationsTenantDelegatedScopesAndAnAppOnlyScope() {
    MailProvider m365 = registry.lookup("erin@onmicrosoft.com").orElseThrow();
    OAuth2Facts f = m365.oauth2().orElseThrow();

    assertThat(f.tenant()).contains("organizations");
    assertThat(f.authorizationEndpoint()).hasToString(MS + "organizations/oauth2/v2.0/authorize");
    assertThat(f.tokenEndpoint()).hasToString(MS + "organizations/oauth2/v2.0/token");
    assertThat(f.deviceAuthorizationEndpoint()).contains(URI.create(MS + "organizations/oauth2/v2.0/devicecode"));
    assertThat(f.deviceFlowGrantsMail()).isTrue();
    assertThat(f.scopes(Protocol.IMAP)).containsExactly("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access");
    assertThat(f.scopes(Protocol.POP3)).containsExactly("https://outlook.office.com/POP.AccessAsUser.All", "offline_access");
    assertThat(f.scopes(Protocol.SMTP)).containsExactly("https://outlook.office.com/SMTP.Send", "offline_access");
    assertThat(f.allScopes()).containsExactly("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access",
        "https://outlook.office.com/POP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send");
    assertThat(f.appOnlyScopes()).containsExactly("https://outlook.office365.com/.default");
    assertThat(f.mechanisms()).containsExactly("XOAUTH2");
    assertThat(f.note()).contains("IMAP.AccessAsUser.All").contains("SMTP.Send").contains("New-ServicePrincipal")
        .contains("Add-MailboxPermission").contains("IMAP.AccessAsApp");
    assertThat(f.source()).hasToString(MS_DOC);
    assertThat(m365.authentication()).isEqualTo(Authentication.OAUTH2);
  }

  @Test
  void outlookPersonalAccountsUseTheConsumersTenantAndHaveNoAppOnlyAccess() {
    OAuth2Facts f = registry.lookup("erin@hotmail.com").orElseThrow().oauth2().orElseThrow();

    assertThat(f.tenant()).contains("consumers");
    assertThat(f.authorizationEndpoint()).hasToString(MS + "consumers/oauth2/v2.0/authorize");
    assertThat(f.tokenEndpoint()).hasToString(MS + "consumers/oauth2/v2.0/token");
    assertThat(f.scopes(Protocol.SMTP)).containsExactly("https://outlook.office.com/SMTP.Send", "offline_access");
    assertThat(f.appOnlyScopes()).isEmpty();
    assertThat(f.note()).contains("personal Microsoft accounts");
    assertThat(f.source()).hasToString(MS_DOC);
  }

  @Test
  void forTenantPutsTheTenantIntoEveryEndpoint() {
    OAuth2Facts f = registry.byId("microsoft365").orElseThrow().oauth2().orElseThrow();

    OAuth2Facts mine = f.forTenant("contoso.onmicrosoft.com");
    OAuth2Facts byId = f.forTenant("00001111-aaaa-2222-bbbb-3333cccc4444");

    assertThat(mine.tenant()).contains("contoso.onmicrosoft.com");
    assertThat(mine.authorizationEndpoint()).hasToString(MS + "contoso.onmicrosoft.com/oauth2/v2.0/authorize");
    assertThat(mine.tokenEndpoint()).hasToString(MS + "contoso.onmicrosoft.com/oauth2/v2.0/token");
    assertThat(mine.deviceAuthorizationEndpoint()).contains(URI.create(MS + "contoso.onmicrosoft.com/oauth2/v2.0/devicecode"));
    assertThat(byId.tokenEndpoint()).hasToString(MS + "00001111-aaaa-2222-bbbb-3333cccc4444/oauth2/v2.0/token");
    assertThat(mine.scopes()).isEqualTo(f.scopes());
    assertThat(mine.forTenant("organizations")).isEqualTo(f);
    assertThat(registry.byId("outlook").orElseThrow().oauth2().orElseThrow().forTenant("common").tokenEndpoint())
        .hasToString(MS + "common/oauth2/v2.0/token");
  }

  @Test
  void forTenantRefusesSomethingThatIsNoTenant() {
    OAuth2Facts f = registry.byId("microsoft365").orElseThrow().oauth2().orElseThrow();
    for (String bad : List.of("", "a/b", "../x", "common?x=1", "contoso.", "-x", "a b")) {
      assertThatThrownBy(() -> f.forTenant(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("tenant must be").hasMessageContaining("\"" + bad + "\"");
    }
  }

  @Test
  void forTenantKeepsEveryEndpointOnMicrosoftsHostForAnyValidTenant() {
    OAuth2Facts f = registry.byId("microsoft365").orElseThrow().oauth2().orElseThrow();
    qt().forAll(strings().betweenCodePoints('-', 'z').ofLengthBetween(1, 40)).checkAssert(t -> {
      OAuth2Facts changed;
      try {
        changed = f.forTenant(t);
      } catch (IllegalArgumentException e) {
        assertThat(e).hasMessageContaining("tenant must be");
        return;
      }
      for (URI u : List.of(changed.authorizationEndpoint(), changed.tokenEndpoint(),
          changed.deviceAuthorizationEndpoint().orElseThrow())) {
        assertThat(u.getHost()).isEqualTo("login.microsoftonline.com");
        assertThat(u.getRawPath()).startsWith("/" + t + "/oauth2/v2.0/");
      }
    });
  }

  @Test
  void yandexTakesOAuth2OnImapAndSmtpOnly() {
    MailProvider yandex = registry.lookup("ivan@yandex.ru").orElseThrow();
    OAuth2Facts f = yandex.oauth2().orElseThrow();

    assertThat(f.scopes(Protocol.IMAP)).containsExactly("mail:imap_full");
    assertThat(f.scopes(Protocol.SMTP)).containsExactly("mail:smtp");
    assertThat(f.supports(Protocol.POP3)).isFalse();
    assertThat(f.scopes(Protocol.POP3)).isEmpty();
    assertThat(f.deviceAuthorizationEndpoint()).isEmpty();
    assertThat(f.deviceFlowGrantsMail()).isFalse();
    assertThat(yandex.supports(Protocol.POP3)).isTrue();
  }

  @Test
  void everyBuiltInProviderWithFactsOffersOAuth2AndEveryOAuth2OnlyProviderHasFacts() {
    for (MailProvider p : registry.providers()) {
      if (p.oauth2().isPresent()) {
        assertThat(p.offersOAuth2()).as(p.id()).isTrue();
        OAuth2Facts f = p.oauth2().get();
        for (Protocol protocol : f.scopes().keySet()) {
          assertThat(p.supports(protocol)).as(p.id() + " has a " + protocol + " server").isTrue();
        }
        assertThat(f.source().getScheme()).isEqualTo("https");
      }
      if (p.authentication() == Authentication.OAUTH2) {
        assertThat(p.oauth2()).as(p.id() + " accepts only OAuth2, so it must say how").isPresent();
      }
    }
    assertThat(registry.providers().stream().filter(p -> p.oauth2().isPresent()).map(MailProvider::id))
        .contains("gmail", "outlook", "microsoft365", "yandex");
  }

  @Test
  void providersWithoutConfirmedFactsSayWhatTheyKnowInANote() {
    assertThat(registry.byId("yahoo").orElseThrow().setupNotes())
        .anySatisfy(n -> assertThat(n.text()).contains("OAUTHBEARER").contains("approved"));
    assertThat(registry.byId("aol").orElseThrow().setupNotes()).anySatisfy(n -> assertThat(n.text()).contains("OAUTHBEARER"));
    assertThat(registry.byId("fastmail").orElseThrow().setupNotes())
        .anySatisfy(n -> assertThat(n.link()).contains(URI.create("https://www.fastmail.com/for-developers/oauth/")));
    assertThat(registry.byId("mailru").orElseThrow().setupNotes()).anySatisfy(n -> assertThat(n.text()).contains("unconfirmed"));
    for (String id : List.of("yahoo", "aol", "fastmail", "mailru")) {
      MailProvider p = registry.byId(id).orElseThrow();
      assertThat(p.oauth2()).as(id).isEmpty();
      assertThat(p.offersOAuth2()).as(id).isTrue();
    }
  }

  @Test
  void passwordProvidersThatNeedAnotherSecretSaySoWithASource() {
    MailProvider icloud = registry.byId("icloud").orElseThrow();
    assertThat(icloud.authentication()).isEqualTo(Authentication.APP_PASSWORD);
    assertThat(icloud.setupNotes()).anySatisfy(n -> {
      assertThat(n.text()).contains("app-specific password");
      assertThat(n.link()).isPresent();
    });
    for (String id : List.of("qq", "netease-163", "netease-126", "netease-yeah")) {
      MailProvider p = registry.byId(id).orElseThrow();
      assertThat(p.authentication()).as(id).isEqualTo(Authentication.AUTHORIZATION_CODE);
      assertThat(p.setupNotes()).as(id).anySatisfy(n -> {
        assertThat(n.text()).contains("authorization code");
        assertThat(n.link()).isPresent();
      });
    }
  }

  @Test
  void rejectsBadFactsNamingTheValue() {
    URI ok = URI.create("https://idp.example/authorize");
    Map<Protocol, List<String>> imap = Map.of(Protocol.IMAP, List.of("mail"));
    assertThatThrownBy(() -> facts(URI.create("http://idp.example/a"), Optional.empty(), false, imap, List.of("XOAUTH2"),
        Optional.empty())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("authorization endpoint must be an absolute https URL with a host, was \"http://idp.example/a\"");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), true, imap, List.of("XOAUTH2"), Optional.empty()))
        .hasMessageContaining("deviceFlowGrantsMail is true but there is no device authorization endpoint");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), false, Map.of(), List.of("XOAUTH2"), Optional.empty()))
        .hasMessageContaining("at least one protocol");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), false, Map.of(Protocol.SMTP, List.of()), List.of("XOAUTH2"),
        Optional.empty())).hasMessageContaining("scopes for SMTP are empty");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), false, Map.of(Protocol.IMAP, List.of("a b")), List.of("XOAUTH2"),
        Optional.empty())).hasMessageContaining("was \"a b\"");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), false, imap, List.of("PLAIN"), Optional.empty()))
        .hasMessage("OAuth2 mechanism must be XOAUTH2 or OAUTHBEARER, was \"PLAIN\"");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), false, imap, List.of(), Optional.empty()))
        .hasMessageContaining("at least one SASL mechanism");
    assertThatThrownBy(() -> facts(ok, Optional.empty(), false, imap, List.of("XOAUTH2"), Optional.of("common")))
        .hasMessageContaining("must start its path with the tenant \"common\", was \"https://idp.example/authorize\"");
  }

  @Test
  void scopesAndListsCannotBeChangedAfterwards() {
    OAuth2Facts f = registry.byId("gmail").orElseThrow().oauth2().orElseThrow();
    assertThatThrownBy(() -> f.scopes().put(Protocol.IMAP, List.of("x"))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> f.scopes(Protocol.IMAP).add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> f.mechanisms().add("OAUTHBEARER")).isInstanceOf(UnsupportedOperationException.class);
  }

  private static OAuth2Facts facts(URI authorize, Optional<URI> device, boolean deviceMail, Map<Protocol, List<String>> scopes,
      List<String> mechanisms, Optional<String> tenant) {
    URI token = URI.create("https://idp.example/token");
    return new OAuth2Facts(authorize, token, device, deviceMail, scopes, List.of(), mechanisms, tenant, "Register an app.",
        URI.create("https://idp.example/docs"));
  }
}
