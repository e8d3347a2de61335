package dev.satchel.mail.providers;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The DNS lookups autodiscovery needs: MX and SRV records. Swap in a fake to test offline.
 *
 * <p>Implementations must be thread-safe (lookups run in parallel) and must not block longer than
 * their own finite timeout.
 */
public interface DnsResolver {

  /**
   * One MX record.
   *
   * @param preference lower is preferred
   * @param host the mail exchanger, without a trailing dot
   */
  record MxRecord(int preference, String host) {
    /** Validates the record. */
    public MxRecord {
      Objects.requireNonNull(host, "host");
    }
  }

  /**
   * One SRV record.
   *
   * @param priority lower is preferred
   * @param weight share among equal priorities
   * @param port the service port
   * @param target the host, without a trailing dot; {@code "."} or empty means "not offered"
   */
  record SrvRecord(int priority, int weight, int port, String target) {
    /** Validates the record. */
    public SrvRecord {
      Objects.requireNonNull(target, "target");
    }
  }

  /**
   * The MX records of {@code domain} (ASCII form); empty when there are none or the name does not exist.
   *
   * @throws IOException when the lookup fails or times out
   */
  List<MxRecord> mx(String domain) throws IOException;

  /**
   * The SRV records at {@code name}, for example {@code _imaps._tcp.example.com}; empty when none.
   *
   * @throws IOException when the lookup fails or times out
   */
  List<SrvRecord> srv(String name) throws IOException;

  /**
   * The system's DNS through JNDI, waiting at most {@code timeout} per query (including retries).
   *
   * @throws IllegalArgumentException unless the timeout is positive and at most one minute
   */
  static DnsResolver jndi(Duration timeout) {
    return new JndiDnsResolver(timeout);
  }

  /** The system's DNS through JNDI with a 5 second timeout per query. */
  static DnsResolver jndi() {
    return new JndiDnsResolver(Duration.ofSeconds(5));
  }
}
