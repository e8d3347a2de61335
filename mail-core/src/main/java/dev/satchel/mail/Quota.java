package dev.satchel.mail;

import java.util.List;

/**
 * Storage usage and limits of one quota root (RFC 9208), for example "using 180 of 200 MB".
 *
 * @param root the quota root name, for example {@code "User quota"}
 * @param resources the limited resources under this root
 */
public record Quota(String root, List<Resource> resources) {
  /** Copies the list. */
  public Quota {
    resources = List.copyOf(resources);
  }

  /**
   * One limited resource.
   *
   * @param name the resource, for example {@code "STORAGE"} (in KiB) or {@code "MESSAGE"}
   * @param usage the current usage
   * @param limit the limit
   */
  public record Resource(String name, long usage, long limit) {}
}
