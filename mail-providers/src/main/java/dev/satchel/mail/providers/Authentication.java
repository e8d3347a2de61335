package dev.satchel.mail.providers;

/**
 * What a provider accepts as a login secret from a mail program.
 *
 * <p>Whether the provider also offers OAuth2 next to a password is a separate fact:
 * {@link MailProvider#offersOAuth2()}.
 */
public enum Authentication {
  /** The account's normal password works. */
  PASSWORD,
  /**
   * A separate password for mail programs is required (an "app password", "app-specific password",
   * "secure mail key", Bridge password or similar), created in the provider's settings; the web login
   * password is refused.
   */
  APP_PASSWORD,
  /** Only OAuth2 works: pass {@link dev.satchel.mail.Credentials#oauth2} credentials. */
  OAUTH2,
  /**
   * A provider-issued "authorization code" (QQ Mail, NetEase, some other Chinese providers), obtained
   * when switching on IMAP/POP/SMTP in web settings, replaces the account password.
   */
  AUTHORIZATION_CODE,
  /** The provider offers no IMAP, POP3 or SMTP login at all ({@link Access#NONE}). */
  NOT_OFFERED
}
