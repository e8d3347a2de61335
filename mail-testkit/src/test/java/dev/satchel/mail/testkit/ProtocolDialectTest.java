package dev.satchel.mail.testkit;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.satchel.mail.Protocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Capability masking and command counting, fed byte streams directly (no sockets). */
class ProtocolDialectTest {

  /** One connection's dialect with what it produced. */
  private static final class Run {
    final ProtocolDialect dialect;
    final List<String> names = new ArrayList<>();
    int commands;
    final ByteArrayOutputStream toClient = new ByteArrayOutputStream();

    Run(Protocol protocol, String... hidden) {
      dialect = ProtocolDialect.of(protocol, Set.copyOf(ConnectionScript.hiding(hidden).hiddenCapabilities()), name -> {
        commands++;
        if (name != null) {
          names.add(name);
        }
      });
    }

    Run client(String text) {
      byte[] b = text.getBytes(ISO_8859_1);
      dialect.fromClient(b, 0, b.length);
      return this;
    }

    Run server(String text) throws IOException {
      byte[] b = text.getBytes(ISO_8859_1);
      dialect.fromServer(b, 0, b.length, toClient::write);
      return this;
    }

    /** Feeds the server text in pieces split at {@code cut} and {@code cut2}. */
    Run serverSplit(String text, int cut, int cut2) throws IOException {
      byte[] b = text.getBytes(ISO_8859_1);
      int a = Math.min(cut, b.length);
      int c = Math.max(a, Math.min(cut2, b.length));
      dialect.fromServer(b, 0, a, toClient::write);
      dialect.fromServer(b, a, c - a, toClient::write);
      dialect.fromServer(b, c, b.length - c, toClient::write);
      dialect.endOfServerStream(toClient::write);
      return this;
    }

    String seen() {
      return toClient.toString(ISO_8859_1);
    }
  }

  @Test
  void imapHidesCapabilitiesInGreetingCapabilityAndTaggedOk() throws IOException {
    Run run = new Run(Protocol.IMAP, "MOVE", "IDLE", "AUTH");
    run.server("* OK [CAPABILITY IMAP4rev1 IDLE AUTH=PLAIN LITERAL+] ready\r\n");
    run.client("a1 CAPABILITY\r\n");
    run.server("* CAPABILITY IMAP4rev1 MOVE UIDPLUS IDLE\r\na1 OK done\r\n");
    run.client("a2 LOGIN alice secret\r\n");
    run.server("a2 OK [CAPABILITY IMAP4rev1 MOVE QUOTA] Logged in\r\n");
    assertThat(run.seen()).isEqualTo("* OK [CAPABILITY IMAP4rev1 LITERAL+] ready\r\n"
        + "* CAPABILITY IMAP4rev1 UIDPLUS\r\na1 OK done\r\n"
        + "a2 OK [CAPABILITY IMAP4rev1 QUOTA] Logged in\r\n");
    assertThat(run.names).containsExactly("CAPABILITY", "LOGIN");
  }

  @Test
  void imapNeverTouchesLiteralContent() throws IOException {
    String body = "* CAPABILITY MOVE IDLE\r\nA OK [CAPABILITY MOVE]\r\n";
    String fetch = "* 1 FETCH (UID 7 BODY[] {" + body.length() + "}\r\n" + body + ")\r\n* CAPABILITY MOVE X\r\n";
    Run run = new Run(Protocol.IMAP, "MOVE");
    run.server(fetch);
    assertThat(run.seen()).isEqualTo("* 1 FETCH (UID 7 BODY[] {" + body.length() + "}\r\n" + body + ")\r\n* CAPABILITY X\r\n");
  }

  @Test
  void imapRewritingDoesNotDependOnHowTheStreamIsSplit() {
    String body = "* CAPABILITY IDLE\r\n";
    String stream = "* OK [CAPABILITY IMAP4rev1 IDLE] hi\r\n* 1 FETCH (BODY[] {" + body.length() + "}\r\n" + body
        + ")\r\n* CAPABILITY IDLE MOVE\r\nz OK\r\n";
    String expected = "* OK [CAPABILITY IMAP4rev1] hi\r\n* 1 FETCH (BODY[] {" + body.length() + "}\r\n" + body
        + ")\r\n* CAPABILITY MOVE\r\nz OK\r\n";
    qt().forAll(integers().between(0, stream.length()), integers().between(0, stream.length()))
        .checkAssert((a, b) -> {
          try {
            assertThat(new Run(Protocol.IMAP, "IDLE").serverSplit(stream, Math.min(a, b), Math.max(a, b)).seen()).isEqualTo(expected);
          } catch (IOException e) {
            throw new AssertionError(e);
          }
        });
  }

  @Test
  void imapCountsCommandsNotLiteralsAndNamesUidCommands() {
    Run run = new Run(Protocol.IMAP);
    run.client("a1 LOGIN {5}\r\nalice {6}\r\nsecret\r\n");
    run.client("a2 APPEND INBOX {12}\r\nline1\r\nline2\r\n");
    run.client("a3 UID MOVE 1:3 Trash\r\na4 uid fetch 1 (FLAGS)\r\na5 IDLE\r\nDONE\r\n");
    assertThat(run.commands).isEqualTo(6);
    assertThat(run.names).containsExactly("LOGIN", "APPEND", "UID MOVE", "UID FETCH", "IDLE", "DONE");
  }

  @Test
  void imapStopsParsingAfterStartTls() throws IOException {
    Run run = new Run(Protocol.IMAP, "IDLE");
    run.server("* OK ready\r\n");
    run.client("a1 STARTTLS\r\n");
    run.server("a1 OK Begin TLS\r\n* CAPABILITY IDLE\r\n");
    run.client("a2 NOOP\r\n");
    assertThat(run.seen()).isEqualTo("* OK ready\r\na1 OK Begin TLS\r\n* CAPABILITY IDLE\r\n");
    assertThat(run.names).containsExactly("STARTTLS");
  }

  @Test
  void pop3HidesCapaLinesOnlyInTheCapaAnswer() throws IOException {
    Run run = new Run(Protocol.POP3, "STLS", "UIDL", "SASL");
    run.server("+OK POP3 ready\r\n");
    run.client("CAPA\r\n");
    run.server("+OK Capability list follows\r\nTOP\r\nUIDL\r\nSTLS\r\nSASL PLAIN XOAUTH2\r\nUSER\r\n.\r\n");
    run.client("USER alice\r\nPASS secret\r\n");
    run.server("+OK\r\n+OK logged in\r\n");
    run.client("RETR 1\r\n");
    run.server("+OK 30 octets\r\nSubject: x\r\n\r\nUIDL\r\nSTLS\r\n..dot\r\n.\r\n");
    run.client("UIDL\r\n");
    run.server("+OK\r\n1 abc\r\n.\r\n");
    assertThat(run.seen()).isEqualTo("+OK POP3 ready\r\n"
        + "+OK Capability list follows\r\nTOP\r\nUSER\r\n.\r\n"
        + "+OK\r\n+OK logged in\r\n"
        + "+OK 30 octets\r\nSubject: x\r\n\r\nUIDL\r\nSTLS\r\n..dot\r\n.\r\n"
        + "+OK\r\n1 abc\r\n.\r\n");
    assertThat(run.names).containsExactly("CAPA", "USER", "PASS", "RETR", "UIDL");
  }

  @Test
  void pop3ErrAnswersAreSingleLine() throws IOException {
    Run run = new Run(Protocol.POP3, "TOP");
    run.server("+OK hi\r\n");
    run.client("CAPA\r\n");
    run.server("-ERR no\r\n");
    run.client("CAPA\r\n");
    run.server("+OK\r\nTOP\r\n.\r\n");
    assertThat(run.seen()).isEqualTo("+OK hi\r\n-ERR no\r\n+OK\r\n.\r\n");
  }

  @Test
  void smtpHidesEhloKeywordsAndRepairsTheLastLine() throws IOException {
    Run run = new Run(Protocol.SMTP, "STARTTLS", "SMTPUTF8");
    run.server("220 mail ESMTP\r\n");
    run.client("EHLO client\r\n");
    run.server("250-mail Hello\r\n250-8BITMIME\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n");
    assertThat(run.seen()).isEqualTo("220 mail ESMTP\r\n250-mail Hello\r\n250 8BITMIME\r\n");
  }

  @Test
  void smtpDoesNotCountMessageContentAsCommands() throws IOException {
    Run run = new Run(Protocol.SMTP);
    run.server("220 hi\r\n");
    run.client("EHLO x\r\n");
    run.server("250 ok\r\n");
    run.client("MAIL FROM:<a@b>\r\n");
    run.server("250 ok\r\n");
    run.client("RCPT TO:<c@d>\r\n");
    run.server("250 ok\r\n");
    run.client("DATA\r\n");
    run.server("354 go\r\n");
    run.client("Subject: EHLO\r\n\r\nRCPT TO:<x@y>\r\n..\r\n.\r\n");
    run.server("250 queued\r\n");
    run.client("QUIT\r\n");
    assertThat(run.names).containsExactly("EHLO", "MAIL", "RCPT", "DATA", "QUIT");
    assertThat(run.commands).isEqualTo(5);
  }

  @Test
  void smtpStopsParsingAfterStartTls() throws IOException {
    Run run = new Run(Protocol.SMTP, "AUTH");
    run.server("220 hi\r\n");
    run.client("STARTTLS\r\n");
    run.server("220 go ahead\r\n");
    run.client("EHLO x\r\n");
    run.server("250-x\r\n250 AUTH PLAIN\r\n");
    assertThat(run.seen()).isEqualTo("220 hi\r\n220 go ahead\r\n250-x\r\n250 AUTH PLAIN\r\n");
    assertThat(run.names).containsExactly("STARTTLS");
  }
}
