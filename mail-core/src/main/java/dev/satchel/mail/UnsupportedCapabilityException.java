package dev.satchel.mail;

/**
 * An operation whose {@link Capability} this connection does not have, for example moving a message
 * over POP3. The message names the capability and the protocol and says what to use instead.
 */
public final class UnsupportedCapabilityException extends UnsupportedOperationException {
  private static final long serialVersionUID = 1L;

  private final Capability capability;
  private final Protocol protocol;

  /**
   * Creates the exception.
   *
   * @param capability the missing capability
   * @param protocol the protocol of the connection
   * @param instead what the caller can do instead, as a sentence
   */
  public UnsupportedCapabilityException(Capability capability, Protocol protocol, String instead) {
    super(capability + " is not available over " + protocol + " on this connection. " + instead);
    this.capability = capability;
    this.protocol = protocol;
  }

  /** The missing capability. */
  public Capability capability() {
    return capability;
  }

  /** The protocol of the connection. */
  public Protocol protocol() {
    return protocol;
  }
}
