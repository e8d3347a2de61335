package dev.satchel.mail.cli;

import dev.satchel.mail.oauth2.testserver.OAuth2TestServer;
import dev.satchel.mail.testkit.LoopbackServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted IMAP or SMTP server on 127.0.0.1 that takes only SASL XOAUTH2 and checks each bearer
 * token at the OAuth2 test server (token introspection): it must be active and issued to the user
 * who logs in. GreenMail cannot do that: it compares an XOAUTH2 token with the user's password. The
 * IMAP side answers just enough for {@code satchel list} of an empty INBOX and {@code satchel doctor};
 * the SMTP side takes one message at a time.
 */
final class BearerMailServer implements AutoCloseable {
  private final OAuth2TestServer authorizationServer;
  private final LoopbackServer loopback;
  /** The users whose token was accepted, one entry per login. */
  final List<String> accepted = new CopyOnWriteArrayList<>();
  /** Why tokens were refused. */
  final List<String> refused = new CopyOnWriteArrayList<>();
  /** The IMAP command verbs received, in order. */
  final List<String> verbs = new CopyOnWriteArrayList<>();
  /** The messages received over SMTP, as sent after DATA. */
  final List<String> messages = new CopyOnWriteArrayList<>();

  private BearerMailServer(OAuth2TestServer authorizationServer, boolean imap) throws IOException {
    this.authorizationServer = authorizationServer;
    this.loopback = imap ? LoopbackServer.start("bearer-imap", this::imap) : LoopbackServer.start("bearer-smtp", this::smtp);
  }

  static BearerMailServer imap(OAuth2TestServer authorizationServer) throws IOException {
    return new BearerMailServer(authorizationServer, true);
  }

  static BearerMailServer smtp(OAuth2TestServer authorizationServer) throws IOException {
    return new BearerMailServer(authorizationServer, false);
  }

  int port() {
    return loopback.port();
  }

  /** Checks an XOAUTH2 initial response ({@code user=U^Aauth=Bearer T^A^A}, base64) at the test server. */
  private boolean check(String base64) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      refused.add("not base64");
      return false;
    }
    String[] parts = decoded.split("\u0001");
    if (parts.length < 2 || !parts[0].startsWith("user=") || !parts[1].startsWith("auth=Bearer ")) {
      refused.add("not an XOAUTH2 response");
      return false;
    }
    String user = parts[0].substring("user=".length());
    Map<String, Object> introspection = authorizationServer.introspect(parts[1].substring("auth=Bearer ".length()));
    if (!Boolean.TRUE.equals(introspection.get("active")) || !user.equals(introspection.get("sub"))) {
      refused.add("token of " + user + ": active=" + introspection.get("active") + ", sub=" + introspection.get("sub"));
      return false;
    }
    accepted.add(user);
    return true;
  }

  private void imap(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    OutputStream out = s.getOutputStream();
    String capabilities = "IMAP4rev1 AUTH=XOAUTH2 SASL-IR";
    write(out, "* OK [CAPABILITY " + capabilities + "] bearer test server ready\r\n");
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.split(" ");
      String tag = words[0];
      String verb = words.length > 1 ? words[1].toUpperCase(Locale.ROOT) : "";
      verbs.add(verb);
      switch (verb) {
        case "CAPABILITY" -> write(out, "* CAPABILITY " + capabilities + "\r\n" + tag + " OK done\r\n");
        case "AUTHENTICATE" -> {
          String response = words.length > 3 ? words[3] : null;
          if (response == null) {
            write(out, "+ \r\n");
            response = in.readLine();
          }
          write(out, response != null && check(response)
              ? tag + " OK [CAPABILITY IMAP4rev1] authenticated\r\n"
              : tag + " NO [AUTHENTICATIONFAILED] invalid token\r\n");
        }
        case "SELECT", "EXAMINE" -> write(out, "* FLAGS (\\Seen \\Answered \\Flagged \\Deleted \\Draft)\r\n* 0 EXISTS\r\n"
            + "* 0 RECENT\r\n* OK [UIDVALIDITY 1700000000] ok\r\n* OK [UIDNEXT 1] ok\r\n" + tag + " OK [READ-ONLY] done\r\n");
        case "LIST" -> write(out, "* LIST (\\HasNoChildren) \"/\" INBOX\r\n" + tag + " OK done\r\n");
        case "UID" -> write(out, (line.toUpperCase(Locale.ROOT).contains(" SEARCH") ? "* SEARCH\r\n" : "") + tag + " OK done\r\n");
        case "LOGOUT" -> {
          write(out, "* BYE bye\r\n" + tag + " OK done\r\n");
          return;
        }
        default -> write(out, tag + " OK done\r\n"); // NOOP, ID, ENABLE, NAMESPACE, CLOSE ...
      }
    }
  }

  private void smtp(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
    OutputStream out = s.getOutputStream();
    write(out, "220 bearer test server ESMTP\r\n");
    String line;
    while ((line = in.readLine()) != null) {
      String upper = line.toUpperCase(Locale.ROOT);
      if (upper.startsWith("EHLO")) {
        write(out, "250-bearer.test\r\n250-AUTH XOAUTH2\r\n250 8BITMIME\r\n");
      } else if (upper.startsWith("AUTH XOAUTH2")) {
        String[] words = line.split(" ");
        String response = words.length > 2 ? words[2] : null;
        if (response == null) {
          write(out, "334 \r\n");
          response = in.readLine();
        }
        write(out, response != null && check(response) ? "235 2.7.0 accepted\r\n" : "535 5.7.8 invalid token\r\n");
      } else if (upper.startsWith("DATA")) {
        write(out, "354 go ahead\r\n");
        StringBuilder message = new StringBuilder();
        while ((line = in.readLine()) != null && !line.equals(".")) {
          message.append(line).append('\n');
        }
        messages.add(message.toString());
        write(out, "250 2.0.0 queued\r\n");
      } else if (upper.startsWith("QUIT")) {
        write(out, "221 2.0.0 bye\r\n");
        return;
      } else {
        write(out, "250 2.0.0 ok\r\n"); // MAIL, RCPT, RSET, NOOP
      }
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    loopback.close();
  }
}
