package dev.satchel.mail.providers;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;

/** {@link DnsResolver} over the JDK's JNDI DNS provider, with finite timeouts. */
final class JndiDnsResolver implements DnsResolver {
  private final Duration timeout;

  JndiDnsResolver(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(1)) > 0) {
      throw new IllegalArgumentException("DNS timeout must be positive and at most 1 minute, was " + timeout);
    }
    this.timeout = timeout;
  }

  @Override
  public List<MxRecord> mx(String domain) throws IOException {
    List<MxRecord> out = new ArrayList<>();
    for (String value : query(domain, "MX")) {
      String[] parts = value.trim().split("\\s+");
      if (parts.length == 2) {
        try {
          out.add(new MxRecord(Integer.parseInt(parts[0]), stripDot(parts[1])));
        } catch (NumberFormatException e) {
          throw new IOException("malformed MX record for " + domain + ": \"" + value + "\"", e);
        }
      }
    }
    return out;
  }

  @Override
  public List<SrvRecord> srv(String name) throws IOException {
    List<SrvRecord> out = new ArrayList<>();
    for (String value : query(name, "SRV")) {
      String[] parts = value.trim().split("\\s+");
      if (parts.length == 4) {
        try {
          out.add(new SrvRecord(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]),
              stripDot(parts[3])));
        } catch (NumberFormatException e) {
          throw new IOException("malformed SRV record at " + name + ": \"" + value + "\"", e);
        }
      }
    }
    return out;
  }

  // BanJNDI: the context factory is pinned to the JDK's DNS provider, which only returns strings, and
  // the name is checked to be a plain DNS name first, so no URL (ldap:, rmi:) can reach another provider.
  @SuppressWarnings("BanJNDI")
  private List<String> query(String name, String type) throws IOException {
    if (!name.matches("[A-Za-z0-9_.-]{1,253}")) {
      throw new IllegalArgumentException("not a plain DNS name: \"" + name + "\"");
    }
    Hashtable<String, String> env = new Hashtable<>();
    env.put("java.naming.factory.initial", "com.sun.jndi.dns.DnsContextFactory");
    // The first try waits timeout/3, each of the 1 retry doubles it: about timeout in total.
    env.put("com.sun.jndi.dns.timeout.initial", Long.toString(Math.max(1, timeout.toMillis() / 3)));
    env.put("com.sun.jndi.dns.timeout.retries", "1");
    DirContext ctx = null;
    try {
      ctx = new InitialDirContext(env);
      Attributes attrs = ctx.getAttributes(name, new String[] {type});
      Attribute attr = attrs.get(type);
      List<String> values = new ArrayList<>();
      if (attr != null) {
        NamingEnumeration<?> e = attr.getAll();
        while (e.hasMore()) {
          values.add(String.valueOf(e.next()));
        }
      }
      return values;
    } catch (NameNotFoundException e) {
      return List.of();
    } catch (NamingException e) {
      throw new IOException(type + " lookup of " + name + " failed: " + e.getMessage(), e);
    } finally {
      if (ctx != null) {
        try {
          ctx.close();
        } catch (NamingException ignored) {
          // nothing left to release
        }
      }
    }
  }

  private static String stripDot(String host) {
    return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
  }
}
