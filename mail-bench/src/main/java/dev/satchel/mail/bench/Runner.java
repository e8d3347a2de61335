package dev.satchel.mail.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Runs one variant: warm-up runs, then measured runs, each timed with {@link System#nanoTime()};
 * reports the median. Also counts the bytes the calling thread allocated (HotSpot's per-thread
 * counter), which shows garbage pressure for single-threaded variants.
 */
final class Runner {
  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Runner() {}

  /** One run; returns how many items it handled (messages, bytes), checked by the caller. */
  @FunctionalInterface
  interface Task {
    long run() throws Exception;
  }

  /** The outcome of one variant. */
  record Result(String variant, List<Double> seconds, long items, long allocatedBytes, String note,
      @org.jspecify.annotations.Nullable String error) {

    double median() {
      if (seconds.isEmpty()) {
        return Double.NaN;
      }
      List<Double> s = new ArrayList<>(seconds);
      s.sort(null);
      int n = s.size();
      return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    boolean ok() {
      return error == null && !seconds.isEmpty();
    }

    Result withNote(String more) {
      return new Result(variant, seconds, items, allocatedBytes, note.isEmpty() ? more : note + "; " + more, error);
    }

    String runs() {
      StringBuilder b = new StringBuilder();
      for (double d : seconds) {
        b.append(b.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%.3f", d));
      }
      return b.toString();
    }
  }

  /** The time budget for slow variants, in seconds; 0 for none. */
  static volatile long budgetSeconds = 0;

  static Result measure(String variant, int warmups, int runs, Task task) {
    return measure(variant, warmups, runs, task, false);
  }

  /**
   * Measures a variant. With {@code budgeted}, a run that calls {@link Budget#check} past the time
   * budget stops and counts as one run whose time is extrapolated; no further runs follow.
   */
  static Result measure(String variant, int warmups, int runs, Task task, boolean budgeted) {
    long items = -1;
    try {
      for (int i = 0; i < warmups; i++) {
        if (budgeted) {
          Budget.start(budgetSeconds * 1_000_000_000L);
        }
        try {
          task.run();
        } catch (Budget.Exceeded e) {
          // a warm-up only warms
        } finally {
          Budget.clear();
        }
      }
      if (budgeted) {
        return budgetedRuns(variant, runs, task);
      }
      List<Double> seconds = new ArrayList<>();
      long allocated = 0;
      for (int i = 0; i < runs; i++) {
        System.gc();
        long a0 = THREADS.getCurrentThreadAllocatedBytes();
        long t0 = System.nanoTime();
        items = task.run();
        long t1 = System.nanoTime();
        allocated += THREADS.getCurrentThreadAllocatedBytes() - a0;
        seconds.add((t1 - t0) / 1e9);
      }
      Result r = new Result(variant, seconds, items, runs == 0 ? 0 : allocated / runs, "", null);
      System.out.printf(Locale.ROOT, "    %-44s median %9.3f s  runs [%s]%n", variant, r.median(), r.runs());
      return r;
    } catch (Exception | LinkageError e) {
      String msg = e.getClass().getSimpleName() + ": " + e.getMessage();
      System.out.printf(Locale.ROOT, "    %-44s FAILED %s%n", variant, msg);
      return new Result(variant, List.of(), items, 0, "", msg);
    }
  }

  private static Result budgetedRuns(String variant, int runs, Task task) throws Exception {
    List<Double> seconds = new ArrayList<>();
    String note = "";
    long items = -1;
    for (int i = 0; i < runs; i++) {
      System.gc();
      long t0 = System.nanoTime();
      Budget.start(budgetSeconds * 1_000_000_000L);
      try {
        items = task.run();
        seconds.add((System.nanoTime() - t0) / 1e9);
      } catch (Budget.Exceeded e) {
        double elapsed = (System.nanoTime() - t0) / 1e9;
        seconds.add(elapsed * e.total / e.done);
        items = e.total;
        note = String.format(Locale.ROOT, "extrapolated from %d of %d in %.0f s", e.done, e.total, elapsed);
        break;
      } finally {
        Budget.clear();
      }
    }
    Result r = new Result(variant, seconds, items, 0, note, null);
    System.out.printf(Locale.ROOT, "    %-44s median %9.3f s  runs [%s]%s%n", variant, r.median(), r.runs(),
        note.isEmpty() ? "" : " (" + note + ")");
    return r;
  }
}
