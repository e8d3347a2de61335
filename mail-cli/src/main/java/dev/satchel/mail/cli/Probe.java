package dev.satchel.mail.cli;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.Server;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.jspecify.annotations.Nullable;

/**
 * The network checks of {@code satchel doctor} for one server, below the mail API: DNS, TCP, TLS and
 * the certificate, the greeting, capabilities and STARTTLS. Every wait is bounded by the timeout.
 * Sends no credentials: logging in is checked separately through the real {@code Mailbox} and
 * {@code Transport}.
 */
final class Probe {
  private static final int MAX_LINE = 8192;
  private static final int WARN_DAYS = 14;
  private static final DateTimeFormatter DAY = DateTimeFormatter.ISO_LOCAL_DATE.withZone(ZoneOffset.UTC);

  private final Server server;
  private final SSLContext tls;
  private final String trustDescription;
  private final Duration timeout;
  private final List<Check> checks = new ArrayList<>();
  /** Capabilities or EHLO keywords seen last, upper case. */
  private final Set<String> capabilities = new LinkedHashSet<>();

  private @Nullable Socket socket;
  private @Nullable InputStream in;
  private @Nullable OutputStream out;

  Probe(Server server, SSLContext tls, String trustDescription, Duration timeout) {
    this.server = server;
    this.tls = tls;
    this.trustDescription = trustDescription;
    this.timeout = timeout;
  }

  /** Runs the checks in order, stopping at the first that makes the rest meaningless. */
  List<Check> run() {
    try {
      InetAddress address = dns();
      if (address == null || !tcp(address)) {
        return checks;
      }
      if (server.security() == Security.TLS && !handshake("TLS")) {
        return checks;
      }
      if (!greeting() || !capabilities("capabilities")) {
        return checks;
      }
      switch (server.security()) {
        case STARTTLS -> {
          if (!startTls()) {
            return checks;
          }
        }
        case NONE -> plaintext();
        case TLS -> { }
      }
      loginMethods();
      bye();
    } finally {
      closeQuietly(socket);
    }
    return checks;
  }

  /** Capabilities seen (IMAP CAPABILITY, POP3 CAPA, SMTP EHLO keywords), upper case. */
  Set<String> capabilities() {
    return capabilities;
  }

  private @Nullable InetAddress dns() {
    String host = server.host();
    CompletableFuture<InetAddress[]> lookup = CompletableFuture.supplyAsync(() -> {
      try {
        return InetAddress.getAllByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    });
    try {
      InetAddress[] all = lookup.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      checks.add(Check.ok("DNS", host + " -> " + String.join(", ",
          Arrays.stream(all).map(InetAddress::getHostAddress).toList())));
      return all[0];
    } catch (ExecutionException e) {
      checks.add(Check.fail("DNS", "cannot resolve " + host,
          "check the spelling of the host name; if it is right, your DNS or network is not working"));
    } catch (TimeoutException e) {
      lookup.cancel(true);
      checks.add(Check.fail("DNS", "no DNS answer for " + host + " within " + seconds(),
          "check your network connection and DNS settings"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      checks.add(Check.fail("DNS", "interrupted", null));
    }
    return null;
  }

  private boolean tcp(InetAddress address) {
    Socket s = new Socket();
    socket = s;
    long start = System.nanoTime();
    try {
      s.connect(new InetSocketAddress(address, server.port()), millis());
      s.setSoTimeout(millis());
      in = s.getInputStream();
      out = s.getOutputStream();
      checks.add(Check.ok("TCP", "connected to " + address.getHostAddress() + ":" + server.port() + " in "
          + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms"));
      return true;
    } catch (ConnectException e) {
      checks.add(Check.fail("TCP", "connection refused: nothing listens on " + server.host() + ":" + server.port(),
          "check the port (" + usualPorts() + ") and that the server is running"));
    } catch (SocketTimeoutException e) {
      checks.add(Check.fail("TCP", "no answer from " + server.host() + ":" + server.port() + " within " + seconds(),
          "a firewall probably drops the traffic" + (server.protocol() == Protocol.SMTP
              ? "; many networks block outgoing port 25: use 465 (TLS) or 587 (STARTTLS)" : "")
              + "; check the host and port (" + usualPorts() + ")"));
    } catch (NoRouteToHostException e) {
      checks.add(Check.fail("TCP", "no route to " + server.host(), "check your network connection"));
    } catch (IOException e) {
      checks.add(Check.fail("TCP", "cannot connect to " + server.host() + ":" + server.port() + ": " + e.getMessage(),
          "check the host, the port and your network"));
    }
    return false;
  }

  /** Wraps the connected socket in TLS and verifies the certificate and host name. */
  private boolean handshake(String name) {
    Socket plain = socket;
    if (plain == null) {
      return false;
    }
    try {
      SSLSocket ssl = (SSLSocket) tls.getSocketFactory().createSocket(plain, server.host(), server.port(), true);
      SSLParameters params = ssl.getSSLParameters();
      params.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(params);
      ssl.setSoTimeout(millis());
      ssl.startHandshake();
      socket = ssl;
      in = ssl.getInputStream();
      out = ssl.getOutputStream();
      Certificate[] chain = ssl.getSession().getPeerCertificates();
      X509Certificate leaf = (X509Certificate) chain[0];
      long days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toDays();
      String detail = ssl.getSession().getProtocol() + ", certificate for " + names(leaf) + " issued by "
          + commonName(leaf.getIssuerX500Principal().getName()) + ", valid until "
          + DAY.format(leaf.getNotAfter().toInstant()) + " (" + days + " days)";
      if (days < WARN_DAYS) {
        checks.add(Check.warn(name, detail, "the certificate expires soon: the server's administrator must renew it"));
      } else {
        checks.add(Check.ok(name, detail));
      }
      return true;
    } catch (SocketTimeoutException e) {
      checks.add(Check.fail(name, "the TLS handshake got no answer within " + seconds(),
          "the port accepts connections but does not speak TLS; check the port and the security (" + usualPorts() + ")"));
    } catch (IOException e) {
      checks.add(CertificateDiagnosis.diagnose(name, server, tls, trustDescription, timeout, e));
    }
    return false;
  }

  private boolean greeting() {
    try {
      List<String> lines = readReply(false);
      String first = lines.get(0);
      boolean ok = switch (server.protocol()) {
        case IMAP -> first.startsWith("* OK") || first.startsWith("* PREAUTH");
        case POP3 -> first.startsWith("+OK");
        case SMTP -> first.startsWith("220");
      };
      if (!ok) {
        checks.add(Check.fail("greeting", "unexpected greeting: " + printable(first),
            "this port does not look like " + server.protocol() + "; check the port (" + usualPorts() + ")"));
        return false;
      }
      if (server.protocol() == Protocol.IMAP) {
        capabilities.addAll(bracketCapabilities(first));
      }
      checks.add(Check.ok("greeting", printable(first)));
      return true;
    } catch (SocketTimeoutException e) {
      checks.add(Check.fail("greeting", "connected, but the server said nothing within " + seconds(),
          server.security() == Security.NONE || server.security() == Security.STARTTLS
              ? "this port may expect implicit TLS (security tls), or the server hangs; check the port (" + usualPorts() + ")"
              : "the server hangs or this is not a " + server.protocol() + " port; check the port (" + usualPorts() + ")"));
    } catch (IOException e) {
      checks.add(Check.fail("greeting", "the connection failed before the greeting: " + e.getMessage(),
          server.security() == Security.TLS ? null
              : "the port may expect implicit TLS (security tls); check the port (" + usualPorts() + ")"));
    }
    return false;
  }

  private boolean capabilities(String name) {
    try {
      capabilities.clear();
      switch (server.protocol()) {
        case IMAP -> {
          List<String> reply = command("c1 CAPABILITY", "c1 ");
          for (String line : reply) {
            if (line.toUpperCase(Locale.ROOT).startsWith("* CAPABILITY ")) {
              capabilities.addAll(words(line.substring("* CAPABILITY ".length())));
            }
          }
        }
        case POP3 -> {
          List<String> reply = command("CAPA", null);
          if (!reply.get(0).startsWith("+OK")) {
            checks.add(Check.info(name, "the server does not answer CAPA (an old POP3 server): capabilities unknown"));
            return true;
          }
          for (String line : reply.subList(1, reply.size())) {
            capabilities.add(line.strip().toUpperCase(Locale.ROOT));
          }
        }
        case SMTP -> {
          List<String> reply = command("EHLO satchel-doctor", null);
          if (!reply.get(0).startsWith("250")) {
            checks.add(Check.warn(name, "EHLO refused: " + printable(reply.get(0)),
                "the server speaks only old SMTP (HELO): no STARTTLS, no AUTH"));
            return true;
          }
          for (String line : reply.subList(1, reply.size())) {
            capabilities.add(line.length() > 4 ? line.substring(4).strip().toUpperCase(Locale.ROOT) : "");
          }
        }
      }
      checks.add(Check.ok(name, capabilities.isEmpty() ? "(none announced)" : String.join(" ", capabilities)));
      return true;
    } catch (IOException e) {
      checks.add(Check.fail(name, "no answer to the capability request: " + describe(e),
          "the server hangs or closed the connection; try again later or check the port"));
      return false;
    }
  }

  private boolean startTls() {
    String offered = switch (server.protocol()) {
      case IMAP, SMTP -> "STARTTLS";
      case POP3 -> "STLS";
    };
    if (!capabilities.contains(offered)) {
      checks.add(Check.fail("STARTTLS", "the server does not offer " + offered + "; satchel never falls back to plaintext",
          "use implicit TLS (security tls, port " + server.protocol().defaultPort(Security.TLS) + ") if the server offers it"));
      return false;
    }
    try {
      List<String> reply = switch (server.protocol()) {
        case IMAP -> command("c2 STARTTLS", "c2 ");
        case POP3 -> command("STLS", null);
        case SMTP -> command("STARTTLS", null);
      };
      String last = reply.get(reply.size() - 1);
      boolean ok = switch (server.protocol()) {
        case IMAP -> last.toUpperCase(Locale.ROOT).startsWith("C2 OK");
        case POP3 -> last.startsWith("+OK");
        case SMTP -> last.startsWith("220");
      };
      if (!ok) {
        checks.add(Check.fail("STARTTLS", "the server offered " + offered + " but refused it: " + printable(last),
            "the server is misconfigured; use implicit TLS if it offers it"));
        return false;
      }
    } catch (IOException e) {
      checks.add(Check.fail("STARTTLS", "no answer to " + offered + ": " + describe(e), null));
      return false;
    }
    if (!handshake("STARTTLS")) {
      return false;
    }
    return server.protocol() == Protocol.POP3 || capabilities("capabilities after TLS");
  }

  private void plaintext() {
    boolean loopback = isLoopback(server.host());
    String offered = server.protocol() == Protocol.POP3 ? "STLS" : "STARTTLS";
    if (loopback) {
      checks.add(Check.info("encryption", "none (plaintext), acceptable only because the server is on this machine"));
    } else {
      checks.add(Check.warn("encryption", "none: a password would cross the network unencrypted",
          capabilities.contains(offered) ? "the server offers " + offered + ": use security starttls"
              : "use TLS (port " + server.protocol().defaultPort(Security.TLS) + ") if the server offers it"));
    }
  }

  private void loginMethods() {
    List<String> methods = new ArrayList<>();
    if (server.protocol() == Protocol.IMAP && !capabilities.contains("LOGINDISABLED")) {
      methods.add("LOGIN");
    }
    for (String c : capabilities) {
      if (c.startsWith("AUTH=")) {
        methods.add(c.substring(5));
      } else if (c.startsWith("AUTH ") || c.startsWith("SASL ")) {
        methods.addAll(words(c.substring(5)));
      } else if (server.protocol() == Protocol.POP3 && c.equals("USER")) {
        methods.add("USER/PASS");
      }
    }
    if (server.protocol() == Protocol.IMAP && capabilities.contains("LOGINDISABLED")) {
      checks.add(Check.fail("login methods", "the server disabled LOGIN on this connection (LOGINDISABLED)",
          "use TLS or STARTTLS: the server accepts passwords only over an encrypted connection"));
    } else if (!methods.isEmpty()) {
      checks.add(Check.info("login methods", String.join(" ", new LinkedHashSet<>(methods))));
    } else if (server.protocol() == Protocol.SMTP) {
      checks.add(Check.info("login methods", "none announced: this server accepts mail without login, or only after STARTTLS"));
    }
  }

  private void bye() {
    try {
      switch (server.protocol()) {
        case IMAP -> send("c9 LOGOUT");
        case POP3, SMTP -> send("QUIT");
      }
    } catch (IOException e) {
      // the checks are done; a failed goodbye changes nothing
    }
  }

  private List<String> command(String command, @Nullable String tag) throws IOException {
    send(command);
    if (tag == null) {
      return readReply(command.equals("CAPA"));
    }
    List<String> lines = new ArrayList<>();
    while (true) {
      String line = readLine();
      lines.add(line);
      if (line.regionMatches(true, 0, tag, 0, tag.length())) {
        return lines;
      }
    }
  }

  private void send(String command) throws IOException {
    OutputStream o = out;
    if (o == null) {
      throw new IOException("not connected");
    }
    o.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
    o.flush();
  }

  /** One reply: IMAP one line; POP3 one line, or with {@code multiLine} the list after +OK up to "."; SMTP until "NNN ". */
  private List<String> readReply(boolean multiLine) throws IOException {
    List<String> lines = new ArrayList<>();
    String first = readLine();
    lines.add(first);
    switch (server.protocol()) {
      case SMTP -> {
        String line = first;
        while (line.length() >= 4 && line.charAt(3) == '-') {
          line = readLine();
          lines.add(line);
        }
      }
      case POP3 -> {
        if (first.startsWith("+OK") && multiLine) {
          for (String line = readLine(); !line.equals("."); line = readLine()) {
            lines.add(line);
          }
        }
      }
      case IMAP -> { }
    }
    return lines;
  }

  private String readLine() throws IOException {
    InputStream i = in;
    if (i == null) {
      throw new IOException("not connected");
    }
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = i.read();
      if (b < 0) {
        throw new IOException("the server closed the connection");
      }
      if (b == '\n') {
        break;
      }
      if (line.size() < MAX_LINE) {
        line.write(b);
      }
    }
    String s = line.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private String usualPorts() {
    return switch (server.protocol()) {
      case IMAP -> "IMAP: 993 with TLS, 143 with STARTTLS";
      case POP3 -> "POP3: 995 with TLS, 110 with STARTTLS";
      case SMTP -> "SMTP submission: 465 with TLS, 587 with STARTTLS";
    };
  }

  private int millis() {
    return (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
  }

  private String seconds() {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }

  static boolean isLoopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  static String describe(IOException e) {
    return e instanceof SocketTimeoutException ? "timed out" : String.valueOf(e.getMessage());
  }

  static String printable(String line) {
    String s = line.replaceAll("\\p{Cntrl}", "?");
    return s.length() > 120 ? s.substring(0, 117) + "..." : s;
  }

  static String commonName(String dn) {
    for (String part : dn.split(",")) {
      String p = part.strip();
      if (p.startsWith("CN=")) {
        return p.substring(3);
      }
    }
    return dn;
  }

  static String names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      var sans = cert.getSubjectAlternativeNames();
      if (sans != null) {
        for (List<?> san : sans) {
          Object kind = san.get(0);
          if (Integer.valueOf(2).equals(kind) || Integer.valueOf(7).equals(kind)) {
            names.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException e) {
      // fall back to the subject below
    }
    if (names.isEmpty()) {
      names.add(commonName(cert.getSubjectX500Principal().getName()));
    }
    return String.join(", ", names);
  }

  private static Set<String> bracketCapabilities(String greeting) {
    int start = greeting.toUpperCase(Locale.ROOT).indexOf("[CAPABILITY ");
    int end = greeting.indexOf(']', Math.max(start, 0));
    if (start < 0 || end < 0) {
      return Set.of();
    }
    return new LinkedHashSet<>(words(greeting.substring(start + "[CAPABILITY ".length(), end)));
  }

  private static List<String> words(String text) {
    return Arrays.stream(text.strip().split("\\s+")).filter(w -> !w.isEmpty()).map(w -> w.toUpperCase(Locale.ROOT)).toList();
  }

  private static void closeQuietly(@Nullable Closeable c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  /** Used by {@link CertificateDiagnosis} to tell a non-TLS port from a certificate problem. */
  static boolean looksLikeNoTls(IOException e) {
    return e instanceof SSLException && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("unrecognized");
  }
}
