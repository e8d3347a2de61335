package dev.satchel.mail.providers;

/** Where an {@link Autodiscovery} answer came from, in the order of preference Thunderbird uses. */
public enum DiscoverySource {
  /** Satchel's built-in (or the caller's) registry. */
  REGISTRY,
  /** {@code https://autoconfig.<domain>/mail/config-v1.1.xml}, served by the domain itself. */
  AUTOCONFIG,
  /** {@code https://<domain>/.well-known/autoconfig/mail/config-v1.1.xml}, served by the domain itself. */
  WELL_KNOWN,
  /** Thunderbird's public ISP database, asked with the address's domain. */
  ISPDB,
  /** The domain's MX host, mapped to a known provider, the ISPDB or the MX domain's autoconfig. */
  MX,
  /** DNS SRV records ({@code _imaps._tcp}, {@code _submissions._tcp} ..., RFC 6186 and RFC 8314). */
  SRV,
  /** Guessed host names that answered CAPABILITY, CAPA or EHLO. */
  PROBE
}
