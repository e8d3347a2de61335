package dev.satchel.mail.imap.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailCommandException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.LoopbackServer;
import dev.satchel.mail.testkit.TestMailServer;
import dev.satchel.mail.testkit.TestUser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ImapSessionTest {
  private static final Duration OPERATION = Duration.ofSeconds(20);
  private static TestMailServer server;
  private static TestUser alice;

  @BeforeAll
  static void start() {
    server = TestMailServer.start();
    alice = server.createUser("alice@example.test", "alice-pw");
    server.deliver(alice, OutgoingMessage.builder().from("bob@example.test").to("alice@example.test").subject("one")
        .text("hello").build());
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void logsInSelectsAndFetchesOnTheTestServer() {
    for (Security security : List.of(Security.NONE, Security.TLS)) {
      try (ImapSession s = ImapSession.open(server.settings(alice, Protocol.IMAP, security), OPERATION)) {
        assertThat(s.has("IMAP4rev1")).isTrue();
        List<ImapResponse> untagged = new ArrayList<>();
        s.execute("SELECT INBOX", untagged::add);
        assertThat(untagged).anySatisfy(r -> assertThat(r.raw()).isEqualTo("* 1 EXISTS"));
        List<ImapResponse> fetched = new ArrayList<>();
        s.execute("UID FETCH 1:* (UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS (SUBJECT)])", fetched::add);
        assertThat(fetched).hasSize(1);
        ImapValue.ListValue items = (ImapValue.ListValue) fetched.get(0).item(2);
        assertThat(items.items()).anySatisfy(v -> assertThat(v).isInstanceOfSatisfying(ImapValue.Str.class,
            str -> assertThat(str.text()).contains("Subject: one")));
      }
    }
  }

  @Test
  void pipelinedCommandsAllComplete() {
    try (ImapSession s = ImapSession.open(server.settings(alice, Protocol.IMAP), OPERATION)) {
      List<ImapResponse> untagged = new ArrayList<>();
      List<ImapResponse> done = s.pipeline(List.of("NOOP", "STATUS INBOX (MESSAGES)", "NOOP"), untagged::add);
      assertThat(done).hasSize(3).allSatisfy(r -> assertThat(r.is("OK")).isTrue());
      assertThat(untagged).anySatisfy(r -> assertThat(r.raw()).startsWith("* STATUS"));
      assertThatThrownBy(() -> s.execute("SELECT NoSuchFolder", r -> { })).isInstanceOf(MailCommandException.class);
      s.execute("NOOP", r -> { }); // the session goes on after a refused command
    }
  }

  @Test
  void aWrongPasswordIsAnAuthenticationFailure() {
    MailSettings wrong = server.settings(alice, Protocol.IMAP).toBuilder().password("alice@example.test", "nope").build();
    assertThatThrownBy(() -> ImapSession.open(wrong, OPERATION)).isInstanceOf(MailAuthenticationException.class);
  }

  /** A scripted server: greeting capabilities, then each received line recorded and answered by {@code answer}. */
  private static LoopbackServer scripted(String capabilities, List<String> received, String starttlsAnswer)
      throws IOException {
    return LoopbackServer.start("imap-session", s -> serve(s, capabilities, received, starttlsAnswer));
  }

  private static void serve(Socket s, String capabilities, List<String> received, String starttlsAnswer) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    out.write(("* OK [CAPABILITY " + capabilities + "] ready\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String line;
    while ((line = in.readLine()) != null) {
      received.add(line);
      String tag = line.split(" ")[0];
      String verb = line.split(" ").length > 1 ? line.split(" ")[1].toUpperCase(Locale.ROOT) : "";
      String answer = switch (verb) {
        case "CAPABILITY" -> "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done\r\n";
        case "STARTTLS" -> tag + " " + starttlsAnswer + "\r\n";
        case "LOGOUT" -> "* BYE\r\n" + tag + " OK bye\r\n";
        default -> tag + " NO not here\r\n";
      };
      out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
  }

  private static MailSettings settings(LoopbackServer s, Security security, Credentials credentials) {
    return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", s.port(), security).credentials(credentials)
        .readTimeout(Duration.ofSeconds(2)).build();
  }

  @Test
  void loginDisabledOrNoOAuth2MeansNothingIsSent() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    try (LoopbackServer s = scripted("IMAP4rev1 LOGINDISABLED AUTH=GSSAPI", received, "NO")) {
      assertThatThrownBy(() -> ImapSession.open(settings(s, Security.NONE, Credentials.password("a", "secret-pw")), OPERATION))
          .isInstanceOf(MailAuthenticationException.class).hasMessageContaining("LOGINDISABLED");
      assertThatThrownBy(() -> ImapSession.open(settings(s, Security.NONE, Credentials.oauth2("a", r -> "secret-token")),
          OPERATION)).isInstanceOf(MailAuthenticationException.class).hasMessageContaining("does not offer OAuth2");
    }
    assertThat(received).noneMatch(l -> l.contains("secret"));
  }

  @Test
  void bytesInjectedAfterTheStartTlsAgreementEndTheConnectionBeforeAnyCredential() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    try (LoopbackServer s = scripted("IMAP4rev1 STARTTLS AUTH=PLAIN", received, "OK begin TLS\r\n* 1 EXISTS")) {
      assertThatThrownBy(() -> ImapSession.open(settings(s, Security.STARTTLS, Credentials.password("a", "secret-pw")),
          OPERATION)).isInstanceOf(MailConnectionException.class).hasMessageContaining("injected");
    }
    assertThat(received).noneMatch(l -> l.contains("secret") || l.contains("AUTHENTICATE") || l.contains("LOGIN"));
  }

  @Test
  void aMissingStartTlsIsRefusedBeforeAnyCredential() throws IOException {
    List<String> received = new CopyOnWriteArrayList<>();
    try (LoopbackServer s = scripted("IMAP4rev1 AUTH=PLAIN", received, "OK")) {
      assertThatThrownBy(() -> ImapSession.open(settings(s, Security.STARTTLS, Credentials.password("a", "secret-pw")),
          OPERATION)).isInstanceOf(MailConnectionException.class).hasMessageContaining("does not offer STARTTLS");
    }
    assertThat(received).noneMatch(l -> l.contains("secret") || l.contains("AUTHENTICATE") || l.contains("LOGIN"));
  }
}
