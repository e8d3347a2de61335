package dev.satchel.mail.internal.wire;

import dev.satchel.mail.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/** A key pair made by the JDK's keytool for a loopback TLS test server, and trust in exactly it. */
final class LoopbackTls {
  final SSLContext serverContext;
  final TlsOptions trust;

  private LoopbackTls(SSLContext serverContext, TlsOptions trust) {
    this.serverContext = serverContext;
    this.trust = trust;
  }

  /** A certificate for {@code san} (keytool syntax, for example "ip:127.0.0.1"). */
  static LoopbackTls create(Path dir, String san) throws IOException, GeneralSecurityException, InterruptedException {
    Path store = dir.resolve("server-" + System.nanoTime() + ".p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(List.of(keytool, "-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname",
        "secp256r1", "-dname", "CN=loopback test", "-ext", "san=" + san, "-validity", "2", "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit")).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed");
    }
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    KeyStore trustStore = KeyStore.getInstance("PKCS12");
    trustStore.load(null, null);
    trustStore.setCertificateEntry("server", ks.getCertificate("server"));
    return new LoopbackTls(ctx, TlsOptions.trusting(trustStore));
  }
}
