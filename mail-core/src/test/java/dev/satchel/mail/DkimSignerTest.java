package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DKIM signing configuration: validation, signed headers, PEM keys. */
class DkimSignerTest {

  @Test
  void readsPkcs8PemKeysForRsaAndEd25519(@TempDir Path dir) throws Exception {
    for (String alg : List.of("RSA", "Ed25519")) {
      KeyPair pair = KeyPairGenerator.getInstance(alg).generateKeyPair();
      Path file = dir.resolve(alg + ".pem");
      Files.writeString(file, pem(pair.getPrivate()));

      PrivateKey read = DkimSigner.readPrivateKey(file);

      assertThat(read.getEncoded()).isEqualTo(pair.getPrivate().getEncoded());
    }
  }

  @Test
  void refusesPkcs1AndEncryptedKeysNamingTheConversion() {
    assertThatThrownBy(() -> DkimSigner.parsePrivateKey("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PKCS#1").hasMessageContaining("openssl pkcs8 -topk8");
    assertThatThrownBy(() -> DkimSigner.parsePrivateKey("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("encrypted");
    assertThatThrownBy(() -> DkimSigner.parsePrivateKey("hello"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no PKCS#8 private key");
  }

  @Test
  void refusesShortRsaKeysAndMismatchedKeyTypes() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(512);
    PrivateKey shortKey = g.generateKeyPair().getPrivate();
    PrivateKey ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();

    assertThatThrownBy(() -> DkimSigner.rsaSha256("example.com", "s1", shortKey))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("an RSA DKIM key must have at least 1024 bits (RFC 8301), was 512");
    assertThatThrownBy(() -> DkimSigner.rsaSha256("example.com", "s1", ed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an RSA private key");
    assertThatThrownBy(() -> DkimSigner.ed25519Sha256("example.com", "s1", shortKey))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an Ed25519 private key, was RSA");
  }

  @Test
  void validatesDomainSelectorAndSignedHeaders() throws Exception {
    PrivateKey ed = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate();
    assertThatThrownBy(() -> DkimSigner.ed25519Sha256("exa mple.com", "s1", ed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"exa mple.com\"");
    assertThatThrownBy(() -> DkimSigner.ed25519Sha256("example.com", "s;1", ed))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"s;1\"");
    DkimSigner signer = DkimSigner.ed25519Sha256("Example.COM", "s1", ed);

    assertThat(signer.domain()).isEqualTo("example.com");
    assertThat(signer.signedHeaders()).isEqualTo(DkimSigner.DEFAULT_SIGNED_HEADERS);
    assertThat(signer.signedHeaders(List.of("From", "Subject", "X-Order")).signedHeaders())
        .containsExactly("from", "subject", "x-order");
    assertThatThrownBy(() -> signer.signedHeaders(List.of("subject")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must include From");
    assertThatThrownBy(() -> signer.signedHeaders(List.of("from", "Bcc")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Bcc");
    assertThatThrownBy(() -> signer.signedHeaders(List.of("from", "x:y")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"x:y\"");
  }

  @Test
  void toStringNeverShowsTheKey() throws Exception {
    KeyPair pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    DkimSigner signer = DkimSigner.rsaSha256("example.com", "s1", pair.getPrivate());
    String encoded = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());

    assertThat(signer.toString()).isEqualTo("DkimSigner[rsa-sha256, d=example.com, s=s1, h=from:to:cc:subject:date:"
        + "message-id:reply-to:mime-version:content-type]").doesNotContain(encoded.substring(0, 40));
    assertThat(SendOptions.builder().dkim(signer).build().toString()).contains("dkim=DkimSigner[rsa-sha256");
  }

  private static String pem(PrivateKey key) {
    return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(key.getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
  }
}
