package dev.satchel.mail.interop;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The OAuth2 logins Dovecot records in its log from a point on, with the SASL mechanism of each
 * ({@code imap-login: Info: Login: user=<carol@example.test>, method=OAUTHBEARER, ...}): how a test
 * sees which mechanism a client really used. Password logins (which other tests make with the same
 * accounts) are left out.
 */
final class DovecotLogins {
  private static final Pattern LOGIN = Pattern.compile("-login: Info: Login: user=<([^>]*)>, method=(XOAUTH2|OAUTHBEARER),");

  private final Path log;
  private final long from;

  private DovecotLogins(Path log, long from) {
    this.log = log;
    this.from = from;
  }

  /** Starts watching at the log's current end. */
  static DovecotLogins from(Harness harness) {
    Path log = harness.dovecotLog();
    try {
      return new DovecotLogins(log, Files.size(log));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Dovecot's log " + log + " (the OAuth2 tests read it as root)", e);
    }
  }

  /**
   * The mechanisms of {@code user}'s OAuth2 logins since {@link #from}, waiting (at most 5 s: Dovecot's
   * log process writes a moment later) until there are at least {@code count}.
   */
  List<String> oauth2Methods(String user, int count) {
    return Await.until(Duration.ofSeconds(5), () -> read(Harness.address(user)), l -> l.size() >= count);
  }

  private List<String> read(String address) {
    List<String> methods = new ArrayList<>();
    try (InputStream in = Files.newInputStream(log)) {
      in.skipNBytes(from);
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        Matcher m = LOGIN.matcher(line);
        if (m.find() && m.group(1).equals(address)) {
          methods.add(m.group(2));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read Dovecot's log " + log, e);
    }
    return methods;
  }
}
