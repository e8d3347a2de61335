package dev.satchel.mail.oauth2;

import dev.satchel.mail.MailAuthenticationException;
import dev.satchel.mail.MailConnectionException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * An access token cached until shortly before it expires, and fetched by at most one thread at a
 * time: however many threads ask while it is stale, one fetches and the others wait (bounded) for
 * that result, or its failure.
 *
 * <p>A forced fetch (the mail server rejected the token) returns a token newer than the one last
 * handed to the calling thread when another thread has fetched one since; otherwise it fetches.
 */
final class SingleFlightToken {
  private record Cached(String accessToken, Instant obtainedAt, Instant expiresAt, long generation) {
  }

  private final Supplier<OAuth2Tokens> fetch;
  private final Clock clock;
  private final Duration margin;
  private final Duration waitTimeout;
  private final String what;
  private final Object lock = new Object();
  /** The generation of the token last handed to each thread. */
  private final ThreadLocal<Long> handedOut = new ThreadLocal<>();
  private volatile @Nullable Cached current;
  private @Nullable CompletableFuture<Cached> inFlight; // guarded by lock
  private long generations; // guarded by lock

  /**
   * @param what names the token in messages, for example "the account alice@example.test"
   */
  SingleFlightToken(Supplier<OAuth2Tokens> fetch, Clock clock, Duration margin, Duration waitTimeout, String what,
      @Nullable OAuth2Tokens initial) {
    this.fetch = fetch;
    this.clock = clock;
    this.margin = margin;
    this.waitTimeout = waitTimeout;
    this.what = what;
    if (initial != null) {
      synchronized (lock) {
        current = cached(initial);
      }
    }
  }

  String token(boolean forceRefresh) {
    Long handed = handedOut.get();
    Cached known = usable(current, forceRefresh, handed);
    if (known != null) {
      return handOut(known);
    }
    CompletableFuture<Cached> flight;
    boolean leader;
    synchronized (lock) {
      known = usable(current, forceRefresh, handed);
      if (known != null) {
        return handOut(known);
      }
      leader = inFlight == null;
      if (leader) {
        inFlight = new CompletableFuture<>();
      }
      flight = inFlight;
    }
    if (flight == null) {
      throw new IllegalStateException("no refresh in flight");
    }
    return handOut(leader ? lead(flight) : follow(flight));
  }

  private Cached lead(CompletableFuture<Cached> flight) {
    Cached fresh;
    try {
      OAuth2Tokens tokens = fetch.get();
      synchronized (lock) {
        fresh = cached(tokens);
        current = fresh;
        inFlight = null;
      }
    } catch (RuntimeException | Error e) {
      synchronized (lock) {
        inFlight = null;
      }
      flight.completeExceptionally(e);
      throw e;
    }
    flight.complete(fresh);
    return fresh;
  }

  private Cached follow(CompletableFuture<Cached> flight) {
    try {
      return flight.get(waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new MailConnectionException("waited " + waitTimeout.toSeconds() + " s for another thread's token refresh for "
          + what + " without an answer", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MailConnectionException("interrupted while waiting for another thread's token refresh for " + what, e);
    } catch (ExecutionException e) {
      // The same failure for every waiter, in a new exception of the same kind (with this thread's stack).
      Throwable cause = e.getCause();
      if (cause instanceof MailAuthenticationException m) {
        throw new MailAuthenticationException(String.valueOf(m.getMessage()), m);
      }
      if (cause instanceof MailConnectionException m) {
        throw new MailConnectionException(String.valueOf(m.getMessage()), m);
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new MailConnectionException("the token refresh for " + what + " failed ("
          + (cause == null ? "unknown" : cause.getClass().getSimpleName()) + ")", cause);
    }
  }

  /** {@code cached} when it may be handed out, else null. */
  private @Nullable Cached usable(@Nullable Cached cached, boolean forceRefresh, @Nullable Long handed) {
    if (cached == null || !fresh(cached)) {
      return null;
    }
    // Forced: only a token newer than the one this thread was given (and found rejected) will do.
    boolean newer = handed != null && cached.generation() > handed;
    return !forceRefresh || newer ? cached : null;
  }

  private boolean fresh(Cached cached) {
    Duration lifetime = Duration.between(cached.obtainedAt(), cached.expiresAt());
    Duration effectiveMargin = margin.compareTo(lifetime.dividedBy(2)) > 0 ? lifetime.dividedBy(2) : margin;
    return clock.instant().isBefore(cached.expiresAt().minus(effectiveMargin));
  }

  private String handOut(Cached cached) {
    handedOut.set(cached.generation());
    return cached.accessToken();
  }

  private Cached cached(OAuth2Tokens tokens) {
    // obtainedAt is now, not when the request was sent: the margin stays conservative either way.
    return new Cached(tokens.accessToken(), clock.instant(), tokens.expiresAt(), ++generations);
  }
}
