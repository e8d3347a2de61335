package dev.satchel.mail.jdbc;

/**
 * A write or a step was refused because the lease it depends on is no longer held under the given
 * owner and fencing token: it expired and another instance took it, or it was released. Nothing was
 * written. The instance that gets it should stop working on the key; the new holder carries on.
 */
public final class LeaseLostException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String key;
  private final String owner;
  private final long token;

  /**
   * Creates the exception.
   *
   * @param key the lease key
   * @param owner the owner that thought it held it
   * @param token that owner's fencing token
   * @param why what was refused and what was found instead
   */
  public LeaseLostException(String key, String owner, long token, String why) {
    super("lease \"" + key + "\" is no longer held by \"" + owner + "\" with fencing token " + token + ": " + why);
    this.key = key;
    this.owner = owner;
    this.token = token;
  }

  /** The lease key. */
  public String key() {
    return key;
  }

  /** The owner that lost the lease. */
  public String owner() {
    return owner;
  }

  /** The fencing token that is stale. */
  public long token() {
    return token;
  }
}
