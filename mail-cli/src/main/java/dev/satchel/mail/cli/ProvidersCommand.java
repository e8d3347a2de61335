package dev.satchel.mail.cli;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.providers.Access;
import dev.satchel.mail.providers.Authentication;
import dev.satchel.mail.providers.Autodiscovery;
import dev.satchel.mail.providers.Discovery;
import dev.satchel.mail.providers.MailProvider;
import dev.satchel.mail.providers.MailProviders;
import dev.satchel.mail.providers.OAuth2Facts;
import dev.satchel.mail.providers.ProviderServer;
import dev.satchel.mail.providers.SetupNote;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code satchel providers}: the settings, setup notes and OAuth2 facts the registry has for an address
 * or domain.
 */
@Command(mixinStandardHelpOptions = true, name = "providers", sortOptions = false,
    description = {"Show the settings, setup notes and OAuth2 facts for an address or domain.",
        "Looks the address or domain up in the built-in registry (--discover also searches the network);",
        "--all lists the whole registry."})
final class ProvidersCommand implements Runnable, HasCommonOptions {
  /** The local part used to fill in host names when only a domain was given; login names are then shown as forms. */
  private static final String DOMAIN_ONLY = "satchel.domain-only";

  private final Satchel satchel;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Target target = new Target();

  static final class Target {
    @Parameters(paramLabel = "ADDRESS|DOMAIN", description = "For example alice@gmail.com or gmail.com.")
    @Nullable String query;

    @Option(names = "--all", description = "List every provider in the registry.")
    boolean all;
  }

  @Option(names = "--format", paramLabel = "FORMAT", description = "text, tsv or json (default: text).")
  OutputFormat format = OutputFormat.TEXT;

  @Option(names = "--discover",
      description = "When the registry does not know the domain, search the network (autoconfig, ISPDB, MX, SRV, probing).")
  boolean discover;

  @Mixin
  CommonOptions common = new CommonOptions();

  ProvidersCommand(Satchel satchel) {
    this.satchel = satchel;
  }

  @Override
  public CommonOptions common() {
    return common;
  }

  @Override
  public void run() {
    PrintWriter out = satchel.io.out;
    MailProviders registry = MailProviders.builtIn();
    String query = target.query;
    if (target.all || query == null) {
      List<MailProvider> all = registry.providers();
      switch (format) {
        case TEXT -> {
          for (MailProvider p : all) {
            text(out, p, null);
            out.println();
          }
          out.println(all.size() + " providers.");
        }
        case TSV -> tsv(out, all, null);
        case JSON -> out.println(Json.write(all.stream().map(p -> json(p, null, null)).toList()));
      }
      return;
    }
    @Nullable EmailAddress example = example(query);
    Optional<MailProvider> found = registry.lookup(query);
    @Nullable Discovery discovery = null;
    if (found.isEmpty() && discover && example != null) {
      Optional<Discovery> d = Autodiscovery.builder().build().discover(example.address());
      if (d.isPresent()) {
        discovery = d.get();
        found = Optional.of(discovery.provider());
      }
    }
    if (found.isEmpty()) {
      throw new CliException(ExitCodes.NOT_FOUND, "the built-in registry has no provider for \"" + query + "\""
          + (discover ? " and the network search found nothing" : "; add --discover to search the network"));
    }
    MailProvider p = found.get();
    switch (format) {
      case TEXT -> {
        if (discovery != null) {
          out.println("Found by autodiscovery: " + discovery.source() + " (" + discovery.origin() + ")"
              + (discovery.trusted() ? "" : " - NOT trusted: check these servers before sending a password there"));
        }
        text(out, p, example);
      }
      case TSV -> tsv(out, List.of(p), example);
      case JSON -> out.println(Json.write(json(p, example, discovery)));
    }
  }

  /** An address to fill host placeholders and login names with; null for a query that is no domain. */
  private static @Nullable EmailAddress example(String query) {
    String q = query.strip();
    if (q.contains("@")) {
      return EmailAddress.tryParse(q).orElseThrow(() -> new CliException(ExitCodes.USAGE,
          "\"" + query + "\" is not an email address or domain"));
    }
    return EmailAddress.tryParse(DOMAIN_ONLY + "@" + q).orElseThrow(() -> new CliException(ExitCodes.USAGE,
        "\"" + query + "\" is not an email address or domain"));
  }

  /** True when the user gave an address (not a domain), so login names can be shown filled in. */
  private static boolean isReal(EmailAddress address) {
    return !address.localPart().equals(DOMAIN_ONLY);
  }

  private static void text(PrintWriter out, MailProvider p, @Nullable EmailAddress address) {
    out.println(p.name() + " (" + p.id() + ")");
    out.println("  domains:        " + String.join(", ", p.domains()));
    out.println("  access:         " + access(p.access()));
    out.println("  authentication: " + authentication(p.authentication())
        + (p.offersOAuth2() && p.authentication() != Authentication.OAUTH2 ? "; OAuth2 also offered" : ""));
    if (!p.verified()) {
      out.println("  verified:       no - these settings come from secondary sources: test the login");
    }
    if (p.needsImapId()) {
      out.println("  imap id:        required (the server refuses SELECT until the client sends IMAP ID)");
    }
    if (p.savesSentAutomatically()) {
      out.println("  sent copies:    the server saves sent mail itself: do not append a copy to Sent");
    }
    if (!p.incoming().isEmpty()) {
      out.println("  incoming, in order of preference:");
      p.incoming().forEach(s -> out.println(serverLine(s, address)));
    }
    if (!p.outgoing().isEmpty()) {
      out.println("  outgoing:");
      p.outgoing().forEach(s -> out.println(serverLine(s, address)));
    }
    if (!p.setupNotes().isEmpty()) {
      out.println("  before you start:");
      for (SetupNote n : p.setupNotes()) {
        out.println("    - " + n.text());
        n.link().ifPresent(l -> out.println("      " + l));
      }
    }
    p.oauth2().ifPresent(f -> oauth2Text(out, f));
  }

  private static void oauth2Text(PrintWriter out, OAuth2Facts f) {
    out.println("  OAuth2:");
    out.println("    authorization:  " + f.authorizationEndpoint());
    out.println("    token:          " + f.tokenEndpoint());
    out.println("    device flow:    " + f.deviceAuthorizationEndpoint().map(d -> d + (f.deviceFlowGrantsMail()
        ? " (grants the mail scopes)" : " - does not grant the mail scopes: sign in through the browser"))
        .orElse("none documented"));
    f.tenant().ifPresent(t -> out.println("    tenant:         " + t
        + " (for one tenant only, use its ID or domain in its place)"));
    for (Protocol protocol : Protocol.values()) {
      if (f.supports(protocol)) {
        String label = "scopes " + protocol.name().toLowerCase(Locale.ROOT) + ":";
        out.println(String.format(Locale.ROOT, "    %-15s %s", label, String.join(" ", f.scopes(protocol))));
      }
    }
    if (!f.appOnlyScopes().isEmpty()) {
      out.println("    app-only scope: " + String.join(" ", f.appOnlyScopes()));
    }
    out.println("    mechanisms:     " + String.join(", ", f.mechanisms()));
    out.println("    note:           " + f.note());
    out.println("    source:         " + f.source());
  }

  private static String serverLine(ProviderServer s, @Nullable EmailAddress address) {
    String host = address != null ? s.server(address).host() : s.host();
    String login = address != null && isReal(address) ? s.username(address) : s.username().toString();
    return String.format(Locale.ROOT, "    %-5s %-32s %5d  %-8s login: %s", s.protocol().name().toLowerCase(Locale.ROOT),
        host, s.port(), s.security(), login);
  }

  private static void tsv(PrintWriter out, List<MailProvider> providers, @Nullable EmailAddress address) {
    out.println(String.join("\t", "provider", "name", "direction", "protocol", "host", "port", "security", "login",
        "authentication"));
    for (MailProvider p : providers) {
      List<ProviderServer> all = new ArrayList<>(p.incoming());
      all.addAll(p.outgoing());
      for (ProviderServer s : all) {
        String host = address != null ? s.server(address).host() : s.host();
        String login = address != null && isReal(address) ? s.username(address) : s.username().template();
        out.println(String.join("\t", OutputFormat.cell(p.id()), OutputFormat.cell(p.name()),
            p.incoming().contains(s) ? "incoming" : "outgoing", s.protocol().name().toLowerCase(Locale.ROOT),
            OutputFormat.cell(host), Integer.toString(s.port()), s.security().name().toLowerCase(Locale.ROOT),
            OutputFormat.cell(login), p.authentication().name().toLowerCase(Locale.ROOT)));
      }
    }
  }

  private static Map<String, Object> json(MailProvider p, @Nullable EmailAddress address, @Nullable Discovery discovery) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", p.id());
    m.put("name", p.name());
    m.put("domains", p.domains());
    m.put("access", p.access().name().toLowerCase(Locale.ROOT));
    m.put("authentication", p.authentication().name().toLowerCase(Locale.ROOT));
    m.put("offersOAuth2", p.offersOAuth2());
    m.put("verified", p.verified());
    m.put("needsImapId", p.needsImapId());
    m.put("savesSentAutomatically", p.savesSentAutomatically());
    m.put("incoming", p.incoming().stream().map(s -> json(s, address)).toList());
    m.put("outgoing", p.outgoing().stream().map(s -> json(s, address)).toList());
    m.put("setupNotes", p.setupNotes().stream().map(n -> {
      Map<String, Object> note = new LinkedHashMap<>();
      note.put("text", n.text());
      n.link().ifPresent(l -> note.put("link", l.toString()));
      return note;
    }).toList());
    p.oauth2().ifPresent(f -> m.put("oauth2", json(f)));
    if (discovery != null) {
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("source", discovery.source().name().toLowerCase(Locale.ROOT));
      d.put("origin", discovery.origin());
      d.put("trusted", discovery.trusted());
      m.put("discovery", d);
    }
    return m;
  }

  private static Map<String, Object> json(OAuth2Facts f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("authorizationEndpoint", f.authorizationEndpoint().toString());
    m.put("tokenEndpoint", f.tokenEndpoint().toString());
    m.put("deviceAuthorizationEndpoint", f.deviceAuthorizationEndpoint().map(URI::toString).orElse(null));
    m.put("deviceFlowGrantsMail", f.deviceFlowGrantsMail());
    m.put("tenant", f.tenant().orElse(null));
    Map<String, Object> scopes = new LinkedHashMap<>();
    f.scopes().forEach((protocol, list) -> scopes.put(protocol.name().toLowerCase(Locale.ROOT), list));
    m.put("scopes", scopes);
    m.put("appOnlyScopes", f.appOnlyScopes());
    m.put("mechanisms", f.mechanisms());
    m.put("note", f.note());
    m.put("source", f.source().toString());
    return m;
  }

  private static Map<String, Object> json(ProviderServer s, @Nullable EmailAddress address) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("protocol", s.protocol().name().toLowerCase(Locale.ROOT));
    m.put("host", address != null ? s.server(address).host() : s.host());
    m.put("port", s.port());
    m.put("security", s.security().name().toLowerCase(Locale.ROOT));
    m.put("login", s.username().template());
    if (address != null && isReal(address)) {
      m.put("loginName", s.username(address));
    }
    return m;
  }

  private static String access(Access access) {
    return switch (access) {
      case STANDARD -> "IMAP/POP3/SMTP servers on the internet";
      case LOCAL_BRIDGE -> "only through a local bridge program on 127.0.0.1 (for example Proton Mail Bridge)";
      case NONE -> "none: no IMAP, POP3 or SMTP at all, only the provider's own apps";
    };
  }

  private static String authentication(Authentication a) {
    return switch (a) {
      case PASSWORD -> "the account password";
      case APP_PASSWORD -> "an app password (the normal password is refused)";
      case OAUTH2 -> "OAuth2 only";
      case AUTHORIZATION_CODE -> "an authorization code issued in the web settings (not the account password)";
      case NOT_OFFERED -> "none: the provider offers no login for mail programs";
    };
  }
}
