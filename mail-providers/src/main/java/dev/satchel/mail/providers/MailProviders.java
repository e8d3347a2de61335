package dev.satchel.mail.providers;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A registry of mail providers, looked up by email address or domain.
 *
 * <pre>{@code
 * MailProviders registry = MailProviders.builtIn();
 * registry.lookup("alice@icloud.com");   // Optional[iCloud Mail]
 * registry.lookup("ALICE@Me.Com");       // the same
 * registry.lookup("bob@tuta.com");       // Tuta, with access() NONE and a note saying why
 * registry.lookup("mail.gmail.com");     // empty: only exact domains match
 * }</pre>
 *
 * <p>{@link #builtIn()} holds more than 70 providers and 600 domains, read from a data resource and
 * validated when first used. Entries marked {@link MailProvider#verified()} false come from secondary
 * hints. Lookup matches the exact domain only, in any letter case, Unicode or punycode; it never falls
 * back to a parent or subdomain, since {@code example.gmail.com} is not Gmail.
 *
 * <p>Immutable and thread-safe.
 */
public final class MailProviders {
  private static final String BUILT_IN = "providers.txt";

  private final List<MailProvider> providers;
  private final Map<String, MailProvider> byDomain;
  private final Map<String, MailProvider> byMxDomain;

  private MailProviders(List<MailProvider> providers) {
    this.providers = List.copyOf(providers);
    Map<String, MailProvider> domains = new LinkedHashMap<>();
    Map<String, MailProvider> mx = new LinkedHashMap<>();
    for (MailProvider p : this.providers) {
      for (String d : p.domains()) {
        MailProvider other = domains.putIfAbsent(d, p);
        if (other != null) {
          throw new IllegalArgumentException("domain " + d + " belongs to both \"" + other.id() + "\" and \"" + p.id() + "\"");
        }
      }
      for (String d : p.mxDomains()) {
        mx.putIfAbsent(d, p);
      }
    }
    this.byDomain = Map.copyOf(domains);
    this.byMxDomain = Map.copyOf(mx);
  }

  /**
   * The providers that ship with Satchel.
   *
   * @throws IllegalStateException when the bundled data is missing or invalid (a packaging bug)
   */
  public static MailProviders builtIn() {
    return BuiltIn.INSTANCE;
  }

  /**
   * A registry of the given providers.
   *
   * @throws IllegalArgumentException when two providers claim the same domain
   */
  public static MailProviders of(Collection<MailProvider> providers) {
    return new MailProviders(new ArrayList<>(providers));
  }

  /**
   * Reads a registry in Satchel's provider format (the format of the built-in data; see the README).
   *
   * @param reader the text; read fully but not closed
   * @param sourceName a name for error messages, such as a file name
   * @throws IllegalArgumentException naming the source and line of the first error
   * @throws UncheckedIOException when reading fails
   */
  public static MailProviders parse(Reader reader, String sourceName) {
    return new MailProviders(RegistryFormat.parse(reader, sourceName));
  }

  /**
   * This registry with {@code extra} providers put in front: their domains take precedence over
   * providers already here, which keep their other domains.
   */
  public MailProviders withFirst(Collection<MailProvider> extra) {
    List<MailProvider> all = new ArrayList<>();
    List<String> claimed = new ArrayList<>();
    for (MailProvider p : extra) {
      all.add(p);
      claimed.addAll(p.domains());
    }
    for (MailProvider p : providers) {
      List<String> keep = p.domains().stream().filter(d -> !claimed.contains(d)).toList();
      if (keep.size() == p.domains().size()) {
        all.add(p);
      } else if (!keep.isEmpty()) {
        all.add(p.toBuilder().clearDomains().domains(keep.toArray(String[]::new)).build());
      }
    }
    return new MailProviders(all);
  }

  /** Every provider, in registry order. */
  public List<MailProvider> providers() {
    return providers;
  }

  /** The provider with this id, such as {@code gmail}. */
  public Optional<MailProvider> byId(String id) {
    Objects.requireNonNull(id, "id");
    return providers.stream().filter(p -> p.id().equals(id)).findFirst();
  }

  /**
   * The provider serving an address ({@code alice@example.com}) or a bare domain
   * ({@code example.com}). Letter case does not matter, and a Unicode domain finds the same provider
   * as its punycode form. Only the exact domain matches.
   *
   * @throws IllegalArgumentException when the argument is neither a valid address nor a valid domain
   */
  public Optional<MailProvider> lookup(String addressOrDomain) {
    Objects.requireNonNull(addressOrDomain, "addressOrDomain");
    return Optional.ofNullable(byDomain.get(Domains.ofAddressOrDomain(addressOrDomain)));
  }

  /**
   * The provider for a domain derived from an MX host (for example {@code google.com} or
   * {@code mail.protection.outlook.com}): its MX domains first, then its address domains.
   */
  Optional<MailProvider> lookupMxDomain(String normalizedDomain) {
    MailProvider p = byMxDomain.get(normalizedDomain);
    return p != null ? Optional.of(p) : Optional.ofNullable(byDomain.get(normalizedDomain));
  }

  @Override
  public String toString() {
    return "MailProviders[" + providers.size() + " providers, " + byDomain.size() + " domains]";
  }

  /** Lazily loaded built-in registry. */
  private static final class BuiltIn {
    static final MailProviders INSTANCE = load();

    private static MailProviders load() {
      try (InputStream in = MailProviders.class.getResourceAsStream(BUILT_IN)) {
        if (in == null) {
          throw new IllegalStateException("built-in provider registry " + BUILT_IN + " is missing from the jar");
        }
        try (Reader r = new InputStreamReader(in, StandardCharsets.UTF_8)) {
          return parse(r, BUILT_IN);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read built-in provider registry " + BUILT_IN, e);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("built-in provider registry is invalid: " + e.getMessage(), e);
      }
    }
  }
}
