package dev.satchel.mail.providers;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.ErrorHandler;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * Reads Thunderbird autoconfig files (clientConfig v1.1, as served by ISPDB and by
 * {@code autoconfig.<domain>}) into a {@link MailProvider}.
 *
 * <pre>{@code
 * try (InputStream in = Files.newInputStream(Path.of("example.com.xml"))) {
 *   MailProvider custom = Autoconfig.parse(in, "example.com.xml");
 *   MailProviders registry = MailProviders.builtIn().withFirst(List.of(custom));
 * }
 * }</pre>
 *
 * <p>Tolerant of what real files do: {@code <enable>} at the root or inside {@code <emailProvider>};
 * {@code <instruction>} used in place of {@code <documentation>}; {@code displayNameShort} for
 * {@code displayShortName}; {@code %EMAILADDRESS} without its closing {@code %}; host names with
 * {@code %EMAILDOMAIN%}; a missing {@code <username>} (the full address is used); repeated
 * {@code <domain>}s; ids that are not domains; {@code <domain purpose="mx">} (draft 1.2); values in any
 * letter case and the deprecated {@code plain}/{@code secure} authentication names; and elements it
 * does not use ({@code <webMail>}, {@code <pop3>}, {@code <oAuth2>} details, Exchange/EWS/Graph
 * servers), which are skipped. As Thunderbird does, a server whose authentication methods are all
 * unsupported (NTLM, GSSAPI, client certificates ...) is dropped. The result is
 * {@link MailProvider#verified() verified} and keeps plaintext servers as listed; {@link Autodiscovery}
 * drops those unless asked not to.
 *
 * <p>The XML parser is hardened: a DOCTYPE is rejected, so there are no external entities, no DTD
 * fetches and no entity expansion.
 *
 * <p>Stateless and thread-safe.
 */
public final class Autoconfig {
  private static final Logger log = LoggerFactory.getLogger(Autoconfig.class);

  private Autoconfig() {}

  /**
   * Reads one autoconfig file.
   *
   * @param in the XML; read fully but not closed
   * @param sourceName a name for error messages, such as a file name or URL
   * @throws IllegalArgumentException when the file is not well-formed, holds a DOCTYPE, or lacks what a
   *     provider needs; the message names the element that is wrong
   * @throws UncheckedIOException when reading fails
   */
  public static MailProvider parse(InputStream in, String sourceName) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(sourceName, "sourceName");
    Document doc;
    try {
      DocumentBuilder builder = hardenedFactory().newDocumentBuilder();
      builder.setErrorHandler(THROWING);
      builder.setEntityResolver((publicId, systemId) -> {
        throw new SAXException("external entities are not allowed (" + systemId + ")");
      });
      doc = builder.parse(in);
    } catch (SAXParseException e) {
      String msg = String.valueOf(e.getMessage());
      if (msg.contains("DOCTYPE")) {
        throw new IllegalArgumentException("autoconfig " + sourceName + " holds a DOCTYPE, which is refused for safety", e);
      }
      throw new IllegalArgumentException("autoconfig " + sourceName + " is not well-formed XML (line " + e.getLineNumber()
          + ", column " + e.getColumnNumber() + "): " + msg, e);
    } catch (SAXException e) {
      throw new IllegalArgumentException("autoconfig " + sourceName + " cannot be parsed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read autoconfig " + sourceName, e);
    } catch (ParserConfigurationException e) {
      throw new IllegalStateException("the JDK XML parser cannot be hardened", e);
    }
    return new Reader(sourceName).read(doc.getDocumentElement());
  }

  /**
   * Reads one autoconfig file from a string.
   *
   * @throws IllegalArgumentException as {@link #parse(InputStream, String)}
   */
  public static MailProvider parse(String xml, String sourceName) {
    return parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)), sourceName);
  }

  static DocumentBuilderFactory hardenedFactory() throws ParserConfigurationException {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    f.setFeature("http://xml.org/sax/features/external-general-entities", false);
    f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
    f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
    f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
    f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
    f.setXIncludeAware(false);
    f.setExpandEntityReferences(false);
    f.setNamespaceAware(false);
    f.setValidating(false);
    return f;
  }

  private static final ErrorHandler THROWING = new ErrorHandler() {
    @Override
    public void warning(SAXParseException e) {
      // warnings do not stop parsing
    }

    @Override
    public void error(SAXParseException e) throws SAXException {
      throw e;
    }

    @Override
    public void fatalError(SAXParseException e) throws SAXException {
      throw e;
    }
  };

  /** Walks one document. */
  private static final class Reader {
    private final String source;

    Reader(String source) {
      this.source = source;
    }

    MailProvider read(Element root) {
      if (!root.getTagName().equals("clientConfig")) {
        throw error("the root element must be <clientConfig>, was <" + root.getTagName() + ">");
      }
      List<Element> providers = children(root, "emailProvider");
      if (providers.isEmpty()) {
        throw error("<clientConfig> has no <emailProvider>");
      }
      if (providers.size() > 1) {
        throw error("<clientConfig> has " + providers.size() + " <emailProvider> elements; exactly one is allowed");
      }
      Element ep = providers.get(0);
      List<String> domains = new ArrayList<>();
      List<String> mxDomains = new ArrayList<>();
      for (Element d : children(ep, "domain")) {
        String value = text(d);
        try {
          String normalized = Domains.normalize(value);
          if ("mx".equalsIgnoreCase(d.getAttribute("purpose"))) {
            mxDomains.add(normalized);
          } else {
            domains.add(normalized);
          }
        } catch (IllegalArgumentException e) {
          log.debug("autoconfig {}: skipping <domain> \"{}\": {}", source, value, e.getMessage());
        }
      }
      if (domains.isEmpty()) {
        throw error("<emailProvider> has no valid <domain>");
      }
      String name = firstText(ep, "displayName", "displayShortName", "displayNameShort");
      MailProvider.Builder b = MailProvider.builder(domains.get(0)).name(name == null ? domains.get(0) : name)
          .domains(domains.toArray(String[]::new)).mxDomains(mxDomains.toArray(String[]::new)).verified(true);

      boolean anyOAuth = !children(root, "oAuth2").isEmpty();
      boolean allOAuthOnly = true;
      int servers = 0;
      int index = 0;
      for (Element s : children(ep, "incomingServer")) {
        index++;
        Parsed p = server(s, "incomingServer", index, true);
        if (p != null) {
          b.server(p.server);
          servers++;
          anyOAuth |= p.oauth;
          allOAuthOnly &= p.oauthOnly;
        }
      }
      index = 0;
      for (Element s : children(ep, "outgoingServer")) {
        index++;
        Parsed p = server(s, "outgoingServer", index, false);
        if (p != null) {
          b.server(p.server);
          servers++;
          anyOAuth |= p.oauth;
          allOAuthOnly &= p.oauthOnly;
        }
      }
      if (servers == 0) {
        throw error("<emailProvider> has no usable IMAP, POP3 or SMTP server");
      }
      b.authentication(allOAuthOnly ? Authentication.OAUTH2 : Authentication.PASSWORD).offersOAuth2(anyOAuth);

      List<Element> enables = new ArrayList<>(children(root, "enable"));
      enables.addAll(children(ep, "enable"));
      for (Element e : enables) {
        String instruction = descr(e, "instruction");
        note(b, instruction == null ? "Access for mail programs must first be enabled in the provider's web settings." : instruction,
            e.getAttribute("visiturl"));
      }
      for (Element e : children(ep, "instruction")) {
        String text = descr(e, "descr");
        note(b, text == null ? text(e) : text, e.getAttribute("url"));
      }
      for (Element e : children(ep, "documentation")) {
        String text = descr(e, "descr");
        note(b, text == null ? "Setup help from the provider." : text, e.getAttribute("url"));
      }
      try {
        return b.build();
      } catch (IllegalStateException e) {
        throw error(String.valueOf(e.getMessage()));
      }
    }

    /** A server, or null when it is of a kind Satchel does not speak or uses no supported login. */
    private @Nullable Parsed server(Element s, String kind, int index, boolean incoming) {
      String type = s.getAttribute("type").strip().toLowerCase(Locale.ROOT);
      String where = "<" + kind + " type=\"" + type + "\"> #" + index;
      Protocol protocol;
      if (incoming && type.equals("imap")) {
        protocol = Protocol.IMAP;
      } else if (incoming && type.equals("pop3")) {
        protocol = Protocol.POP3;
      } else if (!incoming && type.equals("smtp")) {
        protocol = Protocol.SMTP;
      } else {
        log.debug("autoconfig {}: skipping {} (not a protocol Satchel speaks)", source, where);
        return null;
      }
      String host = required(s, "hostname", where);
      String portText = required(s, "port", where);
      int port;
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        throw error(where + ": <port> must be a number, was \"" + portText + "\"");
      }
      if (port < 1 || port > 65535) {
        throw error(where + ": <port> must be 1..65535, was " + port);
      }
      String socket = required(s, "socketType", where);
      Security security = switch (socket.toLowerCase(Locale.ROOT)) {
        case "ssl", "tls" -> Security.TLS;
        case "starttls" -> Security.STARTTLS;
        case "plain" -> Security.NONE;
        default -> throw error(where + ": <socketType> must be SSL, STARTTLS or plain, was \"" + socket + "\"");
      };
      String userText = firstText(s, "username");
      UsernameForm user;
      if (userText == null) {
        user = UsernameForm.FULL_ADDRESS;
      } else {
        String fixed = userText.replaceAll("%EMAILADDRESS(?!%)", "%EMAILADDRESS%")
            .replaceAll("%EMAILLOCALPART(?!%)", "%EMAILLOCALPART%").replaceAll("%EMAILDOMAIN(?!%)", "%EMAILDOMAIN%");
        try {
          user = UsernameForm.of(fixed);
        } catch (IllegalArgumentException e) {
          throw error(where + ": <username> " + e.getMessage());
        }
      }
      List<Element> auths = children(s, "authentication");
      boolean usable = auths.isEmpty();
      boolean oauth = false;
      boolean passwordLike = auths.isEmpty();
      for (Element a : auths) {
        switch (text(a).toLowerCase(Locale.ROOT)) {
          case "password-cleartext", "plain", "password-encrypted", "secure" -> {
            usable = true;
            passwordLike = true;
          }
          case "oauth2" -> {
            usable = true;
            oauth = true;
          }
          case "none", "client-ip-address" -> {
            if (!incoming) {
              usable = true;
              passwordLike = true;
            }
          }
          default -> { /* NTLM, GSSAPI, TLS-client-cert, smtp-after-pop: not supported */ }
        }
      }
      if (!usable) {
        log.debug("autoconfig {}: skipping {}: no supported <authentication>", source, where);
        return null;
      }
      ProviderServer server;
      try {
        server = new ProviderServer(protocol, host, port, security, user);
      } catch (IllegalArgumentException e) {
        throw error(where + ": " + e.getMessage());
      }
      return new Parsed(server, oauth, oauth && !passwordLike);
    }

    private void note(MailProvider.Builder b, String text, String url) {
      String u = url.strip();
      try {
        b.note(u.isEmpty() ? SetupNote.of(text) : SetupNote.of(text, u));
      } catch (IllegalArgumentException e) {
        log.debug("autoconfig {}: keeping note without its link \"{}\": {}", source, u, e.getMessage());
        b.note(SetupNote.of(text));
      }
    }

    private String required(Element parent, String tag, String where) {
      String value = firstText(parent, tag);
      if (value == null || value.isEmpty()) {
        throw error(where + ": <" + tag + "> is missing");
      }
      return value;
    }

    private IllegalArgumentException error(String what) {
      return new IllegalArgumentException("autoconfig " + source + ": " + what);
    }
  }

  private record Parsed(ProviderServer server, boolean oauth, boolean oauthOnly) {}

  /** The English (or else first) {@code <tag lang=..>} text under {@code e}, or null. */
  private static @Nullable String descr(Element e, String tag) {
    String first = null;
    for (Element d : children(e, tag)) {
      String t = text(d);
      if (t.isEmpty()) {
        continue;
      }
      String lang = d.getAttribute("lang");
      if (lang.isEmpty() || lang.toLowerCase(Locale.ROOT).startsWith("en")) {
        return t;
      }
      if (first == null) {
        first = t;
      }
    }
    return first;
  }

  private static @Nullable String firstText(Element parent, String... tags) {
    for (String tag : tags) {
      for (Element c : children(parent, tag)) {
        String t = text(c);
        if (!t.isEmpty()) {
          return t;
        }
      }
    }
    return null;
  }

  private static String text(Element e) {
    return e.getTextContent().strip().replaceAll("\\s+", " ");
  }

  private static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        out.add(e);
      }
    }
    return out;
  }
}
