package dev.satchel.mail.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class ServerSpecTest {

  @Test
  void securityDefaultsToTlsAndPortToTheWellKnownOne() {
    assertThat(ServerSpec.parse("imap:imap.example.com")).isEqualTo(new Server(Protocol.IMAP, "imap.example.com", 993, Security.TLS));
    assertThat(ServerSpec.parse("smtp:mail.example.com:starttls"))
        .isEqualTo(new Server(Protocol.SMTP, "mail.example.com", 587, Security.STARTTLS));
    assertThat(ServerSpec.parse("POP3:127.0.0.1:3110:none")).isEqualTo(new Server(Protocol.POP3, "127.0.0.1", 3110, Security.NONE));
  }

  @Test
  void ipv6HostsGoInBrackets() {
    assertThat(ServerSpec.parse("imap:[::1]:1143:none")).isEqualTo(new Server(Protocol.IMAP, "::1", 1143, Security.NONE));
  }

  @Test
  void badSpecsNameTheProblem() {
    assertThatThrownBy(() -> ServerSpec.parse("ftp:example.com"))
        .isInstanceOf(CommandLine.TypeConversionException.class).hasMessageContaining("protocol must be imap, pop3 or smtp");
    assertThatThrownBy(() -> ServerSpec.parse("imap:example.com:70000"))
        .hasMessageContaining("port must be 1..65535, was 70000");
    assertThatThrownBy(() -> ServerSpec.parse("imap:example.com:ssl3"))
        .hasMessageContaining("security must be tls, starttls or none");
    assertThatThrownBy(() -> ServerSpec.parse("example.com")).hasMessageContaining("PROTOCOL:HOST[:PORT][:SECURITY]");
  }

  @Test
  void badServerOnTheCommandLineIsAUsageError() {
    Cli.Result r = new Cli().run("list", "alice@example.com", "--server", "imap:example.com:99999");

    assertThat(r.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("port must be 1..65535, was 99999").contains("satchel list --help");
  }
}
