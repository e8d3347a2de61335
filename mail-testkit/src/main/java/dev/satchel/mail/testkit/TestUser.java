package dev.satchel.mail.testkit;

import dev.satchel.mail.Credentials;
import java.util.Objects;

/**
 * An account on a {@link TestMailServer}, made by {@link TestMailServer#createUser(String, String)}.
 *
 * <p>Immutable and thread-safe; {@link #toString()} does not show the password.
 *
 * @param address the account's email address, where mail for it is delivered
 * @param login the login name (on a {@link TestMailServer}, the same as {@code address})
 * @param password the password
 */
public record TestUser(String address, String login, String password) {

  /** Checks that no component is null. */
  public TestUser {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(password, "password");
  }

  /** Password credentials for this account: {@code Credentials.password(login(), password())}. */
  public Credentials credentials() {
    return Credentials.password(login, password);
  }

  @Override
  public String toString() {
    return "TestUser[address=" + address + ", login=" + login + ", password=***]";
  }
}
