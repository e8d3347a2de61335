package dev.satchel.mail.providers;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.TlsOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.function.BiFunction;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * Asks a guessed server what it offers: IMAP {@code CAPABILITY}, POP3 {@code CAPA}, SMTP {@code EHLO}.
 * A STARTTLS candidate only passes when the server advertises STARTTLS (STLS for POP3); an implicit
 * TLS candidate only passes when the handshake succeeds with hostname verification.
 */
final class Prober {
  private static final int MAX_LINES = 200;

  private final Duration timeout;
  private final TlsOptions tls;
  private final BiFunction<String, Integer, InetSocketAddress> addressOf;

  Prober(Duration timeout, TlsOptions tls, BiFunction<String, Integer, InetSocketAddress> addressOf) {
    this.timeout = timeout;
    this.tls = tls;
    this.addressOf = addressOf;
  }

  /** True when {@code host:port} speaks {@code protocol} with the given security. */
  boolean probe(Protocol protocol, String host, int port, Security security) {
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    try (Socket plain = new Socket()) {
      plain.connect(addressOf.apply(host, port), millis);
      plain.setSoTimeout(millis);
      Socket socket = plain;
      if (security == Security.TLS) {
        SSLSocket ssl = (SSLSocket) tls.sslContext().getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = ssl.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.setSSLParameters(params);
        ssl.startHandshake();
        socket = ssl;
      }
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      String capabilities = switch (protocol) {
        case IMAP -> imap(in, out);
        case POP3 -> pop3(in, out);
        case SMTP -> smtp(in, out);
      };
      if (capabilities == null) {
        return false;
      }
      if (security == Security.STARTTLS) {
        String word = protocol == Protocol.POP3 ? "STLS" : "STARTTLS";
        return (" " + capabilities.toUpperCase(Locale.ROOT) + " ").contains(" " + word + " ");
      }
      return true;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static @Nullable String imap(BufferedReader in, OutputStream out) throws IOException {
    String greeting = in.readLine();
    if (greeting == null || !greeting.toUpperCase(Locale.ROOT).startsWith("* OK")) {
      return null;
    }
    send(out, "s1 CAPABILITY");
    StringBuilder caps = new StringBuilder();
    for (int i = 0; i < MAX_LINES; i++) {
      String line = in.readLine();
      if (line == null) {
        return null;
      }
      String upper = line.toUpperCase(Locale.ROOT);
      if (upper.startsWith("* CAPABILITY ")) {
        caps.append(' ').append(line.substring(13));
      } else if (upper.startsWith("S1 ")) {
        send(out, "s2 LOGOUT");
        return upper.startsWith("S1 OK") ? caps.toString().strip() : null;
      }
    }
    return null;
  }

  private static @Nullable String pop3(BufferedReader in, OutputStream out) throws IOException {
    String greeting = in.readLine();
    if (greeting == null || !greeting.startsWith("+OK")) {
      return null;
    }
    send(out, "CAPA");
    String first = in.readLine();
    if (first == null || !first.startsWith("+OK")) {
      return null;
    }
    StringBuilder caps = new StringBuilder();
    for (int i = 0; i < MAX_LINES; i++) {
      String line = in.readLine();
      if (line == null) {
        return null;
      }
      if (line.equals(".")) {
        send(out, "QUIT");
        return caps.toString().strip();
      }
      caps.append(' ').append(line.strip().split("\\s+")[0]);
    }
    return null;
  }

  private static @Nullable String smtp(BufferedReader in, OutputStream out) throws IOException {
    String line = in.readLine();
    // A multi-line 220 greeting ends with "220 ".
    for (int i = 0; line != null && line.startsWith("220-") && i < MAX_LINES; i++) {
      line = in.readLine();
    }
    if (line == null || !line.startsWith("220")) {
      return null;
    }
    send(out, "EHLO satchel.invalid");
    StringBuilder caps = new StringBuilder();
    for (int i = 0; i < MAX_LINES; i++) {
      String reply = in.readLine();
      if (reply == null || !reply.startsWith("250") || reply.length() < 4) {
        return null;
      }
      if (i > 0) {
        caps.append(' ').append(reply.substring(4).strip().split("\\s+")[0]);
      }
      if (reply.charAt(3) == ' ') {
        send(out, "QUIT");
        return caps.toString().strip();
      }
    }
    return null;
  }

  private static void send(OutputStream out, String command) throws IOException {
    out.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }
}
