package dev.satchel.mail.testkit;

/** Which way bytes flow through a {@link FaultProxy}. */
public enum Direction {
  /** From the client (the code under test) to the server. */
  TO_SERVER,
  /** From the server to the client. */
  TO_CLIENT
}
