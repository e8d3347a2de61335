package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsOptionsTest {
  @TempDir Path dir;

  @Test
  void systemDefaultUsesTheJdkContext() throws Exception {
    TlsOptions tls = TlsOptions.systemDefault();
    assertThat(tls.isSystemDefault()).isTrue();
    assertThat(tls.sslContext()).isSameAs(javax.net.ssl.SSLContext.getDefault());
    assertThat(tls.toString()).contains("JDK default trust store", "hostnameVerification=on");
  }

  @Test
  void trustsTheCertificatesOfAPemFile() throws Exception {
    Path pem = dir.resolve("server.pem");
    Files.writeString(pem, toPem(someCertificate()), StandardCharsets.US_ASCII);
    TlsOptions tls = TlsOptions.trustingPem(pem);
    assertThat(tls.isSystemDefault()).isFalse();
    assertThat(tls.sslContext()).isNotNull();
    assertThat(tls.toString()).contains("custom trust store of 1 entries");
  }

  @Test
  void missingPemFileGivesAClearError() {
    Path missing = dir.resolve("nope.pem");
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trustingPem(missing))
        .withMessage("PEM file not found: " + missing);
  }

  @Test
  void pemFileWithoutCertificatesGivesAClearErrorNamingTheFile() throws Exception {
    Path garbage = dir.resolve("garbage.pem");
    Files.writeString(garbage, "this is not a certificate");
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trustingPem(garbage))
        .withMessageStartingWith("cannot read certificates from " + garbage);

    Path empty = dir.resolve("empty.pem");
    Files.writeString(empty, "");
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trustingPem(empty))
        .withMessage("no certificate in " + empty);

    Path broken = dir.resolve("broken.pem");
    Files.writeString(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trustingPem(broken))
        .withMessageStartingWith("cannot read certificates from " + broken);
  }

  @Test
  void directoryInsteadOfPemFileGivesAClearError() {
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trustingPem(dir))
        .withMessageStartingWith("cannot read certificates from " + dir);
  }

  @Test
  void emptyOrUnloadedTrustStoreIsRejected() throws Exception {
    KeyStore empty = KeyStore.getInstance(KeyStore.getDefaultType());
    empty.load(null, null);
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trusting(empty))
        .withMessage("trust store holds no certificate");
    KeyStore unloaded = KeyStore.getInstance(KeyStore.getDefaultType());
    assertThatIllegalArgumentException().isThrownBy(() -> TlsOptions.trusting(unloaded))
        .withMessageStartingWith("trust store cannot be used");
  }

  @Test
  void offersNoWayToTrustEverythingOrSkipHostnameVerification() {
    String[] publicMethods = Arrays.stream(TlsOptions.class.getDeclaredMethods())
        .filter(m -> Modifier.isPublic(m.getModifiers()))
        .map(Method::getName)
        .sorted()
        .toArray(String[]::new);
    assertThat(publicMethods).containsExactly(
        "isSystemDefault", "sslContext", "systemDefault", "toString", "trusting", "trustingPem", "using");
    assertThat(publicMethods).noneMatch(n -> n.toLowerCase(Locale.ROOT).contains("all")
        || n.toLowerCase(Locale.ROOT).contains("insecure") || n.toLowerCase(Locale.ROOT).contains("hostname"));
  }

  /** A real certificate, borrowed from the JDK's own trust store. */
  private static Certificate someCertificate() throws Exception {
    KeyStore cacerts = KeyStore.getInstance(KeyStore.getDefaultType());
    try (InputStream in = Files.newInputStream(Path.of(System.getProperty("java.home"), "lib", "security", "cacerts"))) {
      cacerts.load(in, null);
    }
    for (String alias : Collections.list(cacerts.aliases())) {
      Certificate c = cacerts.getCertificate(alias);
      if (c != null) {
        return c;
      }
    }
    throw new IllegalStateException("the JDK trust store holds no certificate");
  }

  private static String toPem(Certificate c) throws Exception {
    return "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(c.getEncoded())
        + "\n-----END CERTIFICATE-----\n";
  }
}
