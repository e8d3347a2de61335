package dev.satchel.mail.pop3;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A tiny scripted POP3 server on 127.0.0.1 for what GreenMail cannot do: it logs in only with SASL
 * XOAUTH2 (RFC 5034 AUTH with the initial response inline or after a "+" continuation), checks the
 * initial response's format ({@code user=<u>^Aauth=Bearer <token>^A^A}), accepts only the tokens it
 * was told to, and serves one fixed message. One connection at a time; plaintext.
 */
final class ScriptedPop3Server implements AutoCloseable {
  private static final Pattern XOAUTH2 = Pattern.compile("user=([^\\x01]+)\\x01auth=Bearer ([^\\x01]+)\\x01\\x01");

  static final String MESSAGE = "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: over oauth\r\n"
      + "Message-ID: <oauth@example.test>\r\n\r\nHello over XOAUTH2\r\n.leading dot\r\n";

  private final ServerSocket listener;
  private final String user;
  private final Set<String> acceptedTokens;
  /** Tokens presented in well-formed XOAUTH2 responses, in order. */
  final List<String> tokensSeen = new CopyOnWriteArrayList<>();
  /** Decoded XOAUTH2 responses that did not have the required format. */
  final List<String> malformed = new CopyOnWriteArrayList<>();
  /** Every command verb received, upper case. */
  final List<String> commands = new CopyOnWriteArrayList<>();

  ScriptedPop3Server(String user, Set<String> acceptedTokens) throws IOException {
    this.user = user;
    this.acceptedTokens = acceptedTokens;
    this.listener = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serve, "scripted-pop3");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  private void serve() {
    while (!listener.isClosed()) {
      try (Socket s = listener.accept()) {
        session(s);
      } catch (IOException e) {
        // closed, or the client went away: take the next connection
      }
    }
  }

  private void session(Socket s) throws IOException {
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
    OutputStream out = s.getOutputStream();
    send(out, "+OK scripted POP3 ready");
    boolean authenticated = false;
    String line;
    while ((line = in.readLine()) != null) {
      String[] words = line.split(" ");
      String verb = words[0].toUpperCase(Locale.ROOT);
      commands.add(verb);
      switch (verb) {
        case "CAPA" -> send(out, "+OK\r\nUIDL\r\nTOP\r\nSASL XOAUTH2\r\n.");
        case "AUTH" -> {
          if (words.length < 2 || !words[1].equalsIgnoreCase("XOAUTH2")) {
            send(out, "-ERR only XOAUTH2");
            continue;
          }
          String response;
          if (words.length >= 3) {
            response = words[2];
          } else {
            send(out, "+ ");
            response = in.readLine();
            if (response == null) {
              return;
            }
          }
          authenticated = check(response.strip());
          if (!authenticated) {
            // as Gmail and Dovecot do: the error report as a challenge, which the client ends with an empty line
            send(out, "+ " + java.util.Base64.getEncoder().encodeToString(
                "{\"status\":\"401\",\"schemes\":\"bearer\",\"scope\":\"mail\"}".getBytes(StandardCharsets.UTF_8)));
            String end = in.readLine();
            if (end == null) {
              return;
            }
            if (!end.isEmpty()) {
              malformed.add("not an empty line after the error challenge: " + end);
            }
          }
          send(out, authenticated ? "+OK logged in" : "-ERR [AUTH] invalid credentials");
        }
        case "USER", "PASS", "APOP" -> send(out, "-ERR only AUTH XOAUTH2 here");
        case "QUIT" -> {
          send(out, "+OK bye");
          return;
        }
        default -> {
          if (!authenticated) {
            send(out, "-ERR log in first");
          } else {
            transaction(out, verb, words);
          }
        }
      }
    }
  }

  private boolean check(String base64) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      malformed.add("not base64: " + base64);
      return false;
    }
    Matcher m = XOAUTH2.matcher(decoded);
    if (!m.matches() || !m.group(1).equals(user)) {
      malformed.add(decoded);
      return false;
    }
    tokensSeen.add(m.group(2));
    return acceptedTokens.contains(m.group(2));
  }

  private void transaction(OutputStream out, String verb, String[] words) throws IOException {
    int size = MESSAGE.getBytes(StandardCharsets.ISO_8859_1).length;
    switch (verb) {
      case "STAT" -> send(out, "+OK 1 " + size);
      case "NOOP", "RSET", "DELE" -> send(out, "+OK");
      case "UIDL" -> send(out, words.length > 1 ? "+OK 1 oauth-1" : "+OK\r\n1 oauth-1\r\n.");
      case "LIST" -> send(out, words.length > 1 ? "+OK 1 " + size : "+OK\r\n1 " + size + "\r\n.");
      case "TOP" -> send(out, "+OK\r\n" + stuff(MESSAGE.substring(0, MESSAGE.indexOf("\r\n\r\n") + 4)) + ".");
      case "RETR" -> send(out, "+OK " + size + " octets\r\n" + stuff(MESSAGE) + ".");
      default -> send(out, "-ERR unknown command");
    }
  }

  private static String stuff(String text) {
    List<String> lines = new ArrayList<>();
    for (String l : text.split("\r\n", -1)) {
      lines.add(l.startsWith(".") ? "." + l : l);
    }
    return String.join("\r\n", lines.subList(0, lines.size() - 1)) + "\r\n";
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
