package dev.satchel.mail.providers;

import java.util.Objects;

/**
 * One answer from {@link Autodiscovery}: the provider settings found, where they came from, and
 * whether they may be used without asking the user.
 *
 * <p>An answer is {@code trusted} when it comes from the registry, from the address's own domain over
 * HTTPS ({@link DiscoverySource#AUTOCONFIG}, {@link DiscoverySource#WELL_KNOWN}), or when every server
 * it names lies inside the address's own domain. Anything else — for example ISPDB or MX answers that
 * point to another company's servers — should be shown to the user for confirmation before a password
 * is sent there.
 *
 * <p>Immutable and thread-safe.
 *
 * @param provider the settings found
 * @param source which step found them
 * @param origin what was asked, for the user or a log: a URL, a DNS name or the hosts probed
 * @param trusted true when the answer may be used without asking the user
 */
public record Discovery(MailProvider provider, DiscoverySource source, String origin, boolean trusted) {
  /** Validates the answer. */
  public Discovery {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(origin, "origin");
  }
}
