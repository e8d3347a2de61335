package dev.satchel.mail.cli;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.IDN;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Explains a failed TLS handshake in plain words: expired, not yet valid, issued for another host
 * name, or not trusted. To learn which, it opens one more connection that records the certificate the
 * server presents without trusting it; that connection sends nothing and is closed right after the
 * handshake, so no credentials ever travel over an unverified connection.
 */
final class CertificateDiagnosis {
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private CertificateDiagnosis() {}

  static Check diagnose(String name, Server server, SSLContext trusted, String trustDescription, Duration timeout,
      IOException failure) {
    X509Certificate[] chain;
    try {
      chain = presentedChain(server, timeout);
    } catch (IOException | GeneralSecurityException e) {
      if (Probe.looksLikeNoTls(failure) || Probe.looksLikeNoTls(e instanceof IOException io ? io : failure)) {
        return Check.fail(name, "the server did not answer with TLS",
            server.security() == Security.TLS
                ? "this port may expect plaintext or STARTTLS: try security starttls on port "
                    + server.protocol().defaultPort(Security.STARTTLS)
                : "the server's STARTTLS is broken");
      }
      return Check.fail(name, "the TLS handshake failed: " + Probe.describe(failure), null);
    }
    if (chain.length == 0) {
      return Check.fail(name, "the TLS handshake failed and the server presented no certificate: "
          + Probe.describe(failure), null);
    }
    X509Certificate leaf = chain[0];
    Instant now = Instant.now();
    if (now.isAfter(leaf.getNotAfter().toInstant())) {
      return Check.fail(name, "the server's certificate expired on " + DAY.format(leaf.getNotAfter().toInstant()),
          "the server's administrator must renew the certificate; satchel does not connect to a server with an"
              + " expired certificate (if your computer's clock is wrong, fix the clock)");
    }
    if (now.isBefore(leaf.getNotBefore().toInstant())) {
      return Check.fail(name, "the server's certificate is valid only from " + DAY.format(leaf.getNotBefore().toInstant()),
          "check your computer's clock");
    }
    if (!matchesHost(leaf, server.host())) {
      return Check.fail(name, "the certificate is for " + Probe.names(leaf) + ", not for " + server.host(),
          "connect with a host name the certificate names (" + Probe.names(leaf) + "); if this is your provider's"
              + " documented host name, someone may be intercepting the connection");
    }
    boolean selfSigned = leaf.getSubjectX500Principal().equals(leaf.getIssuerX500Principal());
    return Check.fail(name, "the certificate for " + Probe.names(leaf) + " (issued by "
            + Probe.commonName(leaf.getIssuerX500Principal().getName()) + (selfSigned ? ", self-signed" : "")
            + ") is not trusted by " + trustDescription,
        "if this is your own server, save its certificate as a PEM file and pass --trust-pem FILE;"
            + " a public provider's certificate should be trusted by the JDK, so check the host name and your network");
  }

  private static X509Certificate[] presentedChain(Server server, Duration timeout)
      throws IOException, GeneralSecurityException {
    List<X509Certificate[]> seen = new ArrayList<>();
    X509TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException("client certificates are not checked here");
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen.add(chain.clone());
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext recording = SSLContext.getInstance("TLS");
    recording.init(null, new TrustManager[] {recorder}, null);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Socket plain = new Socket()) {
      plain.connect(new InetSocketAddress(server.host(), server.port()), millis);
      plain.setSoTimeout(millis);
      if (server.security() == Security.STARTTLS) {
        upgrade(plain, server.protocol());
      }
      try (SSLSocket ssl = (SSLSocket) recording.getSocketFactory().createSocket(plain, server.host(), server.port(), true)) {
        ssl.setSoTimeout(millis);
        ssl.startHandshake();
      }
    }
    return seen.isEmpty() ? new X509Certificate[0] : seen.get(0);
  }

  /** Speaks just enough of the protocol to reach the point where TLS starts. */
  private static void upgrade(Socket socket, Protocol protocol) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    readUntil(in, protocol == Protocol.SMTP ? "220 " : null);
    switch (protocol) {
      case IMAP -> {
        write(out, "d1 STARTTLS");
        readUntil(in, "d1 ");
      }
      case POP3 -> {
        write(out, "STLS");
        readUntil(in, null);
      }
      case SMTP -> {
        write(out, "EHLO satchel-doctor");
        readUntil(in, "250 ");
        write(out, "STARTTLS");
        readUntil(in, "220 ");
      }
    }
  }

  private static void write(OutputStream out, String line) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Reads lines until one starts with {@code prefix} (or just one line when null). */
  private static void readUntil(InputStream in, @Nullable String prefix) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server closed the connection");
      }
      if (b != '\n') {
        if (line.length() < 8192) {
          line.append((char) b);
        }
        continue;
      }
      String l = line.toString();
      line.setLength(0);
      if (prefix == null || l.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return;
      }
    }
  }

  /** RFC 6125 host name matching: exact DNS or IP name, or one left-most wildcard label. */
  static boolean matchesHost(X509Certificate cert, String host) {
    String h = IDN.toASCII(host.toLowerCase(Locale.ROOT));
    try {
      var sans = cert.getSubjectAlternativeNames();
      if (sans == null) {
        return false;
      }
      for (List<?> san : sans) {
        String name = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
        if (Integer.valueOf(7).equals(san.get(0)) && name.equals(h)) {
          return true;
        }
        if (Integer.valueOf(2).equals(san.get(0))) {
          if (name.equals(h)) {
            return true;
          }
          if (name.startsWith("*.") && h.indexOf('.') > 0 && h.substring(h.indexOf('.')).equals(name.substring(1))) {
            return true;
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      return false;
    }
    return false;
  }
}
