package dev.satchel.mail.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretsTest {
  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void redactsTheSecretAndItsWireEncodingsWhileRegistered() {
    String secret = "s3cr\"et-" + System.nanoTime();
    String plain = b64("\0bob@example.test\0" + secret);
    String xoauth2 = b64("user=bob@example.test\u0001auth=Bearer " + secret + "\u0001\u0001");
    String text = "NO refused " + secret + " / " + plain + " / " + xoauth2 + " / \"s3cr\\\"et-";
    try (Secrets.Registration r = Secrets.register("bob@example.test", secret)) {
      String redacted = Secrets.redact(text);
      assertThat(redacted).doesNotContain(secret).doesNotContain(plain).doesNotContain(xoauth2)
          .startsWith("NO refused [redacted] / [redacted] / [redacted]");
    }
    assertThat(Secrets.redact(text)).as("after close").isEqualTo(text);
  }

  @Test
  void aSecretStaysRegisteredWhileAnyRegistrationHoldsIt() {
    String secret = "shared-" + System.nanoTime();
    Secrets.Registration first = Secrets.register("a", secret);
    Secrets.Registration second = Secrets.register("a", secret);
    first.close();
    first.close(); // idempotent: must not release the second registration's hold
    assertThat(Secrets.redact("x " + secret)).isEqualTo("x [redacted]");
    second.close();
    assertThat(Secrets.redact("x " + secret)).isEqualTo("x " + secret);
  }

  @Test
  void scrubKeepsAClassNameAndStackButNotTheSecret() {
    String secret = "scrub-" + System.nanoTime();
    IOException inner = new IOException("inner says " + secret);
    RuntimeException outer = new RuntimeException("outer", inner);
    try (Secrets.Registration r = Secrets.register("a", secret)) {
      Throwable scrubbed = Secrets.scrub(outer);
      assertThat(scrubbed).isNotSameAs(outer).hasMessage("outer");
      assertThat(scrubbed.getStackTrace()).isEqualTo(outer.getStackTrace());
      assertThat(scrubbed.getCause()).isNotNull();
      assertThat(scrubbed.getCause().toString()).contains("java.io.IOException").contains("inner says [redacted]")
          .doesNotContain(secret);
      IOException clean = new IOException("nothing secret");
      assertThat(Secrets.scrub(clean)).isSameAs(clean);
    }
  }
}
