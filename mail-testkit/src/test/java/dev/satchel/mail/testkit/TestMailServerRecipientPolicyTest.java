package dev.satchel.mail.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Message;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The SMTP services answer RCPT TO by the server's {@link RecipientPolicy}, seen by a raw SMTP client. */
@ExtendWith(TestMailServerExtension.class)
class TestMailServerRecipientPolicyTest {
  private TestMailServer server;

  @BeforeEach
  void useServer(TestMailServer server) {
    this.server = server;
  }

  @ParameterizedTest(name = "SMTP with Security.{0}")
  @EnumSource(value = Security.class, names = {"NONE", "TLS"})
  void refusedRecipientsGetTheChosenRepliesAndTheOthersTheMessage(Security security) throws IOException {
    server.recipientPolicy(RecipientPolicy.builder()
        .reject("blocked@example.test")
        .reject("*@spam.example.test", 554, "5.7.1 relay denied")
        .greylist("*@slow.example.test")
        .mailboxFull("full@example.test")
        .build());

    try (Smtp smtp = Smtp.connect(server, security)) {
      assertThat(smtp.command("EHLO client.example.test")).startsWith("250");
      assertThat(smtp.command("MAIL FROM:<app@example.test>")).startsWith("250");
      assertThat(smtp.command("RCPT TO:<blocked@example.test>")).isEqualTo("550 5.1.1 <blocked@example.test>: no such user");
      assertThat(smtp.command("RCPT TO:<eve@spam.example.test>")).isEqualTo("554 5.7.1 relay denied");
      assertThat(smtp.command("RCPT TO:<bob@slow.example.test>"))
          .isEqualTo("451 4.7.1 <bob@slow.example.test>: greylisted, try again later");
      assertThat(smtp.command("RCPT TO:<Full@Example.test>")).isEqualTo("452 4.2.2 <Full@Example.test>: mailbox full");
      assertThat(smtp.command("RCPT TO:<ok@example.test>")).isEqualTo("250 OK");
      assertThat(smtp.command("DATA")).startsWith("354");
      assertThat(smtp.command("Subject: policy\r\n\r\nHello.\r\n.")).startsWith("250");
      smtp.command("QUIT");
    }

    assertThat(server.received("ok@example.test")).extracting(Message::subject).containsExactly("policy");
    assertThat(server.received()).hasSize(1);
    for (String refused : List.of("blocked@example.test", "eve@spam.example.test", "bob@slow.example.test", "full@example.test")) {
      assertThat(server.received(refused)).as(refused).isEmpty();
    }
  }

  @Test
  void everyRecipientRefusedMeansNoMessage() throws IOException {
    server.recipientPolicy(RecipientPolicy.builder().reject("*").build());
    try (Smtp smtp = Smtp.connect(server, Security.NONE)) {
      smtp.command("EHLO client.example.test");
      smtp.command("MAIL FROM:<app@example.test>");
      assertThat(smtp.command("RCPT TO:<a@example.test>")).startsWith("550 5.1.1 ");
      assertThat(smtp.command("DATA")).startsWith("503");
    }
    assertThat(server.received()).isEmpty();
  }

  @Test
  void aNewPolicyAppliesToTheNextRcptAndAcceptAllRestoresTheDefault() throws IOException {
    assertThat(server.recipientPolicy()).hasToString("RecipientPolicy[accept all]");
    try (Smtp smtp = Smtp.connect(server, Security.NONE)) {
      smtp.command("EHLO client.example.test");
      smtp.command("MAIL FROM:<app@example.test>");
      assertThat(smtp.command("RCPT TO:<a@example.test>")).isEqualTo("250 OK");
      server.recipientPolicy(RecipientPolicy.builder().greylist("b@example.test").build());
      assertThat(smtp.command("RCPT TO:<b@example.test>")).startsWith("451 4.7.1 ");
      server.recipientPolicy(RecipientPolicy.acceptAll());
      assertThat(smtp.command("RCPT TO:<b@example.test>")).isEqualTo("250 OK");
    }
  }

  /** A minimal SMTP client: one command, one (last) reply line. */
  private static final class Smtp implements AutoCloseable {
    private final Socket socket;
    private final BufferedReader in;
    private final Writer out;

    private Smtp(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(10_000);
      this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      this.out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.US_ASCII);
      String greeting = reply();
      assertThat(greeting).startsWith("220");
    }

    static Smtp connect(TestMailServer server, Security security) throws IOException {
      int port = server.port(Protocol.SMTP, security);
      if (security == Security.TLS) {
        SSLSocket tls = (SSLSocket) server.tls().sslContext().getSocketFactory().createSocket();
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.connect(new InetSocketAddress(TestMailServer.HOST, port), 5_000);
        return new Smtp(tls);
      }
      Socket plain = new Socket();
      plain.connect(new InetSocketAddress(TestMailServer.HOST, port), 5_000);
      return new Smtp(plain);
    }

    String command(String line) throws IOException {
      out.write(line + "\r\n");
      out.flush();
      return reply();
    }

    private String reply() throws IOException {
      List<String> lines = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        lines.add(line);
        if (line.length() < 4 || line.charAt(3) != '-') {
          return line;
        }
      }
      throw new IOException("connection closed after " + lines);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
