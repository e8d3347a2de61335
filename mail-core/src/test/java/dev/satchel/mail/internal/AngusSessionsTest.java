package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class AngusSessionsTest {
  @Test
  void noProtocolOrSecurityFallsBackToAnotherSocketFactory() {
    for (Protocol protocol : Protocol.values()) {
      for (Security security : Security.values()) {
        MailSettings settings = MailSettings.builder().server(protocol, "mail.example.test", 1234, security)
            .password("alice@example.test", "pw").build();
        Properties props = AngusSessions.properties(settings);
        String prefix = "mail." + AngusSessions.protocolName(settings.server()) + ".";
        assertThat(props.getProperty(prefix + "socketFactory.fallback")).as(protocol + " " + security).isEqualTo("false");
        if (security != Security.NONE) {
          assertThat(props.get(prefix + "ssl.socketFactory")).as(protocol + " " + security)
              .isInstanceOf(javax.net.ssl.SSLSocketFactory.class);
          assertThat(props.getProperty(prefix + "ssl.checkserveridentity")).isEqualTo("true");
        }
      }
    }
  }
}
