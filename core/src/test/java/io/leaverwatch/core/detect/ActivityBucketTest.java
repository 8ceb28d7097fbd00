package io.leaverwatch.core.detect;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ActivityBucketTest {

  @Test
  void equalTextOfConsecutiveEventsIsKeptOnceAndDifferentTextStaysItsOwn() {
    ActivityBucket b = new ActivityBucket();
    b.add(ref("e-1", "198.51.100.7"), null);
    b.add(ref("e-2", "203.0.113.9"), null);

    EventRef first = b.refs.get(0);
    EventRef second = b.refs.get(1);
    assertThat(second.action).isEqualTo("user.session.start").isSameAs(first.action);
    assertThat(second.identity).isSameAs(first.identity);
    assertThat(second.actorName).isSameAs(first.actorName);
    assertThat(second.sourceIp).isEqualTo("203.0.113.9");
    assertThat(second.eventId).isEqualTo("e-2");
  }

  @Test
  void onlyTheFirstFewEventsKeepTheirRawJsonAsEvidence() {
    ActivityBucket b = new ActivityBucket();
    for (int i = 0; i < ActivityBucket.MAX_EVIDENCE + 2; i++) {
      b.add(ref("e-" + i, "198.51.100.7"), "{\"n\":" + i + "}");
    }
    b.add(ref("e-late", "198.51.100.7"), null);

    assertThat(b.refs).hasSize(ActivityBucket.MAX_EVIDENCE + 3);
    assertThat(b.refs.stream().filter(r -> r.raw != null).count())
        .isEqualTo(ActivityBucket.MAX_EVIDENCE);
    assertThat(b.refs.get(0).raw).isEqualTo("{\"n\":0}");
  }

  private static EventRef ref(String id, String ip) {
    EventRef r = new EventRef();
    r.eventId = id;
    r.time = 1_000L;
    // new String(...): equal text in distinct objects, as events arrive
    r.source = new String("OKTA");
    r.action = new String("user.session.start");
    r.actionClass = new String("AUTHENTICATION");
    r.sourceIp = ip;
    r.identity = new String("ada@example.com");
    r.role = new String("ACTOR");
    r.actorName = new String("ada@example.com");
    return r;
  }
}
