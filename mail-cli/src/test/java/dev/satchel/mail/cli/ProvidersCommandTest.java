package dev.satchel.mail.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProvidersCommandTest {
  private final Cli cli = new Cli();

  @Test
  void textShowsServersLoginAndNotesForAnAddress() {
    Cli.Result r = cli.run("providers", "alice@icloud.com");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("iCloud")
        .contains("authentication: an app password")
        .containsPattern("imap\\s+imap\\.mail\\.me\\.com\\s+993\\s+TLS\\s+login: alice\\b")
        .containsPattern("smtp\\s+smtp\\.mail\\.me\\.com\\s+587\\s+STARTTLS\\s+login: alice@icloud\\.com")
        .contains("before you start:")
        .contains("https://");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void textForADomainShowsLoginForms() {
    Cli.Result r = cli.run("providers", "GMAIL.com");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("Gmail").containsPattern("imap\\s+imap\\.gmail\\.com\\s+993\\s+TLS\\s+login: full address");
  }

  @Test
  void tsvHasAHeaderAndOneLinePerServer() {
    Cli.Result r = cli.run("providers", "alice@gmail.com", "--format", "tsv");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    List<String> lines = r.out().lines().toList();
    assertThat(lines.get(0)).isEqualTo("provider\tname\tdirection\tprotocol\thost\tport\tsecurity\tlogin\tauthentication");
    assertThat(lines).hasSizeGreaterThanOrEqualTo(3);
    assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l.split("\t", -1)).hasSize(9));
    assertThat(lines).anySatisfy(l -> assertThat(Arrays.asList(l.split("\t")))
        .containsSequence("incoming", "imap", "imap.gmail.com", "993", "tls", "alice@gmail.com"));
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("\toutgoing\tsmtp\tsmtp.gmail.com\t"));
  }

  @Test
  void jsonDescribesTheProvider() {
    Cli.Result r = cli.run("providers", "alice@icloud.com", "--format", "json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out().strip()).startsWith("{").endsWith("}");
    assertThat(r.out())
        .contains("\"id\": \"icloud\"")
        .contains("\"authentication\": \"app_password\"")
        .contains("\"host\": \"imap.mail.me.com\"")
        .contains("\"port\": 993")
        .contains("\"loginName\": \"alice\"")
        .contains("\"setupNotes\": [");
  }

  @Test
  void textShowsTheOAuth2FactsOfMicrosoft365() {
    Cli.Result r = cli.run("providers", "erin@onmicrosoft.com");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("  OAuth2:")
        .containsPattern("authorization:\\s+https://login\\.microsoftonline\\.com/organizations/oauth2/v2\\.0/authorize")
        .containsPattern("token:\\s+https://login\\.microsoftonline\\.com/organizations/oauth2/v2\\.0/token")
        .containsPattern("device flow:\\s+https://login\\.microsoftonline\\.com/organizations/oauth2/v2\\.0/devicecode"
            + " \\(grants the mail scopes\\)")
        .containsPattern("tenant:\\s+organizations \\(for one tenant only")
        .containsPattern("scopes imap:\\s+https://outlook\\.office\\.com/IMAP\\.AccessAsUser\\.All offline_access")
        .containsPattern("scopes pop3:\\s+https://outlook\\.office\\.com/POP\\.AccessAsUser\\.All offline_access")
        .containsPattern("scopes smtp:\\s+https://outlook\\.office\\.com/SMTP\\.Send offline_access")
        .containsPattern("app-only scope:\\s+https://outlook\\.office365\\.com/\\.default")
        .containsPattern("mechanisms:\\s+XOAUTH2")
        .containsPattern("note:\\s+Work and school accounts need an app registration")
        .containsPattern("source:\\s+https://learn\\.microsoft\\.com/exchange/client-developer/legacy-protocols/");
  }

  @Test
  void textSaysWhenTheDeviceFlowCannotGrantTheMailScope() {
    Cli.Result r = cli.run("providers", "gmail.com");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .containsPattern("device flow:\\s+https://oauth2\\.googleapis\\.com/device/code - does not grant the mail scopes")
        .containsPattern("(?m)scopes imap:\\s+https://mail\\.google\\.com/$")
        .doesNotContain("tenant:")
        .doesNotContain("app-only scope:");
  }

  @Test
  void providersWithoutOAuth2FactsShowNoOAuth2Block() {
    Cli.Result r = cli.run("providers", "alice@icloud.com");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).doesNotContain("OAuth2:").doesNotContain("\"oauth2\"");
    assertThat(cli.run("providers", "alice@icloud.com", "--format", "json").out()).doesNotContain("\"oauth2\"");
  }

  @Test
  void jsonCarriesTheOAuth2Facts() {
    Cli.Result r = cli.run("providers", "erin@hotmail.com", "--format", "json");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out())
        .contains("\"oauth2\": {")
        .contains("\"authorizationEndpoint\": \"https://login.microsoftonline.com/consumers/oauth2/v2.0/authorize\"")
        .contains("\"tokenEndpoint\": \"https://login.microsoftonline.com/consumers/oauth2/v2.0/token\"")
        .contains("\"deviceAuthorizationEndpoint\": \"https://login.microsoftonline.com/consumers/oauth2/v2.0/devicecode\"")
        .contains("\"deviceFlowGrantsMail\": true")
        .contains("\"tenant\": \"consumers\"")
        .containsPattern("\"scopes\": \\{\\s+\"imap\": \\[\\s+\"https://outlook.office.com/IMAP.AccessAsUser.All\",\\s+\"offline_access\"")
        .containsPattern("\"smtp\": \\[\\s+\"https://outlook.office.com/SMTP.Send\",\\s+\"offline_access\"")
        .contains("\"appOnlyScopes\": []")
        .containsPattern("\"mechanisms\": \\[\\s+\"XOAUTH2\"\\s+]")
        .contains("\"note\": \"Needs your own app registration")
        .contains("\"source\": \"https://learn.microsoft.com/exchange/client-developer/legacy-protocols/");
    Cli.Result gmail = cli.run("providers", "gmail.com", "--format", "json");
    assertThat(gmail.out()).contains("\"deviceFlowGrantsMail\": false").contains("\"tenant\": null");
  }

  @Test
  void allListsTheWholeRegistryInEachFormat() {
    Cli.Result text = cli.run("providers", "--all");
    Cli.Result tsv = cli.run("providers", "--all", "--format", "tsv");
    Cli.Result json = cli.run("providers", "--all", "--format", "json");

    assertThat(text.exitCode()).isZero();
    assertThat(text.out()).contains("Gmail (gmail)").contains("iCloud").containsPattern("\\d+ providers\\.");
    assertThat(tsv.out().lines().filter(l -> l.startsWith("gmail\t")).count()).isGreaterThanOrEqualTo(2);
    assertThat(json.out().strip()).startsWith("[").endsWith("]").contains("\"id\": \"gmail\"");
  }

  @Test
  void providerWithoutAccessSaysSo() {
    Cli.Result r = cli.run("providers", "tuta.com");

    assertThat(r.exitCode()).as(r.toString()).isZero();
    assertThat(r.out()).contains("access:         none");
  }

  @Test
  void unknownDomainExitsNotFoundWithOneLine() {
    Cli.Result r = cli.run("providers", "nobody.invalid");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    assertThat(r.err().lines()).hasSize(1);
    assertThat(r.err()).contains("no provider for \"nobody.invalid\"").contains("--discover");
  }

  @Test
  void unknownFormatIsAUsageError() {
    Cli.Result r = cli.run("providers", "gmail.com", "--format", "xml");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("--format");
  }
}
