package io.leaverwatch.core.detect;

import io.leaverwatch.schema.Principal;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who is who: maps every identity key to a person. Declared identities come first; an event that
 * names a known person by one key (an email, say) teaches the directory the other keys of the same
 * principal (their GitHub login, their Okta id), which then count everywhere a declared one does.
 */
public final class IdentityDirectory implements Serializable {
  private final HashMap<String, String> personByKey = new HashMap<>();

  /** A key newly bound to a person. */
  public record Learned(String personId, String key) {}

  /** Declares an identity; returns the keys that were new. A conflicting key keeps its owner. */
  public List<String> declare(String personId, String system, String identity) {
    List<String> added = new ArrayList<>(2);
    for (String key : IdentityKeys.ofLink(system, identity)) {
      if (personByKey.putIfAbsent(key, personId) == null) {
        added.add(key);
      }
    }
    return added;
  }

  public String personOfKey(String key) {
    return personByKey.get(key);
  }

  /**
   * Resolves a principal to a person, learning its other keys on the way. The learned keys are
   * appended to {@code learned}.
   */
  public String resolve(Principal p, List<Learned> learned) {
    List<String> keys = IdentityKeys.ofPrincipal(p);
    String person = null;
    boolean unknownKey = false;
    for (String key : keys) {
      String owner = personByKey.get(key);
      if (owner == null) {
        unknownKey = true;
      } else if (person == null) {
        person = owner;
      }
    }
    // most principals are known by every key: only then is there nothing to learn
    if (person != null && unknownKey) {
      for (String key : keys) {
        if (personByKey.putIfAbsent(key, person) == null) {
          learned.add(new Learned(person, key));
        }
      }
    }
    return person;
  }

  public int size() {
    return personByKey.size();
  }

  public Map<String, String> snapshot() {
    return new HashMap<>(personByKey);
  }

  public void restore(Map<String, String> entries) {
    personByKey.putAll(entries);
  }
}
