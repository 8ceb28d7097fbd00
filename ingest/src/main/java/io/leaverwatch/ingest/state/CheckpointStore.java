package io.leaverwatch.ingest.state;

import java.io.IOException;
import java.util.Optional;

/** Where connectors keep their checkpoints; {@link CursorStore} is the file-backed one. */
public interface CheckpointStore {
  Optional<Checkpoint> load(String key) throws IOException;

  void save(String key, Checkpoint checkpoint) throws IOException;
}
