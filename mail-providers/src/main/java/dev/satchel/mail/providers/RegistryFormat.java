package dev.satchel.mail.providers;

import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads Satchel's provider registry format: a small line-based text format.
 *
 * <pre>
 * # a comment
 * [icloud]
 * name = iCloud Mail
 * domains = icloud.com me.com mac.com
 * imap = imap.mail.me.com:993 tls local
 * smtp = smtp.mail.me.com:587 starttls address
 * auth = app-password
 * note = Mail programs need an app-specific password. | https://support.apple.com/HT204397
 * source = ispdb
 * </pre>
 *
 * <p>Keys: {@code name} (required), {@code domains} and {@code mx-domains} (space-separated,
 * repeatable), {@code access} ({@code standard|bridge|none}), {@code imap}/{@code pop3}/{@code smtp}
 * ({@code host:port tls|starttls|none address|local|<template>}, repeatable, in order of preference),
 * {@code auth} ({@code password|app-password|oauth2|authorization-code|not-offered}, required),
 * {@code oauth2}, {@code imap-id}, {@code saves-sent} ({@code yes|no}), {@code note}
 * ({@code text} or {@code text | url}, repeatable), {@code source} ({@code ispdb|provider|unverified},
 * required), and the OAuth2 facts {@code oauth2-authorize}, {@code oauth2-token}, {@code oauth2-scopes-imap}
 * and the rest (see {@link RegistryOAuth2}). Every error names the source and line.
 */
final class RegistryFormat {
  private static final Set<String> REPEATABLE = Set.of("domains", "mx-domains", "imap", "pop3", "smtp", "note");

  private RegistryFormat() {}

  static List<MailProvider> parse(Reader reader, String sourceName) {
    List<MailProvider> providers = new ArrayList<>();
    Map<String, String> domainOwner = new HashMap<>();
    Set<String> ids = new HashSet<>();
    Section current = null;
    try (BufferedReader in = new BufferedReader(reader)) {
      String raw;
      int lineNo = 0;
      while ((raw = in.readLine()) != null) {
        lineNo++;
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String where = sourceName + ":" + lineNo + ": ";
        if (line.startsWith("[")) {
          if (current != null) {
            providers.add(current.finish(domainOwner));
          }
          if (!line.endsWith("]") || line.length() < 3) {
            throw new IllegalArgumentException(where + "a section header must look like [id], was \"" + line + "\"");
          }
          String id = line.substring(1, line.length() - 1).strip();
          if (!ids.add(id)) {
            throw new IllegalArgumentException(where + "provider id \"" + id + "\" appears twice");
          }
          try {
            current = new Section(where, MailProvider.builder(id));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + e.getMessage(), e);
          }
          continue;
        }
        int eq = line.indexOf('=');
        if (eq < 0) {
          throw new IllegalArgumentException(where + "expected \"key = value\" or \"[id]\", was \"" + line + "\"");
        }
        if (current == null) {
          throw new IllegalArgumentException(where + "\"" + line + "\" comes before the first [id] section");
        }
        String key = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = line.substring(eq + 1).strip();
        if (value.isEmpty()) {
          throw new IllegalArgumentException(where + "\"" + key + "\" has no value");
        }
        try {
          current.apply(key, value, lineNo);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + e.getMessage(), e);
        }
      }
      if (current != null) {
        providers.add(current.finish(domainOwner));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read provider registry " + sourceName, e);
    }
    return providers;
  }

  /** One [id] section being read. */
  private static final class Section {
    private final String header;
    private final MailProvider.Builder builder;
    private final Set<String> seen = new HashSet<>();
    private final List<String> domains = new ArrayList<>();
    private final List<String> mxDomains = new ArrayList<>();
    private final RegistryOAuth2 oauth2 = new RegistryOAuth2();
    private boolean oauth2Flag = true;
    private @Nullable String source;

    Section(String header, MailProvider.Builder builder) {
      this.header = header;
      this.builder = builder;
    }

    void apply(String key, String value, int lineNo) {
      if (!seen.add(key) && !REPEATABLE.contains(key)) {
        throw new IllegalArgumentException("\"" + key + "\" appears twice in this section");
      }
      switch (key) {
        case "name" -> builder.name(value);
        case "domains" -> domains.addAll(List.of(value.split("\\s+")));
        case "mx-domains" -> mxDomains.addAll(List.of(value.split("\\s+")));
        case "access" -> builder.access(switch (value) {
          case "standard" -> Access.STANDARD;
          case "bridge" -> Access.LOCAL_BRIDGE;
          case "none" -> Access.NONE;
          default -> throw new IllegalArgumentException("access must be standard, bridge or none, was \"" + value + "\"");
        });
        case "imap" -> builder.server(server(Protocol.IMAP, value));
        case "pop3" -> builder.server(server(Protocol.POP3, value));
        case "smtp" -> builder.server(server(Protocol.SMTP, value));
        case "auth" -> builder.authentication(switch (value) {
          case "password" -> Authentication.PASSWORD;
          case "app-password" -> Authentication.APP_PASSWORD;
          case "oauth2" -> Authentication.OAUTH2;
          case "authorization-code" -> Authentication.AUTHORIZATION_CODE;
          case "not-offered" -> Authentication.NOT_OFFERED;
          default -> throw new IllegalArgumentException(
              "auth must be password, app-password, oauth2, authorization-code or not-offered, was \"" + value + "\"");
        });
        case "oauth2" -> {
          oauth2Flag = yesNo(key, value);
          builder.offersOAuth2(oauth2Flag);
        }
        case "imap-id" -> builder.needsImapId(yesNo(key, value));
        case "saves-sent" -> builder.savesSentAutomatically(yesNo(key, value));
        case "note" -> builder.note(note(value));
        case "source" -> {
          if (!value.equals("ispdb") && !value.equals("provider") && !value.equals("unverified")) {
            throw new IllegalArgumentException("source must be ispdb, provider or unverified, was \"" + value + "\"");
          }
          source = value;
          builder.verified(!value.equals("unverified"));
        }
        default -> {
          if (!key.startsWith(RegistryOAuth2.PREFIX)) {
            throw new IllegalArgumentException("unknown key \"" + key + "\"");
          }
          oauth2.apply(key, value);
        }
      }
    }

    MailProvider finish(Map<String, String> domainOwner) {
      String where = header + "provider section: ";
      if (!seen.contains("name")) {
        throw new IllegalArgumentException(where + "\"name\" is missing");
      }
      if (!seen.contains("auth")) {
        throw new IllegalArgumentException(where + "\"auth\" is missing");
      }
      if (source == null) {
        throw new IllegalArgumentException(where + "\"source\" is missing");
      }
      MailProvider p;
      try {
        if (oauth2.present()) {
          if (!oauth2Flag) {
            throw new IllegalArgumentException("\"oauth2 = no\" contradicts the oauth2-* facts of this section");
          }
          builder.oauth2(oauth2.facts());
        }
        builder.domains(domains.toArray(String[]::new));
        builder.mxDomains(mxDomains.toArray(String[]::new));
        p = builder.build();
      } catch (IllegalArgumentException | IllegalStateException e) {
        throw new IllegalArgumentException(where + e.getMessage(), e);
      }
      for (String d : p.domains()) {
        String other = domainOwner.putIfAbsent(d, p.id());
        if (other != null) {
          throw new IllegalArgumentException(where + "domain " + d + " of \"" + p.id() + "\" already belongs to \"" + other + "\"");
        }
      }
      return p;
    }

    private static boolean yesNo(String key, String value) {
      return switch (value) {
        case "yes" -> true;
        case "no" -> false;
        default -> throw new IllegalArgumentException(key + " must be yes or no, was \"" + value + "\"");
      };
    }

    private static SetupNote note(String value) {
      int bar = value.lastIndexOf(" | ");
      if (bar < 0) {
        return SetupNote.of(value);
      }
      return SetupNote.of(value.substring(0, bar).strip(), value.substring(bar + 3).strip());
    }

    private static ProviderServer server(Protocol protocol, String value) {
      String[] parts = value.split("\\s+");
      if (parts.length != 3) {
        throw new IllegalArgumentException(protocol.name().toLowerCase(Locale.ROOT)
            + " must be \"host:port security username\", was \"" + value + "\"");
      }
      int colon = parts[0].lastIndexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("server must be host:port, was \"" + parts[0] + "\"");
      }
      int port;
      try {
        port = Integer.parseInt(parts[0].substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("port must be a number, was \"" + parts[0].substring(colon + 1) + "\"", e);
      }
      Security security = switch (parts[1]) {
        case "tls" -> Security.TLS;
        case "starttls" -> Security.STARTTLS;
        case "none" -> Security.NONE;
        default -> throw new IllegalArgumentException("security must be tls, starttls or none, was \"" + parts[1] + "\"");
      };
      UsernameForm user = switch (parts[2]) {
        case "address" -> UsernameForm.FULL_ADDRESS;
        case "local" -> UsernameForm.LOCAL_PART;
        default -> UsernameForm.of(parts[2]);
      };
      return new ProviderServer(protocol, parts[0].substring(0, colon), port, security, user);
    }
  }
}
