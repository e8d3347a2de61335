package dev.satchel.mail.interop;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.TlsOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The project's real-server harness (interop/harness: Dovecot and Postfix, Cyrus IMAP and Courier-IMAP,
 * Exim, PostgreSQL on 127.0.0.1) as the tests
 * see it: its ports and trust material from {@code harness.env}, settings for its users, reachability
 * checks, starting it when it is down and this process is root, and emptying mailboxes between tests.
 *
 * <p>One instance per test JVM ({@link #get()}); tests run one at a time.
 */
final class Harness {
  /** The environment variable whose value {@code skip} is the only way to skip the interop suite. */
  static final String SWITCH = "SATCHEL_INTEROP";

  static final String HOST = "127.0.0.1";
  static final String DOMAIN = "example.test";

  private static final Duration START_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration RESET_TIMEOUT = Duration.ofSeconds(30);

  private static volatile Harness instance;

  private final Path scripts;
  private final Path logs;
  private final Path stateDir;
  private final Map<String, String> env = new LinkedHashMap<>();
  private boolean startedByUs;
  private TlsOptions tls;

  /** A harness with these script, log and state folders; tests use {@link #get()}. */
  Harness(Path scripts, Path logs, Path stateDir) {
    this.scripts = scripts;
    this.logs = logs;
    this.stateDir = stateDir;
  }

  /** The harness of this JVM, not yet checked; see {@link InteropExtension} for the check. */
  static synchronized Harness get() {
    if (instance == null) {
      Path scripts = Path.of(System.getProperty("satchel.interop.harness", "../interop/harness")).toAbsolutePath().normalize();
      Path logs = Path.of(System.getProperty("satchel.interop.logs", "target/interop")).toAbsolutePath().normalize();
      String dir = System.getenv("MAILHARNESS_DIR");
      instance = new Harness(scripts, logs, Path.of(dir == null || dir.isBlank() ? "/tmp/mailharness" : dir));
    }
    return instance;
  }

  /**
   * Makes sure the servers answer; starts them with {@code start.sh} when they do not and this
   * process is root.
   *
   * @throws IllegalStateException saying what is missing and how to fix it
   */
  synchronized void ensureRunning() {
    if (Files.isRegularFile(stateDir.resolve("harness.env"))) {
      loadEnv(); // ports moved with MH_*_PORT are found there
    }
    List<String> down = unreachable();
    if (!down.isEmpty()) {
      if (!isRoot()) {
        throw new IllegalStateException(missingMessage(down, "this build does not run as root, so it cannot start them itself"));
      }
      Path start = scripts.resolve("start.sh");
      if (!Files.isExecutable(start)) {
        throw new IllegalStateException(missingMessage(down, "and " + start + " is missing, so the suite cannot start them"));
      }
      run(List.of(start.toString()), START_TIMEOUT, "harness-start.log", "starting the harness (" + start + ")");
      startedByUs = true;
      down = unreachable();
      if (!down.isEmpty()) {
        throw new IllegalStateException(missingMessage(down, start + " ran, but they still do not answer; see "
            + logs.resolve("harness-start.log") + " and " + stateDir.resolve("log")));
      }
    }
    loadEnv();
    tls = trust();
  }

  /** True when {@link #ensureRunning()} started the servers, so that the suite stops them again. */
  synchronized boolean startedByUs() {
    return startedByUs;
  }

  /** Stops the servers with {@code stop.sh}; only for servers this JVM started. */
  synchronized void stop() {
    if (startedByUs) {
      startedByUs = false;
      run(List.of(scripts.resolve("stop.sh").toString()), START_TIMEOUT, "harness-stop.log", "stopping the harness");
    }
  }

  /**
   * Empties the users' mail homes with {@code reset.sh} (kicks their sessions first): each starts again
   * with an empty INBOX, the five special-use folders, a new UIDVALIDITY and no quota used.
   */
  void reset(String... users) {
    List<String> cmd = new ArrayList<>();
    if (!isRoot()) {
      cmd.add("sudo");
      cmd.add("-n");
    }
    cmd.add(scripts.resolve("reset.sh").toString());
    for (String u : users) {
      cmd.add(address(u));
    }
    run(cmd, RESET_TIMEOUT, "harness-reset.log", "emptying mailboxes with reset.sh (needs root or password-less sudo)");
  }

  /** Ends every IMAP/POP3 session of a user on the server side ({@code doveadm kick}), as an admin or a crash would. */
  void kick(String user) {
    List<String> cmd = new ArrayList<>();
    if (!isRoot()) {
      cmd.add("sudo");
      cmd.add("-n");
    }
    cmd.addAll(List.of("doveadm", "-c", env.getOrDefault("MAILHARNESS_DOVECOT_CONF", stateDir.resolve("dovecot/dovecot.conf").toString()),
        "kick", address(user)));
    run(cmd, RESET_TIMEOUT, "harness-kick.log", "kicking " + address(user) + " with doveadm (needs root or password-less sudo)");
  }

  /** {@code alice} -> {@code alice@example.test}; full addresses stay. */
  static String address(String user) {
    return user.contains("@") ? user : user + "@" + DOMAIN;
  }

  /** The harness password of a user: {@code alice} -> {@code alice-pw}. */
  static String password(String user) {
    String local = address(user);
    return local.substring(0, local.indexOf('@')) + "-pw";
  }

  /** The IMAP/POP3 servers of the harness; each has the same users, passwords and certificate. */
  enum MailServer {
    /** Dovecot 2.3, installed from Debian packages; mail also arrives through Postfix. */
    DOVECOT(""),
    /** Cyrus IMAP 3.6, unpacked from Debian packages; mail is delivered over its LMTP. */
    CYRUS("CYRUS_"),
    /** Courier-IMAP 5.0 and courier-pop, unpacked from Debian packages; mail is added by IMAP APPEND. */
    COURIER("COURIER_");

    private final String envInfix;

    MailServer(String envInfix) {
      this.envInfix = envInfix;
    }

    /** "Cyrus" for CYRUS. */
    String displayName() {
      return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The SMTP servers of the harness; each delivers the local domains' mail to Dovecot over LMTP, has an
   * MX-style port (STARTTLS optional, no AUTH needed for local recipients) and a submission port
   * (STARTTLS and AUTH required), and relays nothing off the machine.
   */
  enum SmtpServer {
    /** Postfix 3.7, installed from Debian packages: submission 11587, MX 11025. */
    POSTFIX("", 11_587, 11_025),
    /** Exim 4.96, unpacked from Debian packages: submission 14587, MX 14025. */
    EXIM("EXIM_", 14_587, 14_025);

    private final String envInfix;
    private final int submissionPort;
    private final int mxPort;

    SmtpServer(String envInfix, int submissionPort, int mxPort) {
      this.envInfix = envInfix;
      this.submissionPort = submissionPort;
      this.mxPort = mxPort;
    }

    /** "Exim" for EXIM. */
    String displayName() {
      return name().charAt(0) + name().substring(1).toLowerCase(Locale.ROOT);
    }
  }

  /** Settings for a harness user of Dovecot on the port that matches protocol and security. */
  MailSettings settings(String user, Protocol protocol, Security security) {
    return settings(MailServer.DOVECOT, user, protocol, security);
  }

  /** Settings for a harness user of one server on the port that matches protocol and security. */
  MailSettings settings(MailServer server, String user, Protocol protocol, Security security) {
    return MailSettings.builder().server(protocol, HOST, port(server, protocol, security), security)
        .password(address(user), password(user)).tls(tls()).connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(20)).writeTimeout(Duration.ofSeconds(20)).build();
  }

  /** Submission (11587, STARTTLS required, AUTH required) for a user. */
  MailSettings submission(String user) {
    return settings(user, Protocol.SMTP, Security.STARTTLS);
  }

  /** Submission of one SMTP server (STARTTLS required, AUTH required) for a user. */
  MailSettings submission(SmtpServer server, String user) {
    return submission(user).toBuilder().server(Protocol.SMTP, HOST, submissionPort(server), Security.STARTTLS).build();
  }

  /** The submission port of an SMTP server: Postfix 11587, Exim 14587. */
  int submissionPort(SmtpServer server) {
    return intEnv("MAILHARNESS_" + server.envInfix + "SUBMISSION_PORT", server.submissionPort);
  }

  /** The MX-style port of an SMTP server (STARTTLS optional, local recipients only): Postfix 11025, Exim 14025. */
  int smtpPort(SmtpServer server) {
    return intEnv("MAILHARNESS_" + server.envInfix + "SMTP_PORT", server.mxPort);
  }

  /**
   * The port for a protocol and security: IMAP 11143 (plain/STARTTLS) or 11993 (TLS), POP3 11110 or
   * 11995, SMTP submission 11587 for STARTTLS and NONE, and the MX-like 11025 is {@link #smtpPort()}.
   */
  int port(Protocol protocol, Security security) {
    return switch (protocol) {
      case IMAP -> security == Security.TLS ? intEnv("MAILHARNESS_IMAPS_PORT", 11993) : intEnv("MAILHARNESS_IMAP_PORT", 11143);
      case POP3 -> security == Security.TLS ? intEnv("MAILHARNESS_POP3S_PORT", 11995) : intEnv("MAILHARNESS_POP3_PORT", 11110);
      case SMTP -> {
        if (security == Security.TLS) {
          throw new IllegalArgumentException("the harness has no implicit-TLS SMTP port");
        }
        yield intEnv("MAILHARNESS_SUBMISSION_PORT", 11587);
      }
    };
  }

  /**
   * The IMAP or POP3 port of a server: Cyrus uses 12143/12993 and 12110/12995, Courier 13143/13993 and
   * 13110/13995 (the STARTTLS port also takes {@link Security#NONE}).
   */
  int port(MailServer server, Protocol protocol, Security security) {
    if (server == MailServer.DOVECOT || protocol == Protocol.SMTP) {
      return port(protocol, security);
    }
    int base = server == MailServer.CYRUS ? 12_000 : 13_000;
    String key = "MAILHARNESS_" + server.envInfix + protocol.name() + (security == Security.TLS ? "S" : "") + "_PORT";
    int fallback = base + switch (protocol) {
      case IMAP -> security == Security.TLS ? 993 : 143;
      default -> security == Security.TLS ? 995 : 110;
    };
    return intEnv(key, fallback);
  }

  /** Cyrus's LMTP port (12024): synchronous delivery straight into Cyrus. */
  int cyrusLmtpPort() {
    return intEnv("MAILHARNESS_CYRUS_LMTP_PORT", 12_024);
  }

  /**
   * The port on 127.0.0.1 (11080) where Dovecot's oauth2 passdb introspects tokens (RFC 7662): the
   * OAuth2 interop tests start their authorization server there; nothing listens there otherwise.
   *
   * @throws IllegalStateException when the running harness was started without the oauth2 passdb
   */
  int oauth2Port() {
    if (!env.containsKey("MAILHARNESS_OAUTH2_PORT")) {
      throw new IllegalStateException("the running harness was started without Dovecot's oauth2 passdb (its harness.env "
          + "has no MAILHARNESS_OAUTH2_PORT); restart it with this checkout's `sudo interop/harness/start.sh`");
    }
    return intEnv("MAILHARNESS_OAUTH2_PORT", 11_080);
  }

  /** The client id Dovecot authenticates with (HTTP Basic) at the introspection endpoint. */
  String oauth2IntrospectionClient() {
    return env.getOrDefault("MAILHARNESS_OAUTH2_INTROSPECTION_CLIENT", "dovecot");
  }

  /** The secret of {@link #oauth2IntrospectionClient()}. */
  String oauth2IntrospectionSecret() {
    return env.getOrDefault("MAILHARNESS_OAUTH2_INTROSPECTION_SECRET", "dovecot-introspection-secret");
  }

  /** Dovecot's log, where each login names its SASL mechanism ({@code Login: user=<...>, method=...}). */
  Path dovecotLog() {
    return stateDir.resolve("log/dovecot.log");
  }

  /** The harness's PKCS12 trust store (its certificate only) and its password. */
  KeyStore trustStore() {
    Path store = Path.of(env.getOrDefault("MAILHARNESS_TRUSTSTORE_P12", stateDir.resolve("tls/truststore.p12").toString()));
    char[] password = env.getOrDefault("MAILHARNESS_TRUSTSTORE_PASSWORD", "changeit").toCharArray();
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore ks = KeyStore.getInstance("PKCS12");
      ks.load(in, password);
      return ks;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("the harness trust store " + store + " cannot be read (" + e.getMessage()
          + "); `sudo interop/harness/start.sh` writes it", e);
    }
  }

  /** Postfix's MX-like SMTP port (11025): STARTTLS and AUTH optional, local recipients only. */
  int smtpPort() {
    return smtpPort(SmtpServer.POSTFIX);
  }

  /** The LMTP port (11024): synchronous delivery straight into Dovecot. */
  int lmtpPort() {
    return intEnv("MAILHARNESS_LMTP_PORT", 11024);
  }

  /** Trust in the harness certificate only (its PKCS12 trust store), host names verified. */
  synchronized TlsOptions tls() {
    if (tls == null) {
      throw new IllegalStateException("harness not checked yet: annotate the test class with @Interop");
    }
    return tls;
  }

  private TlsOptions trust() {
    return TlsOptions.trusting(trustStore());
  }

  /**
   * A value from {@code harness.env} (loaded when the harness was checked).
   *
   * @throws IllegalStateException when harness.env has no such key, naming it
   */
  synchronized String env(String key) {
    String v = env.get(key);
    if (v == null) {
      throw new IllegalStateException(stateDir.resolve("harness.env") + " has no " + key
          + ": the harness predates it; restart it with `sudo interop/harness/start.sh`");
    }
    return v;
  }

  private void loadEnv() {
    Path file = stateDir.resolve("harness.env");
    if (!Files.isRegularFile(file)) {
      throw new IllegalStateException("the servers answer but " + file + " is missing: was the harness started by "
          + "interop/harness/start.sh? Restart it with `sudo interop/harness/start.sh`");
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
    env.clear();
    p.stringPropertyNames().forEach(k -> env.put(k, unquote(p.getProperty(k))));
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"") ? v.substring(1, v.length() - 1) : v;
  }

  private int intEnv(String key, int fallback) {
    String v = env.get(key);
    return v == null ? fallback : Integer.parseInt(v.trim());
  }

  /** The harness services that refuse a TCP connection, as "IMAP 127.0.0.1:11143" strings. */
  private List<String> unreachable() {
    Map<String, Integer> services = new LinkedHashMap<>();
    services.put("Dovecot IMAP", intEnv("MAILHARNESS_IMAP_PORT", 11143));
    services.put("Dovecot IMAPS", intEnv("MAILHARNESS_IMAPS_PORT", 11993));
    services.put("Dovecot POP3", intEnv("MAILHARNESS_POP3_PORT", 11110));
    services.put("Dovecot POP3S", intEnv("MAILHARNESS_POP3S_PORT", 11995));
    services.put("Dovecot LMTP", intEnv("MAILHARNESS_LMTP_PORT", 11024));
    for (SmtpServer server : SmtpServer.values()) {
      services.put(server.displayName() + " SMTP", smtpPort(server));
      services.put(server.displayName() + " submission", submissionPort(server));
    }
    for (MailServer server : List.of(MailServer.CYRUS, MailServer.COURIER)) {
      for (Protocol protocol : List.of(Protocol.IMAP, Protocol.POP3)) {
        for (Security security : List.of(Security.STARTTLS, Security.TLS)) {
          services.put(server.displayName() + " " + protocol + (security == Security.TLS ? "S" : ""), port(server, protocol, security));
        }
      }
    }
    services.put("Cyrus LMTP", cyrusLmtpPort());
    services.put("PostgreSQL", intEnv("MAILHARNESS_POSTGRES_PORT", 15432));
    List<String> down = new ArrayList<>();
    services.forEach((name, port) -> {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(HOST, port), 2000);
      } catch (IOException e) {
        down.add(name + " " + HOST + ":" + port);
      }
    });
    return down;
  }

  private static String missingMessage(List<String> down, String why) {
    return "The interop suite needs the real mail servers of interop/harness on 127.0.0.1, but nothing answers on "
        + String.join(", ", down) + "; " + why + ". Start them with `sudo interop/harness/start.sh` (Debian; "
        + "installs Dovecot, Postfix and PostgreSQL and unpacks Cyrus, Courier and Exim from packages the first time), or skip this "
        + "suite with SATCHEL_INTEROP=skip.";
  }

  private void run(List<String> command, Duration timeout, String logName, String what) {
    try {
      Files.createDirectories(logs);
      Path log = logs.resolve(logName);
      Process p = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .start();
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(what + " took longer than " + timeout + "; see " + log);
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(what + " failed with exit code " + p.exitValue() + ": " + tail(log));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(what + " could not run: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted", e);
    }
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())) + " (full log: " + log + ")";
  }

  /** True when this process runs as root (uid 0), read from /proc so that no JDK-internal API is needed. */
  static boolean isRoot() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.substring(4).trim().split("\\s+")[1].equals("0"); // effective uid
        }
      }
    } catch (IOException | RuntimeException e) {
      return "root".equals(System.getProperty("user.name", "").toLowerCase(Locale.ROOT));
    }
    return false;
  }
}
