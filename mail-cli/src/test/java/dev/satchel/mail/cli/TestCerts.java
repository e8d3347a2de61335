package dev.satchel.mail.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** Saves the certificate a loopback TLS server presents as a PEM file, for {@code --trust-pem}. */
final class TestCerts {
  private TestCerts() {}

  static Path savePem(int tlsPort, Path file) throws IOException, GeneralSecurityException {
    List<X509Certificate> seen = new ArrayList<>();
    X509TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {}

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.add(chain[0]);
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {recorder}, null);
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", tlsPort)) {
      s.setSoTimeout(10_000);
      s.startHandshake();
    }
    String pem = "-----BEGIN CERTIFICATE-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(seen.get(0).getEncoded())
        + "\n-----END CERTIFICATE-----\n";
    Files.writeString(file, pem, StandardCharsets.US_ASCII);
    return file;
  }
}
