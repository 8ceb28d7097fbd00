package io.leaverwatch.jobs.state;

import io.leaverwatch.core.detect.ActivityBucket;
import io.leaverwatch.core.detect.EventIdSet;
import io.leaverwatch.jobs.serde.Utf8Strings;
import java.io.IOException;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/** One hour of a person's activity: format 3 added the overflow ids, 4 the overflow failures. */
final class ActivityBucketCodec implements ValueCodec<ActivityBucket> {
  static final ActivityBucketCodec INSTANCE = new ActivityBucketCodec();

  private static final EventRefCodec REFS = EventRefCodec.INSTANCE;

  @Override
  public void write(ActivityBucket b, DataOutputView out) throws IOException {
    Utf8Strings.write(b.source, out);
    out.writeLong(b.hourStart);
    REFS.writeList(b.refs, out);
    out.writeLong(b.overflowCount);
    out.writeLong(b.overflowFirst);
    out.writeLong(b.overflowLast);
    out.writeLong(b.overflowFailures);
    long[] ids = b.overflowIds.hashes();
    out.writeInt(ids.length);
    for (long h : ids) {
      out.writeLong(h);
    }
  }

  @Override
  public ActivityBucket read(DataInputView in, int format) throws IOException {
    ActivityBucket b = new ActivityBucket();
    b.source = Utf8Strings.read(in);
    b.hourStart = in.readLong();
    b.refs = REFS.readList(in, format);
    b.overflowCount = in.readLong();
    b.overflowFirst = in.readLong();
    b.overflowLast = in.readLong();
    if (format >= 4) {
      b.overflowFailures = in.readLong();
    } else {
      // formats 2 and 3 kept only whether one overflow event succeeded: none did, all failed
      b.overflowFailures = in.readBoolean() ? 0 : b.overflowCount;
    }
    if (format >= 3) {
      long[] ids = new long[in.readInt()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = in.readLong();
      }
      b.overflowIds = EventIdSet.ofHashes(ids);
    }
    return b;
  }

  @Override
  public ActivityBucket copy(ActivityBucket b) {
    ActivityBucket c = new ActivityBucket();
    c.source = b.source;
    c.hourStart = b.hourStart;
    c.refs = REFS.copyList(b.refs);
    c.overflowCount = b.overflowCount;
    c.overflowFirst = b.overflowFirst;
    c.overflowLast = b.overflowLast;
    c.overflowFailures = b.overflowFailures;
    c.overflowIds = b.overflowIds.copy();
    return c;
  }
}
