package dev.satchel.mail.interop;

import java.util.Locale;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The gate of the interop suite. {@code SATCHEL_INTEROP=skip} skips every interop class (a JUnit
 * assumption, reported as skipped with the reason); that is the only way to skip. Otherwise the real
 * servers must answer: when they do not and the build runs as root, the harness is started (and
 * stopped again when the test run ends); when that is impossible every interop test fails with a
 * message that says what is missing and how to start it.
 */
final class InteropExtension implements BeforeAllCallback, BeforeEachCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(InteropExtension.class);

  @Override
  public void beforeAll(ExtensionContext context) {
    if (skipRequested()) {
      return; // each test reports the skip (beforeEach), so that the reports list them as skipped
    }
    // Checked once per run; a failure is remembered so that every class fails fast with the same message.
    Check check = context.getRoot().getStore(NS).getOrComputeIfAbsent(Check.class, k -> Check.run(), Check.class);
    if (check.failure != null) {
      throw new IllegalStateException(check.failure.getMessage(), check.failure);
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Assumptions.assumeFalse(skipRequested(), Harness.SWITCH + "=skip: the interop tests against real Dovecot and "
        + "Postfix (interop/harness) are skipped on request");
  }

  /**
   * True when {@code SATCHEL_INTEROP=skip}.
   *
   * @throws IllegalStateException for a value other than {@code skip} or {@code run}
   */
  static boolean skipRequested() {
    String value = System.getenv(Harness.SWITCH);
    if (value == null || value.isBlank()) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("skip") && !v.equals("run")) {
      throw new IllegalStateException(Harness.SWITCH + " must be \"skip\" (skip the interop suite) or \"run\" "
          + "(the default), was \"" + value + "\"");
    }
    return v.equals("skip");
  }

  /** The outcome of the one check per run; closing it (at the end of the run) stops a harness we started. */
  private static final class Check implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    final RuntimeException failure;

    private Check(RuntimeException failure) {
      this.failure = failure;
    }

    static Check run() {
      try {
        Harness.get().ensureRunning();
        return new Check(null);
      } catch (RuntimeException e) {
        return new Check(e);
      }
    }

    @Override
    public void close() {
      Harness.get().stop();
    }
  }
}
