package dev.satchel.mail.providers;

/** How a mail program can reach a provider's mailboxes. */
public enum Access {
  /** The provider runs IMAP and/or POP3 and SMTP servers on the internet. */
  STANDARD,
  /**
   * Only through a program the user runs locally that speaks IMAP and SMTP on loopback, such as Proton
   * Mail Bridge. The servers are on {@code 127.0.0.1}, usually with a self-signed certificate.
   */
  LOCAL_BRIDGE,
  /** No IMAP, POP3 or SMTP at all (for example Tuta and HEY): only the provider's own apps. */
  NONE
}
