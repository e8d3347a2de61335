package dev.satchel.mail.bench;

import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.time.Duration;
import java.util.Properties;

/**
 * One server set to measure against: where IMAP, POP3 and SMTP listen (plain, on loopback), the
 * account that holds the seeded folders, and the account that receives the sent messages.
 */
record BenchTarget(String name, String host, int imapPort, int pop3Port, int smtpPort, Account user, Account sink) {

  /** A login name and password; the login is also the address. */
  record Account(String login, String password) {
    static Account parse(String loginColonPassword) {
      int i = loginColonPassword.indexOf(':');
      if (i <= 0 || i == loginColonPassword.length() - 1) {
        throw new IllegalArgumentException("an account must be given as address:password, was \"" + loginColonPassword + "\"");
      }
      return new Account(loginColonPassword.substring(0, i), loginColonPassword.substring(i + 1));
    }

    @Override
    public String toString() {
      return login;
    }
  }

  /** The same target with IMAP reached at {@code host:port} instead (a proxy's); for IMAP-only scenarios. */
  BenchTarget withImap(String imapHost, int port) {
    return new BenchTarget(name, imapHost, port, pop3Port, smtpPort, user, sink);
  }

  /**
   * The same target with SMTP reached at {@code smtpHost:port} instead (a proxy's). IMAP and POP3 stay
   * direct (the sink is checked and emptied over IMAP); for the SMTP-only scenario.
   */
  BenchTarget withSmtp(String smtpHost, int port) {
    if (!smtpHost.equals(host)) {
      throw new IllegalArgumentException("the proxy must listen on the target's host " + host + ", was " + smtpHost);
    }
    return new BenchTarget(name, host, imapPort, pop3Port, port, user, sink);
  }

  MailSettings satchel(Protocol protocol) {
    int port = switch (protocol) {
      case IMAP -> imapPort;
      case POP3 -> pop3Port;
      case SMTP -> smtpPort;
    };
    MailSettings.Builder b = MailSettings.builder()
        .server(protocol, host, port, Security.NONE)
        .readTimeout(Duration.ofMinutes(2));
    if (protocol != Protocol.SMTP) {
      b.password(user.login(), user.password());
    }
    return b.build();
  }

  /** Jakarta Mail session properties for plain connections with finite timeouts (and nothing else changed). */
  Properties angus(String protocol) {
    Properties p = new Properties();
    int port = switch (protocol) {
      case "imap" -> imapPort;
      case "pop3" -> pop3Port;
      default -> smtpPort;
    };
    p.setProperty("mail." + protocol + ".host", host);
    p.setProperty("mail." + protocol + ".port", Integer.toString(port));
    p.setProperty("mail." + protocol + ".connectiontimeout", "10000");
    p.setProperty("mail." + protocol + ".timeout", "120000");
    return p;
  }

  RawImap rawImap() throws java.io.IOException {
    return RawImap.login(host, imapPort, user.login(), user.password());
  }

  RawImap rawSinkImap() throws java.io.IOException {
    return RawImap.login(host, imapPort, sink.login(), sink.password());
  }
}
