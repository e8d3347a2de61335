package dev.satchel.mail.providers;

import dev.satchel.mail.EmailAddress;
import dev.satchel.mail.Protocol;
import dev.satchel.mail.Security;
import dev.satchel.mail.TlsOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds server settings for an email address the way Thunderbird does, for domains the registry does
 * not know.
 *
 * <pre>{@code
 * Autodiscovery discovery = Autodiscovery.builder().build();
 * Optional<Discovery> found = discovery.discover("alice@example.org");
 * found.ifPresent(d -> {
 *   if (!d.trusted()) { ... ask the user to confirm d.provider() before sending a password ... }
 * });
 * }</pre>
 *
 * <p>Steps, highest priority first: the {@linkplain DiscoverySource#REGISTRY registry} (answered at
 * once, without any network); {@code https://autoconfig.<domain>/mail/config-v1.1.xml};
 * {@code https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml}; the public ISPDB
 * ({@code <base URL><domain>}); the domain's preferred MX host, whose next-level and base domains are
 * looked up in the registry, the ISPDB and their own autoconfig; RFC 6186 / RFC 8314 SRV records; and
 * guessed host names ({@code imap.<domain>}, {@code mail.<domain>}, ...) probed with {@code CAPABILITY},
 * {@code CAPA} and {@code EHLO}. The network steps run in parallel; the highest-priority step with an
 * answer wins once every step above it has failed. When the overall deadline passes, the best answer
 * found so far is returned and the rest are abandoned.
 *
 * <p>Privacy: the email address itself is never sent anywhere unless {@link Builder#sendAddress(boolean)}
 * is switched on, and then only to the address's own domain's autoconfig server. The ISPDB and MX-derived
 * lookups send only a domain; switch the ISPDB off with {@link Builder#ispdb(boolean)}.
 *
 * <p>Security: only HTTPS is used for autoconfig; plaintext (no TLS) servers are dropped from every
 * answer unless {@link Builder#allowPlaintext(boolean)}. See {@link Discovery} for which answers are
 * trusted without asking the user.
 *
 * <p>Defaults: the built-in registry, JNDI DNS, the JDK HTTP client, ISPDB at
 * {@code https://live.thunderbird.net/autoconfig/v1.1/}, an overall deadline of 20 seconds, 10 seconds
 * per HTTP fetch, 5 seconds per probe.
 *
 * <p>Immutable and thread-safe; {@link #discover(String)} may be called from several threads.
 */
public final class Autodiscovery {
  /** Thunderbird's public ISPDB. */
  public static final URI DEFAULT_ISPDB = URI.create("https://live.thunderbird.net/autoconfig/v1.1/");
  /** Default overall deadline: 20 seconds. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(20);

  private static final Logger log = LoggerFactory.getLogger(Autodiscovery.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final MailProviders registry;
  private final DnsResolver dns;
  private final HttpFetcher http;
  private final URI ispdbBase;
  private final boolean useIspdb;
  private final boolean sendAddress;
  private final boolean allowPlaintext;
  private final boolean probing;
  private final Duration deadline;
  private final Duration fetchTimeout;
  private final Prober prober;

  private Autodiscovery(Builder b) {
    this.registry = b.registry;
    this.dns = b.dns;
    this.http = b.http;
    this.ispdbBase = b.ispdbBase;
    this.useIspdb = b.useIspdb;
    this.sendAddress = b.sendAddress;
    this.allowPlaintext = b.allowPlaintext;
    this.probing = b.probing;
    this.deadline = b.deadline;
    this.fetchTimeout = b.fetchTimeout;
    this.prober = new Prober(b.probeTimeout, b.tls, b.addressOf);
  }

  /** A builder with the defaults above. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Finds settings for {@code address}: the best answer, or empty when no step found any before the
   * deadline.
   *
   * @throws IllegalArgumentException when {@code address} is not a valid email address
   */
  public Optional<Discovery> discover(String address) {
    EmailAddress parsed = EmailAddress.of(Objects.requireNonNull(address, "address"));
    String domain = Domains.normalize(parsed.domain());
    Optional<MailProvider> known = registry.lookup(domain);
    if (known.isPresent()) {
      return Optional.of(new Discovery(known.get(), DiscoverySource.REGISTRY, "registry: " + domain, true));
    }
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    List<Callable<Optional<Discovery>>> steps = new ArrayList<>();
    String query = sendAddress ? "?emailaddress=" + URLEncoder.encode(parsed.address(), StandardCharsets.UTF_8) : "";
    steps.add(() -> fetch(DiscoverySource.AUTOCONFIG, URI.create("https://autoconfig." + domain + "/mail/config-v1.1.xml" + query), domain, true));
    steps.add(() -> fetch(DiscoverySource.WELL_KNOWN, URI.create("https://" + domain + "/.well-known/autoconfig/mail/config-v1.1.xml"), domain, true));
    if (useIspdb) {
      steps.add(() -> fetch(DiscoverySource.ISPDB, ispdbBase.resolve(domain), domain, false));
    }
    steps.add(() -> viaMx(domain));
    steps.add(() -> viaSrv(domain));
    if (probing) {
      steps.add(() -> viaProbe(domain));
    }
    ExecutorService pool = Executors.newFixedThreadPool(steps.size(), daemonThreads("satchel-discovery"));
    try {
      List<Future<Optional<Discovery>>> futures = new ArrayList<>();
      for (Callable<Optional<Discovery>> step : steps) {
        futures.add(pool.submit(step));
      }
      for (int i = 0; i < futures.size(); i++) {
        long left = deadlineNanos - System.nanoTime();
        try {
          Optional<Discovery> answer = futures.get(i).get(Math.max(0, left), TimeUnit.NANOSECONDS);
          if (answer.isPresent()) {
            return answer;
          }
        } catch (TimeoutException e) {
          log.debug("autodiscovery for {}: deadline passed while step {} was running", domain, i);
          return bestFinished(futures.subList(i + 1, futures.size()));
        } catch (ExecutionException e) {
          log.debug("autodiscovery for {}: step {} failed: {}", domain, i, String.valueOf(e.getCause()));
        }
      }
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } finally {
      pool.shutdownNow();
    }
  }

  private static Optional<Discovery> bestFinished(List<Future<Optional<Discovery>>> rest) {
    for (Future<Optional<Discovery>> f : rest) {
      if (f.isDone() && !f.isCancelled()) {
        try {
          Optional<Discovery> answer = f.get();
          if (answer.isPresent()) {
            return answer;
          }
        } catch (ExecutionException | InterruptedException e) {
          // that step failed; look at the next one
        }
      }
    }
    return Optional.empty();
  }

  /** Fetches and reads one autoconfig file. */
  private Optional<Discovery> fetch(DiscoverySource source, URI uri, String domain, boolean ownDomain)
      throws IOException, InterruptedException {
    HttpFetcher.Response response = http.get(uri, fetchTimeout);
    if (response.status() != 200) {
      log.debug("autodiscovery: {} answered HTTP {}", uri, response.status());
      return Optional.empty();
    }
    MailProvider provider;
    try {
      provider = Autoconfig.parse(new ByteArrayInputStream(response.body()), uri.toString());
    } catch (IllegalArgumentException e) {
      log.debug("autodiscovery: {} is not a usable autoconfig file: {}", uri, e.getMessage());
      return Optional.empty();
    }
    return answer(provider, source, uri.toString(), domain, ownDomain && "https".equals(uri.getScheme()));
  }

  private Optional<Discovery> viaMx(String domain) throws IOException, InterruptedException {
    Optional<DnsResolver.MxRecord> best = dns.mx(domain).stream()
        .filter(r -> !r.host().isEmpty() && !r.host().equals("."))
        .min(Comparator.comparingInt(DnsResolver.MxRecord::preference));
    if (best.isEmpty()) {
      return Optional.empty();
    }
    String mxHost = Domains.normalize(best.get().host());
    LinkedHashSet<String> candidates = new LinkedHashSet<>();
    candidates.add(Domains.parent(mxHost));
    candidates.add(Domains.base(mxHost));
    candidates.remove(domain);
    if (Domains.base(mxHost).equals(Domains.base(domain))) {
      return Optional.empty();
    }
    for (String candidate : candidates) {
      String origin = "MX " + mxHost + " -> " + candidate;
      Optional<MailProvider> known = registry.lookupMxDomain(candidate);
      if (known.isPresent()) {
        return answer(known.get(), DiscoverySource.MX, origin + " (registry)", domain, false);
      }
      List<URI> uris = new ArrayList<>();
      uris.add(URI.create("https://autoconfig." + candidate + "/mail/config-v1.1.xml"));
      if (useIspdb) {
        uris.add(ispdbBase.resolve(candidate));
      }
      for (URI uri : uris) {
        try {
          Optional<Discovery> found = fetch(DiscoverySource.MX, uri, domain, false);
          if (found.isPresent()) {
            Discovery d = found.get();
            return Optional.of(new Discovery(d.provider(), DiscoverySource.MX, origin + " (" + uri + ")", d.trusted()));
          }
        } catch (IOException e) {
          log.debug("autodiscovery: {} failed: {}", uri, e.getMessage());
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Discovery> viaSrv(String domain) throws IOException {
    record Found(DnsResolver.SrvRecord record, Protocol protocol, Security security) {}
    Object[][] services = {
        {"_imaps._tcp.", Protocol.IMAP, Security.TLS}, {"_imap._tcp.", Protocol.IMAP, Security.STARTTLS},
        {"_pop3s._tcp.", Protocol.POP3, Security.TLS}, {"_pop3._tcp.", Protocol.POP3, Security.STARTTLS},
        {"_submissions._tcp.", Protocol.SMTP, Security.TLS}, {"_submission._tcp.", Protocol.SMTP, Security.STARTTLS}};
    List<Found> found = new ArrayList<>();
    for (Object[] s : services) {
      for (DnsResolver.SrvRecord r : dns.srv(s[0] + domain)) {
        String target = r.target().endsWith(".") ? r.target().substring(0, r.target().length() - 1) : r.target();
        if (target.isEmpty() || r.port() < 1 || r.port() > 65535) {
          continue; // "." means the service is not offered
        }
        found.add(new Found(new DnsResolver.SrvRecord(r.priority(), r.weight(), r.port(), target),
            (Protocol) s[1], (Security) s[2]));
      }
    }
    // Lower priority first; among equals implicit TLS (RFC 8314), then IMAP over POP3, then weight.
    found.sort(Comparator.comparingInt((Found f) -> f.record().priority())
        .thenComparing(f -> f.security() == Security.TLS ? 0 : 1)
        .thenComparing(f -> f.protocol().ordinal())
        .thenComparing(f -> -f.record().weight()));
    MailProvider.Builder b = MailProvider.builder(domain).name(domain).domains(domain)
        .note(SetupNote.of("Found in DNS SRV records, which cannot say how the login name is formed; the full address is assumed."));
    boolean incoming = false;
    for (Found f : found) {
      try {
        b.server(new ProviderServer(f.protocol(), f.record().target(), f.record().port(), f.security(), UsernameForm.FULL_ADDRESS));
        incoming |= f.protocol().isIncoming();
      } catch (IllegalArgumentException e) {
        log.debug("autodiscovery: skipping malformed SRV record {}: {}", f.record(), e.getMessage());
      }
    }
    if (!incoming) {
      return Optional.empty();
    }
    return answer(b.build(), DiscoverySource.SRV, "DNS SRV records of " + domain, domain, false);
  }

  private Optional<Discovery> viaProbe(String domain) throws InterruptedException {
    record Candidate(Protocol protocol, String host, Security security, int rank) {}
    List<Candidate> candidates = new ArrayList<>();
    String[][] hosts = {
        {"imap." + domain, "mail." + domain, domain},
        {"pop3." + domain, "pop." + domain, "mail." + domain, domain},
        {"smtp." + domain, "mail." + domain, domain}};
    Protocol[] protocols = {Protocol.IMAP, Protocol.POP3, Protocol.SMTP};
    int rank = 0;
    for (int p = 0; p < protocols.length; p++) {
      for (Security security : List.of(Security.TLS, Security.STARTTLS)) {
        for (String host : hosts[p]) {
          candidates.add(new Candidate(protocols[p], host, security, rank++));
        }
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(8, candidates.size()), daemonThreads("satchel-probe"));
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (Candidate c : candidates) {
        results.add(pool.submit(() -> prober.probe(c.protocol(), c.host(), c.protocol().defaultPort(c.security()), c.security())));
      }
      Candidate in = null;
      Candidate out = null;
      for (int i = 0; i < candidates.size(); i++) {
        Candidate c = candidates.get(i);
        boolean ok;
        try {
          ok = results.get(i).get();
        } catch (ExecutionException e) {
          ok = false;
        }
        if (ok && c.protocol().isIncoming() && in == null) {
          in = c;
        } else if (ok && !c.protocol().isIncoming() && out == null) {
          out = c;
        }
      }
      if (in == null) {
        return Optional.empty();
      }
      MailProvider.Builder b = MailProvider.builder(domain).name(domain).domains(domain)
          .server(ProviderServer.of(in.protocol(), in.host(), in.security()))
          .note(SetupNote.of("Found by probing guessed host names; the full address is assumed as the login name."));
      if (out != null) {
        b.server(ProviderServer.of(out.protocol(), out.host(), out.security()));
      }
      String origin = "probed " + in.host() + (out != null ? " and " + out.host() : "");
      return answer(b.build(), DiscoverySource.PROBE, origin, domain, false);
    } finally {
      pool.shutdownNow();
    }
  }

  /** Drops plaintext servers unless allowed, and decides trust. */
  private Optional<Discovery> answer(MailProvider provider, DiscoverySource source, String origin, String domain, boolean ownDomainHttps) {
    MailProvider p = provider;
    if (!allowPlaintext) {
      MailProvider.Builder b = provider.toBuilder().clearServers();
      boolean any = false;
      List<ProviderServer> all = new ArrayList<>(provider.incoming());
      all.addAll(provider.outgoing());
      for (ProviderServer s : all) {
        if (s.security() != Security.NONE) {
          b.server(s);
          any = true;
        }
      }
      if (!any) {
        log.debug("autodiscovery: {} offers only plaintext servers; ignored", origin);
        return Optional.empty();
      }
      p = b.build();
    }
    boolean inside = true;
    for (ProviderServer s : concat(p)) {
      String host = s.host().replace(Placeholders.DOMAIN, domain);
      inside &= Domains.isWithin(host.toLowerCase(java.util.Locale.ROOT), domain);
    }
    return Optional.of(new Discovery(p, source, origin, ownDomainHttps || inside));
  }

  private static List<ProviderServer> concat(MailProvider p) {
    List<ProviderServer> all = new ArrayList<>(p.incoming());
    all.addAll(p.outgoing());
    return all;
  }

  private static ThreadFactory daemonThreads(String prefix) {
    return r -> {
      Thread t = new Thread(r, prefix + "-" + THREADS.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  /** Builds an {@link Autodiscovery}. Not thread-safe. */
  public static final class Builder {
    private MailProviders registry = MailProviders.builtIn();
    private DnsResolver dns = DnsResolver.jndi();
    private HttpFetcher http = HttpFetcher.jdk();
    private URI ispdbBase = DEFAULT_ISPDB;
    private boolean useIspdb = true;
    private boolean sendAddress;
    private boolean allowPlaintext;
    private boolean probing = true;
    private Duration deadline = DEFAULT_DEADLINE;
    private Duration fetchTimeout = Duration.ofSeconds(10);
    private Duration probeTimeout = Duration.ofSeconds(5);
    private TlsOptions tls = TlsOptions.systemDefault();
    private BiFunction<String, Integer, InetSocketAddress> addressOf = InetSocketAddress::new;

    private Builder() {}

    /** The registry asked first. Default {@link MailProviders#builtIn()}. */
    public Builder registry(MailProviders registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** The DNS used for MX and SRV lookups. Default {@link DnsResolver#jndi()}. */
    public Builder dns(DnsResolver dns) {
      this.dns = Objects.requireNonNull(dns, "dns");
      return this;
    }

    /** The HTTP client used for autoconfig and ISPDB. Default {@link HttpFetcher#jdk()}. */
    public Builder http(HttpFetcher http) {
      this.http = Objects.requireNonNull(http, "http");
      return this;
    }

    /**
     * The ISPDB base URL; the domain is appended. Default {@link #DEFAULT_ISPDB}.
     *
     * @throws IllegalArgumentException unless absolute http(s) ending in {@code /}
     */
    public Builder ispdbBaseUrl(URI base) {
      Objects.requireNonNull(base, "base");
      String scheme = base.getScheme();
      if (!base.isAbsolute() || !("https".equals(scheme) || "http".equals(scheme)) || !base.getPath().endsWith("/")) {
        throw new IllegalArgumentException("ISPDB base URL must be absolute http(s) and end with '/', was " + base);
      }
      this.ispdbBase = base;
      return this;
    }

    /** Whether to ask the ISPDB (which learns the domain, never the address). Default true. */
    public Builder ispdb(boolean use) {
      this.useIspdb = use;
      return this;
    }

    /**
     * Whether to send the full address to the domain's own autoconfig server (as Thunderbird does,
     * for servers that answer per user). Default false: nobody learns the address.
     */
    public Builder sendAddress(boolean send) {
      this.sendAddress = send;
      return this;
    }

    /** Whether answers may keep servers without TLS. Default false (they are dropped). */
    public Builder allowPlaintext(boolean allow) {
      this.allowPlaintext = allow;
      return this;
    }

    /** Whether to guess and probe host names as the last step. Default true. */
    public Builder probing(boolean probe) {
      this.probing = probe;
      return this;
    }

    /**
     * The most {@link #discover(String)} may take overall. Default 20 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most 5 minutes
     */
    public Builder deadline(Duration deadline) {
      this.deadline = check("deadline", deadline);
      return this;
    }

    /**
     * The most one HTTP fetch may take. Default 10 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most 5 minutes
     */
    public Builder fetchTimeout(Duration timeout) {
      this.fetchTimeout = check("fetchTimeout", timeout);
      return this;
    }

    /**
     * The most one probe (connect plus capability exchange) may block per read. Default 5 seconds.
     *
     * @throws IllegalArgumentException unless positive and at most 5 minutes
     */
    public Builder probeTimeout(Duration timeout) {
      this.probeTimeout = check("probeTimeout", timeout);
      return this;
    }

    /** Which certificates probes trust for implicit TLS. Default {@link TlsOptions#systemDefault()}. */
    public Builder tls(TlsOptions tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** Where a probe of {@code host:port} connects; tests point guessed names at loopback listeners. */
    Builder probeAddresses(BiFunction<String, Integer, InetSocketAddress> addressOf) {
      this.addressOf = Objects.requireNonNull(addressOf, "addressOf");
      return this;
    }

    /** Builds the autodiscovery. */
    public Autodiscovery build() {
      return new Autodiscovery(this);
    }

    private static Duration check(String name, Duration d) {
      Objects.requireNonNull(d, name);
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofMinutes(5)) > 0) {
        throw new IllegalArgumentException(name + " must be positive and at most 5 minutes, was " + d);
      }
      return d;
    }
  }
}
