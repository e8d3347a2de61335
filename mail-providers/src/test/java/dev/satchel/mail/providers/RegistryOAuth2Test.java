package dev.satchel.mail.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Protocol;
import java.io.StringReader;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** The {@code oauth2-*} keys of the registry format: good sections and the error of each bad line. */
class RegistryOAuth2Test {
  private static final String HEAD = "[corp]\nname = Corp Mail\ndomains = corp.example\n"
      + "imap = imap.corp.example:993 tls address\nsmtp = smtp.corp.example:587 starttls address\n"
      + "auth = oauth2\nsource = provider\n";
  private static final String FACTS = "oauth2-authorize = https://id.corp.example/authorize\n"
      + "oauth2-token = https://id.corp.example/token\n"
      + "oauth2-scopes-imap = mail.read offline\n"
      + "oauth2-scopes-smtp = mail.send\n"
      + "oauth2-mechanisms = oauthbearer XOAUTH2\n"
      + "oauth2-note = Ask IT for a client ID.\n"
      + "oauth2-source = https://it.corp.example/oauth\n";

  @Test
  void readsACompleteSection() {
    MailProvider p = parse(HEAD + FACTS + "oauth2-device = https://id.corp.example/device\noauth2-device-mail = yes\n"
        + "oauth2-app-scopes = https://corp.example/.default\n");
    OAuth2Facts f = p.oauth2().orElseThrow();

    assertThat(f.authorizationEndpoint()).isEqualTo(URI.create("https://id.corp.example/authorize"));
    assertThat(f.tokenEndpoint()).isEqualTo(URI.create("https://id.corp.example/token"));
    assertThat(f.deviceAuthorizationEndpoint()).contains(URI.create("https://id.corp.example/device"));
    assertThat(f.deviceFlowGrantsMail()).isTrue();
    assertThat(f.scopes(Protocol.IMAP)).containsExactly("mail.read", "offline");
    assertThat(f.scopes(Protocol.SMTP)).containsExactly("mail.send");
    assertThat(f.supports(Protocol.POP3)).isFalse();
    assertThat(f.appOnlyScopes()).containsExactly("https://corp.example/.default");
    assertThat(f.mechanisms()).containsExactly("OAUTHBEARER", "XOAUTH2");
    assertThat(f.tenant()).isEmpty();
    assertThat(f.note()).isEqualTo("Ask IT for a client ID.");
    assertThat(f.source()).isEqualTo(URI.create("https://it.corp.example/oauth"));
    assertThat(p.offersOAuth2()).isTrue();
  }

  @Test
  void withoutFactsTheProviderHasNone() {
    MailProvider p = parse(HEAD.replace("auth = oauth2", "auth = password"));
    assertThat(p.oauth2()).isEmpty();
    assertThat(p.offersOAuth2()).isFalse();
  }

  @Test
  void factsAloneMakeTheProviderOfferOAuth2() {
    MailProvider p = parse(HEAD.replace("auth = oauth2", "auth = app-password") + FACTS);
    assertThat(p.offersOAuth2()).isTrue();
    assertThat(p.toBuilder().build()).isEqualTo(p);
  }

  @Test
  void fillsMicrosoftsTenantPlaceholder() {
    String ms = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/";
    MailProvider p = parse(HEAD + FACTS.replace("https://id.corp.example/authorize", ms + "authorize")
        .replace("https://id.corp.example/token", ms + "token") + "oauth2-tenant = organizations\n");
    OAuth2Facts f = p.oauth2().orElseThrow();

    assertThat(f.tenant()).contains("organizations");
    assertThat(f.authorizationEndpoint()).hasToString("https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize");
    assertThat(f.forTenant("corp.example").tokenEndpoint())
        .hasToString("https://login.microsoftonline.com/corp.example/oauth2/v2.0/token");
  }

  @Test
  void eachBadLineIsReportedWithItsLineAndValue() {
    // HEAD is lines 1-7, so the first line after it is line 8.
    assertError(HEAD + "oauth2-authorize = http://id.corp.example/authorize\n",
        "test.txt:8: oauth2-authorize must be an absolute https URL with a host, was \"http://id.corp.example/authorize\"");
    assertError(HEAD + "oauth2-token = not a url\n",
        "test.txt:8: oauth2-token must be an absolute https URL, was \"not a url\"");
    assertError(HEAD + "oauth2-token = https://id.corp.example/{tenant}/token\n",
        "test.txt:8: the {tenant} placeholder belongs only in Microsoft's endpoints, as the first path segment"
            + " (https://login.microsoftonline.com/{tenant}/...); oauth2-token was \"https://id.corp.example/{tenant}/token\"");
    assertError(HEAD + "oauth2-authorize = https://login.microsoftonline.com/x/{tenant}/authorize\n",
        "test.txt:8: the {tenant} placeholder belongs only in Microsoft's endpoints");
    assertError(HEAD + "oauth2-scopes-nntp = news\n",
        "test.txt:8: unknown protocol \"nntp\" in \"oauth2-scopes-nntp\"; use oauth2-scopes-imap, oauth2-scopes-pop3 or"
            + " oauth2-scopes-smtp");
    assertError(HEAD + "oauth2-scopes-imap = good \"quoted\"\n",
        "test.txt:8: oauth2-scopes-imap: an OAuth2 scope must be printable ASCII without space, '\"' or '\\', was \"\"quoted\"\"");
    assertError(HEAD + "oauth2-mechanisms = XOAUTH2 PLAIN\n",
        "test.txt:8: oauth2-mechanisms must be XOAUTH2 and/or OAUTHBEARER, was \"PLAIN\"");
    assertError(HEAD + "oauth2-device-mail = maybe\n", "test.txt:8: oauth2-device-mail must be yes or no, was \"maybe\"");
    assertError(HEAD + "oauth2-tenant = a/b\n", "test.txt:8: tenant must be common, organizations, consumers, a tenant ID"
        + " (GUID) or a domain, was \"a/b\"");
    assertError(HEAD + "oauth2-colour = blue\n", "test.txt:8: unknown key \"oauth2-colour\"");
    assertError(HEAD + "oauth2-source = https://a.example/\noauth2-source = https://b.example/\n",
        "test.txt:9: \"oauth2-source\" appears twice in this section");
    assertError(HEAD + "oauth2-note =\n", "test.txt:8: \"oauth2-note\" has no value");
  }

  @Test
  void sectionLevelMistakesNameTheSection() {
    assertError(HEAD + "oauth2-token = https://id.corp.example/token\n",
        "test.txt:1: provider section: OAuth2 facts are incomplete: oauth2-authorize, oauth2-scopes-imap, -pop3 or -smtp,"
            + " oauth2-mechanisms, oauth2-note, oauth2-source missing");
    assertError(HEAD + FACTS + "oauth2-device = https://id.corp.example/device\n",
        "test.txt:1: provider section: OAuth2 facts are incomplete: oauth2-device-mail");
    assertError(HEAD + FACTS + "oauth2-device-mail = no\n",
        "test.txt:1: provider section: oauth2-device-mail is given but oauth2-device is not");
    assertError(HEAD + FACTS + "oauth2-tenant = common\n",
        "test.txt:1: provider section: oauth2-tenant is given but no OAuth2 endpoint contains {tenant}");
    assertError(HEAD + FACTS.replace("https://id.corp.example/token",
        "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
        "test.txt:1: provider section: the OAuth2 endpoints contain {tenant} but oauth2-tenant is missing");
    assertError(HEAD + FACTS + "oauth2-scopes-pop3 = mail.read\n",
        "test.txt:1: provider section: provider \"corp\" has OAuth2 scopes for POP3 but no POP3 server");
    assertError(HEAD + "oauth2 = no\n" + FACTS,
        "test.txt:1: provider section: \"oauth2 = no\" contradicts the oauth2-* facts of this section");
  }

  @Test
  void theBuiltInRegistryHeaderDocumentsEveryOAuth2Key() throws Exception {
    String header;
    try (var in = MailProviders.class.getResourceAsStream("providers.txt")) {
      assertThat(in).isNotNull();
      header = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
    }
    for (String key : new String[] {"oauth2-authorize", "oauth2-token", "oauth2-device", "oauth2-device-mail",
        "oauth2-tenant", "oauth2-scopes-imap", "oauth2-scopes-pop3", "oauth2-scopes-smtp", "oauth2-app-scopes",
        "oauth2-mechanisms", "oauth2-note", "oauth2-source", "{tenant}"}) {
      assertThat(header.substring(0, header.indexOf("\n["))).as(key).contains(key);
    }
  }

  private static void assertError(String text, String messageStart) {
    assertThatThrownBy(() -> parse(text)).isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith(messageStart);
  }

  private static MailProvider parse(String text) {
    return MailProviders.parse(new StringReader(text), "test.txt").providers().get(0);
  }
}
