package dev.satchel.mail.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoconfigTest {

  static String config(String providerBody, String rootExtra) {
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<clientConfig version=\"1.1\">\n"
        + "<emailProvider id=\"example.org\">\n" + providerBody + "</emailProvider>\n" + rootExtra + "</clientConfig>\n";
  }

  static final String SERVERS = """
        <incomingServer type="imap">
          <hostname>imap.example.org</hostname><port>993</port><socketType>SSL</socketType>
          <username>%EMAILLOCALPART%</username><authentication>password-cleartext</authentication>
        </incomingServer>
        <incomingServer type="pop3">
          <hostname>pop.example.org</hostname><port>110</port><socketType>STARTTLS</socketType>
          <username>%EMAILADDRESS%</username><authentication>plain</authentication>
          <pop3><leaveMessagesOnServer>true</leaveMessagesOnServer></pop3>
        </incomingServer>
        <outgoingServer type="smtp">
          <hostname>smtp.example.org</hostname><port>587</port><socketType>STARTTLS</socketType>
          <username>%EMAILADDRESS%</username><authentication>password-encrypted</authentication>
        </outgoingServer>
      """;

  @Test
  void readsDomainsServersInOrderAndUsernameForms() {
    MailProvider p = Autoconfig.parse(config("<domain>example.org</domain><domain>Example.NET</domain>"
        + "<displayName>Example Mail</displayName>" + SERVERS, ""), "test.xml");

    assertThat(p.id()).isEqualTo("example.org");
    assertThat(p.name()).isEqualTo("Example Mail");
    assertThat(p.domains()).containsExactly("example.org", "example.net");
    assertThat(p.incoming()).containsExactly(
        new ProviderServer(Protocol.IMAP, "imap.example.org", 993, Security.TLS, UsernameForm.LOCAL_PART),
        new ProviderServer(Protocol.POP3, "pop.example.org", 110, Security.STARTTLS, UsernameForm.FULL_ADDRESS));
    assertThat(p.outgoing()).containsExactly(
        new ProviderServer(Protocol.SMTP, "smtp.example.org", 587, Security.STARTTLS, UsernameForm.FULL_ADDRESS));
    assertThat(p.authentication()).isEqualTo(Authentication.PASSWORD);
    assertThat(p.offersOAuth2()).isFalse();
    assertThat(p.verified()).isTrue();
  }

  @Test
  void toleratesTheQuirksOfRealFiles() {
    String body = """
        <domain>inbox.example</domain>
        <domain>inbox.example</domain>
        <domain purpose="mx">mx.hoster.example</domain>
        <displayNameShort>Inbox</displayNameShort>
        <incomingServer type="exchange"><hostname>ex.example</hostname><port>443</port><socketType>SSL</socketType></incomingServer>
        <incomingServer type="ews"><url>https://ex.example/ews</url><username>%EMAILADDRESS</username></incomingServer>
        <incomingServer type="imap">
          <hostname>mail.%EMAILDOMAIN%</hostname><port> 993 </port><socketType>ssl</socketType>
          <username>%EMAILADDRESS</username>
          <authentication>GSSAPI</authentication><authentication>OAuth2</authentication><authentication>password-cleartext</authentication>
        </incomingServer>
        <incomingServer type="imap">
          <hostname>ntlm-only.example</hostname><port>993</port><socketType>SSL</socketType><authentication>NTLM</authentication>
        </incomingServer>
        <outgoingServer type="smtp">
          <hostname>mail.%EMAILDOMAIN%</hostname><port>465</port><socketType>SSL</socketType>
          <authentication>password-cleartext</authentication>
          <addThisServer>true</addThisServer><useGlobalPreferredServer>false</useGlobalPreferredServer>
        </outgoingServer>
        <instruction url="https://inbox.example/help"><descr lang="de">Hilfe</descr><descr lang="en">Setup help</descr></instruction>
        <enable visiturl="https://inbox.example/settings"><instruction lang="en">Allow IMAP in settings first.</instruction></enable>
        <webMail><loginPage url="https://inbox.example/"/></webMail>
        """;
    String root = """
        <enable visiturl="https://inbox.example/root-enable"><instruction>Root level enable.</instruction></enable>
        <oAuth2><issuer>inbox.example</issuer><scope>mail</scope></oAuth2>
        """;
    MailProvider p = Autoconfig.parse(config(body, root), "quirks.xml");

    assertThat(p.domains()).containsExactly("inbox.example");
    assertThat(p.mxDomains()).containsExactly("mx.hoster.example");
    assertThat(p.name()).isEqualTo("Inbox");
    assertThat(p.incoming()).containsExactly(
        new ProviderServer(Protocol.IMAP, "mail.%EMAILDOMAIN%", 993, Security.TLS, UsernameForm.FULL_ADDRESS));
    assertThat(p.incoming().get(0).server(EmailAddress.of("kim@inbox.example")).host()).isEqualTo("mail.inbox.example");
    assertThat(p.outgoing()).extracting(ProviderServer::username).containsExactly(UsernameForm.FULL_ADDRESS);
    assertThat(p.offersOAuth2()).isTrue();
    assertThat(p.authentication()).isEqualTo(Authentication.PASSWORD);
    assertThat(p.setupNotes()).extracting(SetupNote::text)
        .containsExactlyInAnyOrder("Root level enable.", "Allow IMAP in settings first.", "Setup help");
  }

  @Test
  void oauthOnlyServersMakeOAuth2Required() {
    String body = """
        <domain>ms.example</domain>
        <incomingServer type="imap"><hostname>outlook.office365.com</hostname><port>993</port><socketType>SSL</socketType>
          <username>%EMAILADDRESS%</username><authentication>OAuth2</authentication></incomingServer>
        <outgoingServer type="smtp"><hostname>smtp.office365.com</hostname><port>587</port><socketType>STARTTLS</socketType>
          <username>%EMAILADDRESS%</username><authentication>OAuth2</authentication></outgoingServer>
        """;
    assertThat(Autoconfig.parse(config(body, ""), "ms.xml").authentication()).isEqualTo(Authentication.OAUTH2);
  }

  @Test
  void readsAFileFromDisk(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("example.org.xml");
    Files.writeString(file, config("<domain>example.org</domain>" + SERVERS, ""));
    try (var in = Files.newInputStream(file)) {
      assertThat(Autoconfig.parse(in, file.toString()).incoming()).hasSize(2);
    }
  }

  @Test
  void namesTheElementThatIsWrong() {
    String noHost = "<domain>a.example</domain><incomingServer type=\"imap\"><port>993</port><socketType>SSL</socketType></incomingServer>";
    assertThatThrownBy(() -> Autoconfig.parse(config(noHost, ""), "a.xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("autoconfig a.xml: <incomingServer type=\"imap\"> #1: <hostname> is missing");

    String badPort = "<domain>a.example</domain><outgoingServer type=\"smtp\"><hostname>s.a.example</hostname><port>twenty-five</port>"
        + "<socketType>SSL</socketType></outgoingServer>";
    assertThatThrownBy(() -> Autoconfig.parse(config(badPort, ""), "a.xml"))
        .hasMessageContaining("<outgoingServer type=\"smtp\"> #1: <port> must be a number, was \"twenty-five\"");

    String badSocket = "<domain>a.example</domain><incomingServer type=\"imap\"><hostname>i.a.example</hostname><port>993</port>"
        + "<socketType>TLS1.3</socketType></incomingServer>";
    assertThatThrownBy(() -> Autoconfig.parse(config(badSocket, ""), "a.xml"))
        .hasMessageContaining("<socketType> must be SSL, STARTTLS or plain, was \"TLS1.3\"");

    assertThatThrownBy(() -> Autoconfig.parse(config(SERVERS, ""), "a.xml")).hasMessageContaining("no valid <domain>");
    assertThatThrownBy(() -> Autoconfig.parse("<config/>", "a.xml")).hasMessageContaining("root element must be <clientConfig>, was <config>");
    assertThatThrownBy(() -> Autoconfig.parse("<clientConfig version=\"1.1\"/>", "a.xml")).hasMessageContaining("no <emailProvider>");
    assertThatThrownBy(() -> Autoconfig.parse(config("<domain>a.example</domain>", ""), "a.xml"))
        .hasMessageContaining("no usable IMAP, POP3 or SMTP server");
  }

  @Test
  void rejectsXmlThatIsNotWellFormed() {
    assertThatThrownBy(() -> Autoconfig.parse("<clientConfig><emailProvider>", "broken.xml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("autoconfig broken.xml is not well-formed XML");
    assertThatThrownBy(() -> Autoconfig.parse("", "empty.xml")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesExternalEntitiesAndDtds(@TempDir Path dir) throws Exception {
    Path secret = dir.resolve("secret.txt");
    Files.writeString(secret, "top-secret-value");
    String xxe = "<?xml version=\"1.0\"?>\n<!DOCTYPE clientConfig [<!ENTITY x SYSTEM \"" + secret.toUri() + "\">]>\n"
        + config("<domain>a.example</domain><displayName>&x;</displayName>" + SERVERS, "").replace("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "");
    assertThatThrownBy(() -> Autoconfig.parse(xxe, "xxe.xml"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("DOCTYPE").hasMessageNotContaining("top-secret-value");

    String externalDtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE clientConfig SYSTEM \"http://127.0.0.1:1/never.dtd\">\n<clientConfig/>";
    assertThatThrownBy(() -> Autoconfig.parse(externalDtd, "dtd.xml")).hasMessageContaining("DOCTYPE");

    String billionLaughs = "<?xml version=\"1.0\"?><!DOCTYPE l [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><clientConfig>&b;</clientConfig>";
    assertThatThrownBy(() -> Autoconfig.parse(billionLaughs, "laughs.xml")).hasMessageContaining("DOCTYPE");
  }
}
