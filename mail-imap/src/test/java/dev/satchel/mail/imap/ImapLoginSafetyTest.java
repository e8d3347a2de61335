package dev.satchel.mail.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/**
 * Logging in to hostile or limited IMAP servers: an OAuth2 token is never sent as a LOGIN password, a
 * credential the server repeats in its refusal is never repeated by Satchel (exception, causes, JUL
 * log), and a refused STARTTLS is a connection failure, not a wrong password.
 */
class ImapLoginSafetyTest {
  private static final String SECRET = "hunter2-Secret!";

  /** Lines received by the server, and a server whose capabilities and answer to a login are given. */
  private static final class Server implements AutoCloseable {
    final List<String> received = new CopyOnWriteArrayList<>();
    final LoopbackServer loopback;

    Server(String capabilities, String loginAnswer, String starttlsAnswer) throws IOException {
      loopback = LoopbackServer.start("imap-login", s -> serve(s, capabilities, loginAnswer, starttlsAnswer));
    }

    private void serve(Socket s, String capabilities, String loginAnswer, String starttlsAnswer) throws IOException {
      BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
      OutputStream out = s.getOutputStream();
      write(out, "* OK [CAPABILITY " + capabilities + "] ready\r\n");
      String line;
      while ((line = in.readLine()) != null) {
        received.add(line);
        String[] words = line.split(" ");
        String tag = words[0];
        String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
        String answer = switch (verb) {
          case "CAPABILITY" -> "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done\r\n";
          case "LOGIN" -> tag + " " + loginAnswer.replace("$LINE", line) + "\r\n";
          case "AUTHENTICATE" -> {
            String response = line;
            if (words.length == 3) { // no initial response: ask for it
              write(out, "+ \r\n");
              response = in.readLine();
              received.add(String.valueOf(response));
            }
            yield tag + " " + loginAnswer.replace("$LINE", String.valueOf(response)) + "\r\n";
          }
          case "STARTTLS" -> tag + " " + starttlsAnswer + "\r\n";
          case "LOGOUT" -> "* BYE\r\n" + tag + " OK bye\r\n";
          default -> tag + " BAD unexpected\r\n";
        };
        write(out, answer);
        if (verb.equals("LOGOUT")) {
          return;
        }
      }
    }

    private static void write(OutputStream out, String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    MailSettings.Builder settings(Security security) {
      return MailSettings.builder().server(Protocol.IMAP, "127.0.0.1", loopback.port(), security)
          .readTimeout(Duration.ofSeconds(2));
    }

    @Override
    public void close() {
      loopback.close();
    }
  }

  @Test
  void anOAuth2TokenIsNotSentAsAPasswordWhenTheServerOffersNoXoauth2() throws IOException {
    try (Server server = new Server("IMAP4rev1 AUTH=PLAIN", "NO [AUTHENTICATIONFAILED] no", "BAD no")) {
      MailSettings settings = server.settings(Security.NONE)
          .credentials(Credentials.oauth2("alice@example.test", refresh -> SECRET)).build();
      Throwable thrown = catchThrowable(() -> Mailbox.connect(settings).close());
      assertThat(thrown).isInstanceOf(MailAuthenticationException.class)
          .hasMessageContaining("does not offer OAuth2").hasMessageContaining("AUTH=XOAUTH2");
      assertThat(server.received).noneMatch(l -> l.contains(SECRET))
          .noneMatch(l -> l.toUpperCase(Locale.ROOT).contains(" LOGIN") || l.toUpperCase(Locale.ROOT).contains(" AUTHENTICATE"));
    }
  }

  @Test
  void aCredentialRepeatedInTheRefusalIsRedactedEverywhere() throws IOException {
    try (Server server = new Server("IMAP4rev1 AUTH=PLAIN", "NO [AUTHENTICATIONFAILED] bad login: $LINE (" + SECRET + ")", "BAD no")) {
      MailSettings settings = server.settings(Security.NONE).password("alice@example.test", SECRET).build();
      Throwable thrown = catchThrowable(() -> Mailbox.connect(settings).close());
      assertThat(thrown).isInstanceOf(MailAuthenticationException.class).hasMessageContaining("[redacted]");
      StringWriter trace = new StringWriter();
      thrown.printStackTrace(new PrintWriter(trace));
      assertThat(trace.toString()).doesNotContain(SECRET);
    }
  }

  @Test
  void aRefusedStartTlsIsAConnectionFailureAndNoCredentialIsSent() throws IOException {
    try (Server server = new Server("IMAP4rev1 STARTTLS AUTH=PLAIN", "OK logged in", "NO [UNAVAILABLE] TLS is broken")) {
      MailSettings settings = server.settings(Security.STARTTLS).password("alice@example.test", SECRET).build();
      Throwable thrown = catchThrowable(() -> Mailbox.connect(settings).close());
      assertThat(thrown).isInstanceOf(MailConnectionException.class).hasMessageContaining("refused STARTTLS")
          .hasMessageNotContaining("password");
      assertThat(server.received).noneMatch(l -> l.contains(SECRET));
    }
  }
}
