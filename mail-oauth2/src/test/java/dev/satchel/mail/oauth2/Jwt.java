package dev.satchel.mail.oauth2;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.Map;

/** Reads a JWT's claims (no signature check: the tests only look at what the server put in). */
final class Jwt {
  private Jwt() {}

  static Map<String, Object> claims(String jwt) {
    String[] parts = jwt.split("\\.");
    try {
      return JSON.std.mapFrom(Base64.getUrlDecoder().decode(parts[1]));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
