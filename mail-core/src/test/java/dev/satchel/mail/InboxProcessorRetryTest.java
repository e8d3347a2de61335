package dev.satchel.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A running processor retries a failed message after a backoff (1 s, 2 s, 4 s ... capped) rather
 * than once per interval, and leaves it alone in runs before it is due. Time is a fake clock moved
 * by the loop's waits: the loop asks to wait, the test records how long and moves the clock.
 */
class InboxProcessorRetryTest {
  private static final Duration HOUR = Duration.ofHours(1);

  private final FakeMailbox account = new FakeMailbox().deliver("flaky");
  private final FakeClock clock = new FakeClock();
  private final List<String> attempts = Collections.synchronizedList(new ArrayList<>());
  private final List<InboxProcessor.Report> reports = Collections.synchronizedList(new ArrayList<>());
  private final List<String> deadLetters = Collections.synchronizedList(new ArrayList<>());

  /** A clock the test moves. */
  static final class FakeClock extends Clock {
    private volatile Instant now = Instant.parse("2026-03-02T10:00:00Z");

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }

  /** A handler failing the first {@code failures} attempts of every message. */
  private InboxProcessor.Builder processor(int failures) {
    return InboxProcessor.builder().mailboxes(account::open).stateStore(SyncStateStore.inMemory())
        .afterHandling(AfterHandling.leave()).clock(clock)
        .deadLetter((DeadLetter letter) -> deadLetters.add(letter.summary().envelope().subject()))
        .handler(m -> {
          attempts.add(m.subject());
          if (attempts.size() <= failures) {
            throw new IllegalStateException("the database is down");
          }
        });
  }

  /**
   * Runs {@code processor} in its loop until it asked for {@code waits} waits and returns them; each
   * wait moves the fake clock by what {@code step} says (by default the whole wait).
   */
  private List<Duration> loop(InboxProcessor processor, int waits, Function<Duration, Duration> step) throws Exception {
    List<Duration> asked = Collections.synchronizedList(new ArrayList<>());
    CountDownLatch done = new CountDownLatch(1);
    ProcessorLoop[] loop = new ProcessorLoop[1];
    CountDownLatch started = new CountDownLatch(1);
    ProcessorLoop running = ProcessorLoop.start(processor, HOUR, new InboxProcessor.Listener() {
      @Override
      public void onRun(InboxProcessor.Report report) {
        reports.add(report);
      }
    }, d -> {
      started.await(10, TimeUnit.SECONDS);
      asked.add(d);
      clock.advance(step.apply(d));
      if (asked.size() == waits) {
        loop[0].close();
        done.countDown();
      }
    });
    loop[0] = running;
    started.countDown();
    assertThat(done.await(30, TimeUnit.SECONDS)).as("the loop asked for %d waits", waits).isTrue();
    return List.copyOf(asked);
  }

  @Test
  void aFailedMessageIsRetriedAfterADoublingBackoffNotAfterTheInterval() throws Exception {
    List<Duration> waits = loop(processor(3).build(), 4, d -> d);
    assertThat(waits).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(120), HOUR);
    assertThat(attempts).containsExactly("flaky", "flaky", "flaky", "flaky");
    assertThat(reports).extracting(InboxProcessor.Report::handled).containsExactly(0, 0, 0, 1);
    assertThat(deadLetters).isEmpty();
  }

  @Test
  void runsBeforeTheRetryIsDueLeaveTheMessageAlone() throws Exception {
    // The first wait passes only half of its time (as if pushed mail started a run early).
    int[] waits = {0};
    List<Duration> asked = loop(processor(1).build(), 3, d -> ++waits[0] == 1 ? d.dividedBy(2) : d);
    assertThat(asked).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(15), HOUR);
    assertThat(attempts).as("not tried in the early run").containsExactly("flaky", "flaky");
    assertThat(reports).extracting(InboxProcessor.Report::found).containsExactly(1, 0, 1);
    assertThat(reports).extracting(InboxProcessor.Report::handled).containsExactly(0, 0, 1);
  }

  @Test
  void aMessageThatKeepsFailingIsDeadLetteredAtMaxFailuresWithTheBackoffCapped() throws Exception {
    InboxProcessor p = processor(Integer.MAX_VALUE).maxFailures(5)
        .retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(3)).build();
    List<Duration> waits = loop(p, 5, d -> d);
    assertThat(waits).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3),
        Duration.ofSeconds(3), HOUR);
    assertThat(attempts).hasSize(5);
    assertThat(deadLetters).containsExactly("flaky");
  }

  @Test
  void runOnceDoesNotWaitForTheBackoff() {
    InboxProcessor p = processor(1).build();
    assertThat(p.runOnce().failed()).isEqualTo(1);
    assertThat(p.runOnce().handled()).as("the clock did not move; runOnce tries again anyway").isEqualTo(1);
    assertThat(p.nextWait(HOUR)).isEqualTo(HOUR);
  }

  @Test
  void backoffDoublesUpToItsCap() {
    RetrySchedule s = new RetrySchedule(Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertThat(List.of(s.backoff(1), s.backoff(2), s.backoff(3), s.backoff(9), s.backoff(10), s.backoff(1_000_000)))
        .containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(256),
            Duration.ofMinutes(5), Duration.ofMinutes(5));
  }

  @Test
  void retryBackoffIsChecked() {
    assertThatThrownBy(() -> InboxProcessor.builder().retryBackoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    assertThatThrownBy(() -> InboxProcessor.builder().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT1S").hasMessageContaining("PT2S");
  }
}
