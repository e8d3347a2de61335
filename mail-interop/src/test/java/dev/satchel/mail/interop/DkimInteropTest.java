package dev.satchel.mail.interop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.satchel.mail.Attachment;
import dev.satchel.mail.DkimSigner;
import dev.satchel.mail.Mailbox;
import dev.satchel.mail.Message;
import dev.satchel.mail.MessageSummary;
import dev.satchel.mail.OutgoingMessage;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.SendOptions;
import dev.satchel.mail.Transport;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Satchel's DKIM signatures checked by a real verifier: OpenDKIM 2.11 as a milter on the harness's
 * Postfix (submission 11587, STARTTLS + AUTH), its verdict read from the Authentication-Results
 * header of the message Dovecot delivered. The public keys are published to OpenDKIM through its
 * TestPublicKeys file (no DNS); see interop/harness/opendkim.sh.
 */
@Interop
class DkimInteropTest {
  private final Harness harness = Harness.get();

  @BeforeEach
  void emptyMailbox() {
    harness.reset("dave");
  }

  @Test
  void rsaSha256SignatureFromSatchelPassesOpenDkim() {
    String results = sendAndReadResults(rsa(), message("RSA").build());

    // e.g. "mailharness; dkim=pass (2048-bit key) header.d=example.test header.i=@example.test
    //       header.a=rsa-sha256 header.s=mh-rsa header.b=GwIMjsFt; dkim-atps=neutral"
    assertThat(results).matches(authservId() + "; dkim=pass \\(2048-bit key\\) header\\.d=example\\.test "
        + "header\\.i=@example\\.test header\\.a=rsa-sha256 header\\.s=" + env("MAILHARNESS_DKIM_RSA_SELECTOR")
        + " header\\.b=\\S{8}; dkim-atps=neutral");
  }

  @Test
  void ed25519Sha256SignatureFromSatchelPassesOpenDkim() {
    String results = sendAndReadResults(ed25519(), message("Ed25519").build());

    // OpenDKIM 2.11 (Debian's build, OpenSSL 3) verifies ed25519-sha256; it names no key size for it
    assertThat(results).matches(authservId() + "; dkim=pass header\\.d=example\\.test header\\.i=@example\\.test "
        + "header\\.a=ed25519-sha256 header\\.s=" + env("MAILHARNESS_DKIM_ED25519_SELECTOR")
        + " header\\.b=\\S{8}; dkim-atps=neutral");
  }

  @Test
  void aMessageOver64KiBWithUtf8TextIsSignedOverTheBytesSent() {
    byte[] data = new byte[300_000];
    new Random(17).nextBytes(data);
    OutgoingMessage big = message("Large ü").text("Grüße — a large one ✓\n").attach(Attachment.of("data.bin",
        "application/octet-stream", () -> new ByteArrayInputStream(data))).build();

    String results = sendAndReadResults(rsa(), big);

    assertThat(results).contains("dkim=pass").contains("header.d=example.test");
  }

  @Test
  void aSignatureByAKeyThatIsNotPublishedFails() throws Exception {
    PrivateKey unpublished = KeyPairGenerator.getInstance("RSA").generateKeyPair().getPrivate();
    DkimSigner wrongKey = DkimSigner.rsaSha256("example.test", env("MAILHARNESS_DKIM_RSA_SELECTOR"), unpublished);

    String results = sendAndReadResults(wrongKey, message("Wrong key").build());

    assertThat(results).startsWith(authservId() + "; dkim=fail reason=\"signature verification failed\" (2048-bit key) "
        + "header.d=example.test header.i=@example.test header.a=rsa-sha256");
  }

  @Test
  void aSignatureUnderASelectorWithoutAKeyFails() {
    DkimSigner unknownSelector = DkimSigner.rsaSha256("example.test", "nokey",
        DkimSigner.readPrivateKey(Path.of(env("MAILHARNESS_DKIM_RSA_KEY"))));

    String results = sendAndReadResults(unknownSelector, message("No key").build());

    // OpenDKIM reports a missing key as a failure (RFC 8601 would also allow permerror)
    assertThat(results).startsWith(authservId() + "; dkim=fail reason=\"key not found in DNS\" header.d=example.test "
        + "header.i=@example.test header.a=rsa-sha256 header.s=nokey");
  }

  @Test
  void anUnsignedMessageGetsNone() {
    String subject = Mail.uniqueSubject("Unsigned");
    try (Transport smtp = Transport.connect(harness.submission("dave"))) {
      smtp.send(message(subject).subject(subject).build());
    }
    assertThat(readResults(subject)).isEqualTo(authservId() + "; dkim=none; dkim-atps=neutral");
  }

  // ---- helpers ----------------------------------------------------------------------------

  private String sendAndReadResults(DkimSigner signer, OutgoingMessage message) {
    try (Transport smtp = Transport.connect(harness.submission("dave"))) {
      smtp.send(message, SendOptions.builder().dkim(signer).build());
    }
    return readResults(message.subject());
  }

  /** The Authentication-Results header Dovecot holds for the message, unfolded. */
  private String readResults(String subject) {
    try (Mailbox imap = Mailbox.connect(harness.settings("dave", Protocol.IMAP, Security.TLS))) {
      MessageSummary summary = Mail.awaitSubject(imap, subject).orElseThrow(() -> new AssertionError(
          "the message \"" + subject + "\" did not arrive within " + Mail.DELIVERY));
      Message m = imap.fetch(imap.inbox(), summary.uid());
      assertThat(m.headers("Authentication-Results")).as("one verdict").hasSize(1);
      return m.header("Authentication-Results").orElseThrow().replaceAll("\\s+", " ").trim();
    }
  }

  private static OutgoingMessage.Builder message(String what) {
    String subject = Mail.uniqueSubject("DKIM " + what);
    return OutgoingMessage.builder().from(Harness.address("dave")).to(Harness.address("dave")).subject(subject)
        .text("Signed by Satchel.\nSecond line.");
  }

  private DkimSigner rsa() {
    return DkimSigner.rsaSha256("example.test", env("MAILHARNESS_DKIM_RSA_SELECTOR"),
        DkimSigner.readPrivateKey(Path.of(env("MAILHARNESS_DKIM_RSA_KEY"))));
  }

  private DkimSigner ed25519() {
    return DkimSigner.ed25519Sha256("example.test", env("MAILHARNESS_DKIM_ED25519_SELECTOR"),
        DkimSigner.readPrivateKey(Path.of(env("MAILHARNESS_DKIM_ED25519_KEY"))));
  }

  private String authservId() {
    return env("MAILHARNESS_AUTHSERV_ID");
  }

  private String env(String key) {
    return harness.env(key);
  }
}
