package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ServerTest {

  @ParameterizedTest
  @CsvSource({"IMAP,TLS,993", "IMAP,STARTTLS,143", "IMAP,NONE,143", "POP3,TLS,995", "POP3,STARTTLS,110",
      "POP3,NONE,110", "SMTP,TLS,465", "SMTP,STARTTLS,587", "SMTP,NONE,25"})
  void usesTheWellKnownPortForProtocolAndSecurity(Protocol protocol, Security security, int port) {
    assertThat(Server.of(protocol, "mail.example.com", security).port()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 993, 65535})
  void acceptsPorts1To65535(int port) {
    assertThat(new Server(Protocol.IMAP, "127.0.0.1", port, Security.NONE).port()).isEqualTo(port);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -1, 65536, 70000, Integer.MIN_VALUE})
  void rejectsPortsOutside1To65535NamingTheValue(int port) {
    assertThatIllegalArgumentException().isThrownBy(() -> new Server(Protocol.IMAP, "localhost", port, Security.TLS))
        .withMessage("port must be 1..65535, was " + port);
  }

  @Test
  void rejectsBlankHost() {
    assertThatIllegalArgumentException().isThrownBy(() -> new Server(Protocol.SMTP, " ", 25, Security.NONE))
        .withMessage("host must not be blank");
  }

  @ParameterizedTest
  @ValueSource(strings = {"imap example.com", "imap.example.com\r\n", "http://imap.example.com", "a\tb", "x\u0000"})
  void rejectsHostsWithWhitespaceControlsOrSlashesNamingTheValue(String host) {
    assertThatIllegalArgumentException().isThrownBy(() -> new Server(Protocol.IMAP, host, 993, Security.TLS))
        .withMessageStartingWith("host must be a host name or IP address, was \"")
        .withMessageContaining(EmailAddress.escape(host))
        .withMessageNotContaining("\r").withMessageNotContaining("\n");
  }

  @Test
  void acceptsIpLiteralsAndLocalhost() {
    assertThat(new Server(Protocol.IMAP, "::1", 143, Security.NONE).host()).isEqualTo("::1");
    assertThat(new Server(Protocol.IMAP, "localhost", 143, Security.NONE).host()).isEqualTo("localhost");
  }

  @Test
  void showsAsUrlWithSecurity() {
    assertThat(Server.of(Protocol.IMAP, "imap.example.com", Security.TLS)).hasToString("imap://imap.example.com:993 (TLS)");
  }

  @Test
  void isAValue() {
    assertThat(Server.of(Protocol.SMTP, "smtp.example.com", Security.STARTTLS))
        .isEqualTo(new Server(Protocol.SMTP, "smtp.example.com", 587, Security.STARTTLS));
  }
}
