package dev.satchel.mail.providers;

import dev.satchel.mail.EmailAddress;
import java.util.Objects;

/**
 * How a server expects the login name to be formed from the email address: the full address, the
 * local part, or a template in Thunderbird's placeholder syntax ({@code %EMAILADDRESS%},
 * {@code %EMAILLOCALPART%}, {@code %EMAILDOMAIN%}), for example
 * {@code %EMAILLOCALPART%.%EMAILDOMAIN%}.
 *
 * <p>Immutable and thread-safe.
 */
public final class UsernameForm {
  /** The full address, {@code alice@example.com}: what most providers want. */
  public static final UsernameForm FULL_ADDRESS = new UsernameForm("%EMAILADDRESS%");
  /** The part before the {@code @}, {@code alice}. */
  public static final UsernameForm LOCAL_PART = new UsernameForm("%EMAILLOCALPART%");

  private final String template;

  private UsernameForm(String template) {
    this.template = template;
  }

  /**
   * A form from a template. {@code %EMAILADDRESS%} and {@code %EMAILLOCALPART%} give the constants
   * above.
   *
   * @throws IllegalArgumentException when the template is blank, holds whitespace or control
   *     characters, or holds a {@code %...%} placeholder other than the three known ones
   */
  public static UsernameForm of(String template) {
    Objects.requireNonNull(template, "template");
    if (template.equals(FULL_ADDRESS.template)) {
      return FULL_ADDRESS;
    }
    if (template.equals(LOCAL_PART.template)) {
      return LOCAL_PART;
    }
    Placeholders.check("username template", template);
    return new UsernameForm(template);
  }

  /** The template, in Thunderbird's placeholder syntax. */
  public String template() {
    return template;
  }

  /** The login name for {@code address}. */
  public String apply(EmailAddress address) {
    return Placeholders.expand(template, address);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UsernameForm u && u.template.equals(template);
  }

  @Override
  public int hashCode() {
    return template.hashCode();
  }

  /** Shows {@code address}, {@code local part} or the template. */
  @Override
  public String toString() {
    if (this.equals(FULL_ADDRESS)) {
      return "full address";
    }
    if (this.equals(LOCAL_PART)) {
      return "local part";
    }
    return template;
  }
}
