package dev.satchel.mail.providers;

import dev.satchel.mail.Credentials;
import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.MailSettings;
import dev.satchel.mail.Protocol;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * What Satchel knows about one mail provider: its address domains, its servers in the provider's order
 * of preference, how the login name is formed on each, what it accepts as a secret, and what the user
 * must do first.
 *
 * <pre>{@code
 * MailProvider gmail = MailProviders.builtIn().lookup("bob@gmail.com").orElseThrow();
 * gmail.authentication();   // APP_PASSWORD (and offersOAuth2() is true)
 * gmail.setupNotes();       // what to switch on, with links
 * gmail.oauth2();           // OAuth2 endpoints, scopes per protocol, SASL mechanisms, what to arrange first
 * MailSettings smtp = gmail.settings("bob@gmail.com", Credentials.password("bob", appPassword), Protocol.SMTP);
 * }</pre>
 *
 * <p>A provider with {@link Access#NONE} (Tuta, HEY) has no servers; its notes say why, and
 * {@link #settings} refuses with that explanation.
 *
 * <p>Immutable and thread-safe. Build custom providers with {@link #builder(String)}.
 */
public final class MailProvider {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private final String id;
  private final String name;
  private final List<String> domains;
  private final List<String> mxDomains;
  private final Access access;
  private final List<ProviderServer> incoming;
  private final List<ProviderServer> outgoing;
  private final Authentication authentication;
  private final boolean offersOAuth2;
  private final @Nullable OAuth2Facts oauth2;
  private final boolean needsImapId;
  private final boolean savesSentAutomatically;
  private final List<SetupNote> setupNotes;
  private final boolean verified;

  private MailProvider(Builder b) {
    this.id = b.id;
    this.name = b.name == null ? b.id : b.name;
    this.domains = List.copyOf(b.domains);
    this.mxDomains = List.copyOf(b.mxDomains);
    this.access = b.access;
    this.incoming = List.copyOf(b.incoming);
    this.outgoing = List.copyOf(b.outgoing);
    this.authentication = b.authentication;
    this.offersOAuth2 = b.offersOAuth2;
    this.oauth2 = b.oauth2;
    this.needsImapId = b.needsImapId;
    this.savesSentAutomatically = b.savesSentAutomatically;
    this.setupNotes = List.copyOf(b.setupNotes);
    this.verified = b.verified;
  }

  /**
   * A new builder.
   *
   * @param id a short stable key such as {@code gmail}: lower-case letters, digits, {@code . _ -}
   * @throws IllegalArgumentException when the id has another form
   */
  public static Builder builder(String id) {
    return new Builder(id);
  }

  /** A builder holding this provider, for a changed copy. */
  public Builder toBuilder() {
    Builder b = new Builder(id);
    b.name = name;
    b.domains.addAll(domains);
    b.mxDomains.addAll(mxDomains);
    b.access = access;
    b.incoming.addAll(incoming);
    b.outgoing.addAll(outgoing);
    b.authentication = authentication;
    b.offersOAuth2 = offersOAuth2;
    b.oauth2 = oauth2;
    b.needsImapId = needsImapId;
    b.savesSentAutomatically = savesSentAutomatically;
    b.setupNotes.addAll(setupNotes);
    b.verified = verified;
    return b;
  }

  /** A short stable key, such as {@code gmail} or {@code icloud}. */
  public String id() {
    return id;
  }

  /** The name users know, such as {@code iCloud Mail}. */
  public String name() {
    return name;
  }

  /** The address domains this provider serves, lower-case ASCII (punycode), in registry order. */
  public List<String> domains() {
    return domains;
  }

  /**
   * Domains that identify this provider in a domain's MX host (for example
   * {@code mail.protection.outlook.com} for Microsoft 365). Used by {@link Autodiscovery}, not by
   * {@link MailProviders#lookup(String)}.
   */
  public List<String> mxDomains() {
    return mxDomains;
  }

  /** How mail programs can reach this provider's mailboxes. */
  public Access access() {
    return access;
  }

  /** True unless {@link #access()} is {@link Access#NONE}. */
  public boolean offersAccess() {
    return access != Access.NONE;
  }

  /** IMAP and POP3 servers, the provider's preferred one first. Empty for {@link Access#NONE}. */
  public List<ProviderServer> incoming() {
    return incoming;
  }

  /** SMTP servers, the preferred one first. Empty for {@link Access#NONE}. */
  public List<ProviderServer> outgoing() {
    return outgoing;
  }

  /** The servers for one protocol, preferred first; empty when the provider offers none. */
  public List<ProviderServer> servers(Protocol protocol) {
    List<ProviderServer> from = protocol.isIncoming() ? incoming : outgoing;
    return from.stream().filter(s -> s.protocol() == protocol).collect(Collectors.toUnmodifiableList());
  }

  /** The preferred server for one protocol, when the provider offers that protocol. */
  public Optional<ProviderServer> server(Protocol protocol) {
    List<ProviderServer> list = servers(protocol);
    return list.isEmpty() ? Optional.empty() : Optional.of(list.get(0));
  }

  /** True when the provider offers at least one server for {@code protocol}. */
  public boolean supports(Protocol protocol) {
    return !servers(protocol).isEmpty();
  }

  /** What the provider accepts as a login secret. */
  public Authentication authentication() {
    return authentication;
  }

  /**
   * True when the provider offers OAuth2 login (you need your own OAuth client registration with it):
   * always when {@link #oauth2()} is present or {@link #authentication()} is {@link Authentication#OAUTH2}.
   * Some providers offer OAuth2 without documented facts (for example only to clients they registered
   * themselves); their setup notes say so.
   */
  public boolean offersOAuth2() {
    return offersOAuth2 || oauth2 != null || authentication == Authentication.OAUTH2;
  }

  /**
   * The provider's documented OAuth2 endpoints, scopes per protocol, SASL mechanisms and what to
   * arrange first; empty when the registry has no such facts for this provider.
   */
  public Optional<OAuth2Facts> oauth2() {
    return Optional.ofNullable(oauth2);
  }

  /**
   * True when the IMAP server only works after the client identifies itself with the IMAP {@code ID}
   * command (RFC 2971), as NetEase (163, 126, yeah.net) requires before {@code SELECT}.
   */
  public boolean needsImapId() {
    return needsImapId;
  }

  /**
   * True when the provider files mail sent through its SMTP server into the Sent folder by itself, so a
   * client must not append its own copy (Gmail, Outlook.com, Microsoft 365). False means: save a copy
   * yourself if you want one.
   */
  public boolean savesSentAutomatically() {
    return savesSentAutomatically;
  }

  /** What the user must know or do first, with links; empty when nothing special is needed. */
  public List<SetupNote> setupNotes() {
    return setupNotes;
  }

  /**
   * True when the servers come from a reviewed source (Thunderbird's ISPDB or the provider's own
   * autoconfig) rather than secondary hints. Unverified entries are best guesses: test the login.
   */
  public boolean verified() {
    return verified;
  }

  /**
   * Ready settings for the preferred server of {@code protocol}, with the login name this server
   * expects: the user name inside {@code credentials} is replaced by the provider's form (for
   * example iCloud IMAP gets the local part, iCloud SMTP the full address). Timeouts are Satchel's
   * defaults and TLS trusts the JDK default store; change them with {@link MailSettings#toBuilder()}.
   *
   * @param address the user's email address, for example {@code alice@icloud.com}
   * @param credentials the secret: a password, app password or authorization code, or OAuth2
   * @param protocol IMAP, POP3 or SMTP
   * @throws IllegalArgumentException when the address does not parse, or the provider accepts only
   *     OAuth2 and {@code credentials} hold a password
   * @throws UnsupportedOperationException when the provider offers no server for {@code protocol};
   *     the message says what it offers instead
   */
  public MailSettings settings(String address, Credentials credentials, Protocol protocol) {
    Objects.requireNonNull(protocol, "protocol");
    EmailAddress parsed = EmailAddress.of(Objects.requireNonNull(address, "address"));
    Optional<ProviderServer> server = server(protocol);
    if (server.isEmpty()) {
      throw new UnsupportedOperationException(unsupportedMessage(protocol));
    }
    return settings(parsed, credentials, server.get());
  }

  /**
   * Ready settings for one particular server of this provider (for example an alternative from
   * {@link #servers(Protocol)}), with the login name it expects.
   *
   * @throws IllegalArgumentException when {@code server} is not one of this provider's servers, or the
   *     provider accepts only OAuth2 and {@code credentials} hold a password
   */
  public MailSettings settings(EmailAddress address, Credentials credentials, ProviderServer server) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(credentials, "credentials");
    if (!incoming.contains(server) && !outgoing.contains(server)) {
      throw new IllegalArgumentException(server + " is not a server of " + name);
    }
    if (authentication == Authentication.OAUTH2 && credentials instanceof Credentials.Password) {
      throw new IllegalArgumentException(name + " accepts only OAuth2 logins; pass Credentials.oauth2(...) instead of a password");
    }
    String username = server.username(address);
    Credentials login;
    if (credentials instanceof Credentials.Password p) {
      char[] secret = p.secret();
      try {
        login = new Credentials.Password(username, secret);
      } finally {
        Arrays.fill(secret, '\0');
      }
    } else if (credentials instanceof Credentials.OAuth2 o) {
      login = Credentials.oauth2(username, o.tokens());
    } else {
      throw new IllegalArgumentException("unknown credentials type " + credentials.getClass().getName());
    }
    return MailSettings.builder().server(server.server(address)).credentials(login).build();
  }

  private String unsupportedMessage(Protocol protocol) {
    if (access == Access.NONE) {
      String why = setupNotes.isEmpty() ? "" : " " + setupNotes.get(0).text();
      return name + " offers no IMAP, POP3 or SMTP access." + why;
    }
    String offered = List.of(Protocol.values()).stream().filter(this::supports)
        .map(p -> p.name()).collect(Collectors.joining(", "));
    return name + " offers no " + protocol + " server; it offers " + offered;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MailProvider p && p.id.equals(id) && p.name.equals(name) && p.domains.equals(domains)
        && p.mxDomains.equals(mxDomains) && p.access == access && p.incoming.equals(incoming)
        && p.outgoing.equals(outgoing) && p.authentication == authentication && p.offersOAuth2 == offersOAuth2
        && Objects.equals(p.oauth2, oauth2)
        && p.needsImapId == needsImapId && p.savesSentAutomatically == savesSentAutomatically
        && p.setupNotes.equals(setupNotes) && p.verified == verified;
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, domains, incoming, outgoing);
  }

  /** Shows id, name, access and servers. */
  @Override
  public String toString() {
    return "MailProvider[" + id + " \"" + name + "\", access=" + access + ", incoming=" + incoming + ", outgoing="
        + outgoing + ", authentication=" + authentication + "]";
  }

  /**
   * Builds a {@link MailProvider}. Not thread-safe.
   *
   * <p>Defaults: name = id, {@link Access#STANDARD}, {@link Authentication#PASSWORD}, no OAuth2, no IMAP
   * ID, does not save sent mail, not verified.
   */
  public static final class Builder {
    private final String id;
    private @Nullable String name;
    private final LinkedHashSet<String> domains = new LinkedHashSet<>();
    private final LinkedHashSet<String> mxDomains = new LinkedHashSet<>();
    private Access access = Access.STANDARD;
    private final List<ProviderServer> incoming = new ArrayList<>();
    private final List<ProviderServer> outgoing = new ArrayList<>();
    private Authentication authentication = Authentication.PASSWORD;
    private boolean offersOAuth2;
    private @Nullable OAuth2Facts oauth2;
    private boolean needsImapId;
    private boolean savesSentAutomatically;
    private final List<SetupNote> setupNotes = new ArrayList<>();
    private boolean verified;

    private Builder(String id) {
      Objects.requireNonNull(id, "id");
      if (!ID.matcher(id).matches()) {
        throw new IllegalArgumentException("provider id must be lower-case letters, digits, '.', '_' or '-', was \"" + id + "\"");
      }
      this.id = id;
    }

    /**
     * The name users know.
     *
     * @throws IllegalArgumentException when blank
     */
    public Builder name(String name) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("provider name must not be blank");
      }
      this.name = name.strip();
      return this;
    }

    /**
     * Adds address domains (Unicode or ASCII, any case; stored as lower-case ASCII). Duplicates are
     * ignored.
     *
     * @throws IllegalArgumentException naming a domain that is not valid
     */
    public Builder domains(String... domains) {
      for (String d : domains) {
        this.domains.add(Domains.normalize(d));
      }
      return this;
    }

    /**
     * Adds domains that identify this provider in an MX host name.
     *
     * @throws IllegalArgumentException naming a domain that is not valid
     */
    public Builder mxDomains(String... domains) {
      for (String d : domains) {
        this.mxDomains.add(Domains.normalize(d));
      }
      return this;
    }

    /** How mail programs reach this provider. Default {@link Access#STANDARD}. */
    public Builder access(Access access) {
      this.access = Objects.requireNonNull(access, "access");
      return this;
    }

    /**
     * Adds a server after those already added: IMAP and POP3 go to the incoming list, SMTP to the
     * outgoing list, each in the order added (the provider's preference).
     */
    public Builder server(ProviderServer server) {
      Objects.requireNonNull(server, "server");
      (server.protocol().isIncoming() ? incoming : outgoing).add(server);
      return this;
    }

    /** What the provider accepts as a secret. Default {@link Authentication#PASSWORD}. */
    public Builder authentication(Authentication authentication) {
      this.authentication = Objects.requireNonNull(authentication, "authentication");
      return this;
    }

    /** Whether OAuth2 is offered besides the secret in {@link #authentication}. Default false. */
    public Builder offersOAuth2(boolean offers) {
      this.offersOAuth2 = offers;
      return this;
    }

    /**
     * The provider's OAuth2 facts (which also make {@link MailProvider#offersOAuth2()} true). Default
     * none.
     */
    public Builder oauth2(OAuth2Facts facts) {
      this.oauth2 = Objects.requireNonNull(facts, "facts");
      return this;
    }

    /** Whether IMAP needs the {@code ID} command before {@code SELECT}. Default false. */
    public Builder needsImapId(boolean needs) {
      this.needsImapId = needs;
      return this;
    }

    /** Drops the domains added so far (used when another provider takes some of them over). */
    Builder clearDomains() {
      domains.clear();
      return this;
    }

    /** Drops the servers added so far (used to filter an answer). */
    Builder clearServers() {
      incoming.clear();
      outgoing.clear();
      return this;
    }

    /** Whether the provider files sent mail into Sent by itself. Default false. */
    public Builder savesSentAutomatically(boolean saves) {
      this.savesSentAutomatically = saves;
      return this;
    }

    /** Adds a setup note. */
    public Builder note(SetupNote note) {
      setupNotes.add(Objects.requireNonNull(note, "note"));
      return this;
    }

    /** Whether the servers come from a reviewed source. Default false. */
    public Builder verified(boolean verified) {
      this.verified = verified;
      return this;
    }

    /**
     * Builds the provider.
     *
     * @throws IllegalStateException when it has no domain; when {@link Access#NONE} is combined with
     *     servers or another authentication than {@link Authentication#NOT_OFFERED} (or the reverse);
     *     when a provider with access has no server at all; or when the OAuth2 facts name scopes for a
     *     protocol the provider has no server for
     */
    public MailProvider build() {
      String label = "provider \"" + id + "\"";
      if (domains.isEmpty()) {
        throw new IllegalStateException(label + " has no domain");
      }
      boolean none = access == Access.NONE;
      if (none && (!incoming.isEmpty() || !outgoing.isEmpty())) {
        throw new IllegalStateException(label + " has access NONE but lists servers");
      }
      if (none != (authentication == Authentication.NOT_OFFERED)) {
        throw new IllegalStateException(label + ": authentication NOT_OFFERED goes with access NONE and only with it, was access "
            + access + " and authentication " + authentication);
      }
      if (!none && incoming.isEmpty() && outgoing.isEmpty()) {
        throw new IllegalStateException(label + " has no server; use access NONE for a provider without IMAP, POP3 and SMTP");
      }
      if (oauth2 != null) {
        for (Protocol p : oauth2.scopes().keySet()) {
          if ((p.isIncoming() ? incoming : outgoing).stream().noneMatch(s -> s.protocol() == p)) {
            throw new IllegalStateException(label + " has OAuth2 scopes for " + p + " but no " + p + " server");
          }
        }
      }
      if (access == Access.LOCAL_BRIDGE) {
        for (ProviderServer s : concat()) {
          String h = s.host().toLowerCase(Locale.ROOT);
          if (!h.equals("127.0.0.1") && !h.equals("localhost") && !h.equals("::1")) {
            throw new IllegalStateException(label + " has access LOCAL_BRIDGE but server " + s + " is not on loopback");
          }
        }
      }
      return new MailProvider(this);
    }

    private List<ProviderServer> concat() {
      List<ProviderServer> all = new ArrayList<>(incoming);
      all.addAll(outgoing);
      return all;
    }
  }
}
