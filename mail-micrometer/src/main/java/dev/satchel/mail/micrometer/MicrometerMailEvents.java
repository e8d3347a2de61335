package dev.satchel.mail.micrometer;

import dev.satchel.mail.events.CommandEvent;
import dev.satchel.mail.events.ConnectionEvent;
import dev.satchel.mail.events.ConnectionFailedEvent;
import dev.satchel.mail.events.LoginEvent;
import dev.satchel.mail.events.MailEventListener;
import dev.satchel.mail.events.ProcessorEvent;
import dev.satchel.mail.events.ProcessorLagEvent;
import dev.satchel.mail.events.SendEvent;
import dev.satchel.mail.events.WatchReconnectEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MailEventListener} that records Satchel's mail events as Micrometer meters in one
 * {@link MeterRegistry}.
 *
 * <pre>{@code
 * MailEventListener metrics = new MicrometerMailEvents(meterRegistry);
 * MailSettings settings = MailSettings.builder()...accountName("support").eventListener(metrics).build();
 * }</pre>
 *
 * <table>
 * <caption>Meters</caption>
 * <tr><th>name</th><th>type</th><th>tags</th></tr>
 * <tr><td>{@code satchel.connection}</td><td>timer</td><td>account, protocol, outcome ({@code ok}, {@code failed})</td></tr>
 * <tr><td>{@code satchel.login}</td><td>timer</td><td>account, protocol, mechanism, outcome ({@code ok}, {@code refused}, {@code failed})</td></tr>
 * <tr><td>{@code satchel.command}</td><td>timer</td><td>account, protocol, command (a known verb, else {@code other}), outcome</td></tr>
 * <tr><td>{@code satchel.send}</td><td>timer</td><td>account, outcome ({@code sent}, {@code partial}, {@code rejected}, {@code delivery-unknown}, {@code failed})</td></tr>
 * <tr><td>{@code satchel.send.recipients}</td><td>counter</td><td>account, result ({@code accepted}, {@code rejected})</td></tr>
 * <tr><td>{@code satchel.processor.messages}</td><td>counter</td><td>account, outcome ({@code handled}, {@code failed}, {@code dead-lettered})</td></tr>
 * <tr><td>{@code satchel.processor.lag}</td><td>gauge (seconds)</td><td>account</td></tr>
 * <tr><td>{@code satchel.watch.reconnects}</td><td>counter</td><td>account, protocol</td></tr>
 * </table>
 *
 * <p>Tags never hold an address, a user name or a subject: the account is the settings' account name
 * (an {@code @} in it is replaced), commands come from a fixed list of verbs. Thread-safe: one
 * instance may serve every account of an application.
 */
public final class MicrometerMailEvents implements MailEventListener {
  /** Command verbs kept as tag values; any other becomes {@code other}, so the tag stays bounded. */
  static final Set<String> KNOWN_COMMANDS = Set.of(
      // IMAP
      "CAPABILITY", "LOGIN", "AUTHENTICATE", "STARTTLS", "ENABLE", "ID", "NAMESPACE", "COMPRESS", "SELECT", "EXAMINE",
      "LIST", "LSUB", "STATUS", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "APPEND", "CHECK", "CLOSE",
      "UNSELECT", "EXPUNGE", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "UID SEARCH", "UID FETCH", "UID STORE",
      "UID COPY", "UID MOVE", "UID EXPUNGE", "IDLE", "NOOP", "LOGOUT", "GETQUOTAROOT", "GETQUOTA",
      // POP3
      "CAPA", "STLS", "USER", "PASS", "APOP", "AUTH", "STAT", "UIDL", "TOP", "RETR", "DELE", "RSET", "QUIT",
      // SMTP
      "EHLO", "HELO", "MAIL", "RCPT", "DATA", "BDAT");

  private final MeterRegistry registry;
  private final Map<String, AtomicLong> lagSeconds = new ConcurrentHashMap<>();

  /** Records into {@code registry}. */
  public MicrometerMailEvents(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  @Override
  public void connectionOpened(ConnectionEvent e) {
    timer("satchel.connection", "Time to connect to a mail server", e.duration(), "account", e.account(), "protocol",
        protocol(e.protocol()), "outcome", "ok");
  }

  @Override
  public void connectionFailed(ConnectionFailedEvent e) {
    timer("satchel.connection", "Time to connect to a mail server", e.duration(), "account", e.account(), "protocol",
        protocol(e.protocol()), "outcome", "failed");
  }

  @Override
  public void loginCompleted(LoginEvent e) {
    timer("satchel.login", "Time to log in to a mail server", e.duration(), "account", e.account(), "protocol",
        protocol(e.protocol()), "mechanism", known(e.mechanism()), "outcome", e.outcome());
  }

  @Override
  public void commandCompleted(CommandEvent e) {
    timer("satchel.command", "Round trip of one mail protocol command", e.duration(), "account", e.account(),
        "protocol", protocol(e.protocol()), "command", known(e.command()), "outcome", e.outcome());
  }

  @Override
  public void messageSent(SendEvent e) {
    timer("satchel.send", "Time to send one message over SMTP", e.duration(), "account", e.account(), "outcome",
        e.outcome());
    recipients(e.account(), "accepted", e.accepted());
    recipients(e.account(), "rejected", e.rejected());
  }

  @Override
  public void messageHandled(ProcessorEvent e) {
    processed(e, "handled");
  }

  @Override
  public void messageFailed(ProcessorEvent e) {
    processed(e, "failed");
  }

  @Override
  public void messageDeadLettered(ProcessorEvent e) {
    processed(e, "dead-lettered");
  }

  @Override
  public void processorLag(ProcessorLagEvent e) {
    String account = safe(e.account());
    lagSeconds.computeIfAbsent(account, a -> {
      AtomicLong seconds = new AtomicLong();
      Gauge.builder("satchel.processor.lag", seconds, AtomicLong::get)
          .description("Age of the oldest message an inbox processor left unhandled in its last run")
          .baseUnit("seconds").tags("account", a).register(registry);
      return seconds;
    }).set(e.lag().toSeconds());
  }

  @Override
  public void watchReconnected(WatchReconnectEvent e) {
    Counter.builder("satchel.watch.reconnects").description("Times a mailbox watch connected again after losing its"
        + " connection").tags("account", safe(e.account()), "protocol", protocol(e.protocol())).register(registry)
        .increment();
  }

  private void processed(ProcessorEvent e, String outcome) {
    Counter.builder("satchel.processor.messages").description("Messages an inbox processor handed over, by outcome")
        .tags("account", safe(e.account()), "outcome", outcome).register(registry).increment();
  }

  private void recipients(String account, String result, int count) {
    Counter c = Counter.builder("satchel.send.recipients").description("Recipients of sent messages, by result")
        .tags("account", safe(account), "result", result).register(registry);
    if (count > 0) {
      c.increment(count);
    }
  }

  /** Records {@code duration} in a timer; tag values at odd indexes are made safe. */
  private void timer(String name, String description, Duration duration, String... tags) {
    for (int i = 1; i < tags.length; i += 2) {
      tags[i] = safe(tags[i]);
    }
    Timer.builder(name).description(description).tags(Tags.of(tags)).register(registry).record(duration);
  }

  private static String protocol(dev.satchel.mail.Protocol protocol) {
    return protocol.name().toLowerCase(Locale.ROOT);
  }

  /** {@code value} when it is a known command or mechanism verb, else {@code other}. */
  private static String known(String value) {
    return KNOWN_COMMANDS.contains(value) || MECHANISMS.contains(value) ? value : "other";
  }

  private static final Set<String> MECHANISMS = Set.of("PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER", "USER", "APOP",
      "none");

  /** No {@code @} in a tag value, so that no address can become one. */
  private static String safe(String value) {
    return value.indexOf('@') < 0 ? value : value.replace('@', '_');
  }

  @Override
  public String toString() {
    return "MicrometerMailEvents[" + registry.getClass().getSimpleName() + "]";
  }
}
