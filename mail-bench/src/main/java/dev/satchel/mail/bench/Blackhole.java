package dev.satchel.mail.bench;

/** Keeps results alive so that the JIT cannot drop the work that produced them. */
final class Blackhole {
  @SuppressWarnings("unused")
  private static volatile long sink;

  private Blackhole() {}

  static void consume(long value) {
    sink = sink ^ value;
  }
}
