package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MailSettingsTest {
  private static final Server IMAP = Server.of(Protocol.IMAP, "imap.example.com", Security.TLS);

  private static MailSettings.Builder imap() {
    return MailSettings.builder().server(IMAP).password("alice@example.com", "s3cret-Pa55");
  }

  @Test
  void hasFiniteDefaultTimeoutsOf10And30And30Seconds() {
    MailSettings s = imap().build();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(10)).isEqualTo(MailSettings.DEFAULT_CONNECT_TIMEOUT);
    assertThat(s.readTimeout()).isEqualTo(Duration.ofSeconds(30)).isEqualTo(MailSettings.DEFAULT_READ_TIMEOUT);
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofSeconds(30)).isEqualTo(MailSettings.DEFAULT_WRITE_TIMEOUT);
  }

  @Test
  void trustsTheSystemTrustStoreByDefault() {
    assertThat(imap().build().tls()).isSameAs(TlsOptions.systemDefault());
    assertThat(imap().build().tls().isSystemDefault()).isTrue();
  }

  @Test
  void carriesServerAndCredentials() {
    MailSettings s = imap().build();
    assertThat(s.server()).isEqualTo(IMAP);
    assertThat(s.protocol()).isEqualTo(Protocol.IMAP);
    assertThat(s.credentials()).isEqualTo(Credentials.password("alice@example.com", "s3cret-Pa55"));
  }

  @Test
  void acceptsTimeoutsUpToOneDay() {
    MailSettings s = imap().connectTimeout(Duration.ofMillis(1)).readTimeout(Duration.ofDays(1))
        .writeTimeout(Duration.ofMinutes(5)).build();
    assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(1));
    assertThat(s.readTimeout()).isEqualTo(Duration.ofDays(1));
    assertThat(s.writeTimeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"PT0S", "PT-1S", "PT24H0.001S", "P365D"})
  void rejectsZeroNegativeAndUnboundedTimeoutsNamingTheValue(String value) {
    Duration d = Duration.parse(value);
    assertThatIllegalArgumentException().isThrownBy(() -> imap().connectTimeout(d))
        .withMessage("connectTimeout must be positive and at most 1 day, was " + d);
    assertThatIllegalArgumentException().isThrownBy(() -> imap().readTimeout(d))
        .withMessageStartingWith("readTimeout").withMessageEndingWith("was " + d);
    assertThatIllegalArgumentException().isThrownBy(() -> imap().writeTimeout(d))
        .withMessageStartingWith("writeTimeout").withMessageEndingWith("was " + d);
  }

  @Test
  void requiresAServer() {
    assertThatIllegalStateException().isThrownBy(() -> MailSettings.builder().build())
        .withMessageContaining("server is required");
  }

  @Test
  void requiresCredentialsForImapAndPop3ButNotForSmtp() {
    assertThatIllegalStateException()
        .isThrownBy(() -> MailSettings.builder().server(Protocol.POP3, "pop.example.com", 995, Security.TLS).build())
        .withMessageContaining("POP3 needs credentials");
    MailSettings smtp = MailSettings.builder().server(Protocol.SMTP, "127.0.0.1", 2525, Security.NONE).build();
    assertThat(smtp.credentials()).isNull();
  }

  @Test
  void rejectsNullsNamingTheArgument() {
    assertThatNullPointerException().isThrownBy(() -> MailSettings.builder().server(null)).withMessage("server");
    assertThatNullPointerException().isThrownBy(() -> MailSettings.builder().credentials(null)).withMessage("credentials");
    assertThatNullPointerException().isThrownBy(() -> MailSettings.builder().tls(null)).withMessage("tls");
    assertThatNullPointerException().isThrownBy(() -> MailSettings.builder().readTimeout(null)).withMessage("readTimeout");
  }

  @Test
  void toBuilderMakesAChangedCopyAndLeavesTheOriginalAlone() {
    MailSettings original = imap().readTimeout(Duration.ofSeconds(5)).build();
    MailSettings copy = original.toBuilder().build();
    assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original).isNotSameAs(original);

    MailSettings changed = original.toBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    assertThat(changed.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(changed.readTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(changed.server()).isEqualTo(original.server());
    assertThat(changed).isNotEqualTo(original);
    assertThat(original.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void toStringShowsUserAndServerButNeverTheSecret() {
    MailSettings password = imap().build();
    assertThat(password.toString()).contains("alice@example.com", "imap.example.com", "993").doesNotContain("s3cret-Pa55");

    MailSettings oauth = MailSettings.builder().server(IMAP)
        .credentials(Credentials.oauth2("alice@example.com", refresh -> "ya29.TOKEN-VALUE")).build();
    assertThat(oauth.toString()).contains("alice@example.com").doesNotContain("ya29", "TOKEN-VALUE");
  }

  @Test
  void accountNameDefaultsToProtocolAndHostWithoutTheUser() {
    MailSettings settings = imap().build();
    assertThat(settings.accountName()).isEqualTo("imap:imap.example.com").doesNotContain("alice");
    assertThat(settings.eventListener()).isSameAs(dev.satchel.mail.events.MailEventListener.NOOP);
    assertThat(imap().accountName("support").build().accountName()).isEqualTo("support");
    assertThat(settings.toBuilder().accountName("support").build()).isNotEqualTo(settings);
  }

  @Test
  void accountNameRefusesAddressesBlanksAndOverlongNames() {
    for (String bad : new String[] {"", "alice@example.com", "two words", "tab\tname", "x".repeat(65)}) {
      assertThatThrownBy(() -> imap().accountName(bad))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("accountName");
    }
  }
}
