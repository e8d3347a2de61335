package dev.satchel.mail.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.TokenSource;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** SASL XOAUTH2 login, against a scripted server (GreenMail's POP3 has no XOAUTH2). */
class Pop3XOAuth2Test {
  private static final String USER = "alice@example.test";

  /** Hands out "stale" normally and "fresh" when asked to refresh, recording each request. */
  private static final class RecordingTokens implements TokenSource {
    final List<Boolean> requests = new CopyOnWriteArrayList<>();

    @Override
    public String token(boolean forceRefresh) {
      requests.add(forceRefresh);
      return forceRefresh ? "fresh-token" : "stale-token";
    }
  }

  private static MailSettings settings(int port, TokenSource tokens) {
    return MailSettings.builder()
        .server(Protocol.POP3, "127.0.0.1", port, Security.NONE)
        .credentials(Credentials.oauth2(USER, tokens))
        .readTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Test
  void logsInWithXOAuth2AndReadsMail() throws Exception {
    try (ScriptedPop3Server server = new ScriptedPop3Server(USER, Set.of("stale-token"))) {
      RecordingTokens tokens = new RecordingTokens();
      try (Mailbox mailbox = Mailbox.connect(settings(server.port(), tokens))) {
        List<MessageSummary> list = mailbox.list(mailbox.inbox());
        assertThat(list).extracting(m -> m.envelope().subject()).containsExactly("over oauth");
        Message message = mailbox.fetch(mailbox.inbox(), list.get(0).uid());
        assertThat(message.text()).hasValueSatisfying(t -> assertThat(t).contains("Hello over XOAUTH2").contains(".leading dot"));
      }
      assertThat(tokens.requests).containsExactly(false);
      assertThat(server.malformed).isEmpty();
      assertThat(server.tokensSeen).containsExactly("stale-token");
      assertThat(server.commands).contains("AUTH").doesNotContain("USER", "PASS", "APOP");
    }
  }

  @Test
  void aRejectedTokenIsRefreshedOnceAndTheLoginRetried() throws Exception {
    try (ScriptedPop3Server server = new ScriptedPop3Server(USER, Set.of("fresh-token"))) {
      RecordingTokens tokens = new RecordingTokens();
      try (Mailbox mailbox = Mailbox.connect(settings(server.port(), tokens))) {
        assertThat(mailbox.list(mailbox.inbox())).hasSize(1);
      }
      assertThat(tokens.requests).containsExactly(false, true);
      assertThat(server.tokensSeen).containsExactly("stale-token", "fresh-token");
      assertThat(server.malformed).isEmpty();
    }
  }

  @Test
  void aTokenRejectedAfterTheRefreshIsAnAuthenticationFailureWithoutTheToken() throws Exception {
    try (ScriptedPop3Server server = new ScriptedPop3Server(USER, Set.of())) {
      RecordingTokens tokens = new RecordingTokens();
      assertThatThrownBy(() -> Mailbox.connect(settings(server.port(), tokens)))
          .isInstanceOf(MailAuthenticationException.class)
          .hasMessageContaining("with an OAuth2 token was refused")
          .hasMessageContaining("the server's OAuth2 error: status=401, schemes=bearer, scope=mail")
          .hasMessageContaining("scopes cover POP3")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("stale-token").doesNotContain("fresh-token"));
      assertThat(tokens.requests).as("one refresh, never a loop").containsExactly(false, true);
      assertThat(server.tokensSeen).containsExactly("stale-token", "fresh-token");
      assertThat(server.malformed).isEmpty();
    }
  }

  @Test
  void aFailingTokenSourceIsAnAuthenticationFailure() throws Exception {
    try (ScriptedPop3Server server = new ScriptedPop3Server(USER, Set.of("stale-token"))) {
      TokenSource broken = forceRefresh -> {
        throw new IllegalStateException("identity provider down");
      };
      assertThatThrownBy(() -> Mailbox.connect(settings(server.port(), broken)))
          .isInstanceOf(MailAuthenticationException.class)
          .hasMessageContaining("token source");
      assertThat(server.tokensSeen).isEmpty();
    }
  }
}
