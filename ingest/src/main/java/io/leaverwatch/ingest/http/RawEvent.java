package io.leaverwatch.ingest.http;

import com.fasterxml.jackson.databind.JsonNode;

/** One event: its bytes exactly as the source sent them, and the same bytes parsed. */
public record RawEvent(byte[] bytes, JsonNode tree) {}
