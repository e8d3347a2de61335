package dev.satchel.mail.oauth2;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/** A clock the test moves: the real time plus an offset, or (stopped) a time that moves only when told. */
final class MutableClock extends Clock {
  private final @Nullable Instant stoppedAt;
  private volatile Duration offset = Duration.ZERO;

  MutableClock() {
    this(null);
  }

  private MutableClock(@Nullable Instant stoppedAt) {
    this.stoppedAt = stoppedAt;
  }

  /** A clock that stands at now until {@link #advance} moves it. */
  static MutableClock stopped() {
    return new MutableClock(Instant.now());
  }

  void advance(Duration by) {
    offset = offset.plus(by);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  @Override
  public Instant instant() {
    return (stoppedAt != null ? stoppedAt : Instant.now()).plus(offset);
  }
}
